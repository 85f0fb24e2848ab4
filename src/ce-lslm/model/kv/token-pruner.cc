#include "token-pruner.h"

#include "kv-error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace ns3
{
namespace kv
{

TokenPruner::TokenPruner(int percent)
    : m_percent(percent)
{
    if (percent < 1 || percent > 100)
    {
        throw KvError("token pruning keeps " + std::to_string(percent) + " %, not 1..100");
    }
}

int64_t
TokenPruner::KeptCount(int64_t tokens) const
{
    // ceil(P / 100 * n) in integers: no floating-point edge at exact multiples. With P >= 1 a
    // nonempty block always keeps at least one token.
    return (m_percent * tokens + 99) / 100;
}

std::vector<int64_t>
TokenPruner::Select(const Vector& importance) const
{
    for (int64_t i = 0; i < importance.size(); ++i)
    {
        if (!std::isfinite(importance[i]))
        {
            throw KvError("importance of token " + std::to_string(i) + " is not finite");
        }
    }
    std::vector<int64_t> order(importance.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable: among equal importances the earlier token stays first.
    std::stable_sort(order.begin(),
                     order.end(),
                     [&importance](int64_t a, int64_t b)
                     {
                         return importance[a] > importance[b];
                     });
    order.resize(KeptCount(importance.size()));
    std::sort(order.begin(), order.end());
    return order;
}

void
TokenPruner::WriteMask(const std::vector<int64_t>& kept, int64_t tokens, ByteWriter& out)
{
    std::vector<uint8_t> mask((tokens + 7) / 8, 0);
    for (int64_t index : kept)
    {
        mask[index / 8] |= static_cast<uint8_t>(1u << (index % 8));
    }
    out.PutBytes(mask);
}

std::vector<int64_t>
TokenPruner::ReadMask(ByteReader& in, int64_t tokens) const
{
    const std::size_t bytes = static_cast<std::size_t>((tokens + 7) / 8);
    const uint8_t* mask = in.GetBytes(bytes, "kept-token mask");
    const int64_t expected = KeptCount(tokens);
    std::vector<int64_t> kept;
    for (std::size_t b = 0; b < bytes; ++b)
    {
        for (int bit = 0; bit < 8 && mask[b] >> bit; ++bit)
        {
            const int64_t index = static_cast<int64_t>(b) * 8 + bit;
            if (((mask[b] >> bit) & 1) == 0)
            {
                continue;
            }
            if (index >= tokens || static_cast<int64_t>(kept.size()) == expected)
            {
                in.Fail("kept-token mask marks token " + std::to_string(index) + " of "
                        + std::to_string(tokens) + ", more than the " + std::to_string(expected)
                        + " a top" + std::to_string(m_percent) + " stage keeps, or a padding bit");
            }
            kept.push_back(index);
        }
    }
    if (static_cast<int64_t>(kept.size()) != expected)
    {
        in.Fail("kept-token mask marks " + std::to_string(kept.size()) + " of "
                + std::to_string(tokens) + " tokens, a top" + std::to_string(m_percent)
                + " stage keeps " + std::to_string(expected));
    }
    return kept;
}

} // namespace kv
} // namespace ns3
