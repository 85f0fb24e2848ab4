/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The ce-lslm mode end to end with the real models: privacy of the edge-cloud link, one cloud
// prefill per shared context, the edge-edge tier, overlapped vs sequential loading, quality
// from the KV actually received, conservation and determinism, configuration errors.

#include "serving-test-utils.h"

#include "ns3/ce-lslm-edge-server.h"
#include "ns3/ce-lslm-helper.h"
#include "ns3/cloud-app.h"
#include "ns3/config-error.h"
#include "ns3/content-class-tag.h"
#include "ns3/context-kv-server.h"
#include "ns3/edge-app.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <gtest/gtest.h>
#include <map>
#include <set>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// The split at which the cloud serves the edge SLM's deep layers, for the tests about loading
/// them: in the default scenario the planner computes every layer at the edge (faster there).
const char* const kLoadDeepLayers = "ce_lslm.local_layers=2";

const std::string kCouncil = "The city council met on Monday to discuss the new budget. It "
                             "was a long meeting and many people came to speak about roads. ";

/// A workload whose requests all share one context (\p items of them), issued at 0.5 s + 0.3 s i
/// by terminal i when \p timed.
std::string
WriteSharedContextWorkload(const std::string& dir, int items, bool timed)
{
    const char* queries[] = {"The mayor said that",
                             "Members of the council",
                             "A woman asked if",
                             "Later that evening",
                             "The budget office",
                             "Most of the speakers"};
    std::string lines;
    for (int i = 0; i < items; ++i)
    {
        const std::string timing = ", \"arrival_s\": " + std::to_string(0.5 + 0.3 * i)
                                   + ", \"terminal\": " + std::to_string(i);
        lines += WorkloadLine(i,
                              "council",
                              kCouncil,
                              queries[i % 6],
                              " the plan would cut taxes next year.",
                              timed ? timing : "");
    }
    const std::string path = dir + "/shared.jsonl";
    WriteFile(path, lines);
    return path;
}

/// Bytes of each content class the backhaul devices transmitted.
struct ClassCounter
{
    std::map<ContentClassTag::ContentClass, uint64_t> bytes; //!< per class

    /// \param packet a transmitted packet
    void Count(Ptr<const Packet> packet)
    {
        for (const auto& [contentClass, count] : ContentClassTag::Count(packet))
        {
            bytes[contentClass] += count;
        }
    }
};

/// Run \p overrides with a hook on every backhaul device; \return the class counts.
ClassCounter
BackhaulContent(const std::string& workload, const std::vector<std::string>& overrides)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    CeLslmHelper scenario(ScenarioConfig(Scenario(workload, overrides), "test"));
    scenario.Install();
    ClassCounter counter;
    for (uint32_t e = 0; e < scenario.GetTopology().GetEdges().GetN(); ++e)
    {
        NetDeviceContainer devices = scenario.GetTopology().GetBackhaulDevices(e);
        for (uint32_t d = 0; d < devices.GetN(); ++d)
        {
            devices.Get(d)->TraceConnectWithoutContext(
                "PhyTxEnd",
                MakeCallback(&ClassCounter::Count, &counter));
        }
    }
    Simulator::Stop(scenario.GetStopTime());
    Simulator::Run();
    const ScenarioResults results = scenario.Collect();
    Simulator::Destroy();
    for (const auto& r : results.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
    }
    return counter;
}

TEST(CeLslmMode, NoQueryOrOutputByteCrossesTheEdgeCloudLink)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    ClassCounter ceLslm =
        BackhaulContent(workload, {"mode=ce-lslm", kLoadDeepLayers, "output.content_tags=true"});
    EXPECT_EQ(ceLslm.bytes[ContentClassTag::QUERY], 0u);
    EXPECT_EQ(ceLslm.bytes[ContentClassTag::OUTPUT], 0u);
    EXPECT_GT(ceLslm.bytes[ContentClassTag::KV], 10000u);  // the context KV came down
    EXPECT_GT(ceLslm.bytes[ContentClassTag::CONTROL], 0u); // and the fetches went up
    // Allowing the fallback to the cloud changes nothing while the fetches succeed; a query
    // leaves the edge domain only when its request is handed over.
    ClassCounter allowed = BackhaulContent(workload,
                                           {"mode=ce-lslm",
                                            kLoadDeepLayers,
                                            "output.content_tags=true",
                                            "recovery.ce_lslm_fallback=cloud"});
    EXPECT_EQ(allowed.bytes[ContentClassTag::QUERY], 0u);
    EXPECT_EQ(allowed.bytes[ContentClassTag::OUTPUT], 0u);
    ClassCounter handedOver = BackhaulContent(workload,
                                              {"mode=ce-lslm",
                                               kLoadDeepLayers,
                                               "output.content_tags=true",
                                               "recovery.ce_lslm_fallback=cloud",
                                               "recovery.kv_rerequests=0",
                                               "faults.kv_corruption=1",
                                               "faults.schedule=kv-corruption@0+100"});
    EXPECT_GT(handedOver.bytes[ContentClassTag::QUERY], 0u);
    EXPECT_GT(handedOver.bytes[ContentClassTag::OUTPUT], 0u);
    // The same audit sees queries and answers on the backhaul of the centralized baseline.
    ClassCounter cloud = BackhaulContent(workload, {"mode=cloud-only", "output.content_tags=true"});
    EXPECT_GT(cloud.bytes[ContentClassTag::QUERY], 0u);
    EXPECT_GT(cloud.bytes[ContentClassTag::OUTPUT], 0u);
}

TEST(CeLslmMode, AContextSharedByManyUsersIsPrefilledAtTheCloudOnce)
{
    const std::string workload = WriteSharedContextWorkload(FreshTestDir(), 8, false);
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    CeLslmHelper scenario(ScenarioConfig(
        Scenario(workload,
                 {"mode=ce-lslm", kLoadDeepLayers, "topology.terminals=8", "topology.edges=2"}),
        "test"));
    scenario.Install();
    uint32_t lookups = 0;
    Ptr<ContextKvServer> cloud = DynamicCast<ContextKvServer>(
        DynamicCast<CloudApp>(scenario.GetService().GetCloudApp().Get(0))->GetServer());
    ASSERT_TRUE(cloud);
    cloud->TraceConnectWithoutContext("ContextLookup",
                                      MakeBoundCallback(
                                          +[](uint32_t* n, uint32_t, bool)
                                          {
                                              ++*n;
                                          },
                                          &lookups));
    Simulator::Stop(scenario.GetStopTime());
    Simulator::Run();
    const ScenarioResults results = scenario.Collect();
    EXPECT_EQ(cloud->GetPrefills(), 1u);
    EXPECT_EQ(lookups, 2u); // one fetch per edge; later requests use the edge's own store
    uint64_t edgeHits = 0;
    for (uint32_t e = 0; e < 2; ++e)
    {
        Ptr<CeLslmEdgeServer> edge = DynamicCast<CeLslmEdgeServer>(
            DynamicCast<EdgeApp>(scenario.GetService().GetEdgeApps().Get(e))->GetServer());
        edgeHits += edge->GetStore().GetCounters().hits;
    }
    Simulator::Destroy();
    EXPECT_GT(edgeHits, 0u);
    EXPECT_GT(results.requests.size(), 8u);
    for (const auto& r : results.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
    }
}

TEST(CeLslmMode, RunsAreDeterministicAndConserved)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const std::vector<std::string> overrides{"mode=ce-lslm",
                                             kLoadDeepLayers,
                                             "topology.radio.enabled=true"};
    const ScenarioResults a = RunScenario(workload, overrides);
    const ScenarioResults b = RunScenario(workload, overrides);
    EXPECT_EQ(RequestsCsv(a), RequestsCsv(b));
    EXPECT_EQ(a.issuedRequests, a.requests.size());
    for (const auto& r : a.requests)
    {
        ASSERT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
        EXPECT_EQ(r.tokensReceived, r.answerTokens);
        EXPECT_EQ(r.servedBy, "edge");
        ASSERT_TRUE(r.quality);
    }
    for (const auto& link : a.links)
    {
        EXPECT_EQ(link.appBytesSent, link.appBytesReceived);
    }
    EXPECT_EQ(a.protocolErrors, 0u);
    EXPECT_GT(a.cloudComputeS, 0);
    EXPECT_GT(a.edgeComputeS, 0);
}

/// Mean TTFT of the completed requests, in s.
double
MeanTtft(const ScenarioResults& results)
{
    double sum = 0;
    for (const auto& r : results.requests)
    {
        sum += r.GetTtft()->GetSeconds();
    }
    return sum / results.requests.size();
}

TEST(CeLslmMode, OverlappedLoadingBeatsLoadingThenComputing)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    // A slow backhaul and a fixed split: both loading and computing take time.
    const std::vector<std::string> common{"mode=ce-lslm",
                                          "ce_lslm.local_layers=2",
                                          "ce_lslm.codec=fp16",
                                          "topology.backhaul.rate_mbps=20"};
    std::vector<std::string> overlapped = common;
    overlapped.push_back("ce_lslm.schedule=overlapped");
    std::vector<std::string> sequential = common;
    sequential.push_back("ce_lslm.schedule=sequential");
    const ScenarioResults a = RunScenario(workload, overlapped);
    const ScenarioResults b = RunScenario(workload, sequential);
    ASSERT_EQ(a.requests.size(), b.requests.size());
    EXPECT_LT(MeanTtft(a), MeanTtft(b));
    EXPECT_NEAR(a.edgeComputeS, b.edgeComputeS, 1e-9); // the same work, only the waiting differs
}

TEST(CeLslmMode, ThePlannerComputesEveryLayerAtTheEdgeWhenLoadingIsSlower)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    // 0.1 Mbit/s: a layer of context KV takes seconds to load, a local prefill milliseconds.
    const ScenarioResults slow =
        RunScenario(workload, {"mode=ce-lslm", "topology.backhaul.rate_mbps=0.1"});
    ASSERT_FALSE(slow.requests.empty());
    for (const auto& r : slow.requests)
    {
        ASSERT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
        if (r.kvPlan == "planned")
        {
            ASSERT_TRUE(r.localLayers);
            EXPECT_EQ(*r.localLayers, 4u) << "request " << r.id; // every layer of the edge SLM
            EXPECT_EQ(r.kvCodec, "");
        }
    }
    EXPECT_EQ(slow.cloudComputeS, 0); // nothing asked of the cloud
}

TEST(CeLslmMode, QualityComesFromTheKvActuallyReceived)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    auto bpb = [&workload](const std::string& codec)
    {
        const ScenarioResults results =
            RunScenario(workload,
                        {"mode=ce-lslm", "ce_lslm.local_layers=2", "ce_lslm.codec=" + codec});
        double bits = 0;
        double bytes = 0;
        for (const auto& r : results.requests)
        {
            bits += r.quality->bits;
            bytes += r.quality->bytes;
        }
        return bits / bytes;
    };
    const double exact = bpb("fp16");
    const double lossy = bpb("pca4+q2");
    EXPECT_TRUE(std::isfinite(exact));
    EXPECT_NE(exact, lossy); // the edge decodes with what the codec let through
}

TEST(CeLslmMode, AdaptiveCodecChoosesFromTheLadderPerRequest)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    // A slow backhaul and a tight target: the best-quality codecs cannot meet it.
    const ScenarioResults results = RunScenario(workload,
                                                {"mode=ce-lslm",
                                                 "ce_lslm.codec=adaptive",
                                                 "ce_lslm.ttft_target_ms=25",
                                                 "topology.backhaul.rate_mbps=5"});
    std::set<std::string> chosen;
    for (const auto& r : results.requests)
    {
        ASSERT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
        if (r.kvPlan == "planned")
        {
            chosen.insert(r.kvCodec);
        }
    }
    ASSERT_FALSE(chosen.empty());
    for (const std::string& codec : chosen)
    {
        EXPECT_NE(codec, "fp16");
        EXPECT_NE(
            std::string("fp16,q8+rans,pca16+q8+rans,pca16+q4+rans,top50+pca16+q4+rans").find(codec),
            std::string::npos)
            << codec;
    }
}

TEST(CeLslmMode, ANeighbourEdgeServesAContextItHolds)
{
    const std::string workload = WriteSharedContextWorkload(FreshTestDir(), 2, true);
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    CeLslmHelper scenario(ScenarioConfig(Scenario(workload,
                                                  {"mode=ce-lslm",
                                                   "workload.arrival=trace",
                                                   "topology.edges=2",
                                                   "topology.edge_links.enabled=true"}),
                                         "test"));
    scenario.Install();
    std::vector<int32_t> neighbours;
    Ptr<RequestServer> second =
        DynamicCast<EdgeApp>(scenario.GetService().GetEdgeApps().Get(1))->GetServer();
    second->TraceConnectWithoutContext("Plan",
                                       MakeBoundCallback(
                                           +[](std::vector<int32_t>* out,
                                               uint64_t,
                                               uint32_t,
                                               uint32_t,
                                               uint32_t,
                                               int32_t neighbour,
                                               const std::string&,
                                               const std::string&,
                                               Time)
                                           {
                                               out->push_back(neighbour);
                                           },
                                           &neighbours));
    Simulator::Stop(scenario.GetStopTime());
    Simulator::Run();
    const ScenarioResults results = scenario.Collect();
    Simulator::Destroy();
    ASSERT_EQ(neighbours.size(), 1u);
    EXPECT_EQ(neighbours[0], 0); // edge 0 fetched the context first and announced it
    EXPECT_GT(results.links[RequestStatsCollector::EDGE_EDGE].appBytesSent, 10000u);
    for (const auto& r : results.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
    }
}

TEST(CeLslmMode, BadSettingsAreConfigErrorsNamingTheKey)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    auto keyOf = [&workload](const std::string& setting)
    {
        try
        {
            RunScenario(workload, {"mode=ce-lslm", setting});
        }
        catch (const ConfigError& error)
        {
            return error.GetPath();
        }
        return std::string("(no error)");
    };
    EXPECT_EQ(keyOf("ce_lslm.codec=pca16+q9"), "ce_lslm.codec");
    EXPECT_EQ(keyOf("ce_lslm.peer_codec=pca8+q4"), "ce_lslm.peer_codec");
    EXPECT_EQ(keyOf("ce_lslm.local_layers=1"), "ce_lslm.local_layers");
    EXPECT_EQ(keyOf("ce_lslm.alignment=no/such/file.safetensors"), "ce_lslm.alignment");
}

} // namespace
