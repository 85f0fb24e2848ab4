/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "kv-data-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("KvDataHeader");

NS_OBJECT_ENSURE_REGISTERED(KvDataHeader);

KvDataHeader::KvDataHeader()
    : m_contextId(0)
    , m_layer(NO_LAYER)
    , m_origin(COMPUTED)
    , m_flags(0)
    , m_streamBytes(0)
{
}

KvDataHeader::KvDataHeader(uint32_t contextId,
                           uint16_t layer,
                           Origin origin,
                           bool last,
                           uint32_t streamBytes)
    : m_contextId(contextId)
    , m_layer(layer)
    , m_origin(origin)
    , m_flags(last ? FLAG_LAST : 0)
    , m_streamBytes(streamBytes)
{
}

TypeId
KvDataHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::KvDataHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<KvDataHeader>();
    return tid;
}

TypeId
KvDataHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
KvDataHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
KvDataHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_contextId);
    start.WriteHtonU16(m_layer);
    start.WriteU8(m_origin);
    start.WriteU8(m_flags);
    start.WriteHtonU32(m_streamBytes);
}

uint32_t
KvDataHeader::Deserialize(Buffer::Iterator start)
{
    m_contextId = start.ReadNtohU32();
    m_layer = start.ReadNtohU16();
    m_origin = start.ReadU8();
    m_flags = start.ReadU8();
    m_streamBytes = start.ReadNtohU32();
    return SERIALIZED_SIZE;
}

void
KvDataHeader::Print(std::ostream& os) const
{
    os << "context=" << m_contextId << " layer=";
    if (m_layer == NO_LAYER)
    {
        os << "none";
    }
    else
    {
        os << m_layer;
    }
    os << " origin=";
    switch (m_origin)
    {
        case COMPUTED:
            os << "computed";
            break;
        case ALIGNED:
            os << "aligned";
            break;
        default:
            os << static_cast<uint32_t>(m_origin);
    }
    os << " stream_bytes=" << m_streamBytes << (IsLast() ? " last" : "");
}

uint32_t
KvDataHeader::GetContextId() const
{
    return m_contextId;
}

uint16_t
KvDataHeader::GetLayer() const
{
    return m_layer;
}

KvDataHeader::Origin
KvDataHeader::GetOrigin() const
{
    return static_cast<Origin>(m_origin);
}

bool
KvDataHeader::IsLast() const
{
    return (m_flags & FLAG_LAST) != 0;
}

uint8_t
KvDataHeader::GetFlags() const
{
    return m_flags;
}

uint32_t
KvDataHeader::GetStreamBytes() const
{
    return m_streamBytes;
}

bool
KvDataHeader::IsKnownOrigin() const
{
    return m_origin == COMPUTED || m_origin == ALIGNED;
}

} // namespace ns3
