/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "content-class-tag.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ContentClassTag");

NS_OBJECT_ENSURE_REGISTERED(ContentClassTag);

ContentClassTag::ContentClassTag()
    : m_class(CONTROL)
{
}

ContentClassTag::ContentClassTag(ContentClass contentClass)
    : m_class(contentClass)
{
}

TypeId
ContentClassTag::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ContentClassTag")
                            .SetParent<Tag>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<ContentClassTag>();
    return tid;
}

TypeId
ContentClassTag::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
ContentClassTag::GetSerializedSize() const
{
    return 1;
}

void
ContentClassTag::Serialize(TagBuffer buffer) const
{
    buffer.WriteU8(m_class);
}

void
ContentClassTag::Deserialize(TagBuffer buffer)
{
    m_class = buffer.ReadU8();
}

void
ContentClassTag::Print(std::ostream& os) const
{
    os << "class=" << ClassName(GetContentClass());
}

ContentClassTag::ContentClass
ContentClassTag::GetContentClass() const
{
    return static_cast<ContentClass>(m_class);
}

std::string
ContentClassTag::ClassName(ContentClass contentClass)
{
    switch (contentClass)
    {
        case CONTROL:
            return "control";
        case QUERY:
            return "query";
        case OUTPUT:
            return "output";
        case KV:
            return "kv";
        case HIDDEN:
            return "hidden";
        default:
            return "class-" + std::to_string(contentClass);
    }
}

void
ContentClassTag::Mark(Ptr<Packet> packet, ContentClass contentClass)
{
    // A byte tag covers the bytes the packet has now; headers added later stay outside it,
    // while fragments, reassemblies and TCP segments keep it on exactly these bytes.
    if (IsEnabled())
    {
        packet->AddByteTag(ContentClassTag(contentClass));
    }
}

namespace
{
/// Whether Mark tags (see SetEnabled).
bool g_contentTagsEnabled = true;
} // namespace

void
ContentClassTag::SetEnabled(bool enabled)
{
    g_contentTagsEnabled = enabled;
}

bool
ContentClassTag::IsEnabled()
{
    return g_contentTagsEnabled;
}

std::map<ContentClassTag::ContentClass, uint32_t>
ContentClassTag::Count(Ptr<const Packet> packet)
{
    std::map<ContentClass, uint32_t> bytes;
    ByteTagIterator tags = packet->GetByteTagIterator();
    while (tags.HasNext())
    {
        ByteTagIterator::Item item = tags.Next();
        if (item.GetTypeId() != GetTypeId())
        {
            continue;
        }
        ContentClassTag tag;
        item.GetTag(tag);
        bytes[tag.GetContentClass()] += item.GetEnd() - item.GetStart();
    }
    return bytes;
}

} // namespace ns3
