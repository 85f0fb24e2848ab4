/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "context-kv-store.h"

namespace ns3
{

ContextKvStore::ContextKvStore(double budgetBytes)
    : m_budget(budgetBytes)
{
}

std::vector<uint32_t>
ContextKvStore::SetBudget(double budgetBytes)
{
    m_budget = budgetBytes;
    std::vector<uint32_t> evicted;
    MakeRoom(0, evicted);
    return evicted;
}

bool
ContextKvStore::Lookup(uint32_t context)
{
    auto found = m_entries.find(context);
    if (found == m_entries.end())
    {
        ++m_counters.misses;
        return false;
    }
    ++m_counters.hits;
    m_order.splice(m_order.begin(), m_order, found->second.second);
    return true;
}

bool
ContextKvStore::Contains(uint32_t context) const
{
    return m_entries.count(context) > 0;
}

void
ContextKvStore::MakeRoom(double bytes, std::vector<uint32_t>& evicted)
{
    while (!m_order.empty() && m_used + bytes > m_budget)
    {
        const uint32_t oldest = m_order.back();
        m_used -= m_entries.at(oldest).first;
        m_entries.erase(oldest);
        m_order.pop_back();
        evicted.push_back(oldest);
        ++m_counters.evictions;
    }
}

bool
ContextKvStore::Insert(uint32_t context, double bytes, std::vector<uint32_t>& evicted)
{
    auto found = m_entries.find(context);
    if (found != m_entries.end())
    {
        m_order.splice(m_order.begin(), m_order, found->second.second);
        return true;
    }
    if (bytes > m_budget)
    {
        ++m_counters.refused;
        return false;
    }
    MakeRoom(bytes, evicted);
    m_order.push_front(context);
    m_entries[context] = {bytes, m_order.begin()};
    m_used += bytes;
    ++m_counters.inserts;
    return true;
}

void
ContextKvStore::Erase(uint32_t context)
{
    auto found = m_entries.find(context);
    if (found != m_entries.end())
    {
        m_used -= found->second.first;
        m_order.erase(found->second.second);
        m_entries.erase(found);
    }
}

void
ContextKvStore::Clear()
{
    m_entries.clear();
    m_order.clear();
    m_used = 0;
}

double
ContextKvStore::GetBytesUsed() const
{
    return m_used;
}

double
ContextKvStore::GetBudget() const
{
    return m_budget;
}

std::size_t
ContextKvStore::GetSize() const
{
    return m_entries.size();
}

const ContextKvStore::Counters&
ContextKvStore::GetCounters() const
{
    return m_counters;
}

} // namespace ns3
