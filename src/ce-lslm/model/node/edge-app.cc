/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "edge-app.h"

#include "ns3/log.h"
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
            .SetParent<Application>()
            .SetGroupName("CeLslm")
            .AddConstructor<EdgeApp>()
            .AddAttribute("Port",
                          "TCP port on which terminals connect.",
                          UintegerValue(7000),
                          MakeUintegerAccessor(&EdgeApp::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("Cloud",
                          "Address (InetSocketAddress) of the cloud node's edge port.",
                          AddressValue(),
                          MakeAddressAccessor(&EdgeApp::m_cloud),
                          MakeAddressChecker())
            .AddTraceSource("AccessRx",
                            "A protocol message was received from a terminal.",
                            MakeTraceSourceAccessor(&EdgeApp::m_accessRxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("AccessTx",
                            "A protocol message was sent to a terminal.",
                            MakeTraceSourceAccessor(&EdgeApp::m_accessTxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("BackhaulTx",
                            "A protocol message was sent to the cloud.",
                            MakeTraceSourceAccessor(&EdgeApp::m_backhaulTxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("BackhaulRx",
                            "A protocol message was received from the cloud.",
                            MakeTraceSourceAccessor(&EdgeApp::m_backhaulRxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("ProtocolError",
                            "A malformed or unexpected message arrived.",
                            MakeTraceSourceAccessor(&EdgeApp::m_protocolErrorTrace),
                            "ns3::ProtocolMessage::ErrorTracedCallback");
    return tid;
}

EdgeApp::EdgeApp()
    : m_port(7000)
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
    return m_routes.size();
}

void
EdgeApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
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
    m_routes.clear();
    Application::DoDispose();
}

void
EdgeApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_listener = CreateObject<FramedListener>();
    m_listener->SetAcceptCallback(MakeCallback(&EdgeApp::HandleTerminalAccepted, this));
    m_listener->Listen(GetNode(), m_port);

    m_backhaul = CreateObject<FramedConnection>();
    m_backhaul->SetMessageCallback(MakeCallback(&EdgeApp::HandleCloudMessage, this));
    m_backhaul->SetClosedCallback(MakeCallback(&EdgeApp::HandleCloudClosed, this));
    m_backhaul->Connect(Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId()), m_cloud);
}

void
EdgeApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        m_listener->Close();
    }
    if (m_backhaul)
    {
        m_backhaul->Close();
    }
}

void
EdgeApp::HandleTerminalAccepted(Ptr<FramedConnection> connection)
{
    NS_LOG_FUNCTION(this << connection);
    connection->SetMessageCallback(MakeCallback(&EdgeApp::HandleTerminalMessage, this));
    connection->SetClosedCallback(MakeCallback(&EdgeApp::HandleTerminalClosed, this));
}

void
EdgeApp::HandleTerminalMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    std::string error;
    if (!DecodeTraced(message, decoded, m_accessRxTrace, error))
    {
        ReportProtocolError("undecodable message from a terminal: " + error);
        return;
    }
    uint64_t id = decoded.header.GetRequestId();
    if (decoded.header.GetType() != MessageHeader::REQUEST)
    {
        ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                            + " message from a terminal for request " + std::to_string(id));
        return;
    }
    if (!m_backhaul)
    {
        SendTraced(connection,
                   MakeErrorMessage(id, ErrorHeader::UPSTREAM_UNAVAILABLE),
                   m_accessTxTrace);
        return;
    }
    m_routes[id] = connection;
    SendTraced(m_backhaul, message, m_backhaulTxTrace);
}

void
EdgeApp::HandleTerminalClosed(Ptr<FramedConnection> connection,
                              FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << connection << FramedConnection::CloseReasonName(reason));
    for (auto it = m_routes.begin(); it != m_routes.end();)
    {
        if (it->second == connection)
        {
            // The cloud keeps streaming until it learns otherwise; drop those tokens quietly.
            m_orphaned.insert(it->first);
            it = m_routes.erase(it);
        }
        else
        {
            ++it;
        }
    }
}

void
EdgeApp::HandleCloudMessage(Ptr<FramedConnection> /* connection */, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    std::string error;
    if (!DecodeTraced(message, decoded, m_backhaulRxTrace, error))
    {
        ReportProtocolError("undecodable message from the cloud: " + error);
        return;
    }
    uint64_t id = decoded.header.GetRequestId();
    bool ends = decoded.header.GetType() == MessageHeader::ERROR
                || (decoded.header.GetType() == MessageHeader::TOKEN && decoded.token.IsLast());
    auto route = m_routes.find(id);
    if (route == m_routes.end())
    {
        if (m_orphaned.count(id) == 0)
        {
            ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                                + " message from the cloud for unknown request "
                                + std::to_string(id));
        }
        else if (ends)
        {
            m_orphaned.erase(id);
        }
        return;
    }
    if (decoded.header.GetType() == MessageHeader::REQUEST)
    {
        ReportProtocolError("request message from the cloud");
        return;
    }
    Ptr<FramedConnection> terminal = route->second;
    if (ends)
    {
        m_routes.erase(route);
    }
    SendTraced(terminal, message, m_accessTxTrace);
}

void
EdgeApp::HandleCloudClosed(Ptr<FramedConnection> /* connection */,
                           FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << FramedConnection::CloseReasonName(reason));
    m_backhaul = nullptr;
    for (const auto& [id, terminal] : m_routes)
    {
        SendTraced(terminal,
                   MakeErrorMessage(id, ErrorHeader::UPSTREAM_UNAVAILABLE),
                   m_accessTxTrace);
    }
    m_routes.clear();
    m_orphaned.clear();
}

void
EdgeApp::ReportProtocolError(const std::string& what)
{
    NS_LOG_WARN("edge on node " << GetNode()->GetId() << ": " << what);
    m_protocolErrorTrace(what);
}

} // namespace ns3
