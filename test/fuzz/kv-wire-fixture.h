/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_WIRE_FIXTURE_H
#define CE_LSLM_KV_WIRE_FIXTURE_H

// What the kv-wire fuzz target and the seed generator (fuzz-seeds) must agree on: the input
// layout, the receiver's alignment (a stream carries its id) and the codecs of the codec mode.
//
// Input layout: byte 0 picks the mode (value % 3). STREAM: the rest is a KV stream fed to a
// kv::KvReceiver. CODEC: byte 1 picks a codec spec of CodecSpecs(), bytes 2-5 are the token
// count (u32, little-endian, as a chunk's range may say), the rest is a payload for
// KvCodec::Decode. BASIS: the rest is a serialized PcaBasis.

#include "ns3/kv-alignment.h"
#include "ns3/pca-basis.h"

#include <cmath>
#include <string>
#include <vector>

namespace ce_lslm_fuzz
{

/// The target's modes, the value of an input's first byte.
enum KvWireMode : uint8_t
{
    STREAM = 0,
    CODEC = 1,
    BASIS = 2,
};

/**
 * \return the receiving model's alignment: 3 layers, kvDim 32, the first layer local. Identity
 *         maps and no codebook, so its id is the same in every build (g++ or clang): bases
 *         arrive in the stream's BASIS chunks.
 */
inline const ns3::kv::KvAlignment&
Alignment()
{
    static const ns3::kv::KvAlignment alignment = []
    {
        ns3::llm::ModelConfig config;
        config.hiddenSize = 64;
        config.numLayers = 3;
        config.numHeads = 4;
        config.numKvHeads = 2;
        config.headDim = 16;
        config.intermediateSize = 128;
        config.vocabSize = 256;
        config.maxPositions = 512;
        return ns3::kv::KvAlignment::Identity("fuzz-edge", config, 1);
    }();
    return alignment;
}

/// \return the codecs of the CODEC mode (every stage, alone and combined)
inline const std::vector<std::string>&
CodecSpecs()
{
    static const std::vector<std::string> specs = {"fp16",
                                                   "q8",
                                                   "q4",
                                                   "q2g7w3+rans",
                                                   "q8+rans",
                                                   "pca8",
                                                   "pca16+q4+rans",
                                                   "top50+q3",
                                                   "top50+pca16+q4g16w4+rans"};
    return specs;
}

/// \return bases of rank 32 on the alignment's kvDim, fitted on fixed rows
inline const ns3::kv::LayerBases&
Bases()
{
    static const ns3::kv::LayerBases bases = []
    {
        const int64_t dim = Alignment().Edge().KvDim();
        ns3::kv::Matrix rows(256, dim);
        for (int64_t r = 0; r < rows.rows(); ++r)
        {
            for (int64_t c = 0; c < dim; ++c)
            {
                rows(r, c) = static_cast<float>(std::sin(0.37 * r + 0.11 * c * c) * (1 + c % 5));
            }
        }
        return ns3::kv::LayerBases{ns3::kv::PcaBasis::Fit(rows),
                                   ns3::kv::PcaBasis::Fit(rows.reverse())};
    }();
    return bases;
}

} // namespace ce_lslm_fuzz

#endif // CE_LSLM_KV_WIRE_FIXTURE_H
