/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SHA256_H
#define CE_LSLM_SHA256_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief SHA-256 (FIPS 180-4), incremental: Update with any split of the message, then Finish.
 *
 * Plain C++ with no dependency, for the HMAC that authenticates edge-cloud messages
 * (HmacSha256). Checked against the FIPS 180-2 examples in test/hmac-sha256-test.cc.
 */
class Sha256
{
  public:
    /// Bytes of a digest.
    static constexpr std::size_t DIGEST_BYTES = 32;
    /// Bytes of a compression block.
    static constexpr std::size_t BLOCK_BYTES = 64;
    /// A digest.
    using Digest = std::array<uint8_t, DIGEST_BYTES>;

    Sha256();

    /**
     * \param data bytes to add to the message
     * \param size how many
     */
    void Update(const void* data, std::size_t size);

    /// \return the digest of everything added; the object starts a new message afterwards
    Digest Finish();

    /**
     * \param data a whole message
     * \param size its bytes
     * \return its digest
     */
    static Digest Hash(const void* data, std::size_t size);

    /// \param digest a digest \return it in lower-case hexadecimal
    static std::string Hex(const Digest& digest);

  private:
    /// Compress one 64-byte block into the state.
    void Compress(const uint8_t* block);

    std::array<uint32_t, 8> m_state;         //!< chaining value
    std::array<uint8_t, BLOCK_BYTES> m_tail; //!< bytes not yet compressed
    std::size_t m_tailBytes;                 //!< bytes in m_tail
    uint64_t m_length;                       //!< message bytes so far
};

} // namespace ns3

#endif // CE_LSLM_SHA256_H
