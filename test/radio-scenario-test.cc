/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Whole scenarios over the 6G radio access (the default): every preset carries the
// workload, cells serve their own terminals, distance shows in the latency, and the radio
// trace is reproducible.

#include "network-scenario-utils.h"

#include "ns3/scenario-runner.h"
#include "ns3/scenario-summary.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <sstream>

using namespace ns3;

namespace
{

/// Run the default scenario with \p overrides; write the radio trace to \p radioTrace.
ScenarioResults
RunWith(const std::vector<std::string>& overrides, std::ostream* radioTrace = nullptr)
{
    // These tests study the network: no model runs, synthetic token counts.
    return ScenarioRunner(ce_lslm_test::NetworkOnlyConfig(overrides)).Run(nullptr, radioTrace);
}

/// Every request completed, and every link delivered what it was handed.
void
ExpectAllDelivered(const ScenarioResults& results)
{
    ASSERT_FALSE(results.requests.empty());
    for (const auto& request : results.requests)
    {
        EXPECT_EQ(request.outcome, RequestRecord::COMPLETED) << request.failureReason;
    }
    for (const auto& link : results.links)
    {
        EXPECT_EQ(link.appBytesSent, link.appBytesReceived);
    }
    for (auto link : {RequestStatsCollector::UPLINK,
                      RequestStatsCollector::DOWNLINK,
                      RequestStatsCollector::BACKHAUL})
    {
        EXPECT_GT(results.links[link].wireBytes, results.links[link].appBytesSent);
    }
}

/// Mean time to first token, in ms.
double
MeanTtftMs(const ScenarioResults& results)
{
    return BuildScenarioSummary(results)["latency_ms"]["ttft"]["mean"].get<double>();
}

} // namespace

TEST(RadioScenarioTest, RadioIsTheDefaultAccessAndShorterThanTheLinkDelay)
{
    EXPECT_TRUE(ScenarioConfig().GetBool("topology.radio.enabled"));
    std::vector<std::string> oneTerminal{"topology.terminals=1",
                                         "workload.arrival=periodic",
                                         "workload.arrival_rate_per_s=1",
                                         "simulation.duration_s=5"};
    ScenarioResults radio = RunWith(oneTerminal);
    ExpectAllDelivered(radio);
    // Backhaul round trip (20 ms) + one token interval (20 ms) + the radio's round trip: a few
    // slots each way, well below the point-to-point link's 2 x 5 ms.
    for (const auto& request : radio.requests)
    {
        double ttftMs = request.GetTtft()->GetSeconds() * 1e3;
        EXPECT_GT(ttftMs, 40.5);
        EXPECT_LT(ttftMs, 46.0);
    }
    oneTerminal.push_back("topology.radio.enabled=false");
    EXPECT_LT(MeanTtftMs(radio), MeanTtftMs(RunWith(oneTerminal)) - 4.0);
}

TEST(RadioScenarioTest, EveryPresetCarriesTheWorkload)
{
    for (const char* preset : {"fr1-100mhz", "fr3-400mhz", "mmwave-800mhz", "subthz-2ghz"})
    {
        SCOPED_TRACE(preset);
        std::ostringstream trace;
        ScenarioResults results = RunWith({std::string("topology.radio.preset=") + preset,
                                           "simulation.duration_s=3",
                                           "simulation.drain_s=5",
                                           "workload.arrival_rate_per_s=2"},
                                          &trace);
        ExpectAllDelivered(results);
        for (const auto& link : results.links)
        {
            EXPECT_EQ(link.droppedPackets, 0u);
        }
        std::string rows = trace.str();
        EXPECT_GT(std::count(rows.begin(), rows.end(), '\n'), 100);
    }
}

TEST(RadioScenarioTest, EachEdgeIsACellServingItsTerminals)
{
    std::ostringstream trace;
    ScenarioResults results = RunWith({"topology.edges=3",
                                       "topology.terminals=9",
                                       "simulation.duration_s=4",
                                       "workload.arrival_rate_per_s=2",
                                       "output.radio_trace=true"},
                                      &trace);
    ExpectAllDelivered(results);
    std::set<uint32_t> cells;
    std::set<std::pair<uint32_t, uint32_t>> terminals;
    std::istringstream lines(trace.str());
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line.rfind("time_s,slot,cell,rnti,direction,", 0), 0u);
    while (std::getline(lines, line))
    {
        std::istringstream fields(line);
        std::string time;
        std::string slot;
        uint32_t cell = 0;
        uint32_t rnti = 0;
        char comma = 0;
        std::getline(fields, time, ',');
        std::getline(fields, slot, ',');
        fields >> cell >> comma >> rnti;
        cells.insert(cell);
        terminals.insert({cell, rnti});
    }
    EXPECT_EQ(cells, (std::set<uint32_t>{0, 1, 2}));
    EXPECT_EQ(terminals.size(), 9u); // three terminals in each cell, RNTI 0..2
    for (const auto& request : results.requests)
    {
        EXPECT_EQ(request.edge, request.terminal % 3);
    }
}

TEST(RadioScenarioTest, FarTerminalsWaitLongerForLargePrompts)
{
    auto ttft = [](const std::string& minDistance, const std::string& maxDistance)
    {
        ScenarioResults results = RunWith({"topology.radio.min_distance_m=" + minDistance,
                                           "topology.radio.max_distance_m=" + maxDistance,
                                           "workload.prompt_tokens.min=4000",
                                           "workload.prompt_tokens.max=4000",
                                           "simulation.duration_s=5"});
        ExpectAllDelivered(results);
        return MeanTtftMs(results);
    };
    // 16 kB of prompt: a few slots near the base station; at 1.5 km (UMa, mostly out of line
    // of sight) the terminal's 23 dBm carry it at a small fraction of the rate.
    double near = ttft("10", "20");
    double far = ttft("1500", "1600");
    EXPECT_GT(far, near + 20.0);
}

TEST(RadioScenarioTest, SameRunGivesTheSameRadioTrace)
{
    auto trace = [](const std::string& run)
    {
        std::ostringstream out;
        RunWith({"simulation.run=" + run,
                 "simulation.duration_s=3",
                 "topology.radio.blockage_rate_per_s=2",
                 "output.radio_trace=true"},
                &out);
        return out.str();
    };
    std::string a = trace("5");
    EXPECT_GT(a.size(), 1000u);
    EXPECT_EQ(a, trace("5"));
    EXPECT_NE(a, trace("6"));
}

TEST(RadioScenarioTest, NoTerminalStarvesAfterABurstOfInterference)
{
    // With 8 terminals in 2 cells, these runs each had a terminal whose downlink met strong
    // inter-cell interference once: its channel reports kept that interference for ever, its
    // CQI stayed below every MCS, and it was never served again (its requests ended
    // unfinished). A report now forgets interference nobody measured for a CQI period.
    for (const char* run : {"3", "6"})
    {
        ScenarioResults results = RunWith({"simulation.run=" + std::string(run),
                                           "topology.terminals=8",
                                           "topology.edges=2",
                                           "simulation.duration_s=20"});
        ExpectAllDelivered(results);
    }
}
