#include "seeded-random.h"

#include <cmath>

namespace ns3
{
namespace llm
{

SeededRandom::SeededRandom(uint64_t seed)
    : m_state(seed)
    , m_spare(0.0)
    , m_hasSpare(false)
{
}

uint64_t
SeededRandom::NextBits()
{
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double
SeededRandom::Uniform()
{
    return static_cast<double>(NextBits() >> 11) * 0x1.0p-53;
}

double
SeededRandom::Normal()
{
    if (m_hasSpare)
    {
        m_hasSpare = false;
        return m_spare;
    }
    const double u1 = 1.0 - Uniform(); // (0, 1]: log is finite
    const double u2 = Uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 6.283185307179586 * u2;
    m_spare = radius * std::sin(angle);
    m_hasSpare = true;
    return radius * std::cos(angle);
}

} // namespace llm
} // namespace ns3
