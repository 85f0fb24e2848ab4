#include "early-exit-decoder.h"

#include "half-precision.h"
#include "llm-error.h"
#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace ns3
{
namespace llm
{

namespace
{

/// The KV caches of one sequence on the two sides of the split.
struct SplitCaches
{
    KvCache edge;  //!< layers [0, split)
    KvCache cloud; //!< layers [split, numLayers); empty and unused on a standalone edge
};

/// What one step (a block of new tokens) gave: one row per token its Logits mode selects.
struct SplitStep
{
    std::map<int64_t, Matrix> exitLogits; //!< exit layer count -> [rows x vocab]
    Matrix logits;                        //!< the cloud's final logits; empty if it did not run
    ForwardCost cost;                     //!< embedding, edge and cloud
};

/// The head chosen for one position.
struct Choice
{
    Vector logits;         //!< the chosen head's logits
    int64_t exitLayer = 0; //!< the exit layer, or -1 for the cloud's final head
    float confidence = 0;  //!< top probability of the last exit head tried
};

/// \return " (the model's exit heads are after 2, 4 layers)", for error messages
std::string
ExitHeadNote(const Transformer& model)
{
    std::string layers;
    for (const ExitHeadWeights& exit : model.Weights().exitHeads)
    {
        layers += (layers.empty() ? "" : ", ") + std::to_string(exit.layers);
    }
    return layers.empty() ? " (the model has no exit heads)"
                          : " (the model's exit heads are after " + layers + " layers)";
}

bool
HasExitHead(const Transformer& model, int64_t layers)
{
    const auto& heads = model.Weights().exitHeads;
    return std::any_of(heads.begin(),
                       heads.end(),
                       [layers](const ExitHeadWeights& exit)
                       {
                           return exit.layers == layers;
                       });
}

void
CheckExitLayers(const Transformer& model, const EarlyExitPolicy& policy)
{
    const std::string heads = ExitHeadNote(model);
    if (policy.exitLayers.empty())
    {
        throw LlmError("early exit: no exit layer listed" + heads);
    }
    int64_t previous = 0;
    for (int64_t layer : policy.exitLayers)
    {
        if (!HasExitHead(model, layer))
        {
            throw LlmError("early exit: exit layer " + std::to_string(layer) + " has no exit head"
                           + heads);
        }
        if (layer > policy.splitLayer)
        {
            throw LlmError("early exit: exit layer " + std::to_string(layer)
                           + " is after the split layer " + std::to_string(policy.splitLayer)
                           + " (the edge runs layers [0, " + std::to_string(policy.splitLayer)
                           + "))");
        }
        if (layer <= previous)
        {
            throw LlmError("early exit: exit layers must increase, got " + std::to_string(previous)
                           + " then " + std::to_string(layer));
        }
        previous = layer;
    }
}

/**
 * Run new tokens through the edge's layers and, unless the edge is standalone, the cloud's,
 * which receive the split layer's hidden state as the wire rounds it. Embed + two layer ranges
 * is exactly Transformer::Forward when the rounding is the identity.
 */
SplitStep
RunStep(const Transformer& model,
        const EarlyExitPolicy& policy,
        const TokenSequence& tokens,
        SplitCaches& caches,
        ForwardOptions::Logits rows,
        bool wantExits)
{
    ForwardOptions edgeOptions;
    edgeOptions.logits = rows;
    edgeOptions.exitHeads = wantExits;
    ForwardResult edge =
        model.ForwardLayers(model.Embed(tokens), 0, policy.splitLayer, caches.edge, edgeOptions);
    SplitStep step;
    step.exitLogits = std::move(edge.exitLogits);
    step.cost = edge.cost;
    step.cost += model.Costs().Embedding(static_cast<int64_t>(tokens.size()));
    if (policy.defer)
    {
        RoundHiddenStates(policy.precision, edge.output);
        ForwardOptions cloudOptions; // no exit heads: the edge already ran those it needs
        cloudOptions.logits = rows;
        ForwardResult cloud = model.ForwardLayers(edge.output,
                                                  policy.splitLayer,
                                                  model.Config().numLayers,
                                                  caches.cloud,
                                                  cloudOptions);
        step.logits = std::move(cloud.logits);
        step.cost += cloud.cost;
    }
    return step;
}

/// The exit rule for row `row` of a step: the first confident exit head, else the cloud's
/// final head (defer) or the last exit head (standalone).
Choice
Choose(const EarlyExitPolicy& policy, const SplitStep& step, Eigen::Index row)
{
    Choice choice;
    for (int64_t layer : policy.exitLayers)
    {
        choice.logits = step.exitLogits.at(layer).row(row).transpose();
        choice.exitLayer = layer;
        choice.confidence = Sampler::Softmax(choice.logits).maxCoeff();
        // A threshold of 1 or more is "never confident", even when a probability rounds to 1.
        if (policy.threshold < 1 && choice.confidence >= policy.threshold)
        {
            return choice;
        }
    }
    if (policy.defer)
    {
        choice.logits = step.logits.row(row).transpose();
        choice.exitLayer = -1;
    }
    return choice;
}

/// Teacher-force the continuation like Evaluator::ScoreAfter: position 0 from the prompt's
/// step, the others from one block of all but the last token.
ContinuationScore
ScoreContinuation(const Transformer& model,
                  const EarlyExitPolicy& policy,
                  SplitCaches& caches,
                  const SplitStep& prompt,
                  const TokenSequence& continuation,
                  int64_t& deferred)
{
    ContinuationScore score;
    score.tokens = static_cast<int64_t>(continuation.size());
    score.bytes = score.tokens; // the byte tokenizer, Evaluator's default
    auto account = [&](const SplitStep& step, Eigen::Index row, TokenId target)
    {
        const Choice choice = Choose(policy, step, row);
        score.Account(choice.logits, target);
        deferred += choice.exitLayer < 0 ? 1 : 0;
    };
    account(prompt, 0, continuation[0]);
    if (continuation.size() > 1)
    {
        const TokenSequence inputs(continuation.begin(), continuation.end() - 1);
        const SplitStep block =
            RunStep(model, policy, inputs, caches, ForwardOptions::Logits::ALL, true);
        for (std::size_t i = 1; i < continuation.size(); ++i)
        {
            account(block, static_cast<Eigen::Index>(i - 1), continuation[i]);
        }
        score.cost += block.cost;
    }
    return score;
}

/// Greedy generation like Generator::GenerateAfter: one step per token, the last one not run.
std::vector<EarlyExitStep>
Generate(const Transformer& model,
         const EarlyExitPolicy& policy,
         SplitCaches& caches,
         const SplitStep& prompt,
         int64_t answerTokens)
{
    std::vector<EarlyExitStep> steps;
    SplitStep step = prompt;
    while (static_cast<int64_t>(steps.size()) < answerTokens)
    {
        const Choice choice = Choose(policy, step, 0);
        const TokenId next = Sampler::Argmax(choice.logits);
        steps.push_back({next, choice.exitLayer, choice.confidence});
        if (static_cast<int64_t>(steps.size()) >= answerTokens)
        {
            break;
        }
        step = RunStep(model, policy, {next}, caches, ForwardOptions::Logits::LAST, true);
    }
    return steps;
}

/// Round one row to symmetric int8 with an absmax scale and back.
void
RoundRowQ8(Eigen::Ref<Eigen::RowVectorXf> row)
{
    const float maxAbs = row.cwiseAbs().maxCoeff();
    if (!std::isfinite(maxAbs))
    {
        throw LlmError("q8 hidden states: a row holds a non-finite value");
    }
    if (maxAbs == 0.0f)
    {
        return; // a zero row has no scale and stays zero
    }
    const float scale = maxAbs / 127.0f;
    for (Eigen::Index i = 0; i < row.size(); ++i)
    {
        const long q = std::clamp(std::lround(row[i] / scale), -127L, 127L);
        row[i] = static_cast<float>(q) * scale;
    }
}

} // namespace

std::string
HiddenPrecisionName(HiddenPrecision precision)
{
    switch (precision)
    {
        case HiddenPrecision::FP32:
            return "fp32";
        case HiddenPrecision::FP16:
            return "fp16";
        case HiddenPrecision::Q8:
            return "q8";
    }
    throw LlmError("hidden precision: unknown value "
                   + std::to_string(static_cast<int>(precision)));
}

HiddenPrecision
ParseHiddenPrecision(const std::string& name)
{
    for (HiddenPrecision precision :
         {HiddenPrecision::FP32, HiddenPrecision::FP16, HiddenPrecision::Q8})
    {
        if (HiddenPrecisionName(precision) == name)
        {
            return precision;
        }
    }
    throw LlmError("hidden precision: unknown name \"" + name + "\" (expected fp32, fp16 or q8)");
}

double
HiddenStateBytes(HiddenPrecision precision, int64_t rows, int64_t width)
{
    const auto elements = static_cast<double>(rows) * static_cast<double>(width);
    switch (precision)
    {
        case HiddenPrecision::FP32:
            return elements * 4;
        case HiddenPrecision::FP16:
            return elements * 2;
        case HiddenPrecision::Q8:
            return elements + 4.0 * static_cast<double>(rows);
    }
    throw LlmError("hidden precision: unknown value "
                   + std::to_string(static_cast<int>(precision)));
}

void
RoundHiddenStates(HiddenPrecision precision, Matrix& rows)
{
    switch (precision)
    {
        case HiddenPrecision::FP32:
            return;
        case HiddenPrecision::FP16:
            rows = rows.unaryExpr(
                [](float value)
                {
                    return HalfPrecision::HalfToFloat(HalfPrecision::FloatToHalf(value));
                });
            return;
        case HiddenPrecision::Q8:
            for (Eigen::Index r = 0; r < rows.rows(); ++r)
            {
                RoundRowQ8(rows.row(r));
            }
            return;
    }
    throw LlmError("hidden precision: unknown value "
                   + std::to_string(static_cast<int>(precision)));
}

EarlyExitDecoder::EarlyExitDecoder(const Transformer& model, EarlyExitPolicy policy)
    : m_model(model)
    , m_policy(std::move(policy))
{
    const int64_t layers = m_model.Config().numLayers;
    if (m_policy.splitLayer < 1 || m_policy.splitLayer >= layers)
    {
        throw LlmError("early exit: split layer " + std::to_string(m_policy.splitLayer)
                       + " is outside [1, " + std::to_string(layers) + ") (the model has "
                       + std::to_string(layers) + " layers)");
    }
    CheckExitLayers(m_model, m_policy);
    if (!std::isfinite(m_policy.threshold) || m_policy.threshold < 0)
    {
        std::ostringstream value;
        value << m_policy.threshold;
        throw LlmError("early exit: threshold " + value.str() + " is not a finite number >= 0");
    }
}

const EarlyExitPolicy&
EarlyExitDecoder::Policy() const
{
    return m_policy;
}

EarlyExitAnswer
EarlyExitDecoder::Answer(const TokenSequence& prefix,
                         const TokenSequence& query,
                         int64_t answerTokens,
                         const TokenSequence& continuation) const
{
    if (prefix.empty() || query.empty() || continuation.empty() || answerTokens < 0)
    {
        throw LlmError("early exit: a request needs a prefix, a query, a continuation (at least "
                       "one token each) and answerTokens >= 0");
    }
    // The last generated or continuation token is never run, so it takes no position.
    const auto needed = static_cast<int64_t>(prefix.size() + query.size())
                        + std::max(answerTokens, static_cast<int64_t>(continuation.size())) - 1;
    if (needed > m_model.Config().maxPositions)
    {
        throw LlmError("early exit: prefix (" + std::to_string(prefix.size()) + ") + query ("
                       + std::to_string(query.size()) + ") + answer tokens need "
                       + std::to_string(needed) + " positions, more than max_position_embeddings "
                       + std::to_string(m_model.Config().maxPositions));
    }
    m_model.Embed(continuation); // validates every id before any work, like Evaluator

    const ModelConfig& config = m_model.Config();
    SplitCaches caches{KvCache(config, 0, m_policy.splitLayer),
                       KvCache(config, m_policy.splitLayer, config.numLayers)};
    // Like ExecutedModel: the prefix gives no logits, the query's last token predicts.
    RunStep(m_model, m_policy, prefix, caches, ForwardOptions::Logits::NONE, false);
    const SplitStep prompt =
        RunStep(m_model, m_policy, query, caches, ForwardOptions::Logits::LAST, true);

    EarlyExitAnswer answer;
    SplitCaches scoring = caches;
    answer.score =
        ScoreContinuation(m_model, m_policy, scoring, prompt, continuation, answer.scoreDeferred);
    answer.steps = Generate(m_model, m_policy, caches, prompt, answerTokens);
    return answer;
}

} // namespace llm
} // namespace ns3
