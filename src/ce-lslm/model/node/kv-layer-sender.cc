/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "kv-layer-sender.h"

#include "request-server.h"

#include "ns3/kv-codec.h"
#include "ns3/protocol-message.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

KvLayerSender::KvLayerSender(std::shared_ptr<const kv::KvAlignment> alignment,
                             const ModelProfile& declaredEdge,
                             uint32_t bytesPerToken)
    : m_alignment(std::move(alignment))
    , m_declared(declaredEdge)
    , m_bytesPerToken(bytesPerToken)
{
}

uint32_t
KvLayerSender::WireBytes(const kv::EncodedKv& encoded, uint64_t contextTextBytes) const
{
    const kv::AlignedModel& executed = m_alignment->Edge();
    const double layersPerLayer =
        static_cast<double>(m_declared.shape.numLayers) / static_cast<double>(executed.layers);
    const double declaredWidth = static_cast<double>(m_declared.shape.KvDim());
    const double executedWidth = static_cast<double>(executed.KvDim());
    // Tokens: the executed byte-level model reads <bos> + every byte; the declared model counts
    // them as RequestServer::ContextTokens does.
    const double executedTokens = 1.0 + static_cast<double>(contextTextBytes);
    const double declaredTokens = RequestServer::TextTokens(1 + contextTextBytes, m_bytesPerToken);
    const double kvScale = layersPerLayer * (declaredWidth * m_declared.bytesPerKv)
                           / (executedWidth * 2.0) * declaredTokens / executedTokens;
    const double basisScale = layersPerLayer * declaredWidth / executedWidth;
    const double wire = std::round(static_cast<double>(encoded.kvBytes) * kvScale
                                   + static_cast<double>(encoded.basisBytes) * basisScale
                                   + static_cast<double>(encoded.framingBytes));
    return std::max(static_cast<uint32_t>(encoded.bytes.size()), static_cast<uint32_t>(wire));
}

void
KvLayerSender::SetCorruption(double probability, Ptr<UniformRandomVariable> random)
{
    m_corruption = probability;
    m_random = random;
}

KvLayerSender::Sent
KvLayerSender::Send(Ptr<FramedConnection> to,
                    uint64_t fetchId,
                    uint32_t context,
                    uint64_t contextTextBytes,
                    const kv::KvBlock& block,
                    KvDataHeader::Origin origin,
                    bool last,
                    const std::string& codec,
                    const kv::Vector* importance,
                    std::map<int64_t, int64_t>& receiverBases) const
{
    const kv::KvSender sender(*m_alignment, kv::KvCodec::Parse(codec));
    const kv::EncodedKv encoded = sender.Encode({block}, importance, receiverBases);
    Sent sent;
    sent.streamBytes = static_cast<uint32_t>(encoded.bytes.size());
    sent.wireBytes = WireBytes(encoded, contextTextBytes);
    const KvDataHeader header(context,
                              static_cast<uint16_t>(block.layer),
                              origin,
                              last,
                              sent.streamBytes);
    std::vector<uint8_t> stream = encoded.bytes;
    if (m_corruption > 0 && !stream.empty() && m_random->GetValue() < m_corruption)
    {
        const auto at = std::min<std::size_t>(
            stream.size() - 1,
            static_cast<std::size_t>(m_random->GetValue() * static_cast<double>(stream.size())));
        stream[at] ^= 0x5a;
        sent.corrupted = true;
    }
    to->Send(MakeKvDataMessage(fetchId, header, stream, sent.wireBytes));
    return sent;
}

} // namespace ns3
