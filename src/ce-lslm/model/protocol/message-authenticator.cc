/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "message-authenticator.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <array>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MessageAuthenticator");

NS_OBJECT_ENSURE_REGISTERED(MessageAuthenticator);

namespace
{

/// Direction labels, both LABEL_BYTES long: a frame tagged for one direction never verifies in
/// the other, so an attacker cannot reflect a node's frame back to it.
constexpr std::array<const char*, 2> kLabels = {"ce-lslm hmac i>r", "ce-lslm hmac r>i"};

/// \return \p value as 8 bytes, most significant first
std::array<uint8_t, MessageAuthenticator::SEQUENCE_BYTES>
BigEndian(uint64_t value)
{
    std::array<uint8_t, MessageAuthenticator::SEQUENCE_BYTES> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
    {
        bytes[bytes.size() - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
    }
    return bytes;
}

/// \return a packet's bytes
std::vector<uint8_t>
Bytes(Ptr<const Packet> packet)
{
    std::vector<uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

} // namespace

TypeId
MessageAuthenticator::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MessageAuthenticator")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<MessageAuthenticator>()
            .AddAttribute("BytesPerSecond",
                          "HMAC-SHA256 throughput of the node's CPU core, in bytes per second "
                          "of hashed data. The default, 400e6 B/s, is what one x86 server "
                          "core without the SHA instruction extensions reaches with an "
                          "optimized software SHA-256 (about 10 cycles per byte at 4 GHz); "
                          "cores with SHA-NI or ARMv8 SHA2 instructions reach 1.5-2e9 B/s.",
                          DoubleValue(400e6),
                          MakeDoubleAccessor(&MessageAuthenticator::m_bytesPerSecond),
                          MakeDoubleChecker<double>(1))
            .AddAttribute("PerMessageTime",
                          "Fixed CPU time of one tag or check, on top of the per-byte time: "
                          "the inner and outer hashes' extra blocks (3 blocks of 64 bytes, "
                          "about 0.5 us at 400e6 B/s) plus the bookkeeping of a frame. "
                          "Default 1 us.",
                          TimeValue(MicroSeconds(1)),
                          MakeTimeAccessor(&MessageAuthenticator::m_perMessageTime),
                          MakeTimeChecker(Time(0)));
    return tid;
}

MessageAuthenticator::MessageAuthenticator()
    : m_bytesPerSecond(400e6)
    , m_perMessageTime(MicroSeconds(1))
{
    NS_LOG_FUNCTION(this);
}

std::string
MessageAuthenticator::VerdictName(Verdict verdict)
{
    switch (verdict)
    {
        case AUTHENTIC:
            return "authentic";
        case FORGED:
            return "forged";
        case REPLAYED:
            return "replayed";
    }
    return "unknown";
}

void
MessageAuthenticator::SetKey(const std::string& key)
{
    NS_ABORT_MSG_IF(key.empty(), "MessageAuthenticator: the key is empty");
    m_hmac.emplace(key);
}

bool
MessageAuthenticator::HasKey() const
{
    return m_hmac.has_value();
}

HmacSha256::Tag
MessageAuthenticator::ComputeTag(Direction direction,
                                 uint64_t sequence,
                                 const uint8_t* message,
                                 std::size_t size)
{
    NS_ABORT_MSG_UNLESS(m_hmac, "MessageAuthenticator: no key set");
    const auto sequenceBytes = BigEndian(sequence);
    m_hmac->Update(kLabels[direction], LABEL_BYTES);
    m_hmac->Update(sequenceBytes.data(), sequenceBytes.size());
    m_hmac->Update(message, size);
    return m_hmac->Finish();
}

Ptr<Packet>
MessageAuthenticator::MakeTrailer(Direction direction, uint64_t sequence, Ptr<const Packet> message)
{
    const std::vector<uint8_t> bytes = Bytes(message);
    const HmacSha256::Tag tag = ComputeTag(direction, sequence, bytes.data(), bytes.size());
    std::array<uint8_t, TRAILER_BYTES> trailer{};
    const auto sequenceBytes = BigEndian(sequence);
    std::copy(sequenceBytes.begin(), sequenceBytes.end(), trailer.begin());
    std::copy(tag.begin(), tag.end(), trailer.begin() + SEQUENCE_BYTES);
    return Create<Packet>(trailer.data(), trailer.size());
}

Ptr<Packet>
MessageAuthenticator::Seal(Direction direction,
                           uint64_t sequence,
                           Ptr<const Packet> message,
                           Time& delay)
{
    Ptr<Packet> trailer = MakeTrailer(direction, sequence, message);
    ++m_tagged;
    delay = Charge(GetCost(message->GetSize()));
    return trailer;
}

MessageAuthenticator::Opened
MessageAuthenticator::Open(Direction direction, uint64_t expected, Ptr<Packet> payload)
{
    Opened opened{FORGED, 0, Time(0)};
    if (payload->GetSize() < TRAILER_BYTES)
    {
        // Too short to carry a trailer: the sender did not authenticate it.
        ++m_forged;
        opened.delay = Charge(GetCost(payload->GetSize()));
        return opened;
    }
    const uint32_t messageBytes = payload->GetSize() - TRAILER_BYTES;
    const std::vector<uint8_t> bytes = Bytes(payload);
    for (uint32_t i = 0; i < SEQUENCE_BYTES; ++i)
    {
        opened.sequence = (opened.sequence << 8) | bytes[messageBytes + i];
    }
    HmacSha256::Tag received{};
    std::copy_n(bytes.begin() + messageBytes + SEQUENCE_BYTES, TAG_BYTES, received.begin());
    payload->RemoveAtEnd(TRAILER_BYTES);
    opened.delay = Charge(GetCost(messageBytes));
    // The tag first: a frame with a wrong tag says nothing trustworthy about its sequence.
    if (!HmacSha256::Equal(ComputeTag(direction, opened.sequence, bytes.data(), messageBytes),
                           received))
    {
        ++m_forged;
        return opened;
    }
    if (opened.sequence != expected)
    {
        ++m_replayed;
        opened.verdict = REPLAYED;
        return opened;
    }
    ++m_verified;
    opened.verdict = AUTHENTIC;
    return opened;
}

Time
MessageAuthenticator::GetCost(uint32_t messageBytes) const
{
    const double hashed = LABEL_BYTES + SEQUENCE_BYTES + static_cast<double>(messageBytes);
    return m_perMessageTime + Seconds(hashed / m_bytesPerSecond);
}

Time
MessageAuthenticator::Charge(Time cost)
{
    const Time now = Simulator::Now();
    m_busyUntil = std::max(m_busyUntil, now) + cost;
    m_charged += cost;
    return m_busyUntil - now;
}

uint64_t
MessageAuthenticator::GetTagged() const
{
    return m_tagged;
}

uint64_t
MessageAuthenticator::GetVerified() const
{
    return m_verified;
}

uint64_t
MessageAuthenticator::GetForged() const
{
    return m_forged;
}

uint64_t
MessageAuthenticator::GetReplayed() const
{
    return m_replayed;
}

Time
MessageAuthenticator::GetChargedTime() const
{
    return m_charged;
}

} // namespace ns3
