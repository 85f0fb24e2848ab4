/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "terminal-app.h"

#include "message-tracing.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TerminalApp");

NS_OBJECT_ENSURE_REGISTERED(TerminalApp);

TypeId
TerminalApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TerminalApp")
            .SetParent<Application>()
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
                            "A protocol message was sent to the edge.",
                            MakeTraceSourceAccessor(&TerminalApp::m_txTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("Rx",
                            "A protocol message was received from the edge.",
                            MakeTraceSourceAccessor(&TerminalApp::m_rxTrace),
                            "ns3::ProtocolMessage::TracedCallback")
            .AddTraceSource("ProtocolError",
                            "A malformed or unexpected message arrived (it is ignored).",
                            MakeTraceSourceAccessor(&TerminalApp::m_protocolErrorTrace),
                            "ns3::ProtocolMessage::ErrorTracedCallback");
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
    return 3;
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
    m_connection->Connect(Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId()), m_remote);
    ScheduleNextArrival();
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
        // The connection to the edge is gone: the request cannot even be sent.
        EndRequest(id, m_connectionEnd);
    }
    else
    {
        SendTraced(
            m_connection,
            MakeRequestMessage(id, promptTokens, answerTokens, promptTokens * m_bytesPerToken),
            m_txTrace);
    }
    ScheduleNextArrival();
}

void
TerminalApp::HandleMessage(Ptr<FramedConnection> /* connection */, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    std::string error;
    if (!DecodeTraced(message, decoded, m_rxTrace, error))
    {
        ReportProtocolError("undecodable message from the edge: " + error);
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
            ReportProtocolError("request message sent to a terminal");
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
TerminalApp::HandleClosed(Ptr<FramedConnection> /* connection */,
                          FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << FramedConnection::CloseReasonName(reason));
    m_connectionEnd = "connection-" + FramedConnection::CloseReasonName(reason);
    m_connection = nullptr;
    while (!m_outstanding.empty())
    {
        EndRequest(m_outstanding.begin()->first, m_connectionEnd);
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

void
TerminalApp::ReportProtocolError(const std::string& what)
{
    NS_LOG_WARN("terminal " << m_terminalId << ": " << what);
    m_protocolErrorTrace(what);
}

} // namespace ns3
