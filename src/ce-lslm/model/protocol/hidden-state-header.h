/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_HIDDEN_STATE_HEADER_H
#define CE_LSLM_HIDDEN_STATE_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Body header of a HIDDEN_STATE message (CE-CoLLM): hidden states of some positions of
 * a request at the split layer of a partitioned model, sent by the edge to the cloud's context
 * manager, and what the cloud is to do with them.
 *
 * The payload holds the hidden states of positions [first, first + count) at the declared
 * model's width in the stated precision (zero bytes of the declared size: the cloud's share of
 * the executed model runs with the edge's, see doc/ce-collm-mode.rst). With FLAG_DEFER the
 * cloud runs its layers on every position it holds and has not run yet and answers with the
 * TOKEN of index tokenIndex; with FLAG_RELEASE it frees the request's state (count is then 0).
 *
 * Wire layout (16 bytes, network byte order): first position (u32), count (u32), token index
 * (u32), split layer (u16), precision (u8: 0 fp32, 1 fp16, 2 q8), flags (u8: bit 0 DEFER,
 * bit 1 RELEASE; other bits zero).
 */
class HiddenStateHeader : public Header
{
  public:
    static constexpr uint32_t SERIALIZED_SIZE = 16; //!< bytes on the wire
    static constexpr uint8_t FLAG_DEFER = 0x01;     //!< return the next token
    static constexpr uint8_t FLAG_RELEASE = 0x02;   //!< free the request's state
    static constexpr uint8_t MAX_PRECISION = 2;     //!< largest precision code (q8)

    HiddenStateHeader();

    /**
     * \param first first position carried
     * \param count positions carried
     * \param tokenIndex answer index of the token a deferral asks for (0 otherwise)
     * \param splitLayer decoder layers the edge ran (the cloud runs the rest)
     * \param precision precision code (0 fp32, 1 fp16, 2 q8)
     * \param flags FLAG_DEFER and/or FLAG_RELEASE
     */
    HiddenStateHeader(uint32_t first,
                      uint32_t count,
                      uint32_t tokenIndex,
                      uint16_t splitLayer,
                      uint8_t precision,
                      uint8_t flags);

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

    /// \return the first position carried
    uint32_t GetFirst() const;
    /// \return the positions carried
    uint32_t GetCount() const;
    /// \return the answer index of the token a deferral asks for
    uint32_t GetTokenIndex() const;
    /// \return the split layer
    uint16_t GetSplitLayer() const;
    /// \return the precision code as read
    uint8_t GetPrecision() const;
    /// \return the flags byte as read
    uint8_t GetFlags() const;
    /// \return whether the cloud is to return the next token
    bool IsDefer() const;
    /// \return whether the cloud is to free the request's state
    bool IsRelease() const;

  private:
    uint32_t m_first;      //!< first position
    uint32_t m_count;      //!< positions
    uint32_t m_tokenIndex; //!< answer index asked for
    uint16_t m_splitLayer; //!< edge layers
    uint8_t m_precision;   //!< precision code
    uint8_t m_flags;       //!< FLAG_DEFER, FLAG_RELEASE
};

} // namespace ns3

#endif // CE_LSLM_HIDDEN_STATE_HEADER_H
