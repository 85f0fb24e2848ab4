/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_REQUEST_STATS_COLLECTOR_H
#define CE_LSLM_REQUEST_STATS_COLLECTOR_H

#include "edge-cloud-topology-helper.h"
#include "inference-service-helper.h"
#include "request-record.h"

#include "ns3/cloud-app.h"
#include "ns3/compute-engine.h"
#include "ns3/edge-app.h"
#include "ns3/inference-mode.h"
#include "ns3/ipv4-address.h"
#include "ns3/model-server.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/terminal-app.h"

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Byte and packet counts of one class of links.
 */
struct LinkCounters
{
    uint64_t appBytesSent{0};     //!< protocol frames handed to TCP by the senders
    uint64_t appBytesReceived{0}; //!< protocol frames delivered to the receivers
    uint64_t wireBytes{0};        //!< bytes transmitted by the link devices (IP, TCP, PPP)
    uint64_t wirePackets{0};      //!< packets transmitted by the link devices
    uint64_t droppedPackets{0};   //!< packets lost on reception or dropped by a full queue
    uint64_t retransmissions{0};  //!< TCP segments its senders sent again (TcpEventProbe)
    uint64_t timeouts{0};         //!< TCP retransmission timeouts of its senders
};

/**
 * \ingroup ce-lslm
 * \brief Collects per-request records and per-link counters from the applications' and
 * devices' trace sources.
 *
 * Every request seen by a terminal gets one record; Finish() turns the ones still running
 * into failures ("unfinished"), so arrived = completed + failed always holds. Optionally it
 * also writes one CSV row per protocol message (messages.csv).
 */
class RequestStatsCollector
{
  public:
    /// Classes of links whose bytes are counted separately.
    enum Link
    {
        UPLINK = 0,   //!< terminal -> edge
        DOWNLINK = 1, //!< edge -> terminal
        BACKHAUL = 2, //!< edge <-> cloud, both directions
        EDGE_EDGE = 3 //!< edge <-> neighbouring edge, both directions
    };

    /// Number of link classes.
    static constexpr std::size_t LINK_COUNT = 4;

    /**
     * \param link a link class
     * \return its name ("uplink", "downlink", "backhaul", "edge_edge")
     */
    static std::string LinkName(Link link);

    /**
     * \param out where to write messages.csv rows (header written now); nullptr disables
     */
    void EnableMessageTrace(std::ostream* out);

    /**
     * \param app a terminal application
     * \param terminal its index (its TerminalId)
     * \param edge index of the edge serving it
     */
    void AddTerminal(Ptr<TerminalApp> app, uint32_t terminal, uint32_t edge);
    /**
     * \param app an edge application
     * \param edge its index
     */
    void AddEdge(Ptr<EdgeApp> app, uint32_t edge);
    /// \param app the cloud application
    void AddCloud(Ptr<CloudApp> app);
    /**
     * \param device a link device
     * \param transmits class of the traffic it sends (its transmissions and queue drops)
     * \param receives class of the traffic it receives (its reception losses)
     */
    void AddLinkDevice(Ptr<NetDevice> device, Link transmits, Link receives);

    /**
     * \brief Hook up every application of \p service and every link device of \p topology
     * (the edge-edge links' devices too, when the topology has them).
     * \param topology the installed topology
     * \param service the service installed on it
     */
    void Install(const EdgeCloudTopologyHelper& topology, const InferenceServiceHelper& service);

    /// End of simulation: requests still running fail as "unfinished" at Now().
    void Finish();

    /**
     * \param tier a tier
     * \return the simulated time its compute engines were busy (summed over its nodes), in s
     */
    double GetComputeSeconds(ServingTier tier) const;

    /// \return the records, in the order the requests were issued
    const std::vector<RequestRecord>& GetRecords() const;
    /**
     * \param link a link class
     * \return its counters
     */
    const LinkCounters& GetLinkCounters(Link link) const;
    /// \return the number of malformed or unexpected messages reported by any application
    uint64_t GetProtocolErrors() const;

  private:
    /// Which node a message event happened at.
    struct Endpoint
    {
        std::string role; //!< "terminal", "edge" or "cloud"
        uint32_t index;   //!< node index within its role

        // ns-3 compares the bound arguments of callbacks.
        /// \param other another endpoint \return whether both are the same
        bool operator==(const Endpoint& other) const
        {
            return role == other.role && index == other.index;
        }

        /// \param other another endpoint \return whether they differ
        bool operator!=(const Endpoint& other) const
        {
            return !(*this == other);
        }
    };

    /**
     * \brief Connect a message trace source of \p app to OnMessage.
     * \param app the application
     * \param source trace source name
     * \param at where the event happens
     * \param link link class of the message
     * \param sent true for a Tx source, false for an Rx source
     * \param perRequest whether the bytes count towards the request's own bytes
     */
    void ConnectMessages(Ptr<Application> app,
                         const std::string& source,
                         const Endpoint& at,
                         Link link,
                         bool sent,
                         bool perRequest);
    /**
     * \brief Count one protocol message.
     */
    void OnMessage(Endpoint at,
                   Link link,
                   bool sent,
                   bool perRequest,
                   const MessageHeader& header,
                   uint32_t frameBytes);
    /// Terminal issued a request.
    void OnRequestSent(uint64_t id, const RequestHeader& header);

    /**
     * \brief Follow what a node's server does for each request (if it runs a model).
     * \param server the server (may be null)
     * \param tier the node's tier
     */
    void AddServer(Ptr<RequestServer> server, ServingTier tier);

    /**
     * \brief A model server answered a request.
     * \param id request id
     * \param quality the answer's quality
     */
    void OnScored(uint64_t id, const RequestQuality& quality);

    /**
     * \brief A CE-LSLM edge chose where a request's context KV comes from.
     */
    void OnPlan(uint64_t id,
                uint32_t context,
                uint32_t localLayers,
                uint32_t neighbourEnd,
                int32_t neighbour,
                const std::string& codec,
                const std::string& how,
                Time expected);

    /**
     * \brief A CE-CoLLM edge finished a request.
     * \param id request id
     * \param record its exits, uploads and the cloud's work
     */
    void OnCollab(uint64_t id, const CeCollmRecord& record);

    /**
     * \brief A compute engine admitted a request's job.
     * \param id request id
     * \param waited time since it was submitted
     */
    void OnJobStart(uint64_t id, Time waited);

    /**
     * \brief A compute engine finished a request's job.
     * \param id request id
     * \param sinceSubmit time since it was submitted
     */
    void OnJobEnd(uint64_t id, Time sinceSubmit);
    /// A token reached a terminal.
    void OnToken(uint64_t id, uint32_t index);
    /// A request completed.
    void OnCompleted(uint64_t id);
    /// A request failed.
    void OnFailed(uint64_t id, const std::string& reason);
    /**
     * \brief A terminal sends a request again after a failure it may recover from.
     * \param id request id
     * \param attempt 1 for the first retry
     * \param reason why the previous attempt failed
     */
    void OnRetried(uint64_t id, uint32_t attempt, const std::string& reason);
    /// Connect an application's TcpRetransmission and TcpTimeout traces.
    void ConnectTcp(Ptr<Application> app, const Endpoint& at);
    /// \return the link class a connection of \p at with class \p link ("access", ...) sends on
    static Link TcpLink(const Endpoint& at, const std::string& link);
    /// A TCP segment was sent again by \p at on \p link to \p peer; the requests in flight
    /// whose terminal (access) or edge (backhaul) that connection serves count it.
    void OnTcpRetransmission(Endpoint at, const std::string& link, Ipv4Address peer, uint32_t);
    /// A TCP retransmission timer of \p at on \p link expired.
    void OnTcpTimeout(Endpoint at, const std::string& link, Ipv4Address peer);
    /**
     * \brief A server answers a request by a fallback.
     * \param id request id
     * \param how which fallback ("edge-prefill", "cloud", "standalone")
     */
    void OnFallback(uint64_t id, const std::string& how);
    /// An application reported a protocol error.
    void OnProtocolError(const std::string& what);
    /// \return the record of \p id, or nullptr if the request is unknown
    RequestRecord* Find(uint64_t id);
    /// \return the tier that answers \p terminal's requests in the mode
    ServingTier TierOf(uint32_t terminal) const;
    /// \brief Record \p tier, its executed model and declared profile as answering \p record.
    void SetServedBy(RequestRecord& record, ServingTier tier) const;

    std::vector<RequestRecord> m_records;                //!< in issue order
    std::set<uint64_t> m_inFlight;                       //!< ids of requests not ended
    std::map<Ipv4Address, uint32_t> m_terminalOfAddress; //!< access address -> terminal
    std::map<Ipv4Address, uint32_t> m_edgeOfAddress;     //!< backhaul address -> edge
    std::map<uint64_t, std::size_t> m_index;             //!< request id -> position in m_records
    std::map<uint32_t, uint32_t> m_edgeOfTerminal;       //!< terminal index -> edge index
    std::map<uint32_t, ServingTier> m_tierOfTerminal;    //!< terminal index -> who answers it
    std::map<ServingTier, std::pair<std::string, std::string>>
        m_modelOfTier;                 //!< executed, declared
    std::set<uint32_t> m_servingEdges; //!< edges that answer requests themselves
    std::vector<std::pair<ServingTier, Ptr<ComputeEngine>>> m_engines; //!< engines by tier
    std::array<LinkCounters, LINK_COUNT> m_links{};                    //!< per link class
    uint64_t m_protocolErrors{0};                                      //!< malformed messages
    std::ostream* m_messageTrace{nullptr};                             //!< messages.csv, if enabled
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_STATS_COLLECTOR_H
