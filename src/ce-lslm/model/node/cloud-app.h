/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CLOUD_APP_H
#define CE_LSLM_CLOUD_APP_H

#include "ce-application.h"

#include "ns3/framed-connection.h"
#include "ns3/framed-listener.h"
#include "ns3/random-variable-stream.h"

#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The cloud node: accepts the edges' connections and answers the requests they pass
 * on with its RequestServer (the cloud LLM, or the network-only pacing, which it uses when
 * given no server), streaming the tokens back on the connection each request came on.
 */
class CloudApp : public CeApplication
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    CloudApp();
    ~CloudApp() override;

    /// \return the number of requests being answered
    uint32_t GetActiveStreams() const;

    /**
     * \brief Fault injection: the cloud is overloaded and its admission control refuses new
     * work (a REQUEST, a CONTEXT_FETCH, a deferred HIDDEN_STATE) with an OVERLOADED error, each
     * with probability \p probability; work already admitted goes on.
     * \param probability chance a new piece of work is refused, in [0, 1] (0: overload over)
     * \param random draws the chance (required when 0 < probability < 1)
     */
    void SetOverload(double probability, Ptr<UniformRandomVariable> random);

    /**
     * TracedCallback signature for work refused by admission control.
     * \param requestId the request or fetch id
     */
    typedef void (*RefusedTracedCallback)(uint64_t requestId);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /**
     * \brief Set up a newly accepted edge connection.
     * \param connection the connection
     */
    void HandleEdgeAccepted(Ptr<FramedConnection> connection);

    /**
     * \brief Handle a request or a cancel passed on by an edge.
     * \param connection the edge's connection
     * \param message the message
     */
    void HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message);

    /**
     * \brief Stop answering the requests of an edge whose connection ended.
     * \param connection the edge's connection
     * \param reason why it ended
     */
    void HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason);

    /**
     * \param decoded a message from an edge
     * \return whether it starts new work and admission control refuses it now
     */
    bool Refuses(const ProtocolMessage& decoded) const;

    // Attributes
    uint16_t m_port;                     //!< TCP port edges connect to
    double m_overload{0};                //!< chance new work is refused
    Ptr<UniformRandomVariable> m_random; //!< draws it

    // State
    Ptr<FramedListener> m_listener; //!< edge-facing server

    // Trace sources
    MessageTrace m_rxTrace;                  //!< message received
    MessageTrace m_txTrace;                  //!< message sent
    TracedCallback<uint64_t> m_refusedTrace; //!< refused by admission control
};

} // namespace ns3

#endif // CE_LSLM_CLOUD_APP_H
