/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-lslm-helper.h"

#include "config-error.h"
#include "six-g-preset.h"

#include "ns3/boolean.h"
#include "ns3/ce-application.h"
#include "ns3/config.h"
#include "ns3/content-class-tag.h"
#include "ns3/context-kv-server.h"
#include "ns3/device-profile.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/frame-header.h"
#include "ns3/integer.h"
#include "ns3/kernel-threads.h"
#include "ns3/kv-codec.h"
#include "ns3/kv-error.h"
#include "ns3/kv-layer-sender.h"
#include "ns3/kv-sender.h"
#include "ns3/llm-error.h"
#include "ns3/log.h"
#include "ns3/message-authenticator.h"
#include "ns3/message-header.h"
#include "ns3/model-profile.h"
#include "ns3/model-server.h"
#include "ns3/queue-size.h"
#include "ns3/request-header.h"
#include "ns3/sha256.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/terminal-app.h"
#include "ns3/uinteger.h"
#include "ns3/workload-feed.h"

#include <cmath>
#include <filesystem>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeLslmHelper");

namespace
{

/**
 * \brief Check that every codec spec of the ce_lslm section parses, and that edges can encode
 * their own KV with the peer codec (no pca stage: the bases cover only the cloud's layers).
 * \param codecs the cloud's codecs, then the peer codec last
 * \param adaptive whether the cloud's codecs come from codec_ladder
 * \throw ConfigError naming the key
 */
void
CheckCodecs(const std::vector<std::string>& codecs, bool adaptive)
{
    for (std::size_t i = 0; i < codecs.size(); ++i)
    {
        const bool peer = i + 1 == codecs.size();
        const std::string key = peer       ? "ce_lslm.peer_codec"
                                : adaptive ? "ce_lslm.codec_ladder"
                                           : "ce_lslm.codec";
        try
        {
            if (kv::KvCodec::Parse(codecs[i]).PcaRank() > 0 && peer)
            {
                throw ConfigError(key,
                                  "'" + codecs[i]
                                      + "' has a pca stage; edge-to-edge KV has no bases");
            }
        }
        catch (const kv::KvError& error)
        {
            throw ConfigError(key, error.what());
        }
    }
}

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
    Config::SetDefault("ns3::TcpSocket::SndBufSize",
                       UintegerValue(m_config.GetInt("transport.send_buffer_bytes")));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize",
                       UintegerValue(m_config.GetInt("transport.recv_buffer_bytes")));
    Config::SetDefault("ns3::FramedConnection::MaxFrameSize",
                       UintegerValue(m_config.GetInt("transport.max_frame_bytes")));
}

PointToPointLinkParameters
CeLslmHelper::LinkParameters(const std::string& prefix) const
{
    PointToPointLinkParameters link;
    link.rate = DataRate(std::llround(m_config.GetDouble(prefix + ".rate_mbps") * 1e6));
    link.delay = Seconds(m_config.GetDouble(prefix + ".delay_ms") / 1e3);
    link.lossRate = m_config.GetDouble(prefix + ".loss_rate");
    link.queuePackets = static_cast<uint32_t>(m_config.GetInt(prefix + ".queue_packets"));
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
    server->SetAttribute("BytesPerToken",
                         UintegerValue(m_config.GetInt("workload.bytes_per_token")));
    ConfigureEngine(server->GetEngine(), tier, role);
    return server;
}

std::shared_ptr<const kv::KvAlignment>
CeLslmHelper::GetAlignment() const
{
    if (m_alignment)
    {
        return m_alignment;
    }
    const std::string key = "ce_lslm.alignment";
    try
    {
        auto alignment = std::make_shared<kv::KvAlignment>(
            kv::KvAlignment::Load(ResolvePath(m_config.GetString(key), key)));
        alignment->CheckModels(GetModel(ModelRole::LLM)->GetTransformer().Config(),
                               GetModel(ModelRole::SLM)->GetTransformer().Config());
        m_alignment = alignment;
    }
    catch (const kv::KvError& error)
    {
        throw ConfigError(key, error.what());
    }
    return m_alignment;
}

std::map<std::string, double>
CeLslmHelper::MeasureLayerBytes(const std::vector<std::string>& codecs) const
{
    std::shared_ptr<const kv::KvAlignment> alignment = GetAlignment();
    const WorkloadContext& context = m_workload->GetContext(m_workload->GetItem(0).context);
    const llm::KvCache cloud = GetModel(ModelRole::LLM)->PrefillContext(context.text);
    const std::vector<kv::KvBlock> blocks = alignment->Project(cloud, 0, cloud.Tokens());
    Ptr<ComputeEngine> edge = CreateObject<ComputeEngine>();
    ConfigureEngine(edge, TIER_EDGE, ModelRole::SLM);
    const auto bytesPerToken = static_cast<uint32_t>(m_config.GetInt("workload.bytes_per_token"));
    const KvLayerSender sizer(alignment, edge->GetModel(), bytesPerToken);
    const double tokens = RequestServer::ContextTokens(context.text, bytesPerToken);
    const kv::Vector importance =
        ContextKvServer::ImportanceOf(*GetModel(ModelRole::LLM), context.text);
    std::map<std::string, double> perToken;
    for (const std::string& spec : codecs)
    {
        if (m_layerBytes.count(spec) == 0)
        {
            const kv::KvSender sender(*alignment, kv::KvCodec::Parse(spec));
            double bytes = 0;
            for (const kv::KvBlock& block : blocks)
            {
                // Steady state: the receiver holds the bases after its first stream.
                std::map<int64_t, int64_t> bases;
                sender.Encode({block}, &importance, bases);
                bytes += sizer.WireBytes(sender.Encode({block}, &importance, bases),
                                         context.text.size());
            }
            m_layerBytes[spec] = bytes / static_cast<double>(blocks.size()) / tokens;
        }
        perToken[spec] = m_layerBytes.at(spec);
    }
    return perToken;
}

void
CeLslmHelper::ConfigureCeLslmEdge(Ptr<CeLslmEdgeServer> server) const
{
    const auto model = GetModel(ModelRole::SLM);
    const auto alignment = GetAlignment();
    server->SetModel(model);
    server->SetReference(GetModel(ModelRole::LLM));
    server->SetAlignment(alignment);
    server->SetWorkload(m_workload);
    ConfigureEngine(server->GetEngine(), TIER_EDGE, ModelRole::SLM);
    const int64_t local = m_config.GetInt("ce_lslm.local_layers");
    const int64_t layers = model->GetTransformer().Config().numLayers;
    if (local >= 0 && (local < alignment->LocalLayers() || local > layers))
    {
        throw ConfigError("ce_lslm.local_layers",
                          "value " + std::to_string(local) + " is outside ["
                              + std::to_string(alignment->LocalLayers()) + ", "
                              + std::to_string(layers)
                              + "]: the alignment's receiving layers start at "
                              + std::to_string(alignment->LocalLayers()));
    }
    server->SetAttribute("Schedule",
                         EnumValue(m_config.GetString("ce_lslm.schedule") == "sequential"
                                       ? PIPELINE_SEQUENTIAL
                                       : PIPELINE_OVERLAPPED));
    server->SetAttribute("LocalLayers", IntegerValue(local));
    server->SetAttribute("Codec", StringValue(m_config.GetString("ce_lslm.codec")));
    server->SetAttribute("CodecLadder", StringValue(m_config.GetString("ce_lslm.codec_ladder")));
    server->SetAttribute("TtftTarget",
                         TimeValue(Seconds(m_config.GetDouble("ce_lslm.ttft_target_ms") / 1e3)));
    server->SetAttribute("PeerCodec", StringValue(m_config.GetString("ce_lslm.peer_codec")));
    server->SetAttribute("EdgeEdge", BooleanValue(m_config.GetBool("ce_lslm.edge_edge")));
    server->SetAttribute("StoreBytes",
                         DoubleValue(m_config.GetDouble("ce_lslm.edge_store_mb") * 1e6));
    server->SetAttribute("BytesPerToken",
                         UintegerValue(m_config.GetInt("workload.bytes_per_token")));
    CheckCodecs(server->GetCodecs(), m_config.GetString("ce_lslm.codec") == "adaptive");
    ConfigureFallback(server);

    Ptr<ComputeEngine> cloud = CreateObject<ComputeEngine>();
    ConfigureEngine(cloud, TIER_CLOUD, ModelRole::LLM);
    const llm::ForwardCost prefill = cloud->GetModel().BatchCost({{1024, 0, 0}});
    const Time perToken = Seconds(
        cloud->GetDevice().Seconds(prefill.flops, prefill.BytesRead() + prefill.BytesWritten())
        / 1024);
    auto link = [this](const std::string& prefix)
    {
        KvFetchPlanner::Link nominal;
        nominal.rate = m_config.GetDouble(prefix + ".rate_mbps") * 1e6 / 8;
        nominal.delay = Seconds(m_config.GetDouble(prefix + ".delay_ms") / 1e3);
        return nominal;
    };
    server->SetNominal(link("topology.backhaul"),
                       link("topology.edge_links"),
                       perToken,
                       MeasureLayerBytes(server->GetCodecs()));
}

Ptr<RequestServer>
CeLslmHelper::MakeCeLslmServer(ServingTier tier) const
{
    NS_ABORT_MSG_UNLESS(m_workload, "CeLslmHelper: the ce-lslm mode needs a trace workload");
    const auto bytesPerToken = UintegerValue(m_config.GetInt("workload.bytes_per_token"));
    if (tier == TIER_EDGE)
    {
        Ptr<CeLslmEdgeServer> server = CreateObject<CeLslmEdgeServer>();
        ConfigureCeLslmEdge(server);
        return server;
    }
    NS_ABORT_MSG_UNLESS(tier == TIER_CLOUD, "CeLslmHelper: no ce-lslm server on the terminal");
    Ptr<ContextKvServer> server = CreateObject<ContextKvServer>();
    server->SetModel(GetModel(ModelRole::LLM));
    server->SetAlignment(GetAlignment());
    server->SetWorkload(m_workload);
    ConfigureEngine(server->GetEngine(), TIER_CLOUD, ModelRole::LLM);
    Ptr<ComputeEngine> edge = CreateObject<ComputeEngine>();
    ConfigureEngine(edge, TIER_EDGE, ModelRole::SLM);
    server->SetDeclaredEdge(edge->GetModel());
    server->SetAttribute("BytesPerToken", bytesPerToken);
    server->SetAttribute("StoreBytes",
                         DoubleValue(m_config.GetDouble("ce_lslm.cloud_store_mb") * 1e6));
    ConfigureFallback(server);
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
    results.security = SecurityCounters();
    return results;
}

std::string
CeLslmHelper::HmacKey(const ScenarioConfig& config)
{
    const std::string hex = config.GetString("security.hmac_key");
    if (hex.empty())
    {
        // A key of its own for every run, reproducible from the run's identity.
        const std::string label =
            "ce-lslm security.hmac_key seed=" + std::to_string(config.GetInt("simulation.seed"))
            + " run=" + std::to_string(config.GetInt("simulation.run"));
        const Sha256::Digest digest = Sha256::Hash(label.data(), label.size());
        return std::string(digest.begin(), digest.end());
    }
    std::string key; // the schema checked the digits and their count
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    {
        key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return key;
}

void
CeLslmHelper::InstallAuthenticators()
{
    if (!m_config.GetBool("security.authenticate"))
    {
        return;
    }
    const std::string key = HmacKey(m_config);
    auto authenticate = [&](Ptr<Application> app)
    {
        Ptr<MessageAuthenticator> authenticator = CreateObject<MessageAuthenticator>();
        authenticator->SetAttribute("BytesPerSecond",
                                    DoubleValue(m_config.GetDouble("security.hmac_bytes_per_s")));
        authenticator->SetAttribute(
            "PerMessageTime",
            TimeValue(MicroSeconds(m_config.GetDouble("security.hmac_per_message_us"))));
        authenticator->SetKey(key);
        DynamicCast<CeApplication>(app)->SetAuthenticator(authenticator);
    };
    authenticate(m_service.GetCloudApp().Get(0));
    ApplicationContainer edges = m_service.GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        authenticate(edges.Get(e));
    }
}

SecurityResults
CeLslmHelper::SecurityCounters() const
{
    SecurityResults security;
    security.authenticated = m_config.GetBool("security.authenticate");
    auto add = [&security](Ptr<Application> app, double& seconds)
    {
        Ptr<MessageAuthenticator> authenticator =
            DynamicCast<CeApplication>(app)->GetAuthenticator();
        if (!authenticator)
        {
            return;
        }
        security.messagesTagged += authenticator->GetTagged();
        security.messagesVerified += authenticator->GetVerified();
        security.rejectedForged += authenticator->GetForged();
        security.rejectedReplayed += authenticator->GetReplayed();
        seconds += authenticator->GetChargedTime().GetSeconds();
    };
    add(m_service.GetCloudApp().Get(0), security.cloudS);
    ApplicationContainer edges = m_service.GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        add(edges.Get(e), security.edgeS);
    }
    return security;
}

namespace
{

/// \return a store's counters as JSON
ConfigJson
StoreJson(const ContextKvStore::Counters& counters)
{
    return {{"hits", counters.hits},
            {"misses", counters.misses},
            {"evictions", counters.evictions}};
}

/// \brief Add \p more to \p sum, counter by counter.
void
AddCounters(ContextKvStore::Counters& sum, const ContextKvStore::Counters& more)
{
    sum.hits += more.hits;
    sum.misses += more.misses;
    sum.evictions += more.evictions;
}

} // namespace

ConfigJson
CeLslmHelper::CeLslmCounters() const
{
    Ptr<ContextKvServer> cloud = DynamicCast<ContextKvServer>(
        DynamicCast<CeApplication>(m_service.GetCloudApp().Get(0))->GetServer());
    if (!cloud)
    {
        return ConfigJson();
    }
    ContextKvStore::Counters edges;
    ApplicationContainer apps = m_service.GetEdgeApps();
    for (uint32_t e = 0; e < apps.GetN(); ++e)
    {
        if (auto edge =
                DynamicCast<CeLslmEdgeServer>(DynamicCast<CeApplication>(apps.Get(e))->GetServer()))
        {
            AddCounters(edges, edge->GetStore().GetCounters());
        }
    }
    return {{"cloud_prefills", cloud->GetPrefills()},
            {"cloud_store", StoreJson(cloud->GetStore().GetCounters())},
            {"edge_store", StoreJson(edges)}};
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
