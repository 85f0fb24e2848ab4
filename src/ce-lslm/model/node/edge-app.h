/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EDGE_APP_H
#define CE_LSLM_EDGE_APP_H

#include "ce-application.h"

#include "ns3/address.h"
#include "ns3/event-id.h"
#include "ns3/framed-connection.h"
#include "ns3/framed-listener.h"
#include "ns3/ipv4-address.h"
#include "ns3/protocol-message.h"

#include <map>
#include <set>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief An edge node between its terminals and the cloud.
 *
 * When the inference mode gave the edge a RequestServer (e.g. the edge SLM), the edge answers
 * its terminals' requests itself. Otherwise it relays: it forwards each terminal's request to
 * the cloud over one shared backhaul connection and forwards the streamed tokens back to the
 * terminal that asked; a CANCEL from the terminal (or its connection closing) is passed on.
 * If the cloud cannot be reached (the backhaul connection failed or ended), requests are
 * answered with an ERROR message ("upstream-unavailable") instead of being left to hang; with
 * a ReconnectInterval the edge then opens a new backhaul connection after that interval (and
 * again after each failed attempt). A request whose id is already in flight is refused with
 * "duplicate-request".
 *
 * Crash() and Restart() model the edge's server process failing and coming back (fault
 * injection): a crash closes every connection at once (peers see them end), forgets every
 * request and makes the server lose its state (RequestServer::Restart: KV store, resident
 * contexts); until the restart, terminals that connect are refused by TCP.
 */
class EdgeApp : public CeApplication
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    EdgeApp();
    ~EdgeApp() override;

    /// \return the number of requests forwarded and not yet answered in full
    uint32_t GetActiveRequests() const;

    /**
     * \brief Make another edge a neighbour (an edge-edge link joins them): when the edge's
     * server collaborates (RequestServer::NeedsLinks), the edge connects to the neighbour's
     * PeerPort and hands the connection to the server (call before the application starts).
     * \param edge the neighbour's edge index
     * \param address the neighbour's address on the link between the two (port ignored)
     */
    void AddNeighbour(uint32_t edge, Ipv4Address address);

    /// \param edge this edge's index (names it to its neighbours)
    void SetEdgeIndex(uint32_t edge);

    /// \brief The server process crashes: see the class description. Ignored when down.
    void Crash();
    /// \brief The server process is back: it listens and connects as at start. Ignored when up.
    void Restart();
    /// \return whether the edge is crashed
    bool IsDown() const;
    /// \return the backhaul connection to the cloud, or null (none open, or crashed)
    Ptr<FramedConnection> GetBackhaul() const;

    /**
     * TracedCallback signature for a crash or a restart.
     * \param edge the edge's index
     */
    typedef void (*EdgeTracedCallback)(uint32_t edge);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /**
     * \brief Set up a newly accepted terminal connection.
     * \param connection the connection
     */
    void HandleTerminalAccepted(Ptr<FramedConnection> connection);
    /**
     * \brief Handle a message from a terminal (a request or a cancel).
     * \param connection the terminal's connection
     * \param message the message
     */
    void HandleTerminalMessage(Ptr<FramedConnection> connection, Ptr<Packet> message);
    /**
     * \brief Cancel the requests of a terminal whose connection ended.
     * \param connection the terminal's connection
     * \param reason why it ended
     */
    void HandleTerminalClosed(Ptr<FramedConnection> connection,
                              FramedConnection::CloseReason reason);
    /**
     * \brief Handle a message from the cloud (a token or an error) and relay it.
     * \param connection the backhaul connection
     * \param message the message
     */
    void HandleCloudMessage(Ptr<FramedConnection> connection, Ptr<Packet> message);
    /**
     * \brief Fail every forwarded request when the backhaul connection ends.
     * \param connection the backhaul connection
     * \param reason why it ended
     */
    void HandleCloudClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason);
    /// \brief Listen for terminals and open the connections the node needs (start, restart).
    void Open();
    /// \brief Open the backhaul connection to the cloud (and hand it to a collaborating server).
    void ConnectBackhaul();
    /// \brief Open the connections a collaborating server uses: neighbours, peer port.
    void OpenLinks();
    /**
     * \brief Set up a connection a neighbouring edge opened.
     * \param connection the connection
     */
    void HandlePeerAccepted(Ptr<FramedConnection> connection);
    /**
     * \brief Set up a connection to or from a neighbouring edge: its messages go to the server.
     * \param connection the connection
     */
    void AttachPeer(Ptr<FramedConnection> connection);
    /**
     * \brief Hand a neighbouring edge's message to the server.
     * \param connection the connection
     * \param message the message
     */
    void HandlePeerMessage(Ptr<FramedConnection> connection, Ptr<Packet> message);
    /**
     * \brief A connection to or from a neighbouring edge ended.
     * \param connection the connection
     * \param reason why
     */
    void HandlePeerClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason);

    /**
     * \brief Answer a terminal's request with an ERROR message.
     * \param terminal the terminal's connection
     * \param requestId the request
     * \param code why it failed
     */
    void Refuse(Ptr<FramedConnection> terminal, uint64_t requestId, ErrorHeader::Code code);

    /**
     * \brief Tell the cloud to stop answering a request passed on to it, and drop its tokens
     * still in flight.
     * \param requestId the request
     */
    void CancelUpstream(uint64_t requestId);

    // Attributes
    uint16_t m_port;                              //!< TCP port terminals connect to
    uint16_t m_peerPort;                          //!< TCP port neighbouring edges connect to
    Address m_cloud;                              //!< cloud address and port
    std::map<uint32_t, Ipv4Address> m_neighbours; //!< neighbouring edges' addresses
    uint32_t m_index{0};                          //!< this edge's index
    Time m_reconnect;                             //!< backhaul reconnection delay (0: never)

    // State
    Ptr<FramedListener> m_listener;                     //!< terminal-facing server
    Ptr<FramedConnection> m_backhaul;                   //!< connection to the cloud (or null)
    Ptr<FramedListener> m_peerListener;                 //!< neighbour-facing server (or null)
    std::vector<Ptr<FramedConnection>> m_peers;         //!< connections with neighbours
    std::map<uint64_t, Ptr<FramedConnection>> m_routes; //!< request id -> terminal
    std::set<uint64_t> m_orphaned;               //!< forwarded requests whose terminal went away
    std::set<Ptr<FramedConnection>> m_terminals; //!< open terminal connections
    RequestServer::Links m_links;                //!< what a collaborating server was given
    EventId m_reconnectEvent;                    //!< pending ConnectBackhaul
    bool m_linksOpen{false};                     //!< the server has been given its links
    bool m_down{false};                          //!< crashed
    bool m_stopping{false};                      //!< StopApplication called

    // Trace sources
    MessageTrace m_accessRxTrace;            //!< from a terminal
    MessageTrace m_accessTxTrace;            //!< to a terminal
    MessageTrace m_backhaulTxTrace;          //!< to the cloud
    MessageTrace m_backhaulRxTrace;          //!< from the cloud
    MessageTrace m_peerTxTrace;              //!< to a neighbouring edge
    MessageTrace m_peerRxTrace;              //!< from a neighbouring edge
    TracedCallback<uint32_t> m_crashTrace;   //!< the server process crashed
    TracedCallback<uint32_t> m_restartTrace; //!< the server process is back
};

} // namespace ns3

#endif // CE_LSLM_EDGE_APP_H
