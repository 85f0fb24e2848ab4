#ifndef CE_LSLM_LINEAR_CKA_H
#define CE_LSLM_LINEAR_CKA_H

#include "kv-block.h"

namespace ns3
{
namespace kv
{

/**
 * \brief Linear centered kernel alignment (Kornblith et al., 2019) between two representations.
 *
 * CKA(X, Y) = ||Yc' Xc||_F^2 / (||Xc' Xc||_F ||Yc' Yc||_F) with column-centered Xc, Yc: 1 when
 * the representations of the same n samples differ only by a rotation and a uniform scale, near
 * 0 when unrelated. The widths of X and Y may differ, which is what makes it a layer-similarity
 * metric between models of different sizes. Computed in FP64.
 */
class LinearCka
{
  public:
    /**
     * \param x [n x p] one row per sample
     * \param y [n x q] the same samples
     * \return CKA in [0, 1] (throws KvError if the row counts differ or n < 2; 0 if either
     *         representation is constant)
     */
    static double Compute(const Matrix& x, const Matrix& y);
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_LINEAR_CKA_H
