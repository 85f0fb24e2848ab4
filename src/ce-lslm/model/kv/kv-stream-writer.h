#ifndef CE_LSLM_KV_STREAM_WRITER_H
#define CE_LSLM_KV_STREAM_WRITER_H

#include "byte-io.h"
#include "kv-stream.h"

#include <cstdint>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Serializes a KV stream: the header, then chunks in the order they are added.
 *
 * The wire layout is documented with KvStreamHeader and KvChunk. The writer refuses every chunk
 * that the format cannot carry, so a stream it writes reads back with a KvStreamReader of the
 * same geometry (whose payload limit is the receiver's choice). Take() hands out the bytes produced
 * so far, so a sender can put each chunk on the network as soon as it is encoded.
 */
class KvStreamWriter
{
  public:
    /// Writes the header into the buffer.
    explicit KvStreamWriter(const KvStreamHeader& header);
    /**
     * Append a KV or BASIS chunk (its offset fields are ignored).
     *
     * Throws KvError naming the field if the type is not KV or BASIS (End() writes END), the
     * layer is not below the header's layers, tokenBegin > tokenEnd, the spec is longer than 64
     * bytes or not printable ASCII, the payload is larger than a u32 can say, or End() was
     * called.
     */
    void Add(const KvChunk& chunk);
    /// Append the END chunk; no chunk may follow (throws KvError if called twice).
    void End();
    /// \return bytes written and not yet taken
    const std::vector<uint8_t>& Data() const;
    /// \return bytes written since the last Take (the stream can be sent piece by piece)
    std::vector<uint8_t> Take();
    /// \return total bytes written, including those taken
    uint64_t BytesWritten() const;

  private:
    /// Throw KvError naming the first field of chunk that the stream cannot carry.
    void Validate(const KvChunk& chunk) const;
    /// Encode chunk and its CRC (the fields are valid).
    void Append(const KvChunk& chunk);

    KvStreamHeader m_header; //!< geometry the chunks are checked against
    ByteWriter m_out;        //!< bytes not yet taken
    uint64_t m_taken;        //!< bytes handed out by Take
    bool m_ended;            //!< whether END has been written
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_STREAM_WRITER_H
