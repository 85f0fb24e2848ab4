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
     * A basis stored elsewhere (e.g. in an alignment file).
     * \param mean [dim]
     * \param components [dim x rank], 1 <= rank <= dim
     * \param variances [rank]
     * Throws KvError on inconsistent shapes or non-finite values.
     */
    PcaBasis(Vector mean, Matrix components, Vector variances);
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
    /// \return the variance along each component [Rank()], decreasing (zeros for a basis read
    ///         by Deserialize: variances do not travel)
    const Vector& Variances() const;

    /// \return least-squares coefficients of rows [n x dim] on the first `rank` components
    ///         [n x rank]: the dot products for orthonormal components, and still the orthogonal
    ///         projection for FP16-rounded ones (throws KvError on a bad rank or width)
    Matrix Project(const Matrix& rows, int64_t rank) const;
    /// \return rows rebuilt from coefficients on the first coefficients.cols() components
    Matrix Reconstruct(const Matrix& coefficients) const;

    /// \return this basis cut to its first `rank` components, its mean and components rounded
    ///         to FP16 (what a receiver holds after Serialize/Deserialize; codecs use this on both
    ///         sides so that they agree bit for bit)
    PcaBasis Truncated(int64_t rank) const;
    /// Write u16 dim, u16 rank, the mean (FP16 x dim) and the first `rank` components (FP16,
    /// column by column), 4 + 2 * dim * (rank + 1) bytes (throws KvError if dim > 4096).
    void Serialize(ByteWriter& out, int64_t rank) const;
    /// \return a basis read back (throws KvWireError on a truncated record or one that does not
    ///         have 1 <= rank <= dim <= 4096)
    static PcaBasis Deserialize(ByteReader& in);

  private:
    /// Throw KvError unless 1 <= rank <= Rank().
    void CheckRank(int64_t rank) const;

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
