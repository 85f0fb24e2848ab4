/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// CeLslmHelper's CE-LSLM servers (the edges' and the cloud's context KV service), configured
// from the ce_lslm section, and the mode's counters for summary.json.

#include "ce-lslm-helper.h"
#include "config-error.h"

#include "ns3/boolean.h"
#include "ns3/context-kv-server.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/integer.h"
#include "ns3/kv-codec.h"
#include "ns3/kv-error.h"
#include "ns3/kv-layer-sender.h"
#include "ns3/kv-sender.h"
#include "ns3/model-server.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <map>

namespace ns3
{

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

ConfigJson
CeLslmHelper::ContextCacheCounters() const
{
    std::map<std::string, std::pair<ContextKvStore::Counters, double>> tiers; // and budgets
    auto add = [&tiers](const std::string& tier, Ptr<RequestServer> server)
    {
        if (Ptr<ModelServer> model = DynamicCast<ModelServer>(server))
        {
            auto& [counters, budget] = tiers[tier];
            AddCounters(counters, model->GetContextCache().GetCounters());
            budget += model->GetContextCache().GetBudget();
        }
    };
    auto serverOf = [](Ptr<Application> app)
    {
        return DynamicCast<CeApplication>(app)->GetServer();
    };
    Ptr<RequestServer> cloud = serverOf(m_service.GetCloudApp().Get(0));
    add("cloud", cloud);
    if (Ptr<ContextKvServer> kv = DynamicCast<ContextKvServer>(cloud))
    {
        add("cloud", kv->GetAnswerer()); // answers the requests handed over
    }
    ApplicationContainer edges = m_service.GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        add("edge", serverOf(edges.Get(e)));
    }
    ApplicationContainer terminals = m_service.GetTerminalApps();
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        add("terminal", serverOf(terminals.Get(t)));
    }
    ConfigJson json = ConfigJson::object();
    for (const auto& [tier, cache] : tiers)
    {
        json[tier] = StoreJson(cache.first);
        json[tier]["budget_bytes"] = cache.second;
    }
    return json;
}

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

} // namespace ns3
