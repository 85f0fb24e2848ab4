/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Device and declared-model profiles, and the roofline that turns their costs into time.

#include "ns3/device-profile.h"
#include "ns3/forward-cost.h"
#include "ns3/model-profile.h"

#include <gtest/gtest.h>
#include <stdexcept>

namespace
{

using ns3::DeviceProfile;
using ns3::ModelProfile;

TEST(DeviceProfile, PresetsAreValidAndOrderedByClass)
{
    for (const std::string& name : DeviceProfile::Names())
    {
        const DeviceProfile device = DeviceProfile::Get(name);
        EXPECT_NO_THROW(device.Validate()) << name;
        EXPECT_FALSE(device.source.empty()) << name;
    }
    EXPECT_GT(DeviceProfile::Get("h100").peakFlops, DeviceProfile::Get("a100").peakFlops);
    EXPECT_GT(DeviceProfile::Get("a100").memoryBandwidth, DeviceProfile::Get("l4").memoryBandwidth);
    EXPECT_GT(DeviceProfile::Get("jetson-orin").memoryBandwidth,
              DeviceProfile::Get("phone-npu").memoryBandwidth);
    try
    {
        DeviceProfile::Get("tpu");
        FAIL();
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("a100"), std::string::npos);
    }
    DeviceProfile broken = DeviceProfile::Get("l4");
    broken.efficiency = 1.5;
    EXPECT_THROW(broken.Validate(), std::invalid_argument);
}

TEST(DeviceProfile, RooflineTakesTheSlowerOfComputeAndMemory)
{
    DeviceProfile device;
    device.peakFlops = 100e12;
    device.memoryBandwidth = 1e12;
    device.efficiency = 0.5;
    // Memory-bound: 1 GB at 0.5 TB/s = 2 ms, compute 1 GFLOP at 50 TFLOP/s = 0.02 ms.
    EXPECT_DOUBLE_EQ(device.Seconds(1e9, 1e9), 2e-3);
    // Compute-bound: 1 PFLOP at 50 TFLOP/s = 20 s.
    EXPECT_DOUBLE_EQ(device.Seconds(1e15, 1e9), 20.0);
}

TEST(ModelProfile, Llama3_8bHasItsKnownWeightAndKvSizes)
{
    const ModelProfile llama = ModelProfile::Get("llama-3-8b");
    // 8.03 B parameters in FP16: about 16.06 GB.
    EXPECT_NEAR(llama.WeightBytes() / 1e9, 16.06, 0.05);
    // 32 layers x 8 KV heads x 128 x (K and V) x 2 bytes = 128 KiB per token.
    EXPECT_DOUBLE_EQ(llama.KvBytesPerToken(), 131072.0);
    EXPECT_NEAR(ModelProfile::Get("qwen2.5-0.5b").shape.ParameterCount() / 1e9, 0.494, 0.01);
    EXPECT_THROW(ModelProfile::Get("gpt-4"), std::invalid_argument);
}

TEST(ModelProfile, DecodeIsMemoryBoundAndLargePrefillComputeBound)
{
    const ModelProfile llama = ModelProfile::Get("llama-3-8b");
    const DeviceProfile a100 = DeviceProfile::Get("a100");
    const auto decode = llama.BatchCost({{1, 1000, 1}});
    // One decode step reads every weight once (of the embedding only its token's row), reads
    // 1001 tokens of KV, writes one token's KV and the FP32 logits; time = bytes / bandwidth.
    const double h = 4096;
    const double vocab = 128256;
    const double bytes =
        llama.WeightBytes() - (vocab - 1) * h * 2 + 1002 * llama.KvBytesPerToken() + 4 * vocab;
    const double expected = bytes / (a100.memoryBandwidth * a100.efficiency);
    EXPECT_NEAR(a100.Seconds(decode.flops, decode.BytesRead() + decode.BytesWritten()),
                expected,
                expected * 1e-12);
    const auto prefill = llama.BatchCost({{4096, 0, 1}});
    EXPECT_GT(prefill.flops / (a100.peakFlops * a100.efficiency),
              prefill.BytesRead() / (a100.memoryBandwidth * a100.efficiency));
}

TEST(ModelProfile, BatchingSharesTheWeightReads)
{
    const ModelProfile model = ModelProfile::Get("llama-3.2-1b");
    const auto one = model.BatchCost({{1, 500, 1}});
    const auto eight = model.BatchCost(std::vector<ModelProfile::Work>(8, {1, 500, 1}));
    // Each token reads its own embedding row (2048 FP16 values); every other weight once.
    EXPECT_DOUBLE_EQ(eight.weightBytes, one.weightBytes + 7 * 2048 * 2);
    EXPECT_DOUBLE_EQ(eight.kvReadBytes, 8 * one.kvReadBytes);
    EXPECT_NEAR(eight.flops, 8 * one.flops, 1e-6 * eight.flops);
    EXPECT_DOUBLE_EQ(model.BatchCost({}).flops, 0.0);
}

TEST(ModelProfile, PartialRangesArePricedLayerByLayer)
{
    const ModelProfile model = ModelProfile::Get("llama-3.2-1b"); // 16 layers
    const ns3::llm::CostModel costs(model.shape, 2, 2);
    using ns3::llm::CostModel;
    // A: 100 tokens after 50 through layers [0, 4); B: 20 after 300 through [2, 16), with the
    // head. Layers 0-1 see A, 2-3 see both, 4-15 see B; only A reads embedding rows.
    const ModelProfile::Work a{100, 50, 0, 0, 4};
    const ModelProfile::Work b{20, 300, 1, 2, -1};
    const int64_t pairsA = CostModel::CausalPairs(100, 50);
    const int64_t pairsB = CostModel::CausalPairs(20, 300);
    ns3::llm::ForwardCost expected = costs.Embedding(100);
    for (int layer = 0; layer < 16; ++layer)
    {
        if (layer < 2)
        {
            expected += costs.Layer(100, pairsA, 150);
        }
        else if (layer < 4)
        {
            expected += costs.Layer(120, pairsA + pairsB, 150 + 320);
        }
        else
        {
            expected += costs.Layer(20, pairsB, 320);
        }
    }
    expected += costs.Head(1);
    const auto cost = model.BatchCost({a, b});
    EXPECT_EQ(cost.flops, expected.flops);
    EXPECT_EQ(cost.weightBytes, expected.weightBytes);
    EXPECT_EQ(cost.kvReadBytes, expected.kvReadBytes);
    EXPECT_EQ(cost.kvWrittenBytes, expected.kvWrittenBytes);
    EXPECT_EQ(cost.outputBytes, expected.outputBytes);
    // Layers [2, 5) are in nobody's range: they cost nothing, not even their weights.
    const auto gap = model.BatchCost({{10, 0, 0, 0, 2}, {10, 0, 0, 5, 7}});
    const auto layer = costs.Layer(10, CostModel::CausalPairs(10, 0), 10);
    EXPECT_DOUBLE_EQ(gap.weightBytes, costs.Embedding(10).weightBytes + 4 * layer.weightBytes);
    EXPECT_DOUBLE_EQ(gap.flops, 4 * layer.flops);
}

TEST(ModelProfile, SplittingTheLayersSplitsTheCostExactly)
{
    const ModelProfile model = ModelProfile::Get("llama-3-8b"); // 32 layers
    const ModelProfile::Work full{700, 200, 1};
    const ModelProfile::Work shallow{700, 200, 0, 0, 12};
    const ModelProfile::Work deep{700, 200, 1, 12, 32};
    const auto whole = model.BatchCost({full});
    // An explicit last layer is the same as -1.
    EXPECT_EQ(model.BatchCost({deep}).flops, model.BatchCost({{700, 200, 1, 12, -1}}).flops);
    // Two stages, one after the other: the embedding is read by the first only, the head run by
    // the second only, each layer by exactly one, so every figure adds up to the whole pass.
    const auto first = model.BatchCost({shallow});
    const auto second = model.BatchCost({deep});
    EXPECT_DOUBLE_EQ(first.flops + second.flops, whole.flops);
    EXPECT_DOUBLE_EQ(first.weightBytes + second.weightBytes, whole.weightBytes);
    EXPECT_DOUBLE_EQ(first.kvReadBytes + second.kvReadBytes, whole.kvReadBytes);
    EXPECT_DOUBLE_EQ(first.BytesWritten() + second.BytesWritten(), whole.BytesWritten());
    // Both halves in one batch are the same per-layer aggregates as the whole: bit-identical.
    const auto together = model.BatchCost({shallow, deep});
    EXPECT_EQ(together.flops, whole.flops);
    EXPECT_EQ(together.BytesRead(), whole.BytesRead());
    EXPECT_EQ(together.BytesWritten(), whole.BytesWritten());
    // Full range: exactly the kernel's own forward pass.
    const auto forward = ns3::llm::CostModel(model.shape, 2, 2).Forward(700, 200, 1);
    EXPECT_EQ(whole.flops, forward.flops);
    EXPECT_EQ(whole.BytesRead(), forward.BytesRead());
}

TEST(ModelProfile, LayerRangesOutsideTheModelAreRefused)
{
    const ModelProfile model = ModelProfile::Get("smollm2-135m"); // 30 layers
    EXPECT_TRUE(model.IsLayerRange(0, -1));
    EXPECT_TRUE(model.IsLayerRange(29, 30));
    EXPECT_EQ(model.LayerEnd(-1), 30);
    EXPECT_FALSE(model.IsLayerRange(-1, 4));
    EXPECT_FALSE(model.IsLayerRange(0, -2));
    EXPECT_FALSE(model.IsLayerRange(0, 31));
    EXPECT_FALSE(model.IsLayerRange(4, 4));
    EXPECT_FALSE(model.IsLayerRange(30, -1));
    EXPECT_THROW(model.BatchCost({{1, 0, 1, 5, 3}}), std::invalid_argument);
}

} // namespace
