/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_PROPORTIONAL_FAIR_SCHEDULER_H
#define CE_LSLM_SIX_G_PROPORTIONAL_FAIR_SCHEDULER_H

#include "six-g-scheduler.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Proportional fair: terminals are served in decreasing order of
 * (rate one resource block gives them now) / (their recent average rate), each with all the
 * resource blocks it can use, until none are left.
 *
 * The average is an exponential moving average of the served rate kept by the cell's MAC
 * (SixGCellMac::PfTimeConstant). A terminal served a lot recently falls behind one that was
 * not; a terminal whose channel is momentarily good moves ahead. Ties go to the lower
 * identifier.
 */
class SixGProportionalFairScheduler : public SixGScheduler
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

#endif // CE_LSLM_SIX_G_PROPORTIONAL_FAIR_SCHEDULER_H
