/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "cloud-app.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CloudApp");

NS_OBJECT_ENSURE_REGISTERED(CloudApp);

TypeId
CloudApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CloudApp")
            .SetParent<Application>()
            .SetGroupName("CeLslm")
            .AddConstructor<CloudApp>()
            .AddAttribute("Port",
                          "TCP port on which edges connect.",
                          UintegerValue(7100),
                          MakeUintegerAccessor(&CloudApp::m_port),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute("TokenInterval",
                          "Network-only mode: time between two streamed answer tokens, in s "
                          "(a stand-in for decode time).",
                          TimeValue(MilliSeconds(20)),
                          MakeTimeAccessor(&CloudApp::m_tokenInterval),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("TokenBytes",
                          "Text carried by each answer token, in bytes.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&CloudApp::m_tokenBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("Rx",
                            "A protocol message was received from an edge.",
                            MakeTraceSourceAccessor(&CloudApp::m_rxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("Tx",
                            "A protocol message was sent to an edge.",
                            MakeTraceSourceAccessor(&CloudApp::m_txTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("ProtocolError",
                            "A malformed or unexpected message arrived.",
                            MakeTraceSourceAccessor(&CloudApp::m_protocolErrorTrace),
                            "ns3::ProtocolMessage::ErrorTracedCallback");
    return tid;
}

CloudApp::CloudApp()
    : m_port(7100)
    , m_tokenBytes(4)
{
    NS_LOG_FUNCTION(this);
}

CloudApp::~CloudApp()
{
    NS_LOG_FUNCTION(this);
}

uint32_t
CloudApp::GetActiveStreams() const
{
    return m_streams.size();
}

void
CloudApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
    for (auto& [id, stream] : m_streams)
    {
        stream.event.Cancel();
    }
    m_streams.clear();
    if (m_listener)
    {
        m_listener->Dispose();
        m_listener = nullptr;
    }
    Application::DoDispose();
}

void
CloudApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_listener = CreateObject<FramedListener>();
    m_listener->SetAcceptCallback(MakeCallback(&CloudApp::HandleEdgeAccepted, this));
    m_listener->Listen(GetNode(), m_port);
}

void
CloudApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    for (auto& [id, stream] : m_streams)
    {
        stream.event.Cancel();
    }
    m_streams.clear();
    if (m_listener)
    {
        m_listener->Close();
    }
}

void
CloudApp::HandleEdgeAccepted(Ptr<FramedConnection> connection)
{
    NS_LOG_FUNCTION(this << connection);
    connection->SetMessageCallback(MakeCallback(&CloudApp::HandleMessage, this));
    connection->SetClosedCallback(MakeCallback(&CloudApp::HandleClosed, this));
}

void
CloudApp::HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    std::string error;
    if (!DecodeTraced(message, decoded, m_rxTrace, error))
    {
        ReportProtocolError("undecodable message from an edge: " + error);
        return;
    }
    uint64_t id = decoded.header.GetRequestId();
    if (decoded.header.GetType() != MessageHeader::REQUEST)
    {
        ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                            + " message from an edge for request " + std::to_string(id));
        return;
    }
    if (decoded.request.GetAnswerTokens() == 0 || m_streams.count(id) != 0)
    {
        ReportProtocolError("request " + std::to_string(id)
                            + (m_streams.count(id) ? " is already being answered"
                                                   : " asks for zero answer tokens"));
        SendTraced(connection, MakeErrorMessage(id, ErrorHeader::MALFORMED_REQUEST), m_txTrace);
        return;
    }
    Stream& stream = m_streams[id];
    stream.connection = connection;
    stream.nextIndex = 0;
    stream.answerTokens = decoded.request.GetAnswerTokens();
    stream.event = Simulator::Schedule(m_tokenInterval, &CloudApp::SendNextToken, this, id);
}

void
CloudApp::SendNextToken(uint64_t requestId)
{
    Stream& stream = m_streams.at(requestId);
    bool last = stream.nextIndex + 1 == stream.answerTokens;
    Ptr<FramedConnection> connection = stream.connection;
    uint32_t index = stream.nextIndex++;
    if (last)
    {
        m_streams.erase(requestId);
    }
    else
    {
        stream.event =
            Simulator::Schedule(m_tokenInterval, &CloudApp::SendNextToken, this, requestId);
    }
    SendTraced(connection, MakeTokenMessage(requestId, index, last, m_tokenBytes), m_txTrace);
}

void
CloudApp::HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << connection << FramedConnection::CloseReasonName(reason));
    for (auto it = m_streams.begin(); it != m_streams.end();)
    {
        if (it->second.connection == connection)
        {
            it->second.event.Cancel();
            it = m_streams.erase(it);
        }
        else
        {
            ++it;
        }
    }
}

void
CloudApp::ReportProtocolError(const std::string& what)
{
    NS_LOG_WARN("cloud: " << what);
    m_protocolErrorTrace(what);
}

} // namespace ns3
