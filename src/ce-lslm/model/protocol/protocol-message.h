/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_PROTOCOL_MESSAGE_H
#define CE_LSLM_PROTOCOL_MESSAGE_H

#include "context-header.h"
#include "error-header.h"
#include "hidden-state-header.h"
#include "kv-data-header.h"
#include "message-header.h"
#include "request-header.h"
#include "token-header.h"

#include "ns3/packet.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A decoded ce-lslm protocol message: the common header, the body header of its type
 * (none for CANCEL) and the payload bytes that follow them.
 *
 * Messages are built by the Make*Message functions and travel as frames of a FramedConnection;
 * their sizes on the wire are the real serialized sizes of these headers plus the payload. The
 * payload of a REQUEST is the query text, that of a TOKEN the token's text; either is zero
 * bytes or zero-filled for the synthetic network-only workload. ERROR and CANCEL messages have
 * no payload.
 */
struct ProtocolMessage
{
    /**
     * TracedCallback signature for a message sent or received by an application.
     * \param header the message's common header (type and request id)
     * \param frameBytes bytes the message occupies in the TCP stream, frame header included
     */
    typedef void (*TracedCallback)(const MessageHeader& header, uint32_t frameBytes);

    /**
     * TracedCallback signature for a malformed or unexpected message, reported by the
     * application that received it (the message is ignored).
     * \param what description, naming the request and the byte offset where known
     */
    typedef void (*ErrorTracedCallback)(const std::string& what);

    MessageHeader header;     //!< common header
    RequestHeader request;    //!< body, when header.GetType() == MessageHeader::REQUEST
    TokenHeader token;        //!< body, when header.GetType() == MessageHeader::TOKEN
    ErrorHeader error;        //!< body, when header.GetType() == MessageHeader::ERROR
    ContextHeader context;    //!< body of CONTEXT_FETCH and CONTEXT_HELD
    KvDataHeader kvData;      //!< body of KV_DATA
    HiddenStateHeader hidden; //!< body of HIDDEN_STATE
    uint32_t payloadBytes{0}; //!< bytes after the headers (payload.size())
    std::string payload;      //!< the bytes after the headers, copied out of the message
};

/**
 * \param requestId request id
 * \param request the request's body header (token counts, context, item)
 * \param payload the query text, carried as the message payload (may be empty)
 * \return a REQUEST message
 */
Ptr<Packet> MakeRequestMessage(uint64_t requestId,
                               const RequestHeader& request,
                               const std::string& payload);

/**
 * \brief A REQUEST of the synthetic workload: no context, no item, a zero-filled payload.
 * \param requestId request id
 * \param promptTokens prompt length, in tokens
 * \param answerTokens requested answer length, in tokens
 * \param payloadBytes size of the (zero-filled) prompt text carried, in bytes
 * \return a REQUEST message
 */
Ptr<Packet> MakeRequestMessage(uint64_t requestId,
                               uint32_t promptTokens,
                               uint32_t answerTokens,
                               uint32_t payloadBytes);

/**
 * \param requestId request id
 * \param index 0-based position of the token in the answer
 * \param last whether the token ends the answer
 * \param text the token's text, carried as the message payload (may be empty)
 * \return a TOKEN message
 */
Ptr<Packet> MakeTokenMessage(uint64_t requestId,
                             uint32_t index,
                             bool last,
                             const std::string& text);

/**
 * \brief A TOKEN of the synthetic workload, with a zero-filled payload.
 * \param requestId request id
 * \param index 0-based position of the token in the answer
 * \param last whether the token ends the answer
 * \param payloadBytes size of the (zero-filled) token text, in bytes
 * \return a TOKEN message
 */
Ptr<Packet> MakeTokenMessage(uint64_t requestId, uint32_t index, bool last, uint32_t payloadBytes);

/**
 * \param requestId request id
 * \param code why the request failed
 * \return an ERROR message
 */
Ptr<Packet> MakeErrorMessage(uint64_t requestId, ErrorHeader::Code code);

/**
 * \param requestId id of the request to stop serving
 * \return a CANCEL message (common header only)
 */
Ptr<Packet> MakeCancelMessage(uint64_t requestId);

/**
 * \param fetchId the fetch's id (chosen by the fetching edge; names no request)
 * \param context the context and the layers asked for
 * \param codecSpec the codec spec the KV is to be encoded with (kv::KvCodec syntax), carried
 *        as the payload: 1 to 64 printable ASCII bytes (0x21 to 0x7E), as DecodeMessage
 *        requires; anything else, or layerBegin > layerEnd, aborts
 * \return a CONTEXT_FETCH message (content class CONTROL)
 */
Ptr<Packet> MakeContextFetchMessage(uint64_t fetchId,
                                    const ContextHeader& context,
                                    const std::string& codecSpec);

/**
 * \param fetchId the fetch this piece answers
 * \param header the piece's header; header.GetStreamBytes() must equal \p stream.size()
 * \param stream the KV-stream bytes of the piece
 * \param payloadBytes payload size (>= stream.size()); the bytes after the stream are zeros,
 *        held as a zero area of the packet's buffer (no memory until the receiver copies them)
 * \return a KV_DATA message (content class KV)
 */
Ptr<Packet> MakeKvDataMessage(uint64_t fetchId,
                              const KvDataHeader& header,
                              const std::vector<uint8_t>& stream,
                              uint32_t payloadBytes);

/**
 * \param id an id chosen by the sender (names no request)
 * \param context the context and the layers the sender now holds (layerBegin > layerEnd
 *        aborts)
 * \return a CONTEXT_HELD message (content class CONTROL)
 */
Ptr<Packet> MakeContextHeldMessage(uint64_t id, const ContextHeader& context);

/**
 * \param requestId the request whose positions these are
 * \param header which positions, at which split and precision, and what the cloud is to do
 *        (unknown flags, a precision above MAX_PRECISION, or RELEASE with positions abort)
 * \param payloadBytes the states' size at the declared model's width (zero bytes)
 * \return a HIDDEN_STATE message (content class HIDDEN)
 */
Ptr<Packet> MakeHiddenStateMessage(uint64_t requestId,
                                   const HiddenStateHeader& header,
                                   uint32_t payloadBytes);

/**
 * \brief Decode a message received from a peer, checking every size and field first.
 * \param message the frame payload
 * \param out receives the decoded headers and payload (reset first)
 * \param error receives, on failure, what is wrong and at which byte offset of the message
 * \return whether the message is well formed
 */
bool DecodeMessage(Ptr<const Packet> message, ProtocolMessage& out, std::string& error);

} // namespace ns3

#endif // CE_LSLM_PROTOCOL_MESSAGE_H
