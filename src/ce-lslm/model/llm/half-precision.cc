#include "half-precision.h"

#include <cstring>

namespace ns3
{
namespace llm
{

namespace
{

uint32_t
FloatBits(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

float
BitsFloat(uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

} // namespace

float
HalfPrecision::HalfToFloat(uint16_t bits)
{
    const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1fu;
    const uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0x1f) // inf or NaN: keep the payload
    {
        return BitsFloat(sign | 0x7f800000u | (mantissa << 13));
    }
    if (exponent == 0)
    {
        // Zero or subnormal: value = mantissa * 2^-24, exact in FP32.
        const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
        return sign ? -magnitude : magnitude;
    }
    return BitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t
HalfPrecision::FloatToHalf(float value)
{
    const uint32_t bits = FloatBits(value);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t absBits = bits & 0x7fffffffu;
    if (absBits >= 0x7f800000u) // inf or NaN
    {
        return sign | (absBits > 0x7f800000u ? 0x7e00u : 0x7c00u);
    }
    if (absBits >= 0x477ff000u) // rounds to >= 65520: overflow
    {
        return sign | 0x7c00u;
    }
    if (absBits < 0x38800000u) // below the smallest normal half: subnormal or zero
    {
        // Scale so that one half-subnormal ulp is 1, then round to nearest even in FP32.
        const float scaled = BitsFloat(absBits) * 16777216.0f;  // 2^24
        const float rounded = scaled + 8388608.0f - 8388608.0f; // round to integer, ties even
        return sign | static_cast<uint16_t>(rounded);
    }
    // Normal: drop 13 mantissa bits with round to nearest even.
    const uint32_t rebased = absBits - (112u << 23);
    const uint32_t roundBit = 0x1000u;
    const uint32_t lsb = (rebased >> 13) & 1u;
    return sign | static_cast<uint16_t>((rebased + roundBit - 1 + lsb) >> 13);
}

float
HalfPrecision::Bf16ToFloat(uint16_t bits)
{
    return BitsFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t
HalfPrecision::FloatToBf16(float value)
{
    const uint32_t bits = FloatBits(value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: keep it quiet and NaN
    {
        return static_cast<uint16_t>((bits >> 16) | 0x40u);
    }
    const uint32_t lsb = (bits >> 16) & 1u;
    return static_cast<uint16_t>((bits + 0x7fffu + lsb) >> 16);
}

} // namespace llm
} // namespace ns3
