/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-round-robin-scheduler.h"

#include "ns3/log.h"

#include <algorithm>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGRoundRobinScheduler");

NS_OBJECT_ENSURE_REGISTERED(SixGRoundRobinScheduler);

TypeId
SixGRoundRobinScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SixGRoundRobinScheduler")
                            .SetParent<SixGScheduler>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<SixGRoundRobinScheduler>();
    return tid;
}

std::vector<uint32_t>
SixGRoundRobinScheduler::Allocate(const std::vector<SixGSchedulingCandidate>& candidates,
                                  uint32_t rbs,
                                  uint32_t rbgSize)
{
    // Turn order: identifiers from m_nextRnti upwards, then the ones below it.
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    auto turn = [this, &candidates](std::size_t i)
    {
        return candidates[i].rnti - m_nextRnti;
    }; // unsigned wrap puts lower ids last
    std::sort(order.begin(),
              order.end(),
              [&turn](std::size_t a, std::size_t b)
              {
                  return turn(a) < turn(b);
              });

    std::vector<uint32_t> granted(candidates.size(), 0);
    std::vector<uint32_t> usable(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
    {
        usable[i] = GetUsableRbs(candidates[i], rbgSize);
    }
    uint32_t free = rbs;
    bool dealt = true;
    while (free > 0 && dealt)
    {
        dealt = false;
        for (std::size_t i : order)
        {
            if (free == 0)
            {
                break;
            }
            if (granted[i] >= usable[i])
            {
                continue;
            }
            uint32_t take = std::min(rbgSize, free);
            granted[i] = std::min(granted[i] + take, usable[i]);
            free -= take;
            m_nextRnti = candidates[i].rnti + 1;
            dealt = true;
        }
    }
    return granted;
}

} // namespace ns3
