/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ContentClassTag: the class each Make*Message function tags its message with, and Count over
// packets carrying several messages, fragments and headers. (That the tags survive framing and
// TCP is tested in frame-decoder-test.cc and framed-connection-test.cc.)

#include "framing-test-utils.h"

#include "ns3/content-class-tag.h"
#include "ns3/frame-header.h"
#include "ns3/protocol-message.h"

#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// Content class counts, for readable comparisons.
using ClassBytes = std::map<ContentClassTag::ContentClass, uint32_t>;

TEST(ContentClassTagTest, NamesPrintAndSerialization)
{
    EXPECT_EQ(ContentClassTag::ClassName(ContentClassTag::CONTROL), "control");
    EXPECT_EQ(ContentClassTag::ClassName(ContentClassTag::QUERY), "query");
    EXPECT_EQ(ContentClassTag::ClassName(ContentClassTag::OUTPUT), "output");
    EXPECT_EQ(ContentClassTag::ClassName(ContentClassTag::KV), "kv");
    std::ostringstream text;
    ContentClassTag(ContentClassTag::KV).Print(text);
    EXPECT_EQ(text.str(), "class=kv");

    // The tag travels as one byte of tag data; it adds no byte to the packet.
    Ptr<Packet> packet = Create<Packet>(10);
    ContentClassTag::Mark(packet, ContentClassTag::OUTPUT);
    EXPECT_EQ(packet->GetSize(), 10u);
    EXPECT_EQ(ContentClassTag().GetSerializedSize(), 1u);
    ByteTagIterator tags = packet->GetByteTagIterator();
    ASSERT_TRUE(tags.HasNext());
    ContentClassTag read;
    tags.Next().GetTag(read);
    EXPECT_EQ(read.GetContentClass(), ContentClassTag::OUTPUT);
    EXPECT_EQ(ContentClassTag().GetContentClass(), ContentClassTag::CONTROL);
}

TEST(ContentClassTagTest, EveryMakeFunctionTagsItsWholeMessage)
{
    KvDataHeader kv(1, 0, KvDataHeader::ALIGNED, true, 2);
    std::vector<std::pair<Ptr<Packet>, ContentClassTag::ContentClass>> cases = {
        {MakeRequestMessage(1, RequestHeader(4, 2, 1), "query"), ContentClassTag::QUERY},
        {MakeRequestMessage(1, 4, 2, 100), ContentClassTag::QUERY},
        {MakeTokenMessage(1, 0, false, " Paris"), ContentClassTag::OUTPUT},
        {MakeTokenMessage(1, 0, true, 3), ContentClassTag::OUTPUT},
        {MakeKvDataMessage(1, kv, {1, 2}, 5000), ContentClassTag::KV},
        {MakeErrorMessage(1, ErrorHeader::REJECTED), ContentClassTag::CONTROL},
        {MakeCancelMessage(1), ContentClassTag::CONTROL},
        {MakeContextFetchMessage(1, ContextHeader(1, 0, 2), "fp16"), ContentClassTag::CONTROL},
        {MakeContextHeldMessage(1, ContextHeader(1, 0, 2)), ContentClassTag::CONTROL},
    };
    for (const auto& [message, contentClass] : cases)
    {
        SCOPED_TRACE(MessageHeader::TypeName(ToBytes(message)[1]));
        EXPECT_EQ(ContentClassTag::Count(message),
                  (ClassBytes{{contentClass, message->GetSize()}}));
        // A frame header added in front stays outside the tag; a fragment keeps its part.
        Ptr<Packet> frame = message->Copy();
        frame->AddHeader(FrameHeader(message->GetSize()));
        EXPECT_EQ(ContentClassTag::Count(frame), (ClassBytes{{contentClass, message->GetSize()}}));
        EXPECT_EQ(ContentClassTag::Count(frame->CreateFragment(0, 10)),
                  (ClassBytes{{contentClass, 10 - FrameHeader::SERIALIZED_SIZE}}));
    }
}

TEST(ContentClassTagTest, CountSumsTheBytesOfEachClass)
{
    EXPECT_TRUE(ContentClassTag::Count(Create<Packet>(100)).empty());

    Ptr<Packet> request = MakeRequestMessage(1, RequestHeader(4, 2), "query");
    Ptr<Packet> kv =
        MakeKvDataMessage(1, KvDataHeader(1, 0, KvDataHeader::ALIGNED, true, 0), {}, 300);
    Ptr<Packet> both = request->Copy();
    both->AddAtEnd(kv);
    EXPECT_EQ(ContentClassTag::Count(both),
              (ClassBytes{{ContentClassTag::QUERY, request->GetSize()},
                          {ContentClassTag::KV, kv->GetSize()}}));

    // Two messages of one class add up; untagged bytes (e.g. TCP/IP headers) are not counted.
    Ptr<Packet> tokens = MakeTokenMessage(1, 0, false, "a");
    tokens->AddAtEnd(MakeTokenMessage(1, 1, true, "bc"));
    tokens->AddAtEnd(Create<Packet>(40));
    EXPECT_EQ(ContentClassTag::Count(tokens),
              (ClassBytes{{ContentClassTag::OUTPUT, 12 + 5 + 1 + 12 + 5 + 2}}));
}

} // namespace
