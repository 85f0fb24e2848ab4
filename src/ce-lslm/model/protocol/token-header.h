/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_TOKEN_HEADER_H
#define CE_LSLM_TOKEN_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Body header of a TOKEN message: which answer token this is, and whether it is the
 * last one. The token's text follows as the message payload.
 *
 * Wire layout (5 bytes, network byte order): token index (u32, 0-based), flags (u8; bit 0 =
 * last token of the answer).
 */
class TokenHeader : public Header
{
  public:
    static constexpr uint32_t SERIALIZED_SIZE = 5; //!< bytes on the wire

    TokenHeader();

    /**
     * \param index 0-based position of the token in the answer
     * \param last whether this token ends the answer
     */
    TokenHeader(uint32_t index, bool last);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    /// \return 0-based position of the token in the answer
    uint32_t GetIndex() const;
    /// \return whether this token ends the answer
    bool IsLast() const;
    /// \return the flags byte as read (bits other than "last" must be zero)
    uint8_t GetFlags() const;
    /// \return whether flag bits unknown to this version are set
    bool HasUnknownFlags() const;

  private:
    static constexpr uint8_t FLAG_LAST = 0x01; //!< flags bit: last token

    uint32_t m_index; //!< token position
    uint8_t m_flags;  //!< flag bits
};

} // namespace ns3

#endif // CE_LSLM_TOKEN_HEADER_H
