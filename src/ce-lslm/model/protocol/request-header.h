/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_REQUEST_HEADER_H
#define CE_LSLM_REQUEST_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Body header of a REQUEST message: how long the prompt is and how many answer tokens
 * the terminal asks for. The prompt text follows as the message payload.
 *
 * Wire layout (8 bytes, network byte order): prompt tokens (u32), answer tokens (u32).
 */
class RequestHeader : public Header
{
  public:
    static constexpr uint32_t SERIALIZED_SIZE = 8; //!< bytes on the wire

    RequestHeader();

    /**
     * \param promptTokens prompt length, in tokens
     * \param answerTokens requested answer length, in tokens
     */
    RequestHeader(uint32_t promptTokens, uint32_t answerTokens);

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

    /// \return prompt length, in tokens
    uint32_t GetPromptTokens() const;
    /// \return requested answer length, in tokens
    uint32_t GetAnswerTokens() const;

  private:
    uint32_t m_promptTokens; //!< prompt length
    uint32_t m_answerTokens; //!< answer length
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_HEADER_H
