/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_LSLM_MODE_H
#define CE_LSLM_CE_LSLM_MODE_H

#include "inference-mode.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Mode "ce-lslm": large-small model collaboration with KV reuse (CE-LSLM). The edge SLM
 * answers (CeLslmEdgeServer) and the query never leaves the edge domain; the cloud only
 * prefills shared contexts and serves their aligned, compressed KV (ContextKvServer).
 */
class CeLslmMode : public InferenceMode
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

#endif // CE_LSLM_CE_LSLM_MODE_H
