#ifndef CE_LSLM_FORWARD_COST_H
#define CE_LSLM_FORWARD_COST_H

#include "model-config.h"

#include <cstdint>

namespace ns3
{
namespace llm
{

/**
 * \brief What one kernel call costs: floating-point operations and bytes moved.
 *
 * Computed from shapes, never measured, so it is the same on every machine; the compute model
 * (roofline of a device profile) turns it into simulated time. The same formulas price a
 * *declared* architecture that is never executed (CostModel::Forward with its shapes).
 */
struct ForwardCost
{
    double flops = 0;          //!< floating-point operations (a multiply-add counts 2)
    double weightBytes = 0;    //!< weight bytes read
    double kvReadBytes = 0;    //!< KV cache bytes read by attention
    double kvWrittenBytes = 0; //!< KV cache bytes written (new tokens)
    double outputBytes = 0;    //!< result bytes written (logits, hidden-state taps)

    /// \return weightBytes + kvReadBytes
    double BytesRead() const;
    /// \return kvWrittenBytes + outputBytes
    double BytesWritten() const;
    /// Accumulate another call's cost.
    ForwardCost& operator+=(const ForwardCost& other);
};

/**
 * \brief The closed-form cost of the Llama-family forward pass, piece by piece.
 *
 * Matrix products count 2 x m x n x k; attention counts only the query-key pairs a causal mask
 * leaves (what a fused attention kernel executes); elementwise work uses fixed per-element
 * counts: RMSNorm 4, RoPE 3 per rotated element, softmax 5 per score, SiLU-and-gate 5, residual
 * add 1. Bytes: each weight matrix is read once per call, attention reads every visible key and
 * value once per layer, new tokens' keys and values are written once.
 */
class CostModel
{
  public:
    /**
     * \param config the architecture
     * \param bytesPerWeight stored weight element size (4 for the FP32 kernel, 2 for FP16)
     * \param bytesPerKv stored KV element size
     */
    CostModel(const ModelConfig& config, double bytesPerWeight, double bytesPerKv);

    /**
     * Cost of one decoder layer.
     * \param tokens new tokens processed
     * \param scorePairs query-key pairs attended (causal)
     * \param keysRead cached plus new tokens whose keys and values attention reads
     */
    ForwardCost Layer(int64_t tokens, int64_t scorePairs, int64_t keysRead) const;
    /// Cost of reading `tokens` embedding rows.
    ForwardCost Embedding(int64_t tokens) const;
    /// Cost of a norm + LM head (final, logit lens or exit head) on `rows` rows.
    ForwardCost Head(int64_t rows) const;
    /**
     * Cost of a whole forward pass of `tokens` new tokens after `cached` contiguous cached ones.
     * \param logitRows rows that go through the final norm and LM head (1 for the last token)
     */
    ForwardCost Forward(int64_t tokens, int64_t cached, int64_t logitRows) const;
    /// \return causal query-key pairs for `tokens` new tokens after `cached` contiguous ones
    static int64_t CausalPairs(int64_t tokens, int64_t cached);

  private:
    ModelConfig m_config; //!< architecture
    double m_weightBytes; //!< bytes per weight
    double m_kvBytes;     //!< bytes per KV element
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_FORWARD_COST_H
