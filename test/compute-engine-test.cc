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

} // namespace
