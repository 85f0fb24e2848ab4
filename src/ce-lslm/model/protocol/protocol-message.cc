/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "protocol-message.h"

#include "content-class-tag.h"

#include "ns3/abort.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ProtocolMessage");

namespace
{

/// Longest codec spec a CONTEXT_FETCH may carry, in bytes: kv::KvCodec specs are short (e.g.
/// "pca16+q4+rans"), and the bound keeps a peer from making a node parse kilobytes of spec.
constexpr uint32_t MAX_CODEC_SPEC_BYTES = 64;

/// Byte offset of the body header in every message (the common header comes first).
constexpr uint32_t BODY = MessageHeader::SERIALIZED_SIZE;

/// The content class of every byte of a message of \p type.
ContentClassTag::ContentClass
ContentClassOf(MessageHeader::Type type)
{
    switch (type)
    {
        case MessageHeader::REQUEST:
            return ContentClassTag::QUERY;
        case MessageHeader::TOKEN:
            return ContentClassTag::OUTPUT;
        case MessageHeader::KV_DATA:
            return ContentClassTag::KV;
        case MessageHeader::HIDDEN_STATE:
            return ContentClassTag::HIDDEN;
        case MessageHeader::ERROR:
        case MessageHeader::CANCEL:
        case MessageHeader::CONTEXT_FETCH:
        case MessageHeader::CONTEXT_HELD:
            return ContentClassTag::CONTROL;
    }
    return ContentClassTag::CONTROL;
}

/**
 * A message: common header, then \p body (none when null), then \p payload, which becomes the
 * message (the headers are added to its front). Every byte of it is tagged with the content
 * class of \p type; the tag is added last, so that it covers the headers too.
 */
Ptr<Packet>
MakeMessage(MessageHeader::Type type, uint64_t requestId, const Header* body, Ptr<Packet> payload)
{
    if (body)
    {
        payload->AddHeader(*body);
    }
    payload->AddHeader(MessageHeader(type, requestId));
    ContentClassTag::Mark(payload, ContentClassOf(type));
    return payload;
}

/// A payload of \p bytes zero bytes (a zero area of the packet's buffer: no memory is used).
Ptr<Packet>
ZeroPayload(uint32_t bytes)
{
    return Create<Packet>(bytes);
}

/// A payload carrying \p size bytes from \p data (which may be null when \p size is 0).
Ptr<Packet>
BytesPayload(const uint8_t* data, size_t size)
{
    return size == 0 ? Create<Packet>() : Create<Packet>(data, static_cast<uint32_t>(size));
}

/// A payload carrying the bytes of \p text.
Ptr<Packet>
TextPayload(const std::string& text)
{
    return BytesPayload(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

/// Sets \p error to \p what at byte \p offset of the message; returns false.
bool
Fail(std::string& error, uint64_t offset, const std::string& what)
{
    error = "byte " + std::to_string(offset) + ": " + what;
    return false;
}

/**
 * What is wrong with \p spec as the payload of a CONTEXT_FETCH, or "" if nothing; \p at
 * receives the index within \p spec of the byte the problem is found at.
 */
std::string
CodecSpecProblem(const std::string& spec, uint32_t& at)
{
    at = 0;
    if (spec.empty())
    {
        return "a context-fetch message needs a codec spec of 1 to "
               + std::to_string(MAX_CODEC_SPEC_BYTES) + " printable ASCII bytes, found none";
    }
    if (spec.size() > MAX_CODEC_SPEC_BYTES)
    {
        at = MAX_CODEC_SPEC_BYTES;
        return "codec spec of " + std::to_string(spec.size()) + " bytes, longer than "
               + std::to_string(MAX_CODEC_SPEC_BYTES);
    }
    for (; at < spec.size(); ++at)
    {
        auto byte = static_cast<uint8_t>(spec[at]);
        if (byte < 0x21 || byte > 0x7E)
        {
            static const char* hex = "0123456789ABCDEF";
            return std::string("codec spec byte 0x") + hex[byte >> 4] + hex[byte & 0xF]
                   + " is not printable ASCII (0x21 to 0x7E)";
        }
    }
    return "";
}

/// What is wrong with the layer range of \p context, or "" if nothing.
std::string
LayerRangeProblem(const ContextHeader& context)
{
    if (context.GetLayerBegin() <= context.GetLayerEnd())
    {
        return "";
    }
    return "layer end " + std::to_string(context.GetLayerEnd()) + " is below layer begin "
           + std::to_string(context.GetLayerBegin());
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
        return Fail(error,
                    offset,
                    header.GetInstanceTypeId().GetName() + " needs " + std::to_string(needed)
                        + " bytes, only " + std::to_string(message->GetSize()) + " left");
    }
    message->RemoveHeader(header);
    offset += needed;
    return true;
}

/// Checks the fields of a common header read from the wire.
bool
CheckCommonHeader(const MessageHeader& header, std::string& error)
{
    if (header.GetVersion() != MessageHeader::VERSION)
    {
        return Fail(error,
                    0,
                    "protocol version " + std::to_string(header.GetVersion())
                        + " (this node speaks version " + std::to_string(MessageHeader::VERSION)
                        + ")");
    }
    if (header.GetReserved() != 0)
    {
        return Fail(error,
                    2,
                    "reserved field is " + std::to_string(header.GetReserved()) + ", must be 0");
    }
    if (!MessageHeader::IsKnownType(header.GetType()))
    {
        return Fail(error, 1, "unknown message type " + std::to_string(header.GetType()));
    }
    return true;
}

/// The body header of a message of \p out's type, in \p out; null for CANCEL (no body).
Header*
BodyOf(ProtocolMessage& out)
{
    switch (out.header.GetType())
    {
        case MessageHeader::REQUEST:
            return &out.request;
        case MessageHeader::TOKEN:
            return &out.token;
        case MessageHeader::ERROR:
            return &out.error;
        case MessageHeader::CANCEL:
            return nullptr;
        case MessageHeader::CONTEXT_FETCH:
        case MessageHeader::CONTEXT_HELD:
            return &out.context;
        case MessageHeader::KV_DATA:
            return &out.kvData;
        case MessageHeader::HIDDEN_STATE:
            return &out.hidden;
    }
    return nullptr; // unknown types are rejected before
}

/// Checks the fields of a KV_DATA body followed by \p payloadBytes bytes.
bool
CheckKvData(const KvDataHeader& kvData, uint32_t payloadBytes, std::string& error)
{
    if (!kvData.IsKnownOrigin())
    {
        return Fail(error, BODY + 6, "unknown KV origin " + std::to_string(kvData.GetOrigin()));
    }
    if ((kvData.GetFlags() & ~KvDataHeader::FLAG_LAST) != 0)
    {
        return Fail(error, BODY + 7, "unknown KV data flags " + std::to_string(kvData.GetFlags()));
    }
    if (kvData.GetStreamBytes() > payloadBytes)
    {
        return Fail(error,
                    BODY + 8,
                    "stream bytes " + std::to_string(kvData.GetStreamBytes())
                        + " exceed the payload of " + std::to_string(payloadBytes) + " bytes");
    }
    return true;
}

/// What is wrong with the fields of a HIDDEN_STATE body, or "" if nothing; \p at receives the
/// offset within the body of the field found wrong.
std::string
HiddenStateProblem(const HiddenStateHeader& hidden, uint32_t& at)
{
    const uint8_t known = HiddenStateHeader::FLAG_DEFER | HiddenStateHeader::FLAG_RELEASE;
    at = 15;
    if ((hidden.GetFlags() & ~known) != 0)
    {
        return "unknown hidden-state flags " + std::to_string(hidden.GetFlags());
    }
    if (hidden.IsRelease() && hidden.GetCount() != 0)
    {
        return "a release carries no positions, found " + std::to_string(hidden.GetCount());
    }
    at = 14;
    if (hidden.GetPrecision() > HiddenStateHeader::MAX_PRECISION)
    {
        return "unknown hidden-state precision " + std::to_string(hidden.GetPrecision());
    }
    return "";
}

/// Checks the fields of the body of \p in, followed by \p payloadBytes bytes.
bool
CheckBody(const ProtocolMessage& in, uint32_t payloadBytes, std::string& error)
{
    switch (in.header.GetType())
    {
        case MessageHeader::TOKEN:
            return !in.token.HasUnknownFlags()
                   || Fail(error,
                           BODY + 4,
                           "unknown token flags " + std::to_string(in.token.GetFlags()));
        case MessageHeader::CONTEXT_FETCH:
        case MessageHeader::CONTEXT_HELD:
        {
            std::string problem = LayerRangeProblem(in.context);
            return problem.empty() || Fail(error, BODY + 6, problem);
        }
        case MessageHeader::KV_DATA:
            return CheckKvData(in.kvData, payloadBytes, error);
        case MessageHeader::HIDDEN_STATE:
        {
            uint32_t at = 0;
            std::string problem = HiddenStateProblem(in.hidden, at);
            return problem.empty() || Fail(error, BODY + at, problem);
        }
        case MessageHeader::REQUEST:
        case MessageHeader::ERROR:
        case MessageHeader::CANCEL:
            return true;
    }
    return true;
}

/// Checks the payload of \p in, which starts at byte \p offset.
bool
CheckPayload(const ProtocolMessage& in, uint32_t offset, std::string& error)
{
    MessageHeader::Type type = in.header.GetType();
    if ((type == MessageHeader::CANCEL || type == MessageHeader::CONTEXT_HELD)
        && in.payloadBytes != 0)
    {
        return Fail(error,
                    offset,
                    "a " + MessageHeader::TypeName(type) + " message carries no payload, found "
                        + std::to_string(in.payloadBytes)
                        + (in.payloadBytes == 1 ? " byte" : " bytes"));
    }
    if (type == MessageHeader::CONTEXT_FETCH)
    {
        uint32_t at = 0;
        std::string problem = CodecSpecProblem(in.payload, at);
        return problem.empty() || Fail(error, offset + at, problem);
    }
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

Ptr<Packet>
MakeContextFetchMessage(uint64_t fetchId,
                        const ContextHeader& context,
                        const std::string& codecSpec)
{
    uint32_t at = 0;
    std::string problem = CodecSpecProblem(codecSpec, at);
    NS_ABORT_MSG_UNLESS(problem.empty(), "MakeContextFetchMessage: " << problem);
    problem = LayerRangeProblem(context);
    NS_ABORT_MSG_UNLESS(problem.empty(), "MakeContextFetchMessage: " << problem);
    return MakeMessage(MessageHeader::CONTEXT_FETCH, fetchId, &context, TextPayload(codecSpec));
}

Ptr<Packet>
MakeKvDataMessage(uint64_t fetchId,
                  const KvDataHeader& header,
                  const std::vector<uint8_t>& stream,
                  uint32_t payloadBytes)
{
    NS_ABORT_MSG_UNLESS(header.GetStreamBytes() == stream.size(),
                        "MakeKvDataMessage: the header announces "
                            << header.GetStreamBytes() << " stream bytes, the piece has "
                            << stream.size());
    NS_ABORT_MSG_UNLESS(payloadBytes >= stream.size(),
                        "MakeKvDataMessage: a payload of " << payloadBytes << " bytes cannot carry "
                                                           << stream.size() << " stream bytes");
    Ptr<Packet> payload = BytesPayload(stream.data(), stream.size());
    payload->AddAtEnd(ZeroPayload(payloadBytes - stream.size()));
    return MakeMessage(MessageHeader::KV_DATA, fetchId, &header, payload);
}

Ptr<Packet>
MakeContextHeldMessage(uint64_t id, const ContextHeader& context)
{
    std::string problem = LayerRangeProblem(context);
    NS_ABORT_MSG_UNLESS(problem.empty(), "MakeContextHeldMessage: " << problem);
    return MakeMessage(MessageHeader::CONTEXT_HELD, id, &context, ZeroPayload(0));
}

bool
DecodeMessage(Ptr<const Packet> message, ProtocolMessage& out, std::string& error)
{
    out = ProtocolMessage();
    Ptr<Packet> rest = message->Copy();
    uint32_t offset = 0;
    if (!RemoveChecked(rest, out.header, offset, error) || !CheckCommonHeader(out.header, error))
    {
        return false;
    }
    Header* body = BodyOf(out);
    if ((body && !RemoveChecked(rest, *body, offset, error))
        || !CheckBody(out, rest->GetSize(), error))
    {
        return false;
    }
    out.payloadBytes = rest->GetSize();
    out.payload.resize(out.payloadBytes);
    rest->CopyData(reinterpret_cast<uint8_t*>(out.payload.data()), out.payloadBytes);
    return CheckPayload(out, offset, error);
}

Ptr<Packet>
MakeHiddenStateMessage(uint64_t requestId, const HiddenStateHeader& header, uint32_t payloadBytes)
{
    uint32_t at = 0;
    const std::string problem = HiddenStateProblem(header, at);
    NS_ABORT_MSG_UNLESS(problem.empty(), "MakeHiddenStateMessage: " << problem);
    return MakeMessage(MessageHeader::HIDDEN_STATE, requestId, &header, ZeroPayload(payloadBytes));
}

} // namespace ns3
