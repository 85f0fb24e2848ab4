#include "evaluator.h"

#include "llm-error.h"
#include "sampler.h"

#include <cmath>

namespace ns3
{
namespace llm
{

namespace
{

/// -log softmax(logits)[target], in double precision.
double
NegativeLogLikelihood(const Vector& logits, TokenId target)
{
    const double top = logits.maxCoeff();
    const double logSum = std::log((logits.cast<double>().array() - top).exp().sum()) + top;
    return logSum - logits[target];
}

} // namespace

double
ContinuationScore::BitsPerByte() const
{
    return bytes > 0 ? nllNats / std::log(2.0) / static_cast<double>(bytes) : 0.0;
}

double
ContinuationScore::BitsPerToken() const
{
    return tokens > 0 ? nllNats / std::log(2.0) / static_cast<double>(tokens) : 0.0;
}

double
ContinuationScore::Accuracy() const
{
    return tokens > 0 ? static_cast<double>(greedyHits) / static_cast<double>(tokens) : 0.0;
}

void
ContinuationScore::Account(const Vector& logits, TokenId target)
{
    nllNats += NegativeLogLikelihood(logits, target);
    const TokenId predicted = Sampler::Argmax(logits);
    predictions.push_back(predicted);
    greedyHits += predicted == target ? 1 : 0;
}

ContinuationScore
Evaluator::Score(const Transformer& model,
                 const TokenSequence& context,
                 const TokenSequence& continuation,
                 int64_t bytes)
{
    KvCache cache(model.Config());
    return ScoreAfterPrompt(model, cache, context, continuation, bytes);
}

ContinuationScore
Evaluator::ScoreAfterPrompt(const Transformer& model,
                            KvCache& cache,
                            const TokenSequence& prompt,
                            const TokenSequence& continuation,
                            int64_t bytes)
{
    if (prompt.empty())
    {
        throw LlmError("evaluation: the context needs at least one token (e.g. <bos>)");
    }
    const ForwardResult prefix = model.Forward(prompt, cache);
    ContinuationScore score =
        ScoreAfter(model, cache, prefix.logits.row(0).transpose(), continuation, bytes);
    score.cost += prefix.cost;
    return score;
}

ContinuationScore
Evaluator::ScoreAfter(const Transformer& model,
                      KvCache& cache,
                      const Vector& nextLogits,
                      const TokenSequence& continuation,
                      int64_t bytes)
{
    ContinuationScore score;
    score.tokens = static_cast<int64_t>(continuation.size());
    score.bytes = bytes < 0 ? score.tokens : bytes;
    if (continuation.empty())
    {
        return score;
    }
    model.Embed(continuation); // validates every id before any work
    score.Account(nextLogits, continuation[0]);
    if (continuation.size() > 1)
    {
        const TokenSequence inputs(continuation.begin(), continuation.end() - 1);
        ForwardOptions options;
        options.logits = ForwardOptions::Logits::ALL;
        const ForwardResult result = model.Forward(inputs, cache, options);
        for (std::size_t i = 1; i < continuation.size(); ++i)
        {
            score.Account(result.logits.row(static_cast<Eigen::Index>(i - 1)).transpose(),
                          continuation[i]);
        }
        score.cost += result.cost;
    }
    return score;
}

} // namespace llm
} // namespace ns3
