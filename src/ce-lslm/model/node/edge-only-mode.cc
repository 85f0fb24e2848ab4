/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "edge-only-mode.h"

#include "ns3/enum.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(EdgeOnlyMode);

TypeId
EdgeOnlyMode::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::EdgeOnlyMode")
            .SetParent<InferenceMode>()
            .SetGroupName("CeLslm")
            .AddConstructor<EdgeOnlyMode>()
            .AddAttribute("Placement",
                          "Where the SLM runs: on the edge server at the base station, or on "
                          "the terminal itself.",
                          EnumValue(TIER_EDGE),
                          MakeEnumAccessor(&EdgeOnlyMode::m_placement),
                          MakeEnumChecker(TIER_EDGE, "edge-server", TIER_TERMINAL, "terminal"));
    return tid;
}

EdgeOnlyMode::EdgeOnlyMode()
    : m_placement(TIER_EDGE)
{
}

std::string
EdgeOnlyMode::GetName() const
{
    return "edge-only";
}

Ptr<RequestServer>
EdgeOnlyMode::CreateServer(ServingTier tier, const ServerFactory& factory) const
{
    return tier == m_placement ? factory.MakeModelServer(tier, ModelRole::SLM) : nullptr;
}

} // namespace ns3
