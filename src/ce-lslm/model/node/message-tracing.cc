/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "message-tracing.h"

#include "ns3/frame-header.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MessageTracing");

uint32_t
GetFrameBytes(Ptr<const Packet> message)
{
    return message->GetSize() + FrameHeader::SERIALIZED_SIZE;
}

} // namespace ns3
