/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CLOUD_ONLY_MODE_H
#define CE_LSLM_CLOUD_ONLY_MODE_H

#include "inference-mode.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Mode "cloud-only": centralized inference, the baseline of both papers. The request goes
 * through the edge to the cloud LLM, which prefills the context it names and the query (the
 * context only once while it stays resident) and streams its tokens back.
 */
class CloudOnlyMode : public InferenceMode
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

#endif // CE_LSLM_CLOUD_ONLY_MODE_H
