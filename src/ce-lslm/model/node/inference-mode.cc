/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "inference-mode.h"

#include "ce-collm-edge-mode.h"
#include "ce-collm-mode.h"
#include "ce-lslm-mode.h"
#include "cloud-only-mode.h"
#include "edge-only-mode.h"
#include "network-only-mode.h"

#include "ns3/object-factory.h"

#include <stdexcept>
#include <utility>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(InferenceMode);

namespace
{

/// Every mode: its configuration name and its TypeId.
std::vector<std::pair<std::string, TypeId>>
Registry()
{
    return {{"network-only", NetworkOnlyMode::GetTypeId()},
            {"cloud-only", CloudOnlyMode::GetTypeId()},
            {"edge-only", EdgeOnlyMode::GetTypeId()},
            {"ce-lslm", CeLslmMode::GetTypeId()},
            {"ce-collm", CeCollmMode::GetTypeId()},
            {"ce-collm-edge", CeCollmEdgeMode::GetTypeId()}};
}

} // namespace

std::string
ServingTierName(ServingTier tier)
{
    switch (tier)
    {
        case TIER_TERMINAL:
            return "terminal";
        case TIER_EDGE:
            return "edge";
        case TIER_CLOUD:
            return "cloud";
    }
    return "unknown";
}

TypeId
InferenceMode::GetTypeId()
{
    static TypeId tid = TypeId("ns3::InferenceMode").SetParent<Object>().SetGroupName("CeLslm");
    return tid;
}

Ptr<InferenceMode>
InferenceMode::Create(const std::string& name)
{
    for (const auto& [modeName, tid] : Registry())
    {
        if (modeName == name)
        {
            ObjectFactory factory(tid.GetName());
            return factory.Create<InferenceMode>();
        }
    }
    throw std::invalid_argument("unknown inference mode '" + name + "'");
}

std::vector<std::string>
InferenceMode::Names()
{
    std::vector<std::string> names;
    for (const auto& entry : Registry())
    {
        names.push_back(entry.first);
    }
    return names;
}

} // namespace ns3
