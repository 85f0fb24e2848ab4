#ifndef CE_LSLM_COMPUTE_JOB_H
#define CE_LSLM_COMPUTE_JOB_H

#include "ns3/callback.h"

#include <cstdint>

namespace ns3
{

/**
 * \brief A unit of inference work submitted to a ComputeEngine: prefill some tokens after
 * those already cached, then decode some tokens.
 *
 * The prefill's last logits give output token 0; each decode iteration gives one more. A job
 * with outputTokens = 0 only fills a KV cache (e.g. a shared context at the cloud). A prefill
 * may cover only a range of the model's layers (a pipeline stage at an edge that loads the
 * other layers' context KV); its memory reservation then counts only those layers.
 */
struct ComputeJob
{
    uint64_t id = 0;          //!< caller's identifier, unique among active jobs
    int64_t cachedTokens = 0; //!< tokens already in this job's KV cache (e.g. imported)
    /// Whether the cached tokens' KV is held by a cache already charged to the engine
    /// (ComputeEngine::SetCacheBytes): the job then reserves memory for its own tokens only.
    bool cachedHeld = false;
    int64_t promptTokens = 0; //!< tokens to prefill (>= 1)
    int64_t outputTokens = 0; //!< tokens to produce (0: prefill only)
    /// First declared-model layer the prompt passes through (a partial prefill: the KV of the
    /// other layers comes from elsewhere, or another stage computes it). The embedding is paid
    /// only when it is 0.
    int32_t prefillLayerBegin = 0;
    /// One past the last layer the prompt passes through; -1: the model's last layer. A job with
    /// output tokens must reach the last layer (its first token comes out of the LM head);
    /// decode steps always run every layer.
    int32_t prefillLayerEnd = -1;
    /// LM-head rows priced on the prefill's last chunk: -1 (automatic) is one row when the
    /// prefill reaches the last layer and none otherwise; 0 or more sets them, e.g. an early-exit
    /// head read on a stage that stops before the last layer. With an empty layer range
    /// (prefillLayerBegin == prefillLayerEnd) and headRows > 0 the job prices the head alone: an
    /// exit head evaluated after the layers that produced its input.
    int32_t headRows = -1;
    /// Called for each produced token: (job id, token index, whether it is the last).
    Callback<void, uint64_t, uint32_t, bool> tokenCallback;
    /// Called once when the job has finished (after its last token, or after its prefill).
    Callback<void, uint64_t> doneCallback;
};

} // namespace ns3

#endif // CE_LSLM_COMPUTE_JOB_H
