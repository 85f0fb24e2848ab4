#ifndef CE_LSLM_SAMPLER_H
#define CE_LSLM_SAMPLER_H

#include "seeded-random.h"
#include "tensor-types.h"

#include <cstdint>

namespace ns3
{
namespace llm
{

/**
 * \brief How to choose the next token from logits.
 */
struct SamplingParams
{
    double temperature = 0.0; //!< 0: greedy (argmax); > 0: softmax(logits / temperature)
    int64_t topK = 0;         //!< keep the k most likely tokens (0: all)
    double topP = 1.0;        //!< keep the smallest set with cumulative probability >= topP
    uint64_t seed = 0;        //!< the sampler's random seed
};

/**
 * \brief Picks tokens from logits: greedy, or temperature / top-k / top-p sampling with an
 * explicit seed, so that a sampled generation is reproducible.
 *
 * Ties are broken towards the lower token id, everywhere.
 */
class Sampler
{
  public:
    /// \param params the rule and seed (throws LlmError on invalid values)
    explicit Sampler(const SamplingParams& params = {});
    /// \return the chosen token for one row of logits
    TokenId Sample(const Vector& logits);
    /// \return the id of the largest logit (lowest id on ties)
    static TokenId Argmax(const Vector& logits);
    /// \return softmax probabilities of logits, computed stably
    static Vector Softmax(const Vector& logits);

  private:
    SamplingParams m_params; //!< rule
    SeededRandom m_random;   //!< draws
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_SAMPLER_H
