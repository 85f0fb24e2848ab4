#include "causal-attention.h"

#include "kernel-threads.h"

#include <algorithm>
#include <cmath>

namespace ns3
{
namespace llm
{

namespace
{

/// Queries per chunk: large enough for efficient products, small enough to skip masked keys.
constexpr int64_t QUERY_CHUNK = 64;
/// Multiply-adds per KV head below which attention stays on one thread.
constexpr int64_t PARALLEL_WORK = 1 << 18;

/// For each query, how many cached tokens (a prefix, positions increase) it may see.
std::vector<int64_t>
VisibleCounts(const std::vector<int32_t>& positions, const KvLayer& kv)
{
    const std::vector<int32_t>& keys = kv.Positions();
    std::vector<int64_t> visible;
    visible.reserve(positions.size());
    for (int32_t position : positions)
    {
        visible.push_back(std::upper_bound(keys.begin(), keys.end(), position) - keys.begin());
    }
    return visible;
}

} // namespace

CausalAttention::CausalAttention(const ModelConfig& config)
    : m_heads(config.numHeads)
    , m_kvHeads(config.numKvHeads)
    , m_headDim(config.headDim)
    , m_scale(static_cast<float>(1.0 / std::sqrt(static_cast<double>(config.headDim))))
{
}

int64_t
CausalAttention::VisiblePairs(const std::vector<int32_t>& positions, const KvLayer& kv)
{
    int64_t pairs = 0;
    for (int64_t count : VisibleCounts(positions, kv))
    {
        pairs += count;
    }
    return pairs;
}

Matrix
CausalAttention::Attend(const Matrix& queries,
                        const std::vector<int32_t>& positions,
                        const KvLayer& kv,
                        Vector* importance) const
{
    const std::vector<int64_t> visible = VisibleCounts(positions, kv);
    Matrix out(queries.rows(), queries.cols());
    // One importance accumulator per KV head, summed afterwards: no shared writes in parallel.
    std::vector<Vector> perHead(importance ? m_kvHeads : 0, Vector::Zero(kv.Tokens()));
    // Threads only pay off for prefill-sized work; a decode step would spend more on waking
    // them than on its few thousand multiply-adds.
    const int threads = KernelThreads::Get();
    const bool parallel = threads > 1 && queries.rows() * kv.Tokens() * m_headDim >= PARALLEL_WORK;
#pragma omp parallel for num_threads(threads) if (parallel) schedule(static)
    for (int64_t kvHead = 0; kvHead < m_kvHeads; ++kvHead)
    {
        AttendHeadGroup(kvHead, queries, visible, kv, out, importance ? &perHead[kvHead] : nullptr);
    }
    if (importance)
    {
        *importance = Vector::Zero(kv.Tokens());
        for (const Vector& head : perHead)
        {
            *importance += head;
        }
    }
    return out;
}

void
CausalAttention::AttendHeadGroup(int64_t kvHead,
                                 const Matrix& queries,
                                 const std::vector<int64_t>& visible,
                                 const KvLayer& kv,
                                 Matrix& out,
                                 Vector* importance) const
{
    const int64_t group = m_heads / m_kvHeads;
    const int64_t d = m_headDim;
    const int64_t tokens = queries.rows();
    Matrix stacked;
    Matrix scores;
    Matrix result;
    for (int64_t first = 0; first < tokens; first += QUERY_CHUNK)
    {
        const int64_t rows = std::min(QUERY_CHUNK, tokens - first);
        const int64_t keys = visible[first + rows - 1];
        stacked.resize(group * rows, d);
        for (int64_t g = 0; g < group; ++g)
        {
            stacked.middleRows(g * rows, rows) =
                queries.block(first, (kvHead * group + g) * d, rows, d) * m_scale;
        }
        const auto keyBlock = kv.RotatedKeys().block(0, kvHead * d, keys, d);
        const auto valueBlock = kv.Values().block(0, kvHead * d, keys, d);
        const bool decode = rows == 1;
        scores.resize(group * rows, keys);
        if (decode)
        {
            // One query per head: matrix-vector products stream the keys once each, where a
            // matrix product would first copy (pack) the whole key block.
            for (int64_t g = 0; g < group; ++g)
            {
                scores.row(g).noalias() = (keyBlock * stacked.row(g).transpose()).transpose();
            }
        }
        else
        {
            scores.noalias() = stacked * keyBlock.transpose();
        }
        for (int64_t g = 0; g < group; ++g)
        {
            for (int64_t r = 0; r < rows; ++r)
            {
                auto row = scores.row(g * rows + r);
                const int64_t seen = visible[first + r];
                const int64_t fused = std::min(seen, kv.FusedTokens());
                if (fused > 0 && kv.FusionLogWeight() != 0.0f)
                {
                    row.head(fused).array() += kv.FusionLogWeight();
                }
                auto live = row.head(seen).array();
                live = (live - live.maxCoeff()).exp();
                live /= live.sum();
                row.tail(keys - seen).setZero();
            }
        }
        if (importance)
        {
            importance->head(keys) += scores.colwise().sum().transpose();
        }
        result.resize(group * rows, d);
        if (decode)
        {
            for (int64_t g = 0; g < group; ++g)
            {
                result.row(g).noalias() = scores.row(g) * valueBlock;
            }
        }
        else
        {
            result.noalias() = scores * valueBlock;
        }
        for (int64_t g = 0; g < group; ++g)
        {
            out.block(first, (kvHead * group + g) * d, rows, d) = result.middleRows(g * rows, rows);
        }
    }
}

} // namespace llm
} // namespace ns3
