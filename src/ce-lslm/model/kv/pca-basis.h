#ifndef CE_LSLM_PCA_BASIS_H
#define CE_LSLM_PCA_BASIS_H

#include "byte-io.h"
#include "kv-block.h"

#include <cstdint>
#include <map>

namespace ns3
{
namespace kv
{

/**
 * \brief A PCA basis of row vectors: their mean and orthonormal components by decreasing variance.
 *
 * Fitted once on calibration KV (FP64 eigen-decomposition of the covariance), shared by sender
 * and receiver; a codec of rank r uses the first r components. On a wire the basis travels once
 * (mean and r components as FP16) and the receiver keeps it.
 */
class PcaBasis
{
  public:
    PcaBasis() = default;
    /**
     * \param rows samples [n x dim], n >= 1
     * \return the basis with all dim components (throws KvError if rows is empty)
     */
    static PcaBasis Fit(const Matrix& rows);

    /// \return the row width
    int64_t Dim() const;
    /// \return components held (the largest usable rank)
    int64_t Rank() const;
    /// \return the mean [dim]
    const Vector& Mean() const;
    /// \return components [dim x Rank()], orthonormal columns
    const Matrix& Components() const;
    /// \return the variance along each component [Rank()], decreasing
    const Vector& Variances() const;

    /// \return coefficients of rows on the first `rank` components [n x rank]
    Matrix Project(const Matrix& rows, int64_t rank) const;
    /// \return rows rebuilt from coefficients on the first coefficients.cols() components
    Matrix Reconstruct(const Matrix& coefficients) const;

    /// \return this basis cut to its first `rank` components, its values rounded to FP16 (what
    ///         a receiver holds after Serialize/Deserialize)
    PcaBasis Truncated(int64_t rank) const;
    /// Write dim, rank, mean and the first `rank` components as FP16.
    void Serialize(ByteWriter& out, int64_t rank) const;
    /// \return a basis read back (throws KvWireError on a truncated or inconsistent record)
    static PcaBasis Deserialize(ByteReader& in);

  private:
    Vector m_mean;       //!< [dim]
    Matrix m_components; //!< [dim x rank]
    Vector m_variances;  //!< [rank]
};

/// \brief The PCA bases of one layer: keys and values separately.
struct LayerBases
{
    PcaBasis keys;   //!< basis of pre-RoPE keys
    PcaBasis values; //!< basis of values
};

/// The bases of every layer that receives KV, by receiving layer index.
using KvCodebook = std::map<int64_t, LayerBases>;

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_PCA_BASIS_H
