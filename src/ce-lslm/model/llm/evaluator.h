#ifndef CE_LSLM_EVALUATOR_H
#define CE_LSLM_EVALUATOR_H

#include "transformer.h"

#include <cstdint>

namespace ns3
{
namespace llm
{

/**
 * \brief How well a model predicts a continuation (teacher forcing).
 */
struct ContinuationScore
{
    double nllNats = 0;        //!< total negative log-likelihood, natural log
    int64_t tokens = 0;        //!< continuation tokens scored
    int64_t bytes = 0;         //!< bytes those tokens stand for
    int64_t greedyHits = 0;    //!< tokens where the model's argmax was the true token
    TokenSequence predictions; //!< the model's argmax before each continuation token
    ForwardCost cost;          //!< kernel cost of the scoring

    /// \return nllNats / ln 2 / bytes
    double BitsPerByte() const;
    /// \return nllNats / ln 2 / tokens
    double BitsPerToken() const;
    /// \return greedyHits / tokens
    double Accuracy() const;

    /**
     * \brief Score one more position: add -log softmax(logits)[target] (in double precision) to
     * nllNats, the logits' argmax to predictions and a greedy hit if it is the target. tokens,
     * bytes and cost are the caller's.
     * \param logits the distribution's logits before the position
     * \param target the true token there
     */
    void Account(const Vector& logits, TokenId target);
};

/**
 * \brief Log-likelihood and bits per byte of a continuation given a context.
 */
class Evaluator
{
  public:
    /**
     * Prefill the context (at least one token, e.g. <bos>), then score the continuation.
     * \param bytes bytes of the continuation (default: one per token, the byte tokenizer)
     */
    static ContinuationScore Score(const Transformer& model,
                                   const TokenSequence& context,
                                   const TokenSequence& continuation,
                                   int64_t bytes = -1);
    /**
     * Score a continuation after a cache that is already filled (e.g. with imported KV).
     * \param cache the prefix's cache; the continuation is appended to it
     * \param nextLogits the logits the prefix's last token produced (predicting token 0)
     */
    static ContinuationScore ScoreAfter(const Transformer& model,
                                        KvCache& cache,
                                        const Vector& nextLogits,
                                        const TokenSequence& continuation,
                                        int64_t bytes = -1);
    /**
     * Run a prompt after what a cache holds (e.g. a context's KV, imported or computed), then
     * score the continuation. The prompt's cost is included.
     * \param cache the prefix's cache (may be empty); prompt and continuation are appended
     * \param prompt at least one token
     */
    static ContinuationScore ScoreAfterPrompt(const Transformer& model,
                                              KvCache& cache,
                                              const TokenSequence& prompt,
                                              const TokenSequence& continuation,
                                              int64_t bytes = -1);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_EVALUATOR_H
