#ifndef CE_LSLM_CODEC_SPEC_H
#define CE_LSLM_CODEC_SPEC_H

#include <cstdint>
#include <string>

namespace ns3
{
namespace kv
{

/**
 * \brief The parsed stages of a KV codec spec such as "top50+pca32+q4g16w8+rans".
 *
 * Grammar (see KvCodec): `[top<P>+][pca<R>+](fp16|q<B>[g<G>][w<W>])[+rans]`, stages in that
 * order, each at most once. Numbers are plain decimal digits. A default value is the same as
 * the stage being absent ("top100" prunes nothing, "g32" and "w0" are the defaults), so
 * ToString() gives one canonical spelling of every pipeline.
 */
struct CodecSpec
{
    static constexpr int NO_PRUNING = 100;        //!< keepPercent without a top stage
    static constexpr int FP16_BITS = 16;          //!< bits without a q stage
    static constexpr int64_t DEFAULT_GROUP = 32;  //!< quantization group without g<G>
    static constexpr int64_t MAX_GROUP = 4096;    //!< largest g<G>
    static constexpr int64_t MAX_RECENT = 65535;  //!< largest w<W>
    static constexpr int64_t MAX_PCA_RANK = 4096; //!< largest pca<R> (a basis' largest width)

    int keepPercent = NO_PRUNING;  //!< top stage: percent of tokens kept, 1..100
    int64_t pcaRank = 0;           //!< pca stage: rank, 0 = none
    int bits = FP16_BITS;          //!< 16 = FP16, else 8, 4, 3 or 2
    int64_t group = DEFAULT_GROUP; //!< quantization group size, 1..MAX_GROUP
    int64_t recent = 0;            //!< recent tokens kept FP16, 0..MAX_RECENT
    bool rans = false;             //!< rANS-code the quantized symbols

    /**
     * \param spec the pipeline
     * \return its stages (throws KvError "codec spec '<spec>': stage '<stage>': <problem>")
     */
    static CodecSpec Parse(const std::string& spec);
    /// \return the canonical spec: defaults omitted, "fp16" only when it is the whole pipeline
    std::string ToString() const;
    /// \return whether a q stage quantizes the values
    bool Quantized() const;
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_CODEC_SPEC_H
