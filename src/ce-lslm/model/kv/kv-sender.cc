#include "kv-sender.h"

#include "kv-error.h"
#include "kv-stream-writer.h"

namespace ns3
{
namespace kv
{

KvSender::KvSender(const KvAlignment& alignment, KvCodec codec)
    : m_alignment(alignment)
    , m_codec(std::move(codec))
{
    if (m_codec.PcaRank() > 0 && m_alignment.Codebook().empty())
    {
        throw KvError("codec " + m_codec.Spec() + " needs PCA bases, and the alignment "
                      + m_alignment.Cloud().name + " -> " + m_alignment.Edge().name
                      + " has no codebook");
    }
}

const KvCodec&
KvSender::Codec() const
{
    return m_codec;
}

const LayerBases*
KvSender::Bases(int64_t layer) const
{
    if (m_codec.PcaRank() == 0)
    {
        return nullptr;
    }
    const auto found = m_alignment.Codebook().find(layer);
    if (found == m_alignment.Codebook().end())
    {
        throw KvError("no PCA basis for edge layer " + std::to_string(layer));
    }
    return &found->second;
}

EncodedKv
KvSender::Encode(const std::vector<KvBlock>& blocks,
                 const Vector* importance,
                 std::map<int64_t, int64_t>& receiverBases) const
{
    KvStreamWriter writer(m_alignment.StreamHeader());
    EncodedKv out;
    const int64_t rank = m_codec.PcaRank();
    for (const KvBlock& block : blocks)
    {
        if (block.positions.empty())
        {
            continue;
        }
        if (block.positions.back() - block.positions.front() + 1 != block.Tokens())
        {
            throw KvError("KV sender: the block of layer " + std::to_string(block.layer)
                          + " has gaps in its positions; send whole token ranges (pruning is "
                          + "the codec's top stage)");
        }
        KvChunk chunk;
        chunk.layer = static_cast<uint16_t>(block.layer);
        chunk.tokenBegin = static_cast<uint32_t>(block.positions.front());
        chunk.tokenEnd = static_cast<uint32_t>(block.positions.back() + 1);
        const LayerBases* bases = Bases(block.layer);
        if (bases && receiverBases[block.layer] < rank)
        {
            ByteWriter basis;
            bases->keys.Serialize(basis, rank);
            bases->values.Serialize(basis, rank);
            KvChunk basisChunk = chunk;
            basisChunk.type = KvChunkType::BASIS;
            basisChunk.spec = "pca" + std::to_string(rank);
            basisChunk.payload = basis.Take();
            out.basisBytes += basisChunk.payload.size();
            writer.Add(basisChunk);
            receiverBases[block.layer] = rank;
        }
        Vector blockImportance;
        if (importance)
        {
            if (importance->size() < static_cast<Eigen::Index>(chunk.tokenEnd))
            {
                throw KvError("KV sender: importance covers " + std::to_string(importance->size())
                              + " positions, the block of layer " + std::to_string(block.layer)
                              + " reaches position " + std::to_string(chunk.tokenEnd - 1));
            }
            blockImportance.resize(block.Tokens());
            for (int64_t i = 0; i < block.Tokens(); ++i)
            {
                blockImportance[i] = (*importance)[block.positions[static_cast<std::size_t>(i)]];
            }
        }
        chunk.spec = m_codec.Spec();
        chunk.payload = m_codec.Encode(block, bases, importance ? &blockImportance : nullptr);
        out.kvBytes += chunk.payload.size();
        ++out.chunks;
        writer.Add(chunk);
    }
    writer.End();
    out.bytes = writer.Take();
    out.framingBytes = out.bytes.size() - out.kvBytes - out.basisBytes;
    return out;
}

} // namespace kv
} // namespace ns3
