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
            .SetParent<CeApplication>()
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
                            "A protocol message was handed to TCP, to an edge.",
                            MakeTraceSourceAccessor(&CloudApp::m_txTrace),
                            "ns3::ProtocolMessage::TracedCallback");
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
    TraceSentMessages(connection, m_txTrace);
}

void
CloudApp::HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (!DecodeOrReport(message, decoded, m_rxTrace, "an edge"))
    {
        return;
    }
    uint64_t id = decoded.header.GetRequestId();
    if (decoded.header.GetType() != MessageHeader::REQUEST)
    {
        ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                            + " message from an edge for request " + std::to_string(id));
        return;
    }
    if (m_streams.count(id) != 0)
    {
        ReportProtocolError("request " + std::to_string(id) + " is already being answered");
        connection->Send(MakeErrorMessage(id, ErrorHeader::DUPLICATE_REQUEST));
        return;
    }
    if (decoded.request.GetAnswerTokens() == 0)
    {
        ReportProtocolError("request " + std::to_string(id) + " asks for zero answer tokens");
        connection->Send(MakeErrorMessage(id, ErrorHeader::MALFORMED_REQUEST));
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
    connection->Send(MakeTokenMessage(requestId, index, last, m_tokenBytes));
}

void
CloudApp::HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << connection << FramedConnection::CloseReasonName(reason));
    ReportFramingError(connection, reason, "an edge");
    auto erased = EraseWhere(m_streams,
                             [&connection](const Stream& stream)
                             {
                                 return stream.connection == connection;
                             });
    for (auto& [id, stream] : erased)
    {
        stream.event.Cancel();
    }
}

} // namespace ns3
