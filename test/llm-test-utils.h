/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_LLM_TEST_UTILS_H
#define CE_LSLM_LLM_TEST_UTILS_H

// Shared by the kernel test suites: small model shapes, a deliberately naive reference forward
// pass written with plain loops (independent of the kernel's Eigen code), and comparisons.

#include "ns3/model-weights.h"
#include "ns3/tensor-types.h"

#include <cmath>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace ce_lslm_test
{

using ns3::llm::Matrix;
using ns3::llm::ModelConfig;
using ns3::llm::ModelWeights;
using ns3::llm::TokenSequence;

/// A small Llama shape.
inline ModelConfig
SmallConfig(int64_t hidden,
            int64_t layers,
            int64_t heads,
            int64_t kvHeads,
            int64_t ffn,
            int64_t vocab,
            bool tied)
{
    ModelConfig config;
    config.hiddenSize = hidden;
    config.numLayers = layers;
    config.numHeads = heads;
    config.numKvHeads = kvHeads;
    config.headDim = hidden / heads;
    config.intermediateSize = ffn;
    config.vocabSize = vocab;
    config.maxPositions = 512;
    config.ropeTheta = 10000.0;
    config.rmsNormEps = 1e-5;
    config.tieWordEmbeddings = tied;
    return config;
}

/// Deterministic pseudo-random tokens in [0, vocab).
inline TokenSequence
SomeTokens(std::size_t count, int64_t vocab, uint32_t salt = 1)
{
    TokenSequence tokens;
    uint32_t state = 2463534242u ^ salt;
    for (std::size_t i = 0; i < count; ++i)
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        tokens.push_back(static_cast<ns3::llm::TokenId>(state % vocab));
    }
    return tokens;
}

/// Plain-loop Llama forward pass of a whole sequence from position 0: logits of every token.
class NaiveLlama
{
  public:
    explicit NaiveLlama(const ModelWeights& w)
        : m_w(w)
        , m_c(w.config)
    {
    }

    std::vector<std::vector<double>> Logits(const TokenSequence& tokens) const
    {
        const std::size_t n = tokens.size();
        std::vector<std::vector<double>> x(n, std::vector<double>(m_c.hiddenSize));
        for (std::size_t t = 0; t < n; ++t)
        {
            for (int64_t i = 0; i < m_c.hiddenSize; ++i)
            {
                x[t][i] = m_w.embedding(tokens[t], i);
            }
        }
        for (const auto& layer : m_w.layers)
        {
            Layer(layer, x);
        }
        std::vector<std::vector<double>> logits;
        for (std::size_t t = 0; t < n; ++t)
        {
            logits.push_back(MatVec(m_w.Head(), Norm(x[t], m_w.finalNorm)));
        }
        return logits;
    }

  private:
    std::vector<double> Norm(const std::vector<double>& v, const ns3::llm::Vector& w) const
    {
        double sum = 0;
        for (double e : v)
        {
            sum += e * e;
        }
        const double scale = 1.0 / std::sqrt(sum / v.size() + m_c.rmsNormEps);
        std::vector<double> out(v.size());
        for (std::size_t i = 0; i < v.size(); ++i)
        {
            out[i] = v[i] * scale * w[i];
        }
        return out;
    }

    static std::vector<double> MatVec(const Matrix& m, const std::vector<double>& v)
    {
        std::vector<double> out(m.rows(), 0.0);
        for (Eigen::Index r = 0; r < m.rows(); ++r)
        {
            for (Eigen::Index c = 0; c < m.cols(); ++c)
            {
                out[r] += m(r, c) * v[c];
            }
        }
        return out;
    }

    void Rope(std::vector<double>& v, std::size_t position) const
    {
        const int64_t d = m_c.headDim;
        for (std::size_t head = 0; head < v.size() / d; ++head)
        {
            for (int64_t i = 0; i < d / 2; ++i)
            {
                const double freq = std::pow(m_c.ropeTheta, -2.0 * i / d);
                const double c = std::cos(position * freq);
                const double s = std::sin(position * freq);
                double& a = v[head * d + i];
                double& b = v[head * d + i + d / 2];
                const double a0 = a;
                a = a0 * c - b * s;
                b = b * c + a0 * s;
            }
        }
    }

    void Layer(const ns3::llm::LayerWeights& w, std::vector<std::vector<double>>& x) const
    {
        const std::size_t n = x.size();
        const int64_t d = m_c.headDim;
        std::vector<std::vector<double>> q(n), k(n), v(n);
        for (std::size_t t = 0; t < n; ++t)
        {
            const auto h = Norm(x[t], w.attentionNorm);
            q[t] = MatVec(w.query, h);
            k[t] = MatVec(w.key, h);
            v[t] = MatVec(w.value, h);
            Rope(q[t], t);
            Rope(k[t], t);
        }
        const int64_t group = m_c.numHeads / m_c.numKvHeads;
        for (std::size_t t = 0; t < n; ++t)
        {
            std::vector<double> attended(m_c.numHeads * d, 0.0);
            for (int64_t head = 0; head < m_c.numHeads; ++head)
            {
                const int64_t kvHead = head / group;
                std::vector<double> scores(t + 1);
                double top = -1e300;
                for (std::size_t s = 0; s <= t; ++s)
                {
                    double dot = 0;
                    for (int64_t i = 0; i < d; ++i)
                    {
                        dot += q[t][head * d + i] * k[s][kvHead * d + i];
                    }
                    scores[s] = dot / std::sqrt(static_cast<double>(d));
                    top = std::max(top, scores[s]);
                }
                double total = 0;
                for (double& score : scores)
                {
                    score = std::exp(score - top);
                    total += score;
                }
                for (std::size_t s = 0; s <= t; ++s)
                {
                    for (int64_t i = 0; i < d; ++i)
                    {
                        attended[head * d + i] += scores[s] / total * v[s][kvHead * d + i];
                    }
                }
            }
            const auto projected = MatVec(w.output, attended);
            for (int64_t i = 0; i < m_c.hiddenSize; ++i)
            {
                x[t][i] += projected[i];
            }
            const auto h = Norm(x[t], w.mlpNorm);
            const auto gate = MatVec(w.gate, h);
            const auto up = MatVec(w.up, h);
            std::vector<double> act(gate.size());
            for (std::size_t i = 0; i < gate.size(); ++i)
            {
                act[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];
            }
            const auto down = MatVec(w.down, act);
            for (int64_t i = 0; i < m_c.hiddenSize; ++i)
            {
                x[t][i] += down[i];
            }
        }
    }

    const ModelWeights& m_w;
    const ModelConfig& m_c;
};

/// Largest |a - b| / max(1, |b|) over two logit rows.
inline double
MaxRelativeError(const Eigen::Ref<const ns3::llm::Vector>& a, const std::vector<double>& b)
{
    double worst = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
    {
        worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
    }
    return worst;
}

/// Largest absolute difference of two matrices of the same shape.
inline double
MaxAbsDifference(const Matrix& a, const Matrix& b)
{
    EXPECT_EQ(a.rows(), b.rows());
    EXPECT_EQ(a.cols(), b.cols());
    if (a.rows() != b.rows() || a.cols() != b.cols())
    {
        return 1e30;
    }
    return (a - b).cwiseAbs().maxCoeff();
}

} // namespace ce_lslm_test

#endif // CE_LSLM_LLM_TEST_UTILS_H
