/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// CeLslmHelper's CE-CoLLM servers, configured from the ce_collm section (kept apart from the
// rest of the helper, which is long enough).

#include "ce-lslm-helper.h"
#include "config-error.h"

#include "ns3/boolean.h"
#include "ns3/ce-collm-cloud-server.h"
#include "ns3/double.h"
#include "ns3/integer.h"
#include "ns3/llm-error.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

namespace ns3
{

namespace
{

/// The ce_collm key an early-exit policy error is about (the decoder names what it checks).
std::string
PolicyKey(const std::string& what)
{
    if (what.find("exit layer") != std::string::npos)
    {
        return "ce_collm.exit_layers";
    }
    if (what.find("split") != std::string::npos)
    {
        return "ce_collm.split_layer";
    }
    if (what.find("threshold") != std::string::npos)
    {
        return "ce_collm.threshold";
    }
    return "models.cloud.path"; // the model itself (e.g. it has no exit head)
}

} // namespace

void
CeLslmHelper::ConfigureCeCollmEdge(Ptr<CeCollmEdgeServer> server, bool standalone) const
{
    server->SetAttribute("SplitLayer", IntegerValue(m_config.GetInt("ce_collm.split_layer")));
    server->SetAttribute("ExitLayers", StringValue(m_config.GetString("ce_collm.exit_layers")));
    server->SetAttribute("Threshold", DoubleValue(m_config.GetDouble("ce_collm.threshold")));
    server->SetAttribute("Standalone", BooleanValue(standalone));
    server->SetAttribute("HiddenPrecision",
                         StringValue(m_config.GetString("ce_collm.hidden_precision")));
    server->SetAttribute("ContextCache", BooleanValue(m_config.GetBool("edge.context_cache")));
    ConfigureFallback(server);
    server->SetAttribute("BytesPerToken",
                         UintegerValue(m_config.GetInt("workload.bytes_per_token")));
    try
    {
        server->SetModel(GetModel(ModelRole::LLM));
    }
    catch (const llm::LlmError& error)
    {
        throw ConfigError(PolicyKey(error.what()), error.what());
    }
    server->SetWorkload(m_workload);
    server->SetDeclaredModel(DeclaredProfile(ModelRole::LLM));
    ConfigureEngine(server->GetEngine(),
                    TIER_EDGE,
                    server->GetEdgeProfile(),
                    "models.cloud.profile");
}

Ptr<RequestServer>
CeLslmHelper::MakeCeCollmServer(ServingTier tier, bool standalone) const
{
    NS_ABORT_MSG_UNLESS(m_workload, "CeLslmHelper: the ce-collm modes need a trace workload");
    if (tier == TIER_EDGE)
    {
        Ptr<CeCollmEdgeServer> server = CreateObject<CeCollmEdgeServer>();
        ConfigureCeCollmEdge(server, standalone);
        return server;
    }
    NS_ABORT_MSG_UNLESS(tier == TIER_CLOUD, "CeLslmHelper: no ce-collm server on the terminal");
    Ptr<CeCollmCloudServer> server = CreateObject<CeCollmCloudServer>();
    server->SetModelName(GetModel(ModelRole::LLM)->GetName());
    server->SetAttribute("BytesPerToken",
                         UintegerValue(m_config.GetInt("workload.bytes_per_token")));
    ConfigureEngine(server->GetEngine(), TIER_CLOUD, ModelRole::LLM);
    return server;
}

} // namespace ns3
