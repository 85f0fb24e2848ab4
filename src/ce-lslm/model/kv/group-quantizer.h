#ifndef CE_LSLM_GROUP_QUANTIZER_H
#define CE_LSLM_GROUP_QUANTIZER_H

#include "byte-io.h"
#include "kv-block.h"

#include <cstdint>
#include <vector>

namespace ns3
{
namespace kv
{

/// \brief Which runs of a [tokens x channels] matrix share quantization parameters.
enum class QuantAxis
{
    PER_CHANNEL, //!< each column's rows in groups (keys: outlier channels get their own scale)
    PER_TOKEN,   //!< each row's columns in groups (values)
};

/**
 * \brief A matrix quantized group by group: FP16 parameters and one symbol per element.
 *
 * A lane is a column (PER_CHANNEL) or a row (PER_TOKEN); each lane is cut into groups of G
 * consecutive elements, the last one shorter when G does not divide the lane. Symbols are in
 * lane order (lane 0 first), parameters in group order (lane by lane).
 */
struct QuantizedMatrix
{
    int64_t rows = 0;             //!< rows of the quantized matrix
    int64_t cols = 0;             //!< columns of the quantized matrix
    std::vector<float> mins;      //!< per group: FP16-representable lower end
    std::vector<float> scales;    //!< per group: FP16-representable step, >= 0
    std::vector<uint8_t> symbols; //!< rows * cols, each in 0..2^bits-1
};

/**
 * \brief Group-wise asymmetric uniform quantization with a guaranteed per-element error bound.
 *
 * For each group the minimum is rounded DOWN to FP16 and the step (max - min) / (2^B - 1)
 * rounded UP to FP16, so that every element lies in [min, min + (2^B - 1) * step] and decodes
 * to min + q * step within step / 2 (ElementBound(), which adds the FP32 rounding of these
 * operations). Elements must be finite and within the FP16 range (the caller checks).
 */
class GroupQuantizer
{
  public:
    /**
     * \param bits bits per symbol, 2..8
     * \param group elements per group, >= 1
     * \param axis which runs form the groups
     */
    GroupQuantizer(int bits, int64_t group, QuantAxis axis);

    /// \return groups of a rows x cols matrix
    int64_t GroupCount(int64_t rows, int64_t cols) const;
    /// \return matrix quantized (its elements finite, within the FP16 range)
    QuantizedMatrix Quantize(const Matrix& matrix) const;
    /// \return the matrix the symbols and parameters stand for
    Matrix Dequantize(const QuantizedMatrix& quantized) const;
    /// \return per element, the largest |original - Dequantize()| the encoding allows
    Matrix ErrorBound(const QuantizedMatrix& quantized) const;
    /// \return the bound of one element of a group with these parameters
    float ElementBound(float min, float scale) const;

    /// Append each group's min and scale as FP16 (4 bytes per group).
    void WriteParameters(const QuantizedMatrix& quantized, ByteWriter& out) const;
    /**
     * \return the parameters of a rows x cols matrix as WriteParameters wrote them, symbols left
     *         empty (throws KvWireError on truncation, a non-finite min, or a scale that is not
     *         finite and >= 0: an encoder never writes those)
     */
    QuantizedMatrix ReadParameters(ByteReader& in, int64_t rows, int64_t cols) const;

  private:
    /// \return matrix arranged one lane per row
    Matrix ToLanes(const Matrix& matrix) const;
    /// \return lanes arranged back to the matrix layout
    Matrix FromLanes(const Matrix& lanes) const;
    /// \return for every element of the lane layout, the value fn(min, scale, symbol) of its
    ///         group, in the matrix layout
    template<typename ElementFn>
    Matrix MapElements(const QuantizedMatrix& quantized, ElementFn fn) const;

    int m_bits;       //!< bits per symbol
    int64_t m_group;  //!< elements per group
    QuantAxis m_axis; //!< which runs form the groups
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_GROUP_QUANTIZER_H
