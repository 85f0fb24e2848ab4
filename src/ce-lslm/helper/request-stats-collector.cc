/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-stats-collector.h"

#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-layer.h"

#include <cstdio>
#include <set>
#include <tuple>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestStatsCollector");

namespace
{

/// \return the IPv4 address of \p device's interface
Ipv4Address
AddressOf(Ptr<NetDevice> device)
{
    Ptr<Ipv4> ip = device->GetNode()->GetObject<Ipv4>();
    const int32_t interface = ip->GetInterfaceForDevice(device);
    NS_ABORT_MSG_IF(interface < 0, "a link device without an IPv4 interface");
    return ip->GetAddress(static_cast<uint32_t>(interface), 0).GetLocal();
}

} // namespace

std::string
RequestStatsCollector::LinkName(Link link)
{
    switch (link)
    {
        case UPLINK:
            return "uplink";
        case DOWNLINK:
            return "downlink";
        case BACKHAUL:
            return "backhaul";
        case EDGE_EDGE:
            return "edge_edge";
    }
    return "?";
}

void
RequestStatsCollector::EnableMessageTrace(std::ostream* out)
{
    m_messageTrace = out;
    if (m_messageTrace)
    {
        *m_messageTrace << "time_s,role,index,event,link,type,request_id,bytes\n";
    }
}

void
RequestStatsCollector::AddTerminal(Ptr<TerminalApp> app, uint32_t terminal, uint32_t edge)
{
    m_edgeOfTerminal[terminal] = edge;
    // Edges are added before their terminals (Install does so).
    m_tierOfTerminal[terminal] = app->GetServer()             ? TIER_TERMINAL
                                 : m_servingEdges.count(edge) ? TIER_EDGE
                                                              : TIER_CLOUD;
    AddServer(app->GetServer(), TIER_TERMINAL);
    Endpoint at{"terminal", terminal};
    app->TraceConnectWithoutContext("RequestSent",
                                    MakeCallback(&RequestStatsCollector::OnRequestSent, this));
    app->TraceConnectWithoutContext("TokenReceived",
                                    MakeCallback(&RequestStatsCollector::OnToken, this));
    app->TraceConnectWithoutContext("RequestCompleted",
                                    MakeCallback(&RequestStatsCollector::OnCompleted, this));
    app->TraceConnectWithoutContext("RequestFailed",
                                    MakeCallback(&RequestStatsCollector::OnFailed, this));
    app->TraceConnectWithoutContext("RequestRetried",
                                    MakeCallback(&RequestStatsCollector::OnRetried, this));
    app->TraceConnectWithoutContext("ProtocolError",
                                    MakeCallback(&RequestStatsCollector::OnProtocolError, this));
    ConnectMessages(app, "Tx", at, UPLINK, true, true);
    ConnectMessages(app, "Rx", at, DOWNLINK, false, false);
    ConnectTcp(app, at);
}

void
RequestStatsCollector::AddEdge(Ptr<EdgeApp> app, uint32_t edge)
{
    Endpoint at{"edge", edge};
    app->TraceConnectWithoutContext("ProtocolError",
                                    MakeCallback(&RequestStatsCollector::OnProtocolError, this));
    AddServer(app->GetServer(), TIER_EDGE);
    if (app->GetServer())
    {
        m_servingEdges.insert(edge);
    }
    ConnectMessages(app, "AccessRx", at, UPLINK, false, false);
    ConnectMessages(app, "AccessTx", at, DOWNLINK, true, true);
    ConnectMessages(app, "BackhaulTx", at, BACKHAUL, true, true);
    ConnectMessages(app, "BackhaulRx", at, BACKHAUL, false, false);
    // Messages between edges serve shared contexts, not one request: link totals only.
    ConnectMessages(app, "PeerTx", at, EDGE_EDGE, true, false);
    ConnectMessages(app, "PeerRx", at, EDGE_EDGE, false, false);
    ConnectTcp(app, at);
}

void
RequestStatsCollector::AddCloud(Ptr<CloudApp> app)
{
    Endpoint at{"cloud", 0};
    app->TraceConnectWithoutContext("ProtocolError",
                                    MakeCallback(&RequestStatsCollector::OnProtocolError, this));
    AddServer(app->GetServer(), TIER_CLOUD);
    ConnectMessages(app, "Rx", at, BACKHAUL, false, false);
    ConnectMessages(app, "Tx", at, BACKHAUL, true, true);
    ConnectTcp(app, at);
}

void
RequestStatsCollector::AddLinkDevice(Ptr<NetDevice> device, Link transmits, Link receives)
{
    LinkCounters* sent = &m_links[transmits];
    LinkCounters* received = &m_links[receives];
    auto onTransmit = [sent](Ptr<const Packet> packet)
    {
        sent->wireBytes += packet->GetSize();
        ++sent->wirePackets;
    };
    auto onReceptionLoss = [received](Ptr<const Packet>)
    {
        ++received->droppedPackets;
    };
    auto onQueueDrop = [sent](Ptr<const QueueDiscItem>)
    {
        ++sent->droppedPackets;
    };
    bool connected =
        device->TraceConnectWithoutContext("PhyTxEnd",
                                           Callback<void, Ptr<const Packet>>(onTransmit))
        && device->TraceConnectWithoutContext("PhyRxDrop",
                                              Callback<void, Ptr<const Packet>>(onReceptionLoss));
    // Transmit-side drops happen in the queue disc in front of a point-to-point device (its
    // own one-packet queue is flow-controlled and never overflows), or in the per-terminal
    // buffers of a radio device, which has no queue disc.
    Ptr<TrafficControlLayer> trafficControl = device->GetNode()->GetObject<TrafficControlLayer>();
    Ptr<QueueDisc> queue =
        trafficControl ? trafficControl->GetRootQueueDiscOnDevice(device) : Ptr<QueueDisc>();
    bool dropsTraced = device->TraceConnectWithoutContext("MacTxDrop",
                                                          Callback<void, Ptr<const Packet>>(
                                                              [sent](Ptr<const Packet>)
                                                              {
                                                                  ++sent->droppedPackets;
                                                              }));
    NS_ABORT_MSG_UNLESS(connected && (queue || dropsTraced),
                        "link device " << device->GetInstanceTypeId().GetName()
                                       << " lacks the traces or the queue disc counted here");
    if (queue)
    {
        queue->TraceConnectWithoutContext("Drop",
                                          Callback<void, Ptr<const QueueDiscItem>>(onQueueDrop));
    }
}

void
RequestStatsCollector::Install(const EdgeCloudTopologyHelper& topology,
                               const InferenceServiceHelper& service)
{
    AddCloud(DynamicCast<CloudApp>(service.GetCloudApp().Get(0)));
    ApplicationContainer edges = service.GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        AddEdge(DynamicCast<EdgeApp>(edges.Get(e)), e);
        NetDeviceContainer backhaul = topology.GetBackhaulDevices(e);
        m_edgeOfAddress[AddressOf(backhaul.Get(0))] = e;
        AddLinkDevice(backhaul.Get(0), BACKHAUL, BACKHAUL);
        AddLinkDevice(backhaul.Get(1), BACKHAUL, BACKHAUL);
    }
    for (uint32_t link = 0; link < topology.GetEdgeLinkCount(); ++link)
    {
        NetDeviceContainer devices = topology.GetEdgeLinkDevices(link);
        AddLinkDevice(devices.Get(0), EDGE_EDGE, EDGE_EDGE);
        AddLinkDevice(devices.Get(1), EDGE_EDGE, EDGE_EDGE);
    }
    ApplicationContainer terminals = service.GetTerminalApps();
    std::set<Ptr<NetDevice>> edgeDevices; // a radio cell's base station serves many terminals
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        AddTerminal(DynamicCast<TerminalApp>(terminals.Get(t)), t, topology.GetEdgeIndex(t));
        NetDeviceContainer access = topology.GetAccessDevices(t);
        m_terminalOfAddress[AddressOf(access.Get(0))] = t;
        AddLinkDevice(access.Get(0), UPLINK, DOWNLINK);
        if (edgeDevices.insert(access.Get(1)).second)
        {
            AddLinkDevice(access.Get(1), DOWNLINK, UPLINK);
        }
    }
}

void
RequestStatsCollector::ConnectMessages(Ptr<Application> app,
                                       const std::string& source,
                                       const Endpoint& at,
                                       Link link,
                                       bool sent,
                                       bool perRequest)
{
    bool connected = app->TraceConnectWithoutContext(
        source,
        MakeCallback(&RequestStatsCollector::OnMessage, this, at, link, sent, perRequest));
    NS_ABORT_MSG_UNLESS(connected, "no trace source " << source << " on " << at.role);
}

void
RequestStatsCollector::OnMessage(Endpoint at,
                                 Link link,
                                 bool sent,
                                 bool perRequest,
                                 const MessageHeader& header,
                                 uint32_t frameBytes)
{
    LinkCounters& counters = m_links[link];
    (sent ? counters.appBytesSent : counters.appBytesReceived) += frameBytes;
    RequestRecord* record = perRequest ? Find(header.GetRequestId()) : nullptr;
    if (record)
    {
        switch (link)
        {
            case UPLINK:
                record->uplinkBytes += frameBytes;
                break;
            case DOWNLINK:
                record->downlinkBytes += frameBytes;
                break;
            case BACKHAUL:
                record->backhaulBytes += frameBytes;
                break;
            case EDGE_EDGE: // no per-request column: peers exchange shared contexts
                break;
        }
    }
    if (m_messageTrace)
    {
        char time[32];
        std::snprintf(time, sizeof(time), "%.9f", Simulator::Now().GetSeconds());
        *m_messageTrace << time << ',' << at.role << ',' << at.index << ',' << (sent ? "tx" : "rx")
                        << ',' << LinkName(link) << ',' << MessageHeader::TypeName(header.GetType())
                        << ',' << header.GetRequestId() << ',' << frameBytes << '\n';
    }
}

void
RequestStatsCollector::AddServer(Ptr<RequestServer> server, ServingTier tier)
{
    Ptr<ComputeEngine> engine = server ? server->GetEngine() : nullptr;
    if (!engine)
    {
        return; // computes nothing (network-only pacing, or no server)
    }
    // Servers that answer with a model report each answer's quality.
    server->TraceConnectWithoutContext("Scored",
                                       MakeCallback(&RequestStatsCollector::OnScored, this));
    server->TraceConnectWithoutContext("Plan", MakeCallback(&RequestStatsCollector::OnPlan, this));
    server->TraceConnectWithoutContext("Collab",
                                       MakeCallback(&RequestStatsCollector::OnCollab, this));
    server->TraceConnectWithoutContext("Fallback",
                                       MakeCallback(&RequestStatsCollector::OnFallback, this));
    m_modelOfTier[tier] = {server->GetModelName(), engine->GetModel().name};
    engine->TraceConnectWithoutContext("JobStart",
                                       MakeCallback(&RequestStatsCollector::OnJobStart, this));
    engine->TraceConnectWithoutContext("JobEnd",
                                       MakeCallback(&RequestStatsCollector::OnJobEnd, this));
    m_engines.emplace_back(tier, engine);
}

void
RequestStatsCollector::OnScored(uint64_t id, const RequestQuality& quality)
{
    if (RequestRecord* record = Find(id))
    {
        record->quality = quality;
    }
}

void
RequestStatsCollector::OnPlan(uint64_t id,
                              uint32_t /* context */,
                              uint32_t localLayers,
                              uint32_t /* neighbourEnd */,
                              int32_t neighbour,
                              const std::string& codec,
                              const std::string& how,
                              Time /* expected */)
{
    if (RequestRecord* record = Find(id))
    {
        record->kvPlan = how;
        record->localLayers = localLayers;
        record->kvNeighbour = neighbour;
        record->kvCodec = codec;
    }
}

void
RequestStatsCollector::OnCollab(uint64_t id, const CeCollmRecord& record)
{
    if (RequestRecord* found = Find(id))
    {
        found->collm = record;
    }
}

void
RequestStatsCollector::OnJobStart(uint64_t id, Time waited)
{
    // A request may run as several jobs (pipeline stages): the first admission counts.
    RequestRecord* record = Find(id);
    if (record && !record->queueing)
    {
        record->queueing = waited;
        record->admitted = Simulator::Now();
    }
}

void
RequestStatsCollector::OnJobEnd(uint64_t id, Time /* sinceSubmit */)
{
    RequestRecord* record = Find(id);
    if (record && record->admitted)
    {
        record->compute = Simulator::Now() - *record->admitted; // the last job's end counts
    }
}

double
RequestStatsCollector::GetComputeSeconds(ServingTier tier) const
{
    double seconds = 0;
    for (const auto& [engineTier, engine] : m_engines)
    {
        seconds += engineTier == tier ? engine->GetBusyTime().GetSeconds() : 0;
    }
    return seconds;
}

void
RequestStatsCollector::OnRequestSent(uint64_t id, const RequestHeader& header)
{
    RequestRecord record;
    record.id = id;
    record.terminal = static_cast<uint32_t>(id >> 32);
    auto edge = m_edgeOfTerminal.find(record.terminal);
    record.edge = edge == m_edgeOfTerminal.end() ? 0 : edge->second;
    record.promptTokens = header.GetPromptTokens();
    record.answerTokens = header.GetAnswerTokens();
    if (header.HasItem())
    {
        record.item = header.GetItem();
    }
    if (header.HasContext())
    {
        record.context = header.GetContextId();
    }
    SetServedBy(record, TierOf(record.terminal));
    record.issued = Simulator::Now();
    m_inFlight.insert(id);
    m_index[id] = m_records.size();
    m_records.push_back(record);
}

void
RequestStatsCollector::OnToken(uint64_t id, uint32_t /* index */)
{
    RequestRecord* record = Find(id);
    if (!record)
    {
        return;
    }
    if (!record->firstToken)
    {
        record->firstToken = Simulator::Now();
    }
    record->lastToken = Simulator::Now();
    ++record->tokensReceived;
}

void
RequestStatsCollector::OnCompleted(uint64_t id)
{
    if (RequestRecord* record = Find(id))
    {
        record->outcome = RequestRecord::COMPLETED;
        record->ended = Simulator::Now();
    }
    m_inFlight.erase(id);
}

void
RequestStatsCollector::OnFailed(uint64_t id, const std::string& reason)
{
    if (RequestRecord* record = Find(id))
    {
        record->outcome = RequestRecord::FAILED;
        record->failureReason = reason;
        record->ended = Simulator::Now();
    }
    m_inFlight.erase(id);
}

void
RequestStatsCollector::ConnectTcp(Ptr<Application> app, const Endpoint& at)
{
    const bool connected = app->TraceConnectWithoutContext(
                               "TcpRetransmission",
                               MakeCallback(&RequestStatsCollector::OnTcpRetransmission, this, at))
                           && app->TraceConnectWithoutContext(
                               "TcpTimeout",
                               MakeCallback(&RequestStatsCollector::OnTcpTimeout, this, at));
    NS_ABORT_MSG_UNLESS(connected, "no TCP trace sources on " << at.role);
}

RequestStatsCollector::Link
RequestStatsCollector::TcpLink(const Endpoint& at, const std::string& link)
{
    if (link == "access")
    {
        return at.role == "terminal" ? UPLINK : DOWNLINK;
    }
    return link == "backhaul" ? BACKHAUL : EDGE_EDGE;
}

void
RequestStatsCollector::OnTcpRetransmission(Endpoint at,
                                           const std::string& link,
                                           Ipv4Address peer,
                                           uint32_t)
{
    const Link on = TcpLink(at, link);
    ++m_links[on].retransmissions;
    if (on == EDGE_EDGE)
    {
        return; // neighbours exchange shared contexts, not a request's bytes
    }
    // The connection of one terminal (access) or one edge (backhaul); unknown peers count
    // for nobody.
    const auto& ofAddress = on == BACKHAUL ? m_edgeOfAddress : m_terminalOfAddress;
    const bool local = at.role == (on == BACKHAUL ? "edge" : "terminal");
    const auto peerIndex = ofAddress.find(peer);
    if (!local && peerIndex == ofAddress.end())
    {
        return;
    }
    const uint32_t index = local ? at.index : peerIndex->second;
    for (uint64_t id : m_inFlight)
    {
        RequestRecord& record = m_records[m_index.at(id)];
        if ((on == BACKHAUL ? record.edge : record.terminal) == index)
        {
            ++record.tcpRetransmissions;
        }
    }
}

void
RequestStatsCollector::OnTcpTimeout(Endpoint at, const std::string& link, Ipv4Address)
{
    ++m_links[TcpLink(at, link)].timeouts;
}

void
RequestStatsCollector::OnRetried(uint64_t id, uint32_t attempt, const std::string& /* reason */)
{
    if (RequestRecord* record = Find(id))
    {
        // The answer starts again: TTFT and E2E count from the issue to the answer that ends it.
        record->retries = attempt;
        record->tokensReceived = 0;
        record->firstToken.reset();
        record->lastToken.reset();
        record->fallback.clear();
        SetServedBy(*record, TierOf(record->terminal));
    }
}

ServingTier
RequestStatsCollector::TierOf(uint32_t terminal) const
{
    auto found = m_tierOfTerminal.find(terminal);
    return found == m_tierOfTerminal.end() ? TIER_CLOUD : found->second;
}

void
RequestStatsCollector::SetServedBy(RequestRecord& record, ServingTier tier) const
{
    record.servedBy = ServingTierName(tier);
    auto model = m_modelOfTier.find(tier);
    if (model != m_modelOfTier.end())
    {
        std::tie(record.executedModel, record.declaredProfile) = model->second;
    }
}

void
RequestStatsCollector::OnFallback(uint64_t id, const std::string& how)
{
    RequestRecord* record = Find(id);
    if (!record)
    {
        return;
    }
    record->fallback = how;
    if (how == ServingTierName(TIER_CLOUD))
    {
        // Handed over: the cloud answers it, and its compute is the cloud's from now on.
        SetServedBy(*record, TIER_CLOUD);
        record->queueing.reset();
        record->admitted.reset();
        record->compute.reset();
    }
}

void
RequestStatsCollector::OnProtocolError(const std::string& what)
{
    NS_LOG_WARN(what);
    ++m_protocolErrors;
}

RequestRecord*
RequestStatsCollector::Find(uint64_t id)
{
    auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_records[it->second];
}

void
RequestStatsCollector::Finish()
{
    for (auto& record : m_records)
    {
        if (record.outcome == RequestRecord::PENDING)
        {
            record.outcome = RequestRecord::FAILED;
            record.failureReason = "unfinished";
            record.ended = Simulator::Now();
        }
    }
}

const std::vector<RequestRecord>&
RequestStatsCollector::GetRecords() const
{
    return m_records;
}

const LinkCounters&
RequestStatsCollector::GetLinkCounters(Link link) const
{
    return m_links.at(link);
}

uint64_t
RequestStatsCollector::GetProtocolErrors() const
{
    return m_protocolErrors;
}

} // namespace ns3
