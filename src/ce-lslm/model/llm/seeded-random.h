#ifndef CE_LSLM_SEEDED_RANDOM_H
#define CE_LSLM_SEEDED_RANDOM_H

#include <cstdint>

namespace ns3
{
namespace llm
{

/**
 * \brief A small, fully specified pseudo-random generator (SplitMix64).
 *
 * The kernel does not use ns-3's RNG (it must not depend on ns-3) nor the standard library's
 * distributions (their output is implementation-defined). Every number here is defined by this
 * file alone, so random weights and sampled tokens are identical on every platform and compiler.
 * Callers on the ns-3 side derive the seed from an ns-3 random stream.
 */
class SeededRandom
{
  public:
    /// \param seed any value; equal seeds give equal sequences
    explicit SeededRandom(uint64_t seed);
    /// \return the next 64 random bits
    uint64_t NextBits();
    /// \return a uniform double in [0, 1) with 53 random bits
    double Uniform();
    /// \return a standard normal deviate (Box-Muller)
    double Normal();

  private:
    uint64_t m_state; //!< SplitMix64 state
    double m_spare;   //!< second Box-Muller deviate
    bool m_hasSpare;  //!< whether m_spare is valid
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_SEEDED_RANDOM_H
