/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_DATA_HEADER_H
#define CE_LSLM_KV_DATA_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Body header of a KV_DATA message: a piece of a KV stream (the kv layer's chunked
 * wire format) answering a CONTEXT_FETCH, whose id the message header carries.
 *
 * The payload starts with streamBytes bytes of the KV stream, which the receiver feeds to its
 * KvReceiver; the rest of the payload is zero padding that makes the message as large as the
 * declared model's KV would be (design brief, "Fidelity": KV bytes on the wire are the
 * declared profile's KV size times the compression ratio measured on the executed model).
 *
 * Wire layout (12 bytes, network byte order): context id (u32), layer (u16; NO_LAYER for the
 * stream's header, basis or end pieces), origin (u8, an Origin), flags (u8, bit 0: LAST, the
 * stream's final piece; other bits zero), stream bytes (u32, at most the payload size).
 */
class KvDataHeader : public Header
{
  public:
    static constexpr uint32_t SERIALIZED_SIZE = 12; //!< bytes on the wire
    static constexpr uint16_t NO_LAYER = 0xFFFF;    //!< piece carries no layer's KV
    static constexpr uint8_t FLAG_LAST = 0x01;      //!< the stream's final piece

    /// Where the KV of this piece came from (decides its fusion weight at the receiver).
    enum Origin : uint8_t
    {
        COMPUTED = 0, //!< computed by an edge model from the context text (exact)
        ALIGNED = 1   //!< the cloud LLM's KV projected into the edge model's space
    };

    KvDataHeader();

    /**
     * \param contextId the context
     * \param layer the edge-model layer whose KV the piece carries, or NO_LAYER
     * \param origin where that KV came from
     * \param last whether this piece ends the stream
     * \param streamBytes KV-stream bytes at the start of the payload
     */
    KvDataHeader(uint32_t contextId,
                 uint16_t layer,
                 Origin origin,
                 bool last,
                 uint32_t streamBytes);

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
    /// \return the layer, or NO_LAYER
    uint16_t GetLayer() const;
    /// \return the origin byte as read (see IsKnownOrigin)
    Origin GetOrigin() const;
    /// \return whether the piece ends the stream
    bool IsLast() const;
    /// \return the flags byte as read (only FLAG_LAST may be set)
    uint8_t GetFlags() const;
    /// \return KV-stream bytes at the start of the payload
    uint32_t GetStreamBytes() const;
    /// \return whether the origin byte is an Origin value
    bool IsKnownOrigin() const;

  private:
    uint32_t m_contextId;   //!< context
    uint16_t m_layer;       //!< layer or NO_LAYER
    uint8_t m_origin;       //!< Origin
    uint8_t m_flags;        //!< FLAG_LAST
    uint32_t m_streamBytes; //!< real stream bytes in the payload
};

} // namespace ns3

#endif // CE_LSLM_KV_DATA_HEADER_H
