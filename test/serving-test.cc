/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The serving core with real models: cloud-only and edge-only modes, the latency of a request
// taken apart by hand, quality, cancellation, trace-timed arrivals, determinism.

#include "serving-test-utils.h"

#include "ns3/ce-lslm-helper.h"
#include "ns3/cloud-app.h"
#include "ns3/device-profile.h"
#include "ns3/executed-model.h"
#include "ns3/model-profile.h"
#include "ns3/model-server.h"
#include "ns3/results-writer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario-summary.h"
#include "ns3/simulator.h"

#include <cmath>
#include <gtest/gtest.h>
#include <sstream>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

TEST(Serving, LatencyOfOneRequestIsTheSumOfItsParts)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    // Links so fast that serialization is negligible (< 10 ns per message), and HMAC hashing
    // so fast that only its 1 us per message is left: what remains is propagation, compute
    // and the authentication of the backhaul messages.
    const ScenarioResults results = RunScenario(workload,
                                                {"topology.terminals=1",
                                                 "workload.max_requests_per_terminal=1",
                                                 "workload.arrival=periodic",
                                                 "topology.access.rate_mbps=1000000",
                                                 "topology.backhaul.rate_mbps=1000000",
                                                 "topology.access.delay_ms=3",
                                                 "topology.backhaul.delay_ms=7",
                                                 "security.hmac_bytes_per_s=1e12",
                                                 "mode=cloud-only"});
    ASSERT_EQ(results.requests.size(), 1u);
    const RequestRecord& r = results.requests[0];
    ASSERT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
    ASSERT_GT(r.issued, Seconds(0.1)) << "the TCP handshakes must be over";

    // By hand: the roofline of the declared profile on the cloud's device.
    const DeviceProfile device = DeviceProfile::Get(ScenarioConfig().GetString("cloud.device"));
    const ModelProfile model =
        ModelProfile::Get(ScenarioConfig().GetString("models.cloud.profile"));
    auto seconds = [&](int64_t newTokens, int64_t cached)
    {
        const auto cost = model.BatchCost({{newTokens, cached, 1}});
        return device.Seconds(cost.flops, cost.BytesRead() + cost.BytesWritten());
    };
    const double oneWay = 0.003 + 0.007;
    // The request is tagged by the edge and checked by the cloud, the first (and the last)
    // token tagged by the cloud and checked by the edge: 1 us each.
    const double authentication = 4e-6;
    const double prefill = seconds(r.promptTokens, 0);
    double decode = 0;
    for (uint32_t step = 0; step + 1 < r.answerTokens; ++step)
    {
        decode += seconds(1, r.promptTokens + step);
    }
    EXPECT_NEAR(r.GetTtft()->GetSeconds(), oneWay + prefill + oneWay + authentication, 1e-7);
    EXPECT_NEAR(r.GetE2e()->GetSeconds(),
                oneWay + prefill + decode + oneWay + authentication,
                1e-7);
    EXPECT_NEAR(r.GetTpot()->GetSeconds(), decode / (r.answerTokens - 1), 1e-6);
    EXPECT_EQ(r.queueing, Time(0));
    EXPECT_NEAR(r.compute->GetSeconds(), prefill + decode, 1e-9);
    EXPECT_NEAR(results.cloudComputeS, prefill + decode, 1e-9);
    EXPECT_EQ(results.edgeComputeS, 0);
    EXPECT_EQ(r.servedBy, "cloud");
    EXPECT_EQ(r.executedModel, "cloud-llm");
    EXPECT_EQ(r.declaredProfile, model.name);
}

TEST(Serving, QualityIsScoredByTheModelThatAnswers)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const ScenarioResults cloud = RunScenario(workload, {"mode=cloud-only"});
    const ScenarioResults edge = RunScenario(workload, {"mode=edge-only"});
    ASSERT_GT(cloud.requests.size(), 3u);
    ASSERT_EQ(cloud.requests.size(), edge.requests.size()); // same arrivals, same items
    auto trace = WorkloadTrace::Load(workload);
    auto llm = ExecutedModel::Load(SourcePath("models/cloud-llm"));
    double cloudBits = 0;
    double edgeBits = 0;
    uint32_t agreeing = 0;
    uint32_t positions = 0;
    for (std::size_t i = 0; i < cloud.requests.size(); ++i)
    {
        const RequestRecord& c = cloud.requests[i];
        const RequestRecord& e = edge.requests[i];
        ASSERT_TRUE(c.quality && e.quality && c.item);
        ASSERT_EQ(c.item, e.item);
        const WorkloadItem& item = trace->GetItem(*c.item);
        const ExecutedAnswer expected =
            llm->Answer(trace->GetContext(item.context).text, item.query, 0, item.continuation);
        EXPECT_DOUBLE_EQ(c.quality->bits, expected.score.nllNats / std::log(2.0));
        EXPECT_EQ(c.quality->bytes, item.continuation.size());
        EXPECT_EQ(c.quality->agreeing, c.quality->positions); // the LLM agrees with itself
        cloudBits += c.quality->bits;
        edgeBits += e.quality->bits;
        agreeing += e.quality->agreeing;
        positions += e.quality->positions;
        EXPECT_EQ(e.servedBy, "edge");
        EXPECT_EQ(e.executedModel, "edge-slm");
    }
    EXPECT_LT(cloudBits, edgeBits); // the LLM predicts the true continuations better
    EXPECT_LT(agreeing, positions);
    EXPECT_GT(agreeing, positions / 3);
}

TEST(Serving, EdgeOnlyLeavesTheBackhaulAloneAndOnDeviceTheNetwork)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const ScenarioResults edge = RunScenario(workload, {"mode=edge-only"});
    EXPECT_EQ(edge.links[RequestStatsCollector::BACKHAUL].appBytesSent, 0u);
    EXPECT_GT(edge.links[RequestStatsCollector::UPLINK].appBytesSent, 0u);
    EXPECT_GT(edge.edgeComputeS, 0);
    EXPECT_EQ(edge.cloudComputeS, 0);

    const ScenarioResults device =
        RunScenario(workload, {"mode=edge-only", "edge.slm_placement=terminal"});
    ASSERT_GT(device.requests.size(), 0u);
    for (const auto& link : device.links)
    {
        EXPECT_EQ(link.appBytesSent, 0u);
    }
    for (const auto& r : device.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED);
        EXPECT_EQ(r.servedBy, "terminal");
    }
    EXPECT_GT(device.terminalComputeS, 0);
    // A phone NPU is slower than an edge GPU.
    EXPECT_GT(device.requests[0].GetE2e(), edge.requests[0].GetE2e());
}

TEST(Serving, RunsAreDeterministicConservedAndIndependentOfTheKernelCache)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    for (const char* mode : {"mode=cloud-only", "mode=edge-only"})
    {
        const ScenarioResults a = RunScenario(workload, {mode, "topology.radio.enabled=true"});
        const ScenarioResults b = RunScenario(workload, {mode, "topology.radio.enabled=true"});
        const ScenarioResults c =
            RunScenario(workload,
                        {mode, "topology.radio.enabled=true", "simulation.kernel_cache=false"});
        EXPECT_EQ(RequestsCsv(a), RequestsCsv(b)) << mode;
        EXPECT_EQ(RequestsCsv(a), RequestsCsv(c)) << mode;
        EXPECT_EQ(a.issuedRequests, a.requests.size());
        for (const auto& r : a.requests)
        {
            ASSERT_EQ(r.outcome, RequestRecord::COMPLETED) << mode << " " << r.failureReason;
            EXPECT_EQ(r.tokensReceived, r.answerTokens);
        }
        for (const auto& link : a.links)
        {
            EXPECT_EQ(link.appBytesSent, link.appBytesReceived) << mode;
        }
        EXPECT_EQ(a.protocolErrors, 0u);
    }
}

TEST(Serving, DeadlineCancelsTheRequestWhereItIsAnswered)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    // An 8B model on an L4 takes about 55 ms per token: within 0.2 s the first tokens arrive,
    // the whole answer does not.
    CeLslmHelper scenario(ScenarioConfig(
        Scenario(workload, {"mode=cloud-only", "workload.deadline_s=0.2", "cloud.device=l4"}),
        "test"));
    scenario.Install();
    Simulator::Stop(scenario.GetStopTime());
    Simulator::Run();
    Ptr<ModelServer> server = DynamicCast<ModelServer>(
        DynamicCast<CloudApp>(scenario.GetService().GetCloudApp().Get(0))->GetServer());
    ASSERT_TRUE(server);
    EXPECT_EQ(server->GetActiveRequests(), 0u);
    EXPECT_EQ(server->GetEngine()->GetRunning(), 0u);
    // No KV left behind but the resident contexts'.
    EXPECT_EQ(server->GetEngine()->GetMemoryUsed(),
              server->GetEngine()->GetModel().WeightBytes()
                  + server->GetContextCache().GetBytesUsed());
    const ScenarioResults results = scenario.Collect();
    Simulator::Destroy();
    ASSERT_GT(results.requests.size(), 0u);
    for (const auto& r : results.requests)
    {
        EXPECT_EQ(r.failureReason, "deadline");
        EXPECT_GT(r.tokensReceived, 0u);
        EXPECT_LT(r.tokensReceived, r.answerTokens);
    }
    EXPECT_EQ(results.protocolErrors, 0u);
}

TEST(Serving, TraceTimedArrivalsIssueEachItemAtItsTimeFromItsTerminal)
{
    const std::string workload = WriteWorkload(FreshTestDir(), true);
    const ScenarioResults results =
        RunScenario(workload, {"workload.arrival=trace", "mode=edge-only"});
    ASSERT_EQ(results.requests.size(), 3u);
    // Issue order: item 0 at 0.5 s (terminal 0), item 2 at 0.6 s (terminal 0), item 1 at
    // 0.7 s (terminal 1, as the trace says).
    const uint32_t items[] = {0, 2, 1};
    const double times[] = {0.5, 0.6, 0.7};
    const uint32_t terminals[] = {0, 0, 1};
    for (std::size_t i = 0; i < 3; ++i)
    {
        EXPECT_EQ(results.requests[i].item, items[i]);
        EXPECT_EQ(results.requests[i].issued, Seconds(times[i]));
        EXPECT_EQ(results.requests[i].terminal, terminals[i]);
    }
    // An untimed trace cannot drive trace-timed arrivals.
    const std::string untimed = WriteWorkload(FreshTestDir(), false);
    EXPECT_THROW(RunScenario(untimed, {"workload.arrival=trace"}), ConfigError);
}

TEST(Serving, UnusableFilesAndProfilesAreConfigErrorsNamingTheKey)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    auto expectError = [&](const std::vector<std::string>& overrides,
                           const std::string& key,
                           const std::string& fragment)
    {
        try
        {
            RunScenario(workload, overrides);
            ADD_FAILURE() << "no error for " << key;
        }
        catch (const ConfigError& error)
        {
            EXPECT_EQ(error.GetPath(), key);
            EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
        }
    };
    expectError({"models.cloud.path=no/such/model"}, "models.cloud.path", "no/such/model");
    expectError({"workload.trace=no/such.jsonl"}, "workload.trace", "no/such.jsonl");
    expectError({"mode=edge-only", "edge.slm_placement=terminal", "models.edge.profile=llama-3-8b"},
                "models.edge.profile",
                "does not fit on the terminal's device 'phone-npu'");
    WriteFile(workload, "{\"id\": 1}\n");
    expectError({}, "workload.trace", ":1:");
}

} // namespace

TEST(Serving, TheContextCacheIsBoundedChargedAndCounted)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const std::vector<std::string> common{"mode=cloud-only", "simulation.duration_s=8"};
    // Room for one of the two contexts (about 2 MB of llama-3-8b KV each): they evict each
    // other as requests alternate between them.
    std::vector<std::string> small = common;
    small.push_back("cloud.context_cache_mb=2.5");
    const ScenarioResults roomy = RunScenario(workload, common);
    const ScenarioResults tight = RunScenario(workload, small);
    const ConfigJson a = BuildScenarioSummary(roomy).at("context_cache").at("cloud");
    const ConfigJson b = BuildScenarioSummary(tight).at("context_cache").at("cloud");
    ASSERT_EQ(roomy.requests.size(), tight.requests.size());
    EXPECT_EQ(a.at("evictions"), 0u);
    EXPECT_EQ(a.at("misses"), 2u); // each context prefilled once
    EXPECT_GT(b.at("evictions"), 0u);
    EXPECT_GT(b.at("misses"), a.at("misses"));
    EXPECT_EQ(a.at("hits").get<uint64_t>() + a.at("misses").get<uint64_t>(), roomy.requests.size());
    EXPECT_DOUBLE_EQ(b.at("budget_bytes").get<double>(), 2.5e6);
    // What the cache no longer holds is prefilled again.
    EXPECT_GT(tight.cloudComputeS, roomy.cloudComputeS);
}
