/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The compute engine in simulated time: per-iteration roofline timing computed by hand,
// continuous batching, chunked prefill and memory admission.

#include "ns3/compute-engine.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <map>

namespace
{

using namespace ns3;

/// Records every token's arrival time per job.
struct TokenLog
{
    std::map<uint64_t, std::vector<Time>> times;
    std::vector<uint64_t> done;

    void Token(uint64_t id, uint32_t index, bool)
    {
        EXPECT_EQ(index, times[id].size());
        times[id].push_back(Simulator::Now());
    }

    void Done(uint64_t id)
    {
        done.push_back(id);
    }
};

ComputeJob
Job(uint64_t id, int64_t prompt, int64_t output, TokenLog& log)
{
    ComputeJob job;
    job.id = id;
    job.promptTokens = prompt;
    job.outputTokens = output;
    job.tokenCallback = MakeCallback(&TokenLog::Token, &log);
    job.doneCallback = MakeCallback(&TokenLog::Done, &log);
    return job;
}

/// Roofline time of one iteration, rounded to ns like the engine's Time.
Time
IterationTime(const ComputeEngine& engine, const std::vector<ModelProfile::Work>& batch)
{
    const auto cost = engine.GetModel().BatchCost(batch);
    return Seconds(engine.GetDevice().Seconds(cost.flops, cost.BytesRead() + cost.BytesWritten()));
}

class ComputeEngineTest : public ::testing::Test
{
  protected:
    void TearDown() override
    {
        Simulator::Destroy();
    }
};

TEST_F(ComputeEngineTest, SingleJobTimingIsPrefillThenOneRooflineStepPerToken)
{
    auto engine = CreateObject<ComputeEngine>(); // a100, llama-3-8b
    TokenLog log;
    ASSERT_TRUE(engine->Submit(Job(1, 300, 5, log)));
    Simulator::Run();
    ASSERT_EQ(log.times[1].size(), 5u);
    Time expected = IterationTime(*engine, {{300, 0, 1}});
    EXPECT_EQ(log.times[1][0], expected);
    for (int k = 1; k < 5; ++k)
    {
        expected += IterationTime(*engine, {{1, 300 + k - 1, 1}});
        EXPECT_EQ(log.times[1][k], expected) << "token " << k;
    }
    EXPECT_EQ(log.done, std::vector<uint64_t>{1});
    EXPECT_EQ(engine->GetBusyTime(), expected);
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), engine->GetModel().WeightBytes());
    // A decode step of an 8B model on an A100 is memory-bound: every weight but the embedding
    // table, 15.0 GB, at 0.6 x 2,039 GB/s takes 12.3 ms.
    EXPECT_NEAR((log.times[1][1] - log.times[1][0]).GetSeconds(), 0.0123, 0.0002);
}

TEST_F(ComputeEngineTest, LongPromptsArePrefilledInChunks)
{
    auto engine = CreateObject<ComputeEngine>();
    engine->SetAttribute("PrefillChunkTokens", UintegerValue(512));
    TokenLog log;
    engine->Submit(Job(1, 1000, 1, log));
    Simulator::Run();
    EXPECT_EQ(log.times[1][0],
              IterationTime(*engine, {{512, 0, 0}}) + IterationTime(*engine, {{488, 512, 1}}));
}

/// Tokens per second of `jobs` identical requests submitted at once.
double
Throughput(uint32_t jobs, uint32_t maxBatch)
{
    auto engine = CreateObject<ComputeEngine>();
    engine->SetAttribute("MaxBatch", UintegerValue(maxBatch));
    TokenLog log;
    for (uint32_t i = 0; i < jobs; ++i)
    {
        engine->Submit(Job(i, 128, 64, log));
    }
    Simulator::Run();
    const double seconds = Simulator::Now().GetSeconds();
    Simulator::Destroy();
    return jobs * 64 / seconds;
}

TEST_F(ComputeEngineTest, ContinuousBatchingRaisesThroughputUpToTheRoofline)
{
    const double one = Throughput(1, 0);
    const double eight = Throughput(8, 0);
    const double sixtyFour = Throughput(64, 0);
    const double many = Throughput(256, 0);
    EXPECT_GT(eight, 5 * one); // memory-bound decode: batching is almost free
    EXPECT_GT(sixtyFour, 4 * eight);
    EXPECT_GT(many, sixtyFour);
    // Bounded by the compute roofline: 2 FLOPs per parameter per token at most.
    const auto a100 = DeviceProfile::Get("a100");
    const auto llama = ModelProfile::Get("llama-3-8b");
    EXPECT_LT(many, a100.peakFlops * a100.efficiency / (2.0 * llama.shape.ParameterCount()));
    // Without batching, more load does not help.
    EXPECT_NEAR(Throughput(16, 1) / one, 1.0, 0.05);
}

TEST_F(ComputeEngineTest, AdmissionWaitsForMemoryAndRejectsWhatCanNeverFit)
{
    auto engine = CreateObject<ComputeEngine>();
    DeviceProfile small = DeviceProfile::Get("a100");
    const ModelProfile llama = ModelProfile::Get("llama-3-8b");
    // Room for exactly two jobs of 1000 + 24 tokens of KV next to the weights.
    small.memoryBytes = llama.WeightBytes() + 2 * 1024 * llama.KvBytesPerToken();
    engine->SetDevice(small);
    TokenLog log;
    std::vector<std::pair<uint64_t, Time>> starts;
    engine->TraceConnectWithoutContext(
        "JobStart",
        MakeCallback(+[](std::vector<std::pair<uint64_t, Time>>* s, uint64_t id, Time)
                     {
                         s->emplace_back(id, Simulator::Now());
                     })
            .Bind(&starts));
    EXPECT_FALSE(engine->Submit(Job(9, 3000, 10, log))); // never fits
    EXPECT_FALSE(engine->Submit(Job(8, 0, 10, log)));    // no prompt
    for (uint64_t id = 1; id <= 3; ++id)
    {
        ASSERT_TRUE(engine->Submit(Job(id, 1000, 24, log)));
    }
    // The first job starts at once; the others join at the next iteration boundary.
    EXPECT_EQ(engine->GetRunning(), 1u);
    EXPECT_EQ(engine->GetQueueLength(), 2u);
    Simulator::Run();
    ASSERT_EQ(starts.size(), 3u);
    EXPECT_EQ(starts[2].first, 3u);
    // Job 3 starts exactly when the first job's memory is released.
    EXPECT_EQ(starts[2].second, log.times[1].back());
    EXPECT_EQ(log.done.size(), 3u);
}

TEST_F(ComputeEngineTest, CancelledJobsProduceNothingAndCallbacksMaySubmit)
{
    auto engine = CreateObject<ComputeEngine>();
    TokenLog log;
    engine->Submit(Job(1, 10, 3, log));
    engine->Submit(Job(2, 10, 3, log));
    EXPECT_TRUE(engine->Cancel(2));
    EXPECT_FALSE(engine->Cancel(7));
    ComputeJob chained = Job(3, 10, 2, log);
    ComputeJob first = Job(4, 10, 1, log);
    first.doneCallback = Callback<void, uint64_t>(
        [engine, chained](uint64_t)
        {
            EXPECT_TRUE(engine->Submit(chained));
        });
    engine->Submit(first);
    Simulator::Run();
    EXPECT_EQ(log.times.count(2), 0u);
    EXPECT_EQ(log.times[1].size(), 3u);
    EXPECT_EQ(log.times[3].size(), 2u);
    EXPECT_GT(log.times[3][0], log.times[4][0]);
}

TEST_F(ComputeEngineTest, CachesAreChargedToMemoryAndJobsOnThemReserveOnlyTheirOwnTokens)
{
    auto engine = CreateObject<ComputeEngine>(); // a100 (80 GB), llama-3-8b
    const double weights = engine->GetModel().WeightBytes();
    const double perToken = engine->GetModel().KvBytesPerToken();
    EXPECT_DOUBLE_EQ(engine->GetFreeMemory(), engine->GetDevice().memoryBytes - weights);
    engine->SetCacheBytes("context-cache", 1e9);
    engine->SetCacheBytes("store", 2e9);
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights + 3e9);
    engine->SetCacheBytes("store", 1e9); // replaces what the store held
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights + 2e9);

    // A job on 1,000 cached tokens a cache holds reserves its own 10 + 5 tokens only.
    TokenLog log;
    ComputeJob held = Job(1, 10, 5, log);
    held.cachedTokens = 1000;
    held.cachedHeld = true;
    ASSERT_TRUE(engine->Submit(held));
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights + 2e9 + 15 * perToken);
    Simulator::Run();
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights + 2e9);

    // A cache that fills the memory keeps a job out until it shrinks.
    const double room = engine->GetFreeMemory();
    engine->SetCacheBytes("store", room - 1e9 - 100 * perToken); // 100 tokens left
    EXPECT_FALSE(engine->Submit(Job(2, 1000, 10, log)));         // can never fit beside the caches
    ASSERT_TRUE(engine->Submit(Job(3, 50, 10, log)));            // 60 tokens fit
    Simulator::Run();
    EXPECT_EQ(log.times[3].size(), 10u);
    EXPECT_EQ(log.times.count(2), 0u);
}

/// A chain of one-token steps (as ce-collm's per-token jobs): each step's done callback submits
/// the next, one position further; records when each step finishes.
struct TokenChain
{
    Ptr<ComputeEngine> engine;
    int64_t cached{0};
    uint32_t steps{0};
    std::vector<Time> finished;

    void Submit()
    {
        ComputeJob step;
        step.id = 100 + finished.size();
        step.cachedTokens = cached + static_cast<int64_t>(finished.size());
        step.promptTokens = 1;
        step.outputTokens = 1;
        step.doneCallback = MakeCallback(&TokenChain::Done, this);
        ASSERT_TRUE(engine->Submit(step));
    }

    void Done(uint64_t)
    {
        finished.push_back(Simulator::Now());
        if (finished.size() < steps)
        {
            Submit();
        }
    }
};

TEST_F(ComputeEngineTest, AJobSubmittedFromACallbackJoinsTheVeryNextIteration)
{
    // Alone, each step of the chain takes its own roofline.
    auto alone = CreateObject<ComputeEngine>();
    TokenChain isolated{alone, 100, 6, {}};
    isolated.Submit();
    Simulator::Run();
    ASSERT_EQ(isolated.finished.size(), 6u);
    for (uint32_t k = 1; k < 6; ++k)
    {
        EXPECT_EQ(isolated.finished[k] - isolated.finished[k - 1],
                  IterationTime(*alone, {{1, 100 + k, 1}}))
            << "step " << k;
    }
    Simulator::Destroy();

    // Beside a decoding job, each step still takes exactly one iteration: the batch of the
    // other job's decode step and this step, never an iteration of the other job alone first.
    auto engine = CreateObject<ComputeEngine>();
    TokenLog log;
    ASSERT_TRUE(engine->Submit(Job(1, 10, 40, log)));
    TokenChain loaded{engine, 100, 6, {}};
    loaded.Submit();
    Simulator::Run();
    ASSERT_EQ(loaded.finished.size(), 6u);
    // The other job's prefill started alone, when it was submitted; the first step joined the
    // iteration after it.
    EXPECT_EQ(loaded.finished[0],
              IterationTime(*engine, {{10, 0, 1}})
                  + IterationTime(*engine, {{1, 10, 1}, {1, 100, 1}}));
    for (uint32_t k = 1; k < 6; ++k)
    {
        // Iteration k + 2: the other job decodes its token k + 1 (10 + k cached), step k runs.
        const Time iteration = IterationTime(*engine, {{1, 10 + k, 1}, {1, 100 + k, 1}});
        EXPECT_EQ(loaded.finished[k] - loaded.finished[k - 1], iteration) << "step " << k;
        EXPECT_EQ(log.times[1][k + 1], loaded.finished[k]) << "step " << k;
    }
}

/// `job` restricted to the prefill layers [begin, end) after `cached` tokens.
ComputeJob
Ranged(ComputeJob job, int64_t cached, int32_t begin, int32_t end)
{
    job.cachedTokens = cached;
    job.prefillLayerBegin = begin;
    job.prefillLayerEnd = end;
    return job;
}

TEST_F(ComputeEngineTest, InvalidLayerRangesAreRefused)
{
    auto engine = CreateObject<ComputeEngine>(); // llama-3-8b: 32 layers
    TokenLog log;
    EXPECT_FALSE(engine->Submit(Ranged(Job(1, 10, 0, log), 0, -1, 8)));  // begin < 0
    EXPECT_FALSE(engine->Submit(Ranged(Job(2, 10, 0, log), 0, 0, -2)));  // end < -1
    EXPECT_FALSE(engine->Submit(Ranged(Job(3, 10, 0, log), 0, 0, 33)));  // beyond the model
    EXPECT_FALSE(engine->Submit(Ranged(Job(4, 10, 0, log), 0, 8, 8)));   // empty
    EXPECT_FALSE(engine->Submit(Ranged(Job(5, 10, 0, log), 0, 32, -1))); // empty
    EXPECT_FALSE(engine->Submit(Ranged(Job(6, 10, 2, log), 0, 0, 16)));  // outputs, no head
    EXPECT_EQ(engine->GetQueueLength() + engine->GetRunning(), 0u);
    EXPECT_TRUE(engine->Submit(Ranged(Job(7, 10, 0, log), 0, 0, 16)));
    EXPECT_TRUE(engine->Submit(Ranged(Job(8, 10, 2, log), 5, 16, 32)));
    Simulator::Run();
    EXPECT_EQ(log.done, (std::vector<uint64_t>{7, 8}));
}

TEST_F(ComputeEngineTest, PartialPrefillIsPricedAndReservedOnItsLayers)
{
    auto engine = CreateObject<ComputeEngine>();
    const double weights = engine->GetModel().WeightBytes();
    const double kvPerToken = engine->GetModel().KvBytesPerToken();
    TokenLog log;
    // 1,000 tokens after 200 cached through layers [4, 12) of 32, prefill only: two chunks
    // without the LM head (its hidden state goes to another stage), KV of 8 layers of 1,200
    // tokens reserved while it runs.
    ASSERT_TRUE(engine->Submit(Ranged(Job(1, 1000, 0, log), 200, 4, 12)));
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights + 1200 * kvPerToken * 8 / 32);
    Simulator::Run();
    EXPECT_EQ(log.done, std::vector<uint64_t>{1});
    EXPECT_EQ(Simulator::Now(),
              IterationTime(*engine, {{512, 200, 0, 4, 12}})
                  + IterationTime(*engine, {{488, 712, 0, 4, 12}}));
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights);
}

TEST_F(ComputeEngineTest, DeepStageWithOutputsDecodesThroughEveryLayer)
{
    auto engine = CreateObject<ComputeEngine>();
    const double weights = engine->GetModel().WeightBytes();
    const double kvPerToken = engine->GetModel().KvBytesPerToken();
    TokenLog log;
    // 30 query tokens after 400 context tokens through layers [20, 32), then 3 tokens: the
    // prefill's last logits give token 0, decode steps run every layer and every layer's KV is
    // reserved for the whole job.
    ASSERT_TRUE(engine->Submit(Ranged(Job(1, 30, 3, log), 400, 20, -1)));
    EXPECT_DOUBLE_EQ(engine->GetMemoryUsed(), weights + 433 * kvPerToken);
    Simulator::Run();
    ASSERT_EQ(log.times[1].size(), 3u);
    Time expected = IterationTime(*engine, {{30, 400, 1, 20, -1}});
    EXPECT_EQ(log.times[1][0], expected);
    expected += IterationTime(*engine, {{1, 430, 1}});
    EXPECT_EQ(log.times[1][1], expected);
    expected += IterationTime(*engine, {{1, 431, 1}});
    EXPECT_EQ(log.times[1][2], expected);
}

TEST_F(ComputeEngineTest, ExitHeadsArePricedOnStagesAndAlone)
{
    auto engine = CreateObject<ComputeEngine>(); // llama-3-8b: 32 layers
    TokenLog log;
    // An edge stage: one token through layers [0, 8) with its exit head read on it.
    ComputeJob stage = Ranged(Job(1, 1, 0, log), 100, 0, 8);
    stage.headRows = 1;
    ASSERT_TRUE(engine->Submit(stage));
    Simulator::Run();
    const Time stageTime = IterationTime(*engine, {{1, 100, 1, 0, 8}});
    EXPECT_EQ(Simulator::Now(), stageTime);
    EXPECT_GT(stageTime, IterationTime(*engine, {{1, 100, 0, 0, 8}})); // the head costs

    // The head alone after layer 8 (its input came from a stage that ended there): only the
    // norm and the vocabulary projection, no layer and no embedding.
    ComputeJob head = Ranged(Job(2, 1, 0, log), 101, 8, 8);
    head.headRows = 1;
    ASSERT_TRUE(engine->Submit(head));
    Simulator::Run();
    const auto headCost = engine->GetModel().BatchCost({{1, 101, 1, 8, 8}});
    EXPECT_DOUBLE_EQ(headCost.flops,
                     engine->GetModel().BatchCost({{1, 101, 1, 8, 9}}).flops
                         - engine->GetModel().BatchCost({{1, 101, 0, 8, 9}}).flops);
    EXPECT_EQ(Simulator::Now(), stageTime + IterationTime(*engine, {{1, 101, 1, 8, 8}}));

    // A stage that reaches the last layer but whose output goes elsewhere reads no head.
    ComputeJob noHead = Ranged(Job(3, 1, 0, log), 0, 24, -1);
    noHead.headRows = 0;
    const Time before = Simulator::Now();
    ASSERT_TRUE(engine->Submit(noHead));
    Simulator::Run();
    EXPECT_EQ(Simulator::Now() - before, IterationTime(*engine, {{1, 0, 0, 24, -1}}));

    // An empty range without head rows, or at layer 0, prices nothing and is refused.
    EXPECT_FALSE(engine->Submit(Ranged(Job(4, 1, 0, log), 0, 8, 8)));
    ComputeJob atZero = Ranged(Job(5, 1, 0, log), 0, 0, 0);
    atZero.headRows = 1;
    EXPECT_FALSE(engine->Submit(atZero));
    EXPECT_EQ(log.done, (std::vector<uint64_t>{1, 2, 3}));
}

} // namespace
