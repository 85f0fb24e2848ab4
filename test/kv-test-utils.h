/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_TEST_UTILS_H
#define CE_LSLM_KV_TEST_UTILS_H

// Deterministic KV-like data and checks shared by the KV layer's suites.

#include "llm-test-utils.h"

#include "ns3/half-precision.h"
#include "ns3/kv-block.h"
#include "ns3/pca-basis.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace ce_lslm_test
{

using ns3::kv::KvBlock;
using ns3::kv::LayerBases;
using ns3::kv::Matrix;
using ns3::kv::PcaBasis;
using ns3::kv::Vector;
using ns3::llm::HalfPrecision;

constexpr int64_t KV_DIM = 64;              //!< kvDim of the test blocks
constexpr int32_t KV_FIRST_POSITION = 1000; //!< position of a test block's first token

/// \return rows x cols standard normal samples
inline Matrix
RandomNormal(int64_t rows, int64_t cols, std::mt19937& rng)
{
    std::normal_distribution<float> normal;
    Matrix samples(rows, cols);
    for (int64_t i = 0; i < samples.size(); ++i)
    {
        samples.data()[i] = normal(rng);
    }
    return samples;
}

/// KV-like rows: a low-rank signal plus noise, channel scales spread over two orders of
/// magnitude, per-channel offsets, and three outlier channels 25 times larger.
inline Matrix
SyntheticKv(int64_t tokens, int64_t dim, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> logScale(-3.0f, 0.5f);
    const int64_t latent = 8;
    const Matrix mixing = RandomNormal(latent, dim, rng);
    const Matrix signal = RandomNormal(tokens, latent, rng);
    const Matrix noise = RandomNormal(tokens, dim, rng);
    Matrix rows = signal * mixing / std::sqrt(float(latent)) + 0.2f * noise;
    for (int64_t c = 0; c < dim; ++c)
    {
        const bool outlier = c == 3 || c == dim / 2 || c == dim - 5;
        const float scale = std::exp(logScale(rng)) * (outlier ? 25.0f : 1.0f);
        const float offset = 0.5f * normal(rng) * scale;
        rows.col(c) = rows.col(c) * scale + Vector::Constant(tokens, offset);
    }
    return rows;
}

/// \return matrix with every element rounded to the nearest FP16
inline Matrix
RoundedToHalf(const Matrix& matrix)
{
    return matrix.unaryExpr(
        [](float v)
        {
            return HalfPrecision::HalfToFloat(HalfPrecision::FloatToHalf(v));
        });
}

/// A block of synthetic keys and values at consecutive positions.
inline KvBlock
MakeBlock(int64_t tokens, uint32_t seed, int64_t dim = KV_DIM)
{
    KvBlock block;
    block.layer = 3;
    block.keys = SyntheticKv(tokens, dim, seed);
    block.values = SyntheticKv(tokens, dim, seed + 1000);
    for (int64_t i = 0; i < tokens; ++i)
    {
        block.positions.push_back(KV_FIRST_POSITION + static_cast<int32_t>(i));
    }
    return block;
}

/// Bases fitted on calibration KV of the same distribution as MakeBlock (other samples).
inline LayerBases
FitBases(int64_t dim = KV_DIM)
{
    const KvBlock calibration = MakeBlock(2048, 77, dim);
    return {PcaBasis::Fit(calibration.keys), PcaBasis::Fit(calibration.values)};
}

/// Expect every element of actual within bound of expected (named for the failure message).
inline void
ExpectWithin(const Matrix& actual, const Matrix& expected, const Matrix& bound, const char* what)
{
    ASSERT_EQ(actual.rows(), expected.rows());
    ASSERT_EQ(actual.cols(), expected.cols());
    int failures = 0;
    for (int64_t r = 0; r < actual.rows() && failures < 5; ++r)
    {
        for (int64_t c = 0; c < actual.cols() && failures < 5; ++c)
        {
            const float error = std::fabs(actual(r, c) - expected(r, c));
            if (!(error <= bound(r, c)))
            {
                ++failures;
                ADD_FAILURE() << what << " (" << r << ", " << c << "): error " << error
                              << " > bound " << bound(r, c);
            }
        }
    }
}

/// \return indices of the `count` most important tokens, ties to the earlier, increasing
///         (a plain reference: repeatedly take the first maximum)
inline std::vector<int64_t>
ReferenceTop(const Vector& importance, int64_t count)
{
    std::vector<bool> taken(importance.size(), false);
    for (int64_t k = 0; k < count; ++k)
    {
        int64_t best = -1;
        for (int64_t i = 0; i < importance.size(); ++i)
        {
            if (!taken[i] && (best < 0 || importance[i] > importance[best]))
            {
                best = i;
            }
        }
        taken[best] = true;
    }
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < importance.size(); ++i)
    {
        if (taken[i])
        {
            kept.push_back(i);
        }
    }
    return kept;
}

/// A small byte-tokenizer Llama shape (vocabulary 260), as the committed models.
inline ns3::llm::ModelConfig
ByteConfig(int64_t hidden, int64_t layers, int64_t heads, int64_t kvHeads)
{
    ns3::llm::ModelConfig config =
        SmallConfig(hidden, layers, heads, kvHeads, 2 * hidden, 260, true);
    config.tokenizer = "byte";
    config.maxPositions = 1024;
    return config;
}

/// Deterministic English-like calibration texts of a few kilobytes.
inline std::vector<std::string>
SomeTexts()
{
    std::string text;
    for (int i = 0; i < 60; ++i)
    {
        text += "Sentence " + std::to_string(i) + " talks about the bears, the pitch and game "
                + std::to_string(i * 7 % 13) + ". ";
    }
    return {text, text.substr(500) + " And more words follow here."};
}

} // namespace ce_lslm_test

#endif // CE_LSLM_KV_TEST_UTILS_H
