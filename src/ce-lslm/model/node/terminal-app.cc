/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "terminal-app.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TerminalApp");

NS_OBJECT_ENSURE_REGISTERED(TerminalApp);

TypeId
TerminalApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TerminalApp")
            .SetParent<CeApplication>()
            .SetGroupName("CeLslm")
            .AddConstructor<TerminalApp>()
            .AddAttribute("Remote",
                          "Address (InetSocketAddress) of the edge node's terminal port.",
                          AddressValue(),
                          MakeAddressAccessor(&TerminalApp::m_remote),
                          MakeAddressChecker())
            .AddAttribute("TerminalId",
                          "Number of this terminal; the upper 32 bits of its request ids.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&TerminalApp::m_terminalId),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("InterArrivalTime",
                          "Time between two requests, in s (exponential: Poisson arrivals).",
                          StringValue("ns3::ExponentialRandomVariable[Mean=2.0]"),
                          MakePointerAccessor(&TerminalApp::m_interArrival),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("FirstArrival",
                          "Delay of the first request after the start, in s; when not set, "
                          "it is drawn from InterArrivalTime.",
                          PointerValue(),
                          MakePointerAccessor(&TerminalApp::m_firstArrival),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("PromptTokens",
                          "Prompt length of a request, in tokens (drawn per request, >= 1).",
                          StringValue("ns3::ConstantRandomVariable[Constant=128]"),
                          MakePointerAccessor(&TerminalApp::m_promptTokens),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("AnswerTokens",
                          "Answer length asked for, in tokens (drawn per request, >= 1).",
                          StringValue("ns3::ConstantRandomVariable[Constant=32]"),
                          MakePointerAccessor(&TerminalApp::m_answerTokens),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("BytesPerToken",
                          "Prompt text bytes sent per prompt token, in bytes.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&TerminalApp::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MaxRequests",
                          "Number of requests after which the terminal stops (0 = no limit).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&TerminalApp::m_maxRequests),
                          MakeUintegerChecker<uint64_t>())
            .AddTraceSource("RequestSent",
                            "A request was issued.",
                            MakeTraceSourceAccessor(&TerminalApp::m_requestSentTrace),
                            "ns3::TerminalApp::RequestSentTracedCallback")
            .AddTraceSource("TokenReceived",
                            "An answer token arrived.",
                            MakeTraceSourceAccessor(&TerminalApp::m_tokenTrace),
                            "ns3::TerminalApp::TokenTracedCallback")
            .AddTraceSource("RequestCompleted",
                            "The last token of a request arrived.",
                            MakeTraceSourceAccessor(&TerminalApp::m_requestCompletedTrace),
                            "ns3::TerminalApp::RequestCompletedTracedCallback")
            .AddTraceSource("RequestFailed",
                            "A request ended without its answer.",
                            MakeTraceSourceAccessor(&TerminalApp::m_requestFailedTrace),
                            "ns3::TerminalApp::RequestFailedTracedCallback")
            .AddTraceSource("Tx",
                            "A protocol message was handed to TCP, to the edge.",
                            MakeTraceSourceAccessor(&TerminalApp::m_txTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("Rx",
                            "A protocol message was received from the edge.",
                            MakeTraceSourceAccessor(&TerminalApp::m_rxTrace),
                            "ns3::ProtocolMessage::TracedCallback");
    return tid;
}

TerminalApp::TerminalApp()
    : m_terminalId(0)
    , m_bytesPerToken(4)
    , m_maxRequests(0)
    , m_issued(0)
    , m_stopping(false)
{
    NS_LOG_FUNCTION(this);
}

TerminalApp::~TerminalApp()
{
    NS_LOG_FUNCTION(this);
}

int64_t
TerminalApp::AssignStreams(int64_t stream)
{
    m_interArrival->SetStream(stream);
    m_promptTokens->SetStream(stream + 1);
    m_answerTokens->SetStream(stream + 2);
    if (m_firstArrival)
    {
        m_firstArrival->SetStream(stream + 3);
    }
    return 4;
}

uint32_t
TerminalApp::GetOutstandingRequests() const
{
    return m_outstanding.size();
}

uint64_t
TerminalApp::GetIssuedRequests() const
{
    return m_issued;
}

uint64_t
TerminalApp::MakeRequestId(uint32_t terminalId, uint32_t sequence)
{
    return (static_cast<uint64_t>(terminalId) << 32) | sequence;
}

void
TerminalApp::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_nextArrival.Cancel();
    if (m_connection)
    {
        m_connection->Dispose();
        m_connection = nullptr;
    }
    m_outstanding.clear();
    Application::DoDispose();
}

void
TerminalApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_stopping = false;
    m_connection = CreateObject<FramedConnection>();
    m_connection->SetMessageCallback(MakeCallback(&TerminalApp::HandleMessage, this));
    m_connection->SetClosedCallback(MakeCallback(&TerminalApp::HandleClosed, this));
    TraceSentMessages(m_connection, m_txTrace);
    m_connection->Connect(Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId()), m_remote);
    Time first = Seconds(m_firstArrival ? m_firstArrival->GetValue() : m_interArrival->GetValue());
    m_nextArrival = Simulator::Schedule(first, &TerminalApp::IssueRequest, this);
}

void
TerminalApp::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_stopping = true;
    m_nextArrival.Cancel();
    if (m_outstanding.empty() && m_connection)
    {
        m_connection->Close();
    }
}

void
TerminalApp::ScheduleNextArrival()
{
    if (m_maxRequests > 0 && m_issued >= m_maxRequests)
    {
        return;
    }
    if (m_issued > std::numeric_limits<uint32_t>::max())
    {
        NS_LOG_WARN("terminal " << m_terminalId << ": request ids exhausted; no more requests");
        return;
    }
    m_nextArrival =
        Simulator::Schedule(Seconds(m_interArrival->GetValue()), &TerminalApp::IssueRequest, this);
}

void
TerminalApp::IssueRequest()
{
    NS_LOG_FUNCTION(this);
    uint64_t id = MakeRequestId(m_terminalId, static_cast<uint32_t>(m_issued++));
    uint32_t promptTokens = std::max<uint32_t>(1, m_promptTokens->GetInteger());
    uint32_t answerTokens = std::max<uint32_t>(1, m_answerTokens->GetInteger());
    m_outstanding[id] = {answerTokens, 0};
    m_requestSentTrace(id, promptTokens, answerTokens);
    if (!m_connection)
    {
        // The connection to the edge is gone (terminals do not reconnect): the request
        // cannot even be sent.
        EndRequest(id, "no-connection");
    }
    else
    {
        m_connection->Send(
            MakeRequestMessage(id, promptTokens, answerTokens, promptTokens * m_bytesPerToken));
    }
    ScheduleNextArrival();
}

void
TerminalApp::HandleMessage(Ptr<FramedConnection> /* connection */, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (!DecodeOrReport(message, decoded, m_rxTrace, "the edge"))
    {
        return;
    }
    uint64_t id = decoded.header.GetRequestId();
    if (m_outstanding.find(id) == m_outstanding.end())
    {
        ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                            + " message for unknown request " + std::to_string(id));
        return;
    }
    switch (decoded.header.GetType())
    {
        case MessageHeader::TOKEN:
            HandleToken(decoded);
            break;
        case MessageHeader::ERROR:
            EndRequest(id, ErrorHeader::CodeName(decoded.error.GetCode()));
            break;
        case MessageHeader::REQUEST:
        case MessageHeader::CANCEL:
            ReportProtocolError(MessageHeader::TypeName(decoded.header.GetType())
                                + " message sent to a terminal");
            break;
    }
}

void
TerminalApp::HandleToken(const ProtocolMessage& decoded)
{
    uint64_t id = decoded.header.GetRequestId();
    Outstanding& request = m_outstanding.at(id);
    if (decoded.token.GetIndex() != request.tokensReceived)
    {
        ReportProtocolError("request " + std::to_string(id) + ": token "
                            + std::to_string(decoded.token.GetIndex()) + " arrived, expected "
                            + std::to_string(request.tokensReceived));
    }
    ++request.tokensReceived;
    m_tokenTrace(id, decoded.token.GetIndex());
    if (decoded.token.IsLast())
    {
        EndRequest(id, "");
    }
}

void
TerminalApp::HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << FramedConnection::CloseReasonName(reason));
    ReportFramingError(connection, reason, "the edge");
    m_connection = nullptr;
    std::string failure = "connection-" + FramedConnection::CloseReasonName(reason);
    while (!m_outstanding.empty())
    {
        EndRequest(m_outstanding.begin()->first, failure);
    }
}

void
TerminalApp::EndRequest(uint64_t requestId, const std::string& failureReason)
{
    m_outstanding.erase(requestId);
    if (failureReason.empty())
    {
        m_requestCompletedTrace(requestId);
    }
    else
    {
        m_requestFailedTrace(requestId, failureReason);
    }
    if (m_stopping && m_outstanding.empty() && m_connection)
    {
        m_connection->Close();
    }
}

} // namespace ns3
