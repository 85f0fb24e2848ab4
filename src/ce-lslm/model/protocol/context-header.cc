/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "context-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ContextHeader");

NS_OBJECT_ENSURE_REGISTERED(ContextHeader);

ContextHeader::ContextHeader()
    : m_contextId(0)
    , m_layerBegin(0)
    , m_layerEnd(0)
{
}

ContextHeader::ContextHeader(uint32_t contextId, uint16_t layerBegin, uint16_t layerEnd)
    : m_contextId(contextId)
    , m_layerBegin(layerBegin)
    , m_layerEnd(layerEnd)
{
}

TypeId
ContextHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ContextHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<ContextHeader>();
    return tid;
}

TypeId
ContextHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
ContextHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
ContextHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_contextId);
    start.WriteHtonU16(m_layerBegin);
    start.WriteHtonU16(m_layerEnd | (m_refresh ? REFRESH_BIT : 0));
}

uint32_t
ContextHeader::Deserialize(Buffer::Iterator start)
{
    m_contextId = start.ReadNtohU32();
    m_layerBegin = start.ReadNtohU16();
    const uint16_t end = start.ReadNtohU16();
    m_layerEnd = end & ~REFRESH_BIT;
    m_refresh = (end & REFRESH_BIT) != 0;
    return SERIALIZED_SIZE;
}

void
ContextHeader::Print(std::ostream& os) const
{
    os << "context=" << m_contextId << " layers=[" << m_layerBegin << ", " << m_layerEnd << ")"
       << (m_refresh ? " refresh" : "");
}

uint32_t
ContextHeader::GetContextId() const
{
    return m_contextId;
}

uint16_t
ContextHeader::GetLayerBegin() const
{
    return m_layerBegin;
}

uint16_t
ContextHeader::GetLayerEnd() const
{
    return m_layerEnd;
}

void
ContextHeader::SetRefresh(bool refresh)
{
    m_refresh = refresh;
}

bool
ContextHeader::IsRefresh() const
{
    return m_refresh;
}

} // namespace ns3
