/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_APPLICATION_H
#define CE_LSLM_CE_APPLICATION_H

#include "message-tracing.h"
#include "request-server.h"

#include "ns3/application.h"
#include "ns3/framed-connection.h"
#include "ns3/ipv4-address.h"
#include "ns3/protocol-message.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Base of the terminal, edge and cloud applications: decoding received messages,
 * tracing the messages they exchange, reporting malformed input through the "ProtocolError"
 * trace source instead of crashing or acting on garbage, and answering requests with the
 * node's RequestServer when the inference mode gave it one.
 */
class CeApplication : public Application
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// \return the number of malformed or unexpected messages received so far
    uint64_t GetProtocolErrors() const;

    /// TracedCallback signature of TcpRetransmission: (link class, peer, payload bytes).
    typedef void (*TcpRetransmissionTracedCallback)(const std::string& link,
                                                    Ipv4Address peer,
                                                    uint32_t bytes);
    /// TracedCallback signature of TcpTimeout: (link class, peer).
    typedef void (*TcpTimeoutTracedCallback)(const std::string& link, Ipv4Address peer);

    /**
     * \brief Answer the requests that reach this node with \p server instead of passing them
     * on (set before the application starts).
     * \param server the server, or null to pass requests on
     */
    virtual void SetServer(Ptr<RequestServer> server);

    /// \return the node's server, or null when it passes requests on
    Ptr<RequestServer> GetServer() const;

    /**
     * \brief Authenticate this application's messages to and from other edges and the cloud
     * with \p authenticator (set before the application starts; connections with terminals
     * stay unauthenticated). Give every application of a node the same authenticator: it
     * models the node's CPU.
     * \param authenticator the node's authenticator, or null for none
     */
    void SetAuthenticator(Ptr<MessageAuthenticator> authenticator);

    /// \return the node's authenticator, or null when messages are not authenticated
    Ptr<MessageAuthenticator> GetAuthenticator() const;

  protected:
    /**
     * \brief Give a connection with another edge or the cloud this node's authenticator, if
     * it has one (before the connection connects or is attached).
     * \param connection the connection
     */
    void Authenticate(Ptr<FramedConnection> connection) const;

    /**
     * \brief Decode a received message; fire \p rxTrace for a well-formed one, report a
     * malformed one as a protocol error.
     * \param connection the connection it came on (its framing sizes the traced frame)
     * \param message the message
     * \param decoded receives the decoded headers
     * \param rxTrace the trace source for messages received from \p peer
     * \param peer who sent it ("a terminal", "the cloud", ...), for the error text
     * \return whether the message is well formed
     */
    bool DecodeOrReport(Ptr<const FramedConnection> connection,
                        Ptr<const Packet> message,
                        ProtocolMessage& decoded,
                        MessageTrace& rxTrace,
                        const std::string& peer);

    /**
     * \brief Trace \p connection: fire \p txTrace for every message it hands to TCP (so that
     * traced bytes are bytes actually sent, not merely queued), and this application's
     * TcpRetransmission and TcpTimeout for its socket's loss recovery.
     * \param connection a connection of this application
     * \param txTrace the trace source for messages sent on it
     * \param link the link class it sends on: "access", "backhaul" or "edge-edge"
     */
    void TraceConnection(Ptr<FramedConnection> connection,
                         MessageTrace& txTrace,
                         const std::string& link);

    /**
     * \brief Report a connection that ended because of bad bytes from \p peer.
     * \param connection the connection
     * \param reason why it ended; only FRAMING_ERROR is reported
     * \param peer who is at the other end, for the error text
     */
    void ReportFramingError(Ptr<FramedConnection> connection,
                            FramedConnection::CloseReason reason,
                            const std::string& peer);

    /**
     * \brief Record a malformed or unexpected message (it is otherwise ignored).
     * \param what description, naming the request and the byte offset where known
     */
    void ReportProtocolError(const std::string& what);

    /**
     * \brief Erase the entries of \p map whose value matches \p match.
     * \param map a map
     * \param match predicate on the mapped value
     * \return the erased entries, in key order
     */
    template<class Key, class Value, class Match>
    static std::vector<std::pair<Key, Value>> EraseWhere(std::map<Key, Value>& map, Match match)
    {
        std::vector<std::pair<Key, Value>> erased;
        for (auto it = map.begin(); it != map.end();)
        {
            if (match(it->second))
            {
                erased.emplace_back(it->first, it->second);
                it = map.erase(it);
            }
            else
            {
                ++it;
            }
        }
        return erased;
    }

    void DoDispose() override;

    /**
     * \brief Answer a REQUEST that came on \p from with the node's server; its tokens (or an
     * ERROR) go back on \p from. Duplicates and zero-token requests are refused.
     * \param from the requester's connection
     * \param decoded the request
     */
    void ServeRequest(Ptr<FramedConnection> from, const ProtocolMessage& decoded);

    /**
     * \param id a request id
     * \return whether this node's server is answering it
     */
    bool IsServed(uint64_t id) const;

    /**
     * \brief Stop answering a request (a CANCEL arrived); unknown ids are ignored.
     * \param id the request
     */
    void CancelServed(uint64_t id);

    /**
     * \brief A connection of this node ended: stop answering every request that came on it
     * and tell the server (which may have used it as a link).
     * \param connection the connection
     */
    void ForgetConnection(Ptr<FramedConnection> connection);

    /**
     * \brief The node's process crashed: stop answering every request without a word to its
     * requester and make the server lose its state (RequestServer::Restart).
     */
    void ForgetEverything();

    /**
     * \brief Offer a message the application does not handle itself to the server.
     * \param from the connection it came on
     * \param decoded the message
     * \return whether the server understood it
     */
    bool OfferToServer(Ptr<FramedConnection> from, const ProtocolMessage& decoded);

  private:
    /**
     * \brief Send a token the server produced back to the requester.
     * \param id request id
     * \param index token index
     * \param last whether it ends the answer
     * \param text the token's text
     */
    void SendServedToken(uint64_t id, uint32_t index, bool last, std::string text);

    /**
     * \brief Tell the requester that the server could not answer.
     * \param id request id
     * \param code why
     */
    void SendServedFailure(uint64_t id, ErrorHeader::Code code);

    Ptr<RequestServer> m_server;                        //!< answers requests (or null)
    Ptr<MessageAuthenticator> m_authenticator;          //!< node's authenticator (or null)
    std::map<uint64_t, Ptr<FramedConnection>> m_served; //!< request -> requester
    ProtocolErrorTrace m_protocolErrorTrace;            //!< malformed or unexpected message
    TcpRetransmissionTrace m_tcpRetransmissionTrace;    //!< a TCP segment sent again
    TcpTimeoutTrace m_tcpTimeoutTrace;                  //!< a TCP retransmission timeout
    uint64_t m_protocolErrors{0};                       //!< count of the above
};

} // namespace ns3

#endif // CE_LSLM_CE_APPLICATION_H
