/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "cloud-only-mode.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CloudOnlyMode);

TypeId
CloudOnlyMode::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CloudOnlyMode")
                            .SetParent<InferenceMode>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<CloudOnlyMode>();
    return tid;
}

std::string
CloudOnlyMode::GetName() const
{
    return "cloud-only";
}

Ptr<RequestServer>
CloudOnlyMode::CreateServer(ServingTier tier, const ServerFactory& factory) const
{
    return tier == TIER_CLOUD ? factory.MakeModelServer(tier, ModelRole::LLM) : nullptr;
}

} // namespace ns3
