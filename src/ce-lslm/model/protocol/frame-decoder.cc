/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "frame-decoder.h"

#include "ns3/log.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FrameDecoder");

namespace
{

/// A byte tag of a message being reassembled, and the bytes of the message it covers.
struct TagRun
{
    std::unique_ptr<Tag> tag; //!< an instance of the tag's own type, holding its data
    uint32_t start;           //!< first byte covered
    uint32_t end;             //!< one past the last byte covered
};

/// The latest run of each distinct tag, by tag type uid and serialized data.
using TagIndex = std::map<std::pair<uint16_t, std::vector<uint8_t>>, size_t>;

/**
 * \param tid a tag type
 * \return a default-constructed tag of that type, or null if the type cannot make one
 */
std::unique_ptr<Tag>
NewTag(TypeId tid)
{
    // A byte tag is stored serialized: only an instance of its own type can read it back (as
    // Packet::Print does).
    if (!tid.HasConstructor())
    {
        return nullptr;
    }
    ObjectBase* instance = tid.GetConstructor()();
    auto tag = dynamic_cast<Tag*>(instance);
    if (!tag)
    {
        delete instance;
    }
    return std::unique_ptr<Tag>(tag);
}

/**
 * \brief Adds a byte tag of a piece of a message to \p runs.
 *
 * A tag that continues the latest run of an equal tag (same type and data, ending where the
 * tag starts) extends that run: TCP leaves one tag per segment, and ns-3 copies a packet's
 * whole byte-tag list whenever it appends to, fragments or tags the packet, so a large message
 * must not keep them all.
 *
 * \param item the tag, on a piece whose first \p size bytes are bytes [base, base + size) of
 *        the message
 * \param base offset of the piece in the message
 * \param size bytes of the piece that belong to the message
 * \param runs the message's tags so far
 * \param latest index in \p runs of the latest run of each tag (by type uid and data)
 */
void
AddTagRun(const ByteTagIterator::Item& item,
          uint32_t base,
          uint32_t size,
          std::vector<TagRun>& runs,
          TagIndex& latest)
{
    if (item.GetStart() >= size)
    {
        return;
    }
    std::unique_ptr<Tag> tag = NewTag(item.GetTypeId());
    if (!tag)
    {
        NS_LOG_WARN("byte tag " << item.GetTypeId().GetName() << " cannot be copied: "
                                << "dropped from a reassembled message");
        return;
    }
    item.GetTag(*tag);
    std::vector<uint8_t> data(tag->GetSerializedSize());
    TagBuffer buffer(data.data(), data.data() + data.size());
    tag->Serialize(buffer);
    uint32_t start = base + item.GetStart();
    uint32_t end = base + std::min(item.GetEnd(), size);
    size_t& last =
        latest.try_emplace({item.GetTypeId().GetUid(), std::move(data)}, runs.size()).first->second;
    if (last < runs.size() && runs[last].end == start)
    {
        runs[last].end = end;
        return;
    }
    last = runs.size();
    runs.push_back({std::move(tag), start, end});
}

/**
 * \brief Puts on \p message, a copy of the first bytes of \p pieces, the byte tags those
 * bytes carry in \p pieces.
 * \param pieces the stream's pieces
 * \param message the copied bytes
 */
void
CopyByteTags(const std::deque<Ptr<Packet>>& pieces, Ptr<Packet> message)
{
    std::vector<TagRun> runs;
    TagIndex latest;
    uint32_t base = 0;
    for (auto piece = pieces.begin(); base < message->GetSize(); ++piece)
    {
        uint32_t size = std::min(message->GetSize() - base, (*piece)->GetSize());
        ByteTagIterator tags = (*piece)->GetByteTagIterator();
        while (tags.HasNext())
        {
            AddTagRun(tags.Next(), base, size, runs, latest);
        }
        base += size;
    }
    for (const TagRun& run : runs)
    {
        message->AddByteTag(*run.tag, run.start, run.end);
    }
}

} // namespace

FrameDecoder::FrameDecoder(uint32_t maxFrameSize)
    : m_bytesBuffered(0)
    , m_bytesConsumed(0)
    , m_maxFrameSize(maxFrameSize)
{
    NS_LOG_FUNCTION(this << maxFrameSize);
}

void
FrameDecoder::SetMaxFrameSize(uint32_t maxFrameSize)
{
    NS_LOG_FUNCTION(this << maxFrameSize);
    m_maxFrameSize = maxFrameSize;
}

uint32_t
FrameDecoder::GetMaxFrameSize() const
{
    return m_maxFrameSize;
}

void
FrameDecoder::Push(Ptr<const Packet> bytes)
{
    NS_LOG_FUNCTION(this << bytes->GetSize());
    if (HasError() || bytes->GetSize() == 0)
    {
        return;
    }
    m_pieces.push_back(bytes->Copy());
    m_bytesBuffered += bytes->GetSize();
}

bool
FrameDecoder::Pop(Ptr<Packet>& message)
{
    if (HasError() || m_bytesBuffered < FrameHeader::SERIALIZED_SIZE)
    {
        return false;
    }
    uint8_t headerBytes[FrameHeader::SERIALIZED_SIZE];
    PeekFront(headerBytes, FrameHeader::SERIALIZED_SIZE);
    FrameHeader header;
    Create<Packet>(headerBytes, FrameHeader::SERIALIZED_SIZE)->PeekHeader(header);
    if (!Validate(header)
        || m_bytesBuffered < uint64_t{FrameHeader::SERIALIZED_SIZE} + header.GetPayloadSize())
    {
        return false;
    }
    DiscardFront(FrameHeader::SERIALIZED_SIZE);
    message = TakeFront(header.GetPayloadSize());
    m_bytesConsumed += uint64_t{FrameHeader::SERIALIZED_SIZE} + header.GetPayloadSize();
    NS_LOG_LOGIC("message of " << message->GetSize() << " bytes complete, stream offset now "
                               << m_bytesConsumed);
    return true;
}

void
FrameDecoder::PeekFront(uint8_t* destination, uint32_t size) const
{
    for (auto piece = m_pieces.begin(); size > 0; ++piece)
    {
        uint32_t count = std::min(size, (*piece)->GetSize());
        (*piece)->CopyData(destination, count);
        destination += count;
        size -= count;
    }
}

void
FrameDecoder::DiscardFront(uint32_t size)
{
    m_bytesBuffered -= size;
    while (size > 0)
    {
        Ptr<Packet> piece = m_pieces.front();
        if (piece->GetSize() > size)
        {
            piece->RemoveAtStart(size);
            return;
        }
        size -= piece->GetSize();
        m_pieces.pop_front();
    }
}

Ptr<Packet>
FrameDecoder::TakeFront(uint32_t size)
{
    Ptr<Packet> taken;
    if (m_pieces.empty() || m_pieces.front()->GetSize() >= size)
    {
        // Shares the piece's buffer and keeps its byte tags: no byte is copied.
        taken = m_pieces.empty() ? Create<Packet>() : m_pieces.front()->CreateFragment(0, size);
    }
    else
    {
        // One copy of the bytes, then the pieces' byte tags (e.g. the sender's
        // ContentClassTag). Appending the pieces to each other (Packet::AddAtEnd) would keep
        // the tags too, but reallocates the buffer and the tag list at each append: a
        // 30 MB message in TCP segments took seconds.
        std::vector<uint8_t> bytes(size);
        PeekFront(bytes.data(), size);
        taken = Create<Packet>(bytes.data(), size);
        CopyByteTags(m_pieces, taken);
    }
    DiscardFront(size);
    return taken;
}

bool
FrameDecoder::Validate(const FrameHeader& header)
{
    std::string problem;
    if (!header.HasValidMagic())
    {
        problem = "bad magic " + FrameHeader::FormatMagic(header.GetMagic()) + " (expected "
                  + FrameHeader::FormatMagic(FrameHeader::MAGIC) + ")";
    }
    else if (header.GetPayloadSize() > m_maxFrameSize)
    {
        problem = "payload length " + std::to_string(header.GetPayloadSize())
                  + " exceeds the limit of " + std::to_string(m_maxFrameSize) + " bytes";
    }
    else
    {
        return true;
    }
    m_error = "frame header at stream offset " + std::to_string(m_bytesConsumed) + ": " + problem;
    NS_LOG_WARN(m_error);
    return false;
}

bool
FrameDecoder::HasError() const
{
    return !m_error.empty();
}

const std::string&
FrameDecoder::GetError() const
{
    return m_error;
}

uint64_t
FrameDecoder::GetBytesConsumed() const
{
    return m_bytesConsumed;
}

uint64_t
FrameDecoder::GetBytesBuffered() const
{
    return m_bytesBuffered;
}

} // namespace ns3
