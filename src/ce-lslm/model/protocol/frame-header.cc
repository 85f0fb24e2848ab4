/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "frame-header.h"

#include "ns3/log.h"

#include <iomanip>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FrameHeader");

NS_OBJECT_ENSURE_REGISTERED(FrameHeader);

FrameHeader::FrameHeader()
    : FrameHeader(0)
{
}

FrameHeader::FrameHeader(uint32_t payloadSize)
    : m_magic(MAGIC)
    , m_payloadSize(payloadSize)
{
}

TypeId
FrameHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FrameHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<FrameHeader>();
    return tid;
}

TypeId
FrameHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
FrameHeader::Print(std::ostream& os) const
{
    os << "magic=" << FormatMagic(m_magic) << " payload=" << m_payloadSize;
}

uint32_t
FrameHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
FrameHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU16(m_magic);
    start.WriteHtonU32(m_payloadSize);
}

uint32_t
FrameHeader::Deserialize(Buffer::Iterator start)
{
    m_magic = start.ReadNtohU16();
    m_payloadSize = start.ReadNtohU32();
    return SERIALIZED_SIZE;
}

uint16_t
FrameHeader::GetMagic() const
{
    return m_magic;
}

bool
FrameHeader::HasValidMagic() const
{
    return m_magic == MAGIC;
}

uint32_t
FrameHeader::GetPayloadSize() const
{
    return m_payloadSize;
}

void
FrameHeader::SetPayloadSize(uint32_t payloadSize)
{
    m_payloadSize = payloadSize;
}

std::string
FrameHeader::FormatMagic(uint16_t magic)
{
    std::ostringstream text;
    text << "0x" << std::hex << std::setw(4) << std::setfill('0') << magic;
    return text.str();
}

} // namespace ns3
