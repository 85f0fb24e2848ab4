#ifndef CE_LSLM_MATRIX_CODER_H
#define CE_LSLM_MATRIX_CODER_H

#include "byte-io.h"
#include "codec-spec.h"
#include "group-quantizer.h"
#include "kv-block.h"

#include <cstdint>

namespace ns3
{
namespace kv
{

/**
 * \brief Codes one [tokens x width] matrix (a block's keys, values or their PCA coefficients)
 * by the value stages of a codec spec: FP16, or quantization with a recent window.
 *
 * Layout, FP16: every element as FP16, row by row. Layout, q<B>: for the first
 * tokens - min(W, tokens) rows, each group's FP16 min and scale (GroupQuantizer), then their
 * symbols bit-packed (SymbolPacker) or rANS-coded (RansCoder); then the last min(W, tokens)
 * rows as FP16, row by row. The same code serves keys (per channel) and values (per token).
 */
class MatrixCoder
{
  public:
    /**
     * \param spec the value stages (bits, group, recent window, rans)
     * \param axis how quantization groups run (ignored for FP16)
     */
    MatrixCoder(const CodecSpec& spec, QuantAxis axis);

    /// Append matrix coded (throws KvError naming `what` if a value is not finite or lies
    /// outside the FP16 range).
    void Encode(const Matrix& matrix, const char* what, ByteWriter& out) const;
    /// \return the matrix of rows x cols read back (throws KvWireError on a truncated or
    ///         inconsistent section)
    Matrix Decode(ByteReader& in, int64_t rows, int64_t cols) const;
    /// \return the fewest bytes a coded rows x cols matrix takes (all of it but the rANS
    ///         symbols, which have no lower bound): a decoder checks it against the bytes it has
    ///         before it allocates for a row count read from the wire
    uint64_t MinimumBytes(int64_t rows, int64_t cols) const;
    /// \return the quantizer of the leading rows (valid for a q stage)
    GroupQuantizer Quantizer() const;
    /// \return rows of a matrix of `rows` kept FP16 by the recent window
    int64_t RecentRows(int64_t rows) const;

  private:
    CodecSpec m_spec; //!< value stages
    QuantAxis m_axis; //!< quantization groups
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_MATRIX_CODER_H
