/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_LAYER_SENDER_H
#define CE_LSLM_KV_LAYER_SENDER_H

#include "ns3/framed-connection.h"
#include "ns3/kv-alignment.h"
#include "ns3/kv-block.h"
#include "ns3/kv-data-header.h"
#include "ns3/kv-sender.h"
#include "ns3/model-profile.h"
#include "ns3/random-variable-stream.h"

#include <cstdint>
#include <map>
#include <memory>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Sends a context's KV layer by layer as KV_DATA messages: each message is one
 * complete KV stream (header, basis if the receiver lacks it, the layer's KV, end) of the
 * executed edge model's KV, padded to what the declared edge model's KV of that layer would
 * take with the same codec.
 *
 * Design brief, "Fidelity": KV bytes on the wire are the declared profile's KV size times the
 * compression ratio measured on the executed model's real KV. Executed layer l stands for
 * Ld / L declared layers, and the context counts its declared tokens; so the KV payload of a
 * message is scaled by (Ld / L) (declared KV bytes per token and layer) (declared tokens) /
 * ((executed KV bytes per token and layer) (executed tokens)), a basis by (Ld / L) (declared
 * KV width) / (executed KV width), framing not at all. One stream per layer lets the receiver
 * use each layer the moment its message is in.
 */
class KvLayerSender
{
  public:
    /**
     * \param alignment the alignment both ends use (geometry, bases, stream id)
     * \param declaredEdge the edge's declared model (prices the wire bytes)
     * \param bytesPerToken text bytes per declared token
     */
    KvLayerSender(std::shared_ptr<const kv::KvAlignment> alignment,
                  const ModelProfile& declaredEdge,
                  uint32_t bytesPerToken);

    /// What one message carried.
    struct Sent
    {
        uint32_t streamBytes{0}; //!< real KV-stream bytes
        uint32_t wireBytes{0};   //!< payload bytes on the wire (stream plus padding)
        bool corrupted{false};   //!< a byte of the stream was flipped (fault injection)
    };

    /**
     * \brief Fault injection: corrupt each message's stream with a probability, as an error
     * that escaped the links' own checks would (one byte flipped; the KV stream's CRCs detect
     * it at the receiver).
     * \param probability chance per message, in [0, 1] (0: never)
     * \param random draws the chance and the byte (required when probability > 0)
     */
    void SetCorruption(double probability, Ptr<UniformRandomVariable> random);

    /**
     * \brief Encode one layer's block and send it.
     * \param to the connection
     * \param fetchId the fetch it answers
     * \param context the context id
     * \param contextTextBytes bytes of the context's text (sets its declared tokens)
     * \param block the layer's KV (executed edge model's space)
     * \param origin where the KV came from
     * \param last whether it ends the answer to the fetch
     * \param codec the codec spec (kv::KvCodec syntax)
     * \param importance per-token importance for a pruning codec (may be null otherwise)
     * \param receiverBases bases the receiver holds, updated (one map per connection)
     * \return the sizes
     * \throw kv::KvError if the codec cannot encode the block (e.g. PCA without a basis)
     */
    Sent Send(Ptr<FramedConnection> to,
              uint64_t fetchId,
              uint32_t context,
              uint64_t contextTextBytes,
              const kv::KvBlock& block,
              KvDataHeader::Origin origin,
              bool last,
              const std::string& codec,
              const kv::Vector* importance,
              std::map<int64_t, int64_t>& receiverBases) const;

    /**
     * \param encoded a layer's stream
     * \param contextTextBytes bytes of the context's text
     * \return the payload bytes it takes on the wire for the declared model (>= its size)
     */
    uint32_t WireBytes(const kv::EncodedKv& encoded, uint64_t contextTextBytes) const;

  private:
    std::shared_ptr<const kv::KvAlignment> m_alignment; //!< geometry, bases, id
    double m_corruption{0};                             //!< chance a message is corrupted
    Ptr<UniformRandomVariable> m_random;                //!< for the corruption
    ModelProfile m_declared;                            //!< declared edge model
    uint32_t m_bytesPerToken;                           //!< text bytes per declared token
};

} // namespace ns3

#endif // CE_LSLM_KV_LAYER_SENDER_H
