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
 * with outputTokens = 0 only fills a KV cache (e.g. a shared context at the cloud).
 */
struct ComputeJob
{
    uint64_t id = 0;          //!< caller's identifier, unique among active jobs
    int64_t cachedTokens = 0; //!< tokens already in this job's KV cache (e.g. imported)
    int64_t promptTokens = 0; //!< tokens to prefill (>= 1)
    int64_t outputTokens = 0; //!< tokens to produce (0: prefill only)
    /// Called for each produced token: (job id, token index, whether it is the last).
    Callback<void, uint64_t, uint32_t, bool> tokenCallback;
    /// Called once when the job has finished (after its last token, or after its prefill).
    Callback<void, uint64_t> doneCallback;
};

} // namespace ns3

#endif // CE_LSLM_COMPUTE_JOB_H
