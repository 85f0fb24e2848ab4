/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Protocol messages: exact wire layout and sizes, round trips, and rejection of malformed bytes.

#include "framing-test-utils.h"

#include "ns3/frame-header.h"
#include "ns3/message-tracing.h"
#include "ns3/protocol-message.h"

#include <gtest/gtest.h>
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

} // namespace

TEST(ProtocolMessageTest, RequestWireLayout)
{
    Ptr<Packet> message = MakeRequestMessage(0x0102030405060708ULL, 300, 7, 3);
    ASSERT_EQ(message->GetSize(),
              MessageHeader::SERIALIZED_SIZE + RequestHeader::SERIALIZED_SIZE + 3);
    std::vector<uint8_t> expected = {
        1, MessageHeader::REQUEST, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 1, 44, 0, 0, 0, 7, 0, 0, 0};
    EXPECT_EQ(ToBytes(message), expected);
}

TEST(ProtocolMessageTest, TokenWireLayout)
{
    Ptr<Packet> message = MakeTokenMessage(9, 258, true, 0);
    std::vector<uint8_t> expected =
        {1, MessageHeader::TOKEN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1, 2, 1};
    EXPECT_EQ(ToBytes(message), expected);
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
    EXPECT_EQ(decoded.payloadBytes, 512u);

    ASSERT_TRUE(DecodeMessage(MakeTokenMessage(43, 5, false, 4), decoded, error)) << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::TOKEN);
    EXPECT_EQ(decoded.token.GetIndex(), 5u);
    EXPECT_FALSE(decoded.token.IsLast());
    EXPECT_EQ(decoded.payloadBytes, 4u);

    ASSERT_TRUE(
        DecodeMessage(MakeErrorMessage(44, ErrorHeader::UPSTREAM_UNAVAILABLE), decoded, error))
        << error;
    EXPECT_EQ(decoded.header.GetType(), MessageHeader::ERROR);
    EXPECT_EQ(decoded.error.GetCode(), ErrorHeader::UPSTREAM_UNAVAILABLE);
    EXPECT_EQ(ErrorHeader::CodeName(decoded.error.GetCode()), "upstream-unavailable");
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
    EXPECT_NE(error.find("byte 12: ns3::RequestHeader needs 8 bytes, only 5 left"),
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
