/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_NETWORK_ONLY_MODE_H
#define CE_LSLM_NETWORK_ONLY_MODE_H

#include "inference-mode.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Mode "network-only": no model runs; the cloud paces out one token message per
 * interval (PacedServer), to study the network alone.
 */
class NetworkOnlyMode : public InferenceMode
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    std::string GetName() const override;
    Ptr<RequestServer> CreateServer(ServingTier tier, const ServerFactory& factory) const override;
};

} // namespace ns3

#endif // CE_LSLM_NETWORK_ONLY_MODE_H
