#include "pca-basis.h"

#include "kv-error.h"

#include "ns3/half-precision.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <string>

namespace ns3
{
namespace kv
{

namespace
{

/// Largest row width a serialized basis may claim: bounds what a corrupted record can allocate.
constexpr int64_t MAX_SERIALIZED_DIM = 4096;

/// \return value rounded to the nearest FP16 (what a wire carries)
float
RoundToHalf(float value)
{
    return llm::HalfPrecision::HalfToFloat(llm::HalfPrecision::FloatToHalf(value));
}

/// Flip each column so that its largest-magnitude entry (the first such on ties) is positive:
/// an eigen-solver's signs are arbitrary, and sender and receiver must fit the same basis.
void
FixSigns(Eigen::MatrixXd& columns)
{
    for (Eigen::Index c = 0; c < columns.cols(); ++c)
    {
        Eigen::Index largest = 0;
        columns.col(c).cwiseAbs().maxCoeff(&largest);
        if (columns(largest, c) < 0)
        {
            columns.col(c) = -columns.col(c);
        }
    }
}

} // namespace

PcaBasis::PcaBasis(Vector mean, Matrix components, Vector variances)
    : m_mean(std::move(mean))
    , m_components(std::move(components))
    , m_variances(std::move(variances))
{
    const int64_t dim = m_mean.size();
    const int64_t rank = m_components.cols();
    if (dim < 1 || m_components.rows() != dim || rank < 1 || rank > dim
        || m_variances.size() != rank || !m_mean.allFinite() || !m_components.allFinite()
        || !m_variances.allFinite())
    {
        throw KvError("PCA basis: need a mean of dim values, dim x rank components and rank "
                      "variances, all finite, with 1 <= rank <= dim; got mean "
                      + std::to_string(dim) + ", components " + std::to_string(m_components.rows())
                      + " x " + std::to_string(rank) + ", variances "
                      + std::to_string(m_variances.size()));
    }
}

PcaBasis
PcaBasis::Fit(const Matrix& rows)
{
    if (rows.rows() < 1 || rows.cols() < 1)
    {
        throw KvError("PCA fit needs at least one sample of width >= 1, got "
                      + std::to_string(rows.rows()) + " x " + std::to_string(rows.cols()));
    }
    const Eigen::MatrixXd samples = rows.cast<double>();
    const Eigen::RowVectorXd mean = samples.colwise().mean();
    const Eigen::MatrixXd centered = samples.rowwise() - mean;
    const Eigen::MatrixXd covariance =
        (centered.transpose() * centered) / static_cast<double>(rows.rows());

    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    if (solver.info() != Eigen::Success)
    {
        throw KvError("PCA fit: the eigen-decomposition of the covariance did not converge");
    }
    // The solver sorts eigenvalues increasing; components go by decreasing variance.
    Eigen::MatrixXd components = solver.eigenvectors().rowwise().reverse();
    FixSigns(components);
    const Eigen::VectorXd variances = solver.eigenvalues().reverse().cwiseMax(0.0);

    PcaBasis basis;
    basis.m_mean = mean.transpose().cast<float>();
    basis.m_components = components.cast<float>();
    basis.m_variances = variances.cast<float>();
    return basis;
}

int64_t
PcaBasis::Dim() const
{
    return m_mean.size();
}

int64_t
PcaBasis::Rank() const
{
    return m_components.cols();
}

const Vector&
PcaBasis::Mean() const
{
    return m_mean;
}

const Matrix&
PcaBasis::Components() const
{
    return m_components;
}

const Vector&
PcaBasis::Variances() const
{
    return m_variances;
}

void
PcaBasis::CheckRank(int64_t rank) const
{
    if (rank < 1 || rank > Rank())
    {
        throw KvError("PCA rank " + std::to_string(rank) + " is outside 1.."
                      + std::to_string(Rank()) + " (the components the basis holds)");
    }
}

Matrix
PcaBasis::Project(const Matrix& rows, int64_t rank) const
{
    CheckRank(rank);
    if (rows.cols() != Dim())
    {
        throw KvError("PCA projection of rows of width " + std::to_string(rows.cols())
                      + " on a basis of width " + std::to_string(Dim()));
    }
    const Eigen::MatrixXd basis = m_components.leftCols(rank).cast<double>();
    const Eigen::MatrixXd centered =
        (rows.cast<double>().rowwise() - m_mean.transpose().cast<double>());
    // Least squares through the Gram matrix rather than plain dot products: FP16-rounded
    // components are not exactly orthonormal, and a full-rank basis must still reconstruct
    // exactly. For orthonormal components the Gram matrix is the identity.
    const Eigen::MatrixXd gram = basis.transpose() * basis;
    const Eigen::MatrixXd coefficients =
        gram.ldlt().solve(basis.transpose() * centered.transpose()).transpose();
    return coefficients.cast<float>();
}

Matrix
PcaBasis::Reconstruct(const Matrix& coefficients) const
{
    CheckRank(coefficients.cols());
    const Eigen::MatrixXd basis = m_components.leftCols(coefficients.cols()).cast<double>();
    const Eigen::MatrixXd rows = (coefficients.cast<double>() * basis.transpose()).rowwise()
                                 + m_mean.transpose().cast<double>();
    return rows.cast<float>();
}

PcaBasis
PcaBasis::Truncated(int64_t rank) const
{
    CheckRank(rank);
    PcaBasis cut;
    cut.m_mean = m_mean.unaryExpr(&RoundToHalf);
    cut.m_components = m_components.leftCols(rank).unaryExpr(&RoundToHalf);
    cut.m_variances = m_variances.head(rank);
    return cut;
}

void
PcaBasis::Serialize(ByteWriter& out, int64_t rank) const
{
    CheckRank(rank);
    if (Dim() > MAX_SERIALIZED_DIM)
    {
        throw KvError("PCA basis of width " + std::to_string(Dim()) + " exceeds the "
                      + std::to_string(MAX_SERIALIZED_DIM) + " a serialized basis may have");
    }
    out.PutU16(static_cast<uint16_t>(Dim()));
    out.PutU16(static_cast<uint16_t>(rank));
    for (int64_t i = 0; i < Dim(); ++i)
    {
        out.PutF16(m_mean[i]);
    }
    for (int64_t c = 0; c < rank; ++c)
    {
        for (int64_t i = 0; i < Dim(); ++i)
        {
            out.PutF16(m_components(i, c));
        }
    }
}

PcaBasis
PcaBasis::Deserialize(ByteReader& in)
{
    const int64_t dim = in.GetU16("PCA basis width");
    const int64_t rank = in.GetU16("PCA basis rank");
    if (rank < 1 || rank > dim || dim > MAX_SERIALIZED_DIM)
    {
        in.Fail("PCA basis of width " + std::to_string(dim) + " and rank " + std::to_string(rank)
                + ": needs 1 <= rank <= width <= " + std::to_string(MAX_SERIALIZED_DIM));
    }
    // Claim the bytes before allocating, so a truncated record allocates nothing.
    const std::size_t values = static_cast<std::size_t>(dim * (rank + 1));
    ByteReader record(in.GetBytes(2 * values, "PCA basis mean and components"),
                      2 * values,
                      in.Offset() - 2 * values);
    PcaBasis basis;
    basis.m_mean.resize(dim);
    for (int64_t i = 0; i < dim; ++i)
    {
        basis.m_mean[i] = record.GetF16("PCA basis mean");
    }
    basis.m_components.resize(dim, rank);
    for (int64_t c = 0; c < rank; ++c)
    {
        for (int64_t i = 0; i < dim; ++i)
        {
            basis.m_components(i, c) = record.GetF16("PCA basis component");
        }
    }
    // Variances do not travel: a receiver only projects and reconstructs.
    basis.m_variances = Vector::Zero(rank);
    return basis;
}

} // namespace kv
} // namespace ns3
