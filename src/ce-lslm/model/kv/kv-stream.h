#ifndef CE_LSLM_KV_STREAM_H
#define CE_LSLM_KV_STREAM_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief What a KV stream carries before its chunks: format version and the receiver's geometry.
 *
 * Wire layout (little-endian): magic "CEKV", u16 version, u16 layers, u16 kvDim, u32 alignment
 * id, u32 CRC-32C of the preceding 14 bytes. 18 bytes.
 */
struct KvStreamHeader
{
    static constexpr uint16_t VERSION = 1; //!< the format this code writes and reads
    uint16_t layers = 0;                   //!< receiving model's decoder layers
    uint16_t kvDim = 0;                    //!< receiving model's kvHeads * headDim
    uint32_t alignmentId = 0;              //!< identifies the alignment that produced the KV
};

/// \brief Kinds of chunk in a KV stream.
enum class KvChunkType : uint8_t
{
    KV = 1,    //!< a layer's keys and values for a token range, encoded by the chunk's spec
    BASIS = 2, //!< a layer's PCA bases, sent once before the first KV chunk that needs them
    END = 3,   //!< the stream is complete (no payload)
};

/**
 * \brief One chunk of a KV stream.
 *
 * Wire layout (little-endian): u8 type, u16 layer, u32 tokenBegin, u32 tokenEnd, u8 spec length,
 * spec bytes, u32 payload length, payload, u32 CRC-32C of everything before it in the chunk.
 */
struct KvChunk
{
    KvChunkType type = KvChunkType::KV; //!< kind
    uint16_t layer = 0;                 //!< receiving layer index (< header's layers)
    uint32_t tokenBegin = 0;            //!< first token position covered
    uint32_t tokenEnd = 0;              //!< one past the last position covered (>= tokenBegin)
    std::string spec;                   //!< codec spec of the payload (printable ASCII, <= 64)
    std::vector<uint8_t> payload;       //!< encoded data
    uint64_t offset = 0;                //!< filled by the reader: stream offset of the chunk
    uint64_t payloadOffset = 0;         //!< filled by the reader: stream offset of the payload
};

/**
 * \brief Serializes a KV stream: the header, then chunks in the order they are added.
 */
class KvStreamWriter
{
  public:
    /// Writes the header into the buffer.
    explicit KvStreamWriter(const KvStreamHeader& header);
    /// Append a chunk (throws KvError if its fields are out of range for the header).
    void Add(const KvChunk& chunk);
    /// Append the END chunk; no chunk may follow.
    void End();
    /// \return bytes written and not yet taken
    const std::vector<uint8_t>& Data() const;
    /// \return bytes written since the last Take (the stream can be sent piece by piece)
    std::vector<uint8_t> Take();
    /// \return total bytes written, including those taken
    uint64_t BytesWritten() const;
};

/**
 * \brief Decodes a KV stream incrementally, chunk by chunk as its bytes arrive.
 *
 * Feed() any number of bytes (split anywhere); Next() returns each chunk as soon as all its bytes
 * and its CRC have arrived and checked, so a receiver can use layer l before layer l+1 arrives.
 * Every problem throws KvWireError with the stream offset: bad magic or version, CRC mismatch, a
 * layer or kvDim that does not match the expected geometry, a token range that runs backwards,
 * an unknown chunk type, a spec that is not printable ASCII, a payload over the size limit, data
 * after END. Finish() reports a stream cut short (no END, or a partial chunk). Nothing is ever
 * read out of bounds and no allocation exceeds the limit, whatever the bytes.
 */
class KvStreamReader
{
  public:
    /**
     * \param expected the geometry the receiver needs; a header that differs in layers, kvDim or
     *        alignment id is a mismatch (alignmentId 0 accepts any id)
     * \param maxPayloadBytes largest payload accepted
     */
    explicit KvStreamReader(const KvStreamHeader& expected,
                            std::size_t maxPayloadBytes = std::size_t(1) << 28);
    /// Append received bytes.
    void Feed(const uint8_t* data, std::size_t size);
    /// \return the next complete chunk, if all its bytes have arrived
    std::optional<KvChunk> Next();
    /// \return whether the header has arrived and checked
    bool HasHeader() const;
    /// \return the header (valid once HasHeader())
    const KvStreamHeader& Header() const;
    /// \return whether the END chunk has been read
    bool Ended() const;
    /// Throw KvWireError unless END has been read and no bytes are left over.
    void Finish() const;
};

/// \return the CRC-32C (Castagnoli, reflected, as iSCSI and ext4) of bytes, continuing from crc
uint32_t Crc32c(const uint8_t* data, std::size_t size, uint32_t crc = 0);

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_STREAM_H
