/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONTEXT_HEADER_H
#define CE_LSLM_CONTEXT_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Body header of the CONTEXT_FETCH and CONTEXT_HELD messages: a shared context and a
 * range of the edge model's layers. It names a context by its id only; no text of the
 * context, of a query or of an answer is ever part of it.
 *
 * CONTEXT_FETCH (edge -> cloud, edge -> neighbouring edge) asks for the KV of layers
 * [layerBegin, layerEnd) of the context, encoded with the codec spec carried as the message
 * payload (ASCII). CONTEXT_HELD (edge -> neighbouring edge) announces that the sender now
 * holds the KV of those layers of the context (layerBegin == layerEnd: it no longer holds any).
 *
 * Wire layout (8 bytes, network byte order): context id (u32), layer begin (u16), layer end
 * (u16, bit 15: REFRESH). A received header is valid when layerBegin <= layerEnd. REFRESH
 * (CONTEXT_FETCH only) says the asking edge lost what it held for those layers (a chunk came
 * corrupted), so the sender sends them as to a new receiver (its PCA bases included).
 */
class ContextHeader : public Header
{
  public:
    static constexpr uint32_t SERIALIZED_SIZE = 8; //!< bytes on the wire

    ContextHeader();

    /**
     * \param contextId the shared context
     * \param layerBegin first edge-model layer of the range
     * \param layerEnd one past the last layer of the range (>= layerBegin)
     */
    ContextHeader(uint32_t contextId, uint16_t layerBegin, uint16_t layerEnd);

    /// Bit of the layer-end field that carries the REFRESH flag (layers stay below it).
    static constexpr uint16_t REFRESH_BIT = 0x8000;

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

    /// \return the context id
    uint32_t GetContextId() const;
    /// \return the first layer of the range
    uint16_t GetLayerBegin() const;
    /// \return one past the last layer of the range
    uint16_t GetLayerEnd() const;
    /// \param refresh whether the receiver asks for the layers as a new receiver
    void SetRefresh(bool refresh);
    /// \return whether the receiver asks for the layers as a new receiver
    bool IsRefresh() const;

  private:
    uint32_t m_contextId;  //!< context
    uint16_t m_layerBegin; //!< first layer
    uint16_t m_layerEnd;   //!< one past the last layer
    bool m_refresh{false}; //!< REFRESH flag
};

} // namespace ns3

#endif // CE_LSLM_CONTEXT_HEADER_H
