/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "sha256.h"

#include <algorithm>
#include <cstring>

namespace ns3
{

namespace
{

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr std::array<uint32_t, 8> INITIAL = {0x6a09e667,
                                             0xbb67ae85,
                                             0x3c6ef372,
                                             0xa54ff53a,
                                             0x510e527f,
                                             0x9b05688c,
                                             0x1f83d9ab,
                                             0x5be0cd19};

constexpr uint32_t
Rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

} // namespace

Sha256::Sha256()
    : m_state(INITIAL)
    , m_tail{}
    , m_tailBytes(0)
    , m_length(0)
{
}

void
Sha256::Compress(const uint8_t* block)
{
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
    {
        w[i] = (uint32_t(block[4 * i]) << 24) | (uint32_t(block[4 * i + 1]) << 16)
               | (uint32_t(block[4 * i + 2]) << 8) | uint32_t(block[4 * i + 3]);
    }
    for (int i = 16; i < 64; ++i)
    {
        const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = m_state[0];
    uint32_t b = m_state[1];
    uint32_t c = m_state[2];
    uint32_t d = m_state[3];
    uint32_t e = m_state[4];
    uint32_t f = m_state[5];
    uint32_t g = m_state[6];
    uint32_t h = m_state[7];
    for (int i = 0; i < 64; ++i)
    {
        const uint32_t s1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
        const uint32_t choose = (e & f) ^ (~e & g);
        const uint32_t t1 = h + s1 + choose + K[i] + w[i];
        const uint32_t s0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
        const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        const uint32_t t2 = s0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    m_state[0] += a;
    m_state[1] += b;
    m_state[2] += c;
    m_state[3] += d;
    m_state[4] += e;
    m_state[5] += f;
    m_state[6] += g;
    m_state[7] += h;
}

void
Sha256::Update(const void* data, std::size_t size)
{
    if (size == 0)
    {
        return; // data may be null (an empty message): memcpy must not see it
    }
    const auto* bytes = static_cast<const uint8_t*>(data);
    m_length += size;
    if (m_tailBytes > 0)
    {
        const std::size_t take = std::min(size, BLOCK_BYTES - m_tailBytes);
        std::memcpy(m_tail.data() + m_tailBytes, bytes, take);
        m_tailBytes += take;
        bytes += take;
        size -= take;
        if (m_tailBytes < BLOCK_BYTES)
        {
            return;
        }
        Compress(m_tail.data());
        m_tailBytes = 0;
    }
    for (; size >= BLOCK_BYTES; bytes += BLOCK_BYTES, size -= BLOCK_BYTES)
    {
        Compress(bytes);
    }
    std::memcpy(m_tail.data(), bytes, size);
    m_tailBytes = size;
}

Sha256::Digest
Sha256::Finish()
{
    // Padding: 0x80, zeros up to 56 bytes mod 64, then the message length in bits (big endian).
    const uint64_t bits = m_length * 8;
    const uint8_t one = 0x80;
    Update(&one, 1);
    const uint8_t zero = 0;
    while (m_tailBytes != BLOCK_BYTES - 8)
    {
        Update(&zero, 1);
    }
    uint8_t length[8];
    for (int i = 0; i < 8; ++i)
    {
        length[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    }
    Update(length, 8);
    Digest digest;
    for (int i = 0; i < 8; ++i)
    {
        for (int j = 0; j < 4; ++j)
        {
            digest[4 * i + j] = static_cast<uint8_t>(m_state[i] >> (24 - 8 * j));
        }
    }
    *this = Sha256();
    return digest;
}

Sha256::Digest
Sha256::Hash(const void* data, std::size_t size)
{
    Sha256 hash;
    hash.Update(data, size);
    return hash.Finish();
}

std::string
Sha256::Hex(const Digest& digest)
{
    static const char DIGITS[] = "0123456789abcdef";
    std::string text;
    for (uint8_t byte : digest)
    {
        text += DIGITS[byte >> 4];
        text += DIGITS[byte & 15];
    }
    return text;
}

} // namespace ns3
