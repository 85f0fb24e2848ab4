#include "linear-cka.h"

#include "kv-error.h"

#include <Eigen/Dense>

namespace ns3
{
namespace kv
{

namespace
{

Eigen::MatrixXd
Centered(const Matrix& m)
{
    Eigen::MatrixXd d = m.cast<double>();
    d.rowwise() -= d.colwise().mean();
    return d;
}

} // namespace

double
LinearCka::Compute(const Matrix& x, const Matrix& y)
{
    if (x.rows() != y.rows() || x.rows() < 2)
    {
        throw KvError("linear CKA: need the same samples (>= 2) in both representations, got "
                      + std::to_string(x.rows()) + " and " + std::to_string(y.rows()) + " rows");
    }
    const Eigen::MatrixXd xc = Centered(x);
    const Eigen::MatrixXd yc = Centered(y);
    // The p x q, p x p and q x q products: cheaper than the n x n Gram matrices when n >> width.
    const double cross = (yc.transpose() * xc).squaredNorm();
    const double xx = (xc.transpose() * xc).norm();
    const double yy = (yc.transpose() * yc).norm();
    if (xx == 0.0 || yy == 0.0)
    {
        return 0.0;
    }
    return cross / (xx * yy);
}

} // namespace kv
} // namespace ns3
