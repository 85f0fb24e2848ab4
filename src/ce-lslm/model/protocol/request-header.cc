/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestHeader");

NS_OBJECT_ENSURE_REGISTERED(RequestHeader);

RequestHeader::RequestHeader()
    : m_promptTokens(0)
    , m_answerTokens(0)
    , m_contextId(NO_CONTEXT)
    , m_item(NO_ITEM)
{
}

RequestHeader::RequestHeader(uint32_t promptTokens,
                             uint32_t answerTokens,
                             uint32_t contextId,
                             uint32_t item)
    : m_promptTokens(promptTokens)
    , m_answerTokens(answerTokens)
    , m_contextId(contextId)
    , m_item(item)
{
}

TypeId
RequestHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RequestHeader")
                            .SetParent<Header>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<RequestHeader>();
    return tid;
}

TypeId
RequestHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
RequestHeader::GetSerializedSize() const
{
    return SERIALIZED_SIZE;
}

void
RequestHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU32(m_promptTokens);
    start.WriteHtonU32(m_answerTokens);
    start.WriteHtonU32(m_contextId);
    start.WriteHtonU32(m_item);
}

uint32_t
RequestHeader::Deserialize(Buffer::Iterator start)
{
    m_promptTokens = start.ReadNtohU32();
    m_answerTokens = start.ReadNtohU32();
    m_contextId = start.ReadNtohU32();
    m_item = start.ReadNtohU32();
    return SERIALIZED_SIZE;
}

void
RequestHeader::Print(std::ostream& os) const
{
    os << "prompt_tokens=" << m_promptTokens << " answer_tokens=" << m_answerTokens << " context=";
    if (HasContext())
    {
        os << m_contextId;
    }
    else
    {
        os << "none";
    }
    os << " item=";
    if (HasItem())
    {
        os << m_item;
    }
    else
    {
        os << "none";
    }
}

uint32_t
RequestHeader::GetPromptTokens() const
{
    return m_promptTokens;
}

uint32_t
RequestHeader::GetAnswerTokens() const
{
    return m_answerTokens;
}

uint32_t
RequestHeader::GetContextId() const
{
    return m_contextId;
}

uint32_t
RequestHeader::GetItem() const
{
    return m_item;
}

bool
RequestHeader::HasContext() const
{
    return m_contextId != NO_CONTEXT;
}

bool
RequestHeader::HasItem() const
{
    return m_item != NO_ITEM;
}

} // namespace ns3
