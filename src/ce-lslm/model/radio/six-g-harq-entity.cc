/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-harq-entity.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <algorithm>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGHarqEntity");

SixGHarqEntity::SixGHarqEntity(uint32_t processes, uint8_t maxTransmissions, uint32_t rttSlots)
    : m_processes(processes)
    , m_maxTransmissions(maxTransmissions)
    , m_rttSlots(rttSlots)
{
    NS_ABORT_MSG_IF(processes == 0 || maxTransmissions == 0 || rttSlots == 0,
                    "SixGHarqEntity: processes, transmissions and RTT must be >= 1");
}

int
SixGHarqEntity::FindFree() const
{
    for (std::size_t i = 0; i < m_processes.size(); ++i)
    {
        if (!m_processes[i].active)
        {
            return static_cast<int>(i);
        }
    }
    return -1;
}

SixGHarqEntity::Process&
SixGHarqEntity::Get(uint32_t id)
{
    return m_processes.at(id);
}

const SixGHarqEntity::Process&
SixGHarqEntity::Get(uint32_t id) const
{
    return m_processes.at(id);
}

uint32_t
SixGHarqEntity::GetCount() const
{
    return static_cast<uint32_t>(m_processes.size());
}

std::vector<uint32_t>
SixGHarqEntity::GetRetransmissions(uint64_t slot) const
{
    std::vector<uint32_t> ready;
    for (uint32_t i = 0; i < m_processes.size(); ++i)
    {
        const Process& process = m_processes[i];
        if (process.active && !process.inFlight && process.readySlot <= slot)
        {
            ready.push_back(i);
        }
    }
    std::stable_sort(ready.begin(),
                     ready.end(),
                     [this](uint32_t a, uint32_t b)
                     {
                         return m_processes[a].readySlot < m_processes[b].readySlot;
                     });
    return ready;
}

uint64_t
SixGHarqEntity::GetEarliestRetransmission() const
{
    uint64_t earliest = std::numeric_limits<uint64_t>::max();
    for (const Process& process : m_processes)
    {
        if (process.active && !process.inFlight)
        {
            earliest = std::min(earliest, process.readySlot);
        }
    }
    return earliest;
}

bool
SixGHarqEntity::IsBusy() const
{
    return std::any_of(m_processes.begin(),
                       m_processes.end(),
                       [](const Process& process)
                       {
                           return process.active;
                       });
}

double
SixGHarqEntity::Combine(uint32_t id, double sinr)
{
    Process& process = Get(id);
    ++process.transmissions;
    process.combinedSinr += sinr;
    return process.combinedSinr;
}

SixGHarqEntity::Outcome
SixGHarqEntity::Conclude(uint32_t id, bool decoded, uint64_t slot)
{
    Process& process = Get(id);
    process.inFlight = false;
    if (decoded || process.transmissions >= m_maxTransmissions)
    {
        process = Process();
        return decoded ? DECODED : LOST;
    }
    process.readySlot = slot + m_rttSlots;
    return RETRANSMIT;
}

uint8_t
SixGHarqEntity::GetMaxTransmissions() const
{
    return m_maxTransmissions;
}

} // namespace ns3
