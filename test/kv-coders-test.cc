/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The building blocks of the KV codecs on their own: group quantization and its error bound,
// rANS and bit packing, PCA bases and their wire record, token selection.

#include "kv-test-utils.h"

#include "ns3/group-quantizer.h"
#include "ns3/kv-error.h"
#include "ns3/rans-coder.h"
#include "ns3/symbol-packer.h"
#include "ns3/token-pruner.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace
{

using namespace ce_lslm_test;
using ns3::kv::ByteReader;
using ns3::kv::ByteWriter;
using ns3::kv::GroupQuantizer;
using ns3::kv::KvError;
using ns3::kv::KvWireError;
using ns3::kv::QuantAxis;
using ns3::kv::QuantizedMatrix;
using ns3::kv::RansCoder;
using ns3::kv::SymbolPacker;
using ns3::kv::TokenPruner;

// ---------------------------------------------------------------------------------------------
// Group quantization

/// The independent per-element bound the quantizer must meet: half of the group's range over
/// the levels, allowing for the FP16 rounding of min and scale (one FP16 ulp each, 2^-10
/// relative) and FP32 arithmetic.
float
IndependentBound(float lo, float hi, int bits)
{
    const float levels = float((1 << bits) - 1);
    const float ulp = std::ldexp(1.0f, -10);
    const float scale = ((hi - lo) + ulp * std::fabs(lo) + 6e-8f) / levels * (1 + ulp);
    return 0.5f * scale + 1e-6f * (std::fabs(lo) + std::fabs(hi));
}

TEST(GroupQuantizerTest, EveryElementWithinItsBound)
{
    const Matrix data = SyntheticKv(100, KV_DIM, 5);
    for (int bits : {8, 4, 3, 2})
    {
        for (int64_t group : {1, 7, 32, 48, 100, 128})
        {
            for (QuantAxis axis : {QuantAxis::PER_CHANNEL, QuantAxis::PER_TOKEN})
            {
                const GroupQuantizer quantizer(bits, group, axis);
                const QuantizedMatrix q = quantizer.Quantize(data);
                ASSERT_EQ(q.mins.size(), std::size_t(quantizer.GroupCount(100, KV_DIM)));
                const Matrix decoded = quantizer.Dequantize(q);
                const Matrix bound = quantizer.ErrorBound(q);
                SCOPED_TRACE("bits " + std::to_string(bits) + " group " + std::to_string(group)
                             + (axis == QuantAxis::PER_TOKEN ? " per token" : " per channel"));
                ExpectWithin(decoded, data, bound, "quantized");
                for (uint8_t s : q.symbols)
                {
                    ASSERT_LT(s, 1 << bits);
                }
            }
        }
    }
}

TEST(GroupQuantizerTest, BoundIsHalfTheStepOfTheRightGroup)
{
    // An independent check of the grouping: each element's bound must be that of its own
    // group's range (a channel with an outlier must not widen its neighbours' steps).
    const Matrix data = SyntheticKv(70, KV_DIM, 6);
    const int64_t group = 16;
    for (QuantAxis axis : {QuantAxis::PER_CHANNEL, QuantAxis::PER_TOKEN})
    {
        const GroupQuantizer quantizer(4, group, axis);
        const Matrix bound = quantizer.ErrorBound(quantizer.Quantize(data));
        const bool perToken = axis == QuantAxis::PER_TOKEN;
        for (int64_t r = 0; r < data.rows(); ++r)
        {
            for (int64_t c = 0; c < data.cols(); ++c)
            {
                const int64_t lane = perToken ? r : c;
                const int64_t start = ((perToken ? c : r) / group) * group;
                const int64_t length = std::min(group, (perToken ? KV_DIM : 70) - start);
                const auto members = perToken ? Vector(data.row(lane).segment(start, length))
                                              : Vector(data.col(lane).segment(start, length));
                ASSERT_LE(bound(r, c), IndependentBound(members.minCoeff(), members.maxCoeff(), 4))
                    << r << ", " << c << (perToken ? " per token" : " per channel");
            }
        }
    }
}

TEST(GroupQuantizerTest, ConstantAndRepresentableGroupsAreExact)
{
    Matrix data = Matrix::Constant(10, 4, 0.375f); // FP16-representable
    data.col(1).setConstant(0.1f);                 // not representable
    const GroupQuantizer quantizer(2, 5, QuantAxis::PER_CHANNEL);
    const QuantizedMatrix q = quantizer.Quantize(data);
    const Matrix decoded = quantizer.Dequantize(q);
    EXPECT_EQ(decoded.col(0), data.col(0));
    ExpectWithin(decoded, data, quantizer.ErrorBound(q), "constant");
}

// ---------------------------------------------------------------------------------------------
// rANS and bit packing

/// \return symbols coded and decoded, expecting the whole stream consumed
std::vector<uint8_t>
RansRoundTrip(const std::vector<uint8_t>& symbols, int alphabet)
{
    const std::vector<uint8_t> bytes = RansCoder::Encode(symbols, alphabet);
    ByteReader in(bytes.data(), bytes.size());
    std::vector<uint8_t> decoded = RansCoder::Decode(in, symbols.size(), alphabet);
    EXPECT_EQ(in.Remaining(), 0u);
    return decoded;
}

TEST(RansCoderTest, EdgeCasesRoundTrip)
{
    EXPECT_TRUE(RansCoder::Encode({}, 16).empty());
    EXPECT_TRUE(RansRoundTrip({}, 16).empty());
    const std::vector<uint8_t> repeated(5000, 7);
    EXPECT_EQ(RansRoundTrip(repeated, 16), repeated);
    // One symbol costs nothing beyond the table and the state.
    EXPECT_LE(RansCoder::Encode(repeated, 16).size(), 16u + 4u);
    EXPECT_EQ(RansRoundTrip({0}, 1), std::vector<uint8_t>{0});
    std::vector<uint8_t> all(256);
    for (int s = 0; s < 256; ++s)
    {
        all[s] = static_cast<uint8_t>(255 - s);
    }
    EXPECT_EQ(RansRoundTrip(all, 256), all);
    std::mt19937 rng(13);
    for (int trial = 0; trial < 20; ++trial)
    {
        const int alphabet = 1 + int(rng() % 256);
        std::vector<uint8_t> symbols(rng() % 3000);
        for (uint8_t& s : symbols)
        {
            // Mostly small symbols, occasionally any: skewed, with rare ones of frequency 1.
            s = static_cast<uint8_t>(rng() % 10 ? rng() % std::min(alphabet, 4) : rng() % alphabet);
        }
        EXPECT_EQ(RansRoundTrip(symbols, alphabet), symbols) << "trial " << trial;
    }
}

TEST(RansCoderTest, CompressesCloseToTheEntropy)
{
    std::mt19937 rng(14);
    std::discrete_distribution<int> source({90, 5, 3, 1, 1});
    std::vector<uint8_t> symbols(20000);
    for (uint8_t& s : symbols)
    {
        s = static_cast<uint8_t>(source(rng));
    }
    const double entropy = -(0.9 * std::log2(0.9) + 0.05 * std::log2(0.05) + 0.03 * std::log2(0.03)
                             + 2 * 0.01 * std::log2(0.01));
    const double bytes = double(RansCoder::Encode(symbols, 16).size());
    EXPECT_LT(bytes, 1.03 * entropy * symbols.size() / 8 + 32);
    EXPECT_GT(bytes, 0.97 * entropy * symbols.size() / 8);
}

TEST(RansCoderTest, NormalizedFrequenciesSumToTotalAndKeepRareSymbols)
{
    std::vector<uint64_t> counts(256, 1);
    counts[0] = 1000000;
    const std::vector<uint32_t> f = RansCoder::Normalize(counts);
    uint32_t sum = 0;
    for (uint32_t v : f)
    {
        EXPECT_GE(v, 1u);
        sum += v;
    }
    EXPECT_EQ(sum, RansCoder::TOTAL);
    EXPECT_EQ(f[0], RansCoder::TOTAL - 255);
}

TEST(RansCoderTest, RejectsBadTablesAndStates)
{
    const std::vector<uint8_t> symbols = {0, 1, 1, 2, 3, 3, 3, 3};
    const std::vector<uint8_t> good = RansCoder::Encode(symbols, 4);
    const auto decode = [](std::vector<uint8_t> bytes)
    {
        ByteReader in(bytes.data(), bytes.size());
        return RansCoder::Decode(in, 8, 4);
    };
    // Counts 1, 2, 1, 4 of 8: frequencies 512, 1024, 512, 2048, two LEB128 bytes each.
    const std::size_t tableBytes = 8;
    ASSERT_EQ(good[0], 0x80);
    ASSERT_EQ(good[1], 512 >> 7);
    std::vector<uint8_t> badSum = good;
    badSum[0] ^= 0x01; // 513
    EXPECT_THROW(decode(badSum), KvWireError);
    std::vector<uint8_t> overlong = good;
    overlong[1] = 0; // a two-byte number whose high byte is zero
    EXPECT_THROW(decode(overlong), KvWireError);
    std::vector<uint8_t> badState = good;
    badState[tableBytes + 3] |= 0x80; // state >= 2^31
    EXPECT_THROW(decode(badState), KvWireError);
    std::vector<uint8_t> lowState = good;
    lowState[tableBytes + 2] = 0;
    lowState[tableBytes + 3] = 0; // state < 2^23
    EXPECT_THROW(decode(lowState), KvWireError);
    EXPECT_EQ(decode(good), symbols);
    EXPECT_THROW(RansCoder::Encode({4}, 4), KvError);
    EXPECT_THROW(RansCoder::Encode({0}, 0), KvError);
}

TEST(RansCoderTest, RandomAndCorruptedStreamsThrowOrDecode)
{
    // Whatever the bytes, decoding ends: symbols of the alphabet, or KvWireError.
    std::mt19937 rng(29);
    int errors = 0;
    for (int trial = 0; trial < 2000; ++trial)
    {
        const int alphabet = 1 + int(rng() % 256);
        std::vector<uint8_t> bytes;
        if (trial % 2)
        {
            std::vector<uint8_t> symbols(1 + rng() % 500);
            for (uint8_t& s : symbols)
            {
                s = static_cast<uint8_t>(rng() % 4 ? 0 : rng() % alphabet);
            }
            bytes = RansCoder::Encode(symbols, alphabet);
            bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
        }
        else
        {
            bytes.resize(rng() % 600);
            for (uint8_t& b : bytes)
            {
                b = static_cast<uint8_t>(rng());
            }
        }
        try
        {
            ByteReader in(bytes.data(), bytes.size());
            for (uint8_t s : RansCoder::Decode(in, 1 + rng() % 1000, alphabet))
            {
                ASSERT_LT(s, alphabet);
            }
        }
        catch (const KvWireError&)
        {
            ++errors;
        }
    }
    EXPECT_GT(errors, 1000);
}

TEST(SymbolPackerTest, PacksLsbFirstAndChecksPadding)
{
    ByteWriter out;
    SymbolPacker::Pack({1, 2, 3, 0, 3}, 3, out);
    // 001 010 011 000 011 -> bits (LSB first) 1,0,0, 0,1,0, 1,1,0, 0,0,0, 1,1,0
    ASSERT_EQ(out.Data(), (std::vector<uint8_t>{0b11010001, 0b00110000}));
    ByteReader in(out.Data().data(), out.Size());
    EXPECT_EQ(SymbolPacker::Unpack(in, 5, 3), (std::vector<uint8_t>{1, 2, 3, 0, 3}));
    std::vector<uint8_t> padded = out.Data();
    padded[1] |= 0x80;
    ByteReader bad(padded.data(), padded.size());
    EXPECT_THROW(SymbolPacker::Unpack(bad, 5, 3), KvWireError);
}

// ---------------------------------------------------------------------------------------------
// PCA

TEST(PcaBasisTest, FitGivesOrthonormalComponentsByDecreasingVarianceWithFixedSigns)
{
    const Matrix rows = SyntheticKv(500, 24, 15);
    const PcaBasis basis = PcaBasis::Fit(rows);
    ASSERT_EQ(basis.Dim(), 24);
    ASSERT_EQ(basis.Rank(), 24);
    const Matrix gram = basis.Components().transpose() * basis.Components();
    EXPECT_LT((gram - Matrix::Identity(24, 24)).cwiseAbs().maxCoeff(), 1e-5);
    EXPECT_LT((basis.Mean() - rows.colwise().mean().transpose()).cwiseAbs().maxCoeff(), 1e-4);
    for (int64_t c = 0; c < 24; ++c)
    {
        if (c > 0)
        {
            EXPECT_GE(basis.Variances()[c - 1], basis.Variances()[c]);
        }
        Eigen::Index largest = 0;
        basis.Components().col(c).cwiseAbs().maxCoeff(&largest);
        EXPECT_GT(basis.Components()(largest, c), 0) << "component " << c;
        // The variance along a component is that of the projected samples.
        const Vector projected =
            (rows.rowwise() - basis.Mean().transpose()) * basis.Components().col(c);
        EXPECT_NEAR(projected.squaredNorm() / 500,
                    basis.Variances()[c],
                    1e-3 * basis.Variances()[0]);
    }
    EXPECT_THROW(PcaBasis::Fit(Matrix(0, 4)), KvError);
}

TEST(PcaBasisTest, SerializeRoundTripEqualsTruncated)
{
    const PcaBasis basis = FitBases().keys;
    for (int64_t rank : {int64_t(1), int64_t(16), KV_DIM})
    {
        ByteWriter out;
        basis.Serialize(out, rank);
        ASSERT_EQ(out.Size(), std::size_t(4 + 2 * KV_DIM * (rank + 1)));
        ByteReader in(out.Data().data(), out.Size());
        const PcaBasis read = PcaBasis::Deserialize(in);
        EXPECT_EQ(in.Remaining(), 0u);
        const PcaBasis cut = basis.Truncated(rank);
        EXPECT_EQ(read.Mean(), cut.Mean()) << rank;
        EXPECT_EQ(read.Components(), cut.Components()) << rank;
        EXPECT_EQ(read.Rank(), rank);
        // Rounding is idempotent: the receiver's basis truncates to the same numbers.
        EXPECT_EQ(read.Truncated(rank).Components(), cut.Components());
        for (std::size_t cut = 0; cut < out.Size(); ++cut)
        {
            ByteReader truncated(out.Data().data(), cut);
            EXPECT_THROW(PcaBasis::Deserialize(truncated), KvWireError) << cut;
        }
    }
}

TEST(PcaBasisTest, DeserializeRejectsInconsistentHeaders)
{
    for (const auto& [dim, rank] : std::vector<std::pair<uint16_t, uint16_t>>{{8, 0},
                                                                              {8, 9},
                                                                              {0, 0},
                                                                              {5000, 1},
                                                                              {65535, 65535}})
    {
        ByteWriter out;
        out.PutU16(dim);
        out.PutU16(rank);
        out.PutBytes(std::vector<uint8_t>(1000, 0));
        ByteReader in(out.Data().data(), out.Size());
        EXPECT_THROW(PcaBasis::Deserialize(in), KvWireError) << dim << " " << rank;
    }
}

// ---------------------------------------------------------------------------------------------
// Token pruning

TEST(TokenPrunerTest, KeptCountIsTheCeiling)
{
    EXPECT_EQ(TokenPruner(33).KeptCount(10), 4);
    EXPECT_EQ(TokenPruner(50).KeptCount(100), 50);
    EXPECT_EQ(TokenPruner(50).KeptCount(7), 4);
    EXPECT_EQ(TokenPruner(1).KeptCount(1), 1);
    EXPECT_EQ(TokenPruner(1).KeptCount(0), 0);
    EXPECT_EQ(TokenPruner(100).KeptCount(9), 9);
    EXPECT_THROW(TokenPruner(0), KvError);
}

} // namespace
