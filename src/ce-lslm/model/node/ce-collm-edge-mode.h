/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_COLLM_EDGE_MODE_H
#define CE_LSLM_CE_COLLM_EDGE_MODE_H

#include "inference-mode.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Mode "ce-collm-edge": CE-CoLLM's standalone edge, the cloud LLM's first layers with
 * early exits answering alone and never deferring (CeCollmEdgeServer with Standalone).
 */
class CeCollmEdgeMode : public InferenceMode
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

#endif // CE_LSLM_CE_COLLM_EDGE_MODE_H
