#include "symbol-packer.h"

#include "kv-error.h"

#include <string>

namespace ns3
{
namespace kv
{

std::size_t
SymbolPacker::PackedBytes(std::size_t count, int bits)
{
    return (count * static_cast<std::size_t>(bits) + 7) / 8;
}

void
SymbolPacker::Pack(const std::vector<uint8_t>& symbols, int bits, ByteWriter& out)
{
    if (bits < 1 || bits > 8)
    {
        throw KvError("cannot pack symbols of " + std::to_string(bits) + " bits");
    }
    uint32_t pending = 0; // bits not yet written, LSB first
    int held = 0;
    for (uint8_t symbol : symbols)
    {
        if (symbol >> bits)
        {
            throw KvError("symbol " + std::to_string(symbol) + " does not fit "
                          + std::to_string(bits) + " bits");
        }
        pending |= static_cast<uint32_t>(symbol) << held;
        held += bits;
        while (held >= 8)
        {
            out.PutU8(static_cast<uint8_t>(pending));
            pending >>= 8;
            held -= 8;
        }
    }
    if (held > 0)
    {
        out.PutU8(static_cast<uint8_t>(pending));
    }
}

std::vector<uint8_t>
SymbolPacker::Unpack(ByteReader& in, std::size_t count, int bits)
{
    const std::size_t size = PackedBytes(count, bits);
    const uint8_t* bytes = in.GetBytes(size, "packed symbols");
    std::vector<uint8_t> symbols(count);
    const uint32_t mask = (1u << bits) - 1;
    uint32_t pending = 0;
    int held = 0;
    std::size_t next = 0;
    for (std::size_t i = 0; i < count; ++i)
    {
        if (held < bits)
        {
            pending |= static_cast<uint32_t>(bytes[next++]) << held;
            held += 8;
        }
        symbols[i] = static_cast<uint8_t>(pending & mask);
        pending >>= bits;
        held -= bits;
    }
    if (pending != 0)
    {
        // A valid payload pads with zeros: anything else is corruption.
        in.Fail("nonzero padding bits after " + std::to_string(count) + " packed symbols");
    }
    return symbols;
}

} // namespace kv
} // namespace ns3
