/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Fuzz target: the bytes a hostile peer writes into a TCP connection. Byte 0 sets the size of the
// pieces the stream arrives in (1 + value % 64 bytes, or all at once for 0), the rest is the
// stream: FrameDecoder splits it into frames (FrameHeader), DecodeMessage reads each frame's
// MessageHeader and body header (request, token, error, context, KV data, hidden state) and
// checks the payload, and the headers are printed as NS_LOG prints them. Refusals are return
// values with a message here; a crash, an ns-3 assert or an exception is a finding.

#include "fuzz-support.h"

#include "ns3/frame-decoder.h"
#include "ns3/protocol-message.h"

#include <cstdint>
#include <sstream>

namespace
{

using namespace ns3;

void
DecodeFrame(Ptr<const Packet> frame)
{
    ProtocolMessage message;
    std::string error;
    if (!DecodeMessage(frame, message, error))
    {
        ce_lslm_fuzz::Refused(error);
        return;
    }
    std::ostringstream text;
    message.header.Print(text);
    message.request.Print(text);
    message.token.Print(text);
    message.error.Print(text);
    message.context.Print(text);
    message.kvData.Print(text);
    message.hidden.Print(text);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const size_t piece = data[0] == 0 ? size : 1 + data[0] % 64;
    FrameDecoder decoder;
    for (size_t at = 1; at < size && !decoder.HasError(); at += piece)
    {
        decoder.Push(Create<Packet>(data + at, static_cast<uint32_t>(std::min(piece, size - at))));
        Ptr<Packet> frame;
        while (decoder.Pop(frame))
        {
            DecodeFrame(frame);
        }
    }
    if (decoder.HasError())
    {
        ce_lslm_fuzz::Refused(decoder.GetError());
    }
    return 0;
}
