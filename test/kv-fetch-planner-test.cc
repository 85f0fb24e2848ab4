/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The CE-LSLM planner: compute-or-load split, sources and adaptive codec from link estimates.

#include "ns3/kv-fetch-planner.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace
{

/// A 4-layer executed model priced as llama-3.2-1b on an L4; the cloud serves layers 2 and 3.
KvFetchPlanner::Inputs
Request()
{
    KvFetchPlanner::Inputs in;
    in.model = ModelProfile::Get("llama-3.2-1b");
    in.device = DeviceProfile::Get("l4");
    in.layers = 4;
    in.firstCloudLayer = 2;
    in.contextTokens = 4000;
    in.queryTokens = 20;
    in.answerTokens = 16;
    in.cloud.rate = 125e6; // 1 Gbit/s
    in.cloud.delay = MilliSeconds(10);
    in.codecs = {"fp16"};
    in.cloudLayerBytes = [](const std::string&)
    {
        return 4000 * 8192.0;
    };
    in.neighbourLayerBytes = 4000 * 4096.0;
    return in;
}

} // namespace

TEST(KvFetchPlanner, ComputesEverythingWhenTheLinkIsSlowAndLoadsWhenItIsFast)
{
    KvFetchPlanner::Inputs in = Request();
    in.cloud.rate = 1e5; // 0.8 Mbit/s: loading a layer takes minutes
    KvSourcePlan slow = KvFetchPlanner::Choose(in);
    EXPECT_EQ(slow.localLayers, 4u);
    EXPECT_FALSE(slow.UsesCloud(4));
    EXPECT_EQ(slow.codec, "");

    in.cloud.rate = 1e12;
    in.cloud.delay = Time();
    KvSourcePlan fast = KvFetchPlanner::Choose(in);
    EXPECT_EQ(fast.localLayers, 2u); // as much as the cloud can serve
    EXPECT_EQ(fast.neighbourEnd, 2u);
    EXPECT_EQ(fast.codec, "fp16");
    EXPECT_LT(fast.estimatedTtft, slow.estimatedTtft);
}

TEST(KvFetchPlanner, TheChosenPlanIsTheFastestCandidate)
{
    KvFetchPlanner::Inputs in = Request();
    const KvSourcePlan chosen = KvFetchPlanner::Choose(in);
    for (int32_t s = 2; s <= 4; ++s)
    {
        in.fixedLocalLayers = s;
        EXPECT_LE(chosen.estimatedTtft, KvFetchPlanner::Choose(in).estimatedTtft) << s;
    }
}

TEST(KvFetchPlanner, ANeighbourHoldingTheContextCanServeShallowLayers)
{
    KvFetchPlanner::Inputs in = Request();
    in.cloud.rate = 1e5;
    KvFetchPlanner::Link neighbour;
    neighbour.rate = 1.25e9; // 10 Gbit/s
    neighbour.delay = MicroSeconds(500);
    in.neighbours[3] = neighbour;
    const KvSourcePlan plan = KvFetchPlanner::Choose(in);
    EXPECT_EQ(plan.neighbour, 3);
    EXPECT_LT(plan.localLayers, 2u);  // below the cloud's first layer: only a neighbour has them
    EXPECT_EQ(plan.neighbourEnd, 4u); // the slow cloud serves nothing
    EXPECT_FALSE(plan.UsesCloud(4));
}

TEST(KvFetchPlanner, AdaptiveCodecTakesTheBestQualityThatMeetsTheTarget)
{
    KvFetchPlanner::Inputs in = Request();
    in.fixedLocalLayers = 2;
    in.codecs = {"fp16", "q8", "q4"};
    in.adaptive = true;
    in.cloudLayerBytes = [](const std::string& codec)
    {
        return codec == "fp16" ? 64e6 : codec == "q8" ? 32e6 : 16e6;
    };
    // Each layer takes 0.512 s (fp16), 0.256 s or 0.128 s at 1 Gbit/s, two layers in a row.
    in.target = MilliSeconds(700);
    EXPECT_EQ(KvFetchPlanner::Choose(in).codec, "q8");
    in.target = Seconds(10);
    EXPECT_EQ(KvFetchPlanner::Choose(in).codec, "fp16");
    in.target = MilliSeconds(1); // nobody meets it: the fastest
    EXPECT_EQ(KvFetchPlanner::Choose(in).codec, "q4");
}
