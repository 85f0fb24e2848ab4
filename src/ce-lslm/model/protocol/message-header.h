/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_MESSAGE_HEADER_H
#define CE_LSLM_MESSAGE_HEADER_H

#include "ns3/header.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Common header of every ce-lslm protocol message: version, message type and the id of
 * the request the message belongs to.
 *
 * Wire layout (12 bytes, network byte order): version (u8), type (u8), reserved (u16, zero),
 * request id (u64). A type-specific header (RequestHeader, TokenHeader, ErrorHeader; none for
 * CANCEL) and the message payload follow.
 */
class MessageHeader : public Header
{
  public:
    /// Message types.
    enum Type : uint8_t
    {
        REQUEST = 1,       //!< terminal -> edge -> cloud: a new inference request (RequestHeader)
        TOKEN = 2,         //!< cloud -> edge -> terminal: one answer token (TokenHeader)
        ERROR = 3,         //!< any direction: the request failed (ErrorHeader)
        CANCEL = 4,        //!< terminal -> edge -> cloud: stop serving this request; no body, no
                           //!< payload; the server answers nothing
        CONTEXT_FETCH = 5, //!< edge -> cloud or neighbouring edge: send the KV of some layers of
                           //!< a shared context (ContextHeader; payload: codec spec); the
                           //!< request id field carries the fetch's own id
        KV_DATA = 6,       //!< answer to a CONTEXT_FETCH: a piece of the KV stream
                           //!< (KvDataHeader; payload: stream bytes and padding)
        CONTEXT_HELD = 7,  //!< edge -> neighbouring edge: the layers of a context the sender
                           //!< now holds (ContextHeader); no payload
        HIDDEN_STATE = 8   //!< edge -> cloud (CE-CoLLM): hidden states of a request's positions
                           //!< at the split layer, maybe a deferral (HiddenStateHeader;
                           //!< payload: the states at the declared size)
    };

    static constexpr uint8_t VERSION = 2;           //!< protocol version written and accepted
    static constexpr uint32_t SERIALIZED_SIZE = 12; //!< bytes on the wire

    MessageHeader();

    /**
     * \param type message type
     * \param requestId id of the request this message belongs to
     */
    MessageHeader(Type type, uint64_t requestId);

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

    /// \return the protocol version read from the wire
    uint8_t GetVersion() const;
    /// \return the message type (may be unknown when read from the wire; see IsKnownType)
    Type GetType() const;
    /// \return the request id
    uint64_t GetRequestId() const;
    /// \return the reserved field as read (must be zero in this version)
    uint16_t GetReserved() const;

    /**
     * \param type a type byte
     * \return whether \p type is one of Type's values
     */
    static bool IsKnownType(uint8_t type);
    /**
     * \param type a message type
     * \return its lower-case name ("request", "token", "error", "cancel"), or "unknown"
     */
    static std::string TypeName(uint8_t type);

  private:
    uint8_t m_version;    //!< protocol version
    uint8_t m_type;       //!< message type
    uint16_t m_reserved;  //!< reserved field, as read
    uint64_t m_requestId; //!< request id
};

} // namespace ns3

#endif // CE_LSLM_MESSAGE_HEADER_H
