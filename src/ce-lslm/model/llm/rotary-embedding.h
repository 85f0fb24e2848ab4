#ifndef CE_LSLM_ROTARY_EMBEDDING_H
#define CE_LSLM_ROTARY_EMBEDDING_H

#include "model-config.h"
#include "tensor-types.h"

#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief Rotary position embedding in the HF Llama ("rotate_half") convention.
 *
 * Dimension i of a head is paired with i + headDim/2 and rotated by position x invFreq[i], with
 * invFreq[i] = theta^(-2i/headDim), adjusted by the config's RoPE scaling (linear or llama3).
 * Angles are computed per call in double precision, so any position up to the config's limit
 * costs no table memory.
 */
class RotaryEmbedding
{
  public:
    /// \param config the model (head_dim, rope_theta, rope_scaling)
    explicit RotaryEmbedding(const ModelConfig& config);

    /**
     * Rotate every head of every row in place.
     * \param x [tokens x heads*headDim]
     * \param positions one position per row of x
     */
    void Apply(Matrix& x, const std::vector<int32_t>& positions) const;

    /// \return the inverse frequencies, headDim/2 of them
    const std::vector<double>& InverseFrequencies() const;

  private:
    int64_t m_headDim;             //!< per-head width
    std::vector<double> m_invFreq; //!< scaled inverse frequencies
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_ROTARY_EMBEDDING_H
