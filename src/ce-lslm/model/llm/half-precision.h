#ifndef CE_LSLM_HALF_PRECISION_H
#define CE_LSLM_HALF_PRECISION_H

#include <cstdint>

namespace ns3
{
namespace llm
{

/**
 * \brief Conversions between FP32 and the 16-bit float formats of checkpoints.
 *
 * IEEE 754 binary16 (F16) and bfloat16 (BF16), bit-exact, including subnormals, infinities and
 * NaN. Written out rather than relying on compiler extensions (_Float16) so that every build
 * produces the same numbers.
 */
class HalfPrecision
{
  public:
    /// \return the FP32 value of an F16 bit pattern (exact)
    static float HalfToFloat(uint16_t bits);
    /// \return the F16 bit pattern nearest to value (round to nearest even; overflow to inf)
    static uint16_t FloatToHalf(float value);
    /// \return the FP32 value of a BF16 bit pattern (exact)
    static float Bf16ToFloat(uint16_t bits);
    /// \return the BF16 bit pattern nearest to value (round to nearest even; NaN kept NaN)
    static uint16_t FloatToBf16(float value);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_HALF_PRECISION_H
