/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_TCP_EVENT_PROBE_H
#define CE_LSLM_TCP_EVENT_PROBE_H

#include "ns3/callback.h"
#include "ns3/object.h"
#include "ns3/sequence-number.h"
#include "ns3/socket.h"

#include <cstdint>

namespace ns3
{

class Packet;
class TcpHeader;
class TcpSocketBase;

/**
 * \ingroup ce-lslm
 * \brief Watches one TCP socket and reports its loss recovery: every data segment sent again
 * (a retransmission, fast or after a timeout) and every retransmission timeout.
 *
 * ns-3.37's TcpSocketBase has no retransmission trace, so the probe reads its "Tx" trace: a
 * segment with payload that starts below the highest sequence number the socket has sent is a
 * retransmission. A timeout is an entry into the congestion state CA_LOSS (the state ns-3's
 * TCP enters only when its retransmission timer expires); further expiries during the same loss
 * episode, while the state stays CA_LOSS, are counted once.
 *
 * The socket's trace sources hold the probe, so it lives exactly as long as the socket.
 * A socket that is not a TcpSocketBase is not watched (Install returns null).
 */
class TcpEventProbe : public Object
{
  public:
    /// \return the TypeId
    static TypeId GetTypeId();

    /// Called with the payload bytes of every retransmitted segment.
    typedef Callback<void, uint32_t> RetransmissionCallback;
    /// Called at every retransmission timeout.
    typedef Callback<void> TimeoutCallback;

    /**
     * \brief Watch \p socket from now on.
     * \param socket a TCP socket
     * \param onRetransmission called for each retransmitted segment
     * \param onTimeout called for each retransmission timeout
     * \return the probe, or null when the socket cannot be watched (not a TcpSocketBase)
     */
    static Ptr<TcpEventProbe> Install(Ptr<Socket> socket,
                                      RetransmissionCallback onRetransmission,
                                      TimeoutCallback onTimeout);

    /// Stop calling the sinks (their owner is going away; the socket may live on).
    void Disconnect();

    /// \return segments retransmitted so far
    uint64_t GetRetransmissions() const;
    /// \return retransmission timeouts so far
    uint64_t GetTimeouts() const;

  private:
    /// A segment left the socket.
    void HandleTx(Ptr<const Packet> segment, const TcpHeader& header, Ptr<const TcpSocketBase>);
    /// The congestion state changed.
    void HandleCongState(uint32_t oldState, uint32_t newState);

    RetransmissionCallback m_onRetransmission; //!< retransmission sink
    TimeoutCallback m_onTimeout;               //!< timeout sink
    bool m_sentData{false};                    //!< whether m_highest holds a sent sequence
    SequenceNumber32 m_highest;                //!< end of the highest data sent
    uint64_t m_retransmissions{0};             //!< segments retransmitted
    uint64_t m_timeouts{0};                    //!< timeouts
};

} // namespace ns3

#endif // CE_LSLM_TCP_EVENT_PROBE_H
