/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "error-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ErrorHeader");

NS_OBJECT_ENSURE_REGISTERED(ErrorHeader);

ErrorHeader::ErrorHeader()
    : m_code(0)
{
}

ErrorHeader::ErrorHeader(Code code)
    : m_code(code)
{
}

TypeId
ErrorHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ErrorHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<ErrorHeader>();
    return tid;
}

TypeId
ErrorHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
ErrorHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
ErrorHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU16(m_code);
}

uint32_t
ErrorHeader::Deserialize(Buffer::Iterator start)
{
    m_code = start.ReadNtohU16();
    return SERIALIZED_SIZE;
}

void
ErrorHeader::Print(std::ostream& os) const
{
    os << "code=" << m_code << " (" << CodeName(m_code) << ")";
}

uint16_t
ErrorHeader::GetCode() const
{
    return m_code;
}

std::string
ErrorHeader::CodeName(uint16_t code)
{
    switch (code)
    {
        case UPSTREAM_UNAVAILABLE:
            return "upstream-unavailable";
        case MALFORMED_REQUEST:
            return "malformed-request";
        case DUPLICATE_REQUEST:
            return "duplicate-request";
        case REJECTED:
            return "rejected";
        case CONTEXT_NOT_HELD:
            return "context-not-held";
        case OVERLOADED:
            return "overloaded";
        case UPSTREAM_TIMEOUT:
            return "upstream-timeout";
        default:
            return "error-" + std::to_string(code);
    }
}

} // namespace ns3
