/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EDGE_ONLY_MODE_H
#define CE_LSLM_EDGE_ONLY_MODE_H

#include "inference-mode.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Mode "edge-only": the edge SLM alone (CE-CoLLM's standalone mode). The SLM prefills
 * the context locally and answers; nothing reaches the cloud. The SLM runs on the edge server
 * at the base station or on the terminal itself (attribute Placement); on the terminal, a
 * request never touches the network.
 */
class EdgeOnlyMode : public InferenceMode
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    EdgeOnlyMode();
    std::string GetName() const override;
    Ptr<RequestServer> CreateServer(ServingTier tier, const ServerFactory& factory) const override;

  private:
    ServingTier m_placement; //!< where the SLM runs
};

} // namespace ns3

#endif // CE_LSLM_EDGE_ONLY_MODE_H
