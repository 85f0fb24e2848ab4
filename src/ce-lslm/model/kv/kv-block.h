#ifndef CE_LSLM_KV_BLOCK_H
#define CE_LSLM_KV_BLOCK_H

#include "ns3/tensor-types.h"

#include <cstdint>
#include <vector>

namespace ns3
{
namespace kv
{

using llm::Matrix;
using llm::Vector;

/**
 * \brief One decoder layer's keys and values for a run of context tokens: what a codec encodes.
 *
 * Keys are pre-RoPE (the receiver rotates them for the positions it places them at), in the
 * receiving model's KV space (kvHeads x headDim columns, head-major, as llm::KvLayer). A pruned
 * block keeps the original positions of the tokens it still holds.
 */
struct KvBlock
{
    int64_t layer = 0;              //!< receiving model's layer index
    std::vector<int32_t> positions; //!< one per token, strictly increasing
    Matrix keys;                    //!< pre-RoPE keys [tokens x kvDim]
    Matrix values;                  //!< values [tokens x kvDim]

    /// \return tokens held
    int64_t Tokens() const
    {
        return keys.rows();
    }
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_BLOCK_H
