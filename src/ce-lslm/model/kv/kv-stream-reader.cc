#include "kv-stream-reader.h"

#include "crc32c.h"

#include <cstring>

namespace ns3
{
namespace kv
{

namespace
{

// Offsets of the geometry fields in the header: magic (4 bytes), version (2), then these.
constexpr uint64_t HEADER_LAYERS_AT = 6;     //!< u16 layers
constexpr uint64_t HEADER_KV_DIM_AT = 8;     //!< u16 kvDim
constexpr uint64_t HEADER_ALIGNMENT_AT = 10; //!< u32 alignment id

/// \return the message for a header field that differs from the receiver's geometry
std::string
Mismatch(const char* field, uint64_t found, uint64_t expected)
{
    return std::string("geometry mismatch: the stream has ") + field + " " + std::to_string(found)
           + ", the receiver expects " + std::to_string(expected);
}

/// Throw KvWireError at `at` if an END chunk's field is not zero: END carries nothing.
void
RequireZeroInEnd(KvChunkType type, uint64_t value, uint64_t at, const char* field)
{
    if (type == KvChunkType::END && value != 0)
    {
        throw KvWireError(at,
                          std::string("END chunk with ") + field + " " + std::to_string(value)
                              + " (END carries no data: every field is 0)");
    }
}

} // namespace

KvStreamReader::KvStreamReader(const KvStreamHeader& expected, std::size_t maxPayloadBytes)
    : m_expected(expected)
    , m_maxPayloadBytes(maxPayloadBytes)
    , m_consumed(0)
    , m_consumedTotal(0)
    , m_hasHeader(false)
    , m_ended(false)
{
}

void
KvStreamReader::Feed(const uint8_t* data, std::size_t size)
{
    ThrowIfFailed();
    if (size == 0)
    {
        return;
    }
    if (m_ended)
    {
        Fail(ByteAfterEnd());
    }
    // Drop what Next() has returned before growing, so the buffer never holds more than the
    // bytes not returned yet.
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_consumed));
    m_consumed = 0;
    m_buffer.insert(m_buffer.end(), data, data + size);
}

std::optional<KvChunk>
KvStreamReader::Next()
{
    ThrowIfFailed();
    try
    {
        return Advance();
    }
    catch (const KvWireError& error)
    {
        Fail(error);
    }
}

std::optional<KvChunk>
KvStreamReader::Advance()
{
    if (!m_hasHeader && !ReadHeader())
    {
        return std::nullopt;
    }
    if (m_ended)
    {
        if (UnconsumedSize() > 0)
        {
            throw ByteAfterEnd();
        }
        return std::nullopt;
    }
    return ReadChunk();
}

bool
KvStreamReader::ReadHeader()
{
    ByteReader in(UnconsumedData(), UnconsumedSize(), m_consumedTotal);
    if (in.Remaining() < sizeof(KvStreamHeader::MAGIC))
    {
        return false;
    }
    if (std::memcmp(in.GetBytes(sizeof(KvStreamHeader::MAGIC), "magic"),
                    KvStreamHeader::MAGIC,
                    sizeof(KvStreamHeader::MAGIC))
        != 0)
    {
        throw KvWireError(m_consumedTotal, "bad magic: not a KV stream (it starts with \"CEKV\")");
    }
    // The version is checked before the CRC: another version may lay its header out differently.
    if (in.Remaining() < sizeof(uint16_t))
    {
        return false;
    }
    const uint64_t versionAt = in.Offset();
    const uint16_t version = in.GetU16("version");
    if (version != KvStreamHeader::VERSION)
    {
        throw KvWireError(versionAt,
                          "unsupported version " + std::to_string(version)
                              + " (this reader supports version "
                              + std::to_string(KvStreamHeader::VERSION) + ")");
    }
    if (UnconsumedSize() < KvStreamHeader::WIRE_SIZE)
    {
        return false;
    }
    KvStreamHeader header;
    header.layers = in.GetU16("layers");
    header.kvDim = in.GetU16("kvDim");
    header.alignmentId = in.GetU32("alignment id");
    const uint32_t computed = Crc32c(UnconsumedData(), in.Offset() - m_consumedTotal);
    if (in.GetU32("header CRC") != computed)
    {
        throw KvWireError(m_consumedTotal, "header CRC mismatch: the header is corrupted");
    }
    CheckGeometry(header);
    m_header = header;
    m_hasHeader = true;
    Consume(KvStreamHeader::WIRE_SIZE);
    return true;
}

void
KvStreamReader::CheckGeometry(const KvStreamHeader& header) const
{
    if (header.layers != m_expected.layers)
    {
        throw KvWireError(m_consumedTotal + HEADER_LAYERS_AT,
                          Mismatch("layers", header.layers, m_expected.layers));
    }
    if (header.kvDim != m_expected.kvDim)
    {
        throw KvWireError(m_consumedTotal + HEADER_KV_DIM_AT,
                          Mismatch("kvDim", header.kvDim, m_expected.kvDim));
    }
    if (m_expected.alignmentId != 0 && header.alignmentId != m_expected.alignmentId)
    {
        throw KvWireError(m_consumedTotal + HEADER_ALIGNMENT_AT,
                          Mismatch("alignment id", header.alignmentId, m_expected.alignmentId));
    }
}

std::optional<KvChunk>
KvStreamReader::ReadChunk()
{
    ByteReader in(UnconsumedData(), UnconsumedSize(), m_consumedTotal);
    KvChunk chunk;
    chunk.offset = m_consumedTotal;
    uint32_t payloadSize = 0;
    // The payload is awaited only once its declared length is known to be within the limit.
    if (!ReadChunkFields(in, chunk, payloadSize) || in.Remaining() < sizeof(uint32_t)
        || in.Remaining() - sizeof(uint32_t) < payloadSize)
    {
        return std::nullopt;
    }
    chunk.payloadOffset = in.Offset();
    const uint8_t* payload = in.GetBytes(payloadSize, "payload");
    const std::size_t covered = static_cast<std::size_t>(in.Offset() - chunk.offset);
    if (in.GetU32("chunk CRC") != Crc32c(UnconsumedData(), covered))
    {
        throw KvWireError(chunk.offset,
                          "chunk CRC mismatch: the chunk of " + std::to_string(covered + 4)
                              + " bytes that starts here is corrupted");
    }
    chunk.payload.assign(payload, payload + payloadSize);
    Consume(covered + sizeof(uint32_t));
    m_ended = chunk.type == KvChunkType::END;
    return chunk;
}

bool
KvStreamReader::ReadChunkFields(ByteReader& in, KvChunk& chunk, uint32_t& payloadSize) const
{
    if (in.Remaining() < sizeof(uint8_t))
    {
        return false;
    }
    chunk.type = ReadType(in);
    if (in.Remaining() < sizeof(uint16_t))
    {
        return false;
    }
    ReadLayer(in, chunk);
    if (in.Remaining() < 2 * sizeof(uint32_t))
    {
        return false;
    }
    ReadTokenRange(in, chunk);
    if (in.Remaining() < sizeof(uint8_t))
    {
        return false;
    }
    const std::size_t specSize = ReadSpecSize(in, chunk.type);
    if (in.Remaining() < specSize)
    {
        return false;
    }
    chunk.spec = ReadSpec(in, specSize);
    if (in.Remaining() < sizeof(uint32_t))
    {
        return false;
    }
    payloadSize = ReadPayloadSize(in, chunk.type);
    return true;
}

KvChunkType
KvStreamReader::ReadType(ByteReader& in) const
{
    const uint64_t at = in.Offset();
    const uint8_t type = in.GetU8("chunk type");
    if (type < static_cast<uint8_t>(KvChunkType::KV)
        || type > static_cast<uint8_t>(KvChunkType::END))
    {
        throw KvWireError(at,
                          "unknown chunk type " + std::to_string(type)
                              + " (KV is 1, BASIS 2, END 3)");
    }
    return static_cast<KvChunkType>(type);
}

void
KvStreamReader::ReadLayer(ByteReader& in, KvChunk& chunk) const
{
    const uint64_t at = in.Offset();
    chunk.layer = in.GetU16("layer");
    RequireZeroInEnd(chunk.type, chunk.layer, at, "layer");
    if (chunk.type != KvChunkType::END && chunk.layer >= m_header.layers)
    {
        throw KvWireError(at,
                          "layer " + std::to_string(chunk.layer)
                              + " is out of range: the stream has "
                              + std::to_string(m_header.layers) + " layers");
    }
}

void
KvStreamReader::ReadTokenRange(ByteReader& in, KvChunk& chunk) const
{
    const uint64_t beginAt = in.Offset();
    chunk.tokenBegin = in.GetU32("tokenBegin");
    const uint64_t endAt = in.Offset();
    chunk.tokenEnd = in.GetU32("tokenEnd");
    RequireZeroInEnd(chunk.type, chunk.tokenBegin, beginAt, "tokenBegin");
    RequireZeroInEnd(chunk.type, chunk.tokenEnd, endAt, "tokenEnd");
    if (chunk.tokenEnd < chunk.tokenBegin)
    {
        throw KvWireError(endAt,
                          "token range runs backwards: tokenEnd " + std::to_string(chunk.tokenEnd)
                              + " is before tokenBegin " + std::to_string(chunk.tokenBegin));
    }
}

std::size_t
KvStreamReader::ReadSpecSize(ByteReader& in, KvChunkType type) const
{
    const uint64_t at = in.Offset();
    const std::size_t size = in.GetU8("spec length");
    RequireZeroInEnd(type, size, at, "spec length");
    const std::string fault = KvSpecSizeFault(size);
    if (!fault.empty())
    {
        throw KvWireError(at, fault);
    }
    return size;
}

std::string
KvStreamReader::ReadSpec(ByteReader& in, std::size_t size) const
{
    const uint64_t at = in.Offset();
    const uint8_t* bytes = in.GetBytes(size, "spec");
    std::size_t index = 0;
    const std::string fault = KvSpecByteFault(bytes, size, index);
    if (!fault.empty())
    {
        throw KvWireError(at + index, fault);
    }
    return std::string(reinterpret_cast<const char*>(bytes), size);
}

uint32_t
KvStreamReader::ReadPayloadSize(ByteReader& in, KvChunkType type) const
{
    const uint64_t at = in.Offset();
    const uint32_t size = in.GetU32("payload length");
    RequireZeroInEnd(type, size, at, "payload length");
    if (size > m_maxPayloadBytes)
    {
        throw KvWireError(at,
                          "payload of " + std::to_string(size) + " bytes exceeds the limit of "
                              + std::to_string(m_maxPayloadBytes));
    }
    return size;
}

bool
KvStreamReader::HasHeader() const
{
    return m_hasHeader;
}

const KvStreamHeader&
KvStreamReader::Header() const
{
    return m_header;
}

bool
KvStreamReader::Ended() const
{
    return m_ended;
}

void
KvStreamReader::Finish() const
{
    ThrowIfFailed();
    if (m_ended)
    {
        if (UnconsumedSize() > 0)
        {
            throw ByteAfterEnd();
        }
        return;
    }
    const uint64_t received = m_consumedTotal + UnconsumedSize();
    std::string where = "before END";
    if (!m_hasHeader)
    {
        where = "inside the header";
    }
    else if (UnconsumedSize() > 0)
    {
        where = "inside the chunk at byte " + std::to_string(m_consumedTotal);
    }
    throw KvWireError(received,
                      "stream ended after " + std::to_string(received) + " bytes " + where);
}

const uint8_t*
KvStreamReader::UnconsumedData() const
{
    return m_buffer.data() + m_consumed;
}

std::size_t
KvStreamReader::UnconsumedSize() const
{
    return m_buffer.size() - m_consumed;
}

void
KvStreamReader::Consume(std::size_t size)
{
    m_consumed += size;
    m_consumedTotal += size;
    if (m_consumed == m_buffer.size())
    {
        m_buffer.clear();
        m_consumed = 0;
    }
}

KvWireError
KvStreamReader::ByteAfterEnd() const
{
    // Everything up to the end of END is consumed, so the first stray byte is the next one.
    return KvWireError(m_consumedTotal, "byte after END: the stream is complete");
}

void
KvStreamReader::ThrowIfFailed() const
{
    if (m_error)
    {
        throw *m_error;
    }
}

void
KvStreamReader::Fail(const KvWireError& error)
{
    m_error = error;
    throw error;
}

} // namespace kv
} // namespace ns3
