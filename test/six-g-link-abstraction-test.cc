/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The 6G radio's building blocks on their own: CQI/MCS tables, BLER curve, TBS and Shannon
// bound, the transmit buffer (segmentation, limits, in-order delivery), HARQ and the three
// schedulers.

#include "ns3/packet.h"
#include "ns3/six-g-harq-entity.h"
#include "ns3/six-g-max-rate-scheduler.h"
#include "ns3/six-g-mcs-table.h"
#include "ns3/six-g-proportional-fair-scheduler.h"
#include "ns3/six-g-round-robin-scheduler.h"
#include "ns3/six-g-tx-buffer.h"

#include <cmath>
#include <gtest/gtest.h>
#include <numeric>
#include <vector>

using namespace ns3;

TEST(SixGMcsTableTest, TablesReach1024QamWithIncreasingThresholds)
{
    SixGMcsTable table;
    ASSERT_EQ(table.GetMcsCount(), 27);
    EXPECT_EQ(table.GetMcs(0).modulationOrder, 2);
    EXPECT_NEAR(table.GetMcs(0).spectralEfficiency, 0.2344, 1e-4);
    EXPECT_EQ(table.GetMcs(26).modulationOrder, 10);
    EXPECT_NEAR(table.GetMcs(26).spectralEfficiency, 9.2578, 1e-4);
    EXPECT_NEAR(table.GetCqi(15).spectralEfficiency, 9.2578, 1e-4);
    EXPECT_NEAR(table.GetCqi(1).spectralEfficiency, 0.1523, 1e-4);
    for (uint8_t mcs = 1; mcs < table.GetMcsCount(); ++mcs)
    {
        EXPECT_GT(table.GetMcs(mcs).spectralEfficiency, table.GetMcs(mcs - 1).spectralEfficiency);
        EXPECT_GT(table.GetMcs(mcs).thresholdDb, table.GetMcs(mcs - 1).thresholdDb);
    }
    for (uint8_t mcs = 0; mcs < table.GetMcsCount(); ++mcs)
    {
        const auto& entry = table.GetMcs(mcs);
        // threshold = Shannon inverse + 2 dB gap
        EXPECT_NEAR(entry.thresholdDb,
                    10 * std::log10(std::pow(2, entry.spectralEfficiency) - 1) + 2.0,
                    1e-9);
        // Every MCS needs more SINR than Shannon says its efficiency requires.
        EXPECT_LT(entry.spectralEfficiency, std::log2(1 + std::pow(10, entry.thresholdDb / 10)));
    }
}

TEST(SixGMcsTableTest, CqiAndMcsFollowTheSinr)
{
    SixGMcsTable table;
    EXPECT_EQ(table.SinrToCqi(-20), 0);
    EXPECT_EQ(table.SinrToCqi(60), 15);
    for (uint8_t cqi = 1; cqi < SixGMcsTable::CQI_COUNT; ++cqi)
    {
        double threshold = table.GetCqi(cqi).thresholdDb;
        EXPECT_EQ(table.SinrToCqi(threshold), cqi);
        EXPECT_EQ(table.SinrToCqi(threshold - 1e-6), cqi - 1);
    }
    // Every MCS is reachable, MCS 0 included (it lies between CQI 1 and CQI 2), and each is
    // chosen from its own threshold up to the next one's.
    EXPECT_NEAR(table.GetMinimumSinrDb(), table.GetMcs(0).thresholdDb, 1e-12);
    EXPECT_EQ(table.SinrToMcs(table.GetMinimumSinrDb() - 1e-6), SixGMcsTable::NO_MCS);
    EXPECT_GT(table.GetMcs(0).thresholdDb, table.GetCqi(1).thresholdDb);
    EXPECT_LT(table.GetMcs(0).thresholdDb, table.GetCqi(2).thresholdDb);
    for (uint8_t mcs = 0; mcs < table.GetMcsCount(); ++mcs)
    {
        const double threshold = table.GetMcs(mcs).thresholdDb;
        EXPECT_EQ(table.SinrToMcs(threshold), mcs);
        if (mcs > 0)
        {
            EXPECT_EQ(table.SinrToMcs(threshold - 1e-6), mcs - 1);
        }
        EXPECT_LE(table.GetBler(mcs, threshold), 0.1 + 1e-9);
    }
    EXPECT_EQ(table.SinrToMcs(60), table.GetMcsCount() - 1); // 1024-QAM 948/1024
    // The uplink stops at 256-QAM: its best MCS is 256-QAM 948/1024, whatever the SINR.
    const uint8_t uplinkBest = table.SinrToMcs(60, SixGMcsTable::UPLINK_MAX_MODULATION_ORDER);
    EXPECT_EQ(table.GetMcs(uplinkBest).modulationOrder, 8);
    EXPECT_NEAR(table.GetMcs(uplinkBest).codeRate, 948.0 / 1024, 1e-12);
    EXPECT_EQ(
        table.SinrToMcs(table.GetMcs(5).thresholdDb, SixGMcsTable::UPLINK_MAX_MODULATION_ORDER),
        5);
}

TEST(SixGMcsTableTest, BlerIsTenPercentAtTheThresholdAndFallsWithSinr)
{
    SixGMcsTable table;
    for (uint8_t mcs = 0; mcs < table.GetMcsCount(); ++mcs)
    {
        double threshold = table.GetMcs(mcs).thresholdDb;
        EXPECT_NEAR(table.GetBler(mcs, threshold), 0.1, 1e-12);
        EXPECT_GT(table.GetBler(mcs, threshold - 3), 0.99);
        EXPECT_LT(table.GetBler(mcs, threshold + 3), 1e-3);
        double previous = 1.0;
        for (double sinr = threshold - 10; sinr < threshold + 10; sinr += 0.25)
        {
            double bler = table.GetBler(mcs, sinr);
            EXPECT_LE(bler, previous);
            previous = bler;
        }
    }
    EXPECT_LT(table.GetBler(0, 1e6), 1e-100); // no overflow far above
    SixGMcsTable steep(2.0, 10.0);
    EXPECT_LT(steep.GetBler(5, steep.GetMcs(5).thresholdDb + 1),
              table.GetBler(5, table.GetMcs(5).thresholdDb + 1));
}

TEST(SixGMcsTableTest, TransportBlockAndShannonBits)
{
    // 273 RBs x 12 x 14 symbols x 2 layers x 7.4063 bit x (1 - 0.14)
    EXPECT_EQ(SixGMcsTable::GetTbsBits(273, 14, 2, 7.4063, 0.14),
              static_cast<uint64_t>(std::floor(273 * 12 * 14 * 2 * 7.4063 * 0.86)));
    EXPECT_EQ(SixGMcsTable::GetTbsBits(0, 14, 1, 5, 0.1), 0u);
    // Shannon: bandwidth x time x log2(1 + SINR) = 12 x 15 kHz x 2^mu x 1 ms / 2^mu per RB-slot.
    EXPECT_EQ(SixGMcsTable::GetShannonBits(10, 14, 1, 1.0), 10u * 180u);
    EXPECT_EQ(SixGMcsTable::GetShannonBits(10, 14, 2, 3.0), 10u * 180u * 2u * 2u);
    EXPECT_EQ(SixGMcsTable::GetShannonBits(10, 7, 1, 1.0), 10u * 90u);
}

namespace
{

/// A buffer whose deliveries and losses are recorded by packet size.
struct RecordingBuffer
{
    SixGTxBuffer buffer;
    std::vector<uint32_t> delivered;
    std::vector<uint32_t> lost;
    std::vector<uint32_t> sent;

    explicit RecordingBuffer(QueueSize limit, uint8_t arq = 0)
        : buffer(limit, arq)
    {
        buffer.SetCallbacks(SixGTxBuffer::DeliverCallback(
                                [this](Ptr<Packet> p, uint16_t)
                                {
                                    delivered.push_back(p->GetSize());
                                }),
                            SixGTxBuffer::LossCallback(
                                [this](Ptr<const Packet> p)
                                {
                                    lost.push_back(p->GetSize());
                                }),
                            SixGTxBuffer::SentCallback(
                                [this](Ptr<const Packet> p)
                                {
                                    sent.push_back(p->GetSize());
                                }));
    }
};

} // namespace

TEST(SixGTxBufferTest, LimitsInPacketsAndBytes)
{
    RecordingBuffer packets(QueueSize("3p"));
    for (int i = 0; i < 3; ++i)
    {
        EXPECT_TRUE(packets.buffer.Enqueue(Create<Packet>(100), 0x800));
    }
    EXPECT_FALSE(packets.buffer.Enqueue(Create<Packet>(100), 0x800));
    EXPECT_EQ(packets.buffer.GetBacklogPackets(), 3u);
    // Packets fully handed to blocks no longer count.
    packets.buffer.Dequeue(100);
    EXPECT_TRUE(packets.buffer.Enqueue(Create<Packet>(100), 0x800));

    RecordingBuffer bytes(QueueSize("1000B"));
    EXPECT_TRUE(bytes.buffer.Enqueue(Create<Packet>(600), 0x800));
    EXPECT_FALSE(bytes.buffer.Enqueue(Create<Packet>(401), 0x800));
    EXPECT_TRUE(bytes.buffer.Enqueue(Create<Packet>(400), 0x800));
    EXPECT_EQ(bytes.buffer.GetBacklogBytes(), 1000u);
}

TEST(SixGTxBufferTest, SegmentsAcrossBlocksAndDeliversInOrder)
{
    RecordingBuffer rec(QueueSize("100p"));
    rec.buffer.Enqueue(Create<Packet>(1000), 0x800); // sequence 0
    rec.buffer.Enqueue(Create<Packet>(500), 0x800);  // sequence 1
    rec.buffer.Enqueue(Create<Packet>(300), 0x800);  // sequence 2
    auto tb1 = rec.buffer.Dequeue(700);              // 700 of #0
    auto tb2 = rec.buffer.Dequeue(700);              // 300 of #0, 400 of #1
    auto tb3 = rec.buffer.Dequeue(1000);             // 100 of #1, 300 of #2
    ASSERT_EQ(tb1.size(), 1u);
    ASSERT_EQ(tb2.size(), 2u);
    ASSERT_EQ(tb3.size(), 2u);
    EXPECT_EQ(tb2[0].bytes, 300u);
    EXPECT_EQ(tb2[1].bytes, 400u);
    EXPECT_EQ(tb3[1].bytes, 300u);
    EXPECT_EQ(rec.sent, (std::vector<uint32_t>{1000, 500, 300}));
    EXPECT_EQ(rec.buffer.GetBacklogBytes(), 0u);
    EXPECT_TRUE(rec.buffer.Dequeue(100).empty());

    // Block 3 decoded first: #2 is complete but waits behind #0 and #1.
    rec.buffer.Resolve(tb3, true);
    EXPECT_TRUE(rec.delivered.empty());
    rec.buffer.Resolve(tb1, true);
    EXPECT_TRUE(rec.delivered.empty()); // #0 still needs block 2
    rec.buffer.Resolve(tb2, true);
    EXPECT_EQ(rec.delivered, (std::vector<uint32_t>{1000, 500, 300}));
    EXPECT_EQ(rec.buffer.GetInFlightPackets(), 0u);
}

TEST(SixGTxBufferTest, LostBlockLosesEveryPacketItCarried)
{
    RecordingBuffer rec(QueueSize("100p"));
    for (uint32_t size : {400u, 400u, 400u})
    {
        rec.buffer.Enqueue(Create<Packet>(size), 0x800);
    }
    auto tb1 = rec.buffer.Dequeue(500); // #0, 100 of #1
    auto tb2 = rec.buffer.Dequeue(700); // 300 of #1, #2
    rec.buffer.Resolve(tb1, false);
    EXPECT_EQ(rec.lost, (std::vector<uint32_t>{400}));
    rec.buffer.Resolve(tb2, true);
    EXPECT_EQ(rec.lost, (std::vector<uint32_t>{400, 400}));
    EXPECT_EQ(rec.delivered, (std::vector<uint32_t>{400}));
}

TEST(SixGTxBufferTest, LostBlockIsSentAgainUntilArqGivesUp)
{
    RecordingBuffer rec(QueueSize("100p"), 2);
    rec.buffer.Enqueue(Create<Packet>(1000), 0x800);
    rec.buffer.Enqueue(Create<Packet>(200), 0x800);
    auto tb1 = rec.buffer.Dequeue(1000); // all of #0
    auto tb2 = rec.buffer.Dequeue(1000); // #1
    rec.buffer.Resolve(tb1, false);      // #0 goes back to the head of the queue
    EXPECT_EQ(rec.buffer.GetBacklogBytes(), 1000u);
    rec.buffer.Resolve(tb2, true); // #1 waits behind #0
    EXPECT_TRUE(rec.delivered.empty());
    auto retry1 = rec.buffer.Dequeue(600); // split: 600 + 400 of #0, second attempt
    auto retry2 = rec.buffer.Dequeue(600);
    ASSERT_EQ(retry1.size(), 1u);
    ASSERT_EQ(retry2.size(), 1u);
    EXPECT_EQ(retry1[0].attempt, 1);
    EXPECT_EQ(retry2[0].bytes, 400u);
    rec.buffer.Resolve(retry1, true);
    rec.buffer.Resolve(retry2, false); // third attempt for the last 400 bytes
    auto retry3 = rec.buffer.Dequeue(1000);
    ASSERT_EQ(retry3.size(), 1u);
    EXPECT_EQ(retry3[0].attempt, 2);
    rec.buffer.Resolve(retry3, false); // out of retransmissions: #0 is lost, #1 goes up
    EXPECT_EQ(rec.lost, (std::vector<uint32_t>{1000}));
    EXPECT_EQ(rec.delivered, (std::vector<uint32_t>{200}));
    EXPECT_EQ(rec.buffer.GetBacklogBytes(), 0u);
    EXPECT_EQ(rec.buffer.GetInFlightPackets(), 0u);
}

TEST(SixGHarqEntityTest, ChaseCombiningAndRetransmissionTiming)
{
    SixGHarqEntity harq(2, 4, 3);
    EXPECT_EQ(harq.FindFree(), 0);
    harq.Get(0).active = true; // both blocks sent in this slot
    harq.Get(0).inFlight = true;
    EXPECT_EQ(harq.FindFree(), 1);
    harq.Get(1).active = true;
    harq.Get(1).inFlight = true;
    EXPECT_EQ(harq.FindFree(), -1);

    EXPECT_DOUBLE_EQ(harq.Combine(0, 0.5), 0.5);
    EXPECT_EQ(harq.Conclude(0, false, 10), SixGHarqEntity::RETRANSMIT);
    EXPECT_TRUE(harq.GetRetransmissions(12).empty());
    EXPECT_EQ(harq.GetRetransmissions(13), std::vector<uint32_t>{0});
    EXPECT_EQ(harq.GetEarliestRetransmission(), 13u);
    harq.Get(0).inFlight = true;
    EXPECT_DOUBLE_EQ(harq.Combine(0, 0.7), 1.2);
    EXPECT_EQ(harq.Conclude(0, false, 13), SixGHarqEntity::RETRANSMIT);
    harq.Get(0).inFlight = true;
    harq.Combine(0, 0.1);
    EXPECT_EQ(harq.Conclude(0, false, 16), SixGHarqEntity::RETRANSMIT);
    harq.Get(0).inFlight = true;
    harq.Combine(0, 0.1);
    EXPECT_EQ(harq.Conclude(0, false, 19), SixGHarqEntity::LOST); // fourth failure
    EXPECT_FALSE(harq.Get(0).active);
    EXPECT_EQ(harq.FindFree(), 0);

    harq.Combine(1, 2.0);
    EXPECT_EQ(harq.Conclude(1, true, 20), SixGHarqEntity::DECODED);
    EXPECT_FALSE(harq.IsBusy());
}

namespace
{

/// \p n full-buffer candidates with equal channels.
std::vector<SixGSchedulingCandidate>
EqualCandidates(uint32_t n)
{
    std::vector<SixGSchedulingCandidate> candidates(n);
    for (uint32_t i = 0; i < n; ++i)
    {
        candidates[i].rnti = i;
        candidates[i].backlogBits = 100000000;
        candidates[i].bitsPerRb = 1000;
    }
    return candidates;
}

uint32_t
Sum(const std::vector<uint32_t>& v)
{
    return std::accumulate(v.begin(), v.end(), 0u);
}

} // namespace

TEST(SixGSchedulerTest, RoundRobinDealsGroupsInTurn)
{
    Ptr<SixGRoundRobinScheduler> rr = CreateObject<SixGRoundRobinScheduler>();
    std::vector<uint32_t> granted = rr->Allocate(EqualCandidates(4), 100, 4);
    EXPECT_EQ(Sum(granted), 100u);
    for (uint32_t rbs : granted)
    {
        EXPECT_GE(rbs, 24u);
        EXPECT_LE(rbs, 28u);
    }
    // More terminals than groups: 3 groups per slot, turns rotate.
    std::vector<uint32_t> served(10, 0);
    for (int slot = 0; slot < 10; ++slot)
    {
        std::vector<uint32_t> g = rr->Allocate(EqualCandidates(10), 12, 4);
        for (uint32_t i = 0; i < 10; ++i)
        {
            served[i] += g[i];
        }
    }
    for (uint32_t total : served)
    {
        EXPECT_EQ(total, 12u);
    }
    // A small backlog takes only what it needs (the rest of its last group stays empty); the
    // other terminal gets the remaining groups.
    auto candidates = EqualCandidates(2);
    candidates[0].backlogBits = 3000; // 3 RBs, in 2 groups of 2
    granted = rr->Allocate(candidates, 50, 2);
    EXPECT_EQ(granted[0], 3u);
    EXPECT_EQ(granted[1], 46u);
}

TEST(SixGSchedulerTest, ProportionalFairPrefersRateOverAverage)
{
    Ptr<SixGProportionalFairScheduler> pf = CreateObject<SixGProportionalFairScheduler>();
    auto candidates = EqualCandidates(3);
    candidates[0].averageRateBps = 10e6;
    candidates[1].averageRateBps = 1e6; // served least: first
    candidates[2].averageRateBps = 5e6;
    candidates[1].backlogBits = 20000; // needs 20 RBs
    std::vector<uint32_t> granted = pf->Allocate(candidates, 50, 4);
    EXPECT_EQ(granted[1], 20u);
    EXPECT_EQ(granted[2], 30u); // next best metric takes the rest (whole groups: 28 + 2)
    EXPECT_EQ(granted[0], 0u);
    // A doubled rate outweighs a doubled average.
    candidates = EqualCandidates(2);
    candidates[0].bitsPerRb = 3000;
    candidates[0].averageRateBps = 2e6;
    candidates[1].averageRateBps = 1e6;
    granted = pf->Allocate(candidates, 10, 2);
    EXPECT_EQ(granted[0], 10u);
}

TEST(SixGSchedulerTest, MaxRateServesTheBestChannelAndRespectsLimits)
{
    Ptr<SixGMaxRateScheduler> maxRate = CreateObject<SixGMaxRateScheduler>();
    auto candidates = EqualCandidates(3);
    candidates[2].bitsPerRb = 5000;
    candidates[2].maxRbs = 30; // uplink power limit
    std::vector<uint32_t> granted = maxRate->Allocate(candidates, 100, 1);
    EXPECT_EQ(granted[2], 30u);
    EXPECT_EQ(granted[0], 70u); // tie between 0 and 1: the lower identifier
    EXPECT_EQ(granted[1], 0u);
}
