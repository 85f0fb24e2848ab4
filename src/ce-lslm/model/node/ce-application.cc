/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-application.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeApplication");

NS_OBJECT_ENSURE_REGISTERED(CeApplication);

namespace
{

/// \return the IPv4 address at the other end of \p connection (0.0.0.0 when unknown)
Ipv4Address
PeerOf(const FramedConnection* connection)
{
    Address peer;
    Ptr<Socket> socket = connection->GetSocket();
    if (!socket || socket->GetPeerName(peer) != 0 || !InetSocketAddress::IsMatchingType(peer))
    {
        return Ipv4Address::GetAny();
    }
    return InetSocketAddress::ConvertFrom(peer).GetIpv4();
}

/// FramedConnection "FrameSent" sink: fire an application's message trace.
void
FireMessageTrace(MessageTrace* trace, Ptr<const Packet> message, uint32_t frameBytes)
{
    MessageHeader header;
    message->PeekHeader(header);
    (*trace)(header, frameBytes);
}

} // namespace

TypeId
CeApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CeApplication")
            .SetParent<Application>()
            .SetGroupName("CeLslm")
            .AddTraceSource("ProtocolError",
                            "A malformed or unexpected message arrived (it is ignored).",
                            MakeTraceSourceAccessor(&CeApplication::m_protocolErrorTrace),
                            "ns3::ProtocolMessage::ErrorTracedCallback")
            .AddTraceSource("TcpRetransmission",
                            "A TCP segment was sent again: (link class \"access\", "
                            "\"backhaul\" or \"edge-edge\", peer address, payload bytes).",
                            MakeTraceSourceAccessor(&CeApplication::m_tcpRetransmissionTrace),
                            "ns3::CeApplication::TcpRetransmissionTracedCallback")
            .AddTraceSource("TcpTimeout",
                            "A TCP retransmission timer expired (once per loss episode): "
                            "(link class, peer address).",
                            MakeTraceSourceAccessor(&CeApplication::m_tcpTimeoutTrace),
                            "ns3::CeApplication::TcpTimeoutTracedCallback");
    return tid;
}

uint64_t
CeApplication::GetProtocolErrors() const
{
    return m_protocolErrors;
}

bool
CeApplication::DecodeOrReport(Ptr<const FramedConnection> connection,
                              Ptr<const Packet> message,
                              ProtocolMessage& decoded,
                              MessageTrace& rxTrace,
                              const std::string& peer)
{
    std::string error;
    if (!DecodeMessage(message, decoded, error))
    {
        ReportProtocolError("undecodable message from " + peer + ": " + error);
        return false;
    }
    rxTrace(decoded.header, message->GetSize() + connection->GetFrameOverhead());
    return true;
}

void
CeApplication::TraceConnection(Ptr<FramedConnection> connection,
                               MessageTrace& txTrace,
                               const std::string& link)
{
    connection->TraceConnectWithoutContext("FrameSent",
                                           MakeBoundCallback(&FireMessageTrace, &txTrace));
    // The connection holds these sinks, so a raw pointer to it is valid whenever they run.
    FramedConnection* raw = PeekPointer(connection);
    connection->TraceConnectWithoutContext(
        "TcpRetransmission",
        Callback<void, uint32_t>(
            [this, raw, link](uint32_t bytes)
            {
                m_tcpRetransmissionTrace(link, PeerOf(raw), bytes);
            }));
    connection->TraceConnectWithoutContext("TcpTimeout",
                                           Callback<void>(
                                               [this, raw, link]()
                                               {
                                                   m_tcpTimeoutTrace(link, PeerOf(raw));
                                               }));
}

void
CeApplication::ReportFramingError(Ptr<FramedConnection> connection,
                                  FramedConnection::CloseReason reason,
                                  const std::string& peer)
{
    if (reason == FramedConnection::FRAMING_ERROR)
    {
        ReportProtocolError("invalid framing from " + peer + ": " + connection->GetLastError());
    }
}

void
CeApplication::ReportProtocolError(const std::string& what)
{
    NS_LOG_WARN("node " << GetNode()->GetId() << ": " << what);
    ++m_protocolErrors;
    m_protocolErrorTrace(what);
}

void
CeApplication::SetServer(Ptr<RequestServer> server)
{
    m_server = server;
    if (m_server)
    {
        m_server->SetTokenCallback(MakeCallback(&CeApplication::SendServedToken, this));
        m_server->SetFailureCallback(MakeCallback(&CeApplication::SendServedFailure, this));
    }
}

Ptr<RequestServer>
CeApplication::GetServer() const
{
    return m_server;
}

void
CeApplication::SetAuthenticator(Ptr<MessageAuthenticator> authenticator)
{
    m_authenticator = authenticator;
}

Ptr<MessageAuthenticator>
CeApplication::GetAuthenticator() const
{
    return m_authenticator;
}

void
CeApplication::Authenticate(Ptr<FramedConnection> connection) const
{
    if (m_authenticator)
    {
        connection->SetAuthenticator(m_authenticator);
    }
}

void
CeApplication::DoDispose()
{
    m_served.clear();
    m_authenticator = nullptr;
    if (m_server)
    {
        m_server->Dispose();
        m_server = nullptr;
    }
    Application::DoDispose();
}

void
CeApplication::ServeRequest(Ptr<FramedConnection> from, const ProtocolMessage& decoded)
{
    const uint64_t id = decoded.header.GetRequestId();
    if (m_served.count(id) != 0)
    {
        ReportProtocolError("request " + std::to_string(id) + " is already being answered");
        from->Send(MakeErrorMessage(id, ErrorHeader::DUPLICATE_REQUEST));
        return;
    }
    if (decoded.request.GetAnswerTokens() == 0)
    {
        ReportProtocolError("request " + std::to_string(id) + " asks for zero answer tokens");
        from->Send(MakeErrorMessage(id, ErrorHeader::MALFORMED_REQUEST));
        return;
    }
    m_served[id] = from;
    m_server->Serve(ServedRequest{id, decoded.request, decoded.payload});
}

bool
CeApplication::IsServed(uint64_t id) const
{
    return m_served.count(id) != 0;
}

void
CeApplication::CancelServed(uint64_t id)
{
    if (m_served.erase(id) > 0)
    {
        m_server->Cancel(id);
    }
}

bool
CeApplication::OfferToServer(Ptr<FramedConnection> from, const ProtocolMessage& decoded)
{
    return m_server && m_server->HandleMessage(from, decoded);
}

void
CeApplication::ForgetConnection(Ptr<FramedConnection> connection)
{
    if (!m_server)
    {
        return;
    }
    m_server->HandleConnectionClosed(connection);
    for (const auto& [id, requester] : EraseWhere(m_served,
                                                  [&connection](const auto& requester)
                                                  {
                                                      return requester == connection;
                                                  }))
    {
        m_server->Cancel(id);
    }
}

void
CeApplication::ForgetEverything()
{
    if (!m_server)
    {
        return;
    }
    const std::map<uint64_t, Ptr<FramedConnection>> served = std::move(m_served);
    m_served.clear();
    for (const auto& [id, requester] : served)
    {
        m_server->Cancel(id);
    }
    m_server->Restart();
}

void
CeApplication::SendServedToken(uint64_t id, uint32_t index, bool last, std::string text)
{
    auto found = m_served.find(id);
    if (found == m_served.end())
    {
        return;
    }
    Ptr<FramedConnection> requester = found->second;
    if (last)
    {
        m_served.erase(found);
    }
    requester->Send(MakeTokenMessage(id, index, last, text));
}

void
CeApplication::SendServedFailure(uint64_t id, ErrorHeader::Code code)
{
    auto found = m_served.find(id);
    if (found == m_served.end())
    {
        return;
    }
    Ptr<FramedConnection> requester = found->second;
    m_served.erase(found);
    requester->Send(MakeErrorMessage(id, code));
}

} // namespace ns3
