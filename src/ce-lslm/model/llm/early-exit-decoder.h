/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EARLY_EXIT_DECODER_H
#define CE_LSLM_EARLY_EXIT_DECODER_H

#include "evaluator.h"
#include "transformer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief How a hidden state is stored when it crosses the split between two partitions.
 */
enum class HiddenPrecision
{
    FP32, //!< 4 bytes per element, exact
    FP16, //!< 2 bytes per element (IEEE binary16, round to nearest even)
    Q8    //!< 1 byte per element, symmetric int8 with one FP32 absmax scale per row
};

/**
 * \param precision a precision
 * \return its name ("fp32", "fp16", "q8")
 */
std::string HiddenPrecisionName(HiddenPrecision precision);

/**
 * \param name "fp32", "fp16" or "q8"
 * \return the precision
 * \throw LlmError naming the accepted names for anything else
 */
HiddenPrecision ParseHiddenPrecision(const std::string& name);

/**
 * \param precision a precision
 * \param rows hidden-state rows (tokens)
 * \param width elements per row (the hidden size)
 * \return the bytes those rows take on the wire: rows x width x element size, plus 4 bytes of
 * scale per row for Q8
 */
double HiddenStateBytes(HiddenPrecision precision, int64_t rows, int64_t width);

/**
 * \brief Round hidden-state rows in place as the wire would (identity for FP32).
 * \param precision the wire precision
 * \param rows [tokens x hidden], changed in place
 */
void RoundHiddenStates(HiddenPrecision precision, Matrix& rows);

/**
 * \brief Where a partitioned model with early exits splits and when it exits (CE-CoLLM).
 *
 * The edge runs decoder layers [0, splitLayer) and the exit heads listed in exitLayers (layer
 * counts, increasing, each <= splitLayer, each one of the model's early_exit_layers). A token
 * leaves at the first listed exit whose top probability is >= threshold; a threshold >= 1 is
 * never met ("never confident"). Otherwise it is deferred: its hidden state after splitLayer
 * layers, rounded to `precision`, goes to the cloud, which runs layers [splitLayer, end) and the
 * final head. A standalone edge (defer = false) never defers: an unconfident token takes the
 * argmax of the last listed exit head.
 */
struct EarlyExitPolicy
{
    int64_t splitLayer = 0;                            //!< edge layers (1 .. numLayers - 1)
    std::vector<int64_t> exitLayers;                   //!< exit heads the edge evaluates
    double threshold = 0.8;                            //!< top probability needed to exit
    bool defer = true;                                 //!< false: standalone edge
    HiddenPrecision precision = HiddenPrecision::FP16; //!< hidden states sent to the cloud
};

/**
 * \brief One generated token: which head chose it.
 */
struct EarlyExitStep
{
    TokenId token = 0;      //!< the token
    int64_t exitLayer = -1; //!< layer count of the exit head that emitted it; -1: the cloud
    float confidence = 0;   //!< top probability of the head that decided (the last one tried)
};

/**
 * \brief What a partitioned model with early exits did for one request.
 */
struct EarlyExitAnswer
{
    std::vector<EarlyExitStep> steps; //!< the greedy answer, one step per token
    /// The true continuation, teacher-forced, each position scored with the distribution the
    /// policy would have used (the exit head that was confident, or the cloud's final head);
    /// predictions are that distribution's argmax.
    ContinuationScore score;
    int64_t scoreDeferred = 0; //!< continuation positions decided by the cloud
};

/**
 * \brief Runs a model split in two with early exits (CE-CoLLM): the edge's first layers and exit
 * heads, the cloud's remaining layers fed with the rounded hidden states of the split layer.
 *
 * Every position passes the edge's layers, and every position's rounded split-layer hidden state
 * passes the cloud's layers, whether or not its token exited: the caches of both partitions stay
 * complete, as they do when the cloud's context manager eventually receives every position it
 * needs. The prefix and the query are run as two steps and each generated token as one, like
 * ExecutedModel::Answer, so with FP32 hidden states and a threshold that is never met the
 * deferred answer and score equal the full model's exactly.
 */
class EarlyExitDecoder
{
  public:
    /**
     * \param model the full model (its exit heads must include every listed exit layer)
     * \param policy the split and exit rule
     * \throw LlmError naming the problem if the split is outside [1, numLayers), exit layers are
     * not increasing, exceed the split or have no head, none is listed, or the threshold is
     * negative or not finite
     */
    EarlyExitDecoder(const Transformer& model, EarlyExitPolicy policy);

    /// \return the policy
    const EarlyExitPolicy& Policy() const;

    /**
     * \brief Answer a request: prefill prefix then query (two steps), generate answerTokens
     * tokens greedily under the exit rule, and score the continuation after the same prompt.
     * \param prefix `<bos>` + context tokens (at least one)
     * \param query the query's tokens (at least one)
     * \param answerTokens tokens to generate (0: only score)
     * \param continuation the true continuation (at least one token)
     * \return the answer
     * \throw LlmError if the tokens do not fit the model's positions
     */
    EarlyExitAnswer Answer(const TokenSequence& prefix,
                           const TokenSequence& query,
                           int64_t answerTokens,
                           const TokenSequence& continuation) const;

  private:
    const Transformer& m_model; //!< the full model
    EarlyExitPolicy m_policy;   //!< split and exit rule
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_EARLY_EXIT_DECODER_H
