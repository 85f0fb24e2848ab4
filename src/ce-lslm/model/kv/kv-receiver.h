#ifndef CE_LSLM_KV_RECEIVER_H
#define CE_LSLM_KV_RECEIVER_H

#include "kv-alignment.h"
#include "kv-block.h"
#include "kv-stream-reader.h"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief The receiving side of KV transfer: a KV stream -> decoded blocks, chunk by chunk.
 *
 * Feed() the bytes as they arrive; each complete KV chunk comes out as a block in the edge's
 * space right away (to be placed with ContextAssembler::Place), so a layer can be used before
 * the next has arrived. PCA bases from BASIS chunks are kept across streams, as a receiver
 * caches them. Any problem — wrong geometry or alignment id, corrupt or truncated chunks, a
 * spec that does not parse, a payload that does not decode, a pca chunk without its basis —
 * throws KvWireError with the stream offset.
 */
class KvReceiver
{
  public:
    /// \param alignment the alignment the receiver holds (its id must match the stream's)
    explicit KvReceiver(const KvAlignment& alignment);

    /// Start reading a new stream (bases received earlier are kept).
    void BeginStream();
    /// \return the blocks completed by these bytes, in stream order
    std::vector<KvBlock> Feed(const uint8_t* data, std::size_t size);
    /// Throw KvWireError unless the current stream ended cleanly.
    void Finish() const;
    /// \return layer -> PCA rank of the bases held
    std::map<int64_t, int64_t> BasesHeld() const;

  private:
    void TakeBasis(const KvChunk& chunk);
    KvBlock Decode(const KvChunk& chunk) const;

    const KvAlignment& m_alignment;           //!< expected geometry and id
    std::unique_ptr<KvStreamReader> m_reader; //!< current stream
    std::map<int64_t, LayerBases> m_bases;    //!< received bases by layer
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_RECEIVER_H
