/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// EarlyExitDecoder: a model split between an edge with early exits and a cloud, checked against
// the full model's own entry points, and the wire rounding of the hidden states it sends.

#include "ns3/byte-tokenizer.h"
#include "ns3/early-exit-decoder.h"
#include "ns3/evaluator.h"
#include "ns3/generator.h"
#include "ns3/llm-error.h"
#include "ns3/sampler.h"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <string>

namespace
{

using namespace ns3::llm;

const Transformer&
CloudModel()
{
    static const Transformer model =
        Transformer::Load(std::string(CE_LSLM_SOURCE_DIR) + "/models/cloud-llm/");
    return model;
}

/// A request as token sequences.
struct Request
{
    TokenSequence prefix;       //!< <bos> + context
    TokenSequence query;        //!< query
    TokenSequence continuation; //!< the true continuation
};

Request
MakeRequest(const std::string& context, const std::string& query, const std::string& continuation)
{
    return {ByteTokenizer::Encode(context, true),
            ByteTokenizer::Encode(query),
            ByteTokenizer::Encode(continuation)};
}

const Request kBudget = MakeRequest("The committee met on Monday and voted to approve the budget. ",
                                    "After the vote, the chairman said",
                                    " that the city would hire more teachers.");
const Request kRiver = MakeRequest("The river flows through the old town, past the market and "
                                   "the church, and then out to the sea. ",
                                   "In the summer, the children",
                                   " swim in the river near the bridge.");

EarlyExitPolicy
Policy(int64_t split, std::vector<int64_t> exits, double threshold, bool defer = true)
{
    EarlyExitPolicy policy;
    policy.splitLayer = split;
    policy.exitLayers = std::move(exits);
    policy.threshold = threshold;
    policy.defer = defer;
    policy.precision = HiddenPrecision::FP32;
    return policy;
}

/// What a head of the full model answers when it decides every token.
struct HeadAnswer
{
    TokenSequence tokens;    //!< greedy tokens
    ContinuationScore score; //!< the continuation scored with that head
};

/**
 * The full, unsplit model answering with one exit head (by its layer count) for every token,
 * with ExecutedModel's steps: prefix, query, then the continuation as one block from a copy of
 * the cache, and one token per generation step.
 */
HeadAnswer
ExitHeadAnswer(const Request& request, int64_t answerTokens, int64_t exitLayer)
{
    const Transformer& model = CloudModel();
    KvCache cache(model.Config());
    ForwardOptions options;
    options.logits = ForwardOptions::Logits::NONE;
    model.Forward(request.prefix, cache, options);
    options.logits = ForwardOptions::Logits::LAST;
    options.exitHeads = true;
    ForwardResult step = model.Forward(request.query, cache, options);

    HeadAnswer answer;
    KvCache scoring = cache;
    answer.score.Account(step.exitLogits.at(exitLayer).row(0).transpose(), request.continuation[0]);
    ForwardOptions all = options;
    all.logits = ForwardOptions::Logits::ALL;
    const TokenSequence inputs(request.continuation.begin(), request.continuation.end() - 1);
    const ForwardResult block = model.Forward(inputs, scoring, all);
    for (std::size_t i = 1; i < request.continuation.size(); ++i)
    {
        answer.score.Account(block.exitLogits.at(exitLayer).row(i - 1).transpose(),
                             request.continuation[i]);
    }
    while (true)
    {
        answer.tokens.push_back(Sampler::Argmax(step.exitLogits.at(exitLayer).row(0).transpose()));
        if (static_cast<int64_t>(answer.tokens.size()) == answerTokens)
        {
            return answer;
        }
        step = model.Forward({answer.tokens.back()}, cache, options);
    }
}

TokenSequence
Tokens(const EarlyExitAnswer& answer)
{
    TokenSequence tokens;
    for (const EarlyExitStep& step : answer.steps)
    {
        tokens.push_back(step.token);
    }
    return tokens;
}

int64_t
StepsExitingAt(const EarlyExitAnswer& answer, int64_t layer)
{
    int64_t count = 0;
    for (const EarlyExitStep& step : answer.steps)
    {
        count += step.exitLayer == layer ? 1 : 0;
    }
    return count;
}

TEST(EarlyExitDecoder, NeverConfidentFp32EqualsTheFullModelAtEverySplit)
{
    const Transformer& model = CloudModel();
    for (const Request* request : {&kBudget, &kRiver})
    {
        // The full model with ExecutedModel::Complete's steps and entry points.
        KvCache cache(model.Config());
        ForwardOptions prefill;
        prefill.logits = ForwardOptions::Logits::NONE;
        model.Forward(request->prefix, cache, prefill);
        const ForwardResult prompt = model.Forward(request->query, cache);
        const Vector next = prompt.logits.row(0).transpose();
        KvCache scoring = cache;
        const ContinuationScore reference =
            Evaluator::ScoreAfter(model, scoring, next, request->continuation);
        Sampler greedy;
        const TokenSequence tokens =
            Generator::GenerateAfter(model, cache, next, 16, greedy).tokens;

        const std::vector<std::pair<int64_t, std::vector<int64_t>>> splits = {{2, {2}},
                                                                              {3, {2}},
                                                                              {4, {2, 4}},
                                                                              {5, {4}}};
        for (const auto& [split, exits] : splits)
        {
            SCOPED_TRACE("split " + std::to_string(split));
            const EarlyExitDecoder decoder(model, Policy(split, exits, 1.0));
            const EarlyExitAnswer answer =
                decoder.Answer(request->prefix, request->query, 16, request->continuation);
            EXPECT_EQ(Tokens(answer), tokens);
            EXPECT_EQ(StepsExitingAt(answer, -1), 16);
            EXPECT_EQ(answer.score.nllNats, reference.nllNats); // bit for bit
            EXPECT_EQ(answer.score.predictions, reference.predictions);
            EXPECT_EQ(answer.score.greedyHits, reference.greedyHits);
            EXPECT_EQ(answer.score.tokens, reference.tokens);
            EXPECT_EQ(answer.score.bytes, reference.bytes);
            EXPECT_EQ(answer.scoreDeferred, static_cast<int64_t>(request->continuation.size()));
            // The split model also runs the embedding and the exit heads.
            EXPECT_GT(answer.score.cost.flops, reference.cost.flops);
        }
    }
}

TEST(EarlyExitDecoder, ThresholdZeroAlwaysExitsAtTheFirstHead)
{
    const Transformer& model = CloudModel();
    const HeadAnswer reference = ExitHeadAnswer(kBudget, 12, 2);
    for (int64_t split : {2, 4, 5})
    {
        SCOPED_TRACE("split " + std::to_string(split));
        const EarlyExitDecoder decoder(
            model,
            Policy(split, split >= 4 ? std::vector<int64_t>{2, 4} : std::vector<int64_t>{2}, 0.0));
        const EarlyExitAnswer answer =
            decoder.Answer(kBudget.prefix, kBudget.query, 12, kBudget.continuation);
        EXPECT_EQ(StepsExitingAt(answer, 2), 12);
        EXPECT_EQ(Tokens(answer), reference.tokens);
        EXPECT_EQ(answer.scoreDeferred, 0);
        EXPECT_EQ(answer.score.nllNats, reference.score.nllNats);
        EXPECT_EQ(answer.score.predictions, reference.score.predictions);
        for (const EarlyExitStep& step : answer.steps)
        {
            EXPECT_GT(step.confidence, 0.0f);
            EXPECT_LE(step.confidence, 1.0f);
        }
    }
}

TEST(EarlyExitDecoder, StandaloneEdgeAnswersWithItsLastExitHead)
{
    const Transformer& model = CloudModel();
    const HeadAnswer reference = ExitHeadAnswer(kRiver, 12, 4);
    const EarlyExitDecoder standalone(model, Policy(4, {2, 4}, 1.0, false));
    const EarlyExitAnswer answer =
        standalone.Answer(kRiver.prefix, kRiver.query, 12, kRiver.continuation);
    EXPECT_EQ(StepsExitingAt(answer, 4), 12);
    EXPECT_EQ(Tokens(answer), reference.tokens);
    EXPECT_EQ(answer.scoreDeferred, 0);
    EXPECT_EQ(answer.score.nllNats, reference.score.nllNats);
    EXPECT_EQ(answer.score.predictions, reference.score.predictions);

    // No cloud: scoring costs less than with the cloud's layers, which the deferring edge runs.
    const EarlyExitDecoder deferring(model, Policy(4, {2, 4}, 1.0, true));
    const EarlyExitAnswer deferred =
        deferring.Answer(kRiver.prefix, kRiver.query, 12, kRiver.continuation);
    EXPECT_LT(answer.score.cost.flops, deferred.score.cost.flops);
}

TEST(EarlyExitDecoder, MiddleThresholdMixesExitsAndDeferralsDeterministically)
{
    const Transformer& model = CloudModel();
    EarlyExitPolicy policy = Policy(4, {2, 4}, 0.8);
    policy.precision = HiddenPrecision::FP16;
    const EarlyExitDecoder decoder(model, policy);
    const EarlyExitAnswer first =
        decoder.Answer(kBudget.prefix, kBudget.query, 24, kBudget.continuation);
    const EarlyExitAnswer second =
        decoder.Answer(kBudget.prefix, kBudget.query, 24, kBudget.continuation);

    const int64_t deferredSteps = StepsExitingAt(first, -1);
    EXPECT_GT(deferredSteps, 0);
    EXPECT_LT(deferredSteps, 24);
    EXPECT_GT(StepsExitingAt(first, 2), 0);
    EXPECT_GT(StepsExitingAt(first, 4), 0);
    EXPECT_GT(first.scoreDeferred, 0);
    EXPECT_LT(first.scoreDeferred, static_cast<int64_t>(kBudget.continuation.size()));
    for (const EarlyExitStep& step : first.steps)
    {
        // An exit is confident; a deferral's confidence is the last head's, below the threshold.
        if (step.exitLayer < 0)
        {
            EXPECT_LT(step.confidence, policy.threshold);
        }
        else
        {
            EXPECT_GE(step.confidence, policy.threshold);
        }
    }

    EXPECT_EQ(Tokens(first), Tokens(second));
    ASSERT_EQ(first.steps.size(), second.steps.size());
    for (std::size_t i = 0; i < first.steps.size(); ++i)
    {
        EXPECT_EQ(first.steps[i].exitLayer, second.steps[i].exitLayer);
        EXPECT_EQ(first.steps[i].confidence, second.steps[i].confidence);
    }
    EXPECT_EQ(first.score.nllNats, second.score.nllNats);
    EXPECT_EQ(first.score.predictions, second.score.predictions);
    EXPECT_EQ(first.scoreDeferred, second.scoreDeferred);
}

TEST(EarlyExitDecoder, RoundedHiddenStatesChangeTheCloudSlightly)
{
    const Transformer& model = CloudModel();
    const EarlyExitAnswer exact = EarlyExitDecoder(model, Policy(3, {2}, 1.0))
                                      .Answer(kRiver.prefix, kRiver.query, 0, kRiver.continuation);
    EXPECT_TRUE(exact.steps.empty());
    for (HiddenPrecision precision : {HiddenPrecision::FP16, HiddenPrecision::Q8})
    {
        SCOPED_TRACE(HiddenPrecisionName(precision));
        EarlyExitPolicy policy = Policy(3, {2}, 1.0);
        policy.precision = precision;
        const EarlyExitAnswer rounded =
            EarlyExitDecoder(model, policy)
                .Answer(kRiver.prefix, kRiver.query, 0, kRiver.continuation);
        EXPECT_NE(rounded.score.nllNats, exact.score.nllNats);
        EXPECT_NEAR(rounded.score.nllNats, exact.score.nllNats, 0.05 * exact.score.nllNats);
    }
}

TEST(EarlyExitDecoder, RejectsRequestsThatDoNotFit)
{
    const Transformer& model = CloudModel();
    const EarlyExitDecoder decoder(model, Policy(3, {2}, 0.8));
    EXPECT_THROW(decoder.Answer(kBudget.prefix, {}, 4, kBudget.continuation), LlmError);
    EXPECT_THROW(decoder.Answer(kBudget.prefix, kBudget.query, 4, {}), LlmError);
    EXPECT_THROW(decoder.Answer(kBudget.prefix, kBudget.query, 4, {300}), LlmError);
    EXPECT_THROW(decoder.Answer(kBudget.prefix,
                                kBudget.query,
                                model.Config().maxPositions,
                                kBudget.continuation),
                 LlmError);
}

/// The message of the LlmError a policy raises, or "" if it is accepted.
std::string
PolicyError(const EarlyExitPolicy& policy)
{
    try
    {
        EarlyExitDecoder decoder(CloudModel(), policy);
    }
    catch (const LlmError& error)
    {
        return error.what();
    }
    return "";
}

TEST(EarlyExitDecoder, ConstructorNamesTheBadValue)
{
    EXPECT_EQ(PolicyError(Policy(4, {2, 4}, 0.8)), "");
    EXPECT_EQ(PolicyError(Policy(2, {2}, 5.0)), ""); // never met, but valid
    EXPECT_NE(PolicyError(Policy(0, {2}, 0.8)).find("split layer 0 is outside [1, 6)"),
              std::string::npos);
    EXPECT_NE(PolicyError(Policy(6, {2}, 0.8)).find("split layer 6"), std::string::npos);
    EXPECT_NE(PolicyError(Policy(4, {3}, 0.8))
                  .find("exit layer 3 has no exit head (the model's exit heads are after 2, 4 "
                        "layers)"),
              std::string::npos);
    EXPECT_NE(PolicyError(Policy(3, {2, 4}, 0.8)).find("exit layer 4 is after the split layer 3"),
              std::string::npos);
    EXPECT_NE(PolicyError(Policy(4, {4, 2}, 0.8)).find("must increase, got 4 then 2"),
              std::string::npos);
    EXPECT_NE(PolicyError(Policy(4, {2, 2}, 0.8)).find("must increase"), std::string::npos);
    EXPECT_NE(PolicyError(Policy(4, {}, 0.8)).find("no exit layer listed"), std::string::npos);
    EXPECT_NE(PolicyError(Policy(4, {2}, -0.1)).find("threshold -0.1"), std::string::npos);
    EXPECT_NE(
        PolicyError(Policy(4, {2}, std::numeric_limits<double>::quiet_NaN())).find("threshold nan"),
        std::string::npos);
    EXPECT_NE(
        PolicyError(Policy(4, {2}, std::numeric_limits<double>::infinity())).find("threshold inf"),
        std::string::npos);
}

TEST(HiddenPrecision, NamesBytesAndParsing)
{
    for (HiddenPrecision precision :
         {HiddenPrecision::FP32, HiddenPrecision::FP16, HiddenPrecision::Q8})
    {
        EXPECT_EQ(ParseHiddenPrecision(HiddenPrecisionName(precision)), precision);
    }
    EXPECT_EQ(HiddenPrecisionName(HiddenPrecision::FP16), "fp16");
    try
    {
        ParseHiddenPrecision("int4");
        FAIL() << "int4 accepted";
    }
    catch (const LlmError& error)
    {
        const std::string message = error.what();
        EXPECT_NE(message.find("\"int4\""), std::string::npos);
        EXPECT_NE(message.find("fp32, fp16 or q8"), std::string::npos);
    }
    EXPECT_THROW(ParseHiddenPrecision("FP16"), LlmError);
    EXPECT_EQ(HiddenStateBytes(HiddenPrecision::FP32, 3, 256), 3 * 256 * 4.0);
    EXPECT_EQ(HiddenStateBytes(HiddenPrecision::FP16, 3, 256), 3 * 256 * 2.0);
    EXPECT_EQ(HiddenStateBytes(HiddenPrecision::Q8, 3, 256), 3 * 256 + 3 * 4.0);
    EXPECT_EQ(HiddenStateBytes(HiddenPrecision::Q8, 0, 256), 0.0);
}

/// Rows of varied magnitudes, with a zero row in the middle.
Matrix
SomeHiddenStates()
{
    Matrix rows(4, 64);
    for (Eigen::Index r = 0; r < rows.rows(); ++r)
    {
        for (Eigen::Index c = 0; c < rows.cols(); ++c)
        {
            rows(r, c) = static_cast<float>(std::sin(0.37 * c + r) * std::pow(10.0, r - 1));
        }
    }
    rows.row(2).setZero();
    return rows;
}

TEST(HiddenPrecision, RoundingStaysWithinTheFormatsError)
{
    const Matrix original = SomeHiddenStates();

    Matrix fp32 = original;
    RoundHiddenStates(HiddenPrecision::FP32, fp32);
    EXPECT_EQ(fp32, original);

    Matrix fp16 = original;
    RoundHiddenStates(HiddenPrecision::FP16, fp16);
    EXPECT_NE(fp16, original);
    for (Eigen::Index i = 0; i < original.size(); ++i)
    {
        const float x = original.data()[i];
        // Round to nearest: half an ulp, 2^-11 relative, for normal binary16 values.
        EXPECT_LE(std::abs(fp16.data()[i] - x), std::ldexp(std::abs(x), -11)) << x;
    }

    Matrix q8 = original;
    RoundHiddenStates(HiddenPrecision::Q8, q8);
    EXPECT_NE(q8, original);
    for (Eigen::Index r = 0; r < original.rows(); ++r)
    {
        const float maxAbs = original.row(r).cwiseAbs().maxCoeff();
        const float scale = maxAbs / 127.0f;
        EXPECT_EQ(q8.row(r).cwiseAbs().maxCoeff(), r == 2 ? 0.0f : 127.0f * scale);
        for (Eigen::Index c = 0; c < original.cols(); ++c)
        {
            EXPECT_LE(std::abs(q8(r, c) - original(r, c)), scale * 0.5001f) << r << ", " << c;
            // Every value is an integer multiple of the row's scale.
            if (scale > 0)
            {
                const float steps = q8(r, c) / scale;
                EXPECT_NEAR(steps, std::round(steps), 1e-3);
            }
        }
    }
    EXPECT_TRUE(q8.row(2).isZero(0));
    EXPECT_TRUE(fp16.row(2).isZero(0));
}

} // namespace
