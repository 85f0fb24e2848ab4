/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_ROUND_ROBIN_SCHEDULER_H
#define CE_LSLM_SIX_G_ROUND_ROBIN_SCHEDULER_H

#include "six-g-scheduler.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Round robin: the slot's resource block groups are dealt one at a time to the
 * terminals with data, in turn, so each gets an equal share (up to what it can use).
 *
 * When there are more terminals than groups, the deal starts each slot after the last
 * terminal served in the previous one, so every terminal's turn comes.
 */
class SixGRoundRobinScheduler : public SixGScheduler
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

  private:
    uint32_t m_nextRnti{0}; //!< the deal starts at the first terminal from this identifier on
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_ROUND_ROBIN_SCHEDULER_H
