/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-runner.h"

#include "inference-service-helper.h"
#include "six-g-preset.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/queue-size.h"
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
ScenarioRunner::ConfigureRadio(EdgeCloudTopologyHelper& topology) const
{
    if (!m_config.GetBool("topology.radio.enabled"))
    {
        return;
    }
    const std::string presetName = m_config.GetString("topology.radio.preset");
    const SixGPreset& preset = SixGPreset::Get(presetName);
    SixGHelper radio;
    radio.SetPreset(presetName);
    const std::string scheduler = m_config.GetString("topology.radio.scheduler");
    radio.SetScheduler(scheduler == "rr"         ? "ns3::SixGRoundRobinScheduler"
                       : scheduler == "max-rate" ? "ns3::SixGMaxRateScheduler"
                                                 : "ns3::SixGProportionalFairScheduler");
    const std::string pattern = m_config.GetString("topology.radio.tdd_pattern");
    if (!pattern.empty())
    {
        radio.SetChannelAttribute("TddPattern", StringValue(pattern));
    }
    radio.SetFadingModelAttribute("Enabled",
                                  BooleanValue(m_config.GetBool("topology.radio.fading")));
    radio.SetFadingModelAttribute(
        "Speed",
        DoubleValue(m_config.GetDouble("topology.radio.terminal_speed_kmh") / 3.6));
    radio.SetBlockage(m_config.GetDouble("topology.radio.blockage_rate_per_s"),
                      Seconds(m_config.GetDouble("topology.radio.blockage_duration_ms") / 1e3));
    QueueSizeValue queue(
        QueueSize(QueueSizeUnit::PACKETS,
                  static_cast<uint32_t>(m_config.GetInt("topology.radio.queue_packets"))));
    radio.SetBsDeviceAttribute("QueueSize", queue);
    radio.SetUeDeviceAttribute("QueueSize", queue);

    RadioAccessLayout layout;
    layout.interSiteDistance = m_config.GetDouble("topology.radio.inter_site_distance_m");
    layout.minDistance = m_config.GetDouble("topology.radio.min_distance_m");
    layout.maxDistance = m_config.GetDouble("topology.radio.max_distance_m");
    layout.bsHeight = preset.bsHeightM;
    layout.ueHeight = preset.ueHeightM;
    topology.SetRadioAccess(radio, layout);
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
ScenarioRunner::Run(std::ostream* messageTrace, std::ostream* radioTrace)
{
    ConfigureGlobals();
    const Time window = Seconds(m_config.GetDouble("simulation.duration_s"));
    const Time end = window + Seconds(m_config.GetDouble("simulation.drain_s"));

    EdgeCloudTopologyHelper topology;
    topology.SetAccessLink(LinkParameters("topology.access"));
    topology.SetBackhaulLink(LinkParameters("topology.backhaul"));
    ConfigureRadio(topology);
    topology.Install(static_cast<uint32_t>(m_config.GetInt("topology.terminals")),
                     static_cast<uint32_t>(m_config.GetInt("topology.edges")));
    topology.AssignStreams(kTopologyStreams);
    if (radioTrace)
    {
        NS_ABORT_MSG_UNLESS(topology.HasRadioAccess(), "ScenarioRunner: no radio to trace");
        topology.GetRadio().EnableTransportBlockTraces(*radioTrace);
    }

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
