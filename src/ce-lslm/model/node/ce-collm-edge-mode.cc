/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-collm-edge-mode.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CeCollmEdgeMode);

TypeId
CeCollmEdgeMode::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CeCollmEdgeMode")
                            .SetParent<InferenceMode>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<CeCollmEdgeMode>();
    return tid;
}

std::string
CeCollmEdgeMode::GetName() const
{
    return "ce-collm-edge";
}

Ptr<RequestServer>
CeCollmEdgeMode::CreateServer(ServingTier tier, const ServerFactory& factory) const
{
    // The edge answers alone: no cloud server, so the edge opens no backhaul connection.
    return tier == TIER_EDGE ? factory.MakeCeCollmServer(tier, true) : nullptr;
}

} // namespace ns3
