/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// KvCodec: spec strings parse to one canonical form, and every stage keeps its stated error
// bound on KV-like data (channels of very different scales, a few outlier channels), alone and
// composed.

#include "kv-test-utils.h"

#include "ns3/group-quantizer.h"
#include "ns3/kv-codec.h"
#include "ns3/kv-error.h"

#include <Eigen/QR>
#include <Eigen/SVD>
#include <gtest/gtest.h>
#include <iostream>

namespace
{

using namespace ce_lslm_test;
using ns3::kv::ByteReader;
using ns3::kv::ByteWriter;
using ns3::kv::GroupQuantizer;
using ns3::kv::KvCodec;
using ns3::kv::KvError;
using ns3::kv::KvWireError;
using ns3::kv::QuantAxis;
using ns3::kv::QuantizedMatrix;

/// \return block encoded and decoded by spec
KvBlock
RoundTrip(const std::string& spec,
          const KvBlock& block,
          const LayerBases* bases = nullptr,
          const Vector* importance = nullptr)
{
    const KvCodec codec = KvCodec::Parse(spec);
    const std::vector<uint8_t> payload = codec.Encode(block, bases, importance);
    return codec.Decode(payload.data(),
                        payload.size(),
                        block.layer,
                        KV_FIRST_POSITION,
                        block.Tokens(),
                        block.keys.cols(),
                        bases);
}

/// \return payload bytes of block encoded by spec
std::size_t
PayloadSize(const std::string& spec,
            const KvBlock& block,
            const LayerBases* bases = nullptr,
            const Vector* importance = nullptr)
{
    return KvCodec::Parse(spec).Encode(block, bases, importance).size();
}

/// \return the message of the KvError that parsing spec throws ("" if it parses)
std::string
SpecError(const std::string& spec)
{
    try
    {
        KvCodec::Parse(spec);
    }
    catch (const KvError& error)
    {
        return error.what();
    }
    return "";
}

// ---------------------------------------------------------------------------------------------
// Spec parsing

TEST(KvCodecSpecTest, CanonicalForms)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"fp16", "fp16"},
        {"q4g32w0", "q4"},
        {"q4", "q4"},
        {"q4g16", "q4g16"},
        {"q2w8", "q2w8"},
        {"q3g7w5+rans", "q3g7w5+rans"},
        {"pca32", "pca32"},
        {"pca32+fp16", "pca32"},
        {"top50+fp16", "top50"},
        {"top100", "fp16"},
        {"top100+q8", "q8"},
        {"top50+pca32+q4+rans", "top50+pca32+q4+rans"},
        {"top050+pca016+q4g032", "top50+pca16+q4"},
    };
    for (const auto& [spec, canonical] : cases)
    {
        EXPECT_EQ(KvCodec::Parse(spec).Spec(), canonical) << spec;
        EXPECT_EQ(KvCodec::Parse(canonical).Spec(), canonical) << canonical;
    }
    EXPECT_EQ(KvCodec().Spec(), "fp16");
    EXPECT_TRUE(KvCodec().IsReference());
    EXPECT_TRUE(KvCodec::Parse("top100").IsReference());
    EXPECT_FALSE(KvCodec::Parse("pca8").IsReference());
    const KvCodec codec = KvCodec::Parse("top25+pca12+q3g8w2+rans");
    EXPECT_EQ(codec.PcaRank(), 12);
    EXPECT_DOUBLE_EQ(codec.KeptFraction(), 0.25);
    EXPECT_EQ(codec.Bits(), 3);
    EXPECT_EQ(KvCodec::Parse("pca8").Bits(), 16);
}

TEST(KvCodecSpecTest, ErrorsNameTheSpecAndStage)
{
    EXPECT_EQ(SpecError("q5"), "codec spec 'q5': stage 'q5': bits must be 8, 4, 3 or 2");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"zip", "stage 'zip': unknown stage"},
        {"q4+pca8", "stage 'pca8': out of order"},
        {"rans+q4", "stage 'q4': out of order"},
        {"pca8+top50", "stage 'top50': out of order"},
        {"top0", "stage 'top0': percent of tokens kept must be 1..100"},
        {"top101", "stage 'top101': percent"},
        {"top", "stage 'top': percent"},
        {"pca0", "stage 'pca0': rank must be 1..4096"},
        {"pca", "stage 'pca': rank"},
        {"q4+rans+rans", "stage 'rans': duplicate stage"},
        {"pca8+pca4", "stage 'pca4': duplicate stage"},
        {"fp16+q4", "stage 'q4': duplicate stage"},
        {"rans", "stage 'rans': needs a q<B> stage"},
        {"fp16+rans", "stage 'rans': needs a q<B> stage"},
        {"pca8+rans", "stage 'rans': needs a q<B> stage"},
        {"", "stage '': empty stage"},
        {"q4+", "stage '': empty stage"},
        {"top50++q4", "stage '': empty stage"},
        {"q4g0", "stage 'q4g0': group size"},
        {"q4w", "stage 'q4w': malformed"},
        {"q4w2g8", "stage 'q4w2g8': malformed"},
        {"q16", "stage 'q16': bits"},
        {"q4w70000", "stage 'q4w70000': recent window"},
        {"top99999999999999999999", "percent"},
        {"FP16", "unknown stage"},
    };
    for (const auto& [spec, expected] : cases)
    {
        const std::string message = SpecError(spec);
        EXPECT_NE(message.find("codec spec '" + spec + "': "), std::string::npos) << message;
        EXPECT_NE(message.find(expected), std::string::npos) << spec << " -> " << message;
    }
}

// ---------------------------------------------------------------------------------------------
// FP16

TEST(KvCodecFp16Test, RepresentableInputRoundTripsExactly)
{
    KvBlock block = MakeBlock(50, 1);
    block.keys = RoundedToHalf(block.keys);
    block.values = RoundedToHalf(block.values);
    const KvBlock decoded = RoundTrip("fp16", block);
    EXPECT_EQ(decoded.layer, block.layer);
    EXPECT_EQ(decoded.positions, block.positions);
    EXPECT_EQ(decoded.keys, block.keys);
    EXPECT_EQ(decoded.values, block.values);
}

TEST(KvCodecFp16Test, ArbitraryInputIsRoundedToNearestHalf)
{
    const KvBlock block = MakeBlock(50, 2);
    const KvBlock decoded = RoundTrip("fp16", block);
    EXPECT_EQ(decoded.keys, RoundedToHalf(block.keys));
    EXPECT_EQ(decoded.values, RoundedToHalf(block.values));
    // Nearest FP16: within 2^-11 relative (normal range) of the input.
    const Matrix bound = block.keys.cwiseAbs() * std::ldexp(1.0f, -11);
    ExpectWithin(decoded.keys, block.keys, bound, "fp16 key");
}

// ---------------------------------------------------------------------------------------------
// Quantized codecs

/// Expect a decoded matrix of a q codec within the quantizer's bounds on its leading rows and
/// exactly FP16 on its last `recent` rows.
void
ExpectQuantizedWithin(const Matrix& decoded,
                      const Matrix& original,
                      const GroupQuantizer& quantizer,
                      int64_t recent,
                      const char* what)
{
    const int64_t leading = original.rows() - recent;
    const QuantizedMatrix q = quantizer.Quantize(original.topRows(leading));
    ExpectWithin(decoded.topRows(leading),
                 original.topRows(leading),
                 quantizer.ErrorBound(q),
                 what);
    EXPECT_EQ(decoded.bottomRows(recent), RoundedToHalf(original.bottomRows(recent))) << what;
}

TEST(KvCodecQuantizedTest, KeysPerChannelValuesPerTokenWithinBound)
{
    const KvBlock block = MakeBlock(100, 7);
    for (int bits : {8, 4, 3, 2})
    {
        for (int64_t group : {8, 32, 48})
        {
            for (int64_t recent : {0, 5})
            {
                const std::string spec = "q" + std::to_string(bits) + "g" + std::to_string(group)
                                         + "w" + std::to_string(recent);
                SCOPED_TRACE(spec);
                const KvBlock decoded = RoundTrip(spec, block);
                ASSERT_EQ(decoded.positions, block.positions);
                ExpectQuantizedWithin(decoded.keys,
                                      block.keys,
                                      GroupQuantizer(bits, group, QuantAxis::PER_CHANNEL),
                                      recent,
                                      "key");
                ExpectQuantizedWithin(decoded.values,
                                      block.values,
                                      GroupQuantizer(bits, group, QuantAxis::PER_TOKEN),
                                      recent,
                                      "value");
            }
        }
    }
}

TEST(KvCodecQuantizedTest, WindowLargerThanBlockKeepsAllFp16)
{
    const KvBlock block = MakeBlock(6, 8);
    const KvBlock decoded = RoundTrip("q2w10", block);
    EXPECT_EQ(decoded.keys, RoundedToHalf(block.keys));
    EXPECT_EQ(decoded.values, RoundedToHalf(block.values));
}

TEST(KvCodecQuantizedTest, EmptyBlockRoundTrips)
{
    const KvBlock block = MakeBlock(0, 9);
    for (const char* spec : {"fp16", "q4+rans", "top50+q2"})
    {
        const Vector importance(0);
        const KvBlock decoded = RoundTrip(spec, block, nullptr, &importance);
        EXPECT_EQ(decoded.Tokens(), 0) << spec;
        EXPECT_EQ(decoded.values.cols(), KV_DIM) << spec;
    }
}

// ---------------------------------------------------------------------------------------------
// Payload sizes

TEST(KvCodecSizeTest, Q4IsAQuarterOfFp16PlusGroupParameters)
{
    const int64_t tokens = 256;
    const KvBlock block = MakeBlock(tokens, 10);
    const std::size_t header = 1 + 2 + 4;
    const std::size_t fp16 = PayloadSize("fp16", block);
    EXPECT_EQ(fp16, header + 2 * std::size_t(tokens * KV_DIM) * 2);
    // Keys: 64 channels x 8 groups of 32 tokens; values: 256 tokens x 2 groups of 32 channels;
    // 4 bytes (FP16 min and scale) each.
    const std::size_t groups = 64 * 8 + 256 * 2;
    const std::size_t q4 = PayloadSize("q4", block);
    EXPECT_EQ(q4, header + 2 * std::size_t(tokens * KV_DIM) / 2 + 4 * groups);
    EXPECT_LT(double(q4), 0.32 * double(fp16));
    EXPECT_GT(double(q4), 0.25 * double(fp16));
    // A recent window of 16 tokens: their rows FP16, fewer groups for the rest.
    const std::size_t q4w16 = PayloadSize("q4w16", block);
    const std::size_t groupsW = 64 * 8 + 240 * 2;
    EXPECT_EQ(q4w16, header + 2 * (240 * KV_DIM / 2 + 16 * KV_DIM * 2) + 4 * groupsW);
}

TEST(KvCodecSizeTest, MeasuredSizesOfA256TokenBlock)
{
    const KvBlock block = MakeBlock(256, 11);
    const LayerBases bases = FitBases();
    std::size_t previous = SIZE_MAX;
    for (const char* spec : {"fp16", "q8", "q4", "q2", "pca16+q4", "pca16+q4+rans"})
    {
        const std::size_t size = PayloadSize(spec, block, &bases);
        std::cout << "[ sizes    ] 256 x 64 " << spec << ": " << size << " bytes\n";
        EXPECT_LT(size, previous) << spec;
        previous = size;
    }
}

// ---------------------------------------------------------------------------------------------
// rANS

/// Heavy-tailed data (cubed normals): quantized symbols crowd the middle of each group's range.
KvBlock
SkewedBlock(int64_t tokens, uint32_t seed)
{
    KvBlock block = MakeBlock(tokens, seed);
    const auto cube = [](float v)
    {
        return v * v * v;
    };
    block.keys = block.keys.unaryExpr(cube) / 100.0f;
    block.values = block.values.unaryExpr(cube) / 100.0f;
    return block;
}

TEST(KvCodecRansTest, DecodesIdenticallyToBitPackingAndIsSmallerOnSkewedData)
{
    const KvBlock block = SkewedBlock(256, 12);
    for (const char* spec : {"q8", "q4", "q4g64w8", "q3g16", "q2"})
    {
        const std::string rans = std::string(spec) + "+rans";
        const KvBlock packed = RoundTrip(spec, block);
        const KvBlock coded = RoundTrip(rans, block);
        EXPECT_EQ(coded.keys, packed.keys) << spec;
        EXPECT_EQ(coded.values, packed.values) << spec;
        EXPECT_LT(PayloadSize(rans, block), PayloadSize(spec, block)) << spec;
    }
}

// ---------------------------------------------------------------------------------------------
// PCA codecs

TEST(KvCodecPcaTest, FullRankReconstructsWithinFp16Precision)
{
    const LayerBases bases = FitBases();
    const KvBlock block = MakeBlock(64, 16);
    const KvBlock decoded = RoundTrip("pca64", block, &bases);
    for (const auto& [original, result] :
         {std::pair(&block.keys, &decoded.keys), std::pair(&block.values, &decoded.values)})
    {
        for (int64_t r = 0; r < original->rows(); ++r)
        {
            // FP16 coefficients: each within 2^-11 relative, and the coefficients' norm is
            // that of the centred row (up to the basis' FP16 rounding).
            const float error = (result->row(r) - original->row(r)).norm();
            EXPECT_LE(error, 1.1f * std::ldexp(1.0f, -11) * original->row(r).norm() + 1e-5f) << r;
        }
    }
}

/// \return rows minus their orthogonal projection on the affine span of basis (computed by QR,
///         independently of PcaBasis::Project)
Matrix
ResidualOffSpan(const Matrix& rows, const PcaBasis& basis)
{
    const Eigen::MatrixXd components = basis.Components().cast<double>();
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(components);
    const Eigen::MatrixXd q =
        qr.householderQ() * Eigen::MatrixXd::Identity(components.rows(), components.cols());
    const Eigen::MatrixXd centred =
        rows.cast<double>().rowwise() - basis.Mean().transpose().cast<double>();
    return (centred - centred * q * q.transpose()).cast<float>();
}

TEST(KvCodecPcaTest, RankRErrorIsTheResidualOffTheSubspace)
{
    const LayerBases bases = FitBases();
    const KvBlock block = MakeBlock(80, 17);
    for (int64_t rank : {4, 16})
    {
        const KvBlock decoded = RoundTrip("pca" + std::to_string(rank), block, &bases);
        const Matrix residual = ResidualOffSpan(block.keys, bases.keys.Truncated(rank));
        const Matrix error = block.keys - decoded.keys;
        for (int64_t r = 0; r < block.keys.rows(); ++r)
        {
            // What is left besides the residual is the FP16 rounding of the coefficients.
            const float coefficientRounding =
                1.1f * std::ldexp(1.0f, -11)
                * (block.keys.row(r) - bases.keys.Mean().transpose()).norm();
            EXPECT_LE((error.row(r) - residual.row(r)).norm(), coefficientRounding + 1e-5f)
                << "rank " << rank << " row " << r;
        }
        // A real reduction: rank 4 of 64 channels leaves a clearly nonzero residual.
        EXPECT_GT(residual.norm(), 1e-2 * block.keys.norm());
    }
}

TEST(KvCodecPcaTest, ReceiverBasisFromTheWireDecodesBitIdentically)
{
    const LayerBases bases = FitBases();
    const KvBlock block = MakeBlock(40, 18);
    LayerBases received;
    for (auto [from, to] :
         {std::pair(&bases.keys, &received.keys), std::pair(&bases.values, &received.values)})
    {
        ByteWriter out;
        from->Serialize(out, 20);
        ByteReader in(out.Data().data(), out.Size());
        *to = PcaBasis::Deserialize(in);
    }
    const KvCodec codec = KvCodec::Parse("pca16+q4g8");
    const std::vector<uint8_t> payload = codec.Encode(block, &bases, nullptr);
    const KvBlock sender = codec.Decode(payload.data(), payload.size(), 3, 0, 40, KV_DIM, &bases);
    const KvBlock receiver =
        codec.Decode(payload.data(), payload.size(), 3, 0, 40, KV_DIM, &received);
    EXPECT_EQ(sender.keys, receiver.keys);
    EXPECT_EQ(sender.values, receiver.values);
}

// ---------------------------------------------------------------------------------------------
// Token pruning

TEST(KvCodecTopTest, KeepsTheMostImportantTokensWithTheirPositionsAndValues)
{
    const int64_t tokens = 90;
    const KvBlock block = MakeBlock(tokens, 19);
    std::mt19937 rng(20);
    Vector importance(tokens);
    for (int64_t i = 0; i < tokens; ++i)
    {
        importance[i] = float(rng() % 12); // many ties
    }
    for (int percent : {1, 30, 50, 99, 100})
    {
        const std::string spec = "top" + std::to_string(percent);
        const KvBlock decoded = RoundTrip(spec, block, nullptr, &importance);
        const int64_t count = (percent * tokens + 99) / 100;
        const std::vector<int64_t> expected = ReferenceTop(importance, count);
        ASSERT_EQ(decoded.Tokens(), count) << spec;
        EXPECT_EQ(tokens - decoded.Tokens(), tokens - count) << "pruned, " << spec;
        ASSERT_EQ(decoded.positions.size(), expected.size());
        for (std::size_t k = 0; k < expected.size(); ++k)
        {
            EXPECT_EQ(decoded.positions[k], KV_FIRST_POSITION + expected[k]) << spec;
            EXPECT_EQ(decoded.keys.row(k), RoundedToHalf(block.keys.row(expected[k])));
            EXPECT_EQ(decoded.values.row(k), RoundedToHalf(block.values.row(expected[k])));
        }
    }
}

TEST(KvCodecTopTest, MaskWithTheWrongCountIsAWireError)
{
    const KvBlock block = MakeBlock(20, 21);
    Vector importance = Vector::LinSpaced(20, 0, 1);
    const KvCodec codec = KvCodec::Parse("top50");
    std::vector<uint8_t> payload = codec.Encode(block, nullptr, &importance);
    payload[7] ^= 0x01; // token 0: not kept (least important) -> now kept, 11 of 20
    EXPECT_THROW(codec.Decode(payload.data(), payload.size(), 0, 0, 20, KV_DIM, nullptr),
                 KvWireError);
}

// ---------------------------------------------------------------------------------------------
// Composed pipeline

TEST(KvCodecComposedTest, TopPcaQuantRansRoundTripsWithBoundedError)
{
    const int64_t tokens = 96;
    const int64_t rank = 16;
    const int64_t recent = 4;
    const LayerBases bases = FitBases();
    const KvBlock block = MakeBlock(tokens, 22);
    std::mt19937 rng(23);
    Vector importance(tokens);
    for (int64_t i = 0; i < tokens; ++i)
    {
        importance[i] = std::uniform_real_distribution<float>(0, 1)(rng);
    }
    const KvBlock decoded = RoundTrip("top50+pca16+q4g16w4+rans", block, &bases, &importance);
    const std::vector<int64_t> expected = ReferenceTop(importance, tokens / 2);
    ASSERT_EQ(decoded.Tokens(), tokens / 2);
    for (std::size_t k = 0; k < expected.size(); ++k)
    {
        EXPECT_EQ(decoded.positions[k], KV_FIRST_POSITION + expected[k]);
    }
    for (bool keys : {true, false})
    {
        const PcaBasis basis = (keys ? bases.keys : bases.values).Truncated(rank);
        Matrix kept(expected.size(), KV_DIM);
        for (std::size_t k = 0; k < expected.size(); ++k)
        {
            kept.row(k) = (keys ? block.keys : block.values).row(expected[k]);
        }
        // The reference is the PCA reconstruction of exact coefficients; quantization moves
        // each coefficient within its bound, which the basis maps to at most its largest
        // singular value times the norm of the bounds.
        const Matrix coefficients = basis.Project(kept, rank);
        const Matrix reference = basis.Reconstruct(coefficients);
        const GroupQuantizer quantizer(4, 16, keys ? QuantAxis::PER_CHANNEL : QuantAxis::PER_TOKEN);
        const int64_t leading = coefficients.rows() - recent;
        Matrix bound = Matrix::Zero(coefficients.rows(), rank);
        bound.topRows(leading) =
            quantizer.ErrorBound(quantizer.Quantize(coefficients.topRows(leading)));
        bound.bottomRows(recent) =
            coefficients.bottomRows(recent).cwiseAbs() * std::ldexp(1.0f, -11);
        const float sigma =
            Eigen::JacobiSVD<Eigen::MatrixXf>(basis.Components()).singularValues()[0];
        const Matrix& result = keys ? decoded.keys : decoded.values;
        for (int64_t r = 0; r < result.rows(); ++r)
        {
            EXPECT_LE((result.row(r) - reference.row(r)).norm(),
                      sigma * bound.row(r).norm() * 1.001f + 1e-4f)
                << (keys ? "key" : "value") << " row " << r;
        }
    }
}

} // namespace
