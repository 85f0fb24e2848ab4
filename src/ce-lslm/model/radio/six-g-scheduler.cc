/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-scheduler.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGScheduler");

NS_OBJECT_ENSURE_REGISTERED(SixGScheduler);

TypeId
SixGScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SixGScheduler").SetParent<Object>().SetGroupName("CeLslm");
    return tid;
}

SixGScheduler::~SixGScheduler() = default;

uint32_t
SixGScheduler::GetUsableRbs(const SixGSchedulingCandidate& candidate, uint32_t /* rbgSize */)
{
    if (candidate.bitsPerRb <= 0)
    {
        return 0;
    }
    double needed = std::ceil(static_cast<double>(candidate.backlogBits) / candidate.bitsPerRb);
    return static_cast<uint32_t>(std::min<double>(needed, candidate.maxRbs));
}

std::vector<uint32_t>
SixGScheduler::ServeInOrder(const std::vector<SixGSchedulingCandidate>& candidates,
                            const std::vector<std::size_t>& order,
                            uint32_t rbs,
                            uint32_t rbgSize)
{
    std::vector<uint32_t> granted(candidates.size(), 0);
    uint32_t free = rbs;
    for (std::size_t i : order)
    {
        if (free == 0)
        {
            break;
        }
        uint32_t usable = GetUsableRbs(candidates[i], rbgSize);
        // Whole groups, but never more than the terminal can use: the rest of its last group
        // stays empty (padding), as when a real scheduler gives a group to a short backlog.
        uint32_t groups = (usable + rbgSize - 1) / rbgSize;
        uint32_t take = std::min({groups * rbgSize, free});
        granted[i] = std::min(take, usable);
        free -= take;
    }
    return granted;
}

} // namespace ns3
