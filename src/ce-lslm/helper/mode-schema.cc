/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "mode-schema.h"

namespace ns3
{

namespace
{
using S = ConfigSchema;
} // namespace

ConfigSchema
CeLslmSchema()
{
    return S::Object(
        "The ce-lslm mode: KV reuse between the cloud LLM and the edge SLMs",
        {{"alignment",
          S::String("models/kv-alignment.safetensors",
                    "Cloud-to-edge KV alignment file (ce-lslm-kv-align); its receiving layers are "
                    "the layers the cloud can serve; a relative path is looked up in the working "
                    "directory, then in the ce-lslm source tree")},
         {"schedule",
          S::Enum("overlapped",
                  {"overlapped", "sequential"},
                  "overlapped: compute the local layers while the others load and use each layer "
                  "as it arrives; sequential: load everything, then compute (the baseline)")},
         {"local_layers",
          S::Integer(-1,
                     -1,
                     1024,
                     "Layers of a context's KV the edge computes itself (the rest are loaded); "
                     "-1: chosen per request to minimize the expected time to first token")},
         {"codec",
          S::String("pca16+q4+rans",
                    "Codec of the cloud's KV (doc/kv-layer.rst: [top<P>+][pca<R>+](fp16|q<B>"
                    "[g<G>][w<W>])[+rans]), or 'adaptive': chosen per request from codec_ladder "
                    "to meet ttft_target_ms at the measured backhaul rate")},
         {"codec_ladder",
          S::String("fp16,q8+rans,pca16+q8+rans,pca16+q4+rans,top50+pca16+q4+rans",
                    "Adaptive codec: the specs to choose from, comma-separated, best quality "
                    "first")},
         {"ttft_target_ms",
          S::Number(100, 0, 1e7, "Adaptive codec: time to first token to meet, in ms")},
         {"peer_codec",
          S::String("q8+rans",
                    "Codec of KV sent between neighbouring edges (no pca stage: the bases cover "
                    "only the cloud's layers)")},
         {"edge_edge",
          S::Boolean(true,
                     "Let an edge fetch context KV from a neighbouring edge that holds it (needs "
                     "topology.edge_links.enabled)")},
         {"edge_store_mb",
          S::Number(0,
                    0,
                    1e9,
                    "Context KV store of each edge, in MB of the declared edge model's KV, "
                    "charged to the device's memory; 0: half the memory the weights leave")},
         {"cloud_store_mb",
          S::Number(0,
                    0,
                    1e9,
                    "Context KV store of the cloud, in MB of the declared cloud model's KV, "
                    "charged to the device's memory; 0: half the memory the weights leave")}});
}

ConfigSchema
CeCollmSchema()
{
    return S::Object(
        "The ce-collm modes: the cloud LLM's first layers with early exits at the edge",
        {{"split_layer",
          S::Integer(-1,
                     -1,
                     1024,
                     "Decoder layers of the executed cloud LLM the edge runs (the cloud runs the "
                     "rest; the declared model is cut at the same depth); -1: its deepest "
                     "early-exit head below the last layer")},
         {"exit_layers",
          S::String("",
                    "Exit heads the edge evaluates, as executed layer counts, comma-separated "
                    "and increasing (e.g. \"2,4\"); empty: every exit head up to the split")},
         {"threshold",
          S::Number(0.8,
                    0,
                    1,
                    "Top probability an exit head needs for its token to leave at the edge; 1: "
                    "never (every token deferred in ce-collm, the last head's in ce-collm-edge)")},
         {"hidden_precision",
          S::Enum("fp16",
                  {"fp16", "fp32", "q8"},
                  "Precision of the hidden states uploaded to the cloud: fp16 (2 bytes per "
                  "element), fp32 (4, exact), q8 (1, plus an FP32 scale per position)")}});
}

} // namespace ns3
