/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-lslm-helper.h"

#include "config-error.h"
#include "six-g-preset.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/content-class-tag.h"
#include "ns3/device-profile.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/frame-header.h"
#include "ns3/integer.h"
#include "ns3/kernel-threads.h"
#include "ns3/llm-error.h"
#include "ns3/log.h"
#include "ns3/message-authenticator.h"
#include "ns3/message-header.h"
#include "ns3/model-profile.h"
#include "ns3/model-server.h"
#include "ns3/nstime.h"
#include "ns3/queue-size.h"
#include "ns3/request-header.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/terminal-app.h"
#include "ns3/uinteger.h"
#include "ns3/workload-feed.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeLslmHelper");

namespace
{

// Fixed, disjoint ranges of random stream indices per component, so that adding terminals
// never shifts the streams of the links (and the other way round).
constexpr int64_t kTopologyStreams = 0;
constexpr int64_t kTerminalStreams = 1000000;

/// \return the configuration section of a model role ("models.cloud", "models.edge")
std::string
ModelKey(ModelRole role)
{
    return role == ModelRole::LLM ? "models.cloud" : "models.edge";
}

} // namespace

CeLslmHelper::CeLslmHelper(ScenarioConfig config)
    : m_config(std::move(config))
{
}

void
CeLslmHelper::EnableMessageTrace(std::ostream* out)
{
    m_collector.EnableMessageTrace(out);
}

void
CeLslmHelper::EnableRadioTrace(std::ostream* out)
{
    m_radioTrace = out;
}

std::string
CeLslmHelper::ResolvePath(const std::string& path, const std::string& key)
{
    namespace fs = std::filesystem;
    if (fs::exists(path))
    {
        return path;
    }
    const fs::path inSource = fs::path(CE_LSLM_SOURCE_DIR) / path;
    if (fs::path(path).is_relative() && fs::exists(inSource))
    {
        return inSource.string();
    }
    throw ConfigError(key,
                      "'" + path + "' does not exist (looked in the working directory and in "
                          + CE_LSLM_SOURCE_DIR + ")");
}

void
CeLslmHelper::ConfigureTransport() const
{
    Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                       StringValue("ns3::" + m_config.GetString("transport.tcp_variant")));
    Config::SetDefault("ns3::TcpSocket::SegmentSize",
                       UintegerValue(m_config.GetInt("transport.segment_size_bytes")));
    const int64_t send = m_config.GetInt("transport.send_buffer_bytes");
    const int64_t receive = m_config.GetInt("transport.recv_buffer_bytes");
    Config::SetDefault("ns3::TcpSocket::SndBufSize",
                       UintegerValue(send > 0 ? send : AutoBufferBytes()));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize",
                       UintegerValue(receive > 0 ? receive : AutoBufferBytes()));
    Config::SetDefault("ns3::TcpSocketBase::MinRto",
                       TimeValue(Seconds(m_config.GetDouble("transport.min_rto_ms") / 1e3)));
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout",
                       TimeValue(Seconds(m_config.GetDouble("transport.delayed_ack_ms") / 1e3)));
    Config::SetDefault("ns3::FramedConnection::MaxFrameSize",
                       UintegerValue(m_config.GetInt("transport.max_frame_bytes")));
}

uint32_t
CeLslmHelper::AutoBufferBytes() const
{
    // Twice the largest bandwidth-delay product a connection may cross, so that one connection
    // can fill its link while the receiver's application lags a window behind.
    double bdp = LinkParameters("topology.backhaul").BdpBytes();
    if (m_config.GetBool("topology.edge_links.enabled"))
    {
        bdp = std::max(bdp, LinkParameters("topology.edge_links").BdpBytes());
    }
    if (!m_config.GetBool("topology.radio.enabled"))
    {
        bdp = std::max(bdp, LinkParameters("topology.access").BdpBytes());
    }
    else
    {
        // The radio's peak rate (every layer at 256-QAM rate 0.93, 7.4 bit/s/Hz, less the
        // overhead) over a 10 ms round trip (scheduling, HARQ and the core on a 5G path).
        const SixGPreset& radio = SixGPreset::Get(m_config.GetString("topology.radio.preset"));
        const double layers = std::max(radio.dlLayers, radio.ulLayers);
        const double peakBitsPerS = radio.bandwidthHz * layers * 7.4 * (1 - radio.dlOverhead);
        bdp = std::max(bdp, peakBitsPerS / 8 * 0.010);
    }
    constexpr double kLeast = 131072; // Linux's initial tcp_rmem/tcp_wmem
    constexpr double kMost = 1 << 30; // TCP's largest window (window scale 14, RFC 7323)
    return static_cast<uint32_t>(std::ceil(std::clamp(2 * bdp, kLeast, kMost)));
}

PointToPointLinkParameters
CeLslmHelper::LinkParameters(const std::string& prefix) const
{
    PointToPointLinkParameters link;
    link.rate = DataRate(std::llround(m_config.GetDouble(prefix + ".rate_mbps") * 1e6));
    link.delay = Seconds(m_config.GetDouble(prefix + ".delay_ms") / 1e3);
    link.lossRate = m_config.GetDouble(prefix + ".loss_rate");
    link.queuePackets = static_cast<uint32_t>(m_config.GetInt(prefix + ".queue_packets"));
    link.queueDisc = m_config.GetString(prefix + ".queue_disc");
    return link;
}

void
CeLslmHelper::ConfigureRadio()
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
    m_topology.SetRadioAccess(radio, layout);
}

void
CeLslmHelper::LoadWorkload()
{
    if (m_config.GetString("workload.source") != "trace")
    {
        return;
    }
    const std::string key = "workload.trace";
    try
    {
        m_workload = WorkloadTrace::Load(ResolvePath(m_config.GetString(key), key));
    }
    catch (const WorkloadError& error)
    {
        throw ConfigError(key, error.what());
    }
    if (m_config.GetString("workload.arrival") == "trace" && !m_workload->IsTimed())
    {
        throw ConfigError("workload.arrival",
                          "'trace' needs arrival_s on the requests of " + m_workload->GetSource());
    }
    const int64_t maxFrame = m_config.GetInt("transport.max_frame_bytes");
    for (const WorkloadItem& item : m_workload->GetItems())
    {
        // As the edge passes it on to the cloud, with the authentication trailer if any.
        const int64_t bytes =
            FrameHeader::SERIALIZED_SIZE + MessageHeader::SERIALIZED_SIZE
            + RequestHeader::SERIALIZED_SIZE + static_cast<int64_t>(item.query.size())
            + (m_config.GetBool("security.authenticate") ? MessageAuthenticator::TRAILER_BYTES : 0);
        if (bytes > maxFrame)
        {
            throw ConfigError("transport.max_frame_bytes",
                              "value " + std::to_string(maxFrame) + " is smaller than request "
                                  + std::to_string(item.index) + " of " + m_workload->GetSource()
                                  + " (" + std::to_string(bytes) + " bytes)");
        }
    }
}

std::shared_ptr<ExecutedModel>
CeLslmHelper::GetModel(ModelRole role) const
{
    auto found = m_models.find(role);
    if (found != m_models.end())
    {
        return found->second;
    }
    const std::string key = ModelKey(role) + ".path";
    std::shared_ptr<ExecutedModel> model;
    try
    {
        model = ExecutedModel::Load(ResolvePath(m_config.GetString(key), key));
        model->SetMemoize(m_config.GetBool("simulation.kernel_cache"));
        model->SetAnswerStore(GetAnswerStore());
        if (m_workload)
        {
            for (const WorkloadItem& item : m_workload->GetItems())
            {
                const WorkloadContext& context = m_workload->GetContext(item.context);
                const std::size_t tokens =
                    1 + context.text.size() + item.query.size()
                    + std::max<std::size_t>(item.answerTokens, item.continuation.size());
                if (static_cast<int64_t>(tokens) > model->GetTransformer().Config().maxPositions)
                {
                    throw llm::LlmError(
                        "request " + std::to_string(item.index) + " of " + m_workload->GetSource()
                        + " needs " + std::to_string(tokens)
                        + " positions, more than the model's max_position_embeddings "
                        + std::to_string(model->GetTransformer().Config().maxPositions));
                }
            }
        }
    }
    catch (const llm::LlmError& error)
    {
        throw ConfigError(key, error.what());
    }
    m_models[role] = model;
    return model;
}

std::shared_ptr<AnswerStore>
CeLslmHelper::GetAnswerStore() const
{
    const std::string key = "simulation.kernel_store";
    const std::string directory = m_config.GetString(key);
    if (!m_answerStore && !directory.empty())
    {
        try
        {
            m_answerStore = std::make_shared<AnswerStore>(directory);
        }
        catch (const llm::LlmError& error)
        {
            throw ConfigError(key, error.what());
        }
    }
    return m_answerStore;
}

ModelProfile
CeLslmHelper::DeclaredProfile(ModelRole role) const
{
    std::shared_ptr<ExecutedModel> model = GetModel(role);
    const std::string profile = m_config.GetString(ModelKey(role) + ".profile");
    return profile == "executed"
               ? ModelProfile::FromExecuted(model->GetName(), model->GetTransformer().Config())
               : ModelProfile::Get(profile);
}

void
CeLslmHelper::ConfigureEngine(Ptr<ComputeEngine> engine, ServingTier tier, ModelRole role) const
{
    ConfigureEngine(engine, tier, DeclaredProfile(role), ModelKey(role) + ".profile");
}

void
CeLslmHelper::ConfigureEngine(Ptr<ComputeEngine> engine,
                              ServingTier tier,
                              const ModelProfile& declared,
                              const std::string& profileKey) const
{
    const std::string section = ServingTierName(tier); // its configuration section
    const DeviceProfile device = DeviceProfile::Get(m_config.GetString(section + ".device"));
    if (declared.WeightBytes() > device.memoryBytes)
    {
        throw ConfigError(
            profileKey,
            "'" + declared.name + "' (" + std::to_string(std::llround(declared.WeightBytes() / 1e9))
                + " GB of weights) does not fit on the " + section + "'s device '" + device.name
                + "' (" + std::to_string(std::llround(device.memoryBytes / 1e9)) + " GB, " + section
                + ".device)");
    }
    // The model first: the engine checks that its current model fits each device it is given.
    engine->SetModel(declared);
    engine->SetDevice(device);
    engine->SetAttribute("MaxBatch", UintegerValue(m_config.GetInt(section + ".max_batch")));
    engine->SetAttribute("PrefillChunkTokens",
                         UintegerValue(m_config.GetInt(section + ".prefill_chunk_tokens")));
}

Ptr<RequestServer>
CeLslmHelper::MakeModelServer(ServingTier tier, ModelRole role) const
{
    NS_ABORT_MSG_UNLESS(m_workload, "CeLslmHelper: model servers need a trace workload");
    const std::string section = ServingTierName(tier);
    Ptr<ModelServer> server = CreateObject<ModelServer>();
    server->SetModel(GetModel(role));
    server->SetReference(GetModel(ModelRole::LLM));
    server->SetWorkload(m_workload);
    server->SetAttribute("ContextCache",
                         BooleanValue(m_config.GetBool(section + ".context_cache")));
    server->SetAttribute("ContextCacheBytes",
                         DoubleValue(m_config.GetDouble(section + ".context_cache_mb") * 1e6));
    server->SetAttribute("BytesPerToken",
                         UintegerValue(m_config.GetInt("workload.bytes_per_token")));
    ConfigureEngine(server->GetEngine(), tier, role);
    return server;
}

Ptr<RequestServer>
CeLslmHelper::MakePacedServer() const
{
    return m_service.MakePacedServer();
}

void
CeLslmHelper::ConfigureService()
{
    Ptr<InferenceMode> mode = InferenceMode::Create(m_config.GetString("mode"));
    // Only modes that place a model somewhere have this attribute (edge-only).
    mode->SetAttributeFailSafe("Placement",
                               EnumValue(m_config.GetString("edge.slm_placement") == "terminal"
                                             ? TIER_TERMINAL
                                             : TIER_EDGE));
    m_service.SetMode(mode, this);

    const std::string arrival = m_config.GetString("workload.arrival");
    m_service.SetArrivals(m_config.GetDouble("workload.arrival_rate_per_s"), arrival == "poisson");
    m_service.SetTokenCounts(m_config.GetInt("workload.prompt_tokens.min"),
                             m_config.GetInt("workload.prompt_tokens.max"),
                             m_config.GetInt("workload.answer_tokens.min"),
                             m_config.GetInt("workload.answer_tokens.max"));
    const auto bytesPerToken = static_cast<uint32_t>(m_config.GetInt("workload.bytes_per_token"));
    if (m_workload)
    {
        m_service.SetWorkload(CreateObject<WorkloadFeed>(m_workload,
                                                         m_config.GetInt("topology.terminals"),
                                                         bytesPerToken),
                              arrival == "trace");
    }
    m_service.SetTerminalAttribute("BytesPerToken", UintegerValue(bytesPerToken));
    m_service.SetTerminalAttribute(
        "MaxRequests",
        UintegerValue(m_config.GetInt("workload.max_requests_per_terminal")));
    m_service.SetTerminalAttribute("Deadline",
                                   TimeValue(Seconds(m_config.GetDouble("workload.deadline_s"))));
    ConfigureRecovery();
    m_service.SetPacedServerAttribute("TokenBytes", UintegerValue(bytesPerToken));
    m_service.SetPacedServerAttribute(
        "TokenInterval",
        TimeValue(Seconds(m_config.GetDouble("cloud.token_interval_ms") / 1e3)));
}

void
CeLslmHelper::Install()
{
    NS_ABORT_MSG_IF(m_installed, "CeLslmHelper::Install called twice");
    m_installed = true;
    ConfigureTransport();
    ContentClassTag::SetEnabled(m_config.GetBool("output.content_tags"));
    llm::KernelThreads::Set(static_cast<int>(m_config.GetInt("simulation.kernel_threads")));
    LoadWorkload();

    m_topology.SetAccessLink(LinkParameters("topology.access"));
    m_topology.SetBackhaulLink(LinkParameters("topology.backhaul"));
    m_topology.SetEdgeLinks(m_config.GetBool("topology.edge_links.enabled"),
                            LinkParameters("topology.edge_links"));
    ConfigureRadio();
    m_topology.Install(static_cast<uint32_t>(m_config.GetInt("topology.terminals")),
                       static_cast<uint32_t>(m_config.GetInt("topology.edges")));
    m_topology.AssignStreams(kTopologyStreams);
    if (m_radioTrace)
    {
        NS_ABORT_MSG_UNLESS(m_topology.HasRadioAccess(), "CeLslmHelper: no radio to trace");
        m_topology.GetRadio().EnableTransportBlockTraces(*m_radioTrace);
    }

    ConfigureService();
    m_service.Install(m_topology);
    InstallAuthenticators();
    m_service.AssignStreams(kTerminalStreams);
    m_service.GetTerminalApps().Stop(GetArrivalWindowEnd());
    m_collector.Install(m_topology, m_service);
    InstallFaults();
}

Time
CeLslmHelper::GetArrivalWindowEnd() const
{
    return Seconds(m_config.GetDouble("simulation.duration_s"));
}

Time
CeLslmHelper::GetStopTime() const
{
    return GetArrivalWindowEnd() + Seconds(m_config.GetDouble("simulation.drain_s"));
}

ScenarioResults
CeLslmHelper::Collect()
{
    m_collector.Finish();
    ScenarioResults results;
    results.config = m_config;
    results.requests = m_collector.GetRecords();
    for (std::size_t link = 0; link < RequestStatsCollector::LINK_COUNT; ++link)
    {
        results.links[link] =
            m_collector.GetLinkCounters(static_cast<RequestStatsCollector::Link>(link));
    }
    results.protocolErrors = m_collector.GetProtocolErrors();
    ApplicationContainer terminals = m_service.GetTerminalApps();
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        results.issuedRequests += DynamicCast<TerminalApp>(terminals.Get(t))->GetIssuedRequests();
    }
    results.arrivalWindowEnd = GetArrivalWindowEnd();
    results.faults = FaultsJson();
    results.end = Simulator::Now();
    results.edgeComputeS = m_collector.GetComputeSeconds(TIER_EDGE);
    results.cloudComputeS = m_collector.GetComputeSeconds(TIER_CLOUD);
    results.terminalComputeS = m_collector.GetComputeSeconds(TIER_TERMINAL);
    results.ceLslm = CeLslmCounters();
    results.contextCaches = ContextCacheCounters();
    results.security = SecurityCounters();
    return results;
}

EdgeCloudTopologyHelper&
CeLslmHelper::GetTopology()
{
    return m_topology;
}

InferenceServiceHelper&
CeLslmHelper::GetService()
{
    return m_service;
}

RequestStatsCollector&
CeLslmHelper::GetCollector()
{
    return m_collector;
}

std::shared_ptr<const WorkloadTrace>
CeLslmHelper::GetWorkload() const
{
    return m_workload;
}

} // namespace ns3
