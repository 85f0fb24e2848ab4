/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The 6G radio as a whole: throughput of the link abstraction at fixed SINRs against the
// table and Shannon, HARQ, scheduler fairness, buffer limits, and reproducibility.

#include "six-g-test-utils.h"

#include "ns3/six-g-mcs-table.h"

#include <gtest/gtest.h>
#include <sstream>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// Seconds of simulated time the throughput tests measure (after a short warm-up).
constexpr double kWarmup = 0.01;
constexpr double kMeasure = 0.2;

/// Downlink data symbols per second of the "DDDSU" pattern: 3 x 14 + 10 per 5 slots.
double
DownlinkSymbolsPerSecond(const SixGChannel& channel)
{
    return (3 * 14 + 10) / (5 * channel.GetSlotDuration().GetSeconds());
}

} // namespace

TEST(SixGRadioTest, FixedSinrThroughputMatchesTheTableAndStaysBelowShannon)
{
    SixGMcsTable table;
    for (uint8_t cqi = 1; cqi < SixGMcsTable::CQI_COUNT; ++cqi)
    {
        // Above the CQI's threshold (by 1.5 dB, or 90 % of the way to the next one): the CQI
        // is reported, and its MCS fails at most 0.3 % of first transmissions.
        double threshold = table.GetCqi(cqi).thresholdDb;
        double margin = cqi + 1 < SixGMcsTable::CQI_COUNT
                            ? std::min(1.5, 0.9 * (table.GetCqi(cqi + 1).thresholdDb - threshold))
                            : 1.5;
        double sinrDb = threshold + margin;
        ASSERT_EQ(table.SinrToCqi(sinrDb), cqi);
        uint8_t mcs = table.CqiToMcs(cqi);
        bool served = mcs != SixGMcsTable::NO_MCS; // CQI 1 is below every MCS
        ASSERT_TRUE(!served || table.GetBler(mcs, sinrDb) < 0.003);

        RadioTestCell cell;
        cell.UseFixedLoss();
        cell.Build({50});
        cell.SetLoss(0, cell.LossForDownlinkSinr(0, sinrDb));
        cell.FullBuffer(Seconds(kWarmup + kMeasure), true, false);
        Simulator::Stop(Seconds(kWarmup + kMeasure));
        Simulator::Run();

        Ptr<SixGChannel> channel = cell.bs->GetSixGChannel();
        double measured =
            cell.DecodedBytes(0, SixGLink::DOWNLINK, Seconds(kWarmup), Seconds(kWarmup + kMeasure))
            * 8 / kMeasure;
        uint32_t rbs = channel->GetResourceBlocks();
        uint32_t layers = cell.bs->GetLayers();
        double spectralEfficiency = served ? table.GetMcs(mcs).spectralEfficiency : 0.0;
        double expected = rbs * 12.0 * spectralEfficiency * layers
                          * (1 - channel->GetOverhead(SixGLink::DOWNLINK))
                          * DownlinkSymbolsPerSecond(*channel);
        double shannon = rbs * 12.0 * channel->GetSubcarrierSpacing() * layers
                         * std::log2(1 + std::pow(10, sinrDb / 10))
                         * DownlinkSymbolsPerSecond(*channel)
                         / (14 / channel->GetSlotDuration().GetSeconds());
        EXPECT_NEAR(measured, expected, 0.01 * expected) << "CQI " << +cqi << " MCS " << +mcs;
        EXPECT_LE(measured, shannon) << "CQI " << +cqi;
        std::size_t retransmissions = 0;
        for (const auto& block : cell.blocks)
        {
            ASSERT_EQ(block.mcs, mcs);
            retransmissions += block.transmission > 1 ? 1 : 0;
        }
        EXPECT_LE(retransmissions, cell.blocks.size() / 100);
        EXPECT_EQ(cell.blocks.empty(), !served);
        Simulator::Destroy();
    }
}
