/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// KvCodec on bad input: missing or mismatched arguments are refused with KvError, and a
// decoder given the wrong geometry, corrupted, truncated or random bytes throws KvWireError
// rather than crashing or returning a block of the wrong shape (run it under ASan/UBSan).

#include "kv-test-utils.h"

#include "ns3/kv-codec.h"
#include "ns3/kv-error.h"

#include <gtest/gtest.h>

namespace
{

using namespace ce_lslm_test;
using ns3::kv::KvCodec;
using ns3::kv::KvError;
using ns3::kv::KvWireError;

// ---------------------------------------------------------------------------------------------
// Argument and geometry errors

TEST(KvCodecErrorTest, EncodeRefusesMissingOrMismatchedArguments)
{
    const LayerBases bases = FitBases();
    const KvBlock block = MakeBlock(10, 24);
    const Vector importance = Vector::Ones(10);
    const Vector shortImportance = Vector::Ones(9);
    const KvCodec pca = KvCodec::Parse("pca8+q4");
    EXPECT_THROW(pca.Encode(block, nullptr, nullptr), KvError);
    const LayerBases narrow{bases.keys.Truncated(4), bases.values.Truncated(4)};
    EXPECT_THROW(pca.Encode(block, &narrow, nullptr), KvError);
    const LayerBases otherDim = FitBases(32);
    EXPECT_THROW(pca.Encode(block, &otherDim, nullptr), KvError);
    const KvCodec top = KvCodec::Parse("top50");
    EXPECT_THROW(top.Encode(block, nullptr, nullptr), KvError);
    EXPECT_THROW(top.Encode(block, nullptr, &shortImportance), KvError);
    EXPECT_NO_THROW(top.Encode(block, nullptr, &importance));
    KvBlock mismatched = block;
    mismatched.values = Matrix::Zero(10, 32);
    EXPECT_THROW(KvCodec().Encode(mismatched, nullptr, nullptr), KvError);
    KvBlock huge = block;
    huge.keys(2, 2) = 1e6f;
    EXPECT_THROW(KvCodec::Parse("q4").Encode(huge, nullptr, nullptr), KvError);
    KvBlock gap = block;
    gap.positions[5] += 1;
    EXPECT_THROW(KvCodec().Encode(gap, nullptr, nullptr), KvError);
}

TEST(KvCodecErrorTest, WrongGeometryOrCodecIsAWireError)
{
    const KvBlock block = MakeBlock(30, 25);
    const std::vector<uint8_t> payload = KvCodec::Parse("q4").Encode(block, nullptr, nullptr);
    const KvCodec q4 = KvCodec::Parse("q4");
    EXPECT_NO_THROW(q4.Decode(payload.data(), payload.size(), 0, 0, 30, KV_DIM, nullptr));
    EXPECT_THROW(q4.Decode(payload.data(), payload.size(), 0, 0, 29, KV_DIM, nullptr), KvWireError);
    EXPECT_THROW(q4.Decode(payload.data(), payload.size(), 0, 0, 30, 32, nullptr), KvWireError);
    const KvCodec q8 = KvCodec::Parse("q8");
    EXPECT_THROW(q8.Decode(payload.data(), payload.size(), 0, 0, 30, KV_DIM, nullptr), KvWireError);
    const KvCodec q4w2 = KvCodec::Parse("q4w2");
    EXPECT_THROW(q4w2.Decode(payload.data(), payload.size(), 0, 0, 30, KV_DIM, nullptr),
                 KvWireError);
    try
    {
        q4.Decode(payload.data(), payload.size() - 1, 0, 0, 30, KV_DIM, nullptr, 500);
        FAIL() << "truncated payload decoded";
    }
    catch (const KvWireError& error)
    {
        EXPECT_GE(error.Offset(), 500u); // offsets count from the enclosing stream
    }
}

TEST(KvCodecErrorTest, TokenCountsThePayloadCannotHoldAreRefusedBeforeAllocating)
{
    // Found through the kv-wire fuzz target (doc/fuzzing.rst): a 50-byte chunk whose range
    // claimed 2^31 - 1 tokens made the decoder allocate an index per token (16 GiB), then the
    // matrices, before reading a byte of them.
    const int64_t tokens = std::numeric_limits<int32_t>::max();
    const std::vector<std::pair<const char*, uint8_t>> codecs = {{"fp16", 16},
                                                                 {"q8+rans", 8},
                                                                 {"q2g7w3+rans", 2}};
    for (const auto& [spec, bits] : codecs)
    {
        SCOPED_TRACE(spec);
        const KvCodec codec = KvCodec::Parse(spec);
        ns3::kv::ByteWriter payload;
        payload.PutU8(bits);
        payload.PutU16(KV_DIM);
        payload.PutU32(static_cast<uint32_t>(tokens));
        const std::vector<uint8_t> bytes = payload.Take();
        try
        {
            codec.Decode(bytes.data(), bytes.size(), 0, 0, tokens, KV_DIM, nullptr, 100);
            FAIL() << "decoded";
        }
        catch (const KvWireError& error)
        {
            EXPECT_EQ(error.Offset(), 107u);
            EXPECT_NE(std::string(error.what()).find("tokens of width 64 needs at least"),
                      std::string::npos)
                << error.what();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fuzzing

/// Decode bytes; \return whether it threw KvWireError. A block that decodes must have the
/// shape the geometry implies; any other exception fails the test.
bool
DecodeFails(const KvCodec& codec,
            const std::vector<uint8_t>& bytes,
            int64_t tokens,
            const LayerBases& bases)
{
    try
    {
        const KvBlock block =
            codec.Decode(bytes.data(), bytes.size(), 1, 0, tokens, KV_DIM, &bases);
        const int64_t kept = (int64_t(std::lround(codec.KeptFraction() * 100)) * tokens + 99) / 100;
        EXPECT_EQ(block.Tokens(), kept);
        EXPECT_EQ(block.values.rows(), kept);
        EXPECT_EQ(int64_t(block.positions.size()), kept);
        EXPECT_EQ(block.keys.cols(), KV_DIM);
        EXPECT_EQ(block.values.cols(), KV_DIM);
        return false;
    }
    catch (const KvWireError&)
    {
        return true;
    }
}

TEST(KvCodecFuzzTest, CorruptedTruncatedAndRandomPayloadsNeverCrash)
{
    const LayerBases bases = FitBases();
    const int64_t tokens = 37;
    const KvBlock block = MakeBlock(tokens, 26);
    const Vector importance = SyntheticKv(tokens, 1, 27).col(0);
    std::mt19937 rng(28);
    for (const char* spec :
         {"fp16", "q4", "q2g7w3+rans", "q8+rans", "top50+pca16+q4g16w4+rans", "top30+q3", "pca8"})
    {
        SCOPED_TRACE(spec);
        const KvCodec codec = KvCodec::Parse(spec);
        const std::vector<uint8_t> payload = codec.Encode(block, &bases, &importance);
        ASSERT_FALSE(DecodeFails(codec, payload, tokens, bases));
        // Every truncation runs out of bytes somewhere.
        int truncationErrors = 0;
        for (std::size_t size = 0; size < payload.size(); ++size)
        {
            const std::vector<uint8_t> cut(payload.begin(), payload.begin() + size);
            truncationErrors += DecodeFails(codec, cut, tokens, bases);
        }
        EXPECT_EQ(truncationErrors, int(payload.size()));
        EXPECT_TRUE(DecodeFails(codec, std::vector<uint8_t>(payload.size() + 1, 0), tokens, bases));
        std::vector<uint8_t> longer = payload;
        longer.push_back(0);
        EXPECT_TRUE(DecodeFails(codec, longer, tokens, bases));
        for (int flip = 0; flip < 400; ++flip)
        {
            std::vector<uint8_t> corrupted = payload;
            corrupted[rng() % corrupted.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
            DecodeFails(codec, corrupted, tokens, bases);
        }
        for (int trial = 0; trial < 200; ++trial)
        {
            std::vector<uint8_t> garbage(rng() % (payload.size() + 64));
            for (uint8_t& b : garbage)
            {
                b = static_cast<uint8_t>(rng());
            }
            // Half the time, keep a valid header so that decoding goes deeper.
            for (std::size_t i = 0; trial % 2 && i < std::min<std::size_t>(7, garbage.size()); ++i)
            {
                garbage[i] = payload[i];
            }
            DecodeFails(codec, garbage, tokens, bases);
        }
    }
}

} // namespace
