/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_MAX_RATE_SCHEDULER_H
#define CE_LSLM_SIX_G_MAX_RATE_SCHEDULER_H

#include "six-g-scheduler.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Max-rate (max C/I): terminals are served in decreasing order of the rate one
 * resource block gives them now, each with all the resource blocks it can use. Maximizes
 * cell throughput; terminals with poor channels starve while better ones have data. Ties go
 * to the lower identifier.
 */
class SixGMaxRateScheduler : public SixGScheduler
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    std::vector<uint32_t> Allocate(const std::vector<SixGSchedulingCandidate>& candidates,
                                   uint32_t rbs,
                                   uint32_t rbgSize) override;
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_MAX_RATE_SCHEDULER_H
