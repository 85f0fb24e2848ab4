/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// MessageAuthenticator: the trailer's layout and tag, the verdicts of Open() (authentic,
// forged: wrong key, altered, reflected, truncated; replayed: stale or skipped sequence), the
// counters, and the CPU cost model with its first-come-first-served queue.

#include "framing-test-utils.h"

#include "ns3/double.h"
#include "ns3/hmac-sha256.h"
#include "ns3/message-authenticator.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"

#include <gtest/gtest.h>
#include <string>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

const std::string KEY(32, '\x0b');

Ptr<MessageAuthenticator>
MakeAuthenticator(const std::string& key = KEY)
{
    Ptr<MessageAuthenticator> authenticator = CreateObject<MessageAuthenticator>();
    authenticator->SetKey(key);
    return authenticator;
}

Bytes
Message()
{
    return {'h', 'e', 'l', 'l', 'o', 0, 1, 2, 255};
}

/// \return \p message with the trailer \p sender sealed it with
Ptr<Packet>
Sealed(Ptr<MessageAuthenticator> sender,
       MessageAuthenticator::Direction direction,
       uint64_t sequence,
       const Bytes& message = Message())
{
    Ptr<Packet> payload = ToPacket(message);
    Time delay;
    payload->AddAtEnd(sender->Seal(direction, sequence, payload, delay));
    return payload;
}

class MessageAuthenticatorTest : public ::testing::Test
{
  protected:
    void TearDown() override
    {
        Simulator::Destroy();
    }
};

} // namespace

TEST_F(MessageAuthenticatorTest, TrailerIsTheSequenceNumberThenTheHmacOfLabelSequenceAndMessage)
{
    EXPECT_EQ(MessageAuthenticator::TRAILER_BYTES, 40u);
    const uint64_t sequence = 0x0102030405060708;
    Bytes trailer = ToBytes(MakeAuthenticator()->MakeTrailer(MessageAuthenticator::FROM_RESPONDER,
                                                             sequence,
                                                             ToPacket(Message())));
    ASSERT_EQ(trailer.size(), 40u);
    EXPECT_EQ(Bytes(trailer.begin(), trailer.begin() + 8), (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    HmacSha256 hmac(KEY);
    const std::string label = "ce-lslm hmac r>i";
    ASSERT_EQ(label.size(), MessageAuthenticator::LABEL_BYTES);
    hmac.Update(label.data(), label.size());
    hmac.Update(trailer.data(), 8);
    hmac.Update(Message().data(), Message().size());
    const HmacSha256::Tag tag = hmac.Finish();
    EXPECT_EQ(Bytes(trailer.begin() + 8, trailer.end()), Bytes(tag.begin(), tag.end()));
}

TEST_F(MessageAuthenticatorTest, OpenAcceptsTheNextSealedFrameAndStripsTheTrailer)
{
    Ptr<MessageAuthenticator> sender = MakeAuthenticator();
    Ptr<MessageAuthenticator> receiver = MakeAuthenticator();
    for (uint64_t sequence = 0; sequence < 3; ++sequence)
    {
        Ptr<Packet> payload = Sealed(sender, MessageAuthenticator::FROM_INITIATOR, sequence);
        EXPECT_EQ(payload->GetSize(), Message().size() + 40);
        auto opened = receiver->Open(MessageAuthenticator::FROM_INITIATOR, sequence, payload);
        EXPECT_EQ(opened.verdict, MessageAuthenticator::AUTHENTIC);
        EXPECT_EQ(opened.sequence, sequence);
        EXPECT_EQ(ToBytes(payload), Message());
    }
    EXPECT_EQ(sender->GetTagged(), 3u);
    EXPECT_EQ(receiver->GetVerified(), 3u);
    EXPECT_EQ(receiver->GetForged() + receiver->GetReplayed() + receiver->GetTagged(), 0u);
}

TEST_F(MessageAuthenticatorTest, WrongKeyAlteredReflectedOrTruncatedFramesAreForged)
{
    Ptr<MessageAuthenticator> receiver = MakeAuthenticator();
    const auto toReceiver = MessageAuthenticator::FROM_INITIATOR;
    // Another key.
    Ptr<Packet> wrongKey = Sealed(MakeAuthenticator(std::string(32, 'x')), toReceiver, 0);
    EXPECT_EQ(receiver->Open(toReceiver, 0, wrongKey).verdict, MessageAuthenticator::FORGED);
    // One bit of the message changed on the way.
    Bytes altered = ToBytes(Sealed(MakeAuthenticator(), toReceiver, 0));
    altered[2] ^= 0x10;
    EXPECT_EQ(receiver->Open(toReceiver, 0, ToPacket(altered)).verdict,
              MessageAuthenticator::FORGED);
    // The receiver's own frame, sent back to it: tagged for the other direction.
    Ptr<Packet> reflected = Sealed(MakeAuthenticator(), MessageAuthenticator::FROM_RESPONDER, 0);
    EXPECT_EQ(receiver->Open(toReceiver, 0, reflected).verdict, MessageAuthenticator::FORGED);
    // The sequence number changed: the tag covers it.
    Bytes renumbered = ToBytes(Sealed(MakeAuthenticator(), toReceiver, 0));
    renumbered[Message().size() + 7] = 1;
    EXPECT_EQ(receiver->Open(toReceiver, 1, ToPacket(renumbered)).verdict,
              MessageAuthenticator::FORGED);
    // Too short to carry a trailer at all.
    EXPECT_EQ(receiver->Open(toReceiver, 0, ToPacket(Bytes(39, 0))).verdict,
              MessageAuthenticator::FORGED);
    EXPECT_EQ(receiver->GetForged(), 5u);
    EXPECT_EQ(receiver->GetVerified() + receiver->GetReplayed(), 0u);
}

TEST_F(MessageAuthenticatorTest, AuthenticFramesOutOfSequenceAreReplayed)
{
    Ptr<MessageAuthenticator> sender = MakeAuthenticator();
    Ptr<MessageAuthenticator> receiver = MakeAuthenticator();
    const auto direction = MessageAuthenticator::FROM_RESPONDER;
    // An old frame (sequence 4 when 5 is expected) and one from ahead (6: 5 was removed).
    auto stale = receiver->Open(direction, 5, Sealed(sender, direction, 4));
    EXPECT_EQ(stale.verdict, MessageAuthenticator::REPLAYED);
    EXPECT_EQ(stale.sequence, 4u);
    EXPECT_EQ(receiver->Open(direction, 5, Sealed(sender, direction, 6)).verdict,
              MessageAuthenticator::REPLAYED);
    EXPECT_EQ(receiver->GetReplayed(), 2u);
    EXPECT_EQ(receiver->GetVerified() + receiver->GetForged(), 0u);
}

TEST_F(MessageAuthenticatorTest, CostIsPerMessagePlusHashedBytesOverThroughputQueuedFifo)
{
    Ptr<MessageAuthenticator> cpu = MakeAuthenticator();
    cpu->SetAttribute("BytesPerSecond", DoubleValue(2e6));
    cpu->SetAttribute("PerMessageTime", TimeValue(MicroSeconds(3)));
    // 16 label bytes + 8 sequence bytes + 976 message bytes = 1000 bytes at 2e6 B/s = 500 us.
    const Time cost = MicroSeconds(503);
    EXPECT_EQ(cpu->GetCost(976), cost);
    EXPECT_EQ(MakeAuthenticator()->GetCost(976), MicroSeconds(1) + Seconds(1000 / 400e6));

    // Two tags at the same instant queue behind each other; a check received meanwhile too.
    std::vector<Time> delays;
    Simulator::Schedule(
        Seconds(1),
        [&]()
        {
            for (int i = 0; i < 2; ++i)
            {
                Time delay;
                cpu->Seal(MessageAuthenticator::FROM_INITIATOR, i, ToPacket(Bytes(976, 1)), delay);
                delays.push_back(delay);
            }
        });
    Simulator::Schedule(Seconds(1) + MicroSeconds(100),
                        [&]()
                        {
                            Ptr<Packet> payload = ToPacket(Bytes(976 + 40, 0));
                            delays.push_back(
                                cpu->Open(MessageAuthenticator::FROM_RESPONDER, 0, payload).delay);
                        });
    // Once the queue is empty, work costs its own time again.
    Simulator::Schedule(
        Seconds(2),
        [&]()
        {
            Time delay;
            cpu->Seal(MessageAuthenticator::FROM_INITIATOR, 2, ToPacket(Bytes(976, 1)), delay);
            delays.push_back(delay);
        });
    Simulator::Run();
    ASSERT_EQ(delays.size(), 4u);
    EXPECT_EQ(delays[0], cost);
    EXPECT_EQ(delays[1], 2 * cost);
    EXPECT_EQ(delays[2], 3 * cost - MicroSeconds(100));
    EXPECT_EQ(delays[3], cost);
    EXPECT_EQ(cpu->GetChargedTime(), 4 * cost);
    EXPECT_EQ(cpu->GetTagged(), 3u);
    EXPECT_EQ(cpu->GetForged(), 1u);
}
