#include "kv-error.h"

namespace ns3
{
namespace kv
{

KvError::KvError(const std::string& message)
    : std::runtime_error(message)
{
}

KvWireError::KvWireError(uint64_t offset, const std::string& what)
    : KvError("at byte " + std::to_string(offset) + ": " + what)
    , m_offset(offset)
{
}

uint64_t
KvWireError::Offset() const
{
    return m_offset;
}

} // namespace kv
} // namespace ns3
