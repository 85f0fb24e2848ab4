#ifndef CE_LSLM_CAUSAL_ATTENTION_H
#define CE_LSLM_CAUSAL_ATTENTION_H

#include "kv-cache.h"
#include "model-config.h"
#include "tensor-types.h"

#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief Causal grouped-query attention of new queries over one layer's KV cache.
 *
 * A query at position p sees the cached tokens at positions <= p (the new tokens are already
 * appended). A layer's fused context tokens (KvLayer::SetContextFusion) get their log-weight
 * added to their attention logits. Work is done per KV head with its group of query heads stacked
 * into one matrix, so each key and value is read once per group, and queries are processed in
 * chunks so that a long prefill touches only the keys each chunk can see. KV heads run in parallel
 * when the kernel has threads; every output element is computed by one thread in a fixed order
 * (deterministic).
 */
class CausalAttention
{
  public:
    /// \param config the model (heads, KV heads, head_dim)
    explicit CausalAttention(const ModelConfig& config);

    /**
     * \param queries rotated queries [tokens x heads*headDim]
     * \param positions the position of each query row
     * \param kv the layer's cache, including the new tokens
     * \param importance if not null, receives per key token the attention weight summed over
     *        heads and queries (size kv.Tokens())
     * \return the attention output [tokens x heads*headDim]
     */
    Matrix Attend(const Matrix& queries,
                  const std::vector<int32_t>& positions,
                  const KvLayer& kv,
                  Vector* importance) const;

    /// \return query-key pairs (per head) that Attend computes for these query positions
    static int64_t VisiblePairs(const std::vector<int32_t>& positions, const KvLayer& kv);

  private:
    void AttendHeadGroup(int64_t kvHead,
                         const Matrix& queries,
                         const std::vector<int64_t>& visible,
                         const KvLayer& kv,
                         Matrix& out,
                         Vector* importance) const;

    int64_t m_heads;   //!< query heads
    int64_t m_kvHeads; //!< KV heads
    int64_t m_headDim; //!< per-head width
    float m_scale;     //!< 1 / sqrt(head_dim)
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_CAUSAL_ATTENTION_H
