#ifndef CE_LSLM_SYMBOL_PACKER_H
#define CE_LSLM_SYMBOL_PACKER_H

#include "byte-io.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Packs B-bit symbols densely, LSB-first: symbol i occupies bits [i*B, (i+1)*B) of the
 * little-endian bit string.
 *
 * The fixed-length alternative to RansCoder: ceil(count * B / 8) bytes whatever the symbols.
 */
class SymbolPacker
{
  public:
    /// \return bytes taken by count symbols of bits each
    static std::size_t PackedBytes(std::size_t count, int bits);
    /// Append symbols (each < 2^bits, 1 <= bits <= 8; throws KvError otherwise).
    static void Pack(const std::vector<uint8_t>& symbols, int bits, ByteWriter& out);
    /// \return count symbols read (throws KvWireError if truncated or if the padding bits of the
    ///         last byte are not zero)
    static std::vector<uint8_t> Unpack(ByteReader& in, std::size_t count, int bits);
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_SYMBOL_PACKER_H
