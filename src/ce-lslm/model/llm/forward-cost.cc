#include "forward-cost.h"

namespace ns3
{
namespace llm
{

double
ForwardCost::BytesRead() const
{
    return weightBytes + kvReadBytes;
}

double
ForwardCost::BytesWritten() const
{
    return kvWrittenBytes + outputBytes;
}

ForwardCost&
ForwardCost::operator+=(const ForwardCost& other)
{
    flops += other.flops;
    weightBytes += other.weightBytes;
    kvReadBytes += other.kvReadBytes;
    kvWrittenBytes += other.kvWrittenBytes;
    outputBytes += other.outputBytes;
    return *this;
}

CostModel::CostModel(const ModelConfig& config, double bytesPerWeight, double bytesPerKv)
    : m_config(config)
    , m_weightBytes(bytesPerWeight)
    , m_kvBytes(bytesPerKv)
{
}

ForwardCost
CostModel::Layer(int64_t tokens, int64_t scorePairs, int64_t keysRead) const
{
    const auto t = static_cast<double>(tokens);
    const auto h = static_cast<double>(m_config.hiddenSize);
    const auto q = static_cast<double>(m_config.QueryDim());
    const auto kv = static_cast<double>(m_config.KvDim());
    const auto ffn = static_cast<double>(m_config.intermediateSize);
    const auto heads = static_cast<double>(m_config.numHeads);
    const auto d = static_cast<double>(m_config.headDim);
    const auto pairs = static_cast<double>(scorePairs);

    const double projections = 2 * t * h * (q + 2 * kv) + 2 * t * q * h;
    const double attention = heads * pairs * (2 * d + 5 + 2 * d); // QK^T, softmax, PV
    const double mlp = 2 * t * h * ffn * 3 + 5 * t * ffn;
    const double elementwise = 2 * 4 * t * h + 3 * t * (q + kv) + 2 * t * h;

    ForwardCost cost;
    cost.flops = projections + attention + mlp + elementwise;
    cost.weightBytes = m_weightBytes * (2 * h + h * (2 * q + 2 * kv) + 3 * h * ffn);
    cost.kvReadBytes = m_kvBytes * 2 * kv * static_cast<double>(keysRead);
    cost.kvWrittenBytes = m_kvBytes * 2 * kv * t;
    return cost;
}

ForwardCost
CostModel::Embedding(int64_t tokens) const
{
    ForwardCost cost;
    cost.weightBytes = m_weightBytes * static_cast<double>(tokens * m_config.hiddenSize);
    return cost;
}

ForwardCost
CostModel::Head(int64_t rows) const
{
    ForwardCost cost;
    if (rows == 0)
    {
        return cost;
    }
    const auto r = static_cast<double>(rows);
    const auto h = static_cast<double>(m_config.hiddenSize);
    const auto v = static_cast<double>(m_config.vocabSize);
    cost.flops = 4 * r * h + 2 * r * h * v;
    cost.weightBytes = m_weightBytes * (h + v * h);
    cost.outputBytes = 4 * r * v; // FP32 logits
    return cost;
}

int64_t
CostModel::CausalPairs(int64_t tokens, int64_t cached)
{
    return tokens * cached + tokens * (tokens + 1) / 2;
}

ForwardCost
CostModel::Forward(int64_t tokens, int64_t cached, int64_t logitRows) const
{
    ForwardCost cost = Embedding(tokens);
    const ForwardCost layer = Layer(tokens, CausalPairs(tokens, cached), cached + tokens);
    for (int64_t i = 0; i < m_config.numLayers; ++i)
    {
        cost += layer;
    }
    cost += Head(logitRows);
    return cost;
}

} // namespace llm
} // namespace ns3
