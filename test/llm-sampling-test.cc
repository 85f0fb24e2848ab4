/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tokenizer, sampling, generation and teacher-forced evaluation.

#include "llm-test-utils.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/evaluator.h"
#include "ns3/generator.h"
#include "ns3/llm-error.h"
#include "ns3/sampler.h"

#include <cmath>
#include <gtest/gtest.h>

namespace
{

using namespace ce_lslm_test;
using ns3::llm::ByteTokenizer;
using ns3::llm::Evaluator;
using ns3::llm::Generator;
using ns3::llm::KvCache;
using ns3::llm::Sampler;
using ns3::llm::SamplingParams;
using ns3::llm::Transformer;
using ns3::llm::Vector;

Vector
Logits(std::initializer_list<float> values)
{
    Vector v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (float value : values)
    {
        v[i++] = value;
    }
    return v;
}

TEST(ByteTokenizer, RoundTripsBytesAndDropsSpecials)
{
    const std::string text = "caf\xc3\xa9 \x01\xff";
    const auto tokens = ByteTokenizer::Encode(text, true);
    ASSERT_EQ(tokens.size(), text.size() + 1);
    EXPECT_EQ(tokens[0], ByteTokenizer::BOS);
    EXPECT_EQ(tokens.back(), 255);
    auto withSpecials = tokens;
    withSpecials.push_back(ByteTokenizer::EOS);
    EXPECT_EQ(ByteTokenizer::Decode(withSpecials), text);
}

TEST(Sampler, GreedyPicksTheFirstMaximum)
{
    Sampler greedy;
    EXPECT_EQ(greedy.Sample(Logits({1, 3, 3, 2})), 1);
    SamplingParams topOne{1.0, 1, 1.0, 5};
    Sampler k1(topOne);
    SamplingParams tinyNucleus{2.0, 0, 1e-9, 5};
    Sampler p0(tinyNucleus);
    for (int i = 0; i < 20; ++i)
    {
        EXPECT_EQ(k1.Sample(Logits({0, 5, 1, 4})), 1);
        EXPECT_EQ(p0.Sample(Logits({0, 5, 1, 4})), 1);
    }
    EXPECT_THROW(Sampler(SamplingParams{-1, 0, 1, 0}), ns3::llm::LlmError);
}

TEST(Sampler, SamplesFollowTheDistributionAndTheSeed)
{
    const Vector logits = Logits({0.0f, std::log(2.0f), std::log(3.0f), -1e9f});
    SamplingParams params{1.0, 0, 1.0, 123};
    Sampler sampler(params);
    std::vector<int> counts(4, 0);
    const int draws = 60000;
    std::vector<ns3::llm::TokenId> sequence;
    for (int i = 0; i < draws; ++i)
    {
        sequence.push_back(sampler.Sample(logits));
        ++counts[sequence.back()];
    }
    EXPECT_EQ(counts[3], 0);
    EXPECT_NEAR(counts[0] / double(draws), 1.0 / 6, 0.01);
    EXPECT_NEAR(counts[1] / double(draws), 2.0 / 6, 0.01);
    EXPECT_NEAR(counts[2] / double(draws), 3.0 / 6, 0.01);
    Sampler same(params);
    for (int i = 0; i < 100; ++i)
    {
        ASSERT_EQ(same.Sample(logits), sequence[i]);
    }
    // top_p = 0.5 keeps {2} (p = 0.5 reaches it); top_k = 2 keeps {2, 1}.
    Sampler nucleus(SamplingParams{1.0, 0, 0.5, 1});
    Sampler topTwo(SamplingParams{1.0, 2, 1.0, 1});
    for (int i = 0; i < 200; ++i)
    {
        EXPECT_EQ(nucleus.Sample(logits), 2);
        EXPECT_NE(topTwo.Sample(logits), 0);
    }
}

TEST(Generator, GreedyGenerationEqualsArgmaxOfFullRecomputation)
{
    const ModelWeights weights = ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 21);
    const Transformer model(weights);
    const TokenSequence prompt = SomeTokens(10, 30);
    Sampler greedy;
    KvCache cache(model.Config());
    const auto generation = Generator::Generate(model, cache, prompt, 8, greedy);
    ASSERT_EQ(generation.tokens.size(), 8u);
    EXPECT_EQ(cache.Tokens(), 10 + 7);
    TokenSequence sequence = prompt;
    for (auto token : generation.tokens)
    {
        const auto logits = NaiveLlama(weights).Logits(sequence).back();
        const auto best = std::max_element(logits.begin(), logits.end()) - logits.begin();
        EXPECT_EQ(token, best);
        sequence.push_back(token);
    }
    EXPECT_GT(generation.prefillCost.flops, generation.decodeCost.flops / 7);
    // Stops at the stop token.
    KvCache again(model.Config());
    const auto stopped = Generator::Generate(model, again, prompt, 8, greedy, generation.tokens[2]);
    const auto firstStop =
        std::find(generation.tokens.begin(), generation.tokens.end(), generation.tokens[2]);
    EXPECT_EQ(stopped.tokens.size(), std::size_t(firstStop - generation.tokens.begin()) + 1);
}

TEST(Generator, GenerateAfterContinuesFromAPrefillDoneElsewhere)
{
    const ModelWeights weights = ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, true), 23);
    const Transformer model(weights);
    const TokenSequence prompt = SomeTokens(12, 30, 4);
    Sampler greedy;
    KvCache whole(model.Config());
    const auto reference = Generator::Generate(model, whole, prompt, 6, greedy);

    KvCache split(model.Config());
    const ns3::llm::ForwardResult prefill = model.Forward(prompt, split);
    const auto after =
        Generator::GenerateAfter(model, split, prefill.logits.row(0).transpose(), 6, greedy);
    EXPECT_EQ(after.tokens, reference.tokens);
    EXPECT_EQ(after.prefillCost.flops, 0);
    EXPECT_EQ(after.decodeCost.flops, reference.decodeCost.flops);
    EXPECT_EQ(split.Tokens(), whole.Tokens());
    EXPECT_TRUE(Generator::GenerateAfter(model, split, prefill.logits.row(0).transpose(), 0, greedy)
                    .tokens.empty());
}

TEST(Evaluator, BitsPerByteIsTheMeanNegativeLogLikelihood)
{
    const ModelWeights weights = ModelWeights::Random(SmallConfig(32, 2, 4, 2, 48, 30, false), 22);
    const Transformer model(weights);
    const TokenSequence context = SomeTokens(20, 30, 1);
    const TokenSequence continuation = SomeTokens(15, 30, 2);
    const auto score = Evaluator::Score(model, context, continuation);

    TokenSequence all = context;
    all.insert(all.end(), continuation.begin(), continuation.end());
    const auto logits = NaiveLlama(weights).Logits(all);
    double nll = 0;
    int hits = 0;
    for (std::size_t i = 0; i < continuation.size(); ++i)
    {
        const auto& row = logits[context.size() - 1 + i];
        double sum = 0;
        for (double l : row)
        {
            sum += std::exp(l);
        }
        nll += std::log(sum) - row[continuation[i]];
        const auto best = std::max_element(row.begin(), row.end()) - row.begin();
        hits += best == continuation[i];
        ASSERT_EQ(score.predictions.at(i), best) << "position " << i;
    }
    EXPECT_EQ(score.predictions.size(), continuation.size());
    EXPECT_NEAR(score.nllNats, nll, 1e-3);
    EXPECT_EQ(score.tokens, 15);
    EXPECT_EQ(score.greedyHits, hits);
    EXPECT_NEAR(score.BitsPerByte(), nll / std::log(2.0) / 15, 1e-4);
    EXPECT_NEAR(Evaluator::Score(model, context, continuation, 30).BitsPerByte(),
                score.BitsPerByte() / 2,
                1e-6);
    EXPECT_THROW(Evaluator::Score(model, {}, continuation), ns3::llm::LlmError);
}

} // namespace
