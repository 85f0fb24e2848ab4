/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-max-rate-scheduler.h"

#include "ns3/log.h"

#include <algorithm>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGMaxRateScheduler");

NS_OBJECT_ENSURE_REGISTERED(SixGMaxRateScheduler);

TypeId
SixGMaxRateScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SixGMaxRateScheduler")
                            .SetParent<SixGScheduler>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<SixGMaxRateScheduler>();
    return tid;
}

std::vector<uint32_t>
SixGMaxRateScheduler::Allocate(const std::vector<SixGSchedulingCandidate>& candidates,
                               uint32_t rbs,
                               uint32_t rbgSize)
{
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(),
              order.end(),
              [&](std::size_t a, std::size_t b)
              {
                  return candidates[a].bitsPerRb != candidates[b].bitsPerRb
                             ? candidates[a].bitsPerRb > candidates[b].bitsPerRb
                             : candidates[a].rnti < candidates[b].rnti;
              });
    return ServeInOrder(candidates, order, rbs, rbgSize);
}

} // namespace ns3
