/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_REQUEST_QUALITY_H
#define CE_LSLM_REQUEST_QUALITY_H

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief How good one answer is: the true continuation scored by the model that answered,
 * and how often that model's next-token choice agrees with the cloud LLM's.
 */
struct RequestQuality
{
    double bits{0};        //!< bits of the true continuation under the answering model
    uint32_t bytes{0};     //!< continuation bytes scored
    uint32_t agreeing{0};  //!< positions where the model's argmax equals the LLM's
    uint32_t positions{0}; //!< continuation positions compared
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_QUALITY_H
