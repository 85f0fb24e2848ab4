#include "kv-receiver.h"

#include "kv-codec.h"
#include "kv-error.h"

#include <limits>

namespace ns3
{
namespace kv
{

KvReceiver::KvReceiver(const KvAlignment& alignment)
    : m_alignment(alignment)
{
    BeginStream();
}

void
KvReceiver::BeginStream()
{
    m_reader = std::make_unique<KvStreamReader>(m_alignment.StreamHeader());
}

std::vector<KvBlock>
KvReceiver::Feed(const uint8_t* data, std::size_t size)
{
    m_reader->Feed(data, size);
    std::vector<KvBlock> blocks;
    while (std::optional<KvChunk> chunk = m_reader->Next())
    {
        if (chunk->type == KvChunkType::BASIS)
        {
            TakeBasis(*chunk);
        }
        else if (chunk->type == KvChunkType::KV)
        {
            blocks.push_back(Decode(*chunk));
        }
    }
    return blocks;
}

void
KvReceiver::Finish() const
{
    m_reader->Finish();
}

std::map<int64_t, int64_t>
KvReceiver::BasesHeld() const
{
    std::map<int64_t, int64_t> held;
    for (const auto& [layer, bases] : m_bases)
    {
        held[layer] = bases.keys.Rank();
    }
    return held;
}

void
KvReceiver::TakeBasis(const KvChunk& chunk)
{
    ByteReader in(chunk.payload.data(), chunk.payload.size(), chunk.payloadOffset);
    LayerBases bases{PcaBasis::Deserialize(in), PcaBasis::Deserialize(in)};
    const int64_t kvDim = m_alignment.Edge().KvDim();
    if (bases.keys.Dim() != kvDim || bases.values.Dim() != kvDim
        || bases.keys.Rank() != bases.values.Rank())
    {
        in.Fail("PCA bases of width " + std::to_string(bases.keys.Dim()) + "/"
                + std::to_string(bases.values.Dim()) + " for KV of width " + std::to_string(kvDim));
    }
    if (in.Remaining() != 0)
    {
        in.Fail(std::to_string(in.Remaining()) + " unexpected bytes after the PCA bases");
    }
    m_bases[chunk.layer] = std::move(bases);
}

KvBlock
KvReceiver::Decode(const KvChunk& chunk) const
{
    KvCodec codec;
    try
    {
        codec = KvCodec::Parse(chunk.spec);
    }
    catch (const KvError& error)
    {
        throw KvWireError(chunk.offset, std::string("chunk spec: ") + error.what());
    }
    // Positions are int32 in the kernel; the wire's u32 range could say more.
    if (chunk.tokenEnd > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()))
    {
        throw KvWireError(chunk.offset,
                          "chunk of layer " + std::to_string(chunk.layer) + " covers tokens ["
                              + std::to_string(chunk.tokenBegin) + ", "
                              + std::to_string(chunk.tokenEnd) + "), past the largest position "
                              + std::to_string(std::numeric_limits<int32_t>::max() - 1));
    }
    const LayerBases* bases = nullptr;
    if (codec.PcaRank() > 0)
    {
        const auto found = m_bases.find(chunk.layer);
        if (found == m_bases.end() || found->second.keys.Rank() < codec.PcaRank())
        {
            throw KvWireError(chunk.offset,
                              "chunk of layer " + std::to_string(chunk.layer)
                                  + " needs a PCA basis of rank " + std::to_string(codec.PcaRank())
                                  + " that the stream has not sent");
        }
        bases = &found->second;
    }
    return codec.Decode(chunk.payload.data(),
                        chunk.payload.size(),
                        chunk.layer,
                        static_cast<int32_t>(chunk.tokenBegin),
                        static_cast<int64_t>(chunk.tokenEnd) - chunk.tokenBegin,
                        m_alignment.Edge().KvDim(),
                        bases,
                        chunk.payloadOffset);
}

} // namespace kv
} // namespace ns3
