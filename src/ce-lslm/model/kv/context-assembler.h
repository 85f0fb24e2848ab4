#ifndef CE_LSLM_CONTEXT_ASSEMBLER_H
#define CE_LSLM_CONTEXT_ASSEMBLER_H

#include "kv-alignment.h"
#include "kv-block.h"

#include "ns3/forward-cost.h"
#include "ns3/kv-cache.h"
#include "ns3/transformer.h"

#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Builds an edge model's KV cache of a context from received cloud KV and local compute.
 *
 * The receiving side of CE-LSLM's KV reuse: Begin() runs the edge model's local (shallow) layers
 * on the context tokens; Place() installs each received block of a deep layer as it arrives —
 * rotating its pre-RoPE keys with the edge model's RoPE at the block's positions and setting
 * the layer's fusion weight — so a layer is usable as soon as its block is in; Finish() checks
 * that every receiving layer is complete and lines all layers up at the next position. The
 * result continues with llm::Transformer::Forward on the prompt like the edge's own prefill.
 */
class ContextAssembler
{
  public:
    /**
     * \param edge the receiving model (must outlive the assembler)
     * \param alignment the alignment the blocks were produced with (must outlive it; its edge
     *        shape must match the model, else KvError)
     */
    ContextAssembler(const llm::Transformer& edge, const KvAlignment& alignment);

    /**
     * \param context the context tokens (from position 0, e.g. <bos> and the passage)
     * \param cost if not null, receives the FLOPs and bytes of the local layers
     * \return a cache of every edge layer: the local layers hold the context, the others are empty
     */
    llm::KvCache Begin(const llm::TokenSequence& context, llm::ForwardCost* cost) const;
    /**
     * \brief Begin with another split than the alignment's: the first \p localLayers layers are
     * computed here, the others are to be placed (the alignment's receiving layers from cloud KV,
     * any layer from a neighbouring edge's copy).
     * \param context the context tokens
     * \param localLayers layers to compute, in [0, edge layers]
     * \param cost if not null, receives the FLOPs and bytes of the local layers
     * \return the cache
     */
    llm::KvCache Begin(const llm::TokenSequence& context,
                       int64_t localLayers,
                       llm::ForwardCost* cost) const;
    /**
     * Install a received block (tokens in order after what the layer holds).
     * Throws KvError if its layer is not a receiving layer or its shape is wrong.
     */
    void Place(llm::KvCache& cache, const KvBlock& block) const;
    /**
     * \brief Install a block of any layer with the given fusion log-weight (0 for KV an edge
     * model computed itself, e.g. a neighbouring edge's shallow layers).
     * \param cache the cache
     * \param block the block
     * \param fusionLogWeight the layer's context fusion log-weight
     * \throw KvError if its layer or shape is wrong
     */
    void Place(llm::KvCache& cache, const KvBlock& block, float fusionLogWeight) const;
    /**
     * Check every layer holds context tokens and make every layer continue at
     * `contextTokens` (pruned contexts leave gaps; throws KvError naming a missing layer).
     */
    void Finish(llm::KvCache& cache, int64_t contextTokens) const;
    /// \return Begin, Place of every block, Finish
    llm::KvCache Assemble(const llm::TokenSequence& context,
                          const std::vector<KvBlock>& blocks,
                          llm::ForwardCost* cost) const;

  private:
    const llm::Transformer& m_edge; //!< receiving model
    const KvAlignment& m_alignment; //!< links and fusion weights
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_CONTEXT_ASSEMBLER_H
