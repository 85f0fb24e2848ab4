#ifndef CE_LSLM_GENERATOR_H
#define CE_LSLM_GENERATOR_H

#include "sampler.h"
#include "transformer.h"

namespace ns3
{
namespace llm
{

/**
 * \brief What a generation produced and what it cost.
 */
struct Generation
{
    TokenSequence tokens;    //!< generated tokens (the stop token included if reached)
    ForwardCost prefillCost; //!< cost of the prompt's forward pass
    ForwardCost decodeCost;  //!< cost of all decode steps
};

/**
 * \brief Autoregressive generation: one prefill of the prompt, then one decode step per token.
 */
class Generator
{
  public:
    /**
     * \param model the model
     * \param cache the sequence's cache (may already hold a prefix); the prompt and all
     *        generated tokens but the last are appended
     * \param prompt new tokens to prefill (at least one)
     * \param maxTokens tokens to generate at most
     * \param sampler how to choose tokens
     * \param stopToken generation ends after this token (-1: none)
     */
    static Generation Generate(const Transformer& model,
                               KvCache& cache,
                               const TokenSequence& prompt,
                               int64_t maxTokens,
                               Sampler& sampler,
                               TokenId stopToken = -1);

    /**
     * \brief Generate after a prefix already in \p cache, from the logits that prefix ended
     * with (e.g. to generate and score from one shared prefill).
     * \param model the model
     * \param cache the sequence's cache; all generated tokens but the last are appended
     * \param nextLogits logits for the first token to generate
     * \param maxTokens tokens to generate at most
     * \param sampler how to choose tokens
     * \param stopToken generation ends after this token (-1: none)
     * \return the tokens and the cost of the decode steps (prefillCost is zero)
     */
    static Generation GenerateAfter(const Transformer& model,
                                    KvCache& cache,
                                    const Vector& nextLogits,
                                    int64_t maxTokens,
                                    Sampler& sampler,
                                    TokenId stopToken = -1);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_GENERATOR_H
