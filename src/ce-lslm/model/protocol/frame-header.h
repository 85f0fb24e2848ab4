/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FRAME_HEADER_H
#define CE_LSLM_FRAME_HEADER_H

#include "ns3/header.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Length prefix of one framed message on a TCP byte stream.
 *
 * Wire format (6 bytes, network byte order):
 *
 * \verbatim
   0               1               2               3
   +---------------+---------------+---------------+---------------+
   |         magic (0xCE15)        |     payload length (32 bit) ...
   +---------------+---------------+---------------+---------------+
   ...  payload length (cont.)     |
   +---------------+---------------+
   \endverbatim
 *
 * The magic lets a receiver detect a desynchronised or foreign stream early instead of
 * trusting an arbitrary length.
 */
class FrameHeader : public Header
{
  public:
    /// Size of the serialized header, in bytes.
    static constexpr uint32_t SERIALIZED_SIZE = 6;
    /// Value of the magic field in every valid frame header.
    static constexpr uint16_t MAGIC = 0xCE15;

    /// Creates a header with the valid magic and a zero payload length.
    FrameHeader();

    /**
     * \brief Creates a header with the valid magic.
     * \param payloadSize length of the payload that follows the header, in bytes
     */
    explicit FrameHeader(uint32_t payloadSize);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    /**
     * \return the magic field as read by Deserialize (MAGIC unless the stream is corrupt)
     */
    uint16_t GetMagic() const;

    /**
     * \return true if the magic field equals MAGIC
     */
    bool HasValidMagic() const;

    /**
     * \return the payload length, in bytes
     */
    uint32_t GetPayloadSize() const;

    /**
     * \param payloadSize the payload length, in bytes
     */
    void SetPayloadSize(uint32_t payloadSize);

    /**
     * \brief Formats a magic value the way logs and error texts show it.
     * \param magic the magic value
     * \return e.g. "0xce15"
     */
    static std::string FormatMagic(uint16_t magic);

  private:
    uint16_t m_magic;       //!< Magic field (MAGIC when valid)
    uint32_t m_payloadSize; //!< Payload length, in bytes
};

} // namespace ns3

#endif // CE_LSLM_FRAME_HEADER_H
