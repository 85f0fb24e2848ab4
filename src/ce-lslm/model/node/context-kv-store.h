/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONTEXT_KV_STORE_H
#define CE_LSLM_CONTEXT_KV_STORE_H

#include <cstdint>
#include <list>
#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The bookkeeping of a node's context KV store: which contexts' KV it holds, how many
 * bytes of (declared-model) memory each takes, least recently used first out when a new one
 * does not fit the budget, and hit/miss/eviction counters.
 *
 * The cloud keeps the KV of the contexts it has prefilled, an edge the context KV it has
 * assembled; both use this class and keep the KV itself next to it. A context larger than the
 * whole budget is never stored.
 */
class ContextKvStore
{
  public:
    /// What happened so far.
    struct Counters
    {
        uint64_t hits{0};      //!< lookups that found the context
        uint64_t misses{0};    //!< lookups that did not
        uint64_t inserts{0};   //!< contexts stored
        uint64_t evictions{0}; //!< contexts evicted to make room
        uint64_t refused{0};   //!< contexts larger than the whole budget
    };

    /// \param budgetBytes memory the store may use, in bytes
    explicit ContextKvStore(double budgetBytes = 0);

    /// \param budgetBytes memory the store may use, in bytes (evicts what no longer fits)
    /// \return the contexts evicted, least recently used first
    std::vector<uint32_t> SetBudget(double budgetBytes);

    /**
     * \brief Look a context up, counting a hit or a miss; a hit makes it the most recently used.
     * \param context the context id
     * \return whether it is held
     */
    bool Lookup(uint32_t context);

    /// \param context a context id \return whether it is held (no counter, no reordering)
    bool Contains(uint32_t context) const;

    /**
     * \brief Store a context as the most recently used, evicting least recently used ones until
     * it fits; a context already held is only refreshed.
     * \param context the context id
     * \param bytes its KV's size, in bytes
     * \param[out] evicted receives the contexts evicted, least recently used first
     * \return whether it is stored (false: larger than the whole budget)
     */
    bool Insert(uint32_t context, double bytes, std::vector<uint32_t>& evicted);

    /// \param context a context id to drop (no counter); unknown ids are ignored
    void Erase(uint32_t context);
    /// Drop every context (a restart loses them); the budget and the counters stay.
    void Clear();

    /// \return bytes in use
    double GetBytesUsed() const;
    /// \return the budget, in bytes
    double GetBudget() const;
    /// \return contexts held
    std::size_t GetSize() const;
    /// \return the counters
    const Counters& GetCounters() const;

  private:
    /// \brief Evict least recently used contexts until \p bytes more fit.
    void MakeRoom(double bytes, std::vector<uint32_t>& evicted);

    double m_budget;             //!< bytes allowed
    double m_used{0};            //!< bytes held
    std::list<uint32_t> m_order; //!< most recent first
    std::map<uint32_t, std::pair<double, std::list<uint32_t>::iterator>> m_entries; //!< size
    Counters m_counters; //!< what happened
};

} // namespace ns3

#endif // CE_LSLM_CONTEXT_KV_STORE_H
