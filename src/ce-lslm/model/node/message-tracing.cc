/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "message-tracing.h"

#include "ns3/frame-header.h"

namespace ns3
{

uint32_t
GetFrameBytes(Ptr<const Packet> message)
{
    return message->GetSize() + FrameHeader::SERIALIZED_SIZE;
}

void
SendTraced(Ptr<FramedConnection> connection, Ptr<const Packet> message, MessageTrace& trace)
{
    MessageHeader header;
    message->PeekHeader(header);
    trace(header, GetFrameBytes(message));
    connection->Send(message);
}

bool
DecodeTraced(Ptr<const Packet> message,
             ProtocolMessage& decoded,
             MessageTrace& trace,
             std::string& error)
{
    if (!DecodeMessage(message, decoded, error))
    {
        return false;
    }
    trace(decoded.header, GetFrameBytes(message));
    return true;
}

} // namespace ns3
