/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "frame-decoder.h"

#include "ns3/log.h"

#include <algorithm>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FrameDecoder");

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
        // Shares the piece's buffer: no byte is copied.
        taken = m_pieces.empty() ? Create<Packet>() : m_pieces.front()->CreateFragment(0, size);
    }
    else
    {
        std::vector<uint8_t> bytes(size);
        PeekFront(bytes.data(), size);
        taken = Create<Packet>(bytes.data(), size);
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
