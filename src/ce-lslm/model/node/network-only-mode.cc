/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "network-only-mode.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(NetworkOnlyMode);

TypeId
NetworkOnlyMode::GetTypeId()
{
    static TypeId tid = TypeId("ns3::NetworkOnlyMode")
                            .SetParent<InferenceMode>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<NetworkOnlyMode>();
    return tid;
}

std::string
NetworkOnlyMode::GetName() const
{
    return "network-only";
}

Ptr<RequestServer>
NetworkOnlyMode::CreateServer(ServingTier tier, const ServerFactory& factory) const
{
    return tier == TIER_CLOUD ? factory.MakePacedServer() : nullptr;
}

} // namespace ns3
