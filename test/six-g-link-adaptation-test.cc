/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Link adaptation of the 6G radio (SixGLinkAdaptation, issue 21): the outer loop holds the
// first-transmission BLER at its target and never starves a link, the uplink stops at 256-QAM,
// the layers share the power and the rank follows the SINR, and blockage keeps every other
// random stream in place.

#include "six-g-test-utils.h"
#include "test-utils.h"

#include "ns3/six-g-mcs-table.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <map>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// First transmissions of \p cell's blocks in \p direction, and how many failed.
std::pair<std::size_t, std::size_t>
FirstTransmissions(const RadioTestCell& cell, SixGLink::Direction direction)
{
    std::size_t first = 0;
    std::size_t failed = 0;
    for (const auto& block : cell.blocks)
    {
        if (block.direction == direction && block.transmission == 1)
        {
            ++first;
            failed += block.decoded ? 0 : 1;
        }
    }
    return {first, failed};
}

} // namespace

TEST(SixGLinkAdaptationTest, TheOuterLoopHoldsTheFirstTransmissionBlerAtTheTarget)
{
    SixGMcsTable table;
    // A static channel half-way between two MCS thresholds: the table's MCS alone fails far
    // less often than the target, so the loop must dare the next MCS part of the time.
    const double sinrDb = (table.GetMcs(10).thresholdDb + table.GetMcs(11).thresholdDb) / 2;
    for (double target : {0.1, 0.05})
    {
        RadioTestCell cell;
        cell.UseFixedLoss();
        cell.helper.SetMacAttribute("BlerTarget", DoubleValue(target));
        cell.Build({50});
        cell.SetLoss(0, cell.LossForDownlinkSinr(0, sinrDb));
        cell.helper.AssignStreams(NetDeviceContainer(cell.bs), 1);
        cell.FullBuffer(Seconds(2), true, false);
        Simulator::Stop(Seconds(2));
        Simulator::Run();
        const auto [first, failed] = FirstTransmissions(cell, SixGLink::DOWNLINK);
        ASSERT_GT(first, 2000u);
        EXPECT_NEAR(static_cast<double>(failed) / first, target, 0.25 * target) << target;
        Simulator::Destroy();
    }
}

TEST(SixGLinkAdaptationTest, ALinkNearTheLowestMcsIsNeverStarvedByItsBackOff)
{
    // 0.2 dB above MCS 1's threshold: some first transmissions fail, and each failure backs
    // the loop off. Unbounded, the back-off once took the link below every MCS, and with no
    // transmission left to bring it down, the link was never served again.
    SixGMcsTable table;
    RadioTestCell cell;
    cell.UseFixedLoss();
    cell.Build({50});
    cell.SetLoss(0, cell.LossForDownlinkSinr(0, table.GetMcs(1).thresholdDb + 0.2));
    cell.helper.AssignStreams(NetDeviceContainer(cell.bs), 1);
    cell.FullBuffer(Seconds(1), true, false);
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    const auto [first, failed] = FirstTransmissions(cell, SixGLink::DOWNLINK);
    ASSERT_GT(failed, 0u);
    const double early =
        cell.DecodedBytes(0, SixGLink::DOWNLINK, Seconds(0.01), Seconds(0.5)) / 0.49;
    const double late = cell.DecodedBytes(0, SixGLink::DOWNLINK, Seconds(0.5), Seconds(1)) / 0.5;
    EXPECT_GT(early, 0);
    EXPECT_GT(late, 0.8 * early); // still served, at about the same rate
    Simulator::Destroy();
}

TEST(SixGLinkAdaptationTest, TheUplinkStopsAt256Qam)
{
    RadioTestCell cell;
    cell.UseFixedLoss();
    cell.Build({50});
    cell.SetLoss(0, 40); // a SINR far above every MCS, in both directions
    cell.FullBuffer(Seconds(0.1), true, true);
    Simulator::Stop(Seconds(0.1));
    Simulator::Run();
    SixGMcsTable table;
    std::map<SixGLink::Direction, uint8_t> highest;
    for (const auto& block : cell.blocks)
    {
        highest[block.direction] =
            std::max(highest[block.direction], table.GetMcs(block.mcs).modulationOrder);
    }
    EXPECT_EQ(highest[SixGLink::DOWNLINK], 10); // 1024-QAM
    EXPECT_EQ(highest[SixGLink::UPLINK], 8);    // 256-QAM, as TS 38.214 allows
    Simulator::Destroy();
}

TEST(SixGLinkAdaptationTest, BlockageKeepsEveryOtherRandomStreamInPlace)
{
    // Rate 0 and rate > 0 use the same streams, so the fading (drawn after the blockage
    // process's streams) is the same draw in both runs: a paired comparison. The link is never
    // in line of sight, so blockage itself changes nothing here.
    auto fading = [](double blockageRate, int64_t& streams)
    {
        RadioTestCell cell;
        cell.helper.SetChannelConditionModel("ns3::NeverLosChannelConditionModel");
        cell.helper.SetFadingModelAttribute("Speed", DoubleValue(3.0));
        cell.helper.SetBlockage(blockageRate, MilliSeconds(100));
        cell.Build({50});
        streams = cell.helper.AssignStreams(NetDeviceContainer(cell.bs), 7);
        std::vector<double> gains;
        Ptr<SixGChannel> channel = cell.bs->GetSixGChannel();
        for (int i = 0; i < 5; ++i)
        {
            Simulator::Schedule(
                MilliSeconds(10 * i),
                [&gains, channel, &cell]()
                {
                    gains.push_back(
                        channel->GetFadingGain(PeekPointer(cell.bs), PeekPointer(cell.ues[0])));
                });
        }
        Simulator::Run();
        Simulator::Destroy();
        return gains;
    };
    int64_t without = 0;
    int64_t with = 0;
    const std::vector<double> clear = fading(0, without);
    const std::vector<double> blocked = fading(5, with);
    EXPECT_EQ(without, with);
    ASSERT_EQ(clear.size(), 5u);
    EXPECT_EQ(clear, blocked);
}

TEST(SixGLinkAdaptationTest, LayersShareThePowerAndTheRankFollowsTheSinr)
{
    SixGMcsTable table;
    for (double sinrDb : {5.0, 30.0})
    {
        RadioTestCell cell;
        cell.UseFixedLoss();
        cell.helper.SetMacAttribute("OllaStep", DoubleValue(0));
        cell.helper.SetBsDeviceAttribute("Layers", UintegerValue(2));
        cell.Build({50});
        ASSERT_EQ(cell.bs->GetLayers(), 2u);
        cell.SetLoss(0, cell.LossForDownlinkSinr(0, sinrDb));
        cell.FullBuffer(Seconds(kWarmup + kMeasure), true, false);
        Simulator::Stop(Seconds(kWarmup + kMeasure));
        Simulator::Run();
        ASSERT_FALSE(cell.blocks.empty());
        // One layer below MultiLayerSinr (10 dB); two above it, each at half the power.
        const uint32_t layers = sinrDb < 10 ? 1 : 2;
        const double perLayerDb = sinrDb - 10 * std::log10(layers);
        for (const auto& block : cell.blocks)
        {
            ASSERT_EQ(block.layers, layers) << sinrDb;
            ASSERT_NEAR(block.sinrDb, perLayerDb, 1e-6) << sinrDb;
            ASSERT_EQ(block.mcs, table.SinrToMcs(perLayerDb)) << sinrDb;
        }
        // Never more than the layers' Shannon capacity at their share of the power.
        Ptr<SixGChannel> channel = cell.bs->GetSixGChannel();
        const double measured =
            cell.DecodedBytes(0, SixGLink::DOWNLINK, Seconds(kWarmup), Seconds(kWarmup + kMeasure))
            * 8 / kMeasure;
        const double shannon = channel->GetResourceBlocks() * 12.0 * channel->GetSubcarrierSpacing()
                               * layers * std::log2(1 + std::pow(10, perLayerDb / 10))
                               * DownlinkSymbolsPerSecond(*channel)
                               / (14 / channel->GetSlotDuration().GetSeconds());
        EXPECT_GT(measured, 0);
        EXPECT_LE(measured, shannon) << sinrDb;
        Simulator::Destroy();
    }
}
