/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "hidden-state-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(HiddenStateHeader);

HiddenStateHeader::HiddenStateHeader()
    : HiddenStateHeader(0, 0, 0, 0, 0, 0)
{
}

HiddenStateHeader::HiddenStateHeader(uint32_t first,
                                     uint32_t count,
                                     uint32_t tokenIndex,
                                     uint16_t splitLayer,
                                     uint8_t precision,
                                     uint8_t flags)
    : m_first(first)
    , m_count(count)
    , m_tokenIndex(tokenIndex)
    , m_splitLayer(splitLayer)
    , m_precision(precision)
    , m_flags(flags)
{
}

TypeId
HiddenStateHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::HiddenStateHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<HiddenStateHeader>();
    return tid;
}

TypeId
HiddenStateHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
HiddenStateHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
HiddenStateHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_first);
    start.WriteHtonU32(m_count);
    start.WriteHtonU32(m_tokenIndex);
    start.WriteHtonU16(m_splitLayer);
    start.WriteU8(m_precision);
    start.WriteU8(m_flags);
}

uint32_t
HiddenStateHeader::Deserialize(Buffer::Iterator start)
{
    m_first = start.ReadNtohU32();
    m_count = start.ReadNtohU32();
    m_tokenIndex = start.ReadNtohU32();
    m_splitLayer = start.ReadNtohU16();
    m_precision = start.ReadU8();
    m_flags = start.ReadU8();
    return SERIALIZED_SIZE;
}

void
HiddenStateHeader::Print(std::ostream& os) const
{
    os << "positions=[" << m_first << ", " << m_first + m_count << ") split=" << m_splitLayer
       << " precision=" << static_cast<uint32_t>(m_precision);
    if (IsDefer())
    {
        os << " defer token=" << m_tokenIndex;
    }
    os << (IsRelease() ? " release" : "");
}

uint32_t
HiddenStateHeader::GetFirst() const
{
    return m_first;
}

uint32_t
HiddenStateHeader::GetCount() const
{
    return m_count;
}

uint32_t
HiddenStateHeader::GetTokenIndex() const
{
    return m_tokenIndex;
}

uint16_t
HiddenStateHeader::GetSplitLayer() const
{
    return m_splitLayer;
}

uint8_t
HiddenStateHeader::GetPrecision() const
{
    return m_precision;
}

uint8_t
HiddenStateHeader::GetFlags() const
{
    return m_flags;
}

bool
HiddenStateHeader::IsDefer() const
{
    return (m_flags & FLAG_DEFER) != 0;
}

bool
HiddenStateHeader::IsRelease() const
{
    return (m_flags & FLAG_RELEASE) != 0;
}

} // namespace ns3
