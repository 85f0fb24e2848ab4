// Tests of FrameHeader and FrameDecoder: byte layout, and reassembly of a frame stream cut
// into arbitrary pieces, as TCP delivers it.

#include "framing-test-utils.h"

#include "ns3/content-class-tag.h"
#include "ns3/frame-decoder.h"
#include "ns3/frame-header.h"
#include "ns3/packet.h"
#include "ns3/protocol-message.h"

#include <algorithm>
#include <cstdint>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <sstream>
#include <utility>
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

/// A stream packet: the frames of \p messages, back to back, with the messages' byte tags.
Ptr<Packet>
EncodeTaggedStream(const std::vector<Ptr<Packet>>& messages)
{
    Ptr<Packet> stream = Create<Packet>();
    for (const Ptr<Packet>& message : messages)
    {
        Ptr<Packet> frame = message->Copy();
        frame->AddHeader(FrameHeader(message->GetSize()));
        stream->AddAtEnd(frame);
    }
    return stream;
}

/// The bytes of \p packet tagged with each content class, as sorted, disjoint ranges.
std::map<int, std::vector<std::pair<uint32_t, uint32_t>>>
ClassRanges(Ptr<const Packet> packet)
{
    std::map<int, std::vector<std::pair<uint32_t, uint32_t>>> tagged;
    ByteTagIterator items = packet->GetByteTagIterator();
    while (items.HasNext())
    {
        ByteTagIterator::Item item = items.Next();
        ContentClassTag tag;
        EXPECT_EQ(item.GetTypeId(), ContentClassTag::GetTypeId());
        item.GetTag(tag);
        tagged[tag.GetContentClass()].emplace_back(item.GetStart(), item.GetEnd());
    }
    for (auto& [contentClass, ranges] : tagged)
    {
        std::sort(ranges.begin(), ranges.end());
        std::vector<std::pair<uint32_t, uint32_t>> joined;
        for (const auto& range : ranges)
        {
            if (!joined.empty() && range.first <= joined.back().second)
            {
                joined.back().second = std::max(joined.back().second, range.second);
            }
            else
            {
                joined.push_back(range);
            }
        }
        ranges = joined;
    }
    return tagged;
}

/// How many byte tags \p packet carries.
size_t
TagCount(Ptr<const Packet> packet)
{
    size_t count = 0;
    for (ByteTagIterator items = packet->GetByteTagIterator(); items.HasNext(); items.Next())
    {
        ++count;
    }
    return count;
}

/**
 * Pushes \p stream cut at \p cuts (increasing offsets) and checks that every popped message
 * has the bytes, the bytes tagged with each class and the number of byte tags of the
 * corresponding one of \p messages: TCP or a cut leaves one tag per piece, and the decoder
 * joins those that continue each other.
 */
void
ExpectTaggedMessages(const std::vector<Ptr<Packet>>& messages,
                     Ptr<const Packet> stream,
                     const std::vector<uint32_t>& cuts)
{
    FrameDecoder decoder;
    std::vector<Ptr<Packet>> popped;
    uint32_t position = 0;
    for (size_t i = 0; i <= cuts.size(); ++i)
    {
        uint32_t end = i < cuts.size() ? cuts[i] : stream->GetSize();
        decoder.Push(stream->CreateFragment(position, end - position));
        position = end;
        for (Ptr<Packet> message; decoder.Pop(message);)
        {
            popped.push_back(message);
        }
    }
    ASSERT_FALSE(decoder.HasError()) << decoder.GetError();
    ASSERT_EQ(popped.size(), messages.size());
    for (size_t i = 0; i < messages.size(); ++i)
    {
        ASSERT_EQ(ToBytes(popped[i]), ToBytes(messages[i])) << "message " << i;
        ASSERT_EQ(ClassRanges(popped[i]), ClassRanges(messages[i])) << "message " << i;
        ASSERT_EQ(TagCount(popped[i]), TagCount(messages[i])) << "message " << i;
    }
}

/// ExpectTaggedMessages with \p stream cut in two at every offset, then at random offsets
/// into many pieces, a third of them single bytes.
void
ExpectTaggedMessagesHoweverCut(const std::vector<Ptr<Packet>>& messages, Ptr<const Packet> stream)
{
    for (uint32_t cut = 0; cut <= stream->GetSize(); ++cut)
    {
        SCOPED_TRACE("cut at " + std::to_string(cut));
        ExpectTaggedMessages(messages, stream, {cut});
    }
    std::mt19937 rng(17);
    for (int round = 0; round < 50; ++round)
    {
        std::vector<uint32_t> cuts;
        for (uint32_t at = 0; at < stream->GetSize();)
        {
            at += rng() % 3 == 0 ? 1 : 1 + rng() % 700;
            cuts.push_back(std::min(at, stream->GetSize()));
        }
        SCOPED_TRACE("round " + std::to_string(round));
        ExpectTaggedMessages(messages, stream, cuts);
    }
}

TEST(FrameDecoderTest, MessagesKeepTheirByteTagsHoweverTheStreamIsCut)
{
    std::vector<Ptr<Packet>> messages = {
        MakeRequestMessage(1, RequestHeader(5, 2), "query"),
        MakeKvDataMessage(2, KvDataHeader(1, 0, KvDataHeader::ALIGNED, true, 3), {1, 2, 3}, 3000),
        MakeCancelMessage(3),
        MakeTokenMessage(4, 0, true, " Paris"),
    };
    ASSERT_EQ(TagCount(messages[1]), 1u);
    ExpectTaggedMessagesHoweverCut(messages, EncodeTaggedStream(messages));
}

TEST(FrameDecoderTest, ByteTagsStayOnTheirOwnBytes)
{
    // Adjacent tags of different classes, two tags of one class with untagged bytes between
    // them, and a tag over the whole stream, frame headers included.
    Ptr<Packet> first = Create<Packet>(100);
    first->AddByteTag(ContentClassTag(ContentClassTag::QUERY), 0, 40);
    first->AddByteTag(ContentClassTag(ContentClassTag::KV), 40, 100);
    Ptr<Packet> second = Create<Packet>(100);
    second->AddByteTag(ContentClassTag(ContentClassTag::OUTPUT), 0, 30);
    second->AddByteTag(ContentClassTag(ContentClassTag::OUTPUT), 50, 100);
    Ptr<Packet> stream = EncodeTaggedStream({first, second});
    ContentClassTag::Mark(stream, ContentClassTag::CONTROL);

    for (Ptr<Packet> message : {first, second})
    {
        ContentClassTag::Mark(message, ContentClassTag::CONTROL);
        ASSERT_EQ(TagCount(message), 3u);
    }
    ExpectTaggedMessagesHoweverCut({first, second}, stream);
}

} // namespace
