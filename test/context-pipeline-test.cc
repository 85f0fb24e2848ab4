/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ContextPipeline: an edge computes the shallow layers of a context and loads the deeper ones'
// KV; overlapped and sequential schedules timed by hand, compared over a grid of plans, the
// edge-only case, announcements in any order, cancellation, refusal and the Stage trace.

#include "ns3/compute-engine.h"
#include "ns3/context-pipeline.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <tuple>

namespace
{

using namespace ns3;
using Plan = ContextPipeline::Plan;
/// A Stage trace record: (first executed layer, one past the last, local, when).
using StageRecord = std::tuple<uint32_t, uint32_t, bool, Time>;

/// Everything a pipeline reported.
struct Outcome
{
    std::vector<Time> tokens;        //!< when each token came
    bool lastFlagged = false;        //!< the last token was flagged as last
    uint32_t failures = 0;           //!< failure callbacks
    std::vector<StageRecord> stages; //!< Stage trace
    Time busy;                       //!< engine busy time at the end
    bool done = false;               //!< IsDone at the end

    void Token(uint64_t id, uint32_t index, bool last)
    {
        EXPECT_EQ(id, 7u);
        EXPECT_EQ(index, tokens.size());
        tokens.push_back(Simulator::Now());
        lastFlagged = last;
    }

    void Failure(uint64_t id)
    {
        EXPECT_EQ(id, 7u);
        ++failures;
    }

    void Stage(uint64_t id, uint32_t begin, uint32_t end, bool local)
    {
        EXPECT_EQ(id, 7u);
        stages.emplace_back(begin, end, local, Simulator::Now());
    }
};

/**
 * A declared model whose stages are timed by hand: reading weights costs nothing (0 bytes per
 * weight), keys and values take 1 byte per element and 250 elements each, so a token's KV is
 * 500 bytes per layer; the head writes 250 FP32 logits (1,000 bytes) per row. On ToyDevice
 * every stage is bound by those bytes: a layer costs 500 x (keys read + tokens written) bytes.
 */
ModelProfile
ToyModel(int64_t layers)
{
    ModelProfile model;
    model.name = "toy";
    model.shape.numLayers = layers;
    model.shape.hiddenSize = 8;
    model.shape.numHeads = 1;
    model.shape.numKvHeads = 1;
    model.shape.headDim = 250;
    model.shape.intermediateSize = 8;
    model.shape.vocabSize = 250;
    model.shape.maxPositions = 1 << 20;
    model.bytesPerWeight = 0;
    model.bytesPerKv = 1;
    return model;
}

/// 100 MB/s of memory (1 ms per 100,000 bytes) and so many FLOP/s that FLOPs never bind.
DeviceProfile
ToyDevice()
{
    DeviceProfile device;
    device.name = "toy";
    device.peakFlops = 1e18;
    device.memoryBandwidth = 1e8;
    device.memoryBytes = 1e12;
    device.efficiency = 1;
    device.maxBatch = 8;
    return device;
}

/// An engine with `model` on `device` that prefills a stage in one iteration.
Ptr<ComputeEngine>
MakeEngine(const ModelProfile& model, const DeviceProfile& device)
{
    auto engine = CreateObject<ComputeEngine>();
    engine->SetModel(model);
    engine->SetDevice(device);
    engine->SetAttribute("PrefillChunkTokens", UintegerValue(4096));
    return engine;
}

/// The hand-timed request: 1,000 context tokens, a 100-token query, 6 answer tokens, job 7.
Plan
ToyPlan(uint32_t layers, uint32_t local, PipelineSchedule schedule)
{
    Plan plan;
    plan.jobId = 7;
    plan.layers = layers;
    plan.localLayers = local;
    plan.contextTokens = 1000;
    plan.queryTokens = 100;
    plan.answerTokens = 6;
    plan.schedule = schedule;
    return plan;
}

/// A configured pipeline reporting into `outcome`.
Ptr<ContextPipeline>
MakePipeline(Ptr<ComputeEngine> engine, const Plan& plan, Outcome& outcome)
{
    auto pipeline = CreateObject<ContextPipeline>();
    pipeline->Configure(engine,
                        plan,
                        MakeCallback(&Outcome::Token, &outcome),
                        MakeCallback(&Outcome::Failure, &outcome));
    pipeline->TraceConnectWithoutContext("Stage", MakeCallback(&Outcome::Stage, &outcome));
    return pipeline;
}

/// Run one request alone: start at 0, loaded layer l announced at arrival[l - localLayers].
Outcome
Simulate(Ptr<ComputeEngine> engine, const Plan& plan, const std::vector<Time>& arrival)
{
    Outcome outcome;
    auto pipeline = MakePipeline(engine, plan, outcome);
    for (uint32_t i = 0; i < arrival.size(); ++i)
    {
        Simulator::Schedule(arrival[i],
                            &ContextPipeline::LayerAvailable,
                            pipeline,
                            plan.localLayers + i);
    }
    pipeline->Start();
    Simulator::Run();
    outcome.busy = engine->GetBusyTime();
    outcome.done = pipeline->IsDone();
    Simulator::Destroy();
    return outcome;
}

/// Check a Stage record; `ms` is when it was submitted (to the engine's nanosecond rounding).
void
ExpectStage(const StageRecord& stage, uint32_t begin, uint32_t end, bool local, double ms)
{
    EXPECT_EQ(std::get<0>(stage), begin);
    EXPECT_EQ(std::get<1>(stage), end);
    EXPECT_EQ(std::get<2>(stage), local);
    EXPECT_NEAR(std::get<3>(stage).GetSeconds() * 1e3, ms, 1e-5) << begin << "-" << end;
}

/// \return t in milliseconds
double
Ms(const Time& t)
{
    return t.GetSeconds() * 1e3;
}

class ContextPipelineTest : public ::testing::Test
{
  protected:
    void TearDown() override
    {
        Simulator::Destroy();
    }
};

TEST_F(ContextPipelineTest, HandTimedOverlappedAndSequential)
{
    // 4 executed = 4 declared layers, layer 0 local, layers 1-3 arrive at 5, 30 and 33 ms.
    // Local stage: 1,100 tokens from scratch, 500 x (1,100 read + 1,100 written) = 1.1 MB:
    // 11 ms. Loaded stage per layer: 100 tokens after 1,000, 500 x (1,100 + 100) = 0.6 MB:
    // 6 ms; the head adds 1,000 bytes: 0.01 ms. (Tolerances: Time rounds to nanoseconds.)
    const std::vector<Time> arrival{MilliSeconds(5), MilliSeconds(30), MilliSeconds(33)};
    const auto model = ToyModel(4);
    const auto device = ToyDevice();

    // Overlapped: local 0-11; layer 1 (there since 5) 11-17; layer 2 arrives at 30: 30-36;
    // layer 3 (there since 33) 36-42.01. TTFT = max(max(max(11, 5) + 6, 30) + 6, 33) + 6.01.
    const Plan overlapped = ToyPlan(4, 1, PIPELINE_OVERLAPPED);
    const Outcome over = Simulate(MakeEngine(model, device), overlapped, arrival);
    ASSERT_EQ(over.tokens.size(), 6u);
    EXPECT_NEAR(Ms(over.tokens[0]), 42.01, 1e-5);
    EXPECT_EQ(over.tokens[0],
              ContextPipeline::EstimateTtft(model, device, overlapped, arrival, Time(0)));
    ASSERT_EQ(over.stages.size(), 4u);
    ExpectStage(over.stages[0], 0, 1, true, 0);
    ExpectStage(over.stages[1], 1, 2, false, 11);
    ExpectStage(over.stages[2], 2, 3, false, 30);
    ExpectStage(over.stages[3], 3, 4, false, 36);

    // Sequential: nothing before the last layer at 33; local 33-44, then layers 1-3 as one
    // stage, 3 x 6 + 0.01 = 18.01 ms: TTFT = 33 + 11 + 18.01 = 62.01 ms.
    const Plan sequential = ToyPlan(4, 1, PIPELINE_SEQUENTIAL);
    const Outcome seq = Simulate(MakeEngine(model, device), sequential, arrival);
    ASSERT_EQ(seq.tokens.size(), 6u);
    EXPECT_NEAR(Ms(seq.tokens[0]), 62.01, 1e-5);
    EXPECT_EQ(seq.tokens[0],
              ContextPipeline::EstimateTtft(model, device, sequential, arrival, Time(0)));
    ASSERT_EQ(seq.stages.size(), 2u);
    ExpectStage(seq.stages[0], 0, 1, true, 33);
    ExpectStage(seq.stages[1], 1, 4, false, 44);

    // The same work: every answer token, and the same busy time (up to the engine's rounding
    // of each iteration to a nanosecond).
    EXPECT_TRUE(over.done && seq.done && over.lastFlagged && seq.lastFlagged);
    EXPECT_NEAR(Ms(over.busy), Ms(seq.busy), 1e-5);
    // An engine busy for 20 ms first: max(max(max(20 + 11, 5) + 6, 30) + 6, 33) + 6.01.
    EXPECT_NEAR(
        Ms(ContextPipeline::EstimateTtft(model, device, overlapped, arrival, MilliSeconds(20))),
        49.01,
        1e-5);
}

/// The stages tile the layers: the local ones first (if any), then runs of loaded layers.
void
ExpectStagesTile(const std::vector<StageRecord>& stages, const Plan& plan)
{
    uint32_t next = 0;
    for (const auto& [begin, end, local, when] : stages)
    {
        EXPECT_EQ(begin, next);
        EXPECT_LT(begin, end);
        EXPECT_EQ(local, begin < plan.localLayers);
        EXPECT_TRUE(!local || end == plan.localLayers);
        next = end;
    }
    EXPECT_EQ(next, plan.layers);
}

/// Arrival patterns of n loaded layers, relative to the start.
std::vector<std::vector<Time>>
ArrivalPatterns(uint32_t n)
{
    if (n == 0)
    {
        return {{}};
    }
    std::vector<std::vector<Time>> patterns(6, std::vector<Time>(n));
    for (uint32_t i = 0; i < n; ++i)
    {
        patterns[0][i] = MilliSeconds(3 * (i + 1));         // streaming in, fast
        patterns[1][i] = MilliSeconds(20 * (i + 1));        // streaming in, slow
        patterns[2][i] = MilliSeconds(15);                  // all together
        patterns[3][i] = MilliSeconds(4 * (n - i));         // deepest first
        patterns[4][i] = MilliSeconds(i + 1 == n ? 40 : 1); // one straggler
        patterns[5][i] = Time(0);                           // already there: no loading time
    }
    return patterns;
}

TEST_F(ContextPipelineTest, OverlappingNeverLosesAndWinsWhenThereIsSomethingToOverlap)
{
    // A 1B declared model on a Jetson, the 4-layer executed edge model: executed layer l is
    // declared layers [4l, 4l + 4). 400 context + 40 query tokens fit one prefill iteration.
    const auto model = ModelProfile::Get("llama-3.2-1b");
    const auto device = DeviceProfile::Get("jetson-orin");
    for (uint32_t local = 0; local <= 4; ++local)
    {
        for (const auto& arrival : ArrivalPatterns(4 - local))
        {
            Plan plan;
            plan.jobId = 7;
            plan.layers = 4;
            plan.localLayers = local;
            plan.contextTokens = 400;
            plan.queryTokens = 40;
            plan.answerTokens = 5;
            plan.schedule = PIPELINE_OVERLAPPED;
            const Outcome over = Simulate(MakeEngine(model, device), plan, arrival);
            const Time overEstimate =
                ContextPipeline::EstimateTtft(model, device, plan, arrival, Time(0));
            plan.schedule = PIPELINE_SEQUENTIAL;
            const Outcome seq = Simulate(MakeEngine(model, device), plan, arrival);
            const Time seqEstimate =
                ContextPipeline::EstimateTtft(model, device, plan, arrival, Time(0));
            const Time last =
                arrival.empty() ? Time(0) : *std::max_element(arrival.begin(), arrival.end());
            SCOPED_TRACE("local " + std::to_string(local) + ", last arrival "
                         + std::to_string(Ms(last)));
            ASSERT_EQ(over.tokens.size(), 5u);
            ASSERT_EQ(seq.tokens.size(), 5u);
            EXPECT_TRUE(over.done && seq.done && over.lastFlagged && seq.lastFlagged);
            ExpectStagesTile(over.stages, plan);
            ExpectStagesTile(seq.stages, plan);
            EXPECT_LE(seq.stages.size(), 2u); // local, then everything loaded at once
            // Equal work (iterations rounded to a nanosecond each).
            EXPECT_NEAR(Ms(over.busy), Ms(seq.busy), 1e-5);
            // Alone on the engine and unchunked, the estimate is the simulation.
            EXPECT_NEAR(Ms(overEstimate), Ms(over.tokens[0]), 1e-5);
            EXPECT_NEAR(Ms(seqEstimate), Ms(seq.tokens[0]), 1e-5);
            // Something computes before the last layer has arrived: the local layers, or the
            // first loaded layer arriving before the last.
            const bool overlap =
                !arrival.empty() && last > Time(0) && (local > 0 || arrival.front() < last);
            if (overlap)
            {
                EXPECT_LT(over.tokens[0], seq.tokens[0]);
            }
            else
            {
                EXPECT_NEAR(Ms(over.tokens[0]), Ms(seq.tokens[0]), 1e-5);
            }
        }
    }
}

TEST_F(ContextPipelineTest, NothingLoadedIsOneJobLikeTheEdgeOnlyMode)
{
    // 1,500 context + 40 query tokens through all 4 executed layers, prefilled in 512-token
    // chunks like any other job.
    const auto model = ModelProfile::Get("llama-3.2-1b");
    const auto device = DeviceProfile::Get("jetson-orin");
    Plan plan;
    plan.jobId = 7;
    plan.layers = 4;
    plan.localLayers = 4;
    plan.contextTokens = 1500;
    plan.queryTokens = 40;
    plan.answerTokens = 5;
    for (const auto schedule : {PIPELINE_OVERLAPPED, PIPELINE_SEQUENTIAL})
    {
        plan.schedule = schedule;
        auto engine = MakeEngine(model, device);
        engine->SetAttribute("PrefillChunkTokens", UintegerValue(512));
        const Outcome pipelined = Simulate(engine, plan, {});
        ASSERT_EQ(pipelined.stages.size(), 1u);
        ExpectStage(pipelined.stages[0], 0, 4, true, 0);

        auto plain = MakeEngine(model, device);
        plain->SetAttribute("PrefillChunkTokens", UintegerValue(512));
        Outcome direct;
        ComputeJob job;
        job.id = 7;
        job.promptTokens = 1540;
        job.outputTokens = 5;
        job.tokenCallback = MakeCallback(&Outcome::Token, &direct);
        ASSERT_TRUE(plain->Submit(job));
        Simulator::Run();
        EXPECT_EQ(pipelined.tokens, direct.tokens);
        EXPECT_EQ(pipelined.busy, plain->GetBusyTime());
        Simulator::Destroy();
    }
}

TEST_F(ContextPipelineTest, AnnouncementsInAnyOrderBeforeOrAfterStart)
{
    const auto model = ToyModel(4);
    const auto device = ToyDevice();
    const Plan plan = ToyPlan(4, 1, PIPELINE_OVERLAPPED);
    Outcome outcome;
    auto pipeline = MakePipeline(MakeEngine(model, device), plan, outcome);
    pipeline->LayerAvailable(3); // before Start
    pipeline->LayerAvailable(3); // again
    pipeline->LayerAvailable(0); // a local layer: ignored
    pipeline->LayerAvailable(9); // no such layer: ignored
    pipeline->Start();
    pipeline->Start(); // at most once
    Simulator::Schedule(MilliSeconds(5), &ContextPipeline::LayerAvailable, pipeline, 2);
    Simulator::Schedule(MilliSeconds(6), &ContextPipeline::LayerAvailable, pipeline, 2);
    Simulator::Schedule(MilliSeconds(20), &ContextPipeline::LayerAvailable, pipeline, 1);
    Simulator::Schedule(MilliSeconds(25), &ContextPipeline::LayerAvailable, pipeline, 1);
    Simulator::Run();
    // Local 0-11; layer 1 comes at 20 and layers 1-3 run as one stage: 20 + 18.01 = 38.01 ms.
    ASSERT_EQ(outcome.stages.size(), 2u);
    ExpectStage(outcome.stages[0], 0, 1, true, 0);
    ExpectStage(outcome.stages[1], 1, 4, false, 20);
    ASSERT_EQ(outcome.tokens.size(), 6u);
    EXPECT_NEAR(Ms(outcome.tokens[0]), 38.01, 1e-5);
    EXPECT_TRUE(pipeline->IsDone());
    const std::vector<Time> arrival{MilliSeconds(20), MilliSeconds(5), Time(0)};
    EXPECT_NEAR(Ms(ContextPipeline::EstimateTtft(model, device, plan, arrival, Time(0))),
                38.01,
                1e-5);
}

TEST_F(ContextPipelineTest, CancelAndDisposeStopEveryCallback)
{
    for (const bool dispose : {false, true})
    {
        // Stopped at 13 ms, in layer 1's stage (11-17): no token, no failure, no stage after.
        auto engine = MakeEngine(ToyModel(4), ToyDevice());
        Outcome outcome;
        auto pipeline = MakePipeline(engine, ToyPlan(4, 1, PIPELINE_OVERLAPPED), outcome);
        for (uint32_t layer = 1; layer < 4; ++layer)
        {
            Simulator::Schedule(MilliSeconds(10 * layer),
                                &ContextPipeline::LayerAvailable,
                                pipeline,
                                layer);
        }
        pipeline->Start();
        Simulator::Schedule(MilliSeconds(13),
                            [pipeline, engine, dispose]()
                            {
                                dispose ? pipeline->Dispose() : pipeline->Cancel();
                                EXPECT_EQ(engine->GetRunning() + engine->GetQueueLength(), 0u);
                            });
        Simulator::Run();
        EXPECT_EQ(outcome.stages.size(), 2u);
        EXPECT_TRUE(outcome.tokens.empty());
        EXPECT_EQ(outcome.failures, 0u);
        EXPECT_FALSE(pipeline->IsDone());
        Simulator::Destroy();
    }
    // Cancelled from its first token: no other token.
    auto engine = MakeEngine(ToyModel(4), ToyDevice());
    auto pipeline = CreateObject<ContextPipeline>();
    uint32_t tokens = 0;
    pipeline->Configure(engine,
                        ToyPlan(4, 4, PIPELINE_OVERLAPPED),
                        ContextPipeline::TokenCallback(
                            [&tokens, pipeline](uint64_t, uint32_t, bool)
                            {
                                ++tokens;
                                pipeline->Cancel();
                            }),
                        ContextPipeline::FailureCallback());
    pipeline->Start();
    Simulator::Run();
    EXPECT_EQ(tokens, 1u);
    EXPECT_EQ(engine->GetRunning(), 0u);
}

TEST_F(ContextPipelineTest, ARefusedStageIsReportedOnceFromItsOwnEvent)
{
    // A stage's reservation on the toy model (2,000 bytes of KV per token over 4 layers):
    // local 1,100 x 2,000 / 4 = 550 kB; a loaded prefill-only layer its query only (the loaded
    // context is held elsewhere): 100 x 2,000 / 4 = 50 kB; the last stage, with its outputs,
    // every layer of its query and answer: 106 tokens, 212 kB (1,100 with 1,000 answer tokens,
    // 2.2 MB).
    auto device = ToyDevice();
    device.memoryBytes = 1e5; // nothing fits
    Outcome early;
    auto refused =
        MakePipeline(MakeEngine(ToyModel(4), device), ToyPlan(4, 1, PIPELINE_OVERLAPPED), early);
    refused->Start();
    EXPECT_EQ(early.failures, 0u); // not from inside Start
    Simulator::Schedule(MilliSeconds(1), &ContextPipeline::LayerAvailable, refused, 1);
    Simulator::Run();
    EXPECT_EQ(early.failures, 1u);
    EXPECT_TRUE(early.stages.empty());
    Simulator::Destroy();

    // Cancelled before the report: no report.
    Outcome silent;
    auto cancelled =
        MakePipeline(MakeEngine(ToyModel(4), device), ToyPlan(4, 1, PIPELINE_OVERLAPPED), silent);
    cancelled->Start();
    cancelled->Cancel();
    Simulator::Run();
    EXPECT_EQ(silent.failures, 0u);
    Simulator::Destroy();

    // Room for the prefill-only stages, not for the last one with 1,000 answer tokens: refused
    // at 36 ms, when layer 2's stage (30-36) ends.
    device.memoryBytes = 1e6;
    Plan longAnswer = ToyPlan(4, 1, PIPELINE_OVERLAPPED);
    longAnswer.answerTokens = 1000;
    const Outcome late = Simulate(MakeEngine(ToyModel(4), device),
                                  longAnswer,
                                  {MilliSeconds(5), MilliSeconds(30), MilliSeconds(33)});
    EXPECT_EQ(late.failures, 1u);
    EXPECT_EQ(late.stages.size(), 3u);
    EXPECT_TRUE(late.tokens.empty());
    EXPECT_FALSE(late.done);
}

TEST_F(ContextPipelineTest, ExecutedLayersMapOntoDeclaredLayers)
{
    EXPECT_EQ(ContextPipeline::DeclaredLayer(0, 4, 16), 0);
    EXPECT_EQ(ContextPipeline::DeclaredLayer(3, 4, 16), 12);
    EXPECT_EQ(ContextPipeline::DeclaredLayer(4, 4, 16), 16);
    EXPECT_EQ(ContextPipeline::DeclaredLayer(1, 6, 32), 5);
    EXPECT_EQ(ContextPipeline::DeclaredLayer(5, 6, 32), 26);
    // 6 executed layers on a 4-layer declared model: floor(4 l / 6) = 0 0 1 2 2 3 4. Executed
    // layers 0 and 3 stand for no declared layer: their stages cost nothing and are skipped.
    const auto model = ToyModel(4);
    const auto device = ToyDevice();
    const Plan plan = ToyPlan(6, 1, PIPELINE_OVERLAPPED);
    std::vector<Time> arrival;
    for (uint32_t layer = 1; layer < 6; ++layer)
    {
        arrival.push_back(MilliSeconds(10 * layer));
    }
    const Outcome outcome = Simulate(MakeEngine(model, device), plan, arrival);
    // Layer 1 (declared 0) 10-16, layer 2 (declared 1) 20-26, layer 3 nothing, layer 4
    // (declared 2) 40-46, layer 5 (declared 3, with the head) 50-56.01.
    ASSERT_EQ(outcome.stages.size(), 4u);
    ExpectStage(outcome.stages[0], 1, 2, false, 10);
    ExpectStage(outcome.stages[1], 2, 3, false, 20);
    ExpectStage(outcome.stages[2], 4, 5, false, 40);
    ExpectStage(outcome.stages[3], 5, 6, false, 50);
    ASSERT_EQ(outcome.tokens.size(), 6u);
    EXPECT_NEAR(Ms(outcome.tokens[0]), 56.01, 1e-5);
    EXPECT_EQ(outcome.tokens[0],
              ContextPipeline::EstimateTtft(model, device, plan, arrival, Time(0)));
}

} // namespace
