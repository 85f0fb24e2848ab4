#include "crc32c.h"

#include <array>

namespace ns3
{
namespace kv
{

namespace
{

/// The Castagnoli polynomial, bit-reversed because the CRC shifts right (LSB first).
constexpr uint32_t CASTAGNOLI_REFLECTED = 0x82F63B78;

/// \return the CRC of every byte value, so that the CRC advances a whole byte per lookup
constexpr std::array<uint32_t, 256>
MakeTable()
{
    std::array<uint32_t, 256> table{};
    for (uint32_t byte = 0; byte < 256; ++byte)
    {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; ++bit)
        {
            crc = (crc & 1) ? (crc >> 1) ^ CASTAGNOLI_REFLECTED : crc >> 1;
        }
        table[byte] = crc;
    }
    return table;
}

/// Computed by the compiler: no start-up cost and no shared mutable state.
constexpr std::array<uint32_t, 256> TABLE = MakeTable();

} // namespace

uint32_t
Crc32c(const uint8_t* data, std::size_t size, uint32_t crc)
{
    // The register starts at ~0 and the result is inverted; undoing that inversion on entry is
    // what lets a CRC continue from a previous result (and makes crc = 0 the fresh start).
    uint32_t state = ~crc;
    for (std::size_t i = 0; i < size; ++i)
    {
        state = TABLE[(state ^ data[i]) & 0xFF] ^ (state >> 8);
    }
    return ~state;
}

} // namespace kv
} // namespace ns3
