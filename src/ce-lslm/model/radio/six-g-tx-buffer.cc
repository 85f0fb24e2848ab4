/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-tx-buffer.h"

#include "ns3/log.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGTxBuffer");

SixGTxBuffer::SixGTxBuffer(QueueSize limit, uint8_t maxRetransmissions)
    : m_limit(limit)
    , m_maxRetransmissions(maxRetransmissions)
{
}

void
SixGTxBuffer::SetLimit(QueueSize limit)
{
    m_limit = limit;
}

void
SixGTxBuffer::SetCallbacks(DeliverCallback deliver, LossCallback lost, SentCallback sent)
{
    m_deliver = deliver;
    m_lost = lost;
    m_sent = sent;
}

bool
SixGTxBuffer::Enqueue(Ptr<Packet> packet, uint16_t protocol)
{
    bool full = m_limit.GetUnit() == QueueSizeUnit::PACKETS
                    ? m_waiting.size() + 1 > m_limit.GetValue()
                    : m_backlogBytes + packet->GetSize() > m_limit.GetValue();
    if (full || packet->GetSize() == 0)
    {
        NS_LOG_LOGIC("refused a packet of " << packet->GetSize() << " bytes");
        return false;
    }
    m_waiting.push_back(Waiting{packet, protocol, m_nextSequence++, 0});
    m_backlogBytes += packet->GetSize();
    return true;
}

uint64_t
SixGTxBuffer::GetBacklogBytes() const
{
    return m_backlogBytes + m_retransmissionBytes;
}

uint32_t
SixGTxBuffer::GetBacklogPackets() const
{
    return static_cast<uint32_t>(m_waiting.size());
}

std::size_t
SixGTxBuffer::GetInFlightPackets() const
{
    return m_inFlight.size();
}

std::vector<SixGTxBuffer::Segment>
SixGTxBuffer::Dequeue(uint64_t bytes)
{
    std::vector<Segment> segments;
    DequeueRetransmissions(bytes, segments);
    while (bytes > 0 && !m_waiting.empty())
    {
        Waiting& head = m_waiting.front();
        uint32_t remaining = head.packet->GetSize() - head.sentBytes;
        auto take = static_cast<uint32_t>(std::min<uint64_t>(remaining, bytes));
        if (head.sentBytes == 0)
        {
            m_inFlight.emplace(head.sequence, InFlight{head.packet, head.protocol, 0});
        }
        InFlight& flight = m_inFlight.at(head.sequence);
        ++flight.pending;
        segments.push_back(Segment{head.sequence, take, 0});
        head.sentBytes += take;
        m_backlogBytes -= take;
        bytes -= take;
        if (head.sentBytes == head.packet->GetSize())
        {
            flight.allSent = true;
            Ptr<const Packet> packet = head.packet;
            m_waiting.pop_front();
            if (!m_sent.IsNull())
            {
                m_sent(packet);
            }
        }
    }
    return segments;
}

void
SixGTxBuffer::DequeueRetransmissions(uint64_t& bytes, std::vector<Segment>& segments)
{
    while (bytes > 0 && !m_retransmissions.empty())
    {
        Segment& head = m_retransmissions.front();
        if (head.bytes <= bytes)
        {
            segments.push_back(head); // the piece moves into the block: pending unchanged
            bytes -= head.bytes;
            m_retransmissionBytes -= head.bytes;
            m_retransmissions.pop_front();
            continue;
        }
        // Split: one more piece of that packet is outstanding.
        segments.push_back(Segment{head.sequence, static_cast<uint32_t>(bytes), head.attempt});
        ++m_inFlight.at(head.sequence).pending;
        head.bytes -= static_cast<uint32_t>(bytes);
        m_retransmissionBytes -= bytes;
        bytes = 0;
    }
}

void
SixGTxBuffer::Resolve(const std::vector<Segment>& segments, bool decoded)
{
    for (const Segment& segment : segments)
    {
        auto it = m_inFlight.find(segment.sequence);
        if (it == m_inFlight.end())
        {
            continue; // cleared meanwhile
        }
        if (!decoded && segment.attempt < m_maxRetransmissions && !it->second.lost)
        {
            Segment again = segment;
            ++again.attempt;
            m_retransmissions.push_back(again);
            m_retransmissionBytes += again.bytes;
            continue;
        }
        --it->second.pending;
        it->second.lost = it->second.lost || !decoded;
    }
    DeliverInOrder();
}

void
SixGTxBuffer::DeliverInOrder()
{
    while (!m_inFlight.empty())
    {
        auto head = m_inFlight.begin();
        if (!head->second.allSent || head->second.pending > 0)
        {
            return; // the oldest packet's fate is not known yet: everything behind it waits
        }
        InFlight done = head->second;
        m_inFlight.erase(head);
        if (done.lost)
        {
            if (!m_lost.IsNull())
            {
                m_lost(done.packet);
            }
        }
        else if (!m_deliver.IsNull())
        {
            m_deliver(done.packet, done.protocol);
        }
    }
}

void
SixGTxBuffer::Clear()
{
    m_waiting.clear();
    m_inFlight.clear();
    m_retransmissions.clear();
    m_backlogBytes = 0;
    m_retransmissionBytes = 0;
    m_deliver = DeliverCallback();
    m_lost = LossCallback();
    m_sent = SentCallback();
}

} // namespace ns3
