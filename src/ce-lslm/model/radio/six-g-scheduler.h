/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_SCHEDULER_H
#define CE_LSLM_SIX_G_SCHEDULER_H

#include "ns3/object.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A terminal that has new data to send in this slot, as the scheduler sees it.
 */
struct SixGSchedulingCandidate
{
    uint32_t rnti{0};            //!< the terminal's identifier in its cell
    uint64_t backlogBits{0};     //!< new data waiting, in bits
    double bitsPerRb{0};         //!< transport block bits one resource block carries now
    double averageRateBps{0};    //!< recent served rate (exponential average), in bit/s
    uint32_t maxRbs{UINT32_MAX}; //!< most resource blocks the terminal can use (uplink power)
};

/**
 * \ingroup ce-lslm
 * \brief Interface of the per-cell, per-slot MAC scheduler: shares the slot's free resource
 * blocks (OFDMA, in resource block groups) among the terminals with new data.
 *
 * HARQ retransmissions are placed before the scheduler runs; it only sees new data. Each
 * candidate gets at most the resource blocks its backlog needs and at most its maxRbs. The
 * subclasses differ only in the order (and the granularity) in which they serve: see
 * SixGRoundRobinScheduler, SixGProportionalFairScheduler and SixGMaxRateScheduler.
 */
class SixGScheduler : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ~SixGScheduler() override;

    /**
     * \param candidates the terminals with new data (non-empty backlog, bitsPerRb > 0)
     * \param rbs free resource blocks in this slot
     * \param rbgSize resource blocks per group (the allocation unit)
     * \return resource blocks given to each candidate, in the candidates' order
     */
    virtual std::vector<uint32_t> Allocate(const std::vector<SixGSchedulingCandidate>& candidates,
                                           uint32_t rbs,
                                           uint32_t rbgSize) = 0;

    /**
     * \param candidate a candidate
     * \param rbgSize resource blocks per group
     * \return resource blocks it can use: its backlog's need, capped by its maxRbs
     */
    static uint32_t GetUsableRbs(const SixGSchedulingCandidate& candidate, uint32_t rbgSize);

  protected:
    /**
     * \brief Serve the candidates one after the other in \p order, each with everything it
     * can use (rounded up to whole groups) while resource blocks remain.
     * \param candidates the candidates
     * \param order indices into \p candidates, first served first
     * \param rbs free resource blocks
     * \param rbgSize resource blocks per group
     * \return resource blocks per candidate
     */
    static std::vector<uint32_t> ServeInOrder(
        const std::vector<SixGSchedulingCandidate>& candidates,
        const std::vector<std::size_t>& order,
        uint32_t rbs,
        uint32_t rbgSize);
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_SCHEDULER_H
