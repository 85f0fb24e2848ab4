/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_TERMINAL_APP_H
#define CE_LSLM_TERMINAL_APP_H

#include "ce-application.h"
#include "workload-feed.h"

#include "ns3/address.h"
#include "ns3/event-id.h"
#include "ns3/framed-connection.h"
#include "ns3/nstime.h"
#include "ns3/protocol-message.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A user's device: issues inference requests to its edge node and receives the answer
 * as a stream of tokens.
 *
 * Requests arrive as a renewal process (InterArrivalTime; exponential gives Poisson arrivals)
 * from StartApplication until StopApplication or MaxRequests; the first one after FirstArrival
 * when that is set (periodic terminals use it for a random phase). Each request carries a prompt of
 * PromptTokens tokens and asks for AnswerTokens tokens; both are drawn per request. All
 * requests of a terminal share one TCP connection to the edge (messages are framed by a
 * FramedConnection), so a slow answer delays the ones behind it, as with HTTP/2 or gRPC.
 *
 * Every request ends exactly once: RequestCompleted when its last token arrives, or
 * RequestFailed with a reason ("upstream-unavailable", "connection-peer-closed", ...).
 * A failure the terminal may recover from (IsRetryable: the connection ended, the edge or the
 * cloud could not be reached or refused admission) is retried up to MaxRetries times, after an
 * exponential backoff with jitter (RetryBackoff, doubling up to MaxRetryBackoff, times a
 * factor in [0.5, 1) hashed from the request and the attempt) and never past the request's
 * Deadline; the answer then starts again from its first token (RequestRetried). When the connection
 * to the edge has ended, the next request to send opens a new one (with MaxRetries 0, as before
 * retries existed, the request then fails with "no-connection" instead). Requests still running
 * when the simulation ends are neither; the scenario's statistics count them as unfinished.
 */
class TerminalApp : public CeApplication
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    TerminalApp();
    ~TerminalApp() override;

    /**
     * \brief Assign fixed random variable streams, for reproducible runs.
     * \param stream first stream index to use
     * \return the number of stream indices used (4)
     */
    int64_t AssignStreams(int64_t stream);

    /// \return how many requests have been issued and have not ended yet
    uint32_t GetOutstandingRequests() const;

    /// \return how many requests this terminal has issued
    uint64_t GetIssuedRequests() const;

    /**
     * \brief Issue the requests of a workload trace instead of synthetic ones (set before the
     * application starts). The PromptTokens and AnswerTokens attributes are then unused.
     * \param feed hands out the items
     * \param timed true: issue this terminal's items at their arrival_s (trace-timed);
     *        false: take the feed's next item at each InterArrivalTime arrival
     */
    void SetWorkload(Ptr<WorkloadFeed> feed, bool timed);

    /**
     * \brief Answer requests on the terminal itself (e.g. an on-device SLM): they never
     * touch the network, and the terminal does not connect to the edge.
     * \param server the on-device server, or null to send requests to the edge
     */
    void SetServer(Ptr<RequestServer> server) override;

    /**
     * \param terminalId the TerminalId attribute
     * \param sequence 0-based request number at that terminal
     * \return the request id: terminal id in the upper 32 bits, sequence in the lower 32
     */
    static uint64_t MakeRequestId(uint32_t terminalId, uint32_t sequence);

    /**
     * TracedCallback signature for a request being issued.
     * \param requestId request id
     * \param header its header: token counts, context and workload item
     */
    typedef void (*RequestSentTracedCallback)(uint64_t requestId, const RequestHeader& header);
    /**
     * TracedCallback signature for an answer token arriving.
     * \param requestId request id
     * \param index 0-based token position
     */
    typedef void (*TokenTracedCallback)(uint64_t requestId, uint32_t index);
    /**
     * TracedCallback signature for a request completing.
     * \param requestId request id
     */
    typedef void (*RequestCompletedTracedCallback)(uint64_t requestId);
    /**
     * TracedCallback signature for a request being sent again.
     * \param requestId request id
     * \param attempt 1 for the first retry
     * \param reason why the previous attempt failed
     */
    typedef void (*RequestRetriedTracedCallback)(uint64_t requestId,
                                                 uint32_t attempt,
                                                 const std::string& reason);
    /**
     * \param reason a failure reason, as in requests.csv's failure_reason
     * \return whether a new attempt may succeed: the connection ended ("connection-..." but
     * a framing error), "no-connection", "upstream-unavailable", "upstream-timeout" or
     * "overloaded"
     */
    static bool IsRetryable(const std::string& reason);

    /**
     * \param requestId a request
     * \param retry its retries so far
     * \return the factor in [0.5, 1) its next backoff is multiplied by: a hash of both, so
     * that terminals that failed together do not retry together
     */
    static double RetryJitter(uint64_t requestId, uint32_t retry);

    /**
     * TracedCallback signature for a request failing.
     * \param requestId request id
     * \param reason why, as written to requests.csv's failure_reason
     */
    typedef void (*RequestFailedTracedCallback)(uint64_t requestId, const std::string& reason);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// Schedule the next IssueRequest: after an inter-arrival time, or at the next timed item.
    void ScheduleNextArrival();

    /**
     * \param sinceNow delay until the next arrival
     * \return whether another request may be issued, scheduling it if so
     */
    bool ScheduleArrival(Time sinceNow);

    /**
     * \brief Handle a token, from the edge or from the on-device server.
     * \param requestId the request
     * \param index 0-based token index
     * \param last whether it ends the answer
     */
    void AcceptToken(uint64_t requestId, uint32_t index, bool last);

    /**
     * \brief On-device server callback: a token is ready.
     * \param requestId the request
     * \param index 0-based token index
     * \param last whether it ends the answer
     * \param text its text
     */
    void HandleLocalToken(uint64_t requestId, uint32_t index, bool last, std::string text);

    /**
     * \brief On-device server callback: a request cannot be answered.
     * \param requestId the request
     * \param code why
     */
    void HandleLocalFailure(uint64_t requestId, ErrorHeader::Code code);

    /**
     * \brief The request's deadline passed: cancel it where it is being answered and fail it.
     * \param requestId the request
     */
    void HandleDeadline(uint64_t requestId);
    /// Create a request, send it and schedule the next one.
    void IssueRequest();
    /**
     * \brief Handle a message from the edge.
     * \param connection the connection it came on
     * \param message the message
     */
    void HandleMessage(Ptr<FramedConnection> connection, Ptr<Packet> message);
    /**
     * \brief Fail every outstanding request when the connection to the edge ends.
     * \param connection the connection
     * \param reason why it ended
     */
    void HandleClosed(Ptr<FramedConnection> connection, FramedConnection::CloseReason reason);
    /**
     * \brief An attempt failed: retry it after a backoff if the reason allows, there are
     * retries left and the deadline leaves time; otherwise end the request.
     * \param requestId the request
     * \param reason why the attempt failed
     */
    void FailOrRetry(uint64_t requestId, const std::string& reason);
    /**
     * \brief Send a request (again): on the connection to the edge (opening one if there is
     * none) or to the on-device server.
     * \param requestId the request
     */
    void SendRequest(uint64_t requestId);
    /// Open a new connection to the edge.
    void Connect();
    /**
     * \brief End a request: remove it, fire the matching trace, close when stopping and idle.
     * \param requestId the request
     * \param failureReason empty for a completed request
     */
    void EndRequest(uint64_t requestId, const std::string& failureReason);

    /// A request waiting for its answer.
    struct Outstanding
    {
        uint32_t answerTokens;   //!< tokens asked for
        uint32_t tokensReceived; //!< tokens arrived so far
        EventId deadline;        //!< HandleDeadline, if a Deadline is set
        Time issued;             //!< when it was issued
        RequestHeader header;    //!< what it asks for
        std::string payload;     //!< its query text
        uint32_t retries{0};     //!< retries so far
        EventId retry;           //!< the pending SendRequest of a retry
    };

    // Attributes
    Address m_remote;                         //!< edge address and port
    uint32_t m_terminalId;                    //!< upper half of request ids
    Ptr<RandomVariableStream> m_interArrival; //!< inter-arrival time, in s
    Ptr<RandomVariableStream> m_firstArrival; //!< delay of the first request, in s (or null)
    Ptr<RandomVariableStream> m_promptTokens; //!< prompt length, in tokens
    Ptr<RandomVariableStream> m_answerTokens; //!< answer length, in tokens
    uint32_t m_bytesPerToken;                 //!< text bytes per token on the wire
    uint64_t m_maxRequests;                   //!< stop after this many (0 = no limit)
    Time m_deadline;                          //!< cancel a request after this long (0 = never)
    uint32_t m_maxRetries;                    //!< retries of a retryable failure
    Time m_retryBackoff;                      //!< backoff before the first retry
    Time m_maxRetryBackoff;                   //!< largest backoff

    // State
    Ptr<FramedConnection> m_connection;            //!< connection to the edge (null once closed)
    Ptr<WorkloadFeed> m_feed;                      //!< workload items (null: synthetic)
    std::vector<uint32_t> m_timedItems;            //!< trace-timed: this terminal's items
    bool m_timed{false};                           //!< trace-timed arrivals
    EventId m_nextArrival;                         //!< next IssueRequest
    uint64_t m_issued;                             //!< requests issued so far
    bool m_stopping;                               //!< StopApplication called
    std::map<uint64_t, Outstanding> m_outstanding; //!< requests waiting for tokens
    std::set<uint64_t> m_cancelled;                //!< requests cancelled at their deadline

    // Trace sources
    TracedCallback<uint64_t, const RequestHeader&> m_requestSentTrace;     //!< request issued
    TracedCallback<uint64_t, uint32_t> m_tokenTrace;                       //!< token arrived
    TracedCallback<uint64_t> m_requestCompletedTrace;                      //!< last token arrived
    TracedCallback<uint64_t, const std::string&> m_requestFailedTrace;     //!< request failed
    TracedCallback<uint64_t, uint32_t, const std::string&> m_retriedTrace; //!< sent again
    MessageTrace m_txTrace;                                                //!< message sent
    MessageTrace m_rxTrace;                                                //!< message received
};

} // namespace ns3

#endif // CE_LSLM_TERMINAL_APP_H
