#include "rotary-embedding.h"

#include <cmath>

namespace ns3
{
namespace llm
{

namespace
{

/// Llama 3's rule: keep high frequencies, divide low ones by the factor, blend in between.
double
Llama3Scaled(double invFreq, const RopeScaling& s)
{
    const double pi = 3.141592653589793;
    const double original = static_cast<double>(s.originalMaxPositions);
    const double wavelength = 2 * pi / invFreq;
    if (wavelength < original / s.highFreqFactor)
    {
        return invFreq;
    }
    if (wavelength > original / s.lowFreqFactor)
    {
        return invFreq / s.factor;
    }
    const double smooth =
        (original / wavelength - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return (1 - smooth) * invFreq / s.factor + smooth * invFreq;
}

} // namespace

RotaryEmbedding::RotaryEmbedding(const ModelConfig& config)
    : m_headDim(config.headDim)
{
    const int64_t half = m_headDim / 2;
    for (int64_t i = 0; i < half; ++i)
    {
        double invFreq = 1.0 / std::pow(config.ropeTheta, static_cast<double>(2 * i) / m_headDim);
        switch (config.ropeScaling.type)
        {
            case RopeScaling::Type::LINEAR:
                invFreq /= config.ropeScaling.factor;
                break;
            case RopeScaling::Type::LLAMA3:
                invFreq = Llama3Scaled(invFreq, config.ropeScaling);
                break;
            case RopeScaling::Type::NONE:
                break;
        }
        m_invFreq.push_back(invFreq);
    }
}

void
RotaryEmbedding::Apply(Matrix& x, const std::vector<int32_t>& positions) const
{
    const int64_t half = m_headDim / 2;
    const int64_t heads = x.cols() / m_headDim;
    std::vector<float> cosines(half);
    std::vector<float> sines(half);
    for (Eigen::Index row = 0; row < x.rows(); ++row)
    {
        for (int64_t i = 0; i < half; ++i)
        {
            const double angle = positions[row] * m_invFreq[i];
            cosines[i] = static_cast<float>(std::cos(angle));
            sines[i] = static_cast<float>(std::sin(angle));
        }
        float* data = x.row(row).data();
        for (int64_t head = 0; head < heads; ++head)
        {
            float* first = data + head * m_headDim;
            float* second = first + half;
            for (int64_t i = 0; i < half; ++i)
            {
                const float a = first[i];
                const float b = second[i];
                first[i] = a * cosines[i] - b * sines[i];
                second[i] = b * cosines[i] + a * sines[i];
            }
        }
    }
}

const std::vector<double>&
RotaryEmbedding::InverseFrequencies() const
{
    return m_invFreq;
}

} // namespace llm
} // namespace ns3
