#include "transformer.h"

#include "kernel-threads.h"
#include "llm-error.h"

#include <algorithm>

namespace ns3
{
namespace llm
{

namespace
{

bool
Contains(const std::vector<int64_t>& values, int64_t value)
{
    return std::find(values.begin(), values.end(), value) != values.end();
}

/// The rows that logit-style outputs cover.
Matrix
LogitRows(const Matrix& x, ForwardOptions::Logits mode)
{
    return mode == ForwardOptions::Logits::ALL ? x : Matrix(x.bottomRows(1));
}

} // namespace

Transformer::Transformer(ModelWeights weights)
    : m_weights(std::move(weights))
    , m_rope(m_weights.config)
    , m_attention(m_weights.config)
    , m_costs(m_weights.config, sizeof(float), sizeof(float))
{
    m_weights.config.Validate("model");
}

Transformer
Transformer::Load(const std::string& directory)
{
    return Transformer(ModelWeights::Load(directory));
}

const ModelConfig&
Transformer::Config() const
{
    return m_weights.config;
}

const ModelWeights&
Transformer::Weights() const
{
    return m_weights;
}

const CostModel&
Transformer::Costs() const
{
    return m_costs;
}

const RotaryEmbedding&
Transformer::Rope() const
{
    return m_rope;
}

Matrix
Transformer::Embed(const TokenSequence& tokens) const
{
    const int64_t vocab = Config().vocabSize;
    Matrix x(static_cast<Eigen::Index>(tokens.size()), Config().hiddenSize);
    for (std::size_t i = 0; i < tokens.size(); ++i)
    {
        if (tokens[i] < 0 || tokens[i] >= vocab)
        {
            throw LlmError("token id " + std::to_string(tokens[i]) + " at index "
                           + std::to_string(i) + " is outside the vocabulary [0, "
                           + std::to_string(vocab) + ")");
        }
        x.row(static_cast<Eigen::Index>(i)) = m_weights.embedding.row(tokens[i]);
    }
    return x;
}

Matrix
Transformer::Norm(const Matrix& x, const Vector& weight) const
{
    const auto eps = static_cast<float>(Config().rmsNormEps);
    Matrix out(x.rows(), x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r)
    {
        const float meanSquare = x.row(r).squaredNorm() / static_cast<float>(x.cols());
        const float scale = 1.0f / std::sqrt(meanSquare + eps);
        out.row(r) = (x.row(r).array() * scale) * weight.transpose().array();
    }
    return out;
}

Matrix
Transformer::Head(const Matrix& rows, const Vector& norm, const Matrix& head) const
{
    Matrix logits;
    logits.noalias() = Norm(rows, norm) * head.transpose();
    return logits;
}

ForwardResult
Transformer::Forward(const TokenSequence& tokens,
                     KvCache& cache,
                     const ForwardOptions& options) const
{
    const Matrix x = Embed(tokens);
    ForwardResult result = ForwardLayers(x, 0, Config().numLayers, cache, options);
    result.cost += m_costs.Embedding(static_cast<int64_t>(tokens.size()));
    return result;
}

std::vector<int32_t>
Transformer::NewPositions(const KvCache& cache,
                          int64_t firstLayer,
                          int64_t endLayer,
                          int64_t tokens) const
{
    const int32_t next = cache.Layer(firstLayer).NextPosition();
    for (int64_t layer = firstLayer + 1; layer < endLayer; ++layer)
    {
        if (cache.Layer(layer).NextPosition() != next)
        {
            throw LlmError("forward: KV cache layers disagree (layer " + std::to_string(layer)
                           + " continues at position "
                           + std::to_string(cache.Layer(layer).NextPosition()) + ", layer "
                           + std::to_string(firstLayer) + " at " + std::to_string(next) + ")");
        }
    }
    if (next + tokens > Config().maxPositions)
    {
        throw LlmError("forward: positions up to " + std::to_string(next + tokens - 1)
                       + " exceed max_position_embeddings (" + std::to_string(Config().maxPositions)
                       + ")");
    }
    std::vector<int32_t> positions(static_cast<std::size_t>(tokens));
    for (int64_t i = 0; i < tokens; ++i)
    {
        positions[static_cast<std::size_t>(i)] = next + static_cast<int32_t>(i);
    }
    return positions;
}

ForwardResult
Transformer::ForwardLayers(const Matrix& hidden,
                           int64_t firstLayer,
                           int64_t endLayer,
                           KvCache& cache,
                           const ForwardOptions& options) const
{
    const ModelConfig& c = Config();
    if (firstLayer < 0 || firstLayer >= endLayer || endLayer > c.numLayers
        || hidden.cols() != c.hiddenSize || hidden.rows() == 0)
    {
        throw LlmError("forward: need at least one token of width " + std::to_string(c.hiddenSize)
                       + " and a layer range inside [0, " + std::to_string(c.numLayers) + "), got ["
                       + std::to_string(firstLayer) + ", " + std::to_string(endLayer) + ")");
    }
    if (cache.KvDim() != c.KvDim())
    {
        throw LlmError("forward: KV cache width " + std::to_string(cache.KvDim())
                       + " does not match the model's " + std::to_string(c.KvDim()));
    }
    const std::vector<int32_t> positions = NewPositions(cache, firstLayer, endLayer, hidden.rows());
    Eigen::setNbThreads(KernelThreads::Get());

    ForwardResult result;
    Matrix x = hidden;
    Tap(x, firstLayer, options, result);
    for (int64_t layer = firstLayer; layer < endLayer; ++layer)
    {
        RunLayer(layer, x, cache.Layer(layer), positions, options.attentionImportance, result);
        Tap(x, layer + 1, options, result);
    }
    if (endLayer == c.numLayers && options.logits != ForwardOptions::Logits::NONE)
    {
        const Matrix rows = LogitRows(x, options.logits);
        result.logits = Head(rows, m_weights.finalNorm, m_weights.Head());
        result.cost += m_costs.Head(rows.rows());
    }
    result.output = std::move(x);
    return result;
}

void
Transformer::Tap(const Matrix& x,
                 int64_t layerCount,
                 const ForwardOptions& options,
                 ForwardResult& result) const
{
    const auto logitMode = options.logits == ForwardOptions::Logits::ALL
                               ? ForwardOptions::Logits::ALL
                               : ForwardOptions::Logits::LAST;
    if (Contains(options.hiddenTaps, layerCount))
    {
        result.hidden[layerCount] = x;
        result.cost.outputBytes += static_cast<double>(x.size() * sizeof(float));
    }
    if (Contains(options.lensTaps, layerCount))
    {
        const Matrix rows = LogitRows(x, logitMode);
        result.lensLogits[layerCount] = Head(rows, m_weights.finalNorm, m_weights.Head());
        result.cost += m_costs.Head(rows.rows());
    }
    if (options.exitHeads)
    {
        for (const ExitHeadWeights& exit : m_weights.exitHeads)
        {
            if (exit.layers == layerCount)
            {
                const Matrix rows = LogitRows(x, logitMode);
                result.exitLogits[layerCount] = Head(rows, exit.norm, exit.head);
                result.cost += m_costs.Head(rows.rows());
            }
        }
    }
}

void
Transformer::RunLayer(int64_t layer,
                      Matrix& x,
                      KvLayer& kv,
                      const std::vector<int32_t>& positions,
                      bool wantImportance,
                      ForwardResult& result) const
{
    const LayerWeights& w = m_weights.layers[static_cast<std::size_t>(layer)];
    const auto tokens = static_cast<int64_t>(positions.size());

    Matrix normed = Norm(x, w.attentionNorm);
    Matrix queries;
    Matrix keys;
    Matrix values;
    queries.noalias() = normed * w.query.transpose();
    keys.noalias() = normed * w.key.transpose();
    values.noalias() = normed * w.value.transpose();
    Matrix rotatedKeys = keys;
    m_rope.Apply(queries, positions);
    m_rope.Apply(rotatedKeys, positions);
    kv.Append(keys, rotatedKeys, values, positions);

    Vector importance;
    const Matrix attended =
        m_attention.Attend(queries, positions, kv, wantImportance ? &importance : nullptr);
    if (wantImportance)
    {
        result.attentionImportance[layer] = std::move(importance);
    }
    x.noalias() += attended * w.output.transpose();

    normed = Norm(x, w.mlpNorm);
    Matrix gate;
    Matrix up;
    gate.noalias() = normed * w.gate.transpose();
    up.noalias() = normed * w.up.transpose();
    // SwiGLU: silu(gate) * up, silu(g) = g / (1 + exp(-g)).
    gate = (gate.array() / (1.0f + (-gate.array()).exp()) * up.array()).matrix();
    x.noalias() += gate * w.down.transpose();

    result.cost += m_costs.Layer(tokens, CausalAttention::VisiblePairs(positions, kv), kv.Tokens());
}

void
Transformer::Reposition(KvCache& cache, int32_t firstPosition) const
{
    for (int64_t layer = cache.FirstLayer(); layer < cache.EndLayer(); ++layer)
    {
        KvLayer& kv = cache.Layer(layer);
        std::vector<int32_t> positions(static_cast<std::size_t>(kv.Tokens()));
        for (std::size_t i = 0; i < positions.size(); ++i)
        {
            positions[i] = firstPosition + static_cast<int32_t>(i);
        }
        Matrix rotated = kv.Keys();
        m_rope.Apply(rotated, positions);
        kv.SetPositions(positions, rotated);
    }
}

} // namespace llm
} // namespace ns3
