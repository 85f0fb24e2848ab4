/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Writes the fuzz seeds that are built with the project's own writers: valid KV streams, codec
// payloads and PCA bases (kv-wire), small safetensors files (safetensors), and a TCP stream of
// every protocol message type (protocol). The JSON seeds (scenario files, config.json) are copies
// of committed files; doc/fuzzing.rst says how to refresh the corpus.
//
//   fuzz-seeds DIR      writes DIR/<target>/seed-*

#include "kv-wire-fixture.h"

#include "ns3/byte-io.h"
#include "ns3/frame-header.h"
#include "ns3/kv-codec.h"
#include "ns3/kv-stream-writer.h"
#include "ns3/protocol-message.h"
#include "ns3/safetensors-writer.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace
{

using namespace ns3;
using namespace ce_lslm_fuzz;
using Bytes = std::vector<uint8_t>;

/// Write bytes to dir/target/name.
void
WriteSeed(const std::filesystem::path& dir,
          const std::string& target,
          const std::string& name,
          const Bytes& bytes)
{
    std::filesystem::create_directories(dir / target);
    std::ofstream out(dir / target / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out)
    {
        throw std::runtime_error("cannot write " + (dir / target / name).string());
    }
}

/// \return a mode byte followed by bytes
Bytes
WithMode(KvWireMode mode, Bytes bytes)
{
    bytes.insert(bytes.begin(), static_cast<uint8_t>(mode));
    return bytes;
}

/// \return a block of tokens rows of smooth KV-like values on the alignment's kvDim
kv::KvBlock
Block(int64_t layer, int64_t tokens)
{
    const int64_t dim = Alignment().Edge().KvDim();
    kv::KvBlock block;
    block.layer = layer;
    block.keys = kv::Matrix(tokens, dim);
    block.values = kv::Matrix(tokens, dim);
    for (int64_t r = 0; r < tokens; ++r)
    {
        block.positions.push_back(static_cast<int32_t>(r));
        for (int64_t c = 0; c < dim; ++c)
        {
            block.keys(r, c) = static_cast<float>(std::sin(0.3 * r + 0.7 * c));
            block.values(r, c) = static_cast<float>(std::cos(0.2 * r * c));
        }
    }
    return block;
}

/// \return an importance per token (for a top stage)
kv::Vector
Importance(int64_t tokens)
{
    kv::Vector importance(tokens);
    for (int64_t i = 0; i < tokens; ++i)
    {
        importance(i) = static_cast<float>((i * 7) % 11);
    }
    return importance;
}

/// \return a stream with bases (if the codec needs them) and one KV chunk per receiving layer
Bytes
Stream(const kv::KvCodec& codec, const std::string& spec, int64_t tokens)
{
    kv::KvStreamWriter writer(Alignment().StreamHeader());
    const kv::Vector importance = Importance(tokens);
    for (int64_t layer : Alignment().ReceivingLayers())
    {
        kv::KvChunk chunk;
        chunk.layer = static_cast<uint16_t>(layer);
        if (codec.PcaRank() > 0)
        {
            kv::ByteWriter basis;
            Bases().keys.Serialize(basis, codec.PcaRank());
            Bases().values.Serialize(basis, codec.PcaRank());
            chunk.type = kv::KvChunkType::BASIS;
            chunk.payload = basis.Take();
            writer.Add(chunk);
        }
        chunk.type = kv::KvChunkType::KV;
        chunk.tokenEnd = static_cast<uint32_t>(tokens);
        chunk.spec = spec;
        chunk.payload = codec.Encode(Block(layer, tokens), &Bases(), &importance);
        writer.Add(chunk);
    }
    writer.End();
    return writer.Take();
}

void
WriteKvSeeds(const std::filesystem::path& dir)
{
    for (std::size_t i = 0; i < CodecSpecs().size(); ++i)
    {
        const std::string& spec = CodecSpecs()[i];
        const kv::KvCodec codec = kv::KvCodec::Parse(spec);
        const int64_t tokens = 5 + static_cast<int64_t>(i) * 3;
        WriteSeed(dir,
                  "kv-wire",
                  "seed-stream-" + spec,
                  WithMode(STREAM, Stream(codec, spec, tokens)));
        const kv::Vector importance = Importance(tokens);
        kv::ByteWriter payload;
        payload.PutU8(static_cast<uint8_t>(i));
        payload.PutU32(static_cast<uint32_t>(tokens));
        payload.PutBytes(codec.Encode(Block(1, tokens), &Bases(), &importance));
        WriteSeed(dir, "kv-wire", "seed-codec-" + spec, WithMode(CODEC, payload.Take()));
    }
    kv::ByteWriter basis;
    Bases().keys.Serialize(basis, 4);
    WriteSeed(dir, "kv-wire", "seed-basis", WithMode(BASIS, basis.Take()));
}

void
WriteSafetensorsSeeds(const std::filesystem::path& dir)
{
    const std::vector<float> values = {0.5f, -1.25f, 3.0f, 1e-3f, -0.0f, 65504.0f};
    llm::SafetensorsWriter floats;
    floats.Add("model.norm.weight", "F32", {6}, values.data());
    floats.Add("model.embed_tokens.weight", "F16", {2, 3}, values.data());
    floats.Add("lm_head.weight", "BF16", {3, 1, 2}, values.data());
    floats.Add("scalar", "F32", {}, values.data());
    floats.Add("empty", "F16", {0, 4}, values.data());
    floats.AddMetadata("format", "pt");
    WriteSeed(dir, "safetensors", "seed-float-dtypes.safetensors", floats.Serialize());
    llm::SafetensorsWriter empty;
    WriteSeed(dir, "safetensors", "seed-no-tensors.safetensors", empty.Serialize());
}

/// \return the wire bytes of message in a frame
Bytes
Frame(Ptr<Packet> message)
{
    message->AddHeader(FrameHeader(message->GetSize()));
    Bytes bytes(message->GetSize());
    message->CopyData(bytes.data(), bytes.size());
    return bytes;
}

void
WriteProtocolSeeds(const std::filesystem::path& dir)
{
    RequestHeader request(12, 4);
    const std::vector<std::pair<std::string, Ptr<Packet>>> messages = {
        {"request", MakeRequestMessage(1, request, "What is the capital?")},
        {"token", MakeTokenMessage(1, 0, true, " Paris")},
        {"error", MakeErrorMessage(2, ErrorHeader::CONTEXT_NOT_HELD)},
        {"cancel", MakeCancelMessage(3)},
        {"context-fetch", MakeContextFetchMessage(4, ContextHeader(7, 1, 3), "pca16+q4+rans")},
        {"kv-data",
         MakeKvDataMessage(4, KvDataHeader(7, 2, KvDataHeader::ALIGNED, true, 3), {1, 2, 3}, 8)},
        {"context-held", MakeContextHeldMessage(5, ContextHeader(7, 0, 2))},
        {"hidden-state",
         MakeHiddenStateMessage(6,
                                HiddenStateHeader(10, 2, 3, 2, 1, HiddenStateHeader::FLAG_DEFER),
                                16)}};
    Bytes all = {0}; // byte 0: the stream arrives in one piece
    for (const auto& [name, message] : messages)
    {
        Bytes seed = Frame(message);
        all.insert(all.end(), seed.begin(), seed.end());
        seed.insert(seed.begin(), static_cast<uint8_t>(7)); // in pieces of 8 bytes
        WriteSeed(dir, "protocol", "seed-" + name, seed);
    }
    WriteSeed(dir, "protocol", "seed-every-message", all);
}

} // namespace

int
main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::cerr << "usage: fuzz-seeds DIR   (writes DIR/<target>/seed-*)\n";
        return 2;
    }
    WriteKvSeeds(argv[1]);
    WriteSafetensorsSeeds(argv[1]);
    WriteProtocolSeeds(argv[1]);
    std::cout << "fuzz-seeds: wrote the seeds to " << argv[1] << "\n";
    return 0;
}
