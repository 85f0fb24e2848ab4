#ifndef CE_LSLM_KV_CACHE_H
#define CE_LSLM_KV_CACHE_H

#include "model-config.h"
#include "tensor-types.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief The keys and values of one decoder layer for a sequence of tokens.
 *
 * Rows are tokens, columns are kvHeads x headDim (head-major), i.e. [tokens x kv_heads x
 * head_dim]. Keys are kept both before RoPE (what another model's projection or a re-positioning
 * needs) and rotated (what attention uses). Every token carries its position; positions strictly
 * increase but need not be contiguous (pruned caches keep their original positions), and the
 * next token continues after the last one. Storage grows geometrically, so appending one token
 * per decode step is amortized O(1) copies.
 */
class KvLayer
{
  public:
    /// \param kvDim kvHeads * headDim
    explicit KvLayer(int64_t kvDim = 0);

    /// \return number of tokens held
    int64_t Tokens() const;
    /// \return kvHeads * headDim
    int64_t KvDim() const;
    /// \return the pre-RoPE keys [tokens x kvDim]
    ConstRowBlock Keys() const;
    /// \return the rotated keys [tokens x kvDim]
    ConstRowBlock RotatedKeys() const;
    /// \return the values [tokens x kvDim]
    ConstRowBlock Values() const;
    /// \return the position of each token
    const std::vector<int32_t>& Positions() const;
    /// \return the position the next appended token takes (last + 1, or the start if empty, or
    ///         where AdvanceTo moved it)
    int32_t NextPosition() const;

    /**
     * Append tokens. Throws LlmError if shapes differ or positions do not increase.
     * \param keys pre-RoPE keys [n x kvDim]
     * \param rotatedKeys keys after RoPE [n x kvDim]
     * \param values values [n x kvDim]
     * \param positions n increasing positions, all >= NextPosition()
     */
    void Append(const Matrix& keys,
                const Matrix& rotatedKeys,
                const Matrix& values,
                const std::vector<int32_t>& positions);

    /// \return a copy of tokens [begin, end) with their positions
    KvLayer Slice(int64_t begin, int64_t end) const;
    /// \return a copy of the listed tokens (increasing indices), e.g. after pruning
    KvLayer Select(const std::vector<int64_t>& tokenIndices) const;
    /**
     * Give the tokens new positions and their new rotated keys (see Transformer::Reposition).
     */
    void SetPositions(const std::vector<int32_t>& positions, const Matrix& rotatedKeys);
    /// Set where an empty layer starts (e.g. a cache continuing after an external prefix).
    void SetStartPosition(int32_t position);
    /**
     * Make the next appended token take at least `position` (>= NextPosition()): a context whose
     * last tokens were pruned still ends where the full context ends, so every layer continues
     * at the same position.
     */
    void AdvanceTo(int32_t position);

    /**
     * Weight the attention that later tokens pay to the first `tokens` tokens of this layer (a
     * context whose KV came from another model): their attention logits get + logWeight before
     * the softmax, which scales the context's share of the attention by exp(logWeight) against
     * the locally computed tokens. 0 (the default) is plain attention; a very negative weight
     * makes the layer ignore the context. Slices and selections keep the weight for the context
     * tokens they contain.
     * \param tokens context tokens at the start of the layer (0..Tokens(); may be set before the
     *        layer holds them)
     * \param logWeight added to their attention logits
     */
    void SetContextFusion(int64_t tokens, float logWeight);
    /// \return tokens whose attention logits get FusionLogWeight()
    int64_t FusedTokens() const;
    /// \return the log-weight of the fused context tokens
    float FusionLogWeight() const;

    /// \return bytes of FP32 storage in use (pre-RoPE keys, rotated keys, values)
    std::size_t StorageBytes() const;

  private:
    void Reserve(int64_t tokens);

    int64_t m_kvDim;                  //!< columns
    int64_t m_tokens;                 //!< rows in use
    Matrix m_keys;                    //!< pre-RoPE keys, capacity rows
    Matrix m_rotatedKeys;             //!< rotated keys, capacity rows
    Matrix m_values;                  //!< values, capacity rows
    std::vector<int32_t> m_positions; //!< one per token
    int32_t m_startPosition;          //!< NextPosition() when empty
    int64_t m_fusedTokens;            //!< leading tokens with a fusion weight
    float m_fusionLogWeight;          //!< added to their attention logits
};

/**
 * \brief The KV cache of a model for one sequence: one KvLayer per decoder layer of a range.
 *
 * A cache may cover only some layers [FirstLayer(), EndLayer()) — e.g. the cloud's half of a
 * partitioned model — and layers are always addressed by their index in the full model. Slices
 * (by layer and token range) are independent copies; ImportPrefix places such a copy, computed
 * by this or another model of the same shape, at the start of this cache, so the model continues
 * from KV it did not compute.
 */
class KvCache
{
  public:
    KvCache() = default;
    /**
     * An empty cache for layers [firstLayer, endLayer) of a model.
     * \param config the model
     * \param firstLayer first layer covered (default 0)
     * \param endLayer one past the last layer covered (default -1: all layers)
     */
    explicit KvCache(const ModelConfig& config, int64_t firstLayer = 0, int64_t endLayer = -1);

    /// \return first model layer covered
    int64_t FirstLayer() const;
    /// \return one past the last model layer covered
    int64_t EndLayer() const;
    /// \return kvHeads * headDim
    int64_t KvDim() const;
    /// \return whether this cache covers model layer `layer`
    bool Covers(int64_t layer) const;
    /// \return layer `layer` (model index; throws LlmError if not covered)
    KvLayer& Layer(int64_t layer);
    /// \copydoc Layer
    const KvLayer& Layer(int64_t layer) const;
    /// \return the tokens of the first covered layer (all layers agree after full forwards)
    int64_t Tokens() const;

    /**
     * \return a copy of layers [firstLayer, endLayer) restricted to tokens [tokenBegin, tokenEnd)
     */
    KvCache Slice(int64_t firstLayer, int64_t endLayer, int64_t tokenBegin, int64_t tokenEnd) const;
    /**
     * Place `prefix` at the start of the layers it covers. Those layers must be empty here and
     * have the same KV width; throws LlmError otherwise.
     */
    void ImportPrefix(const KvCache& prefix);

    /// \return bytes of FP32 storage in use, all layers
    std::size_t StorageBytes() const;
    /**
     * \return bytes of the keys and values (not the duplicate pre-RoPE keys) at a given element
     * size, e.g. 2 for FP16: what a real server keeps and what crosses a link uncompressed
     */
    double KvBytes(double bytesPerElement) const;

  private:
    int64_t m_firstLayer = 0;      //!< first covered layer
    int64_t m_kvDim = 0;           //!< kvHeads * headDim
    std::vector<KvLayer> m_layers; //!< covered layers, in order
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_KV_CACHE_H
