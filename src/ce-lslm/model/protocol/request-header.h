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
 * \brief Body header of a REQUEST message: how many tokens the server must process for the
 * prompt, how many answer tokens the terminal asks for, which shared context the prompt builds
 * on and which workload item it is. The query text follows as the message payload (zero bytes
 * for the synthetic network-only workload).
 *
 * Wire layout (16 bytes, network byte order): prompt tokens (u32), answer tokens (u32),
 * context id (u32, NO_CONTEXT = 0xFFFFFFFF when none), item (u32, NO_ITEM = 0xFFFFFFFF when
 * none).
 */
class RequestHeader : public Header
{
  public:
    static constexpr uint32_t SERIALIZED_SIZE = 16;    //!< bytes on the wire
    static constexpr uint32_t NO_CONTEXT = 0xFFFFFFFF; //!< context id: no shared context
    static constexpr uint32_t NO_ITEM = 0xFFFFFFFF;    //!< item: not a workload item

    RequestHeader();

    /**
     * \param promptTokens tokens the server must process for the prompt (shared context plus
     *        query, or the synthetic count), in tokens
     * \param answerTokens requested answer length, in tokens
     * \param contextId index of a shared context the server holds, or NO_CONTEXT
     * \param item workload item index, or NO_ITEM: a simulation tag the server uses only to
     *        score the answer's quality against the item's true continuation
     */
    RequestHeader(uint32_t promptTokens,
                  uint32_t answerTokens,
                  uint32_t contextId = NO_CONTEXT,
                  uint32_t item = NO_ITEM);

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

    /// \return tokens the server must process for the prompt, in tokens
    uint32_t GetPromptTokens() const;
    /// \return requested answer length, in tokens
    uint32_t GetAnswerTokens() const;
    /// \return index of the shared context the prompt builds on, or NO_CONTEXT
    uint32_t GetContextId() const;
    /// \return workload item index, or NO_ITEM
    uint32_t GetItem() const;
    /// \return whether the request names a shared context (GetContextId() != NO_CONTEXT)
    bool HasContext() const;
    /// \return whether the request names a workload item (GetItem() != NO_ITEM)
    bool HasItem() const;

  private:
    uint32_t m_promptTokens; //!< prompt length
    uint32_t m_answerTokens; //!< answer length
    uint32_t m_contextId;    //!< shared context index, or NO_CONTEXT
    uint32_t m_item;         //!< workload item index, or NO_ITEM
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_HEADER_H
