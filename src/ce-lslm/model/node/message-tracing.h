/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_MESSAGE_TRACING_H
#define CE_LSLM_MESSAGE_TRACING_H

#include "ns3/ipv4-address.h"
#include "ns3/packet.h"
#include "ns3/protocol-message.h"
#include "ns3/traced-callback.h"

#include <string>

namespace ns3
{

/// The type of every ce-lslm application's message trace sources (Tx, Rx, AccessTx, ...).
using MessageTrace = TracedCallback<const MessageHeader&, uint32_t>;

/// The type of every ce-lslm application's ProtocolError trace source.
using ProtocolErrorTrace = TracedCallback<const std::string&>;

/// The type of every ce-lslm application's TcpRetransmission trace source: (link class,
/// address of the peer, payload bytes of the segment sent again).
using TcpRetransmissionTrace = TracedCallback<const std::string&, Ipv4Address, uint32_t>;

/// The type of every ce-lslm application's TcpTimeout trace source: (link class, address of
/// the peer).
using TcpTimeoutTrace = TracedCallback<const std::string&, Ipv4Address>;

/**
 * \param message a protocol message
 * \return the bytes it occupies in the TCP stream: the message plus its frame header
 */
uint32_t GetFrameBytes(Ptr<const Packet> message);

} // namespace ns3

#endif // CE_LSLM_MESSAGE_TRACING_H
