/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CLOUD_APP_H
#define CE_LSLM_CLOUD_APP_H

#include "ce-application.h"

#include "ns3/framed-connection.h"
#include "ns3/framed-listener.h"

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

    // Attributes
    uint16_t m_port; //!< TCP port edges connect to

    // State
    Ptr<FramedListener> m_listener; //!< edge-facing server

    // Trace sources
    MessageTrace m_rxTrace; //!< message received
    MessageTrace m_txTrace; //!< message sent
};

} // namespace ns3

#endif // CE_LSLM_CLOUD_APP_H
