/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-proportional-fair-scheduler.h"

#include "ns3/log.h"

#include <algorithm>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGProportionalFairScheduler");

NS_OBJECT_ENSURE_REGISTERED(SixGProportionalFairScheduler);

namespace
{

/// Floor of the average rate, in bit/s, so a terminal never served has a finite metric.
constexpr double kMinAverageBps = 1.0;

} // namespace

TypeId
SixGProportionalFairScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SixGProportionalFairScheduler")
                            .SetParent<SixGScheduler>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<SixGProportionalFairScheduler>();
    return tid;
}

std::vector<uint32_t>
SixGProportionalFairScheduler::Allocate(const std::vector<SixGSchedulingCandidate>& candidates,
                                        uint32_t rbs,
                                        uint32_t rbgSize)
{
    std::vector<double> metric(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
    {
        metric[i] =
            candidates[i].bitsPerRb / std::max(candidates[i].averageRateBps, kMinAverageBps);
    }
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(),
              order.end(),
              [&](std::size_t a, std::size_t b)
              {
                  return metric[a] != metric[b] ? metric[a] > metric[b]
                                                : candidates[a].rnti < candidates[b].rnti;
              });
    return ServeInOrder(candidates, order, rbs, rbgSize);
}

} // namespace ns3
