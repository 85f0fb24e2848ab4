#ifndef CE_LSLM_KV_CODEC_H
#define CE_LSLM_KV_CODEC_H

#include "codec-spec.h"
#include "kv-block.h"
#include "pca-basis.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief A KV compression pipeline described by a short spec string, e.g. "top50+pca32+q4+rans".
 *
 * Stages, separated by '+', in this order (each optional):
 *   - "top<P>": token pruning, keep the P % (1..100) most important tokens (attention importance
 *     given by the caller; ties keep the earlier token); kept tokens keep their positions;
 *   - "pca<R>": per-layer PCA of rank R (1..kvDim) with the codebook's basis, separately for
 *     keys and values; the coefficients go on to the next stage;
 *   - "fp16" or "q<B>[g<G>][w<W>]": FP16 values (the default when neither is given), or B-bit
 *     (8, 4, 3 or 2) group-wise asymmetric quantization: keys per channel (each channel's
 *     tokens in groups of G), values per token (each token's channels in groups of G), G
 *     defaulting to 32; the last W tokens (default 0) stay FP16 (KIVI's recent window);
 *   - "rans": lossless rANS coding of the quantized symbols (needs a "q" stage).
 * The spec "fp16" alone is the uncompressed reference.
 *
 * Encode and Decode are pure functions of their arguments (deterministic bytes).
 *
 * What a decoded element is guaranteed to be, given the kept tokens and the coded rows (the
 * block's rows, or their PCA coefficients on bases->*.Truncated(R), which both sides use):
 *   - fp16, and the recent window of q: the FP16 nearest to the coded value;
 *   - q<B>: within GroupQuantizer::ElementBound(min, scale) = scale / 2 (+ FP32 rounding,
 *     8 FLT_EPSILON (|min| + (2^B - 1) scale)) of the coded value, scale being the FP16
 *     rounded-up (max - min) / (2^B - 1) of its group;
 *   - pca<R>: rows are rebuilt from the decoded coefficients, so on top of the above the
 *     error holds the part of the row off the span of the R components.
 *
 * Payload layout (little-endian): u8 bits (16 for FP16), u16 width of the coded rows (R with a
 * pca stage, else kvDim), u32 tokens kept; with a top stage the kept-token mask
 * (TokenPruner::WriteMask); then the keys (per channel) and the values (per token), each as a
 * MatrixCoder section. The header lets a payload decoded with the wrong codec or geometry fail
 * as a KvWireError rather than as garbage.
 */
class KvCodec
{
  public:
    /// The FP16 reference.
    KvCodec();
    /**
     * \param spec the pipeline
     * \return the codec (throws KvError naming the spec and the offending stage)
     */
    static KvCodec Parse(const std::string& spec);

    /// \return the canonical spec (defaults omitted, e.g. "q4g32w0" -> "q4")
    std::string Spec() const;
    /// \return the PCA rank, 0 without a pca stage
    int64_t PcaRank() const;
    /// \return the fraction of tokens kept (1 without a top stage)
    double KeptFraction() const;
    /// \return quantization bits, 16 for FP16
    int Bits() const;
    /// \return whether this is the FP16 reference (spec "fp16": nothing pruned, reduced or
    /// quantized)
    bool IsReference() const;

    /**
     * \param block the tokens to encode (kvDim columns for keys and values)
     * \param bases the block's layer bases; required when PcaRank() > 0 (rank <= their rank)
     * \param importance per token of the block; required with a top stage
     * \return the payload (throws KvError on a missing argument, a shape mismatch, positions
     *         that are neither empty nor one per token and consecutive (a payload carries them
     *         as firstPosition + index), or a coded value outside the FP16 range)
     */
    std::vector<uint8_t> Encode(const KvBlock& block,
                                const LayerBases* bases,
                                const Vector* importance) const;

    /**
     * \param data payload written by Encode of the same spec
     * \param size payload bytes
     * \param layer the block's layer (copied into the result)
     * \param firstPosition position of the block's first token before pruning
     * \param tokens tokens of the block before pruning
     * \param kvDim width of keys and values
     * \param bases as for Encode
     * \param baseOffset offset of data in the enclosing stream, for error messages
     * \return the block (throws KvWireError with the offset on a truncated, oversized or
     *         inconsistent payload, never reading out of bounds; KvError on arguments no payload
     *         could match: missing or unfitting bases, a negative geometry)
     */
    KvBlock Decode(const uint8_t* data,
                   std::size_t size,
                   int64_t layer,
                   int32_t firstPosition,
                   int64_t tokens,
                   int64_t kvDim,
                   const LayerBases* bases,
                   uint64_t baseOffset = 0) const;

  private:
    /// \return the width of the coded rows: the PCA rank, else kvDim (throws KvError if a pca
    ///         stage lacks bases or they do not fit kvDim and the rank)
    int64_t CodedWidth(int64_t kvDim, const LayerBases* bases) const;
    /// \return indices of the tokens to encode (throws KvError on bad importance)
    std::vector<int64_t> KeptTokens(int64_t tokens, const Vector* importance) const;
    /// \return the kept tokens a payload header names (throws KvWireError unless its bits,
    ///         width and token count are those this codec expects)
    std::vector<int64_t> ReadHeader(ByteReader& in, int64_t width, int64_t tokens) const;

    CodecSpec m_spec; //!< the stages
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_CODEC_H
