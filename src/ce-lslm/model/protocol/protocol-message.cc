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

/**
 * A message: common header, then \p body (none when null), then \p payload, which becomes the
 * message (the headers are added to its front).
 */
Ptr<Packet>
MakeMessage(MessageHeader::Type type, uint64_t requestId, const Header* body, Ptr<Packet> payload)
{
    if (body)
    {
        payload->AddHeader(*body);
    }
    payload->AddHeader(MessageHeader(type, requestId));
    return payload;
}

/// A payload of \p bytes zero bytes.
Ptr<Packet>
ZeroPayload(uint32_t bytes)
{
    return Create<Packet>(bytes);
}

/// A payload carrying the bytes of \p text.
Ptr<Packet>
TextPayload(const std::string& text)
{
    return Create<Packet>(reinterpret_cast<const uint8_t*>(text.data()),
                          static_cast<uint32_t>(text.size()));
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
MakeRequestMessage(uint64_t requestId, const RequestHeader& request, const std::string& payload)
{
    return MakeMessage(MessageHeader::REQUEST, requestId, &request, TextPayload(payload));
}

Ptr<Packet>
MakeRequestMessage(uint64_t requestId,
                   uint32_t promptTokens,
                   uint32_t answerTokens,
                   uint32_t payloadBytes)
{
    RequestHeader request(promptTokens, answerTokens);
    return MakeMessage(MessageHeader::REQUEST, requestId, &request, ZeroPayload(payloadBytes));
}

Ptr<Packet>
MakeTokenMessage(uint64_t requestId, uint32_t index, bool last, const std::string& text)
{
    TokenHeader token(index, last);
    return MakeMessage(MessageHeader::TOKEN, requestId, &token, TextPayload(text));
}

Ptr<Packet>
MakeTokenMessage(uint64_t requestId, uint32_t index, bool last, uint32_t payloadBytes)
{
    TokenHeader token(index, last);
    return MakeMessage(MessageHeader::TOKEN, requestId, &token, ZeroPayload(payloadBytes));
}

Ptr<Packet>
MakeErrorMessage(uint64_t requestId, ErrorHeader::Code code)
{
    ErrorHeader error(code);
    return MakeMessage(MessageHeader::ERROR, requestId, &error, ZeroPayload(0));
}

Ptr<Packet>
MakeCancelMessage(uint64_t requestId)
{
    return MakeMessage(MessageHeader::CANCEL, requestId, nullptr, ZeroPayload(0));
}

bool
DecodeMessage(Ptr<const Packet> message, ProtocolMessage& out, std::string& error)
{
    out = ProtocolMessage();
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
    MessageHeader::Type type = out.header.GetType();
    if (!MessageHeader::IsKnownType(type))
    {
        error = "byte 1: unknown message type " + std::to_string(type);
        return false;
    }
    Header* body = nullptr;
    switch (type)
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
        case MessageHeader::CANCEL:
            break; // no body
    }
    if (body && !RemoveChecked(rest, *body, offset, error))
    {
        return false;
    }
    if (type == MessageHeader::TOKEN && out.token.HasUnknownFlags())
    {
        error = "byte " + std::to_string(offset - 1) + ": unknown token flags "
                + std::to_string(out.token.GetFlags());
        return false;
    }
    if (type == MessageHeader::CANCEL && rest->GetSize() != 0)
    {
        uint32_t stray = rest->GetSize();
        error = "byte " + std::to_string(offset) + ": a cancel message carries no payload, found "
                + std::to_string(stray) + (stray == 1 ? " byte" : " bytes");
        return false;
    }
    out.payloadBytes = rest->GetSize();
    out.payload.resize(out.payloadBytes);
    rest->CopyData(reinterpret_cast<uint8_t*>(out.payload.data()), out.payloadBytes);
    return true;
}

} // namespace ns3
