/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// SHA-256 against the FIPS 180-2 examples, HMAC-SHA256 against RFC 4231's test cases, both
// fed in every split, and the constant-time tag comparison.

#include "ns3/hmac-sha256.h"
#include "ns3/sha256.h"

#include <gtest/gtest.h>
#include <string>

using namespace ns3;

namespace
{

std::string
Bytes(const std::string& hex)
{
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    {
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return bytes;
}

} // namespace

TEST(Sha256, Fips180Examples)
{
    EXPECT_EQ(Sha256::Hex(Sha256::Hash("abc", 3)),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(Sha256::Hex(Sha256::Hash("", 0)),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const std::string twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    EXPECT_EQ(Sha256::Hex(Sha256::Hash(twoBlocks.data(), twoBlocks.size())),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 million;
    const std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i)
    {
        million.Update(thousand.data(), thousand.size());
    }
    EXPECT_EQ(Sha256::Hex(million.Finish()),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, AnySplitOfTheMessageGivesTheSameDigest)
{
    std::string message;
    for (int i = 0; i < 200; ++i)
    {
        message += static_cast<char>(i * 7);
    }
    const Sha256::Digest whole = Sha256::Hash(message.data(), message.size());
    for (std::size_t split = 0; split <= message.size(); ++split)
    {
        Sha256 hash;
        hash.Update(message.data(), split);
        hash.Update(message.data() + split, message.size() - split);
        ASSERT_EQ(hash.Finish(), whole) << "split at " << split;
    }
}

TEST(HmacSha256, Rfc4231TestCases)
{
    struct Case
    {
        std::string key;
        std::string data;
        std::string tag; // hex, possibly truncated (case 5)
    };

    const std::string bigKey(131, '\xaa');
    const Case cases[] = {
        {std::string(20, '\x0b'),
         "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"Jefe",
         "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {std::string(20, '\xaa'),
         std::string(50, '\xdd'),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {Bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
         std::string(50, '\xcd'),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
        {bigKey,
         "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {bigKey,
         "This is a test using a larger than block-size key and a larger than block-size data. "
         "The key needs to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    int number = 1;
    for (const Case& c : cases)
    {
        SCOPED_TRACE("RFC 4231 test case " + std::to_string(number++));
        HmacSha256 hmac(c.key);
        const std::string tag = Sha256::Hex(hmac.Compute(c.data.data(), c.data.size()));
        EXPECT_EQ(tag.substr(0, c.tag.size()), c.tag);
        // The same key again, the message in two parts: the object is reusable.
        hmac.Update(c.data.data(), c.data.size() / 2);
        hmac.Update(c.data.data() + c.data.size() / 2, c.data.size() - c.data.size() / 2);
        EXPECT_EQ(Sha256::Hex(hmac.Finish()), tag);
    }
}

TEST(HmacSha256, EqualComparesThePrefix)
{
    HmacSha256 hmac("key");
    const HmacSha256::Tag a = hmac.Compute("message", 7);
    HmacSha256::Tag b = a;
    EXPECT_TRUE(HmacSha256::Equal(a, b));
    b[31] ^= 1;
    EXPECT_FALSE(HmacSha256::Equal(a, b));
    EXPECT_TRUE(HmacSha256::Equal(a, b, 16)); // a truncated tag ignores the last bytes
    b[0] ^= 0x80;
    EXPECT_FALSE(HmacSha256::Equal(a, b, 16));
    EXPECT_NE(hmac.Compute("message", 7), hmac.Compute("massage", 7));
}
