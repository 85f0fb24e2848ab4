/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "protocol-message.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ProtocolMessage");

namespace
{

/// A message: common header, then \p body, then \p payloadBytes of payload.
Ptr<Packet>
MakeMessage(MessageHeader::Type type, uint64_t requestId, const Header& body, uint32_t payloadBytes)
{
    Ptr<Packet> message = Create<Packet>(payloadBytes);
    message->AddHeader(body);
    message->AddHeader(MessageHeader(type, requestId));
    return message;
}

/**
 * Remove \p header from the front of \p message if enough bytes are left; \p offset is the
 * byte offset of the header within the original message, for the error text.
 */
bool
RemoveChecked(Ptr<Packet> message, Header& header, uint32_t& offset, std::string& error)
{
    uint32_t needed = header.GetSerializedSize();
    if (message->GetSize() < needed)
    {
        error = "byte " + std::to_string(offset) + ": " + header.GetInstanceTypeId().GetName()
                + " needs " + std::to_string(needed) + " bytes, only "
                + std::to_string(message->GetSize()) + " left";
        return false;
    }
    message->RemoveHeader(header);
    offset += needed;
    return true;
}

} // namespace

Ptr<Packet>
MakeRequestMessage(uint64_t requestId,
                   uint32_t promptTokens,
                   uint32_t answerTokens,
                   uint32_t payloadBytes)
{
    return MakeMessage(MessageHeader::REQUEST,
                       requestId,
                       RequestHeader(promptTokens, answerTokens),
                       payloadBytes);
}

Ptr<Packet>
MakeTokenMessage(uint64_t requestId, uint32_t index, bool last, uint32_t payloadBytes)
{
    return MakeMessage(MessageHeader::TOKEN, requestId, TokenHeader(index, last), payloadBytes);
}

Ptr<Packet>
MakeErrorMessage(uint64_t requestId, ErrorHeader::Code code)
{
    return MakeMessage(MessageHeader::ERROR, requestId, ErrorHeader(code), 0);
}

bool
DecodeMessage(Ptr<const Packet> message, ProtocolMessage& out, std::string& error)
{
    Ptr<Packet> rest = message->Copy();
    uint32_t offset = 0;
    if (!RemoveChecked(rest, out.header, offset, error))
    {
        return false;
    }
    if (out.header.GetVersion() != MessageHeader::VERSION)
    {
        error = "byte 0: protocol version " + std::to_string(out.header.GetVersion())
                + " (this node speaks version " + std::to_string(MessageHeader::VERSION) + ")";
        return false;
    }
    if (out.header.GetReserved() != 0)
    {
        error =
            "byte 2: reserved field is " + std::to_string(out.header.GetReserved()) + ", must be 0";
        return false;
    }
    Header* body = nullptr;
    switch (out.header.GetType())
    {
        case MessageHeader::REQUEST:
            body = &out.request;
            break;
        case MessageHeader::TOKEN:
            body = &out.token;
            break;
        case MessageHeader::ERROR:
            body = &out.error;
            break;
    }
    if (!body)
    {
        error = "byte 1: unknown message type " + std::to_string(out.header.GetType());
        return false;
    }
    if (!RemoveChecked(rest, *body, offset, error))
    {
        return false;
    }
    if (out.header.GetType() == MessageHeader::TOKEN && out.token.HasUnknownFlags())
    {
        error = "byte " + std::to_string(offset - 1) + ": unknown token flags "
                + std::to_string(out.token.GetFlags());
        return false;
    }
    out.payloadBytes = rest->GetSize();
    return true;
}

} // namespace ns3
