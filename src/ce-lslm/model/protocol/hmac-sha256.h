/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_HMAC_SHA256_H
#define CE_LSLM_HMAC_SHA256_H

#include "sha256.h"

#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief HMAC-SHA256 (RFC 2104 with SHA-256), incremental, for one key.
 *
 * The key is prepared once (hashed when longer than a block, then the inner and outer pads);
 * each message is Update ... Finish. Verify compares in constant time. Checked against the
 * RFC 4231 test cases in test/hmac-sha256-test.cc.
 */
class HmacSha256
{
  public:
    /// A tag (the full 32 bytes; a receiver may compare a prefix).
    using Tag = Sha256::Digest;

    /// \param key the secret key (any length)
    explicit HmacSha256(const std::string& key);

    /// \param data bytes of the message \param size how many
    void Update(const void* data, std::size_t size);

    /// \return the tag of the message so far; the object then starts a new message
    Tag Finish();

    /**
     * \param data a whole message
     * \param size its bytes
     * \return its tag
     */
    Tag Compute(const void* data, std::size_t size);

    /**
     * \brief Compare the first \p bytes of two tags without an early exit (no timing leak).
     * \param a a tag
     * \param b another
     * \param bytes bytes to compare (1..32)
     * \return whether they are equal
     */
    static bool Equal(const Tag& a, const Tag& b, std::size_t bytes = Sha256::DIGEST_BYTES);

  private:
    std::array<uint8_t, Sha256::BLOCK_BYTES> m_innerPad; //!< key XOR 0x36
    std::array<uint8_t, Sha256::BLOCK_BYTES> m_outerPad; //!< key XOR 0x5c
    Sha256 m_inner;                                      //!< H(inner pad || message ...)
};

} // namespace ns3

#endif // CE_LSLM_HMAC_SHA256_H
