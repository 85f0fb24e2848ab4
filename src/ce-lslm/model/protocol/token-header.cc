/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "token-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TokenHeader");

NS_OBJECT_ENSURE_REGISTERED(TokenHeader);

TokenHeader::TokenHeader()
    : m_index(0)
    , m_flags(0)
{
}

TokenHeader::TokenHeader(uint32_t index, bool last)
    : m_index(index)
    , m_flags(last ? FLAG_LAST : 0)
{
}

TypeId
TokenHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::TokenHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<TokenHeader>();
    return tid;
}

TypeId
TokenHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
TokenHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
TokenHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_index);
    start.WriteU8(m_flags);
}

uint32_t
TokenHeader::Deserialize(Buffer::Iterator start)
{
    m_index = start.ReadNtohU32();
    m_flags = start.ReadU8();
    return SERIALIZED_SIZE;
}

void
TokenHeader::Print(std::ostream& os) const
{
    os << "index=" << m_index << (IsLast() ? " last" : "");
}

uint32_t
TokenHeader::GetIndex() const
{
    return m_index;
}

bool
TokenHeader::IsLast() const
{
    return (m_flags & FLAG_LAST) != 0;
}

uint8_t
TokenHeader::GetFlags() const
{
    return m_flags;
}

bool
TokenHeader::HasUnknownFlags() const
{
    return (m_flags & ~FLAG_LAST) != 0;
}

} // namespace ns3
