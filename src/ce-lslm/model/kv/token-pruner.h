#ifndef CE_LSLM_TOKEN_PRUNER_H
#define CE_LSLM_TOKEN_PRUNER_H

#include "byte-io.h"
#include "kv-block.h"

#include <cstdint>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Chooses the tokens a "top<P>" stage keeps, and carries that choice as a bitmask.
 *
 * Keeps the ceil(P / 100 * n) tokens of highest importance (at least one of a nonempty block);
 * on equal importance the earlier token wins, so the choice is deterministic.
 */
class TokenPruner
{
  public:
    /// \param percent tokens kept, 1..100 (throws KvError otherwise)
    explicit TokenPruner(int percent);

    /// \return tokens kept of a block of `tokens`
    int64_t KeptCount(int64_t tokens) const;
    /// \return indices of the kept tokens, increasing (throws KvError on a non-finite importance)
    std::vector<int64_t> Select(const Vector& importance) const;

    /// Append which of `tokens` tokens are kept: ceil(tokens / 8) bytes, bit i of byte i / 8
    /// (LSB first) set for token i.
    static void WriteMask(const std::vector<int64_t>& kept, int64_t tokens, ByteWriter& out);
    /**
     * \return the kept indices a mask written by WriteMask names, increasing (throws
     *         KvWireError if truncated, if a padding bit is set or unless KeptCount(tokens)
     *         tokens are kept)
     */
    std::vector<int64_t> ReadMask(ByteReader& in, int64_t tokens) const;

  private:
    int m_percent; //!< tokens kept, percent
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_TOKEN_PRUNER_H
