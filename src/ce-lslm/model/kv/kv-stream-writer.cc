#include "kv-stream-writer.h"

#include "crc32c.h"
#include "kv-error.h"

#include <limits>

namespace ns3
{
namespace kv
{

namespace
{

/// Throw KvError with the context every writer message starts with.
[[noreturn]] void
Refuse(const std::string& what)
{
    throw KvError("KvStreamWriter: " + what);
}

} // namespace

KvStreamWriter::KvStreamWriter(const KvStreamHeader& header)
    : m_header(header)
    , m_taken(0)
    , m_ended(false)
{
    m_out.PutBytes(reinterpret_cast<const uint8_t*>(KvStreamHeader::MAGIC),
                   sizeof(KvStreamHeader::MAGIC));
    m_out.PutU16(KvStreamHeader::VERSION);
    m_out.PutU16(header.layers);
    m_out.PutU16(header.kvDim);
    m_out.PutU32(header.alignmentId);
    m_out.PutU32(Crc32c(m_out.Data().data(), m_out.Size()));
}

void
KvStreamWriter::Validate(const KvChunk& chunk) const
{
    if (m_ended)
    {
        Refuse("chunk added after End()");
    }
    if (chunk.type != KvChunkType::KV && chunk.type != KvChunkType::BASIS)
    {
        Refuse("type " + std::to_string(static_cast<unsigned>(chunk.type))
               + " is not KV (1) or BASIS (2); End() writes END");
    }
    if (chunk.layer >= m_header.layers)
    {
        Refuse("layer " + std::to_string(chunk.layer) + " is out of range: the stream has "
               + std::to_string(m_header.layers) + " layers");
    }
    if (chunk.tokenBegin > chunk.tokenEnd)
    {
        Refuse("tokenBegin " + std::to_string(chunk.tokenBegin) + " is after tokenEnd "
               + std::to_string(chunk.tokenEnd));
    }
    std::string fault = KvSpecSizeFault(chunk.spec.size());
    std::size_t index = 0;
    if (fault.empty())
    {
        fault = KvSpecByteFault(reinterpret_cast<const uint8_t*>(chunk.spec.data()),
                                chunk.spec.size(),
                                index);
    }
    if (!fault.empty())
    {
        Refuse(fault + " (spec '" + chunk.spec.substr(0, KvChunk::MAX_SPEC_SIZE) + "')");
    }
    if (chunk.payload.size() > std::numeric_limits<uint32_t>::max())
    {
        Refuse("payload of " + std::to_string(chunk.payload.size())
               + " bytes does not fit the u32 payload length");
    }
}

void
KvStreamWriter::Append(const KvChunk& chunk)
{
    // The CRC covers only this chunk; earlier bytes may still be in the buffer (not taken).
    const std::size_t start = m_out.Size();
    m_out.PutU8(static_cast<uint8_t>(chunk.type));
    m_out.PutU16(chunk.layer);
    m_out.PutU32(chunk.tokenBegin);
    m_out.PutU32(chunk.tokenEnd);
    m_out.PutString8(chunk.spec);
    m_out.PutU32(static_cast<uint32_t>(chunk.payload.size()));
    m_out.PutBytes(chunk.payload);
    m_out.PutU32(Crc32c(m_out.Data().data() + start, m_out.Size() - start));
}

void
KvStreamWriter::Add(const KvChunk& chunk)
{
    Validate(chunk);
    Append(chunk);
}

void
KvStreamWriter::End()
{
    if (m_ended)
    {
        Refuse("End() called twice");
    }
    KvChunk end;
    end.type = KvChunkType::END;
    Append(end);
    m_ended = true;
}

const std::vector<uint8_t>&
KvStreamWriter::Data() const
{
    return m_out.Data();
}

std::vector<uint8_t>
KvStreamWriter::Take()
{
    m_taken += m_out.Size();
    return m_out.Take();
}

uint64_t
KvStreamWriter::BytesWritten() const
{
    return m_taken + m_out.Size();
}

} // namespace kv
} // namespace ns3
