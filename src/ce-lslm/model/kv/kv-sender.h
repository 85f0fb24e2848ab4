#ifndef CE_LSLM_KV_SENDER_H
#define CE_LSLM_KV_SENDER_H

#include "kv-alignment.h"
#include "kv-block.h"
#include "kv-codec.h"

#include <cstdint>
#include <map>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief A KV stream ready to send, and where its bytes go.
 */
struct EncodedKv
{
    std::vector<uint8_t> bytes; //!< the whole stream (header, chunks, END)
    uint64_t kvBytes = 0;       //!< payload bytes of KV chunks
    uint64_t basisBytes = 0;    //!< payload bytes of BASIS chunks (first use of a basis only)
    uint64_t framingBytes = 0;  //!< header, chunk headers and CRCs
    int64_t chunks = 0;         //!< KV chunks
};

/**
 * \brief The sending side of KV transfer: aligned context KV -> a compressed KV stream.
 *
 * Writes the stream header (the receiver's geometry and the alignment id), then for each block
 * (one layer, one token range) a BASIS chunk if the codec needs a PCA basis the receiver does
 * not hold yet, then the block's KV chunk. What the receiver holds is tracked by the caller (one
 * map per receiver) so that a basis crosses the link once.
 */
class KvSender
{
  public:
    /**
     * \param alignment the alignment that produced the blocks (its codebook serves pca stages)
     * \param codec the compression pipeline
     */
    KvSender(const KvAlignment& alignment, KvCodec codec);

    /**
     * \param blocks aligned KV in sending order (e.g. layer by layer)
     * \param importance per context token position (index = position), needed by a top stage
     * \param receiverBases layer -> PCA rank the receiver holds; updated with what is sent
     * \return the stream
     */
    EncodedKv Encode(const std::vector<KvBlock>& blocks,
                     const Vector* importance,
                     std::map<int64_t, int64_t>& receiverBases) const;

    /// \return the codec
    const KvCodec& Codec() const;

  private:
    const LayerBases* Bases(int64_t layer) const;

    const KvAlignment& m_alignment; //!< geometry, id and codebook
    KvCodec m_codec;                //!< pipeline
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_SENDER_H
