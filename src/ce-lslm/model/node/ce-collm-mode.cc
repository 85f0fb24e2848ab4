/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-collm-mode.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CeCollmMode);

TypeId
CeCollmMode::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CeCollmMode")
                            .SetParent<InferenceMode>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<CeCollmMode>();
    return tid;
}

std::string
CeCollmMode::GetName() const
{
    return "ce-collm";
}

Ptr<RequestServer>
CeCollmMode::CreateServer(ServingTier tier, const ServerFactory& factory) const
{
    return tier == TIER_TERMINAL ? nullptr : factory.MakeCeCollmServer(tier, false);
}

} // namespace ns3
