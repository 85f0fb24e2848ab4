#include "context-assembler.h"

#include "kv-error.h"

#include "ns3/llm-error.h"

namespace ns3
{
namespace kv
{

ContextAssembler::ContextAssembler(const llm::Transformer& edge, const KvAlignment& alignment)
    : m_edge(edge)
    , m_alignment(alignment)
{
    const std::string differences = alignment.Edge().Differences(edge.Config());
    if (!differences.empty())
    {
        throw KvError("KV alignment " + alignment.Cloud().name + " -> " + alignment.Edge().name
                      + " does not fit the receiving model: " + differences);
    }
}

llm::KvCache
ContextAssembler::Begin(const llm::TokenSequence& context, llm::ForwardCost* cost) const
{
    return Begin(context, m_alignment.LocalLayers(), cost);
}

llm::KvCache
ContextAssembler::Begin(const llm::TokenSequence& context,
                        int64_t local,
                        llm::ForwardCost* cost) const
{
    if (local < 0 || local > m_edge.Config().numLayers)
    {
        throw KvError("cannot compute " + std::to_string(local) + " local layers of a "
                      + std::to_string(m_edge.Config().numLayers) + "-layer edge model");
    }
    llm::KvCache cache(m_edge.Config());
    if (local > 0 && !context.empty())
    {
        llm::ForwardOptions options;
        options.logits = llm::ForwardOptions::Logits::NONE;
        llm::ForwardResult result =
            m_edge.ForwardLayers(m_edge.Embed(context), 0, local, cache, options);
        if (cost)
        {
            *cost = result.cost;
            *cost += m_edge.Costs().Embedding(static_cast<int64_t>(context.size()));
        }
    }
    else if (cost)
    {
        *cost = llm::ForwardCost();
    }
    return cache;
}

void
ContextAssembler::Place(llm::KvCache& cache, const KvBlock& block) const
{
    if (block.layer < 0 || block.layer >= m_edge.Config().numLayers
        || m_alignment.Link(block.layer).IsLocal())
    {
        throw KvError("KV block for edge layer " + std::to_string(block.layer)
                      + ", which does not receive context KV (receiving layers start at "
                      + std::to_string(m_alignment.LocalLayers()) + ")");
    }
    Place(cache, block, m_alignment.Link(block.layer).fusionLogWeight);
}

void
ContextAssembler::Place(llm::KvCache& cache, const KvBlock& block, float fusionLogWeight) const
{
    const int64_t kvDim = m_edge.Config().KvDim();
    if (block.layer < 0 || block.layer >= m_edge.Config().numLayers)
    {
        throw KvError("KV block for edge layer " + std::to_string(block.layer) + " of a "
                      + std::to_string(m_edge.Config().numLayers) + "-layer edge model");
    }
    if (block.keys.cols() != kvDim || block.values.cols() != kvDim
        || block.values.rows() != block.Tokens()
        || static_cast<int64_t>(block.positions.size()) != block.Tokens())
    {
        throw KvError("KV block for edge layer " + std::to_string(block.layer) + ": expected "
                      + std::to_string(block.positions.size()) + " x " + std::to_string(kvDim)
                      + " keys and values");
    }
    Matrix rotated = block.keys;
    m_edge.Rope().Apply(rotated, block.positions);
    llm::KvLayer& layer = cache.Layer(block.layer);
    try
    {
        layer.Append(block.keys, rotated, block.values, block.positions);
    }
    catch (const llm::LlmError& error)
    {
        throw KvError("KV block for edge layer " + std::to_string(block.layer) + ": "
                      + error.what());
    }
    layer.SetContextFusion(layer.Tokens(), fusionLogWeight);
}

void
ContextAssembler::Finish(llm::KvCache& cache, int64_t contextTokens) const
{
    for (int64_t e = 0; e < m_edge.Config().numLayers; ++e)
    {
        llm::KvLayer& layer = cache.Layer(e);
        if (layer.Tokens() == 0 && contextTokens > 0)
        {
            throw KvError("context KV of edge layer " + std::to_string(e) + " has not arrived");
        }
        if (layer.NextPosition() > contextTokens)
        {
            throw KvError("context KV of edge layer " + std::to_string(e) + " runs to position "
                          + std::to_string(layer.NextPosition() - 1) + ", past the context's "
                          + std::to_string(contextTokens) + " tokens");
        }
        layer.AdvanceTo(static_cast<int32_t>(contextTokens));
    }
}

llm::KvCache
ContextAssembler::Assemble(const llm::TokenSequence& context,
                           const std::vector<KvBlock>& blocks,
                           llm::ForwardCost* cost) const
{
    llm::KvCache cache = Begin(context, cost);
    for (const KvBlock& block : blocks)
    {
        Place(cache, block);
    }
    Finish(cache, static_cast<int64_t>(context.size()));
    return cache;
}

} // namespace kv
} // namespace ns3
