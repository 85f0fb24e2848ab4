#ifndef CE_LSLM_LINEAR_MAP_H
#define CE_LSLM_LINEAR_MAP_H

#include "kv-block.h"

#include <cstdint>

namespace ns3
{
namespace kv
{

/**
 * \brief An affine map between row spaces, y = x W + b, fitted by ridge regression.
 *
 * Maps one model's keys or values (per token, all KV heads) into another model's space, whose
 * width and head count may differ. The fit is closed form in FP64:
 * W = (Xc' Xc + lambda I)^-1 Xc' Yc on centered data, b = mean(y) - mean(x) W, with
 * lambda = ridge * trace(Xc' Xc) / inputs, so that the ridge strength does not depend on the
 * scale of the data.
 */
class LinearMap
{
  public:
    LinearMap() = default;
    /**
     * \param weight [inputs x outputs]
     * \param bias [outputs]
     */
    LinearMap(Matrix weight, Vector bias);
    /// \return the identity map of a width
    static LinearMap Identity(int64_t width);
    /**
     * \param x inputs [n x p]
     * \param y targets [n x q] for the same rows
     * \param ridge relative regularization (>= 0)
     * \return the fitted map (throws KvError on a row mismatch or n < 2)
     */
    static LinearMap FitRidge(const Matrix& x, const Matrix& y, double ridge);

    /// \return x W + b, one row per row of x (throws KvError on a width mismatch)
    Matrix Apply(const Matrix& x) const;
    /// \return input width
    int64_t Inputs() const;
    /// \return output width
    int64_t Outputs() const;
    /// \return W [inputs x outputs]
    const Matrix& Weight() const;
    /// \return b [outputs]
    const Vector& Bias() const;

  private:
    Matrix m_weight; //!< [inputs x outputs]
    Vector m_bias;   //!< [outputs]
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_LINEAR_MAP_H
