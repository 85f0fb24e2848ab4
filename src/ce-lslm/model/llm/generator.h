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
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_GENERATOR_H
