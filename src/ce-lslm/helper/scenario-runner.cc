/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-runner.h"

#include "cloud-app-helper.h"
#include "edge-app-helper.h"
#include "terminal-app-helper.h"

#include "ns3/config.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ScenarioRunner");

namespace
{

// Fixed, disjoint ranges of random stream indices per component, so that adding terminals
// never shifts the streams of the links (and the other way round).
constexpr int64_t kTopologyStreams = 0;
constexpr int64_t kTerminalStreams = 1000000;

} // namespace

ScenarioRunner::ScenarioRunner(ScenarioConfig config)
    : m_config(std::move(config))
{
}

void
ScenarioRunner::ConfigureGlobals() const
{
    RngSeedManager::SetSeed(static_cast<uint32_t>(m_config.GetInt("simulation.seed")));
    RngSeedManager::SetRun(static_cast<uint64_t>(m_config.GetInt("simulation.run")));
    Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                       StringValue("ns3::" + m_config.GetString("transport.tcp_variant")));
    Config::SetDefault("ns3::TcpSocket::SegmentSize",
                       UintegerValue(m_config.GetInt("transport.segment_size_bytes")));
    Config::SetDefault("ns3::TcpSocket::SndBufSize",
                       UintegerValue(m_config.GetInt("transport.send_buffer_bytes")));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize",
                       UintegerValue(m_config.GetInt("transport.recv_buffer_bytes")));
    Config::SetDefault("ns3::FramedConnection::MaxFrameSize",
                       UintegerValue(m_config.GetInt("transport.max_frame_bytes")));
}

PointToPointLinkParameters
ScenarioRunner::LinkParameters(const std::string& prefix) const
{
    PointToPointLinkParameters link;
    link.rate = DataRate(static_cast<uint64_t>(m_config.GetDouble(prefix + ".rate_mbps") * 1e6));
    link.delay = Seconds(m_config.GetDouble(prefix + ".delay_ms") / 1e3);
    link.lossRate = m_config.GetDouble(prefix + ".loss_rate");
    link.queuePackets = static_cast<uint32_t>(m_config.GetInt(prefix + ".queue_packets"));
    return link;
}

ApplicationContainer
ScenarioRunner::InstallCloud(const EdgeCloudTopologyHelper& topology,
                             RequestStatsCollector& collector) const
{
    CloudAppHelper helper(CLOUD_PORT);
    helper.SetAttribute("TokenInterval",
                        TimeValue(Seconds(m_config.GetDouble("cloud.token_interval_ms") / 1e3)));
    helper.SetAttribute("TokenBytes", UintegerValue(m_config.GetInt("workload.bytes_per_token")));
    ApplicationContainer apps = helper.Install(topology.GetCloud());
    collector.AddCloud(DynamicCast<CloudApp>(apps.Get(0)));
    return apps;
}

ApplicationContainer
ScenarioRunner::InstallEdges(const EdgeCloudTopologyHelper& topology,
                             RequestStatsCollector& collector) const
{
    ApplicationContainer apps;
    for (uint32_t e = 0; e < topology.GetEdges().GetN(); ++e)
    {
        EdgeAppHelper helper(EDGE_PORT, InetSocketAddress(topology.GetCloudAddress(e), CLOUD_PORT));
        apps.Add(helper.Install(topology.GetEdges().Get(e)));
        collector.AddEdge(DynamicCast<EdgeApp>(apps.Get(e)), e);
        NetDeviceContainer backhaul = topology.GetBackhaulDevices(e);
        collector.AddLinkDevice(backhaul.Get(0), RequestStatsCollector::BACKHAUL);
        collector.AddLinkDevice(backhaul.Get(1), RequestStatsCollector::BACKHAUL);
    }
    return apps;
}

ApplicationContainer
ScenarioRunner::InstallTerminals(const EdgeCloudTopologyHelper& topology,
                                 RequestStatsCollector& collector) const
{
    ApplicationContainer apps;
    for (uint32_t t = 0; t < topology.GetTerminals().GetN(); ++t)
    {
        TerminalAppHelper helper(InetSocketAddress(topology.GetEdgeAddress(t), EDGE_PORT));
        helper.SetArrivals(m_config.GetDouble("workload.arrival_rate_per_s"),
                           m_config.GetString("workload.arrival") == "poisson");
        helper.SetTokenCounts(m_config.GetInt("workload.prompt_tokens.min"),
                              m_config.GetInt("workload.prompt_tokens.max"),
                              m_config.GetInt("workload.answer_tokens.min"),
                              m_config.GetInt("workload.answer_tokens.max"));
        helper.SetAttribute("BytesPerToken",
                            UintegerValue(m_config.GetInt("workload.bytes_per_token")));
        helper.SetAttribute("MaxRequests",
                            UintegerValue(m_config.GetInt("workload.max_requests_per_terminal")));
        apps.Add(helper.Install(topology.GetTerminals().Get(t), t));
        collector.AddTerminal(DynamicCast<TerminalApp>(apps.Get(t)), t, topology.GetEdgeIndex(t));
        NetDeviceContainer access = topology.GetAccessDevices(t);
        collector.AddLinkDevice(access.Get(0), RequestStatsCollector::UPLINK);
        collector.AddLinkDevice(access.Get(1), RequestStatsCollector::DOWNLINK);
    }
    TerminalAppHelper::AssignStreams(apps, kTerminalStreams);
    return apps;
}

ScenarioResults
ScenarioRunner::Run(std::ostream* messageTrace)
{
    ConfigureGlobals();
    const Time window = Seconds(m_config.GetDouble("simulation.duration_s"));
    const Time end = window + Seconds(m_config.GetDouble("simulation.drain_s"));

    EdgeCloudTopologyHelper topology;
    topology.SetAccessLink(LinkParameters("topology.access"));
    topology.SetBackhaulLink(LinkParameters("topology.backhaul"));
    topology.Install(static_cast<uint32_t>(m_config.GetInt("topology.terminals")),
                     static_cast<uint32_t>(m_config.GetInt("topology.edges")));
    topology.AssignStreams(kTopologyStreams);

    RequestStatsCollector collector;
    collector.EnableMessageTrace(messageTrace);
    InstallCloud(topology, collector).Start(Seconds(0));
    InstallEdges(topology, collector).Start(Seconds(0));
    ApplicationContainer terminals = InstallTerminals(topology, collector);
    terminals.Start(Seconds(0));
    terminals.Stop(window);

    Simulator::Stop(end);
    Simulator::Run();
    collector.Finish();

    ScenarioResults results;
    results.config = m_config;
    results.requests = collector.GetRecords();
    for (std::size_t link = 0; link < RequestStatsCollector::LINK_COUNT; ++link)
    {
        results.links[link] =
            collector.GetLinkCounters(static_cast<RequestStatsCollector::Link>(link));
    }
    results.protocolErrors = collector.GetProtocolErrors();
    results.arrivalWindowEnd = window;
    results.end = Simulator::Now();
    Simulator::Destroy();
    return results;
}

} // namespace ns3
