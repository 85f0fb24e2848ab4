/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-runner.h"

#include "inference-service-helper.h"

#include "ns3/config.h"
#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>

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
    link.rate = DataRate(std::llround(m_config.GetDouble(prefix + ".rate_mbps") * 1e6));
    link.delay = Seconds(m_config.GetDouble(prefix + ".delay_ms") / 1e3);
    link.lossRate = m_config.GetDouble(prefix + ".loss_rate");
    link.queuePackets = static_cast<uint32_t>(m_config.GetInt(prefix + ".queue_packets"));
    return link;
}

void
ScenarioRunner::ConfigureService(InferenceServiceHelper& service) const
{
    service.SetArrivals(m_config.GetDouble("workload.arrival_rate_per_s"),
                        m_config.GetString("workload.arrival") == "poisson");
    service.SetTokenCounts(m_config.GetInt("workload.prompt_tokens.min"),
                           m_config.GetInt("workload.prompt_tokens.max"),
                           m_config.GetInt("workload.answer_tokens.min"),
                           m_config.GetInt("workload.answer_tokens.max"));
    UintegerValue bytesPerToken(m_config.GetInt("workload.bytes_per_token"));
    service.SetTerminalAttribute("BytesPerToken", bytesPerToken);
    service.SetTerminalAttribute(
        "MaxRequests",
        UintegerValue(m_config.GetInt("workload.max_requests_per_terminal")));
    service.SetCloudAttribute("TokenBytes", bytesPerToken);
    service.SetCloudAttribute(
        "TokenInterval",
        TimeValue(Seconds(m_config.GetDouble("cloud.token_interval_ms") / 1e3)));
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

    InferenceServiceHelper service;
    ConfigureService(service);
    service.Install(topology);
    service.AssignStreams(kTerminalStreams);
    service.GetTerminalApps().Stop(window);

    RequestStatsCollector collector;
    collector.EnableMessageTrace(messageTrace);
    collector.Install(topology, service);

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
    ApplicationContainer terminals = service.GetTerminalApps();
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        results.issuedRequests += DynamicCast<TerminalApp>(terminals.Get(t))->GetIssuedRequests();
    }
    results.arrivalWindowEnd = window;
    results.end = Simulator::Now();
    Simulator::Destroy();
    return results;
}

} // namespace ns3
