/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Whole network-only scenarios run through ScenarioRunner: conservation of requests and bytes,
// latencies and sizes that follow from the links, losses, unfinished requests, traces, and
// edge-edge links that follow their configuration and change nothing they do not carry.

#include "network-scenario-utils.h"

#include "ns3/ce-lslm-helper.h"
#include "ns3/error-model.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/queue-size.h"
#include "ns3/results-writer.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario-summary.h"
#include "ns3/traffic-control-layer.h"

#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>

using namespace ns3;
using ce_lslm_test::NetworkOnlyConfig;

namespace
{

/// Run the default scenario with \p overrides ("key=value" each).
ScenarioResults
RunWith(const std::vector<std::string>& overrides, std::ostream* messageTrace = nullptr)
{
    return ScenarioRunner(NetworkOnlyConfig(overrides)).Run(messageTrace);
}

std::size_t
CountOutcome(const ScenarioResults& results, RequestRecord::Outcome outcome)
{
    std::size_t n = 0;
    for (const auto& request : results.requests)
    {
        n += request.outcome == outcome ? 1 : 0;
    }
    return n;
}

/// Per-request bytes add up to the link totals, and on links that delivered everything the
/// bytes sent equal the bytes received.
void
ExpectBytesConserved(const ScenarioResults& results)
{
    uint64_t uplink = 0;
    uint64_t downlink = 0;
    uint64_t backhaul = 0;
    for (const auto& request : results.requests)
    {
        uplink += request.uplinkBytes;
        downlink += request.downlinkBytes;
        backhaul += request.backhaulBytes;
    }
    EXPECT_EQ(uplink, results.links[RequestStatsCollector::UPLINK].appBytesSent);
    EXPECT_EQ(downlink, results.links[RequestStatsCollector::DOWNLINK].appBytesSent);
    EXPECT_EQ(backhaul, results.links[RequestStatsCollector::BACKHAUL].appBytesSent);
    for (const auto& link : results.links)
    {
        EXPECT_EQ(link.appBytesSent, link.appBytesReceived);
    }
    for (auto link : {RequestStatsCollector::UPLINK,
                      RequestStatsCollector::DOWNLINK,
                      RequestStatsCollector::BACKHAUL})
    {
        // TCP/IP/PPP headers and ACKs on top
        EXPECT_GT(results.links[link].wireBytes, results.links[link].appBytesSent);
    }
    // No edge talks to another edge in these modes (and the links are off by default).
    EXPECT_EQ(results.links[RequestStatsCollector::EDGE_EDGE].wirePackets, 0u);
}

/// requests.csv of \p results
std::string
RequestsCsv(const ScenarioResults& results)
{
    std::ostringstream csv;
    ResultsWriter::WriteRequestsCsv(csv, results);
    return csv.str();
}

} // namespace

TEST(ScenarioTest, DefaultScenarioConservesRequestsAndBytes)
{
    ScenarioResults results = RunWith({});
    ASSERT_GT(results.requests.size(), 10u);
    // The terminals' own count, independent of the collector's records.
    EXPECT_EQ(results.issuedRequests, results.requests.size());
    EXPECT_EQ(CountOutcome(results, RequestRecord::COMPLETED), results.requests.size());
    EXPECT_EQ(CountOutcome(results, RequestRecord::PENDING), 0u);
    EXPECT_EQ(results.protocolErrors, 0u);
    for (const auto& request : results.requests)
    {
        EXPECT_EQ(request.tokensReceived, request.answerTokens);
        EXPECT_LT(request.issued, results.arrivalWindowEnd);
    }
    ExpectBytesConserved(results);
    for (const auto& link : results.links)
    {
        EXPECT_EQ(link.droppedPackets, 0u);
    }

    ConfigJson summary = BuildScenarioSummary(results);
    EXPECT_EQ(summary["requests"]["arrived"].get<std::size_t>(),
              summary["requests"]["completed"].get<std::size_t>()
                  + summary["requests"]["failed"].get<std::size_t>());
    EXPECT_EQ(summary["mode"], "network-only");
    EXPECT_TRUE(summary["quality"]["bpb"].is_null());
    EXPECT_EQ(summary["compute"]["cloud_s"], 0.0); // no compute engine runs
    EXPECT_EQ(summary["config"], results.config.GetJson());
}

TEST(ScenarioTest, LatenciesAndSizesFollowFromTheLinks)
{
    // One terminal on a point-to-point access link, one request at a time: nothing queues, so
    // the first token arrives one round trip over access + backhaul (2 x (5 + 10) ms) plus one
    // token interval after the request, plus serialization (well under a millisecond).
    ScenarioResults results = RunWith({"topology.radio.enabled=false",
                                       "topology.terminals=1",
                                       "workload.arrival=periodic",
                                       "workload.arrival_rate_per_s=1",
                                       "simulation.duration_s=5"});
    ASSERT_EQ(results.requests.size(), 5u);
    for (const auto& request : results.requests)
    {
        ASSERT_EQ(request.outcome, RequestRecord::COMPLETED);
        double ttftMs = request.GetTtft()->GetSeconds() * 1e3;
        EXPECT_GE(ttftMs, 50.0);
        EXPECT_LT(ttftMs, 51.0);
        EXPECT_NEAR(request.GetTpot()->GetSeconds() * 1e3, 20.0, 0.01);
        EXPECT_NEAR(request.GetE2e()->GetSeconds() * 1e3, ttftMs + 31 * 20.0, 0.5);
        // Frame (6) + message header (12) + request header (16) + 128 tokens x 4 bytes.
        EXPECT_EQ(request.uplinkBytes, 6u + 12u + 16u + 128u * 4u);
        // 32 x (frame 6 + message header 12 + token header 5 + 4 bytes of text).
        EXPECT_EQ(request.downlinkBytes, 32u * (6u + 12u + 5u + 4u));
        // The same 33 messages cross the backhaul, each with the 40-byte authentication
        // trailer (sequence number 8 + HMAC-SHA256 tag 32) on by default.
        EXPECT_EQ(request.backhaulBytes, request.uplinkBytes + request.downlinkBytes + 33u * 40u);
    }
    // Periodic arrivals at 1/s, the first at a random phase in [0, 1) s.
    EXPECT_LT(results.requests[0].issued, Seconds(1));
    for (std::size_t i = 1; i < results.requests.size(); ++i)
    {
        EXPECT_EQ(results.requests[i].issued - results.requests[i - 1].issued, Seconds(1));
    }
}

TEST(ScenarioTest, AuthenticationTagsEveryBackhaulMessageAndCostsItsTrailerAndCpuTime)
{
    const std::vector<std::string> base = {"topology.radio.enabled=false",
                                           "topology.edges=2",
                                           "topology.terminals=4",
                                           "simulation.duration_s=5"};
    auto with = [&base](const std::string& authenticate)
    {
        std::vector<std::string> overrides = base;
        overrides.push_back("security.authenticate=" + authenticate);
        return RunWith(overrides);
    };
    const ScenarioResults on = with("true");
    const ScenarioResults off = with("false");
    ASSERT_GT(on.requests.size(), 5u);
    EXPECT_EQ(CountOutcome(on, RequestRecord::COMPLETED), on.requests.size());
    EXPECT_EQ(on.protocolErrors, 0u);
    ExpectBytesConserved(on);

    const ConfigJson security = BuildScenarioSummary(on)["security"];
    EXPECT_EQ(security["authenticated"], true);
    const auto tagged = security["messages_tagged"].get<uint64_t>();
    EXPECT_GT(tagged, 0u);
    // Every tagged frame reached its peer and was checked; none was forged or replayed.
    EXPECT_EQ(tagged,
              security["messages_verified"].get<uint64_t>()
                  + security["rejected_forged"].get<uint64_t>()
                  + security["rejected_replayed"].get<uint64_t>());
    EXPECT_EQ(security["rejected_forged"], 0);
    EXPECT_EQ(security["rejected_replayed"], 0);
    // Each backhaul message is tagged by its sender and checked by its receiver; each of the
    // two costs 1 us + (16 label + 8 sequence + message bytes) / 400e6 B/s by default, where
    // message bytes = frame bytes - 6 (header) - 40 (trailer). Times are rounded to 1 ns.
    const uint64_t backhaul = on.links[RequestStatsCollector::BACKHAUL].appBytesSent;
    const double oneWay = tagged * 1e-6 + (tagged * 24.0 + backhaul - tagged * 46.0) / 400e6;
    const double edgeS = security["edge_s"].get<double>();
    const double cloudS = security["cloud_s"].get<double>();
    EXPECT_GT(edgeS, 0);
    EXPECT_GT(cloudS, 0);
    EXPECT_NEAR(edgeS + cloudS, 2 * oneWay, 2 * tagged * 1e-9);

    // The same run without authentication: the same requests and messages, each backhaul
    // message 40 bytes shorter; nothing else changes size.
    const ConfigJson none = BuildScenarioSummary(off)["security"];
    EXPECT_EQ(none["authenticated"], false);
    for (const char* counter :
         {"messages_tagged", "messages_verified", "rejected_forged", "rejected_replayed"})
    {
        EXPECT_EQ(none[counter], 0) << counter;
    }
    EXPECT_EQ(none["edge_s"], 0.0);
    EXPECT_EQ(none["cloud_s"], 0.0);
    ASSERT_EQ(off.requests.size(), on.requests.size());
    EXPECT_EQ(off.links[RequestStatsCollector::BACKHAUL].appBytesSent, backhaul - 40 * tagged);
    for (auto link : {RequestStatsCollector::UPLINK, RequestStatsCollector::DOWNLINK})
    {
        EXPECT_EQ(off.links[link].appBytesSent, on.links[link].appBytesSent);
    }
    // Tags and checks only add time.
    for (std::size_t i = 0; i < on.requests.size(); ++i)
    {
        EXPECT_GT(*on.requests[i].GetE2e(), *off.requests[i].GetE2e()) << "request " << i;
    }
}

TEST(ScenarioTest, SlowAccessLinkDelaysTheFirstToken)
{
    auto meanTtftMs = [](const std::string& rateMbps)
    {
        ScenarioResults results = RunWith({"topology.radio.enabled=false",
                                           "topology.access.rate_mbps=" + rateMbps,
                                           "workload.prompt_tokens.min=4000",
                                           "workload.prompt_tokens.max=4000"});
        return BuildScenarioSummary(results)["latency_ms"]["ttft"]["mean"].get<double>();
    };
    double fast = meanTtftMs("100");
    double slow = meanTtftMs("1");
    // 16 kB of prompt takes about 130 ms at 1 Mbit/s, about 1.3 ms at 100 Mbit/s.
    EXPECT_GT(slow, fast + 100.0);
}

TEST(ScenarioTest, LossyLinksStillDeliverEveryByte)
{
    ScenarioResults results = RunWith({"topology.radio.enabled=false",
                                       "topology.access.loss_rate=0.03",
                                       "topology.backhaul.loss_rate=0.03",
                                       "topology.terminals=8"});
    ASSERT_GT(results.requests.size(), 20u);
    EXPECT_EQ(CountOutcome(results, RequestRecord::COMPLETED), results.requests.size());
    ExpectBytesConserved(results);
    uint64_t dropped = 0;
    for (const auto& link : results.links)
    {
        dropped += link.droppedPackets;
    }
    EXPECT_GT(dropped, 0u);
}

TEST(ScenarioTest, RequestsUnfinishedAtTheEndCountAsFailed)
{
    // Answers take 200 x 20 ms = 4 s, and the simulation stops right after the arrival window.
    ScenarioResults results = RunWith({"simulation.drain_s=0",
                                       "workload.answer_tokens.min=200",
                                       "workload.answer_tokens.max=200"});
    std::size_t completed = CountOutcome(results, RequestRecord::COMPLETED);
    std::size_t failed = CountOutcome(results, RequestRecord::FAILED);
    EXPECT_GT(completed, 0u);
    EXPECT_GT(failed, 0u);
    EXPECT_EQ(completed + failed, results.requests.size());
    for (const auto& request : results.requests)
    {
        if (request.outcome == RequestRecord::FAILED)
        {
            EXPECT_EQ(request.failureReason, "unfinished");
            EXPECT_LT(request.tokensReceived, request.answerTokens);
            EXPECT_FALSE(request.GetE2e().has_value());
        }
    }
    ConfigJson summary = BuildScenarioSummary(results);
    EXPECT_EQ(summary["requests"]["failure_reasons"]["unfinished"].get<std::size_t>(), failed);
    EXPECT_EQ(summary["requests"]["failed"].get<std::size_t>(), failed);
    EXPECT_EQ(summary["requests"]["completed"].get<std::size_t>(), completed);
    EXPECT_EQ(results.issuedRequests, results.requests.size());
    // Bytes of the unfinished answers were handed to TCP but had not all arrived.
    const LinkCounters& downlink = results.links[RequestStatsCollector::DOWNLINK];
    EXPECT_GE(downlink.appBytesSent, downlink.appBytesReceived);
}

TEST(ScenarioTest, MaxRequestsPerTerminalIsHonoured)
{
    ScenarioResults results = RunWith({"workload.max_requests_per_terminal=3",
                                       "workload.arrival_rate_per_s=5",
                                       "topology.terminals=3"});
    EXPECT_EQ(results.requests.size(), 9u);
}

TEST(ScenarioTest, TerminalsAreSpreadOverEdges)
{
    ScenarioResults results =
        RunWith({"topology.terminals=5", "topology.edges=2", "workload.arrival_rate_per_s=2"});
    std::set<uint32_t> terminalsSeen;
    for (const auto& request : results.requests)
    {
        EXPECT_EQ(request.edge, request.terminal % 2);
        EXPECT_EQ(request.outcome, RequestRecord::COMPLETED);
        terminalsSeen.insert(request.terminal);
    }
    EXPECT_EQ(terminalsSeen.size(), 5u);
    ExpectBytesConserved(results);
}

TEST(ScenarioTest, MessageTraceHasOneRowPerMessageEvent)
{
    std::ostringstream trace;
    ScenarioResults results =
        RunWith({"workload.answer_tokens.min=3", "workload.answer_tokens.max=3"}, &trace);
    std::istringstream lines(trace.str());
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "time_s,role,index,event,link,type,request_id,bytes");
    std::size_t rows = 0;
    while (std::getline(lines, line))
    {
        ++rows;
    }
    // A request is seen 4 times (terminal tx, edge rx, edge tx, cloud rx); so is each token.
    EXPECT_EQ(rows, results.requests.size() * (4 + 4 * 3));
}

TEST(ScenarioTest, PeriodicTerminalsHaveTheirOwnPhase)
{
    ScenarioResults results = RunWith({"topology.terminals=4",
                                       "workload.arrival=periodic",
                                       "workload.arrival_rate_per_s=2",
                                       "simulation.duration_s=3"});
    std::map<uint32_t, std::vector<Time>> issued;
    for (const auto& request : results.requests)
    {
        issued[request.terminal].push_back(request.issued);
    }
    ASSERT_EQ(issued.size(), 4u);
    std::set<int64_t> phases;
    for (const auto& [terminal, times] : issued)
    {
        ASSERT_GE(times.size(), 5u);
        EXPECT_LT(times[0], MilliSeconds(500));
        phases.insert(times[0].GetNanoSeconds());
        for (std::size_t i = 1; i < times.size(); ++i)
        {
            EXPECT_EQ(times[i] - times[i - 1], MilliSeconds(500));
        }
    }
    EXPECT_EQ(phases.size(), 4u); // no two terminals in lockstep
}

TEST(ScenarioTest, ReceptionLossesCountOnTheDirectionTheyHit)
{
    // Tiny prompts, long fast answers: the downlink carries far more packets than the uplink,
    // and each direction loses about loss_rate of what is sent on it.
    ScenarioResults results = RunWith({"topology.radio.enabled=false",
                                       "topology.access.loss_rate=0.1",
                                       "workload.prompt_tokens.min=1",
                                       "workload.prompt_tokens.max=1",
                                       "workload.answer_tokens.min=300",
                                       "workload.answer_tokens.max=300",
                                       "cloud.token_interval_ms=1"});
    for (auto link : {RequestStatsCollector::UPLINK, RequestStatsCollector::DOWNLINK})
    {
        const LinkCounters& counters = results.links[link];
        ASSERT_GT(counters.wirePackets, 500u);
        double lossRatio = static_cast<double>(counters.droppedPackets) / counters.wirePackets;
        EXPECT_NEAR(lossRatio, 0.1, 0.02) << RequestStatsCollector::LinkName(link);
    }
    EXPECT_EQ(results.links[RequestStatsCollector::BACKHAUL].droppedPackets, 0u);
}

TEST(ScenarioTest, FullDeviceQueueDropsPackets)
{
    // 16 kB prompts into a 1 Mbit/s link whose device holds 2 packets: the queue overflows,
    // the drops are counted on the uplink, and TCP still delivers every request.
    ScenarioResults results = RunWith({"topology.radio.enabled=false",
                                       "topology.access.rate_mbps=1",
                                       "topology.access.queue_packets=2",
                                       "workload.prompt_tokens.min=4000",
                                       "workload.prompt_tokens.max=4000"});
    EXPECT_GT(results.links[RequestStatsCollector::UPLINK].droppedPackets, 0u);
    EXPECT_EQ(CountOutcome(results, RequestRecord::COMPLETED), results.requests.size());
    ExpectBytesConserved(results);
}

TEST(ScenarioTest, EdgeLinksFollowTheirConfiguration)
{
    CeLslmHelper scenario(NetworkOnlyConfig({"topology.edges=4",
                                             "topology.edge_links.enabled=true",
                                             "topology.edge_links.rate_mbps=250",
                                             "topology.edge_links.delay_ms=2",
                                             "topology.edge_links.loss_rate=0.01",
                                             "topology.edge_links.queue_packets=7"}));
    scenario.Install();
    const EdgeCloudTopologyHelper& topology = scenario.GetTopology();
    ASSERT_EQ(topology.GetEdgeLinkCount(), 4u);
    for (uint32_t link = 0; link < 4; ++link)
    {
        NetDeviceContainer devices = topology.GetEdgeLinkDevices(link);
        for (uint32_t i = 0; i < devices.GetN(); ++i)
        {
            Ptr<NetDevice> device = devices.Get(i);
            DataRateValue rate;
            device->GetAttribute("DataRate", rate);
            EXPECT_EQ(rate.Get(), DataRate("250Mbps"));
            TimeValue delay;
            device->GetChannel()->GetAttribute("Delay", delay);
            EXPECT_EQ(delay.Get(), MilliSeconds(2));
            PointerValue loss;
            device->GetAttribute("ReceiveErrorModel", loss);
            ASSERT_TRUE(loss.Get<RateErrorModel>());
            EXPECT_DOUBLE_EQ(loss.Get<RateErrorModel>()->GetRate(), 0.01);
            Ptr<QueueDisc> queue =
                device->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(
                    device);
            ASSERT_TRUE(queue);
            EXPECT_EQ(queue->GetMaxSize(), QueueSize("7p"));
        }
    }
    Simulator::Destroy();
}

TEST(ScenarioTest, EdgeLinksChangeNothingTheyDoNotCarry)
{
    // Network-only traffic never crosses an edge-edge link: turning lossy ones on must leave
    // every request and every other link's counters as they were, over lossy access and
    // backhaul links (whose loss draws would move if the new links took their streams) and
    // over the radio.
    const std::vector<std::vector<std::string>> scenarios{{"topology.radio.enabled=false",
                                                           "topology.edges=3",
                                                           "topology.terminals=6",
                                                           "topology.access.loss_rate=0.05",
                                                           "topology.backhaul.loss_rate=0.02"},
                                                          {"topology.edges=2"}};
    for (const auto& overrides : scenarios)
    {
        std::vector<std::string> withLinks = overrides;
        withLinks.emplace_back("topology.edge_links.enabled=true");
        withLinks.emplace_back("topology.edge_links.loss_rate=0.1");
        const ScenarioResults off = RunWith(overrides);
        const ScenarioResults on = RunWith(withLinks);
        ASSERT_GT(off.requests.size(), 10u);
        EXPECT_EQ(RequestsCsv(off), RequestsCsv(on)) << overrides[0];
        ConfigJson offSummary = BuildScenarioSummary(off);
        ConfigJson onSummary = BuildScenarioSummary(on);
        EXPECT_EQ(offSummary["bytes"]["edge_edge"], 0);
        EXPECT_EQ(offSummary["links"]["edge_edge"]["wire_bytes"], 0);
        EXPECT_EQ(onSummary["links"]["edge_edge"]["wire_packets"], 0);
        offSummary.erase("config");
        onSummary.erase("config");
        EXPECT_EQ(offSummary, onSummary) << overrides[0];
    }
}
