#ifndef CE_LSLM_KV_STREAM_H
#define CE_LSLM_KV_STREAM_H

#include <cstddef>
#include <cstdint>
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
    static constexpr char MAGIC[4] = {'C', 'E', 'K', 'V'}; //!< first bytes of every stream
    static constexpr std::size_t WIRE_SIZE = 18;           //!< bytes of the header on the wire

    uint16_t layers = 0;      //!< receiving model's decoder layers
    uint16_t kvDim = 0;       //!< receiving model's kvHeads * headDim
    uint32_t alignmentId = 0; //!< identifies the alignment that produced the KV
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
 * An END chunk has every field zero or empty (layer 0, tokens [0, 0), no spec, no payload).
 */
struct KvChunk
{
    static constexpr std::size_t MAX_SPEC_SIZE = 64; //!< longest spec, in bytes

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
 * \return whether byte may appear in a chunk's spec: printable ASCII without space (0x21..0x7E),
 *         so that a spec prints unambiguously in a message and splits on nothing
 */
constexpr bool
IsKvSpecByte(uint8_t byte)
{
    return byte >= 0x21 && byte <= 0x7E;
}

/**
 * \param size a spec's length in bytes
 * \return why a spec of that length is refused (longer than KvChunk::MAX_SPEC_SIZE), or empty
 */
std::string KvSpecSizeFault(std::size_t size);

/**
 * \param spec a spec's bytes
 * \param size their number
 * \param[out] index set to the index of the first byte that IsKvSpecByte refuses, if any
 * \return what is wrong with that byte, or empty if every byte is accepted
 */
std::string KvSpecByteFault(const uint8_t* spec, std::size_t size, std::size_t& index);

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_STREAM_H
