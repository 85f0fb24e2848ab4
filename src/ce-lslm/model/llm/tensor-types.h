#ifndef CE_LSLM_TENSOR_TYPES_H
#define CE_LSLM_TENSOR_TYPES_H

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace llm
{

/// Row-major FP32 matrix: one row per token, as activations, weights ([out x in], the HF
/// layout) and KV caches are stored by the kernel.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A read-only view of the first rows of a Matrix (e.g. the tokens a KV cache holds).
using ConstRowBlock = Eigen::Block<const Matrix, Eigen::Dynamic, Eigen::Dynamic, true>;
/// FP32 column vector (norm weights, one token's logits).
using Vector = Eigen::VectorXf;
/// A token id: 0..vocab_size-1.
using TokenId = int32_t;
/// A sequence of token ids.
using TokenSequence = std::vector<TokenId>;

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_TENSOR_TYPES_H
