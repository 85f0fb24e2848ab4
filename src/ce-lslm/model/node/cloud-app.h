/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CLOUD_APP_H
#define CE_LSLM_CLOUD_APP_H

#include "ce-application.h"

#include "ns3/event-id.h"
#include "ns3/framed-connection.h"
#include "ns3/framed-listener.h"
#include "ns3/nstime.h"

#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The cloud node: answers the requests its edges forward.
 *
 * In network-only mode no model runs: for a request asking for N answer tokens the cloud
 * streams N TOKEN messages, token k (1-based) leaving k x TokenInterval after the request
 * arrived, each carrying TokenBytes bytes of text. This isolates what the network adds to
 * time to first token and time per output token.
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

    /// \return the number of answers being streamed
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
     * \brief Handle a request forwarded by an edge.
     * \param connection the edge's connection
     * \param message the message
     */
    void HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message);
    /**
     * \brief Stop streaming the answers of an edge whose connection ended.
     * \param connection the edge's connection
     * \param reason why it ended
     */
    void HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason);
    /**
     * \brief Send the next token of an answer and schedule the one after.
     * \param requestId the request
     */
    void SendNextToken(uint64_t requestId);

    /// An answer being streamed.
    struct Stream
    {
        Ptr<FramedConnection> connection; //!< edge to send to
        uint32_t nextIndex;               //!< next token to send
        uint32_t answerTokens;            //!< tokens to send in all
        EventId event;                    //!< next SendNextToken
    };

    // Attributes
    uint16_t m_port;       //!< TCP port edges connect to
    Time m_tokenInterval;  //!< time between tokens
    uint32_t m_tokenBytes; //!< text bytes per token

    // State
    Ptr<FramedListener> m_listener;       //!< edge-facing server
    std::map<uint64_t, Stream> m_streams; //!< answers in progress

    // Trace sources
    MessageTrace m_rxTrace; //!< message received
    MessageTrace m_txTrace; //!< message sent
};

} // namespace ns3

#endif // CE_LSLM_CLOUD_APP_H
