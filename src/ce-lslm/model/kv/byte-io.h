#ifndef CE_LSLM_BYTE_IO_H
#define CE_LSLM_BYTE_IO_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Appends little-endian integers, FP16/FP32 floats and byte strings to a buffer.
 *
 * Every byte the KV layer puts on a wire goes through this class, so the byte order is stated
 * once.
 */
class ByteWriter
{
  public:
    /// Append one byte.
    void PutU8(uint8_t value);
    /// Append 2 bytes, little-endian.
    void PutU16(uint16_t value);
    /// Append 4 bytes, little-endian.
    void PutU32(uint32_t value);
    /// Append 8 bytes, little-endian.
    void PutU64(uint64_t value);
    /// Append the IEEE binary16 nearest to value (2 bytes).
    void PutF16(float value);
    /// Append an IEEE binary32 (4 bytes).
    void PutF32(float value);
    /// Append raw bytes.
    void PutBytes(const uint8_t* data, std::size_t size);
    /// Append raw bytes.
    void PutBytes(const std::vector<uint8_t>& bytes);
    /// Append a string of at most 255 bytes as a length byte and its bytes (throws KvError if
    /// longer).
    void PutString8(const std::string& text);

    /// \return bytes written so far
    std::size_t Size() const;
    /// \return the buffer
    const std::vector<uint8_t>& Data() const;
    /// \return the buffer, moved out (the writer is empty afterwards)
    std::vector<uint8_t> Take();

  private:
    std::vector<uint8_t> m_data; //!< written bytes
};

/**
 * \brief Reads what ByteWriter wrote from a byte range, never past its end.
 *
 * A read past the end throws KvWireError naming the absolute offset (base offset + position) and
 * what was being read, so a truncated stream is reported, never read out of bounds.
 */
class ByteReader
{
  public:
    /**
     * \param data first byte (not owned; must outlive the reader)
     * \param size bytes available
     * \param baseOffset offset of data within the enclosing stream, for error messages
     */
    ByteReader(const uint8_t* data, std::size_t size, uint64_t baseOffset = 0);

    /// \param what what is being read, for the error message
    /// \return one byte
    uint8_t GetU8(const char* what);
    /// \return 2 bytes, little-endian
    uint16_t GetU16(const char* what);
    /// \return 4 bytes, little-endian
    uint32_t GetU32(const char* what);
    /// \return 8 bytes, little-endian
    uint64_t GetU64(const char* what);
    /// \return an IEEE binary16 as FP32
    float GetF16(const char* what);
    /// \return an IEEE binary32
    float GetF32(const char* what);
    /// \return a pointer to the next `size` bytes, which are skipped
    const uint8_t* GetBytes(std::size_t size, const char* what);
    /// \return a string written by PutString8
    std::string GetString8(const char* what);

    /// \return bytes not read yet
    std::size_t Remaining() const;
    /// \return absolute offset of the next byte (base offset + bytes read)
    uint64_t Offset() const;
    /// Throw KvWireError at the current offset with this message.
    [[noreturn]] void Fail(const std::string& what) const;

  private:
    const uint8_t* m_data; //!< first byte
    std::size_t m_size;    //!< bytes available
    std::size_t m_read;    //!< bytes consumed
    uint64_t m_base;       //!< offset of m_data in the stream
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_BYTE_IO_H
