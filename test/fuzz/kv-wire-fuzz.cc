/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Fuzz target: the KV wire format as a hostile sender writes it (kv-wire-fixture.h gives the
// input layout). A stream goes through kv::KvReceiver (stream reader, CRCs, BASIS chunks, codec
// specs, KvCodec::Decode); the CODEC and BASIS modes reach the decoders behind a chunk CRC
// directly. kv::KvError (and its KvWireError) is the expected refusal; anything else escapes and
// is a finding, and so is a decoded block whose shape is not the one asked for.

#include "fuzz-support.h"
#include "kv-wire-fixture.h"

#include "ns3/byte-io.h"
#include "ns3/kv-codec.h"
#include "ns3/kv-error.h"
#include "ns3/kv-receiver.h"

#include <cstdint>

namespace
{

using namespace ns3::kv;
using namespace ce_lslm_fuzz;

/// Trap unless block holds tokens rows of kvDim keys and values.
void
CheckShape(const KvBlock& block, int64_t tokens)
{
    const int64_t kvDim = Alignment().Edge().KvDim();
    if (block.keys.rows() != tokens || block.values.rows() != tokens
        || static_cast<int64_t>(block.positions.size()) != tokens || block.keys.cols() != kvDim
        || block.values.cols() != kvDim)
    {
        __builtin_trap();
    }
}

void
ReceiveStream(const uint8_t* data, size_t size)
{
    KvReceiver receiver(Alignment());
    for (const KvBlock& block : receiver.Feed(data, size))
    {
        CheckShape(block, block.keys.rows());
    }
    receiver.Finish();
}

void
DecodePayload(const uint8_t* data, size_t size)
{
    ByteReader in(data, size);
    const KvCodec codec = KvCodec::Parse(CodecSpecs()[in.GetU8("spec") % CodecSpecs().size()]);
    const int64_t tokens = in.GetU32("tokens");
    const std::size_t payloadSize = in.Remaining();
    const KvBlock block = codec.Decode(in.GetBytes(payloadSize, "payload"),
                                       payloadSize,
                                       1,
                                       0,
                                       tokens,
                                       Alignment().Edge().KvDim(),
                                       &Bases());
    CheckShape(block, block.keys.rows());
    if (block.keys.rows() > tokens)
    {
        __builtin_trap();
    }
}

void
ReadBasis(const uint8_t* data, size_t size)
{
    ByteReader in(data, size, 0);
    const PcaBasis basis = PcaBasis::Deserialize(in);
    if (basis.Rank() > basis.Dim())
    {
        __builtin_trap();
    }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    try
    {
        switch (data[0] % 3)
        {
            case STREAM:
                ReceiveStream(data + 1, size - 1);
                break;
            case CODEC:
                DecodePayload(data + 1, size - 1);
                break;
            default:
                ReadBasis(data + 1, size - 1);
                break;
        }
    }
    catch (const KvError& error)
    {
        Refused(error.what());
    }
    return 0;
}
