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

#include <cmath>
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
            .AddAttribute("Deadline",
                          "Time after which an unanswered request is cancelled (a CANCEL goes "
                          "to whoever answers it) and fails with reason 'deadline', in s; 0: "
                          "no deadline.",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&TerminalApp::m_deadline),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("MaxRetries",
                          "Number of times a request whose attempt failed for a reason it may "
                          "recover from (a lost connection, an unreachable or overloaded "
                          "upstream) is sent again; 0: never (and no reconnection).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&TerminalApp::m_maxRetries),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("RetryBackoff",
                          "Backoff before the first retry, in s; it doubles with every retry "
                          "up to MaxRetryBackoff and is multiplied by a jitter factor in "
                          "[0.5, 1) hashed from the request id and the retry.",
                          TimeValue(MilliSeconds(200)),
                          MakeTimeAccessor(&TerminalApp::m_retryBackoff),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("MaxRetryBackoff",
                          "Largest backoff between two attempts of a request, in s.",
                          TimeValue(Seconds(2)),
                          MakeTimeAccessor(&TerminalApp::m_maxRetryBackoff),
                          MakeTimeChecker(Time(0)))
            .AddTraceSource("RequestSent",
                            "A request was issued.",
                            MakeTraceSourceAccessor(&TerminalApp::m_requestSentTrace),
                            "ns3::TerminalApp::RequestSentTracedCallback")
            .AddTraceSource("RequestRetried",
                            "A request is sent again after a failure it may recover from.",
                            MakeTraceSourceAccessor(&TerminalApp::m_retriedTrace),
                            "ns3::TerminalApp::RequestRetriedTracedCallback")
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
    , m_maxRetries(0)
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
TerminalApp::SetWorkload(Ptr<WorkloadFeed> feed, bool timed)
{
    m_feed = feed;
    m_timed = timed && feed;
    m_timedItems = m_timed ? feed->TimedItems(m_terminalId) : std::vector<uint32_t>();
}

void
TerminalApp::SetServer(Ptr<RequestServer> server)
{
    CeApplication::SetServer(server);
    if (server)
    {
        server->SetTokenCallback(MakeCallback(&TerminalApp::HandleLocalToken, this));
        server->SetFailureCallback(MakeCallback(&TerminalApp::HandleLocalFailure, this));
    }
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
    for (auto& [id, request] : m_outstanding)
    {
        request.deadline.Cancel();
        request.retry.Cancel();
    }
    m_outstanding.clear();
    m_feed = nullptr;
    CeApplication::DoDispose();
}

void
TerminalApp::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_stopping = false;
    if (!GetServer())
    {
        Connect();
    }
    if (m_timed)
    {
        ScheduleNextArrival();
        return;
    }
    ScheduleArrival(
        Seconds(m_firstArrival ? m_firstArrival->GetValue() : m_interArrival->GetValue()));
}

void
TerminalApp::Connect()
{
    m_connection = CreateObject<FramedConnection>();
    m_connection->SetMessageCallback(MakeCallback(&TerminalApp::HandleMessage, this));
    m_connection->SetClosedCallback(MakeCallback(&TerminalApp::HandleClosed, this));
    TraceConnection(m_connection, m_txTrace, "access");
    m_connection->Connect(Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId()), m_remote);
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

bool
TerminalApp::ScheduleArrival(Time sinceNow)
{
    if (m_maxRequests > 0 && m_issued >= m_maxRequests)
    {
        return false;
    }
    if (m_issued > std::numeric_limits<uint32_t>::max())
    {
        NS_LOG_WARN("terminal " << m_terminalId << ": request ids exhausted; no more requests");
        return false;
    }
    m_nextArrival = Simulator::Schedule(sinceNow, &TerminalApp::IssueRequest, this);
    return true;
}

void
TerminalApp::ScheduleNextArrival()
{
    if (!m_timed)
    {
        ScheduleArrival(Seconds(m_interArrival->GetValue()));
        return;
    }
    if (m_issued < m_timedItems.size())
    {
        const double at = m_feed->GetTrace()->GetItem(m_timedItems[m_issued]).arrivalS.value_or(0);
        ScheduleArrival(Max(Seconds(at) - Simulator::Now(), Time(0)));
    }
}

void
TerminalApp::IssueRequest()
{
    NS_LOG_FUNCTION(this);
    const uint64_t id = MakeRequestId(m_terminalId, static_cast<uint32_t>(m_issued));
    RequestHeader header;
    std::string payload;
    if (m_feed)
    {
        const uint32_t item = m_timed ? m_timedItems[m_issued] : m_feed->Next();
        header = m_feed->MakeHeader(item);
        payload = m_feed->GetTrace()->GetItem(item).query;
    }
    else
    {
        header = RequestHeader(std::max<uint32_t>(1, m_promptTokens->GetInteger()),
                               std::max<uint32_t>(1, m_answerTokens->GetInteger()));
        payload.assign(static_cast<std::size_t>(header.GetPromptTokens()) * m_bytesPerToken, '\0');
    }
    ++m_issued;
    Outstanding& request = m_outstanding[id];
    request.answerTokens = header.GetAnswerTokens();
    request.issued = Simulator::Now();
    request.header = header;
    request.payload = std::move(payload);
    if (!m_deadline.IsZero())
    {
        request.deadline = Simulator::Schedule(m_deadline, &TerminalApp::HandleDeadline, this, id);
    }
    m_requestSentTrace(id, header);
    SendRequest(id);
    ScheduleNextArrival();
}

void
TerminalApp::SendRequest(uint64_t requestId)
{
    Outstanding& request = m_outstanding.at(requestId);
    request.tokensReceived = 0;
    if (GetServer())
    {
        GetServer()->Serve(ServedRequest{requestId, request.header, request.payload});
        return;
    }
    if (!m_connection)
    {
        if (m_maxRetries == 0)
        {
            // Without retries the terminal does not reconnect: the request cannot be sent.
            EndRequest(requestId, "no-connection");
            return;
        }
        Connect(); // the request waits in the new connection's queue
    }
    m_connection->Send(MakeRequestMessage(requestId, request.header, request.payload));
}

double
TerminalApp::RetryJitter(uint64_t requestId, uint32_t retry)
{
    // splitmix64 of (request, retry): terminals that lost their edge together spread their
    // retries, reproducibly and without a random stream of their own.
    uint64_t z = requestId * 0x9e3779b97f4a7c15ULL + retry + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return 0.5 + 0.5 * static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
}

bool
TerminalApp::IsRetryable(const std::string& reason)
{
    if (reason.rfind("connection-", 0) == 0)
    {
        return reason
               != "connection-"
                      + FramedConnection::CloseReasonName(FramedConnection::FRAMING_ERROR);
    }
    return reason == "no-connection" || reason == "upstream-unavailable"
           || reason == "upstream-timeout" || reason == "overloaded";
}

void
TerminalApp::FailOrRetry(uint64_t requestId, const std::string& reason)
{
    Outstanding& request = m_outstanding.at(requestId);
    if (!IsRetryable(reason) || request.retries >= m_maxRetries)
    {
        EndRequest(requestId, reason);
        return;
    }
    const double doublings = std::min<uint32_t>(request.retries, 30);
    const Time backoff = Min(m_retryBackoff * std::pow(2.0, doublings), m_maxRetryBackoff)
                         * RetryJitter(requestId, request.retries);
    if (!m_deadline.IsZero() && Simulator::Now() + backoff >= request.issued + m_deadline)
    {
        EndRequest(requestId, reason); // no time left for another attempt
        return;
    }
    ++request.retries;
    NS_LOG_INFO("request " << requestId << " failed (" << reason << "), retry " << request.retries
                           << " in " << backoff.As(Time::MS));
    m_retriedTrace(requestId, request.retries, reason);
    request.retry = Simulator::Schedule(backoff, &TerminalApp::SendRequest, this, requestId);
}

void
TerminalApp::HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message)
{
    ProtocolMessage decoded;
    if (!DecodeOrReport(connection, message, decoded, m_rxTrace, "the edge"))
    {
        return;
    }
    const uint64_t id = decoded.header.GetRequestId();
    const MessageHeader::Type type = decoded.header.GetType();
    if (type != MessageHeader::TOKEN && type != MessageHeader::ERROR)
    {
        ReportProtocolError(MessageHeader::TypeName(type) + " message sent to a terminal");
        return;
    }
    if (m_outstanding.find(id) == m_outstanding.end())
    {
        if (!m_cancelled.count(id))
        {
            ReportProtocolError(MessageHeader::TypeName(type) + " message for unknown request "
                                + std::to_string(id));
        }
        return;
    }
    if (type == MessageHeader::TOKEN)
    {
        AcceptToken(id, decoded.token.GetIndex(), decoded.token.IsLast());
    }
    else
    {
        FailOrRetry(id, ErrorHeader::CodeName(decoded.error.GetCode()));
    }
}

void
TerminalApp::AcceptToken(uint64_t requestId, uint32_t index, bool last)
{
    Outstanding& request = m_outstanding.at(requestId);
    if (index != request.tokensReceived)
    {
        ReportProtocolError("request " + std::to_string(requestId) + ": token "
                            + std::to_string(index) + " arrived, expected "
                            + std::to_string(request.tokensReceived));
    }
    ++request.tokensReceived;
    m_tokenTrace(requestId, index);
    if (last)
    {
        EndRequest(requestId, "");
    }
}

void
TerminalApp::HandleLocalToken(uint64_t requestId, uint32_t index, bool last, std::string /* text */)
{
    if (m_outstanding.count(requestId))
    {
        AcceptToken(requestId, index, last);
    }
}

void
TerminalApp::HandleLocalFailure(uint64_t requestId, ErrorHeader::Code code)
{
    if (m_outstanding.count(requestId))
    {
        FailOrRetry(requestId, ErrorHeader::CodeName(code));
    }
}

void
TerminalApp::HandleDeadline(uint64_t requestId)
{
    NS_LOG_FUNCTION(this << requestId);
    // Between two attempts nobody is answering it: there is nothing to cancel.
    const bool answering = !m_outstanding.at(requestId).retry.IsRunning();
    if (answering && GetServer())
    {
        GetServer()->Cancel(requestId);
    }
    else if (answering && m_connection)
    {
        m_connection->Send(MakeCancelMessage(requestId));
        m_cancelled.insert(requestId); // its tokens in flight are dropped quietly
    }
    EndRequest(requestId, "deadline");
}

void
TerminalApp::HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason)
{
    NS_LOG_FUNCTION(this << FramedConnection::CloseReasonName(reason));
    ReportFramingError(connection, reason, "the edge");
    if (connection != m_connection)
    {
        return; // an earlier connection
    }
    m_connection = nullptr;
    const std::string failure = "connection-" + FramedConnection::CloseReasonName(reason);
    std::vector<uint64_t> sent; // the requests waiting for a retry were not on it
    for (const auto& [id, request] : m_outstanding)
    {
        if (!request.retry.IsRunning())
        {
            sent.push_back(id);
        }
    }
    for (uint64_t id : sent)
    {
        FailOrRetry(id, failure);
    }
}

void
TerminalApp::EndRequest(uint64_t requestId, const std::string& failureReason)
{
    auto found = m_outstanding.find(requestId);
    if (found != m_outstanding.end())
    {
        found->second.deadline.Cancel();
        found->second.retry.Cancel();
        m_outstanding.erase(found);
    }
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
