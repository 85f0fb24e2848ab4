/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_MESSAGE_TRACING_H
#define CE_LSLM_MESSAGE_TRACING_H

#include "ns3/framed-connection.h"
#include "ns3/protocol-message.h"
#include "ns3/traced-callback.h"

#include <string>

namespace ns3
{

/// The type of every ce-lslm application's message trace sources (Tx, Rx, AccessTx, ...).
using MessageTrace = TracedCallback<const MessageHeader&, uint32_t>;

/// The type of every ce-lslm application's ProtocolError trace source.
using ProtocolErrorTrace = TracedCallback<const std::string&>;

/**
 * \param message a protocol message
 * \return the bytes it occupies in the TCP stream: the message plus its frame header
 */
uint32_t GetFrameBytes(Ptr<const Packet> message);

/**
 * \brief Fire \p trace for \p message, then send it on \p connection.
 * \param connection where to send
 * \param message a protocol message made by a Make*Message function
 * \param trace the application's trace source for this direction
 */
void SendTraced(Ptr<FramedConnection> connection, Ptr<const Packet> message, MessageTrace& trace);

/**
 * \brief Decode a received message and, when it is well formed, fire \p trace for it.
 * \param message the frame payload
 * \param decoded receives the decoded headers
 * \param trace the application's trace source for this direction
 * \param error receives what is wrong with a malformed message
 * \return whether the message is well formed
 */
bool DecodeTraced(Ptr<const Packet> message,
                  ProtocolMessage& decoded,
                  MessageTrace& trace,
                  std::string& error);

} // namespace ns3

#endif // CE_LSLM_MESSAGE_TRACING_H
