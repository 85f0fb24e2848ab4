/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "message-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MessageHeader");

NS_OBJECT_ENSURE_REGISTERED(MessageHeader);

MessageHeader::MessageHeader()
    : m_version(VERSION)
    , m_type(0)
    , m_reserved(0)
    , m_requestId(0)
{
}

MessageHeader::MessageHeader(Type type, uint64_t requestId)
    : m_version(VERSION)
    , m_type(type)
    , m_reserved(0)
    , m_requestId(requestId)
{
}

TypeId
MessageHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::MessageHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<MessageHeader>();
    return tid;
}

TypeId
MessageHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
MessageHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
MessageHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteU8(m_version);
    start.WriteU8(m_type);
    start.WriteHtonU16(m_reserved);
    start.WriteHtonU64(m_requestId);
}

uint32_t
MessageHeader::Deserialize(Buffer::Iterator start)
{
    m_version = start.ReadU8();
    m_type = start.ReadU8();
    m_reserved = start.ReadNtohU16();
    m_requestId = start.ReadNtohU64();
    return SERIALIZED_SIZE;
}

void
MessageHeader::Print(std::ostream& os) const
{
    os << "version=" << static_cast<uint32_t>(m_version) << " type=" << TypeName(m_type)
       << " request=" << m_requestId;
}

uint8_t
MessageHeader::GetVersion() const
{
    return m_version;
}

MessageHeader::Type
MessageHeader::GetType() const
{
    return static_cast<Type>(m_type);
}

uint64_t
MessageHeader::GetRequestId() const
{
    return m_requestId;
}

uint16_t
MessageHeader::GetReserved() const
{
    return m_reserved;
}

bool
MessageHeader::IsKnownType(uint8_t type)
{
    return type >= REQUEST && type <= HIDDEN_STATE;
}

std::string
MessageHeader::TypeName(uint8_t type)
{
    switch (type)
    {
        case REQUEST:
            return "request";
        case TOKEN:
            return "token";
        case ERROR:
            return "error";
        case CANCEL:
            return "cancel";
        case CONTEXT_FETCH:
            return "context-fetch";
        case KV_DATA:
            return "kv-data";
        case CONTEXT_HELD:
            return "context-held";
        case HIDDEN_STATE:
            return "hidden-state";
        default:
            return "unknown";
    }
}

} // namespace ns3
