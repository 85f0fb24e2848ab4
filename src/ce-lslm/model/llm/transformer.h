#ifndef CE_LSLM_TRANSFORMER_H
#define CE_LSLM_TRANSFORMER_H

#include "causal-attention.h"
#include "forward-cost.h"
#include "forward-options.h"
#include "kv-cache.h"
#include "model-weights.h"
#include "rotary-embedding.h"

#include <string>

namespace ns3
{
namespace llm
{

/**
 * \brief A Llama-family decoder-only transformer on Eigen: prefill, decode, taps and costs.
 *
 * Forward() runs any number of new tokens after what the KV cache holds: many tokens is a
 * batched prefill (matrix-matrix products), one token is a decode step (matrix-vector
 * products), and both share one code path, so decoding token by token equals one prefill.
 * ForwardLayers() runs a range of layers from a hidden state, for models split across nodes.
 * FP32 compute; deterministic for a given KernelThreads count. Const and re-entrant: one model
 * can serve many caches.
 */
class Transformer
{
  public:
    /// \param weights the model (moved in)
    explicit Transformer(ModelWeights weights);
    /// \return a model loaded from a folder (config.json + safetensors)
    static Transformer Load(const std::string& directory);

    /// \return the architecture
    const ModelConfig& Config() const;
    /// \return the weights
    const ModelWeights& Weights() const;
    /// \return the cost formulas of this model as executed (FP32 weights and KV)
    const CostModel& Costs() const;
    /// \return the model's rotary position embedding (e.g. to rotate keys another model sent)
    const RotaryEmbedding& Rope() const;

    /**
     * Run new tokens through every layer and the LM head.
     * \param tokens new token ids (at least one)
     * \param cache the sequence's cache, covering all layers; the new tokens are appended
     * \param options taps and logits to return
     */
    ForwardResult Forward(const TokenSequence& tokens,
                          KvCache& cache,
                          const ForwardOptions& options = {}) const;

    /**
     * Run layers [firstLayer, endLayer) on hidden states; the LM head runs if endLayer is the
     * last layer. Taps outside the range are ignored.
     * \param hidden input to layer firstLayer [tokens x hidden]
     * \param cache covering at least those layers, all at the same next position
     */
    ForwardResult ForwardLayers(const Matrix& hidden,
                                int64_t firstLayer,
                                int64_t endLayer,
                                KvCache& cache,
                                const ForwardOptions& options = {}) const;

    /// \return the embedding rows of tokens [tokens x hidden] (throws on ids outside the vocab)
    Matrix Embed(const TokenSequence& tokens) const;
    /// \return logits of rows through a norm and head: the final ones, or an exit head's
    Matrix Head(const Matrix& rows, const Vector& norm, const Matrix& head) const;

    /**
     * Move a cache's tokens to contiguous positions starting at firstPosition, re-rotating the
     * keys from the pre-RoPE keys (e.g. a context computed alone, placed after a prompt).
     */
    void Reposition(KvCache& cache, int32_t firstPosition) const;

  private:
    void RunLayer(int64_t layer,
                  Matrix& x,
                  KvLayer& kv,
                  const std::vector<int32_t>& positions,
                  bool wantImportance,
                  ForwardResult& result) const;
    std::vector<int32_t> NewPositions(const KvCache& cache,
                                      int64_t firstLayer,
                                      int64_t endLayer,
                                      int64_t tokens) const;
    void Tap(const Matrix& x,
             int64_t layerCount,
             const ForwardOptions& options,
             ForwardResult& result) const;
    Matrix Norm(const Matrix& x, const Vector& weight) const;

    ModelWeights m_weights;      //!< parameters
    RotaryEmbedding m_rope;      //!< position rotation
    CausalAttention m_attention; //!< attention kernel
    CostModel m_costs;           //!< cost formulas (FP32)
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_TRANSFORMER_H
