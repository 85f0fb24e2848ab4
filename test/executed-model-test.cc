/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ExecutedModel: the run's real transformer answering text requests, with its host-side
// caches that must never change a result.

#include "llm-test-utils.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/evaluator.h"
#include "ns3/executed-model.h"
#include "ns3/generator.h"
#include "ns3/llm-error.h"
#include "ns3/sampler.h"

#include <gtest/gtest.h>

namespace
{

using namespace ns3;
using llm::ByteTokenizer;

std::shared_ptr<ExecutedModel>
EdgeModel()
{
    return ExecutedModel::Load(std::string(CE_LSLM_SOURCE_DIR) + "/models/edge-slm/");
}

const std::string kContext = "The committee met on Monday and voted to approve the budget. ";
const std::string kQuery = "After the vote, the chairman said";
const std::string kContinuation = " that the city would hire more teachers.";

TEST(ExecutedModel, AnswerIsGreedyGenerationAndScoreAfterTheSamePrompt)
{
    auto model = EdgeModel();
    EXPECT_EQ(model->GetName(), "edge-slm");
    const ExecutedAnswer answer = model->Answer(kContext, kQuery, 12, kContinuation);
    ASSERT_EQ(answer.tokens.size(), 12u);

    // The same work done in one piece by the kernel's own entry points.
    const llm::Transformer& kernel = model->GetTransformer();
    const llm::TokenSequence prompt = ByteTokenizer::Encode(kContext + kQuery, true);
    const llm::TokenSequence continuation = ByteTokenizer::Encode(kContinuation);
    const auto reference = llm::Evaluator::Score(kernel, prompt, continuation);
    EXPECT_NEAR(answer.score.nllNats, reference.nllNats, 1e-3);
    EXPECT_EQ(answer.score.bytes, static_cast<int64_t>(kContinuation.size()));
    EXPECT_EQ(answer.score.predictions, reference.predictions);
    llm::KvCache cache(kernel.Config());
    llm::Sampler greedy;
    EXPECT_EQ(answer.tokens, llm::Generator::Generate(kernel, cache, prompt, 12, greedy).tokens);

    // Score only.
    const ExecutedAnswer scoreOnly = model->Answer(kContext, kQuery, 0, kContinuation);
    EXPECT_TRUE(scoreOnly.tokens.empty());
    EXPECT_EQ(scoreOnly.score.nllNats, answer.score.nllNats);
}

TEST(ExecutedModel, CachesNeverChangeAResult)
{
    auto cached = EdgeModel();
    auto uncached = EdgeModel();
    uncached->SetMemoize(false);
    uncached->SetContextCacheSize(0);
    const std::string queries[] = {kQuery, "The mayor", kQuery};
    for (const auto& query : queries)
    {
        const ExecutedAnswer a = cached->Answer(kContext, query, 8, kContinuation);
        const ExecutedAnswer b = uncached->Answer(kContext, query, 8, kContinuation);
        EXPECT_EQ(a.tokens, b.tokens);
        EXPECT_EQ(a.score.nllNats, b.score.nllNats); // bit for bit
        EXPECT_EQ(a.score.predictions, b.score.predictions);
    }
    EXPECT_EQ(cached->GetCounters().answers, 3u);
    EXPECT_EQ(cached->GetCounters().memoHits, 1u);
    EXPECT_EQ(cached->GetCounters().contextMisses, 1u);
    EXPECT_EQ(cached->GetCounters().contextHits, 1u);
    EXPECT_EQ(uncached->GetCounters().memoHits, 0u);
    EXPECT_EQ(uncached->GetCounters().contextMisses, 3u);
}

TEST(ExecutedModel, ContextCacheEvictsTheLeastRecentlyUsed)
{
    auto model = EdgeModel();
    model->SetContextCacheSize(1);
    model->SetMemoize(false);
    model->Answer("first context. ", kQuery, 1, kContinuation);
    model->Answer("second context. ", kQuery, 1, kContinuation);
    model->Answer("first context. ", kQuery, 1, kContinuation);
    EXPECT_EQ(model->GetCounters().contextMisses, 3u);
    model->Answer("first context. ", kQuery, 1, kContinuation);
    EXPECT_EQ(model->GetCounters().contextHits, 1u);
}

TEST(ExecutedModel, RefusesWhatItCannotRun)
{
    auto model = EdgeModel();
    const std::string tooLong(2040, 'a');
    try
    {
        model->Answer(tooLong, kQuery, 4, kContinuation);
        FAIL() << "no error";
    }
    catch (const llm::LlmError& error)
    {
        EXPECT_NE(std::string(error.what()).find("max_position_embeddings 2048"), std::string::npos)
            << error.what();
    }
    EXPECT_THROW(model->Answer(kContext, "", 4, kContinuation), llm::LlmError);
    // A model without the byte tokenizer cannot answer text.
    auto config = ce_lslm_test::SmallConfig(32, 2, 4, 2, 48, 30, true);
    try
    {
        ExecutedModel("ids-model", llm::Transformer(llm::ModelWeights::Random(config, 1)));
        FAIL() << "no error";
    }
    catch (const llm::LlmError& error)
    {
        EXPECT_NE(std::string(error.what()).find("ids-model"), std::string::npos);
    }
}

} // namespace
