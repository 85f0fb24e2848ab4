/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The context KV store's bookkeeping: budget, least-recently-used eviction, counters.

#include "ns3/context-kv-store.h"

#include <gtest/gtest.h>

using namespace ns3;

TEST(ContextKvStore, HitsMissesAndLeastRecentlyUsedEviction)
{
    ContextKvStore store(100);
    std::vector<uint32_t> evicted;
    EXPECT_FALSE(store.Lookup(1));
    EXPECT_TRUE(store.Insert(1, 40, evicted));
    EXPECT_TRUE(store.Insert(2, 40, evicted));
    EXPECT_TRUE(evicted.empty());
    EXPECT_TRUE(store.Lookup(1)); // 1 is now the most recently used
    EXPECT_TRUE(store.Insert(3, 40, evicted));
    EXPECT_EQ(evicted, std::vector<uint32_t>{2});
    EXPECT_TRUE(store.Contains(1));
    EXPECT_FALSE(store.Contains(2));
    EXPECT_DOUBLE_EQ(store.GetBytesUsed(), 80);
    EXPECT_EQ(store.GetCounters().hits, 1u);
    EXPECT_EQ(store.GetCounters().misses, 1u);
    EXPECT_EQ(store.GetCounters().inserts, 3u);
    EXPECT_EQ(store.GetCounters().evictions, 1u);
}

TEST(ContextKvStore, ReinsertRefreshesAndOversizedIsRefused)
{
    ContextKvStore store(100);
    std::vector<uint32_t> evicted;
    store.Insert(1, 50, evicted);
    store.Insert(2, 50, evicted);
    EXPECT_TRUE(store.Insert(1, 50, evicted)); // refresh: 2 becomes the oldest
    EXPECT_EQ(store.GetCounters().inserts, 2u);
    EXPECT_FALSE(store.Insert(9, 101, evicted));
    EXPECT_EQ(store.GetCounters().refused, 1u);
    EXPECT_TRUE(evicted.empty()); // a refused context evicts nobody
    store.Insert(3, 60, evicted);
    EXPECT_EQ(evicted, (std::vector<uint32_t>{2, 1})); // oldest first, until it fits
    EXPECT_EQ(store.GetSize(), 1u);
}

TEST(ContextKvStore, ShrinkingTheBudgetEvictsAndEraseFreesBytes)
{
    ContextKvStore store(100);
    std::vector<uint32_t> evicted;
    store.Insert(1, 30, evicted);
    store.Insert(2, 30, evicted);
    store.Insert(3, 30, evicted);
    EXPECT_EQ(store.SetBudget(50), (std::vector<uint32_t>{1, 2}));
    store.Erase(3);
    store.Erase(42); // unknown: ignored
    EXPECT_EQ(store.GetSize(), 0u);
    EXPECT_DOUBLE_EQ(store.GetBytesUsed(), 0);
}
