// Tests of FrameHeader and FrameDecoder: byte layout, and reassembly of a frame stream cut
// into arbitrary pieces, as TCP delivers it.

#include "framing-test-utils.h"

#include "ns3/frame-decoder.h"
#include "ns3/frame-header.h"
#include "ns3/packet.h"

#include <cstdint>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <vector>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// A frame stream: the frames of \p payloads, back to back.
Bytes
EncodeStream(const std::vector<Bytes>& payloads)
{
    Bytes stream;
    for (const Bytes& payload : payloads)
    {
        Bytes frame = EncodeFrame(payload);
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    return stream;
}

/// Pushes bytes [begin, end) of \p stream as one piece.
void
PushRange(FrameDecoder& decoder, const Bytes& stream, size_t begin, size_t end)
{
    decoder.Push(ToPacket(Bytes(stream.begin() + begin, stream.begin() + end)));
}

/// Pops every complete message, appending its bytes to \p messages.
void
PopAll(FrameDecoder& decoder, std::vector<Bytes>& messages)
{
    Ptr<Packet> message;
    while (decoder.Pop(message))
    {
        messages.push_back(ToBytes(message));
    }
}

/// Decodes \p stream pushed as one piece.
std::vector<Bytes>
DecodeWhole(FrameDecoder& decoder, const Bytes& stream)
{
    std::vector<Bytes> messages;
    PushRange(decoder, stream, 0, stream.size());
    PopAll(decoder, messages);
    return messages;
}

TEST(FrameHeaderTest, SerializesMagicAndLengthInNetworkByteOrder)
{
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(FrameHeader(0x01020304));

    EXPECT_EQ(FrameHeader::SERIALIZED_SIZE, 6u);
    EXPECT_EQ(FrameHeader().GetSerializedSize(), FrameHeader::SERIALIZED_SIZE);
    EXPECT_EQ(ToBytes(packet), (Bytes{0xCE, 0x15, 0x01, 0x02, 0x03, 0x04}));
}

TEST(FrameHeaderTest, RoundTripsThroughAPacket)
{
    Ptr<Packet> packet = Create<Packet>(100);
    packet->AddHeader(FrameHeader(4000000000u));

    FrameHeader header;
    EXPECT_EQ(packet->RemoveHeader(header), FrameHeader::SERIALIZED_SIZE);
    EXPECT_TRUE(header.HasValidMagic());
    EXPECT_EQ(header.GetMagic(), FrameHeader::MAGIC);
    EXPECT_EQ(header.GetPayloadSize(), 4000000000u);
    EXPECT_EQ(packet->GetSize(), 100u);

    std::ostringstream text;
    header.Print(text);
    EXPECT_EQ(text.str(), "magic=0xce15 payload=4000000000");
}

TEST(FrameDecoderTest, ReassemblesRandomlySplitStreamInOrder)
{
    std::mt19937 rng(20240601);
    std::vector<Bytes> payloads = RandomPayloads(rng, 2000, 3000);
    Bytes stream = EncodeStream(payloads);

    FrameDecoder decoder;
    std::vector<Bytes> messages;
    size_t position = 0;
    while (position < stream.size())
    {
        // A third of the pieces are single bytes, to cut through every header position.
        size_t piece = rng() % 3 == 0 ? 1 : 1 + rng() % 4000;
        size_t end = std::min(stream.size(), position + piece);
        PushRange(decoder, stream, position, end);
        position = end;
        PopAll(decoder, messages);
    }

    EXPECT_FALSE(decoder.HasError()) << decoder.GetError();
    EXPECT_EQ(decoder.GetBytesConsumed(), stream.size());
    EXPECT_EQ(decoder.GetBytesBuffered(), 0u);
    ASSERT_EQ(messages.size(), payloads.size());
    for (size_t i = 0; i < payloads.size(); ++i)
    {
        ASSERT_TRUE(messages[i] == payloads[i]) << "message " << i << " differs";
    }
}

TEST(FrameDecoderTest, BadMagicIsAStickyErrorNamingTheOffset)
{
    Bytes stream = EncodeStream({Bytes(10, 1), Bytes(), Bytes(37, 2)});
    ASSERT_EQ(stream.size(), 65u);
    Bytes garbage = {'A', 'B', 0, 0, 0, 1, 'x'};
    stream.insert(stream.end(), garbage.begin(), garbage.end());

    FrameDecoder decoder;
    EXPECT_EQ(DecodeWhole(decoder, stream).size(), 3u);
    EXPECT_TRUE(decoder.HasError());
    EXPECT_EQ(decoder.GetError(),
              "frame header at stream offset 65: bad magic 0x4142 (expected 0xce15)");
    EXPECT_EQ(decoder.GetBytesConsumed(), 65u);

    // Sticky: even a valid frame afterwards is not returned.
    EXPECT_TRUE(DecodeWhole(decoder, EncodeFrame(Bytes(5, 3))).empty());
    EXPECT_TRUE(decoder.HasError());
}

TEST(FrameDecoderTest, LengthAboveTheLimitIsAnError)
{
    Bytes stream = EncodeStream({Bytes(1000, 7), Bytes(1001, 8)});

    FrameDecoder decoder(1000);
    EXPECT_EQ(DecodeWhole(decoder, stream).size(), 1u);
    EXPECT_TRUE(decoder.HasError());
    EXPECT_EQ(decoder.GetError(),
              "frame header at stream offset 1006: payload length 1001 exceeds the limit of "
              "1000 bytes");
}

TEST(FrameDecoderTest, LengthAboveTheLimitIsDetectedBeforeThePayloadArrives)
{
    // Only the header: the decoder must not wait for (and buffer) a huge payload first.
    Bytes header = EncodeFrame(Bytes(4000, 0));
    header.resize(FrameHeader::SERIALIZED_SIZE);

    FrameDecoder decoder(1000);
    EXPECT_TRUE(DecodeWhole(decoder, header).empty());
    EXPECT_TRUE(decoder.HasError());
}

TEST(FrameDecoderTest, PartialHeaderIsNotAnError)
{
    Bytes frame = EncodeFrame(Bytes{9, 8, 7});
    FrameDecoder decoder;

    EXPECT_TRUE(DecodeWhole(decoder, Bytes(frame.begin(), frame.begin() + 5)).empty());
    EXPECT_FALSE(decoder.HasError());
    EXPECT_EQ(decoder.GetBytesBuffered(), 5u);

    EXPECT_TRUE(DecodeWhole(decoder, Bytes(frame.begin() + 5, frame.end() - 1)).empty());
    EXPECT_FALSE(decoder.HasError());

    std::vector<Bytes> messages = DecodeWhole(decoder, Bytes(frame.end() - 1, frame.end()));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0], (Bytes{9, 8, 7}));
    EXPECT_EQ(decoder.GetBytesConsumed(), frame.size());
}

} // namespace
