#include "kv-stream.h"

#include <cstdio>

namespace ns3
{
namespace kv
{

std::string
KvSpecSizeFault(std::size_t size)
{
    if (size <= KvChunk::MAX_SPEC_SIZE)
    {
        return "";
    }
    return "spec of " + std::to_string(size) + " bytes is longer than the "
           + std::to_string(KvChunk::MAX_SPEC_SIZE) + " allowed";
}

std::string
KvSpecByteFault(const uint8_t* spec, std::size_t size, std::size_t& index)
{
    for (index = 0; index < size; ++index)
    {
        if (!IsKvSpecByte(spec[index]))
        {
            char hex[8];
            std::snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned>(spec[index]));
            return "spec byte " + std::string(hex) + " at index " + std::to_string(index)
                   + " is not printable ASCII (0x21..0x7E)";
        }
    }
    return "";
}

} // namespace kv
} // namespace ns3
