/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_WORKLOAD_FEED_H
#define CE_LSLM_WORKLOAD_FEED_H

#include "workload-trace.h"

#include "ns3/object.h"
#include "ns3/request-header.h"

#include <memory>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Hands the items of a workload trace to the terminals of a run.
 *
 * With Poisson or periodic arrivals, every terminal takes the next item in file order when it
 * issues a request (one cursor shared by all terminals, cycling at the end), so consecutive
 * requests share contexts as the file groups them. With trace-timed arrivals, each item is
 * issued at its arrival_s by its terminal (the item's "terminal", else its index modulo the
 * number of terminals).
 */
class WorkloadFeed : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * \param trace the workload
     * \param terminals terminals of the run (>= 1)
     * \param bytesPerToken text bytes per token of the declared models (>= 1)
     */
    WorkloadFeed(std::shared_ptr<const WorkloadTrace> trace,
                 uint32_t terminals,
                 uint32_t bytesPerToken);

    /// \return the workload
    std::shared_ptr<const WorkloadTrace> GetTrace() const;

    /// \return the next item in file order (cycling)
    uint32_t Next();

    /**
     * \param terminal a terminal index
     * \return the items that terminal issues with trace-timed arrivals, by arrival time
     */
    std::vector<uint32_t> TimedItems(uint32_t terminal) const;

    /**
     * \param item an item index
     * \return the request header for it: prompt = `<bos>` context + query and answer in
     * declared-model tokens, its context and item
     */
    RequestHeader MakeHeader(uint32_t item) const;

  private:
    std::shared_ptr<const WorkloadTrace> m_trace; //!< the workload
    uint32_t m_terminals;                         //!< terminals of the run
    uint32_t m_bytesPerToken;                     //!< text bytes per token
    uint32_t m_cursor{0};                         //!< next item for Next
};

} // namespace ns3

#endif // CE_LSLM_WORKLOAD_FEED_H
