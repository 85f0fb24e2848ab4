/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// CeLslmHelper: the faults and recovery sections (fault injection, retries, fallbacks).

#include "ce-lslm-helper.h"
#include "config-error.h"

#include "ns3/context-kv-server.h"
#include "ns3/double.h"
#include "ns3/model-server.h"
#include "ns3/nstime.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <sstream>
#include <stdexcept>

namespace ns3
{

/// Streams of the fault injector (after the topology's and the terminals').
constexpr int64_t kFaultStreams = 2000000;

void
CeLslmHelper::ConfigureRecovery()
{
    m_service.SetTerminalAttribute("MaxRetries",
                                   UintegerValue(m_config.GetInt("recovery.retries")));
    m_service.SetTerminalAttribute("RetryBackoff",
                                   TimeValue(Seconds(m_config.GetDouble("recovery.backoff_s"))));
    m_service.SetTerminalAttribute(
        "MaxRetryBackoff",
        TimeValue(Seconds(m_config.GetDouble("recovery.max_backoff_s"))));
    m_service.SetEdgeAttribute("ReconnectInterval",
                               TimeValue(Seconds(m_config.GetDouble("recovery.reconnect_s"))));
}

void
CeLslmHelper::ConfigureFallback(Ptr<RequestServer> server) const
{
    if (Ptr<CeLslmEdgeServer> edge = DynamicCast<CeLslmEdgeServer>(server))
    {
        edge->SetAttribute("Fallback",
                           StringValue(m_config.GetString("recovery.ce_lslm_fallback")));
        Ptr<KvFetchClient> fetcher = edge->GetFetchClient();
        fetcher->SetAttribute("Timeout",
                              TimeValue(Seconds(m_config.GetDouble("recovery.fetch_timeout_s"))));
        fetcher->SetAttribute("MaxRerequests",
                              UintegerValue(m_config.GetInt("recovery.kv_rerequests")));
    }
    if (Ptr<ContextKvServer> cloud = DynamicCast<ContextKvServer>(server);
        cloud && m_config.GetString("recovery.ce_lslm_fallback") == "cloud")
    {
        // The cloud answers what edges hand over with the LLM, on the KV service's engine.
        cloud->SetAnswerer(DynamicCast<ModelServer>(MakeModelServer(TIER_CLOUD, ModelRole::LLM)));
    }
    if (Ptr<CeCollmEdgeServer> edge = DynamicCast<CeCollmEdgeServer>(server))
    {
        edge->SetAttribute("Fallback",
                           StringValue(m_config.GetString("recovery.ce_collm_fallback")));
        edge->SetAttribute("CloudTimeout",
                           TimeValue(Seconds(m_config.GetDouble("recovery.cloud_timeout_s"))));
    }
}

void
CeLslmHelper::InstallFaults()
{
    m_faults = CreateObject<FaultInjector>();
    m_faults->SetAttribute("BackhaulLossRate",
                           DoubleValue(m_config.GetDouble("faults.backhaul_loss_rate")));
    m_faults->SetAttribute("BlockageLoss",
                           DoubleValue(m_config.GetDouble("faults.blockage_loss_db")));
    m_faults->SetAttribute("OverloadRefusal",
                           DoubleValue(m_config.GetDouble("faults.overload_refusal")));
    m_faults->SetAttribute("KvCorruption", DoubleValue(m_config.GetDouble("faults.kv_corruption")));
    m_faults->SetAttribute(
        "AttackInterval",
        TimeValue(Seconds(m_config.GetDouble("faults.attack_interval_ms") / 1e3)));
    m_faults->Install(m_topology, m_service);
    m_faults->AssignStreams(kFaultStreams);
    try
    {
        for (const FaultEvent& event :
             FaultInjector::ParseSchedule(m_config.GetString("faults.schedule")))
        {
            m_faults->AddEvent(event);
        }
    }
    catch (const std::invalid_argument& error)
    {
        throw ConfigError("faults.schedule", error.what());
    }
    const double rate = m_config.GetDouble("faults.random.rate_per_s");
    if (rate > 0)
    {
        std::vector<FaultEvent::Type> types;
        std::stringstream names(m_config.GetString("faults.random.types"));
        std::string name;
        while (std::getline(names, name, ','))
        {
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            FaultEvent::Type type;
            FaultEvent::ParseType(name, type); // the schema checked every name
            types.push_back(type);
        }
        m_faults->AddRandom(types,
                            rate,
                            Seconds(m_config.GetDouble("faults.random.mean_duration_s")),
                            Time(0),
                            GetArrivalWindowEnd());
    }
}

Ptr<FaultInjector>
CeLslmHelper::GetFaultInjector() const
{
    return m_faults;
}

ConfigJson
CeLslmHelper::FaultsJson() const
{
    ConfigJson json = ConfigJson::object();
    std::map<std::string, uint64_t> byType;
    for (const std::string& name : FaultEvent::TypeNames())
    {
        byType[name] = 0;
    }
    ConfigJson events = ConfigJson::array();
    for (const FaultEvent& event : m_faults->GetEvents())
    {
        ++byType[event.GetTypeName()];
        events.push_back({{"type", event.GetTypeName()},
                          {"edge", event.edge},
                          {"start_s", event.start.GetSeconds()},
                          {"end_s", (event.start + event.duration).GetSeconds()}});
    }
    json["count"] = m_faults->GetEvents().size();
    json["by_type"] = ConfigJson::object();
    for (const std::string& name : FaultEvent::TypeNames())
    {
        json["by_type"][name] = byType[name];
    }
    json["effects"] = ConfigJson::object();
    for (const auto& [what, count] : m_faults->GetEffects())
    {
        json["effects"][what] = count;
    }
    json["events"] = events;
    return json;
}

} // namespace ns3
