/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The ce-collm modes end to end with the real cloud LLM and its exit heads: threshold 1 is the
// cloud model exactly, threshold 0 never leaves the edge, the bytes of every upload, the
// standalone edge, determinism and conservation, configuration errors.

#include "serving-test-utils.h"

#include "ns3/config-error.h"
#include "ns3/frame-header.h"
#include "ns3/hidden-state-header.h"
#include "ns3/message-authenticator.h"
#include "ns3/message-header.h"

#include <gtest/gtest.h>
#include <map>
#include <sstream>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// One declared token per byte and the executed model as its own profile: declared tokens,
/// layers and widths are the executed model's, so every count below is exact.
const std::vector<std::string> kExact{"models.cloud.profile=executed",
                                      "workload.bytes_per_token=1"};

/// \p base plus \p more
std::vector<std::string>
With(std::vector<std::string> base, const std::vector<std::string>& more)
{
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

/// Every request completed with its whole answer.
void
ExpectAllCompleted(const ScenarioResults& results)
{
    ASSERT_FALSE(results.requests.empty());
    for (const auto& r : results.requests)
    {
        EXPECT_EQ(r.outcome, RequestRecord::COMPLETED) << r.failureReason;
        EXPECT_EQ(r.tokensReceived, r.answerTokens);
    }
    EXPECT_EQ(results.protocolErrors, 0u);
}

/// Per request id, the frame bytes of the HIDDEN_STATE messages the edges sent.
std::map<uint64_t, uint64_t>
HiddenFrameBytes(const std::string& workload, const std::vector<std::string>& overrides)
{
    std::ostringstream trace;
    ScenarioRunner(ScenarioConfig(Scenario(workload, overrides), "test")).Run(&trace);
    std::map<uint64_t, uint64_t> bytes;
    std::istringstream rows(trace.str());
    std::string row;
    while (std::getline(rows, row))
    {
        std::vector<std::string> cells;
        std::istringstream fields(row);
        for (std::string cell; std::getline(fields, cell, ',');)
        {
            cells.push_back(cell);
        }
        if (cells.size() == 8 && cells[1] == "edge" && cells[3] == "tx"
            && cells[5] == "hidden-state")
        {
            bytes[std::stoull(cells[6])] += std::stoull(cells[7]);
        }
    }
    return bytes;
}

TEST(CeCollmMode, ThresholdOneDefersEveryTokenAndIsTheCloudModelExactly)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const auto collm = RunScenario(
        workload,
        With(kExact, {"mode=ce-collm", "ce_collm.threshold=1", "ce_collm.hidden_precision=fp32"}));
    const auto cloud = RunScenario(workload, With(kExact, {"mode=cloud-only"}));
    ExpectAllCompleted(collm);
    ASSERT_EQ(collm.requests.size(), cloud.requests.size());
    for (std::size_t i = 0; i < collm.requests.size(); ++i)
    {
        const RequestRecord& r = collm.requests[i];
        ASSERT_TRUE(r.collm && r.quality && cloud.requests[i].quality);
        EXPECT_EQ(r.collm->edgeTokens, 0u);
        EXPECT_EQ(r.collm->cloudTokens, r.answerTokens);
        // Same bits of the true continuation and full agreement: the cloud model's own answer.
        EXPECT_EQ(r.quality->bits, cloud.requests[i].quality->bits);
        EXPECT_EQ(r.quality->agreeing, r.quality->positions);
        // The edge ran the first layers of every position; early exit saved the cloud nothing.
        EXPECT_GT(r.collm->EdgeWorkShare(), 0);
        EXPECT_LT(r.collm->EdgeWorkShare(), 1);
        EXPECT_NEAR(r.collm->EdgeWorkShare(),
                    1 - r.collm->cloudPartFlops / r.collm->fullFlops,
                    1e-9);
        EXPECT_NEAR(r.collm->CloudSaved(), 0, 1e-9);
    }
}

TEST(CeCollmMode, EveryUploadIsItsPositionsHiddenStatesPlusHeadersExactly)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const std::vector<std::string> overrides =
        With(kExact, {"mode=ce-collm", "ce_collm.threshold=1", "ce_collm.hidden_precision=fp16"});
    const auto results = RunScenario(workload, overrides);
    const auto frames = HiddenFrameBytes(workload, overrides);
    ExpectAllCompleted(results);
    const uint64_t hidden = 256; // the executed cloud LLM's width
    // Every hidden-state message crosses the backhaul, so its frame carries the 40-byte
    // authentication trailer (sequence number and tag; security.authenticate is on).
    const uint64_t header = FrameHeader::SERIALIZED_SIZE + MessageHeader::SERIALIZED_SIZE
                            + HiddenStateHeader::SERIALIZED_SIZE
                            + MessageAuthenticator::TRAILER_BYTES;
    for (const auto& r : results.requests)
    {
        ASSERT_TRUE(r.collm);
        // Every token deferred: the first deferral uploads the prompt, each later one the
        // previous token's position only (the context manager holds the rest).
        const uint64_t deferrals = r.collm->cloudTokens;
        EXPECT_EQ(deferrals, r.answerTokens);
        EXPECT_EQ(r.collm->uploads, deferrals);
        EXPECT_EQ(r.collm->positions, r.promptTokens + deferrals - 1);
        EXPECT_EQ(r.collm->hiddenBytes, (r.promptTokens + deferrals - 1) * hidden * 2);
        // On the wire, per deferral: the states as soon as the split is reached (the split has
        // an exit head, read while they travel), then the deferral itself (no payload) when
        // that head is not confident; and a release at the end. Each with its headers.
        EXPECT_EQ(frames.at(r.id), r.collm->hiddenBytes + (2 * deferrals + 1) * header);
    }
}

TEST(CeCollmMode, ThresholdZeroEmitsEveryTokenAtTheEdgeAndUploadsNothing)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const auto results =
        RunScenario(workload, With(kExact, {"mode=ce-collm", "ce_collm.threshold=0"}));
    ExpectAllCompleted(results);
    for (const auto& r : results.requests)
    {
        ASSERT_TRUE(r.collm);
        EXPECT_EQ(r.collm->edgeTokens, r.answerTokens);
        EXPECT_EQ(r.collm->cloudTokens, 0u);
        EXPECT_EQ(r.collm->hiddenBytes, 0u);
        EXPECT_EQ(r.backhaulBytes, 0u);
        EXPECT_EQ(r.collm->CloudSaved(), 1.0);
        EXPECT_EQ(r.collm->EdgeWorkShare(), 1.0);
    }
    EXPECT_EQ(results.cloudComputeS, 0);
}

TEST(CeCollmMode, TheStandaloneEdgeNeverReachesTheCloud)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    const auto standalone =
        RunScenario(workload, With(kExact, {"mode=ce-collm-edge", "ce_collm.threshold=1"}));
    const auto cloud = RunScenario(workload, With(kExact, {"mode=cloud-only"}));
    ExpectAllCompleted(standalone);
    uint64_t differing = 0;
    for (std::size_t i = 0; i < standalone.requests.size(); ++i)
    {
        const RequestRecord& r = standalone.requests[i];
        ASSERT_TRUE(r.collm && r.quality);
        EXPECT_EQ(r.collm->edgeTokens, r.answerTokens);
        EXPECT_EQ(r.backhaulBytes, 0u);
        differing += r.quality->bits != cloud.requests[i].quality->bits ? 1 : 0;
    }
    EXPECT_GT(differing, 0u); // the last exit head is not the cloud model
    EXPECT_EQ(standalone.cloudComputeS, 0);
    EXPECT_GT(standalone.edgeComputeS, 0);
}

TEST(CeCollmMode, AMiddleThresholdMixesExitsAndDeferralsDeterministically)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    // The declared llama-3-8b cut at 21 of 32 layers, prompts prefilled in chunks of 8 tokens
    // (a head read alone takes the last position's row, whatever the chunk), on the radio.
    const std::vector<std::string> overrides{"mode=ce-collm",
                                             "ce_collm.threshold=0.5",
                                             "edge.prefill_chunk_tokens=8",
                                             "topology.radio.enabled=true"};
    const auto a = RunScenario(workload, overrides);
    const auto b = RunScenario(workload, overrides);
    ExpectAllCompleted(a);
    EXPECT_EQ(RequestsCsv(a), RequestsCsv(b));
    uint64_t edge = 0;
    uint64_t deferred = 0;
    for (const auto& r : a.requests)
    {
        ASSERT_TRUE(r.collm);
        EXPECT_EQ(r.collm->edgeTokens + r.collm->cloudTokens, r.answerTokens);
        edge += r.collm->edgeTokens;
        deferred += r.collm->cloudTokens;
    }
    EXPECT_GT(edge, 0u);
    EXPECT_GT(deferred, 0u);
    for (const auto& link : a.links)
    {
        EXPECT_EQ(link.appBytesSent, link.appBytesReceived);
    }
    EXPECT_GT(a.cloudComputeS, 0);
    EXPECT_GT(a.edgeComputeS, 0);
}

TEST(CeCollmMode, StatesGoUpAsSoonAsATokenPassesTheFirstExitUnconfident)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    // Both heads below the split: a token confident at head 2 waits for the next deferral; one
    // that passes head 2 unconfident was already on its way up when it exits at head 4.
    const std::vector<std::string> common = With(kExact,
                                                 {"mode=ce-collm",
                                                  "ce_collm.split_layer=5",
                                                  "ce_collm.exit_layers=2,4",
                                                  "ce_collm.threshold=0.5"});
    const auto results = RunScenario(workload, common);
    ExpectAllCompleted(results);
    uint64_t uploads = 0;
    uint64_t deferrals = 0;
    for (const auto& r : results.requests)
    {
        ASSERT_TRUE(r.collm);
        // Each deferral carries its own position; each eager upload one exited token's.
        EXPECT_GE(r.collm->uploads, r.collm->cloudTokens);
        EXPECT_LE(r.collm->uploads, r.collm->cloudTokens + r.collm->edgeTokens);
        EXPECT_LE(r.collm->positions, r.promptTokens + r.answerTokens - 1);
        // Early exit saves the cloud the positions after the last deferral, no more.
        EXPECT_GE(r.collm->CloudSaved(), 0);
        EXPECT_LE(r.collm->CloudSaved(), 1);
        EXPECT_LT(r.collm->EdgeWorkShare(), 1);
        uploads += r.collm->uploads;
        deferrals += r.collm->cloudTokens;
    }
    EXPECT_GT(deferrals, 0u);
    EXPECT_GT(uploads, deferrals); // some states went up before any deferral asked for them
}

TEST(CeCollmMode, BadPoliciesNameTheirKey)
{
    const std::string workload = WriteWorkload(FreshTestDir());
    auto keyOf = [&workload](const std::string& assignment)
    {
        try
        {
            RunScenario(workload, {"mode=ce-collm", assignment});
        }
        catch (const ConfigError& error)
        {
            return error.GetPath();
        }
        return std::string("no error");
    };
    EXPECT_EQ(keyOf("ce_collm.exit_layers=3"), "ce_collm.exit_layers");   // no head after 3
    EXPECT_EQ(keyOf("ce_collm.exit_layers=4,2"), "ce_collm.exit_layers"); // not increasing
    EXPECT_EQ(keyOf("ce_collm.split_layer=6"), "ce_collm.split_layer");   // the whole model
    EXPECT_EQ(keyOf("ce_collm.exit_layers=x"), "ce_collm.exit_layers");
}

} // namespace
