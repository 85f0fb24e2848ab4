#include "byte-io.h"

#include "kv-error.h"

#include "ns3/half-precision.h"

#include <cstring>

namespace ns3
{
namespace kv
{

void
ByteWriter::PutU8(uint8_t value)
{
    m_data.push_back(value);
}

void
ByteWriter::PutU16(uint16_t value)
{
    PutU8(static_cast<uint8_t>(value));
    PutU8(static_cast<uint8_t>(value >> 8));
}

void
ByteWriter::PutU32(uint32_t value)
{
    PutU16(static_cast<uint16_t>(value));
    PutU16(static_cast<uint16_t>(value >> 16));
}

void
ByteWriter::PutU64(uint64_t value)
{
    PutU32(static_cast<uint32_t>(value));
    PutU32(static_cast<uint32_t>(value >> 32));
}

void
ByteWriter::PutF16(float value)
{
    PutU16(llm::HalfPrecision::FloatToHalf(value));
}

void
ByteWriter::PutF32(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    PutU32(bits);
}

void
ByteWriter::PutBytes(const uint8_t* data, std::size_t size)
{
    m_data.insert(m_data.end(), data, data + size);
}

void
ByteWriter::PutBytes(const std::vector<uint8_t>& bytes)
{
    PutBytes(bytes.data(), bytes.size());
}

void
ByteWriter::PutString8(const std::string& text)
{
    if (text.size() > 255)
    {
        throw KvError("string of " + std::to_string(text.size())
                      + " bytes does not fit a length byte: '" + text.substr(0, 40) + "...'");
    }
    PutU8(static_cast<uint8_t>(text.size()));
    PutBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::size_t
ByteWriter::Size() const
{
    return m_data.size();
}

const std::vector<uint8_t>&
ByteWriter::Data() const
{
    return m_data;
}

std::vector<uint8_t>
ByteWriter::Take()
{
    std::vector<uint8_t> out;
    out.swap(m_data);
    return out;
}

ByteReader::ByteReader(const uint8_t* data, std::size_t size, uint64_t baseOffset)
    : m_data(data)
    , m_size(size)
    , m_read(0)
    , m_base(baseOffset)
{
}

const uint8_t*
ByteReader::GetBytes(std::size_t size, const char* what)
{
    if (size > Remaining())
    {
        Fail(std::string("truncated: ") + what + " needs " + std::to_string(size) + " bytes, only "
             + std::to_string(Remaining()) + " left");
    }
    const uint8_t* at = m_data + m_read;
    m_read += size;
    return at;
}

uint8_t
ByteReader::GetU8(const char* what)
{
    return *GetBytes(1, what);
}

uint16_t
ByteReader::GetU16(const char* what)
{
    const uint8_t* b = GetBytes(2, what);
    return static_cast<uint16_t>(b[0] | (b[1] << 8));
}

uint32_t
ByteReader::GetU32(const char* what)
{
    const uint8_t* b = GetBytes(4, what);
    return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8)
           | (static_cast<uint32_t>(b[2]) << 16) | (static_cast<uint32_t>(b[3]) << 24);
}

uint64_t
ByteReader::GetU64(const char* what)
{
    const uint64_t low = GetU32(what);
    const uint64_t high = GetU32(what);
    return low | (high << 32);
}

float
ByteReader::GetF16(const char* what)
{
    return llm::HalfPrecision::HalfToFloat(GetU16(what));
}

float
ByteReader::GetF32(const char* what)
{
    const uint32_t bits = GetU32(what);
    float value;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
}

std::string
ByteReader::GetString8(const char* what)
{
    const std::size_t length = GetU8(what);
    const uint8_t* bytes = GetBytes(length, what);
    return std::string(reinterpret_cast<const char*>(bytes), length);
}

std::size_t
ByteReader::Remaining() const
{
    return m_size - m_read;
}

uint64_t
ByteReader::Offset() const
{
    return m_base + m_read;
}

void
ByteReader::Fail(const std::string& what) const
{
    throw KvWireError(Offset(), what);
}

} // namespace kv
} // namespace ns3
