/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_TX_BUFFER_H
#define CE_LSLM_SIX_G_TX_BUFFER_H

#include "ns3/callback.h"
#include "ns3/packet.h"
#include "ns3/queue-size.h"

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The per-terminal, per-direction transmit buffer of the 6G radio (the RLC/PDCP role):
 * a bounded FIFO of IP packets, segmentation into transport blocks, retransmission of what a
 * failed block carried, and in-order delivery.
 *
 * Dequeue() cuts the next bytes into a transport block, splitting packets where the block
 * ends; bytes to retransmit go first. When a block is lost after its last HARQ transmission,
 * its segments are queued again (acknowledged-mode RLC: ARQ) up to MaxRetransmissions times,
 * after which the packets they belong to are lost. Once every piece of a packet is decoded
 * (or the packet is lost), it is delivered (or reported lost) in the order the packets were
 * enqueued: a packet never overtakes an earlier one, as with PDCP reordering, so TCP sees no
 * reordering that the radio introduced.
 *
 * The limit (packets or bytes, ns-3 QueueSize) counts the packets not yet fully handed to
 * transport blocks; a packet that does not fit is refused, and the device traces the drop.
 */
class SixGTxBuffer
{
  public:
    /// Part of a packet carried by one transport block.
    struct Segment
    {
        uint64_t sequence;  //!< packet sequence number
        uint32_t bytes;     //!< bytes of that packet carried
        uint8_t attempt{0}; //!< 0 for the first transmission, then ARQ retransmissions
    };

    /// Called with each packet that reached the receiver, in order, with its protocol.
    using DeliverCallback = Callback<void, Ptr<Packet>, uint16_t>;
    /// Called with each packet lost because a transport block carrying it was not decoded.
    using LossCallback = Callback<void, Ptr<const Packet>>;
    /// Called with each packet whose last byte was put into a transport block.
    using SentCallback = Callback<void, Ptr<const Packet>>;

    /**
     * \param limit the most packets (or bytes) waiting to be sent
     * \param maxRetransmissions ARQ retransmissions of a segment after a lost block
     */
    explicit SixGTxBuffer(QueueSize limit = QueueSize("1000p"), uint8_t maxRetransmissions = 0);

    /// \param limit the new limit (applies to later Enqueue calls)
    void SetLimit(QueueSize limit);

    /// \param deliver where delivered packets go
    /// \param lost where lost packets are reported
    /// \param sent where fully sent packets are reported
    void SetCallbacks(DeliverCallback deliver, LossCallback lost, SentCallback sent);

    /**
     * \param packet an IP packet
     * \param protocol its protocol number (delivered with it)
     * \return false (and nothing queued) when it would exceed the limit
     */
    bool Enqueue(Ptr<Packet> packet, uint16_t protocol);

    /// \return bytes waiting to be put into transport blocks (retransmissions included)
    uint64_t GetBacklogBytes() const;
    /// \return packets with bytes waiting to be put into transport blocks
    uint32_t GetBacklogPackets() const;
    /// \return packets handed to transport blocks whose fate is not known yet
    std::size_t GetInFlightPackets() const;

    /**
     * \brief Take up to \p bytes from the head of the FIFO for one transport block.
     * \param bytes the block's payload capacity
     * \return the segments it carries (empty when nothing waits)
     */
    std::vector<Segment> Dequeue(uint64_t bytes);

    /**
     * \brief Report the fate of a transport block.
     * \param segments what it carried (from Dequeue)
     * \param decoded whether the receiver decoded it; if not, its segments are sent again
     * while they have retransmissions left
     */
    void Resolve(const std::vector<Segment>& segments, bool decoded);

    /// Drop every packet and forget the callbacks (end of simulation).
    void Clear();

  private:
    /// A packet handed (at least partly) to transport blocks.
    struct InFlight
    {
        Ptr<Packet> packet;  //!< the packet
        uint16_t protocol;   //!< its protocol number
        uint32_t pending;    //!< transport blocks carrying it that are not resolved
        bool lost{false};    //!< whether one of them was lost
        bool allSent{false}; //!< whether its last byte has been put into a block
    };

    /// A packet waiting in the FIFO.
    struct Waiting
    {
        Ptr<Packet> packet; //!< the packet
        uint16_t protocol;  //!< its protocol number
        uint64_t sequence;  //!< its sequence number
        uint32_t sentBytes; //!< bytes already put into transport blocks
    };

    /// Deliver or report the resolved packets at the head of the in-flight map, in order.
    void DeliverInOrder();
    /**
     * \brief Take up to \p bytes of retransmissions.
     * \param bytes capacity left in the block (reduced)
     * \param segments receives the pieces taken
     */
    void DequeueRetransmissions(uint64_t& bytes, std::vector<Segment>& segments);

    QueueSize m_limit;                       //!< limit of waiting packets or bytes
    uint8_t m_maxRetransmissions;            //!< ARQ retransmissions per segment
    std::deque<Segment> m_retransmissions;   //!< pieces of lost blocks, to send first
    uint64_t m_retransmissionBytes{0};       //!< bytes in m_retransmissions
    std::deque<Waiting> m_waiting;           //!< FIFO of packets not fully sent
    std::map<uint64_t, InFlight> m_inFlight; //!< sequence -> packet partly or fully sent
    uint64_t m_backlogBytes{0};              //!< unsent bytes in m_waiting
    uint64_t m_nextSequence{0};              //!< sequence number of the next packet
    DeliverCallback m_deliver;               //!< delivery sink
    LossCallback m_lost;                     //!< loss sink
    SentCallback m_sent;                     //!< fully-sent sink
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_TX_BUFFER_H
