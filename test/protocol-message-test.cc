/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Protocol messages: exact wire layout and sizes, round trips, and rejection of malformed bytes.

#include "framing-test-utils.h"

#include "ns3/content-class-tag.h"
#include "ns3/frame-header.h"
#include "ns3/message-tracing.h"
#include "ns3/protocol-message.h"

#include <gtest/gtest.h>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

/// Decode and expect failure; return the error text.
std::string
DecodeError(Ptr<const Packet> message)
{
    ProtocolMessage decoded;
    std::string error;
    EXPECT_FALSE(DecodeMessage(message, decoded, error));
    return error;
}

/// The concatenation of \p parts.
Bytes
Concat(std::initializer_list<Bytes> parts)
{
    Bytes all;
    for (const Bytes& part : parts)
    {
        all.insert(all.end(), part.begin(), part.end());
    }
    return all;
}

/// Decode and expect success.
ProtocolMessage
Decoded(Ptr<const Packet> message)
{
    ProtocolMessage decoded;
    std::string error;
    EXPECT_TRUE(DecodeMessage(message, decoded, error)) << error;
    return decoded;
}

/// A CONTEXT_FETCH whose payload is \p spec, for specs MakeContextFetchMessage refuses.
Ptr<Packet>
FetchWithSpec(const std::string& spec)
{
    Bytes bytes = ToBytes(MakeContextFetchMessage(1, ContextHeader(2, 0, 4), "x"));
    bytes.resize(bytes.size() - 1);
    bytes.insert(bytes.end(), spec.begin(), spec.end());
    return ToPacket(bytes);
}

} // namespace

TEST(ProtocolMessageTest, RequestWireLayout)
{
    // The synthetic workload's request: no context, no item, a zero-filled payload.
    Ptr<Packet> message = MakeRequestMessage(0x0102030405060708ULL, 300, 7, 3);
    ASSERT_EQ(message->GetSize(),
              MessageHeader::SERIALIZED_SIZE + RequestHeader::SERIALIZED_SIZE + 3);
    Bytes common = {2, MessageHeader::REQUEST, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    // Prompt tokens 300, answer tokens 7, context NO_CONTEXT, item NO_ITEM.
    Bytes body = {0, 0, 1, 44, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    Bytes payload = {0, 0, 0};
    Bytes expected = Concat({common, body, payload});
    EXPECT_EQ(ToBytes(message), expected);
}

TEST(ProtocolMessageTest, RequestWithContextItemAndQueryWireLayout)
{
    Ptr<Packet> message = MakeRequestMessage(5, RequestHeader(40, 8, 0x0A0B0C0D, 258), "Hi?");
    Bytes common = {2, MessageHeader::REQUEST, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    // Prompt tokens 40, answer tokens 8, context 0x0A0B0C0D, item 258.
    Bytes body = {0, 0, 0, 40, 0, 0, 0, 8, 10, 11, 12, 13, 0, 0, 1, 2};
    Bytes payload = {'H', 'i', '?'};
    Bytes expected = Concat({common, body, payload});
    EXPECT_EQ(ToBytes(message), expected);
}

TEST(ProtocolMessageTest, TokenWireLayout)
{
    Ptr<Packet> message = MakeTokenMessage(9, 258, true, 0);
    std::vector<uint8_t> expected =
        {2, MessageHeader::TOKEN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1, 2, 1};
    EXPECT_EQ(ToBytes(message), expected);
}

TEST(ProtocolMessageTest, CancelWireLayout)
{
    // Common header only: no body, no payload.
    Ptr<Packet> message = MakeCancelMessage(0x0102030405060708ULL);
    std::vector<uint8_t> expected = {2, MessageHeader::CANCEL, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(ToBytes(message), expected);
}

TEST(ProtocolMessageTest, SerializedSizes)
{
    EXPECT_EQ(MessageHeader::VERSION, 2u);
    EXPECT_EQ(RequestHeader::SERIALIZED_SIZE, 16u);
    EXPECT_EQ(RequestHeader().GetSerializedSize(), 16u);
    EXPECT_EQ(RequestHeader(1, 2, 3, 4).GetSerializedSize(), 16u);

    const std::string query = "What is the capital of France?";
    Ptr<Packet> request = MakeRequestMessage(1, RequestHeader(37, 16, 2, 9), query);
    EXPECT_EQ(request->GetSize(), 12u + 16u + query.size());
    EXPECT_EQ(GetFrameBytes(request), 6u + 12u + 16u + query.size());
    EXPECT_EQ(MakeRequestMessage(1, RequestHeader(1, 1), "")->GetSize(), 12u + 16u);
    EXPECT_EQ(MakeRequestMessage(1, 128, 32, 512)->GetSize(), 12u + 16u + 512u);

    EXPECT_EQ(MakeTokenMessage(1, 0, false, " Paris")->GetSize(), 12u + 5u + 6u);
    EXPECT_EQ(MakeErrorMessage(1, ErrorHeader::REJECTED)->GetSize(), 12u + 2u);
    EXPECT_EQ(MakeCancelMessage(1)->GetSize(), 12u);
    EXPECT_EQ(GetFrameBytes(MakeCancelMessage(1)), 6u + 12u);
}

TEST(ProtocolMessageTest, RoundTripsEveryType)
{
    ProtocolMessage decoded;
    std::string error;
    ASSERT_TRUE(DecodeMessage(MakeRequestMessage(42, 128, 32, 512), decoded, error)) << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::REQUEST);
    EXPECT_EQ(decoded.header.GetRequestId(), 42u);
    EXPECT_EQ(decoded.request.GetPromptTokens(), 128u);
    EXPECT_EQ(decoded.request.GetAnswerTokens(), 32u);
    EXPECT_FALSE(decoded.request.HasContext());
    EXPECT_EQ(decoded.request.GetContextId(), RequestHeader::NO_CONTEXT);
    EXPECT_FALSE(decoded.request.HasItem());
    EXPECT_EQ(decoded.request.GetItem(), RequestHeader::NO_ITEM);
    EXPECT_EQ(decoded.payloadBytes, 512u);
    EXPECT_EQ(decoded.payload, std::string(512, '\0'));

    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 5, false, 4), decoded, error)) << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::TOKEN);
    EXPECT_EQ(decoded.token.GetIndex(), 5u);
    EXPECT_FALSE(decoded.token.IsLast());
    EXPECT_EQ(decoded.payloadBytes, 4u);
    EXPECT_EQ(decoded.payload, std::string(4, '\0'));

    ASSERT_TRUE(
        DecodeMessage(MakeErrorMessage(44, ErrorHeader::UPSTREAM_UNAVAILABLE), decoded, error))
        << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::ERROR);
    EXPECT_EQ(decoded.error.GetCode(), ErrorHeader::UPSTREAM_UNAVAILABLE);
    EXPECT_EQ(ErrorHeader::CodeName(decoded.error.GetCode()), "upstream-unavailable");
    EXPECT_EQ(decoded.payloadBytes, 0u);

    ASSERT_TRUE(DecodeMessage(MakeErrorMessage(45, ErrorHeader::REJECTED), decoded, error))
        << error;
    EXPECT_EQ(decoded.error.GetCode(), 4u);
    EXPECT_EQ(ErrorHeader::CodeName(decoded.error.GetCode()), "rejected");

    ASSERT_TRUE(DecodeMessage(MakeCancelMessage(46), decoded, error)) << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::CANCEL);
    EXPECT_EQ(decoded.header.GetRequestId(), 46u);
    EXPECT_EQ(decoded.payloadBytes, 0u);
    EXPECT_TRUE(decoded.payload.empty());
    EXPECT_TRUE(MessageHeader::IsKnownType(4));
    EXPECT_EQ(MessageHeader::TypeName(4), "cancel");
}

TEST(ProtocolMessageTest, RequestRoundTripCarriesContextItemAndQueryBytes)
{
    // Every byte value, NUL and bytes above 0x7F included, must come back unchanged.
    std::string query = "Where does the Rhine rise?";
    for (int byte = 0; byte < 256; ++byte)
    {
        query.push_back(static_cast<char>(byte));
    }
    ProtocolMessage decoded;
    std::string error;
    ASSERT_TRUE(DecodeMessage(MakeRequestMessage(77, RequestHeader(4096, 64, 3, 12345), query),
                              decoded,
                              error))
        << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::REQUEST);
    EXPECT_EQ(decoded.header.GetRequestId(), 77u);
    EXPECT_EQ(decoded.request.GetPromptTokens(), 4096u);
    EXPECT_EQ(decoded.request.GetAnswerTokens(), 64u);
    EXPECT_TRUE(decoded.request.HasContext());
    EXPECT_EQ(decoded.request.GetContextId(), 3u);
    EXPECT_TRUE(decoded.request.HasItem());
    EXPECT_EQ(decoded.request.GetItem(), 12345u);
    EXPECT_EQ(decoded.payloadBytes, query.size());
    EXPECT_EQ(decoded.payload, query);

    // Context 0 and item 0 are real indices, distinct from "none".
    ASSERT_TRUE(
        DecodeMessage(MakeRequestMessage(78, RequestHeader(1, 1, 0, 0), ""), decoded, error))
        << error;
    EXPECT_TRUE(decoded.request.HasContext());
    EXPECT_EQ(decoded.request.GetContextId(), 0u);
    EXPECT_TRUE(decoded.request.HasItem());
    EXPECT_EQ(decoded.request.GetItem(), 0u);
    EXPECT_TRUE(decoded.payload.empty());

    // A context without an item, and an item without a context.
    ASSERT_TRUE(DecodeMessage(MakeRequestMessage(79, RequestHeader(9, 2, 6), "q"), decoded, error))
        << error;
    EXPECT_TRUE(decoded.request.HasContext());
    EXPECT_FALSE(decoded.request.HasItem());
    ASSERT_TRUE(DecodeMessage(
        MakeRequestMessage(80, RequestHeader(9, 2, RequestHeader::NO_CONTEXT, 6), "q"),
        decoded,
        error))
        << error;
    EXPECT_FALSE(decoded.request.HasContext());
    EXPECT_TRUE(decoded.request.HasItem());
    EXPECT_EQ(decoded.request.GetItem(), 6u);
}

TEST(ProtocolMessageTest, TokenRoundTripCarriesItsText)
{
    ProtocolMessage decoded;
    std::string error;
    // A string literal selects the text overload...
    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 5, true, " Paris"), decoded, error)) << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::TOKEN);
    EXPECT_EQ(decoded.token.GetIndex(), 5u);
    EXPECT_TRUE(decoded.token.IsLast());
    EXPECT_EQ(decoded.payload, " Paris");
    EXPECT_EQ(decoded.payloadBytes, 6u);

    std::string text("\xE2\x82\xAC\0x", 5); // UTF-8 euro sign, NUL, 'x'
    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 6, false, text), decoded, error)) << error;
    EXPECT_EQ(decoded.payload, text);
    EXPECT_EQ(decoded.payloadBytes, 5u);

    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 7, false, ""), decoded, error)) << error;
    EXPECT_TRUE(decoded.payload.empty());

    // ... and an integer the zero-filled one.
    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 8, false, 0), decoded, error)) << error;
    EXPECT_TRUE(decoded.payload.empty());
    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 9, false, 3), decoded, error)) << error;
    EXPECT_EQ(decoded.payload, std::string(3, '\0'));
}

TEST(ProtocolMessageTest, DecodeForgetsThePreviousMessage)
{
    ProtocolMessage decoded;
    std::string error;
    ASSERT_TRUE(
        DecodeMessage(MakeRequestMessage(1, RequestHeader(10, 20, 1, 2), "query"), decoded, error))
        << error;
    ASSERT_TRUE(DecodeMessage(MakeCancelMessage(1), decoded, error)) << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::CANCEL);
    EXPECT_TRUE(decoded.payload.empty());
    EXPECT_EQ(decoded.payloadBytes, 0u);
    EXPECT_EQ(decoded.request.GetPromptTokens(), 0u);
    EXPECT_FALSE(decoded.request.HasContext());
}

TEST(ProtocolMessageTest, PrintShowsEveryField)
{
    std::ostringstream request;
    RequestHeader(300, 7, 5, 1234).Print(request);
    EXPECT_EQ(request.str(), "prompt_tokens=300 answer_tokens=7 context=5 item=1234");

    std::ostringstream synthetic;
    RequestHeader(128, 32).Print(synthetic);
    EXPECT_EQ(synthetic.str(), "prompt_tokens=128 answer_tokens=32 context=none item=none");

    std::ostringstream cancel;
    MessageHeader(MessageHeader::CANCEL, 9).Print(cancel);
    EXPECT_EQ(cancel.str(), "version=2 type=cancel request=9");

    std::ostringstream rejected;
    ErrorHeader(ErrorHeader::REJECTED).Print(rejected);
    EXPECT_EQ(rejected.str(), "code=4 (rejected)");
}

TEST(ProtocolMessageTest, FrameBytesCountTheFrameHeader)
{
    Ptr<Packet> message = MakeTokenMessage(1, 0, true, 4);
    EXPECT_EQ(GetFrameBytes(message), message->GetSize() + FrameHeader::SERIALIZED_SIZE);
    EXPECT_EQ(GetFrameBytes(message), 6u + 12u + 5u + 4u);
}

TEST(ProtocolMessageTest, TruncatedCommonHeaderIsRejected)
{
    uint8_t bytes[5] = {1, 1, 0, 0, 0};
    std::string error = DecodeError(Create<Packet>(bytes, sizeof(bytes)));
    EXPECT_NE(error.find("byte 0: ns3::MessageHeader needs 12 bytes, only 5 left"),
              std::string::npos)
        << error;
}

TEST(ProtocolMessageTest, TruncatedBodyIsRejectedAtItsOffset)
{
    Ptr<Packet> message = MakeRequestMessage(1, 2, 3, 0);
    message->RemoveAtEnd(3);
    std::string error = DecodeError(message);
    EXPECT_NE(error.find("byte 12: ns3::RequestHeader needs 16 bytes, only 13 left"),
              std::string::npos)
        << error;
}

TEST(ProtocolMessageTest, WrongVersionIsRejected)
{
    Bytes bytes = ToBytes(MakeTokenMessage(1, 0, true, 0));
    bytes[0] = 7;
    std::string error = DecodeError(ToPacket(bytes));
    EXPECT_NE(error.find("protocol version 7"), std::string::npos) << error;
}

TEST(ProtocolMessageTest, Version1MessageIsRejectedNamingBothVersions)
{
    // A version-1 request as the previous protocol wrote it: 8-byte body, 3 payload bytes.
    Bytes bytes = {
        1, MessageHeader::REQUEST, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0};
    std::string error = DecodeError(ToPacket(bytes));
    EXPECT_EQ(error, "byte 0: protocol version 1 (this node speaks version 2)");
}

TEST(ProtocolMessageTest, CancelWithPayloadIsRejectedAtItsOffset)
{
    Bytes bytes = ToBytes(MakeCancelMessage(3));
    bytes.push_back(0);
    std::string error = DecodeError(ToPacket(bytes));
    EXPECT_EQ(error, "byte 12: a cancel message carries no payload, found 1 byte");

    bytes.push_back('x');
    error = DecodeError(ToPacket(bytes));
    EXPECT_EQ(error, "byte 12: a cancel message carries no payload, found 2 bytes");
}

TEST(ProtocolMessageTest, UnknownTypeIsRejected)
{
    Bytes bytes = ToBytes(MakeTokenMessage(1, 0, true, 0));
    bytes[1] = 99;
    std::string error = DecodeError(ToPacket(bytes));
    EXPECT_NE(error.find("byte 1: unknown message type 99"), std::string::npos) << error;
}

TEST(ProtocolMessageTest, NonZeroReservedFieldIsRejected)
{
    Bytes bytes = ToBytes(MakeTokenMessage(1, 0, true, 0));
    bytes[3] = 5;
    std::string error = DecodeError(ToPacket(bytes));
    EXPECT_NE(error.find("byte 2: reserved field is 5, must be 0"), std::string::npos) << error;
}

TEST(ProtocolMessageTest, UnknownTokenFlagsAreRejected)
{
    Bytes bytes = ToBytes(MakeTokenMessage(1, 0, true, 0));
    bytes[16] = 0x81;
    std::string error = DecodeError(ToPacket(bytes));
    EXPECT_NE(error.find("byte 16: unknown token flags 129"), std::string::npos) << error;
}

TEST(ContextMessageTest, ContextFetchWireLayout)
{
    Ptr<Packet> message =
        MakeContextFetchMessage(0x0102030405060708ULL, ContextHeader(0x0A0B0C0D, 2, 261), "q4");
    Bytes common = {2, MessageHeader::CONTEXT_FETCH, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    Bytes body = {10, 11, 12, 13, 0, 2, 1, 5}; // context, layer begin 2, layer end 261
    EXPECT_EQ(ToBytes(message), Concat({common, body, {'q', '4'}}));
    EXPECT_EQ(ContextHeader::SERIALIZED_SIZE, 8u);
    EXPECT_EQ(ContextHeader().GetSerializedSize(), 8u);
}

TEST(ContextMessageTest, KvDataWireLayoutPadsWithZeros)
{
    KvDataHeader header(7, 3, KvDataHeader::ALIGNED, true, 2);
    Ptr<Packet> message = MakeKvDataMessage(9, header, {0xAB, 0xCD}, 5);
    Bytes common = {2, MessageHeader::KV_DATA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
    // Context 7, layer 3, origin ALIGNED, flags LAST, 2 stream bytes.
    Bytes body = {0, 0, 0, 7, 0, 3, 1, 1, 0, 0, 0, 2};
    EXPECT_EQ(ToBytes(message), Concat({common, body, {0xAB, 0xCD, 0, 0, 0}}));
    EXPECT_EQ(KvDataHeader::SERIALIZED_SIZE, 12u);
    EXPECT_EQ(KvDataHeader().GetSerializedSize(), 12u);
}

TEST(ContextMessageTest, ContextHeldWireLayout)
{
    Ptr<Packet> message = MakeContextHeldMessage(3, ContextHeader(4, 1, 1));
    Bytes expected = {2, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 1, 0, 1};
    EXPECT_EQ(ToBytes(message), expected);
}

TEST(ContextMessageTest, RoundTripsEveryNewType)
{
    ProtocolMessage fetch =
        Decoded(MakeContextFetchMessage(50, ContextHeader(6, 2, 4), "pca16+q4+rans"));
    EXPECT_EQ(fetch.header.GetType(), MessageHeader::CONTEXT_FETCH);
    EXPECT_EQ(fetch.header.GetRequestId(), 50u);
    EXPECT_EQ(fetch.context.GetContextId(), 6u);
    EXPECT_EQ(fetch.context.GetLayerBegin(), 2u);
    EXPECT_EQ(fetch.context.GetLayerEnd(), 4u);
    EXPECT_EQ(fetch.payload, "pca16+q4+rans");
    // The shortest and longest specs, and the printable bounds 0x21 and 0x7E.
    EXPECT_EQ(Decoded(MakeContextFetchMessage(1, ContextHeader(), "!")).payload, "!");
    EXPECT_EQ(Decoded(MakeContextFetchMessage(1, ContextHeader(), std::string(64, '~'))).payload,
              std::string(64, '~'));

    std::vector<uint8_t> stream = {1, 2, 3, 0, 255};
    KvDataHeader header(8, 3, KvDataHeader::ALIGNED, true, 5);
    ProtocolMessage kv = Decoded(MakeKvDataMessage(51, header, stream, 200000));
    EXPECT_EQ(kv.header.GetType(), MessageHeader::KV_DATA);
    EXPECT_EQ(kv.header.GetRequestId(), 51u);
    EXPECT_EQ(kv.kvData.GetContextId(), 8u);
    EXPECT_EQ(kv.kvData.GetLayer(), 3u);
    EXPECT_EQ(kv.kvData.GetOrigin(), KvDataHeader::ALIGNED);
    EXPECT_TRUE(kv.kvData.IsKnownOrigin());
    EXPECT_TRUE(kv.kvData.IsLast());
    EXPECT_EQ(kv.kvData.GetStreamBytes(), 5u);
    EXPECT_EQ(kv.payloadBytes, 200000u);
    EXPECT_EQ(kv.payload, std::string("\1\2\3\0\xFF", 5) + std::string(199995, '\0'));

    KvDataHeader empty(9, KvDataHeader::NO_LAYER, KvDataHeader::COMPUTED, false, 0);
    kv = Decoded(MakeKvDataMessage(52, empty, {}, 0));
    EXPECT_EQ(kv.kvData.GetLayer(), KvDataHeader::NO_LAYER);
    EXPECT_EQ(kv.kvData.GetOrigin(), KvDataHeader::COMPUTED);
    EXPECT_FALSE(kv.kvData.IsLast());
    EXPECT_EQ(kv.kvData.GetFlags(), 0u);
    EXPECT_EQ(kv.payloadBytes, 0u);

    ProtocolMessage held = Decoded(MakeContextHeldMessage(53, ContextHeader(10, 0, 0)));
    EXPECT_EQ(held.header.GetType(), MessageHeader::CONTEXT_HELD);
    EXPECT_EQ(held.header.GetRequestId(), 53u);
    EXPECT_EQ(held.context.GetContextId(), 10u);
    EXPECT_EQ(held.context.GetLayerBegin(), 0u);
    EXPECT_EQ(held.context.GetLayerEnd(), 0u);
    EXPECT_EQ(held.payloadBytes, 0u);
}

TEST(ContextMessageTest, NamesAndPrint)
{
    EXPECT_EQ(MessageHeader::TypeName(MessageHeader::CONTEXT_FETCH), "context-fetch");
    EXPECT_EQ(MessageHeader::TypeName(MessageHeader::KV_DATA), "kv-data");
    EXPECT_EQ(MessageHeader::TypeName(MessageHeader::CONTEXT_HELD), "context-held");
    for (uint8_t type = 1; type <= 8; ++type)
    {
        EXPECT_TRUE(MessageHeader::IsKnownType(type)) << int(type);
    }
    EXPECT_FALSE(MessageHeader::IsKnownType(0));
    EXPECT_FALSE(MessageHeader::IsKnownType(9));
    EXPECT_EQ(MessageHeader::TypeName(9), "unknown");
    EXPECT_EQ(ErrorHeader::CodeName(ErrorHeader::CONTEXT_NOT_HELD), "context-not-held");
    EXPECT_EQ(ErrorHeader::CodeName(99), "error-99");
    EXPECT_EQ(Decoded(MakeErrorMessage(1, ErrorHeader::CONTEXT_NOT_HELD)).error.GetCode(), 5u);

    std::ostringstream context;
    ContextHeader(3, 1, 4).Print(context);
    EXPECT_EQ(context.str(), "context=3 layers=[1, 4)");
    std::ostringstream kv;
    KvDataHeader(3, 2, KvDataHeader::ALIGNED, true, 100).Print(kv);
    EXPECT_EQ(kv.str(), "context=3 layer=2 origin=aligned stream_bytes=100 last");
    std::ostringstream header;
    KvDataHeader(3, KvDataHeader::NO_LAYER, KvDataHeader::COMPUTED, false, 0).Print(header);
    EXPECT_EQ(header.str(), "context=3 layer=none origin=computed stream_bytes=0");
}

TEST(ContextMessageTest, EveryTruncationIsRejectedAtItsOffset)
{
    struct Case
    {
        Ptr<Packet> message;
        std::string body;         //!< type name of the body header
        uint32_t bodyBytes;       //!< its size
        uint32_t checkedEnd;      //!< shorter messages are rejected (shorter payloads beyond
                                  //!< are valid: only the frame header carries the length)
        std::string payloadError; //!< error of a message cut inside the checked payload
    };

    std::vector<Case> cases = {
        {MakeContextFetchMessage(1, ContextHeader(2, 0, 4), "fp16"),
         "ns3::ContextHeader",
         ContextHeader::SERIALIZED_SIZE,
         21,
         "byte 20: a context-fetch message needs a codec spec of 1 to 64 printable ASCII bytes, "
         "found none"},
        {MakeKvDataMessage(1,
                           KvDataHeader(2, 0, KvDataHeader::ALIGNED, false, 10),
                           Bytes(10, 7),
                           15),
         "ns3::KvDataHeader",
         KvDataHeader::SERIALIZED_SIZE,
         34,
         "byte 20: stream bytes 10 exceed the payload of "},
        {MakeContextHeldMessage(1, ContextHeader(2, 0, 4)),
         "ns3::ContextHeader",
         ContextHeader::SERIALIZED_SIZE,
         20,
         ""},
    };
    for (const Case& c : cases)
    {
        Bytes whole = ToBytes(c.message);
        for (uint32_t size = 0; size < whole.size(); ++size)
        {
            SCOPED_TRACE(c.body + " message cut to " + std::to_string(size) + " bytes");
            Ptr<Packet> cut = ToPacket(Bytes(whole.begin(), whole.begin() + size));
            if (size >= c.checkedEnd)
            {
                Decoded(cut);
                continue;
            }
            std::string expected = c.payloadError;
            if (size < MessageHeader::SERIALIZED_SIZE)
            {
                expected = "byte 0: ns3::MessageHeader needs 12 bytes, only " + std::to_string(size)
                           + " left";
            }
            else if (size < MessageHeader::SERIALIZED_SIZE + c.bodyBytes)
            {
                expected = "byte 12: " + c.body + " needs " + std::to_string(c.bodyBytes)
                           + " bytes, only " + std::to_string(size - 12) + " left";
            }
            std::string error = DecodeError(cut);
            EXPECT_EQ(error.rfind(expected, 0), 0u) << error;
        }
    }
}

TEST(ContextMessageTest, LayerRangeEndingBeforeItBeginsIsRejected)
{
    for (Ptr<Packet> message : {MakeContextFetchMessage(1, ContextHeader(2, 4, 4), "fp16"),
                                MakeContextHeldMessage(1, ContextHeader(2, 4, 4))})
    {
        Bytes bytes = ToBytes(message);
        Decoded(ToPacket(bytes)); // an empty range is valid
        bytes[17] = 5;            // layer begin 5 > layer end 4
        EXPECT_EQ(DecodeError(ToPacket(bytes)), "byte 18: layer end 4 is below layer begin 5");
    }
}

TEST(ContextMessageTest, MalformedCodecSpecIsRejectedAtItsByte)
{
    EXPECT_EQ(DecodeError(FetchWithSpec("")),
              "byte 20: a context-fetch message needs a codec spec of 1 to 64 printable ASCII "
              "bytes, found none");
    EXPECT_EQ(DecodeError(FetchWithSpec(std::string(65, 'a'))),
              "byte 84: codec spec of 65 bytes, longer than 64");
    for (char bad : {' ', '\x7F', '\0', '\x80', '\n'})
    {
        std::string spec = "q4";
        spec.push_back(bad);
        std::string error = DecodeError(FetchWithSpec(spec + "+rans"));
        EXPECT_EQ(error.rfind("byte 22: codec spec byte 0x", 0), 0u) << error;
        EXPECT_NE(error.find("is not printable ASCII (0x21 to 0x7E)"), std::string::npos);
    }
    EXPECT_EQ(DecodeError(FetchWithSpec("a b")),
              "byte 21: codec spec byte 0x20 is not printable ASCII (0x21 to 0x7E)");
    EXPECT_EQ(DecodeError(FetchWithSpec("ab\x80")),
              "byte 22: codec spec byte 0x80 is not printable ASCII (0x21 to 0x7E)");
}

TEST(ContextMessageTest, MalformedKvDataFieldsAreRejectedAtTheirOffsets)
{
    KvDataHeader header(2, 0, KvDataHeader::COMPUTED, true, 3);
    const Bytes valid = ToBytes(MakeKvDataMessage(1, header, {1, 2, 3}, 3));
    auto errorWith = [&valid](size_t at, uint8_t value)
    {
        Bytes bytes = valid;
        bytes[at] = value;
        return DecodeError(ToPacket(bytes));
    };
    EXPECT_EQ(errorWith(18, 2), "byte 18: unknown KV origin 2");
    EXPECT_EQ(errorWith(18, 255), "byte 18: unknown KV origin 255");
    EXPECT_EQ(errorWith(19, 0x02), "byte 19: unknown KV data flags 2");
    EXPECT_EQ(errorWith(19, 0x81), "byte 19: unknown KV data flags 129");
    EXPECT_EQ(errorWith(23, 4), "byte 20: stream bytes 4 exceed the payload of 3 bytes");
    EXPECT_EQ(errorWith(20, 1), "byte 20: stream bytes 16777219 exceed the payload of 3 bytes");
}

TEST(ContextMessageTest, ContextHeldWithPayloadIsRejected)
{
    Bytes bytes = ToBytes(MakeContextHeldMessage(1, ContextHeader(2, 0, 4)));
    bytes.push_back('x');
    EXPECT_EQ(DecodeError(ToPacket(bytes)),
              "byte 20: a context-held message carries no payload, found 1 byte");
}

TEST(HiddenStateMessageTest, WireLayoutPadsTheStatesWithZeros)
{
    HiddenStateHeader header(0x01020304, 3, 7, 4, 1, HiddenStateHeader::FLAG_DEFER);
    Ptr<Packet> message = MakeHiddenStateMessage(9, header, 6);
    Bytes common = {2, MessageHeader::HIDDEN_STATE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
    // First 0x01020304, count 3, token 7, split 4, precision fp16, flags DEFER.
    Bytes body = {1, 2, 3, 4, 0, 0, 0, 3, 0, 0, 0, 7, 0, 4, 1, 1};
    EXPECT_EQ(ToBytes(message), Concat({common, body, Bytes(6, 0)}));
    EXPECT_EQ(HiddenStateHeader::SERIALIZED_SIZE, 16u);
    EXPECT_EQ(HiddenStateHeader().GetSerializedSize(), 16u);
    EXPECT_EQ(ContentClassTag::Count(message).at(ContentClassTag::HIDDEN), message->GetSize());
}

TEST(HiddenStateMessageTest, RoundTripsDeferralsSyncsAndReleases)
{
    ProtocolMessage sync =
        Decoded(MakeHiddenStateMessage(5, HiddenStateHeader(0, 40, 0, 4, 2, 0), 300));
    EXPECT_EQ(sync.header.GetType(), MessageHeader::HIDDEN_STATE);
    EXPECT_EQ(sync.header.GetRequestId(), 5u);
    EXPECT_EQ(sync.hidden.GetCount(), 40u);
    EXPECT_EQ(sync.hidden.GetSplitLayer(), 4u);
    EXPECT_EQ(sync.hidden.GetPrecision(), 2u);
    EXPECT_FALSE(sync.hidden.IsDefer());
    EXPECT_FALSE(sync.hidden.IsRelease());
    EXPECT_EQ(sync.payloadBytes, 300u);

    ProtocolMessage defer = Decoded(
        MakeHiddenStateMessage(5,
                               HiddenStateHeader(41, 0, 3, 4, 2, HiddenStateHeader::FLAG_DEFER),
                               0));
    EXPECT_TRUE(defer.hidden.IsDefer());
    EXPECT_EQ(defer.hidden.GetFirst(), 41u);
    EXPECT_EQ(defer.hidden.GetTokenIndex(), 3u);

    ProtocolMessage release = Decoded(
        MakeHiddenStateMessage(5,
                               HiddenStateHeader(0, 0, 0, 4, 1, HiddenStateHeader::FLAG_RELEASE),
                               0));
    EXPECT_TRUE(release.hidden.IsRelease());
    EXPECT_EQ(MessageHeader::TypeName(MessageHeader::HIDDEN_STATE), "hidden-state");
    EXPECT_EQ(ContentClassTag::ClassName(ContentClassTag::HIDDEN), "hidden");
    std::ostringstream printed;
    HiddenStateHeader(2, 3, 4, 5, 1, HiddenStateHeader::FLAG_DEFER).Print(printed);
    EXPECT_EQ(printed.str(), "positions=[2, 5) split=5 precision=1 defer token=4");
}

TEST(HiddenStateMessageTest, BadFieldsAreRejectedAtTheirByte)
{
    Bytes bytes = ToBytes(MakeHiddenStateMessage(1, HiddenStateHeader(0, 2, 0, 4, 1, 0), 8));
    Bytes badFlags = bytes;
    badFlags[27] = 0x04;
    EXPECT_EQ(DecodeError(ToPacket(badFlags)), "byte 27: unknown hidden-state flags 4");
    Bytes badPrecision = bytes;
    badPrecision[26] = 3;
    EXPECT_EQ(DecodeError(ToPacket(badPrecision)), "byte 26: unknown hidden-state precision 3");
    Bytes releaseWithStates = bytes;
    releaseWithStates[27] = HiddenStateHeader::FLAG_RELEASE;
    EXPECT_EQ(DecodeError(ToPacket(releaseWithStates)),
              "byte 27: a release carries no positions, found 2");
    Bytes cut(bytes.begin(), bytes.begin() + 20);
    EXPECT_EQ(DecodeError(ToPacket(cut)),
              "byte 12: ns3::HiddenStateHeader needs 16 bytes, only 8 left");
}
