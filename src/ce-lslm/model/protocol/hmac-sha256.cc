/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "hmac-sha256.h"

#include <algorithm>

namespace ns3
{

HmacSha256::HmacSha256(const std::string& key)
{
    std::array<uint8_t, Sha256::BLOCK_BYTES> block{};
    if (key.size() > Sha256::BLOCK_BYTES)
    {
        const Sha256::Digest hashed = Sha256::Hash(key.data(), key.size());
        std::copy(hashed.begin(), hashed.end(), block.begin());
    }
    else
    {
        std::copy(key.begin(), key.end(), block.begin());
    }
    for (std::size_t i = 0; i < block.size(); ++i)
    {
        m_innerPad[i] = block[i] ^ 0x36;
        m_outerPad[i] = block[i] ^ 0x5c;
    }
    m_inner.Update(m_innerPad.data(), m_innerPad.size());
}

void
HmacSha256::Update(const void* data, std::size_t size)
{
    m_inner.Update(data, size);
}

HmacSha256::Tag
HmacSha256::Finish()
{
    const Sha256::Digest inner = m_inner.Finish();
    m_inner.Update(m_innerPad.data(), m_innerPad.size());
    Sha256 outer;
    outer.Update(m_outerPad.data(), m_outerPad.size());
    outer.Update(inner.data(), inner.size());
    return outer.Finish();
}

HmacSha256::Tag
HmacSha256::Compute(const void* data, std::size_t size)
{
    Update(data, size);
    return Finish();
}

bool
HmacSha256::Equal(const Tag& a, const Tag& b, std::size_t bytes)
{
    uint8_t difference = 0;
    for (std::size_t i = 0; i < std::min(bytes, a.size()); ++i)
    {
        difference |= a[i] ^ b[i];
    }
    return difference == 0;
}

} // namespace ns3
