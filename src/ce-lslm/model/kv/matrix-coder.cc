#include "matrix-coder.h"

#include "kv-error.h"
#include "rans-coder.h"
#include "symbol-packer.h"

#include <cmath>
#include <string>

namespace ns3
{
namespace kv
{

namespace
{

/// Largest finite FP16 magnitude: beyond it neither FP16 nor a quantization grid (whose
/// parameters are FP16) can represent a value.
constexpr float FP16_MAX = 65504.0f;

/// Throw KvError naming the first element of matrix that FP16 cannot carry.
void
CheckHalfRange(const Matrix& matrix, const char* what)
{
    for (int64_t r = 0; r < matrix.rows(); ++r)
    {
        for (int64_t c = 0; c < matrix.cols(); ++c)
        {
            const float value = matrix(r, c);
            if (!(std::fabs(value) <= FP16_MAX)) // also refuses NaN
            {
                throw KvError(std::string(what) + " at token " + std::to_string(r) + ", column "
                              + std::to_string(c) + " is " + std::to_string(value)
                              + ", outside the FP16 range a codec carries");
            }
        }
    }
}

/// Append every element of rows as FP16, row by row.
void
WriteHalfRows(const Matrix& rows, ByteWriter& out)
{
    for (int64_t i = 0; i < rows.size(); ++i)
    {
        out.PutF16(rows.data()[i]); // row-major storage: row by row
    }
}

/// \return rows x cols FP16 elements read row by row
Matrix
ReadHalfRows(ByteReader& in, int64_t rows, int64_t cols)
{
    // Claim the bytes before allocating: a truncated payload allocates nothing.
    const std::size_t bytes = static_cast<std::size_t>(rows * cols) * 2;
    ByteReader half(in.GetBytes(bytes, "FP16 rows"), bytes, in.Offset() - bytes);
    Matrix matrix(rows, cols);
    for (int64_t i = 0; i < matrix.size(); ++i)
    {
        matrix.data()[i] = half.GetF16("FP16 rows");
    }
    return matrix;
}

} // namespace

MatrixCoder::MatrixCoder(const CodecSpec& spec, QuantAxis axis)
    : m_spec(spec)
    , m_axis(axis)
{
}

GroupQuantizer
MatrixCoder::Quantizer() const
{
    return GroupQuantizer(m_spec.bits, m_spec.group, m_axis);
}

int64_t
MatrixCoder::RecentRows(int64_t rows) const
{
    return m_spec.Quantized() ? std::min(m_spec.recent, rows) : rows;
}

void
MatrixCoder::Encode(const Matrix& matrix, const char* what, ByteWriter& out) const
{
    CheckHalfRange(matrix, what);
    const int64_t recent = RecentRows(matrix.rows());
    const int64_t leading = matrix.rows() - recent;
    if (leading > 0)
    {
        const GroupQuantizer quantizer = Quantizer();
        const QuantizedMatrix quantized = quantizer.Quantize(matrix.topRows(leading));
        quantizer.WriteParameters(quantized, out);
        if (m_spec.rans)
        {
            out.PutBytes(RansCoder::Encode(quantized.symbols, 1 << m_spec.bits));
        }
        else
        {
            SymbolPacker::Pack(quantized.symbols, m_spec.bits, out);
        }
    }
    WriteHalfRows(matrix.bottomRows(recent), out);
}

uint64_t
MatrixCoder::MinimumBytes(int64_t rows, int64_t cols) const
{
    const int64_t recent = RecentRows(rows);
    const int64_t leading = rows - recent;
    uint64_t bytes = static_cast<uint64_t>(recent) * static_cast<uint64_t>(cols) * 2;
    if (leading > 0)
    {
        bytes += static_cast<uint64_t>(Quantizer().GroupCount(leading, cols)) * 4;
        if (!m_spec.rans)
        {
            bytes +=
                SymbolPacker::PackedBytes(static_cast<std::size_t>(leading * cols), m_spec.bits);
        }
    }
    return bytes;
}

Matrix
MatrixCoder::Decode(ByteReader& in, int64_t rows, int64_t cols) const
{
    const int64_t recent = RecentRows(rows);
    const int64_t leading = rows - recent;
    Matrix matrix(rows, cols);
    if (leading > 0)
    {
        const GroupQuantizer quantizer = Quantizer();
        QuantizedMatrix quantized = quantizer.ReadParameters(in, leading, cols);
        const std::size_t count = static_cast<std::size_t>(leading * cols);
        quantized.symbols = m_spec.rans ? RansCoder::Decode(in, count, 1 << m_spec.bits)
                                        : SymbolPacker::Unpack(in, count, m_spec.bits);
        matrix.topRows(leading) = quantizer.Dequantize(quantized);
    }
    matrix.bottomRows(recent) = ReadHalfRows(in, recent, cols);
    return matrix;
}

} // namespace kv
} // namespace ns3
