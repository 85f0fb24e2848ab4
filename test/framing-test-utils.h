/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FRAMING_TEST_UTILS_H
#define CE_LSLM_FRAMING_TEST_UTILS_H

// Byte-level helpers shared by the framing and protocol test suites.

#include "ns3/frame-header.h"
#include "ns3/packet.h"

#include <cstdint>
#include <random>
#include <vector>

namespace ce_lslm_test
{

/// Raw bytes.
using Bytes = std::vector<uint8_t>;

/// The bytes of \p packet.
inline Bytes
ToBytes(ns3::Ptr<const ns3::Packet> packet)
{
    Bytes bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

/// A packet carrying \p bytes.
inline ns3::Ptr<ns3::Packet>
ToPacket(const Bytes& bytes)
{
    return ns3::Create<ns3::Packet>(bytes.data(), bytes.size());
}

/// The wire bytes of one frame carrying \p payload.
inline Bytes
EncodeFrame(const Bytes& payload)
{
    ns3::Ptr<ns3::Packet> frame = ToPacket(payload);
    frame->AddHeader(ns3::FrameHeader(payload.size()));
    return ToBytes(frame);
}

/// \p count payloads of random sizes in [0, maxSize] (a tenth of them empty), random content.
inline std::vector<Bytes>
RandomPayloads(std::mt19937& rng, size_t count, uint32_t maxSize)
{
    std::uniform_int_distribution<uint32_t> sizes(0, maxSize);
    std::vector<Bytes> payloads(count);
    for (Bytes& payload : payloads)
    {
        payload.resize(rng() % 10 == 0 ? 0 : sizes(rng));
        for (uint8_t& byte : payload)
        {
            byte = static_cast<uint8_t>(rng());
        }
    }
    return payloads;
}

} // namespace ce_lslm_test

#endif // CE_LSLM_FRAMING_TEST_UTILS_H
