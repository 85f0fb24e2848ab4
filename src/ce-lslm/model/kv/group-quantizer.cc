#include "group-quantizer.h"

#include "kv-error.h"

#include "ns3/half-precision.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

namespace ns3
{
namespace kv
{

namespace
{

constexpr uint16_t HALF_SIGN = 0x8000; //!< sign bit of an FP16 pattern

/// \return the FP16 pattern next below bits toward -inf (bits finite)
uint16_t
NextHalfDown(uint16_t bits)
{
    if (bits == 0)
    {
        return HALF_SIGN | 1; // +0 -> the negative subnormal nearest zero
    }
    // Patterns of negative numbers grow with magnitude, those of positive numbers with value.
    return (bits & HALF_SIGN) ? bits + 1 : bits - 1;
}

/// \return the FP16 pattern next above bits toward +inf (bits finite)
uint16_t
NextHalfUp(uint16_t bits)
{
    if (bits == HALF_SIGN)
    {
        return 1; // -0 -> the positive subnormal nearest zero
    }
    return (bits & HALF_SIGN) ? bits - 1 : bits + 1;
}

/// \return the largest FP16 value <= value
float
HalfFloor(float value)
{
    const uint16_t bits = llm::HalfPrecision::FloatToHalf(value);
    const float nearest = llm::HalfPrecision::HalfToFloat(bits);
    return nearest <= value ? nearest : llm::HalfPrecision::HalfToFloat(NextHalfDown(bits));
}

/// \return the smallest FP16 value >= value
float
HalfCeil(float value)
{
    const uint16_t bits = llm::HalfPrecision::FloatToHalf(value);
    const float nearest = llm::HalfPrecision::HalfToFloat(bits);
    return nearest >= value ? nearest : llm::HalfPrecision::HalfToFloat(NextHalfUp(bits));
}

} // namespace

GroupQuantizer::GroupQuantizer(int bits, int64_t group, QuantAxis axis)
    : m_bits(bits)
    , m_group(group)
    , m_axis(axis)
{
    if (bits < 2 || bits > 8 || group < 1)
    {
        throw KvError("group quantizer of " + std::to_string(bits) + " bits and groups of "
                      + std::to_string(group) + ": needs 2..8 bits and groups >= 1");
    }
}

int64_t
GroupQuantizer::GroupCount(int64_t rows, int64_t cols) const
{
    const int64_t lanes = m_axis == QuantAxis::PER_TOKEN ? rows : cols;
    const int64_t length = m_axis == QuantAxis::PER_TOKEN ? cols : rows;
    return lanes * ((length + m_group - 1) / m_group);
}

Matrix
GroupQuantizer::ToLanes(const Matrix& matrix) const
{
    if (m_axis == QuantAxis::PER_TOKEN)
    {
        return matrix;
    }
    return matrix.transpose();
}

Matrix
GroupQuantizer::FromLanes(const Matrix& lanes) const
{
    // Transposition is its own inverse.
    return ToLanes(lanes);
}

QuantizedMatrix
GroupQuantizer::Quantize(const Matrix& matrix) const
{
    const int levels = (1 << m_bits) - 1;
    const Matrix lanes = ToLanes(matrix);
    QuantizedMatrix quantized;
    quantized.rows = matrix.rows();
    quantized.cols = matrix.cols();
    quantized.symbols.reserve(static_cast<std::size_t>(matrix.size()));
    for (int64_t lane = 0; lane < lanes.rows(); ++lane)
    {
        for (int64_t start = 0; start < lanes.cols(); start += m_group)
        {
            const auto group =
                lanes.row(lane).segment(start, std::min(m_group, lanes.cols() - start));
            // Rounding min down and the step up keeps every element inside the grid, so the
            // nearest grid point is always within half a step.
            const float min = HalfFloor(group.minCoeff());
            const float scale = HalfCeil((group.maxCoeff() - min) / static_cast<float>(levels));
            quantized.mins.push_back(min);
            quantized.scales.push_back(scale);
            for (float value : group)
            {
                const float steps = scale > 0 ? std::floor((value - min) / scale + 0.5f) : 0.0f;
                quantized.symbols.push_back(
                    static_cast<uint8_t>(std::clamp(steps, 0.0f, static_cast<float>(levels))));
            }
        }
    }
    return quantized;
}

template<typename ElementFn>
Matrix
GroupQuantizer::MapElements(const QuantizedMatrix& quantized, ElementFn fn) const
{
    const int64_t groups = GroupCount(quantized.rows, quantized.cols);
    if (quantized.symbols.size() != static_cast<std::size_t>(quantized.rows * quantized.cols)
        || quantized.mins.size() != static_cast<std::size_t>(groups)
        || quantized.scales.size() != static_cast<std::size_t>(groups))
    {
        throw KvError("quantized matrix of " + std::to_string(quantized.rows) + " x "
                      + std::to_string(quantized.cols) + " with "
                      + std::to_string(quantized.symbols.size()) + " symbols and "
                      + std::to_string(quantized.mins.size()) + " groups is inconsistent");
    }
    const bool perToken = m_axis == QuantAxis::PER_TOKEN;
    Matrix lanes(perToken ? quantized.rows : quantized.cols,
                 perToken ? quantized.cols : quantized.rows);
    const int64_t groupsPerLane = (lanes.cols() + m_group - 1) / m_group;
    for (int64_t lane = 0; lane < lanes.rows(); ++lane)
    {
        for (int64_t i = 0; i < lanes.cols(); ++i)
        {
            const std::size_t group = lane * groupsPerLane + i / m_group;
            lanes(lane, i) = fn(quantized.mins[group],
                                quantized.scales[group],
                                quantized.symbols[lane * lanes.cols() + i]);
        }
    }
    return FromLanes(lanes);
}

Matrix
GroupQuantizer::Dequantize(const QuantizedMatrix& quantized) const
{
    return MapElements(quantized,
                       [](float min, float scale, uint8_t symbol)
                       {
                           return min + static_cast<float>(symbol) * scale;
                       });
}

Matrix
GroupQuantizer::ErrorBound(const QuantizedMatrix& quantized) const
{
    return MapElements(quantized,
                       [this](float min, float scale, uint8_t)
                       {
                           return ElementBound(min, scale);
                       });
}

float
GroupQuantizer::ElementBound(float min, float scale) const
{
    // Half a step, plus the FP32 rounding of (x - min) / scale when quantizing and of
    // min + q * scale when decoding: a few units in the last place of the grid's magnitude.
    const float levels = static_cast<float>((1 << m_bits) - 1);
    return 0.5f * scale + 8 * FLT_EPSILON * (std::fabs(min) + levels * scale);
}

void
GroupQuantizer::WriteParameters(const QuantizedMatrix& quantized, ByteWriter& out) const
{
    for (std::size_t g = 0; g < quantized.mins.size(); ++g)
    {
        out.PutF16(quantized.mins[g]);
        out.PutF16(quantized.scales[g]);
    }
}

QuantizedMatrix
GroupQuantizer::ReadParameters(ByteReader& in, int64_t rows, int64_t cols) const
{
    const int64_t groups = GroupCount(rows, cols);
    // Claim all the bytes first: a truncated payload then allocates nothing.
    const std::size_t bytes = static_cast<std::size_t>(groups) * 4;
    ByteReader params(in.GetBytes(bytes, "quantization parameters"), bytes, in.Offset() - bytes);
    QuantizedMatrix quantized;
    quantized.rows = rows;
    quantized.cols = cols;
    quantized.mins.resize(groups);
    quantized.scales.resize(groups);
    for (int64_t g = 0; g < groups; ++g)
    {
        quantized.mins[g] = params.GetF16("group minimum");
        quantized.scales[g] = params.GetF16("group scale");
        if (!std::isfinite(quantized.mins[g]) || !std::isfinite(quantized.scales[g])
            || quantized.scales[g] < 0)
        {
            params.Fail("group " + std::to_string(g) + " has minimum "
                        + std::to_string(quantized.mins[g]) + " and scale "
                        + std::to_string(quantized.scales[g])
                        + ", not a finite minimum and a finite scale >= 0");
        }
    }
    return quantized;
}

} // namespace kv
} // namespace ns3
