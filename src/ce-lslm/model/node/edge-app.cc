/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "edge-app.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EdgeApp");

NS_OBJECT_ENSURE_REGISTERED(EdgeApp);

TypeId
EdgeApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::EdgeApp")
            .SetParent<CeApplication>()
            .SetGroupName("CeLslm")
            .AddConstructor<EdgeApp>()
            .AddAttribute("Port",
                          "TCP port on which terminals connect.",
                          UintegerValue(7000),
                          MakeUintegerAccessor(&EdgeApp::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("PeerPort",
                          "TCP port on which neighbouring edges connect (edge-edge tier).",
                          UintegerValue(7001),
                          MakeUintegerAccessor(&EdgeApp::m_peerPort),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("Cloud",
                          "Address (InetSocketAddress) of the cloud node's edge port.",
                          AddressValue(),
                          MakeAddressAccessor(&EdgeApp::m_cloud),
                          MakeAddressChecker())
            .AddAttribute("ReconnectInterval",
                          "Delay before the edge opens a new backhaul connection after the "
                          "previous one ended or failed to connect, in s; 0: never reconnect.",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&EdgeApp::m_reconnect),
                          MakeTimeChecker(Time(0)))
            .AddTraceSource("Crashed",
                            "The edge's server process crashed (fault injection).",
                            MakeTraceSourceAccessor(&EdgeApp::m_crashTrace),
                            "ns3::EdgeApp::EdgeTracedCallback")
            .AddTraceSource("Restarted",
                            "The edge's server process restarted after a crash.",
                            MakeTraceSourceAccessor(&EdgeApp::m_restartTrace),
                            "ns3::EdgeApp::EdgeTracedCallback")
            .AddTraceSource("AccessRx",
                            "A protocol message was received from a terminal.",
                            MakeTraceSourceAccessor(&EdgeApp::m_accessRxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("AccessTx",
                            "A protocol message was handed to TCP, to a terminal.",
                            MakeTraceSourceAccessor(&EdgeApp::m_accessTxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("BackhaulTx",
                            "A protocol message was handed to TCP, to the cloud.",
                            MakeTraceSourceAccessor(&EdgeApp::m_backhaulTxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("BackhaulRx",
                            "A protocol message was received from the cloud.",
                            MakeTraceSourceAccessor(&EdgeApp::m_backhaulRxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("PeerTx",
                            "A protocol message was handed to TCP, to a neighbouring edge.",
                            MakeTraceSourceAccessor(&EdgeApp::m_peerTxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("PeerRx",
                            "A protocol message was received from a neighbouring edge.",
                            MakeTraceSourceAccessor(&EdgeApp::m_peerRxTrace),
                            "ns3::ProtocolMessage::TracedCallback");
    return tid;
}

EdgeApp::EdgeApp()
    : m_port(7000)
    , m_peerPort(7001)
{
    NS_LOG_FUNCTION(this);
}

EdgeApp::~EdgeApp()
{
    NS_LOG_FUNCTION(this);
}

uint32_t
EdgeApp::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_routes.size())
           + (GetServer() ? GetServer()->GetActiveRequests() : 0);
}

void
EdgeApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_reconnectEvent.Cancel();
    if (m_listener)
    {
        m_listener->Dispose();
        m_listener = nullptr;
    }
    if (m_backhaul)
    {
        m_backhaul->Dispose();
        m_backhaul = nullptr;
    }
    if (m_peerListener)
    {
        m_peerListener->Dispose();
        m_peerListener = nullptr;
    }
    for (auto& peer : m_peers)
    {
        peer->Dispose();
    }
    m_peers.clear();
    m_terminals.clear();
    m_routes.clear();
    m_links = RequestServer::Links();
    CeApplication::DoDispose();
}

void
EdgeApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_stopping = false;
    Open();
}

void
EdgeApp::Open()
{
    m_listener = CreateObject<FramedListener>();
    m_listener->SetAcceptCallback(MakeCallback(&EdgeApp::HandleTerminalAccepted, this));
    m_listener->Listen(GetNode(), m_port);
    if (GetServer() && !GetServer()->NeedsLinks())
    {
        return; // this edge answers every request itself: no backhaul needed
    }
    ConnectBackhaul();
    if (GetServer())
    {
        OpenLinks();
    }
}

void
EdgeApp::ConnectBackhaul()
{
    m_backhaul = CreateObject<FramedConnection>();
    Authenticate(m_backhaul);
    m_backhaul->SetMessageCallback(MakeCallback(&EdgeApp::HandleCloudMessage, this));
    m_backhaul->SetClosedCallback(MakeCallback(&EdgeApp::HandleCloudClosed, this));
    TraceConnection(m_backhaul, m_backhaulTxTrace, "backhaul");
    m_backhaul->Connect(Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId()), m_cloud);
    m_links.self = m_index;
    m_links.upstream = m_backhaul;
    if (m_linksOpen)
    {
        GetServer()->SetLinks(m_links); // a reconnection: the neighbours stay
    }
}

void
EdgeApp::Crash()
{
    NS_LOG_FUNCTION(this);
    if (m_down)
    {
        return;
    }
    m_down = true;
    m_reconnectEvent.Cancel();
    std::vector<Ptr<FramedConnection>> connections(m_terminals.begin(), m_terminals.end());
    connections.insert(connections.end(), m_peers.begin(), m_peers.end());
    if (m_backhaul)
    {
        connections.push_back(m_backhaul);
    }
    for (const auto& connection : connections)
    {
        connection->Abort();
    }
    for (Ptr<FramedListener> listener : {m_listener, m_peerListener})
    {
        if (listener)
        {
            listener->Close();
        }
    }
    m_listener = nullptr;
    m_peerListener = nullptr;
    m_backhaul = nullptr;
    m_peers.clear();
    m_terminals.clear();
    m_routes.clear();
    m_orphaned.clear();
    m_links = RequestServer::Links();
    m_linksOpen = false;
    ForgetEverything();
    m_crashTrace(m_index);
}

void
EdgeApp::Restart()
{
    NS_LOG_FUNCTION(this);
    if (!m_down)
    {
        return;
    }
    m_down = false;
    m_restartTrace(m_index);
    if (!m_stopping)
    {
        Open();
    }
}

bool
EdgeApp::IsDown() const
{
    return m_down;
}

Ptr<FramedConnection>
EdgeApp::GetBackhaul() const
{
    return m_backhaul;
}

void
EdgeApp::AddNeighbour(uint32_t edge, Ipv4Address address)
{
    m_neighbours[edge] = address;
}

void
EdgeApp::SetEdgeIndex(uint32_t edge)
{
    m_index = edge;
}

void
EdgeApp::OpenLinks()
{
    m_linksOpen = true;
    if (!m_neighbours.empty())
    {
        m_peerListener = CreateObject<FramedListener>();
        m_peerListener->SetAcceptCallback(MakeCallback(&EdgeApp::HandlePeerAccepted, this));
        m_peerListener->Listen(GetNode(), m_peerPort);
    }
    for (const auto& [edge, address] : m_neighbours)
    {
        Ptr<FramedConnection> peer = CreateObject<FramedConnection>();
        AttachPeer(peer);
        peer->Connect(Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId()),
                      InetSocketAddress(address, m_peerPort));
        m_links.neighbours[edge] = peer;
    }
    GetServer()->SetLinks(m_links);
}

void
EdgeApp::HandlePeerAccepted(Ptr<FramedConnection> connection)
{
    AttachPeer(connection);
}

void
EdgeApp::AttachPeer(Ptr<FramedConnection> connection)
{
    Authenticate(connection); // before Connect(), and before the listener's Attach()
    connection->SetMessageCallback(MakeCallback(&EdgeApp::HandlePeerMessage, this));
    connection->SetClosedCallback(MakeCallback(&EdgeApp::HandlePeerClosed, this));
    TraceConnection(connection, m_peerTxTrace, "edge-edge");
    m_peers.push_back(connection);
}

void
EdgeApp::HandlePeerMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (DecodeOrReport(connection, message, decoded, m_peerRxTrace, "a neighbouring edge")
        && !OfferToServer(connection, decoded))
    {
        ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                            + " message from a neighbouring edge");
    }
}

void
EdgeApp::HandlePeerClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    ReportFramingError(connection, reason, "a neighbouring edge");
    ForgetConnection(connection);
}

void
EdgeApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_stopping = true;
    m_reconnectEvent.Cancel();
    if (m_listener)
    {
        m_listener->Close();
    }
    if (m_backhaul)
    {
        m_backhaul->Close();
    }
    if (m_peerListener)
    {
        m_peerListener->Close();
    }
    for (auto& peer : m_peers)
    {
        peer->Close();
    }
}

void
EdgeApp::HandleTerminalAccepted(Ptr<FramedConnection> connection)
{
    NS_LOG_FUNCTION(this << connection);
    m_terminals.insert(connection);
    connection->SetMessageCallback(MakeCallback(&EdgeApp::HandleTerminalMessage, this));
    connection->SetClosedCallback(MakeCallback(&EdgeApp::HandleTerminalClosed, this));
    TraceConnection(connection, m_accessTxTrace, "access");
}

void
EdgeApp::HandleTerminalMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (!DecodeOrReport(connection, message, decoded, m_accessRxTrace, "a terminal"))
    {
        return;
    }
    const uint64_t id = decoded.header.GetRequestId();
    switch (decoded.header.GetType())
    {
        case MessageHeader::REQUEST:
            if (m_routes.count(id) != 0 || m_orphaned.count(id) != 0)
            {
                ReportProtocolError("request " + std::to_string(id) + " is already in flight");
                Refuse(connection, id, ErrorHeader::DUPLICATE_REQUEST);
            }
            else if (GetServer())
            {
                ServeRequest(connection, decoded);
            }
            else if (!m_backhaul)
            {
                Refuse(connection, id, ErrorHeader::UPSTREAM_UNAVAILABLE);
            }
            else
            {
                m_routes[id] = connection;
                m_backhaul->Send(message);
            }
            break;
        case MessageHeader::CANCEL:
            if (IsServed(id))
            {
                CancelServed(id);
            }
            else if (m_routes.erase(id) > 0)
            {
                CancelUpstream(id);
            }
            break; // a cancel that crossed the answer's end is not an error
        default:
            ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                                + " message from a terminal for request " + std::to_string(id));
            break;
    }
}

void
EdgeApp::CancelUpstream(uint64_t requestId)
{
    // Tokens already on their way are dropped quietly when they arrive.
    m_orphaned.insert(requestId);
    if (m_backhaul)
    {
        m_backhaul->Send(MakeCancelMessage(requestId));
    }
}

void
EdgeApp::Refuse(Ptr<FramedConnection> terminal, uint64_t requestId, ErrorHeader::Code code)
{
    terminal->Send(MakeErrorMessage(requestId, code));
}

void
EdgeApp::HandleTerminalClosed(Ptr<FramedConnection> connection,
                              FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << connection << FramedConnection::CloseReasonName(reason));
    ReportFramingError(connection, reason, "a terminal");
    m_terminals.erase(connection);
    ForgetConnection(connection);
    for (const auto& [id, terminal] : EraseWhere(m_routes,
                                                 [&connection](const auto& route)
                                                 {
                                                     return route == connection;
                                                 }))
    {
        CancelUpstream(id);
    }
}

void
EdgeApp::HandleCloudMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (!DecodeOrReport(connection, message, decoded, m_backhaulRxTrace, "the cloud"))
    {
        return;
    }
    uint64_t id = decoded.header.GetRequestId();
    MessageHeader::Type type = decoded.header.GetType();
    if (m_routes.count(id) == 0 && m_orphaned.count(id) == 0 && OfferToServer(connection, decoded))
    {
        return; // the server's own traffic (e.g. context KV it fetched)
    }
    if (type != MessageHeader::TOKEN && type != MessageHeader::ERROR)
    {
        ReportProtocolError(MessageHeader::TypeName(type) + " message from the cloud");
        return;
    }
    bool ends = type == MessageHeader::ERROR || decoded.token.IsLast();
    auto route = m_routes.find(id);
    if (route == m_routes.end())
    {
        if (m_orphaned.count(id) == 0)
        {
            ReportProtocolError(MessageHeader::TypeName(type)
                                + " message from the cloud for unknown request "
                                + std::to_string(id));
        }
        else if (ends)
        {
            m_orphaned.erase(id);
        }
        return;
    }
    Ptr<FramedConnection> terminal = route->second;
    if (ends)
    {
        m_routes.erase(route);
    }
    terminal->Send(message);
}

void
EdgeApp::HandleCloudClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << FramedConnection::CloseReasonName(reason));
    ReportFramingError(connection, reason, "the cloud");
    ForgetConnection(connection);
    m_backhaul = nullptr;
    for (const auto& [id, terminal] : m_routes)
    {
        Refuse(terminal, id, ErrorHeader::UPSTREAM_UNAVAILABLE);
    }
    m_routes.clear();
    m_orphaned.clear();
    if (!m_reconnect.IsZero() && !m_stopping)
    {
        m_reconnectEvent = Simulator::Schedule(m_reconnect, &EdgeApp::ConnectBackhaul, this);
    }
}

} // namespace ns3
