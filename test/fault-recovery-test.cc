/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Faults injected mid-request (issue 11): for each fault type a scenario where it hits a request
// in flight, with the outcome counts recovery must give, and the same fault without recovery.
// Every run also checks that arrived = the sum of the outcomes.

#include "serving-test-utils.h"

#include "ns3/ce-collm-edge-server.h"
#include "ns3/ce-lslm-edge-server.h"
#include "ns3/ce-lslm-helper.h"
#include "ns3/config-error.h"
#include "ns3/config.h"
#include "ns3/enum.h"
#include "ns3/fault-injector.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/scenario-summary.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// The split at which the cloud serves the edge SLM's deep layers: these tests are about the
/// fetch, and in the default scenario the planner would compute every layer at the edge.
const char* const kLoadDeepLayers = "ce_lslm.local_layers=2";

/// Outcome counts of a run, keyed as in summary.json's requests.by_outcome.
struct Outcomes
{
    ScenarioResults results; //!< the run
    ConfigJson summary;      //!< its summary.json

    /// \param outcome "completed", "completed_fallback" or "failed" \return its count
    std::size_t Count(const std::string& outcome) const
    {
        return summary.at("requests").at("by_outcome").at(outcome).get<std::size_t>();
    }

    /// \param what an effect's name \return its count in summary.json's faults.effects
    uint64_t Effect(const std::string& what) const
    {
        return summary.at("faults").at("effects").at(what).get<uint64_t>();
    }

    /// \param how a fallback \return how many requests took it, whatever their outcome
    std::size_t TookFallback(const std::string& how) const
    {
        return std::count_if(results.requests.begin(),
                             results.requests.end(),
                             [&how](const RequestRecord& r)
                             {
                                 return r.fallback == how;
                             });
    }

    /// \param reason a failure reason \return how many requests failed for it
    std::size_t Failed(const std::string& reason) const
    {
        const ConfigJson& reasons = summary.at("requests").at("failure_reasons");
        return reasons.contains(reason) ? reasons.at(reason).get<std::size_t>() : 0;
    }
};

/// The three timed requests of the small workload (0.5 s, 0.6 s at terminal 0; 0.7 s at 1).
const std::vector<std::string> kTimed{"workload.arrival=trace",
                                      "cloud.token_interval_ms=200",
                                      "recovery.backoff_s=0.1"};

/// Run the small timed workload with \p overrides; checks arrived = sum of the outcomes.
Outcomes
RunTimed(const std::vector<std::string>& overrides)
{
    static const std::string workload = WriteWorkload(FreshTestDir(), true);
    std::vector<std::string> all = kTimed;
    all.insert(all.end(), overrides.begin(), overrides.end());
    Outcomes run;
    run.results = RunScenario(workload, all);
    run.summary = BuildScenarioSummary(run.results);
    const ConfigJson& requests = run.summary.at("requests");
    EXPECT_EQ(requests.at("arrived").get<std::size_t>(), 3u);
    EXPECT_EQ(run.Count("completed") + run.Count("completed_fallback") + run.Count("failed"), 3u);
    return run;
}

/// \return the largest end-to-end latency of a completed request, in s
double
MaxE2e(const Outcomes& run)
{
    double e2e = 0;
    for (const auto& r : run.results.requests)
    {
        if (r.GetE2e())
        {
            e2e = std::max(e2e, r.GetE2e()->GetSeconds());
        }
    }
    return e2e;
}

/// Expect the override \p setting to be refused with a ConfigError naming each of \p names.
void
ExpectRefused(const std::string& setting, const std::vector<std::string>& names)
{
    try
    {
        ConfigJson document = ConfigJson::object();
        ScenarioConfig::ApplyOverride(document, setting);
        ScenarioConfig config(document, "test");
        ADD_FAILURE() << setting << " was accepted";
    }
    catch (const ConfigError& error)
    {
        for (const std::string& name : names)
        {
            EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
        }
    }
}

} // namespace

TEST(FaultSchedule, ParsesEntriesAndNamesWhatIsWrong)
{
    const auto events = FaultInjector::ParseSchedule(" edge-crash@2+1.5:1 ;backhaul-down@4+0.5;");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, FaultEvent::EDGE_CRASH);
    EXPECT_EQ(events[0].edge, 1);
    EXPECT_EQ(events[0].start, Seconds(2));
    EXPECT_EQ(events[0].duration, Seconds(1.5));
    EXPECT_EQ(events[1].GetTypeName(), "backhaul-down");
    EXPECT_EQ(events[1].edge, -1);
    for (const std::string bad :
         {"edge-crash", "edge-burn@1+1", "edge-crash@x+1", "edge-crash@1+-2", "edge-crash@1+1:one"})
    {
        EXPECT_THROW(FaultInjector::ParseSchedule(bad), std::invalid_argument) << bad;
    }
    ExpectRefused("faults.schedule=edge-crash@1+1; blackout@2+1", {"faults.schedule", "blackout"});
}

TEST(FaultRecovery, FallbackPoliciesHaveNamesAndUnknownNamesAreRefused)
{
    Ptr<CeLslmEdgeServer> lslm = CreateObject<CeLslmEdgeServer>();
    EXPECT_TRUE(lslm->SetAttributeFailSafe("Fallback", StringValue("cloud")));
    EnumValue policy;
    lslm->GetAttribute("Fallback", policy);
    EXPECT_EQ(policy.Get(), CeLslmEdgeServer::FALLBACK_CLOUD);
    EXPECT_FALSE(lslm->SetAttributeFailSafe("Fallback", StringValue("standalone")));
    Ptr<CeCollmEdgeServer> collm = CreateObject<CeCollmEdgeServer>();
    EXPECT_TRUE(collm->SetAttributeFailSafe("Fallback", StringValue("none")));
    EXPECT_FALSE(collm->SetAttributeFailSafe("Fallback", StringValue("cloud")));
    ExpectRefused("recovery.ce_lslm_fallback=clod", {"recovery.ce_lslm_fallback", "clod"});
}

TEST(FaultRecovery, AnEdgeCrashMidAnswerIsRetriedAfterTheRestart)
{
    // The edge crashes at 0.8 s, while all three answers stream, and is back at 1.3 s.
    const Outcomes recovered =
        RunTimed({"mode=network-only", "faults.schedule=edge-crash@0.8+0.5"});
    EXPECT_EQ(recovered.Count("completed"), 3u);
    EXPECT_EQ(recovered.Effect("edge_crashes"), 1u);
    EXPECT_EQ(recovered.Effect("edge_restarts"), 1u);
    for (const auto& r : recovered.results.requests)
    {
        EXPECT_GE(r.retries, 1u) << r.id; // each lost its answer once
        EXPECT_GT(r.issued + *r.GetE2e(), Seconds(1.3)) << r.id;
    }
    // Without retries, the crash fails every request that was in flight.
    const Outcomes lost =
        RunTimed({"mode=network-only", "faults.schedule=edge-crash@0.8+0.5", "recovery.retries=0"});
    EXPECT_EQ(lost.Count("failed"), 3u);
    EXPECT_EQ(lost.Failed("connection-peer-closed"), 3u);
}

TEST(FaultRecovery, ABackhaulDownAndUpDelaysButLosesNothing)
{
    const Outcomes clean = RunTimed({"mode=network-only"});
    // Down past the answers' last tokens (the last request ends at 2.13 s without the fault).
    const Outcomes down = RunTimed({"mode=network-only", "faults.schedule=backhaul-down@0.8+2"});
    EXPECT_EQ(down.Count("completed"), 3u);
    // TCP resends after the link is back (or the queue disc, which holds a bandwidth-delay
    // product, sends what waited): the last tokens arrive after 2.8 s.
    EXPECT_GT(MaxE2e(down), MaxE2e(clean) + 0.6);
    EXPECT_GT(down.results.links[RequestStatsCollector::BACKHAUL].droppedPackets, 0u);
    // A deadline shorter than the outage fails them instead.
    const Outcomes late = RunTimed(
        {"mode=network-only", "faults.schedule=backhaul-down@0.8+3", "workload.deadline_s=2"});
    EXPECT_EQ(late.Count("completed"), 0u);
    EXPECT_EQ(late.Failed("deadline"), 3u);
}

TEST(FaultRecovery, ABackhaulLossBurstIsRepairedByTcp)
{
    const Outcomes burst = RunTimed({"mode=network-only",
                                     "faults.schedule=backhaul-loss@0.5+1.5",
                                     "faults.backhaul_loss_rate=0.3"});
    EXPECT_EQ(burst.Count("completed"), 3u);
    EXPECT_GT(burst.results.links[RequestStatsCollector::BACKHAUL].droppedPackets, 0u);
    EXPECT_EQ(RunTimed({"mode=network-only"})
                  .results.links[RequestStatsCollector::BACKHAUL]
                  .droppedPackets,
              0u);
}

TEST(FaultRecovery, AnAccessOutageDelaysTheAnswers)
{
    const Outcomes clean = RunTimed({"mode=network-only"});
    const Outcomes outage = RunTimed({"mode=network-only", "faults.schedule=radio-outage@0.8+2:0"});
    EXPECT_EQ(outage.Count("completed"), 3u);
    EXPECT_GT(MaxE2e(outage), MaxE2e(clean) + 0.6); // as a backhaul outage (above)
}

TEST(FaultRecovery, CloudOverloadRefusalsAreRetriedWithBackoff)
{
    // Every request arrives while the cloud refuses new work (0.4 s to 0.9 s).
    const Outcomes retried = RunTimed(
        {"mode=network-only", "faults.schedule=cloud-overload@0.4+0.5", "recovery.retries=6"});
    EXPECT_EQ(retried.Count("completed"), 3u);
    EXPECT_GE(retried.Effect("cloud_refusals"), 3u);
    for (const auto& r : retried.results.requests)
    {
        EXPECT_GE(r.retries, 1u);
        EXPECT_GT(r.issued + *r.GetTtft(), Seconds(0.9)); // answered after the overload
    }
    const Outcomes refused = RunTimed(
        {"mode=network-only", "faults.schedule=cloud-overload@0.4+0.5", "recovery.retries=0"});
    EXPECT_EQ(refused.Failed("overloaded"), 3u);
}

TEST(FaultRecovery, CeLslmFallsBackToEdgePrefillWhenTheCloudRefusesTheFetch)
{
    const Outcomes fallback =
        RunTimed({"mode=ce-lslm", kLoadDeepLayers, "faults.schedule=cloud-overload@0+5"});
    EXPECT_EQ(fallback.Count("completed_fallback"), 3u);
    EXPECT_EQ(fallback.summary.at("requests").at("fallbacks").at("edge-prefill"), 3u);
    EXPECT_GE(fallback.Effect("fetches_failed"), 1u);
    const Outcomes none = RunTimed({"mode=ce-lslm",
                                    kLoadDeepLayers,
                                    "faults.schedule=cloud-overload@0+5",
                                    "recovery.ce_lslm_fallback=none",
                                    "recovery.retries=0"});
    EXPECT_EQ(none.Failed("upstream-unavailable"), 3u);
}

/// \return a ce-lslm run of the timed workload in which every context fetch fails (every KV
/// message is corrupted and never asked for again), with \p more overrides
Outcomes
RunEveryFetchFailing(const std::vector<std::string>& more)
{
    std::vector<std::string> all{"mode=ce-lslm",
                                 kLoadDeepLayers,
                                 "faults.schedule=kv-corruption@0+10",
                                 "faults.kv_corruption=1",
                                 "recovery.kv_rerequests=0"};
    all.insert(all.end(), more.begin(), more.end());
    return RunTimed(all);
}

TEST(FaultRecovery, CeLslmHandsRequestsOverToTheCloudWhenTheFetchFails)
{
    const Outcomes cloud = RunEveryFetchFailing({"recovery.ce_lslm_fallback=cloud"});
    EXPECT_EQ(cloud.Count("completed_fallback"), 3u);
    EXPECT_EQ(cloud.summary.at("requests").at("fallbacks").at("cloud"), 3u);
    EXPECT_GE(cloud.Effect("fetches_failed"), 1u);
    EXPECT_EQ(cloud.results.protocolErrors, 0u);
    for (const auto& r : cloud.results.requests)
    {
        EXPECT_EQ(r.servedBy, "cloud") << r.id;
        EXPECT_EQ(r.executedModel, cloud.results.requests.front().executedModel);
        ASSERT_TRUE(r.quality) << r.id;
        EXPECT_EQ(r.quality->agreeing, r.quality->positions) << r.id; // the reference answered
        ASSERT_TRUE(r.compute) << r.id;                               // on the cloud's engine
    }
    // The same requests answered at the edge: another model, and the edge computes the
    // context's layers the cloud gave up on (with cloud, the failed context is abandoned).
    const Outcomes edge = RunEveryFetchFailing({});
    EXPECT_EQ(edge.summary.at("requests").at("fallbacks").at("edge-prefill"), 3u);
    EXPECT_NE(edge.results.requests.front().executedModel,
              cloud.results.requests.front().executedModel);
    EXPECT_LT(cloud.results.edgeComputeS, edge.results.edgeComputeS);
    EXPECT_GT(cloud.results.cloudComputeS, edge.results.cloudComputeS);

    // The cloud refuses the fetch and then the request handed over: the terminal learns why.
    const Outcomes refused = RunTimed({"mode=ce-lslm",
                                       kLoadDeepLayers,
                                       "faults.schedule=cloud-overload@0+5",
                                       "recovery.ce_lslm_fallback=cloud",
                                       "recovery.retries=0"});
    EXPECT_EQ(refused.Failed("overloaded"), 3u);
    EXPECT_EQ(refused.TookFallback("cloud"), 3u);
}

TEST(FaultRecovery, CeLslmHandsOverBehindADeadBackhaulAndTheCloudAnswersOnceItIsBack)
{
    const Outcomes late = RunTimed({"mode=ce-lslm",
                                    kLoadDeepLayers,
                                    "faults.schedule=backhaul-down@0+1.5",
                                    "recovery.fetch_timeout_s=0.3",
                                    "recovery.ce_lslm_fallback=cloud"});
    EXPECT_EQ(late.Count("completed_fallback"), 3u);
    EXPECT_EQ(late.TookFallback("cloud"), 3u);
    for (const auto& r : late.results.requests)
    {
        EXPECT_GT(*r.GetTtft(), Seconds(1.5) - r.issued) << r.id; // the link came back first
    }
}

TEST(FaultRecovery, AHandedOverRequestPastItsDeadlineIsCancelledAtTheCloud)
{
    // The cloud answers the requests handed over in 0.12 s to 0.21 s: the deadline cuts them
    // off mid-answer, and the tokens the cloud has already sent are dropped quietly at the edge.
    const Outcomes late =
        RunEveryFetchFailing({"recovery.ce_lslm_fallback=cloud", "workload.deadline_s=0.1"});
    EXPECT_EQ(late.Failed("deadline"), 3u);
    EXPECT_EQ(late.results.protocolErrors, 0u);
    // The cancels reached the cloud: it stopped decoding before the answers' ends.
    const Outcomes whole = RunEveryFetchFailing({"recovery.ce_lslm_fallback=cloud"});
    EXPECT_LT(late.results.cloudComputeS, whole.results.cloudComputeS);
}

TEST(FaultRecovery, CorruptedKvChunksAreDetectedAndAskedForAgain)
{
    // Every KV message sent before 0.6 s is corrupted (the first fetch's, and its re-requests
    // until then); the re-requests after it arrive intact.
    const Outcomes repaired = RunTimed({"mode=ce-lslm",
                                        kLoadDeepLayers,
                                        "faults.schedule=kv-corruption@0+0.6",
                                        "faults.kv_corruption=1",
                                        "recovery.kv_rerequests=100"});
    EXPECT_GE(repaired.Effect("kv_corrupted"), 1u);
    // Each corrupted message is asked for again. So may be an intact one that came before the
    // re-request reached the cloud: the cloud still believed the edge held the layer's basis
    // that the corrupted message carried.
    EXPECT_GE(repaired.Effect("kv_rerequested"), repaired.Effect("kv_corrupted"));
    EXPECT_EQ(repaired.Effect("fetches_failed"), 0u);
    EXPECT_EQ(repaired.Count("completed"), 3u);
    // With every message corrupted, the re-requests run out: the edge computes the context.
    const Outcomes givenUp = RunEveryFetchFailing({"recovery.kv_rerequests=2"});
    EXPECT_GE(givenUp.Effect("fetches_failed"), 1u);
    EXPECT_EQ(givenUp.Count("completed_fallback"), 3u);
}

TEST(FaultRecovery, CeLslmFetchTimesOutBehindADeadBackhaul)
{
    const Outcomes timeout = RunTimed({"mode=ce-lslm",
                                       kLoadDeepLayers,
                                       "faults.schedule=backhaul-down@0+5",
                                       "recovery.fetch_timeout_s=0.3"});
    EXPECT_EQ(timeout.Count("completed_fallback"), 3u);
    for (const auto& r : timeout.results.requests)
    {
        EXPECT_LT(*r.GetTtft(), Seconds(2)) << r.id; // not waiting for the link
    }
}

TEST(FaultRecovery, CeCollmGoesOnStandaloneWhenTheCloudFails)
{
    const Outcomes overload = RunTimed({"mode=ce-collm", "faults.schedule=cloud-overload@0+5"});
    EXPECT_EQ(overload.Count("completed_fallback") + overload.Count("completed"), 3u);
    EXPECT_GE(overload.Count("completed_fallback"), 1u);
    const Outcomes timeout = RunTimed(
        {"mode=ce-collm", "faults.schedule=backhaul-down@0.55+5", "recovery.cloud_timeout_s=0.2"});
    EXPECT_EQ(timeout.Count("completed_fallback") + timeout.Count("completed"), 3u);
    EXPECT_GE(timeout.Count("completed_fallback"), 1u);
    const Outcomes none = RunTimed({"mode=ce-collm",
                                    "faults.schedule=cloud-overload@0+5",
                                    "recovery.ce_collm_fallback=none",
                                    "recovery.retries=0"});
    EXPECT_EQ(none.Count("completed_fallback"), 0u);
    EXPECT_GE(none.Failed("overloaded"), 1u);
}

TEST(FaultRecovery, RandomFaultsAreReproducible)
{
    const std::vector<std::string> random{"mode=network-only",
                                          "faults.random.types=edge-crash,backhaul-down,"
                                          "cloud-overload,radio-outage,backhaul-loss",
                                          "faults.random.rate_per_s=2",
                                          "faults.random.mean_duration_s=0.3"};
    const Outcomes first = RunTimed(random);
    const Outcomes second = RunTimed(random);
    EXPECT_GE(first.summary.at("faults").at("count").get<std::size_t>(), 1u);
    EXPECT_EQ(RequestsCsv(first.results), RequestsCsv(second.results));
    EXPECT_EQ(first.summary.at("faults"), second.summary.at("faults"));
}

namespace
{

/// Mean SINR (dB) of the radio trace's transport blocks in [from, to) s.
double
MeanSinrDb(const std::string& trace, double from, double to)
{
    std::istringstream lines(trace);
    std::string line;
    std::getline(lines, line); // header; sinr_db is the 15th column
    double sum = 0;
    std::size_t count = 0;
    while (std::getline(lines, line))
    {
        std::istringstream fields(line);
        std::vector<std::string> cells;
        for (std::string cell; std::getline(fields, cell, ',');)
        {
            cells.push_back(cell);
        }
        const double time = std::stod(cells.at(0));
        if (time >= from && time < to)
        {
            sum += std::stod(cells.at(14));
            ++count;
        }
    }
    return count > 0 ? sum / count : 0;
}

} // namespace

TEST(FaultRecovery, RadioBlockageLowersTheSinrAndAnOutageDelaysTheAnswers)
{
    static const std::string workload = WriteWorkload(FreshTestDir(), true);
    auto run = [](const std::vector<std::string>& overrides, std::ostream* radio)
    {
        std::vector<std::string> all = kTimed;
        all.insert(all.end(),
                   {"mode=network-only", "topology.radio.enabled=true", "output.radio_trace=true"});
        all.insert(all.end(), overrides.begin(), overrides.end());
        return ScenarioRunner(ScenarioConfig(Scenario(workload, all), "test")).Run(nullptr, radio);
    };
    std::ostringstream cleanTrace;
    std::ostringstream blockedTrace;
    const ScenarioResults clean = run({}, &cleanTrace);
    const ScenarioResults blocked =
        run({"faults.schedule=radio-blockage@0.8+0.6", "faults.blockage_loss_db=25"},
            &blockedTrace);
    for (const auto& r : blocked.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
    }
    const double before = MeanSinrDb(cleanTrace.str(), 0.8, 1.4);
    const double during = MeanSinrDb(blockedTrace.str(), 0.8, 1.4);
    EXPECT_NEAR(during, before - 25, 3.0); // the extra loss, give or take fading and MCS
    EXPECT_NEAR(MeanSinrDb(blockedTrace.str(), 1.5, 3), MeanSinrDb(cleanTrace.str(), 1.5, 3), 3.0);

    // A token due during the outage (0.8 s to 1.8 s) arrives after it; the others are on time.
    const ScenarioResults outage = run({"faults.schedule=radio-outage@0.8+1"}, nullptr);
    std::size_t delayed = 0;
    for (std::size_t i = 0; i < clean.requests.size(); ++i)
    {
        ASSERT_EQ(outage.requests[i].outcome, RequestRecord::COMPLETED);
        const Time due = clean.requests[i].issued + *clean.requests[i].GetTtft();
        const Time arrived = outage.requests[i].issued + *outage.requests[i].GetTtft();
        if (due >= Seconds(0.8) && due < Seconds(1.8))
        {
            EXPECT_GE(arrived, Seconds(1.8)) << i;
            ++delayed;
        }
        else
        {
            EXPECT_EQ(arrived, due) << i;
        }
    }
    EXPECT_GE(delayed, 1u);
}

TEST(FaultRecovery, AnEdgeReconnectsToACloudThatCameUpLate)
{
    static const std::string workload = WriteWorkload(FreshTestDir(), true);
    std::vector<std::string> all = kTimed;
    all.insert(all.end(), {"mode=network-only", "recovery.reconnect_s=0.3", "recovery.retries=8"});
    // ns-3.37's TCP ignores the RST|ACK answering a SYN to a closed port, so a connection
    // attempt fails only when its SYNs time out: one SYN, 0.5 s.
    Config::SetDefault("ns3::TcpSocket::ConnCount", UintegerValue(1));
    Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Seconds(0.5)));
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(1);
    CeLslmHelper scenario(ScenarioConfig(Scenario(workload, all), "test"));
    scenario.Install();
    // The cloud starts listening at 1 s: the edge's first connections are refused.
    scenario.GetService().GetCloudApp().Start(Seconds(1));
    Simulator::Stop(scenario.GetStopTime());
    Simulator::Run();
    const ScenarioResults results = scenario.Collect();
    Simulator::Destroy();
    Config::Reset();
    const ConfigJson summary = BuildScenarioSummary(results);
    EXPECT_GE(summary.at("requests").at("retried").get<std::size_t>(), 1u);
    ASSERT_EQ(results.requests.size(), 3u);
    for (const auto& r : results.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
        EXPECT_GT(r.issued + *r.GetTtft(), Seconds(1));
    }
}

TEST(FaultRecovery, ForgedAndReplayedMessagesOnTheBackhaulAreRejectedAndCounted)
{
    // An on-path attacker injects a message every 20 ms at edge 0 while the answers stream.
    const Outcomes attacked = RunTimed(
        {"mode=network-only", "faults.schedule=forgery@0.55+1; replay@0.55+1", "topology.edges=1"});
    EXPECT_EQ(attacked.Count("completed"), 3u);
    const ConfigJson& security = attacked.summary.at("security");
    EXPECT_GE(attacked.Effect("messages_forged"), 40u);
    EXPECT_EQ(security.at("rejected_forged").get<uint64_t>(), attacked.Effect("messages_forged"));
    EXPECT_GE(attacked.Effect("messages_replayed"), 40u);
    EXPECT_EQ(security.at("rejected_replayed").get<uint64_t>(),
              attacked.Effect("messages_replayed"));
    EXPECT_EQ(attacked.results.protocolErrors, 0u);
    // Without authentication the cloud acts on the replayed request: it is a duplicate.
    const Outcomes open = RunTimed({"mode=network-only",
                                    "faults.schedule=replay@0.55+1",
                                    "topology.edges=1",
                                    "security.authenticate=false"});
    EXPECT_EQ(open.summary.at("security").at("rejected_replayed").get<uint64_t>(), 0u);
    EXPECT_GE(open.Effect("messages_replayed"), 40u);
    EXPECT_GT(open.results.protocolErrors, 0u);
}
