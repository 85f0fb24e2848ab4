/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-lslm-mode.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CeLslmMode);

TypeId
CeLslmMode::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CeLslmMode")
                            .SetParent<InferenceMode>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<CeLslmMode>();
    return tid;
}

std::string
CeLslmMode::GetName() const
{
    return "ce-lslm";
}

Ptr<RequestServer>
CeLslmMode::CreateServer(ServingTier tier, const ServerFactory& factory) const
{
    return tier == TIER_TERMINAL ? nullptr : factory.MakeCeLslmServer(tier);
}

} // namespace ns3
