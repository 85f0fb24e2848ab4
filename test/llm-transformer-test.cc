/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The transformer kernel against a naive reference, and the equivalences that the collaborative
// modes rely on: decode == prefill, imported prefix == computed prefix, split layers == whole.

#include "llm-test-utils.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/kernel-threads.h"
#include "ns3/llm-error.h"
#include "ns3/transformer.h"

#include <gtest/gtest.h>

namespace
{

using namespace ce_lslm_test;
using ns3::llm::ForwardOptions;
using ns3::llm::KvCache;
using ns3::llm::LlmError;
using ns3::llm::Transformer;

/// Shapes covering multi-head, GQA (groups of 2 and 4), MQA, tied and untied heads.
struct Shape
{
    const char* name;
    ModelConfig config;
};

std::vector<Shape>
Shapes()
{
    return {{"mha-tied", SmallConfig(32, 2, 4, 4, 48, 40, true)},
            {"gqa2-untied", SmallConfig(48, 3, 6, 3, 80, 50, false)},
            {"gqa4-tied", SmallConfig(64, 2, 8, 2, 96, 70, true)},
            {"mqa-untied", SmallConfig(32, 2, 4, 1, 64, 30, false)}};
}

class ShapeTest : public ::testing::TestWithParam<Shape>
{
};

TEST_P(ShapeTest, PrefillMatchesNaiveReference)
{
    const ModelWeights weights = ModelWeights::Random(GetParam().config, 7);
    const Transformer model(weights);
    const TokenSequence tokens = SomeTokens(150, GetParam().config.vocabSize); // > one chunk
    KvCache cache(model.Config());
    ForwardOptions options;
    options.logits = ForwardOptions::Logits::ALL;
    const auto result = model.Forward(tokens, cache, options);
    const auto expected = NaiveLlama(weights).Logits(tokens);
    ASSERT_EQ(result.logits.rows(), static_cast<Eigen::Index>(tokens.size()));
    for (std::size_t t = 0; t < tokens.size(); ++t)
    {
        EXPECT_LT(MaxRelativeError(result.logits.row(t).transpose(), expected[t]), 1e-4)
            << "token " << t;
    }
}

TEST_P(ShapeTest, DecodingTokenByTokenEqualsOnePrefill)
{
    const Transformer model(ModelWeights::Random(GetParam().config, 11));
    const TokenSequence tokens = SomeTokens(40, GetParam().config.vocabSize, 3);
    KvCache whole(model.Config());
    ForwardOptions all;
    all.logits = ForwardOptions::Logits::ALL;
    const Matrix prefill = model.Forward(tokens, whole, all).logits;

    KvCache stepwise(model.Config());
    for (std::size_t t = 0; t < tokens.size(); ++t)
    {
        const Matrix step = model.Forward({tokens[t]}, stepwise).logits;
        ASSERT_LT(MaxAbsDifference(step, prefill.middleRows(t, 1)), 1e-4) << "token " << t;
    }
    EXPECT_LT(MaxAbsDifference(Matrix(stepwise.Layer(1).Values()), Matrix(whole.Layer(1).Values())),
              1e-5);
}

TEST_P(ShapeTest, ImportedPrefixContinuesLikeComputedPrefix)
{
    const Transformer model(ModelWeights::Random(GetParam().config, 5));
    const TokenSequence prefix = SomeTokens(70, GetParam().config.vocabSize, 9);
    const TokenSequence rest = SomeTokens(12, GetParam().config.vocabSize, 10);
    ForwardOptions all;
    all.logits = ForwardOptions::Logits::ALL;

    KvCache reference(model.Config());
    model.Forward(prefix, reference, all);
    const Matrix expected = model.Forward(rest, reference, all).logits;

    KvCache producer(model.Config()); // another run, e.g. on the cloud
    model.Forward(prefix, producer);
    const KvCache exported = producer.Slice(0, model.Config().numLayers, 0, 70);
    KvCache consumer(model.Config());
    consumer.ImportPrefix(exported);
    EXPECT_EQ(consumer.Tokens(), 70);
    EXPECT_LT(MaxAbsDifference(model.Forward(rest, consumer, all).logits, expected), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Shapes,
                         ShapeTest,
                         ::testing::ValuesIn(Shapes()),
                         [](const auto& info)
                         {
                             std::string name = info.param.name;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(Transformer, SplitLayerExecutionEqualsWholeModel)
{
    const Transformer model(ModelWeights::Random(SmallConfig(48, 4, 6, 2, 64, 40, false), 1));
    const TokenSequence tokens = SomeTokens(20, 40);
    KvCache whole(model.Config());
    const Matrix expected = model.Forward(tokens, whole).logits;

    KvCache edge(model.Config(), 0, 2);  // first two layers on one node
    KvCache cloud(model.Config(), 2, 4); // the rest on another
    const auto lower = model.ForwardLayers(model.Embed(tokens), 0, 2, edge);
    EXPECT_EQ(lower.logits.size(), 0);
    const auto upper = model.ForwardLayers(lower.output, 2, 4, cloud);
    EXPECT_LT(MaxAbsDifference(upper.logits, expected), 1e-5);
    EXPECT_THROW(edge.Layer(2), LlmError);
}

TEST(Transformer, TapsReturnHiddenStatesLensLogitsAndExitHeads)
{
    ModelConfig config = SmallConfig(32, 4, 4, 2, 48, 30, true);
    config.earlyExitLayers = {1, 3};
    const Transformer model(ModelWeights::Random(config, 2));
    const TokenSequence tokens = SomeTokens(9, 30);
    ForwardOptions options;
    options.hiddenTaps = {0, 2, 4};
    options.lensTaps = {4, 2};
    options.exitHeads = true;
    KvCache cache(model.Config());
    const auto result = model.Forward(tokens, cache, options);

    EXPECT_EQ(result.hidden.size(), 3u);
    EXPECT_LT(MaxAbsDifference(result.hidden.at(0), model.Embed(tokens)), 0.0 + 1e-9);
    EXPECT_LT(MaxAbsDifference(result.hidden.at(4), result.output), 1e-9);
    // The logit lens at the last layer is the model's own head.
    EXPECT_LT(MaxAbsDifference(result.lensLogits.at(4), result.logits), 1e-6);
    const Matrix lens2 = model.Head(result.hidden.at(2).bottomRows(1),
                                    model.Weights().finalNorm,
                                    model.Weights().Head());
    EXPECT_LT(MaxAbsDifference(result.lensLogits.at(2), lens2), 1e-6);
    ASSERT_EQ(result.exitLogits.size(), 2u);
    ForwardOptions hiddenOnly;
    hiddenOnly.hiddenTaps = {3};
    KvCache again(model.Config());
    const Matrix h3 = model.Forward(tokens, again, hiddenOnly).hidden.at(3).bottomRows(1);
    const auto& exit = model.Weights().exitHeads[1];
    EXPECT_LT(MaxAbsDifference(result.exitLogits.at(3), model.Head(h3, exit.norm, exit.head)),
              1e-6);

    // Nothing asked, nothing returned.
    KvCache plain(model.Config());
    const auto bare = model.Forward(tokens, plain);
    EXPECT_TRUE(bare.hidden.empty() && bare.lensLogits.empty() && bare.exitLogits.empty()
                && bare.attentionImportance.empty());
}

TEST(Transformer, AttentionImportanceSumsEachQueryHeadToOne)
{
    const Transformer model(ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 3));
    ForwardOptions options;
    options.attentionImportance = true;
    KvCache cache(model.Config());
    const auto result = model.Forward(SomeTokens(100, 30), cache, options);
    ASSERT_EQ(result.attentionImportance.size(), 2u);
    for (const auto& [layer, importance] : result.attentionImportance)
    {
        ASSERT_EQ(importance.size(), 100);
        // 100 queries x 4 heads, each a distribution over visible keys.
        EXPECT_NEAR(importance.sum(), 400.0, 1e-3) << "layer " << layer;
        EXPECT_GE(importance.minCoeff(), 0.0f);
        // The first token is seen by every query; the last only by itself.
        EXPECT_GT(importance[0], importance[99]);
    }
}

TEST(Transformer, RepositionedCacheEqualsComputingAtThosePositions)
{
    const Transformer model(ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 4));
    const TokenSequence context = SomeTokens(16, 30, 5);
    KvCache atZero(model.Config());
    model.Forward(context, atZero);
    model.Reposition(atZero, 40);

    KvCache shifted(model.Config());
    for (int64_t layer = 0; layer < 2; ++layer)
    {
        shifted.Layer(layer).SetStartPosition(40);
    }
    model.Forward(context, shifted);
    for (int64_t layer = 0; layer < 2; ++layer)
    {
        EXPECT_EQ(atZero.Layer(layer).Positions(), shifted.Layer(layer).Positions());
        EXPECT_LT(MaxAbsDifference(Matrix(atZero.Layer(layer).RotatedKeys()),
                                   Matrix(shifted.Layer(layer).RotatedKeys())),
                  1e-5);
    }
    // The pre-RoPE keys do not depend on position.
    EXPECT_LT(MaxAbsDifference(Matrix(atZero.Layer(0).Keys()), Matrix(shifted.Layer(0).Keys())),
              1e-6);
}

TEST(Transformer, ContextFusionWeightsTheContextsShareOfAttention)
{
    const Transformer model(ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 12));
    const TokenSequence context = SomeTokens(12, 30, 6);
    const TokenSequence prompt = SomeTokens(5, 30, 7);
    auto promptLogits = [&](float logWeight, bool withContext)
    {
        KvCache cache(model.Config());
        if (withContext)
        {
            model.Forward(context, cache);
            for (int64_t layer = 0; layer < 2; ++layer)
            {
                cache.Layer(layer).SetContextFusion(12, logWeight);
            }
        }
        else
        {
            // The prompt alone at the positions it has after the context.
            for (int64_t layer = 0; layer < 2; ++layer)
            {
                cache.Layer(layer).SetStartPosition(12);
            }
        }
        ForwardOptions options;
        options.logits = ForwardOptions::Logits::ALL;
        return model.Forward(prompt, cache, options).logits;
    };
    const Matrix plain = promptLogits(0.0f, true);
    KvCache reference(model.Config());
    TokenSequence whole = context;
    whole.insert(whole.end(), prompt.begin(), prompt.end());
    ForwardOptions all;
    all.logits = ForwardOptions::Logits::ALL;
    const Matrix wholeLogits = model.Forward(whole, reference, all).logits.bottomRows(5);
    // Weight 0 is plain attention; a very negative weight removes the context; others differ.
    EXPECT_LT(MaxAbsDifference(plain, wholeLogits), 1e-5);
    EXPECT_LT(MaxAbsDifference(promptLogits(-60.0f, true), promptLogits(0.0f, false)), 1e-4);
    EXPECT_GT(MaxAbsDifference(promptLogits(1.0f, true), plain), 1e-3);
    // Slices keep the weight for the context tokens they hold.
    KvCache cache(model.Config());
    model.Forward(whole, cache);
    cache.Layer(0).SetContextFusion(12, -1.5f);
    const ns3::llm::KvLayer tail = cache.Layer(0).Slice(8, 17);
    EXPECT_EQ(tail.FusedTokens(), 4);
    EXPECT_FLOAT_EQ(tail.FusionLogWeight(), -1.5f);
    EXPECT_THROW(cache.Layer(0).SetContextFusion(-1, 0.0f), LlmError);
}

TEST(Transformer, AdvanceToLeavesAGapAfterAPrunedContext)
{
    const Transformer model(ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 13));
    KvCache cache(model.Config());
    model.Forward(SomeTokens(10, 30, 8), cache);
    // Drop the last three tokens of every layer, as a pruned context may.
    KvCache pruned(model.Config());
    for (int64_t layer = 0; layer < 2; ++layer)
    {
        pruned.Layer(layer) = cache.Layer(layer).Slice(0, 7);
        EXPECT_EQ(pruned.Layer(layer).NextPosition(), 7);
        pruned.Layer(layer).AdvanceTo(10);
        EXPECT_EQ(pruned.Layer(layer).NextPosition(), 10);
    }
    model.Forward(SomeTokens(2, 30, 9), pruned);
    EXPECT_EQ(pruned.Layer(1).Positions().back(), 11);
    EXPECT_THROW(pruned.Layer(0).AdvanceTo(5), LlmError);
}

TEST(Transformer, CostMatchesTheClosedFormAndCountsKvBytes)
{
    const ModelConfig config = SmallConfig(64, 3, 8, 2, 96, 260, true);
    const Transformer model(ModelWeights::Random(config, 6));
    KvCache cache(config);
    const auto prefill = model.Forward(SomeTokens(30, 260), cache);
    const auto expected = model.Costs().Forward(30, 0, 1);
    EXPECT_DOUBLE_EQ(prefill.cost.flops, expected.flops);
    EXPECT_DOUBLE_EQ(prefill.cost.weightBytes, expected.weightBytes);
    const auto decode = model.Forward({1}, cache);
    EXPECT_DOUBLE_EQ(decode.cost.flops, model.Costs().Forward(1, 30, 1).flops);
    // KV read by a decode step: 31 tokens x keys and values x 16 floats x 3 layers.
    EXPECT_DOUBLE_EQ(decode.cost.kvReadBytes, 31.0 * 2 * 16 * 4 * 3);
    EXPECT_DOUBLE_EQ(decode.cost.kvWrittenBytes, 1.0 * 2 * 16 * 4 * 3);
    // By hand: 2 FLOPs per weight of every matrix used (the tied head once), attention over
    // 31 keys in 8 heads of width 8 (QK^T and PV 2x8 each, softmax 5), and elementwise work.
    const double matrices = 3 * (64 * 64 * 2 + 2 * 64 * 16 + 3 * 64 * 96) + 260 * 64;
    const double attention = 3 * 8 * 31 * (4 * 8 + 5);
    const double elementwise = 3 * (8 * 64 + 3 * (64 + 16) + 2 * 64 + 5 * 96) + 4 * 64;
    EXPECT_DOUBLE_EQ(decode.cost.flops, 2 * matrices + attention + elementwise);
    EXPECT_EQ(cache.StorageBytes(), 31u * 3 * 16 * 4 * 3);
    EXPECT_DOUBLE_EQ(cache.KvBytes(2), 31.0 * 2 * 16 * 2 * 3);
}

TEST(Transformer, ResultsAreBitIdenticalAcrossRunsAndThreadCountsDoNotChangeShape)
{
    const Transformer model(ModelWeights::Random(SmallConfig(64, 2, 8, 2, 128, 50, false), 8));
    const TokenSequence tokens = SomeTokens(80, 50);
    ForwardOptions all;
    all.logits = ForwardOptions::Logits::ALL;
    KvCache first(model.Config());
    KvCache second(model.Config());
    const Matrix a = model.Forward(tokens, first, all).logits;
    const Matrix b = model.Forward(tokens, second, all).logits;
    EXPECT_EQ(a, b);
    ns3::llm::KernelThreads::Set(2);
    KvCache threaded(model.Config());
    const Matrix c = model.Forward(tokens, threaded, all).logits;
    ns3::llm::KernelThreads::Set(1);
    EXPECT_LT(MaxAbsDifference(a, c), 1e-5);
}

TEST(Transformer, RejectsBadInputWithClearErrors)
{
    const Transformer model(ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 9));
    KvCache cache(model.Config());
    try
    {
        model.Forward({1, 2, 30}, cache);
        FAIL() << "expected LlmError";
    }
    catch (const LlmError& e)
    {
        EXPECT_NE(std::string(e.what()).find("token id 30 at index 2"), std::string::npos);
    }
    EXPECT_EQ(cache.Tokens(), 0);                                      // nothing half-done
    EXPECT_THROW(model.Forward(SomeTokens(600, 30), cache), LlmError); // > max positions
    KvCache partial(model.Config());
    model.ForwardLayers(model.Embed({1}), 0, 1, partial);
    EXPECT_THROW(model.Forward({1}, partial), LlmError); // layers at different positions
    EXPECT_THROW(KvCache(model.Config(), 1, 3), LlmError);
}

TEST(Transformer, RopeScalingChangesOnlyLongRangeFrequencies)
{
    ModelConfig config = SmallConfig(32, 1, 2, 1, 32, 30, true);
    config.ropeScaling.type = ns3::llm::RopeScaling::Type::LLAMA3;
    config.ropeScaling.factor = 8;
    config.ropeScaling.lowFreqFactor = 1;
    config.ropeScaling.highFreqFactor = 4;
    config.ropeScaling.originalMaxPositions = 64;
    const ns3::llm::RotaryEmbedding scaled(config);
    config.ropeScaling.type = ns3::llm::RopeScaling::Type::NONE;
    const ns3::llm::RotaryEmbedding plain(config);
    const auto& s = scaled.InverseFrequencies();
    const auto& p = plain.InverseFrequencies();
    EXPECT_DOUBLE_EQ(s.front(), p.front());     // short wavelength kept
    EXPECT_NEAR(s.back(), p.back() / 8, 1e-12); // long wavelength divided by factor
}

} // namespace
