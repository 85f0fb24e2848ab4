#include "linear-map.h"

#include "kv-error.h"

#include <Eigen/Dense>

namespace ns3
{
namespace kv
{

LinearMap::LinearMap(Matrix weight, Vector bias)
    : m_weight(std::move(weight))
    , m_bias(std::move(bias))
{
    if (m_bias.size() != m_weight.cols())
    {
        throw KvError("linear map: bias of " + std::to_string(m_bias.size())
                      + " values for a weight with " + std::to_string(m_weight.cols())
                      + " outputs");
    }
}

LinearMap
LinearMap::Identity(int64_t width)
{
    return LinearMap(Matrix::Identity(width, width), Vector::Zero(width));
}

LinearMap
LinearMap::FitRidge(const Matrix& x, const Matrix& y, double ridge)
{
    if (x.rows() != y.rows() || x.rows() < 2 || ridge < 0)
    {
        throw KvError("ridge fit: need the same rows (>= 2) for inputs and targets and ridge >= 0, "
                      "got "
                      + std::to_string(x.rows()) + " and " + std::to_string(y.rows())
                      + " rows, ridge " + std::to_string(ridge));
    }
    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::MatrixXd yd = y.cast<double>();
    const Eigen::RowVectorXd xMean = xd.colwise().mean();
    const Eigen::RowVectorXd yMean = yd.colwise().mean();
    const Eigen::MatrixXd xc = xd.rowwise() - xMean;
    const Eigen::MatrixXd yc = yd.rowwise() - yMean;
    Eigen::MatrixXd gram = xc.transpose() * xc;
    const double lambda = ridge * gram.trace() / static_cast<double>(gram.rows());
    gram.diagonal().array() += lambda;
    // LDLT is exact for a positive definite Gram matrix and still solves a singular one (no
    // ridge, collinear inputs) in the least-squares sense on its range.
    const Eigen::MatrixXd weight = gram.ldlt().solve(xc.transpose() * yc);
    const Eigen::RowVectorXd bias = yMean - xMean * weight;
    return LinearMap(weight.cast<float>(), bias.transpose().cast<float>());
}

Matrix
LinearMap::Apply(const Matrix& x) const
{
    if (x.cols() != m_weight.rows())
    {
        throw KvError("linear map: input of width " + std::to_string(x.cols()) + " for a map from "
                      + std::to_string(m_weight.rows()) + " columns");
    }
    Matrix y;
    y.noalias() = x * m_weight;
    y.rowwise() += m_bias.transpose();
    return y;
}

int64_t
LinearMap::Inputs() const
{
    return m_weight.rows();
}

int64_t
LinearMap::Outputs() const
{
    return m_weight.cols();
}

const Matrix&
LinearMap::Weight() const
{
    return m_weight;
}

const Vector&
LinearMap::Bias() const
{
    return m_bias;
}

} // namespace kv
} // namespace ns3
