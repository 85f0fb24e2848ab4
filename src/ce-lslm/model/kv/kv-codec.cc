#include "kv-codec.h"

#include "kv-error.h"
#include "matrix-coder.h"
#include "token-pruner.h"

#include <limits>
#include <numeric>

namespace ns3
{
namespace kv
{

namespace
{

/// Widest row a payload header can name (u16).
constexpr int64_t MAX_WIDTH = std::numeric_limits<uint16_t>::max();
/// Most tokens a payload header can name (u32).
constexpr int64_t MAX_TOKENS = std::numeric_limits<uint32_t>::max();

/// \return the rows of matrix at indices, in that order
Matrix
GatherRows(const Matrix& matrix, const std::vector<int64_t>& indices)
{
    Matrix rows(static_cast<int64_t>(indices.size()), matrix.cols());
    for (std::size_t i = 0; i < indices.size(); ++i)
    {
        rows.row(i) = matrix.row(indices[i]);
    }
    return rows;
}

/// Throw KvError unless block's keys, values and positions describe the same tokens, in a
/// geometry a payload header can carry.
void
CheckBlock(const KvBlock& block, const std::string& spec)
{
    const Matrix& k = block.keys;
    const Matrix& v = block.values;
    if (k.rows() != v.rows() || k.cols() != v.cols() || k.cols() < 1 || k.cols() > MAX_WIDTH
        || k.rows() > MAX_TOKENS)
    {
        throw KvError("codec '" + spec + "': keys " + std::to_string(k.rows()) + " x "
                      + std::to_string(k.cols()) + " and values " + std::to_string(v.rows()) + " x "
                      + std::to_string(v.cols()) + " must have the same shape, 1.."
                      + std::to_string(MAX_WIDTH) + " columns");
    }
    // The payload rebuilds positions as the first position plus the token's index.
    bool consecutive =
        block.positions.empty() || static_cast<int64_t>(block.positions.size()) == block.Tokens();
    for (std::size_t i = 1; consecutive && i < block.positions.size(); ++i)
    {
        consecutive = int64_t(block.positions[i]) == int64_t(block.positions[0]) + int64_t(i);
    }
    if (!consecutive)
    {
        throw KvError("codec '" + spec + "': a block to encode needs no positions or one per "
                      + "token, consecutive (" + std::to_string(block.positions.size())
                      + " positions for " + std::to_string(block.Tokens()) + " tokens)");
    }
}

/// \return rows coded as they travel: their coefficients on basis (the same FP16 basis on both
///         sides), or the rows themselves without a pca stage
Matrix
ToCoded(const Matrix& rows, const PcaBasis* basis, int64_t rank)
{
    return basis ? basis->Truncated(rank).Project(rows, rank) : rows;
}

/// \return the rows coded ones stand for (inverse of ToCoded up to the PCA residual)
Matrix
FromCoded(const Matrix& coded, const PcaBasis* basis, int64_t rank)
{
    return basis ? basis->Truncated(rank).Reconstruct(coded) : coded;
}

} // namespace

KvCodec::KvCodec() = default;

KvCodec
KvCodec::Parse(const std::string& spec)
{
    KvCodec codec;
    codec.m_spec = CodecSpec::Parse(spec);
    return codec;
}

std::string
KvCodec::Spec() const
{
    return m_spec.ToString();
}

int64_t
KvCodec::PcaRank() const
{
    return m_spec.pcaRank;
}

double
KvCodec::KeptFraction() const
{
    return m_spec.keepPercent / 100.0;
}

int
KvCodec::Bits() const
{
    return m_spec.bits;
}

bool
KvCodec::IsReference() const
{
    return m_spec.keepPercent == CodecSpec::NO_PRUNING && m_spec.pcaRank == 0
           && !m_spec.Quantized();
}

int64_t
KvCodec::CodedWidth(int64_t kvDim, const LayerBases* bases) const
{
    if (m_spec.pcaRank == 0)
    {
        return kvDim;
    }
    if (!bases)
    {
        throw KvError("codec '" + Spec() + "': a pca stage needs the layer's PCA bases");
    }
    for (const PcaBasis* basis : {&bases->keys, &bases->values})
    {
        if (basis->Dim() != kvDim || basis->Rank() < m_spec.pcaRank)
        {
            throw KvError("codec '" + Spec() + "': PCA basis of width "
                          + std::to_string(basis->Dim()) + " and rank "
                          + std::to_string(basis->Rank()) + " does not serve kvDim "
                          + std::to_string(kvDim) + " at rank " + std::to_string(m_spec.pcaRank));
        }
    }
    return m_spec.pcaRank;
}

std::vector<int64_t>
KvCodec::KeptTokens(int64_t tokens, const Vector* importance) const
{
    if (m_spec.keepPercent == CodecSpec::NO_PRUNING)
    {
        std::vector<int64_t> all(tokens);
        std::iota(all.begin(), all.end(), 0);
        return all;
    }
    if (!importance || importance->size() != tokens)
    {
        throw KvError("codec '" + Spec() + "': a top stage needs one importance per token ("
                      + std::to_string(importance ? importance->size() : 0) + " for "
                      + std::to_string(tokens) + " tokens)");
    }
    return TokenPruner(m_spec.keepPercent).Select(*importance);
}

std::vector<uint8_t>
KvCodec::Encode(const KvBlock& block, const LayerBases* bases, const Vector* importance) const
{
    CheckBlock(block, Spec());
    const int64_t width = CodedWidth(block.keys.cols(), bases);
    const std::vector<int64_t> kept = KeptTokens(block.Tokens(), importance);

    ByteWriter out;
    out.PutU8(static_cast<uint8_t>(m_spec.bits));
    out.PutU16(static_cast<uint16_t>(width));
    out.PutU32(static_cast<uint32_t>(kept.size()));
    if (m_spec.keepPercent != CodecSpec::NO_PRUNING)
    {
        TokenPruner::WriteMask(kept, block.Tokens(), out);
    }
    const int64_t rank = m_spec.pcaRank;
    MatrixCoder(m_spec, QuantAxis::PER_CHANNEL)
        .Encode(ToCoded(GatherRows(block.keys, kept), rank ? &bases->keys : nullptr, rank),
                "key",
                out);
    MatrixCoder(m_spec, QuantAxis::PER_TOKEN)
        .Encode(ToCoded(GatherRows(block.values, kept), rank ? &bases->values : nullptr, rank),
                "value",
                out);
    return out.Take();
}

std::vector<int64_t>
KvCodec::ReadHeader(ByteReader& in, int64_t width, int64_t tokens) const
{
    const int bits = in.GetU8("payload bits");
    if (bits != m_spec.bits)
    {
        in.Fail("payload of " + std::to_string(bits) + "-bit values, codec '" + Spec()
                + "' expects " + std::to_string(m_spec.bits));
    }
    const int64_t coded = in.GetU16("payload width");
    if (coded != width)
    {
        in.Fail("payload rows of width " + std::to_string(coded) + ", codec '" + Spec()
                + "' expects " + std::to_string(width));
    }
    const TokenPruner pruner(m_spec.keepPercent);
    const int64_t kept = in.GetU32("payload tokens");
    if (kept != pruner.KeptCount(tokens))
    {
        in.Fail("payload of " + std::to_string(kept) + " tokens, codec '" + Spec() + "' keeps "
                + std::to_string(pruner.KeptCount(tokens)) + " of " + std::to_string(tokens));
    }
    // The token count comes from the wire (2^31 - 1 fits in a chunk's range): refuse it unless
    // the payload can hold that many rows, before allocating for them.
    const bool pruned = m_spec.keepPercent != CodecSpec::NO_PRUNING;
    const uint64_t needed = (pruned ? static_cast<uint64_t>(tokens + 7) / 8 : 0)
                            + MatrixCoder(m_spec, QuantAxis::PER_CHANNEL).MinimumBytes(kept, width)
                            + MatrixCoder(m_spec, QuantAxis::PER_TOKEN).MinimumBytes(kept, width);
    if (in.Remaining() < needed)
    {
        in.Fail("payload of " + std::to_string(kept) + " tokens of width " + std::to_string(width)
                + " needs at least " + std::to_string(needed) + " more bytes, "
                + std::to_string(in.Remaining()) + " left");
    }
    if (pruned)
    {
        return pruner.ReadMask(in, tokens);
    }
    std::vector<int64_t> all(tokens);
    std::iota(all.begin(), all.end(), 0);
    return all;
}

KvBlock
KvCodec::Decode(const uint8_t* data,
                std::size_t size,
                int64_t layer,
                int32_t firstPosition,
                int64_t tokens,
                int64_t kvDim,
                const LayerBases* bases,
                uint64_t baseOffset) const
{
    if (tokens < 0 || tokens > MAX_TOKENS || kvDim < 1 || kvDim > MAX_WIDTH || firstPosition < 0
        || firstPosition + tokens - 1 > int64_t(std::numeric_limits<int32_t>::max()))
    {
        throw KvError("codec '" + Spec() + "': cannot decode " + std::to_string(tokens)
                      + " tokens of width " + std::to_string(kvDim) + " from position "
                      + std::to_string(firstPosition));
    }
    const int64_t width = CodedWidth(kvDim, bases);
    ByteReader in(data, size, baseOffset);
    const std::vector<int64_t> kept = ReadHeader(in, width, tokens);
    const int64_t rows = static_cast<int64_t>(kept.size());
    const Matrix keys = MatrixCoder(m_spec, QuantAxis::PER_CHANNEL).Decode(in, rows, width);
    const Matrix values = MatrixCoder(m_spec, QuantAxis::PER_TOKEN).Decode(in, rows, width);
    if (in.Remaining() != 0)
    {
        in.Fail(std::to_string(in.Remaining()) + " bytes after the end of the payload");
    }

    const int64_t rank = m_spec.pcaRank;
    KvBlock block;
    block.layer = layer;
    for (int64_t index : kept)
    {
        block.positions.push_back(static_cast<int32_t>(firstPosition + index));
    }
    block.keys = FromCoded(keys, rank ? &bases->keys : nullptr, rank);
    block.values = FromCoded(values, rank ? &bases->values : nullptr, rank);
    return block;
}

} // namespace kv
} // namespace ns3
