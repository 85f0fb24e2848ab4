#include "kv-cache.h"

#include "llm-error.h"

#include <algorithm>
#include <cmath>

namespace ns3
{
namespace llm
{

KvLayer::KvLayer(int64_t kvDim)
    : m_kvDim(kvDim)
    , m_tokens(0)
    , m_startPosition(0)
    , m_fusedTokens(0)
    , m_fusionLogWeight(0.0f)
{
}

int64_t
KvLayer::Tokens() const
{
    return m_tokens;
}

int64_t
KvLayer::KvDim() const
{
    return m_kvDim;
}

ConstRowBlock
KvLayer::Keys() const
{
    return m_keys.topRows(m_tokens);
}

ConstRowBlock
KvLayer::RotatedKeys() const
{
    return m_rotatedKeys.topRows(m_tokens);
}

ConstRowBlock
KvLayer::Values() const
{
    return m_values.topRows(m_tokens);
}

const std::vector<int32_t>&
KvLayer::Positions() const
{
    return m_positions;
}

int32_t
KvLayer::NextPosition() const
{
    return m_positions.empty() ? m_startPosition
                               : std::max(m_positions.back() + 1, m_startPosition);
}

void
KvLayer::Reserve(int64_t tokens)
{
    if (tokens <= m_keys.rows())
    {
        return;
    }
    const int64_t capacity = std::max<int64_t>({tokens, 2 * m_keys.rows(), 16});
    for (Matrix* m : {&m_keys, &m_rotatedKeys, &m_values})
    {
        m->conservativeResize(capacity, m_kvDim);
    }
}

void
KvLayer::Append(const Matrix& keys,
                const Matrix& rotatedKeys,
                const Matrix& values,
                const std::vector<int32_t>& positions)
{
    const auto n = static_cast<int64_t>(positions.size());
    if (keys.rows() != n || rotatedKeys.rows() != n || values.rows() != n || keys.cols() != m_kvDim
        || rotatedKeys.cols() != m_kvDim || values.cols() != m_kvDim)
    {
        throw LlmError("KV append: expected " + std::to_string(n) + " x " + std::to_string(m_kvDim)
                       + " keys, rotated keys and values");
    }
    int32_t next = NextPosition();
    for (int32_t position : positions)
    {
        if (position < next)
        {
            throw LlmError("KV append: position " + std::to_string(position)
                           + " does not follow the cache (next position " + std::to_string(next)
                           + ")");
        }
        next = position + 1;
    }
    Reserve(m_tokens + n);
    m_keys.middleRows(m_tokens, n) = keys;
    m_rotatedKeys.middleRows(m_tokens, n) = rotatedKeys;
    m_values.middleRows(m_tokens, n) = values;
    m_positions.insert(m_positions.end(), positions.begin(), positions.end());
    m_tokens += n;
}

KvLayer
KvLayer::Slice(int64_t begin, int64_t end) const
{
    if (begin < 0 || begin > end || end > m_tokens)
    {
        throw LlmError("KV slice: token range [" + std::to_string(begin) + ", "
                       + std::to_string(end) + ") outside [0, " + std::to_string(m_tokens) + ")");
    }
    std::vector<int64_t> indices(static_cast<std::size_t>(end - begin));
    for (int64_t i = begin; i < end; ++i)
    {
        indices[static_cast<std::size_t>(i - begin)] = i;
    }
    KvLayer slice = Select(indices);
    slice.m_startPosition = begin < m_tokens ? m_positions[begin] : NextPosition();
    return slice;
}

KvLayer
KvLayer::Select(const std::vector<int64_t>& tokenIndices) const
{
    KvLayer selected(m_kvDim);
    selected.Reserve(static_cast<int64_t>(tokenIndices.size()));
    int64_t previous = -1;
    for (int64_t index : tokenIndices)
    {
        if (index <= previous || index >= m_tokens)
        {
            throw LlmError("KV select: token indices must increase within [0, "
                           + std::to_string(m_tokens) + "), got " + std::to_string(index));
        }
        const int64_t row = selected.m_tokens++;
        selected.m_keys.row(row) = m_keys.row(index);
        selected.m_rotatedKeys.row(row) = m_rotatedKeys.row(index);
        selected.m_values.row(row) = m_values.row(index);
        selected.m_positions.push_back(m_positions[index]);
        if (index < m_fusedTokens)
        {
            ++selected.m_fusedTokens;
        }
        previous = index;
    }
    selected.m_fusionLogWeight = m_fusionLogWeight;
    return selected;
}

void
KvLayer::SetPositions(const std::vector<int32_t>& positions, const Matrix& rotatedKeys)
{
    if (static_cast<int64_t>(positions.size()) != m_tokens || rotatedKeys.rows() != m_tokens
        || rotatedKeys.cols() != m_kvDim
        || !std::is_sorted(positions.begin(), positions.end(), std::less_equal<>()))
    {
        throw LlmError("KV reposition: need " + std::to_string(m_tokens)
                       + " strictly increasing positions and rotated keys");
    }
    m_positions = positions;
    m_rotatedKeys.topRows(m_tokens) = rotatedKeys;
}

void
KvLayer::SetStartPosition(int32_t position)
{
    if (m_tokens != 0)
    {
        throw LlmError("KV start position: the layer already holds tokens");
    }
    m_startPosition = position;
}

void
KvLayer::AdvanceTo(int32_t position)
{
    if (position < NextPosition())
    {
        throw LlmError("KV advance: position " + std::to_string(position)
                       + " is before the next position " + std::to_string(NextPosition()));
    }
    m_startPosition = position;
}

void
KvLayer::SetContextFusion(int64_t tokens, float logWeight)
{
    if (tokens < 0 || !std::isfinite(logWeight))
    {
        throw LlmError("KV context fusion: need tokens >= 0 and a finite log-weight, got "
                       + std::to_string(tokens) + " and " + std::to_string(logWeight));
    }
    m_fusedTokens = tokens;
    m_fusionLogWeight = logWeight;
}

int64_t
KvLayer::FusedTokens() const
{
    return m_fusedTokens;
}

float
KvLayer::FusionLogWeight() const
{
    return m_fusionLogWeight;
}

std::size_t
KvLayer::StorageBytes() const
{
    return static_cast<std::size_t>(3 * m_tokens * m_kvDim) * sizeof(float);
}

KvCache::KvCache(const ModelConfig& config, int64_t firstLayer, int64_t endLayer)
    : m_firstLayer(firstLayer)
    , m_kvDim(config.KvDim())
{
    if (endLayer < 0)
    {
        endLayer = config.numLayers;
    }
    if (firstLayer < 0 || firstLayer > endLayer || endLayer > config.numLayers)
    {
        throw LlmError("KV cache: layer range [" + std::to_string(firstLayer) + ", "
                       + std::to_string(endLayer) + ") outside the model's "
                       + std::to_string(config.numLayers) + " layers");
    }
    m_layers.assign(static_cast<std::size_t>(endLayer - firstLayer), KvLayer(m_kvDim));
}

int64_t
KvCache::FirstLayer() const
{
    return m_firstLayer;
}

int64_t
KvCache::EndLayer() const
{
    return m_firstLayer + static_cast<int64_t>(m_layers.size());
}

int64_t
KvCache::KvDim() const
{
    return m_kvDim;
}

bool
KvCache::Covers(int64_t layer) const
{
    return layer >= m_firstLayer && layer < EndLayer();
}

KvLayer&
KvCache::Layer(int64_t layer)
{
    return const_cast<KvLayer&>(static_cast<const KvCache*>(this)->Layer(layer));
}

const KvLayer&
KvCache::Layer(int64_t layer) const
{
    if (!Covers(layer))
    {
        throw LlmError("KV cache: layer " + std::to_string(layer) + " not covered (cache holds ["
                       + std::to_string(m_firstLayer) + ", " + std::to_string(EndLayer()) + "))");
    }
    return m_layers[static_cast<std::size_t>(layer - m_firstLayer)];
}

int64_t
KvCache::Tokens() const
{
    return m_layers.empty() ? 0 : m_layers.front().Tokens();
}

KvCache
KvCache::Slice(int64_t firstLayer, int64_t endLayer, int64_t tokenBegin, int64_t tokenEnd) const
{
    if (firstLayer > endLayer
        || (firstLayer < endLayer && (!Covers(firstLayer) || !Covers(endLayer - 1))))
    {
        throw LlmError("KV slice: layer range [" + std::to_string(firstLayer) + ", "
                       + std::to_string(endLayer) + ") not inside [" + std::to_string(m_firstLayer)
                       + ", " + std::to_string(EndLayer()) + ")");
    }
    KvCache slice;
    slice.m_firstLayer = firstLayer;
    slice.m_kvDim = m_kvDim;
    for (int64_t layer = firstLayer; layer < endLayer; ++layer)
    {
        slice.m_layers.push_back(Layer(layer).Slice(tokenBegin, tokenEnd));
    }
    return slice;
}

void
KvCache::ImportPrefix(const KvCache& prefix)
{
    if (prefix.m_kvDim != m_kvDim)
    {
        throw LlmError("KV import: prefix has KV width " + std::to_string(prefix.m_kvDim)
                       + ", this cache " + std::to_string(m_kvDim));
    }
    for (int64_t layer = prefix.FirstLayer(); layer < prefix.EndLayer(); ++layer)
    {
        if (!Covers(layer) || Layer(layer).Tokens() != 0)
        {
            throw LlmError("KV import: layer " + std::to_string(layer)
                           + (Covers(layer) ? " already holds tokens" : " is not covered"));
        }
    }
    for (int64_t layer = prefix.FirstLayer(); layer < prefix.EndLayer(); ++layer)
    {
        Layer(layer) = prefix.Layer(layer);
    }
}

std::size_t
KvCache::StorageBytes() const
{
    std::size_t bytes = 0;
    for (const KvLayer& layer : m_layers)
    {
        bytes += layer.StorageBytes();
    }
    return bytes;
}

double
KvCache::KvBytes(double bytesPerElement) const
{
    double elements = 0;
    for (const KvLayer& layer : m_layers)
    {
        elements += 2.0 * static_cast<double>(layer.Tokens() * layer.KvDim());
    }
    return elements * bytesPerElement;
}

} // namespace llm
} // namespace ns3
