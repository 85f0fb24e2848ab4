#ifndef CE_LSLM_KV_STREAM_READER_H
#define CE_LSLM_KV_STREAM_READER_H

#include "byte-io.h"
#include "kv-error.h"
#include "kv-stream.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ns3
{
namespace kv
{

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
 *
 * Fields are checked in stream order, each as soon as its bytes are there (a declared payload
 * length before the payload is awaited), so the error reported, and its offset, do not depend on
 * how the bytes were split. A CRC mismatch is reported at the start of the bytes it covers (the
 * header or the chunk). Once an error is thrown the reader is failed: Feed, Next and Finish throw
 * it again. The reader keeps only the bytes that Next() has not returned yet.
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
    /// Append received bytes (throws KvWireError if they follow END, or if the reader failed).
    void Feed(const uint8_t* data, std::size_t size);
    /// \return the next complete chunk (END included), if all its bytes have arrived
    std::optional<KvChunk> Next();
    /// \return whether the header has arrived and checked
    bool HasHeader() const;
    /// \return the header (valid once HasHeader())
    const KvStreamHeader& Header() const;
    /// \return whether the END chunk has been read
    bool Ended() const;
    /// Throw KvWireError unless END has been read and no bytes are left over. Call it once Next()
    /// has returned every chunk: bytes not yet returned count as a chunk cut short.
    void Finish() const;

  private:
    /// Do Next()'s work (Next() remembers any KvWireError it throws).
    std::optional<KvChunk> Advance();
    /// \return whether the header has arrived (it is checked and consumed then)
    bool ReadHeader();
    /// Check the geometry of a header whose CRC matched against the expected one.
    void CheckGeometry(const KvStreamHeader& header) const;
    /// \return the next chunk, checked and consumed, or nothing while it is incomplete
    std::optional<KvChunk> ReadChunk();
    /**
     * Read and check the fields of a chunk that come before its payload.
     * \param in the unconsumed bytes, from the chunk's first byte
     * \param chunk receives the fields
     * \param[out] payloadSize the declared payload length
     * \return whether they have all arrived
     */
    bool ReadChunkFields(ByteReader& in, KvChunk& chunk, uint32_t& payloadSize) const;
    /// \return the chunk type (its byte is there)
    KvChunkType ReadType(ByteReader& in) const;
    /// Read the layer into chunk (its 2 bytes are there).
    void ReadLayer(ByteReader& in, KvChunk& chunk) const;
    /// Read the token range into chunk (its 8 bytes are there).
    void ReadTokenRange(ByteReader& in, KvChunk& chunk) const;
    /// \return the spec length (its byte is there)
    std::size_t ReadSpecSize(ByteReader& in, KvChunkType type) const;
    /// \return the spec (its size bytes are there)
    std::string ReadSpec(ByteReader& in, std::size_t size) const;
    /// \return the declared payload length, within the limit (its 4 bytes are there)
    uint32_t ReadPayloadSize(ByteReader& in, KvChunkType type) const;

    /// \return the first byte not consumed yet
    const uint8_t* UnconsumedData() const;
    /// \return the number of bytes not consumed yet
    std::size_t UnconsumedSize() const;
    /// Drop the first size unconsumed bytes (the header or a returned chunk).
    void Consume(std::size_t size);
    /// \return the error for the bytes that follow END
    KvWireError ByteAfterEnd() const;
    /// Throw the error that failed the reader, if any.
    void ThrowIfFailed() const;
    /// Remember error (the reader is failed from now on), then throw it.
    [[noreturn]] void Fail(const KvWireError& error);

    KvStreamHeader m_expected;          //!< geometry the receiver needs
    std::size_t m_maxPayloadBytes;      //!< largest payload accepted
    std::vector<uint8_t> m_buffer;      //!< received bytes; the first m_consumed are done
    std::size_t m_consumed;             //!< bytes at the front of m_buffer already returned
    uint64_t m_consumedTotal;           //!< stream offset of m_buffer[m_consumed]
    KvStreamHeader m_header;            //!< the header, once m_hasHeader
    bool m_hasHeader;                   //!< whether the header has been read
    bool m_ended;                       //!< whether END has been read
    std::optional<KvWireError> m_error; //!< the error that failed the reader
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_STREAM_READER_H
