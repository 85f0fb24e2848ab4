#ifndef CE_LSLM_FORWARD_OPTIONS_H
#define CE_LSLM_FORWARD_OPTIONS_H

#include "forward-cost.h"
#include "tensor-types.h"

#include <cstdint>
#include <map>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief What a forward call should return besides updating the KV cache.
 *
 * Every tap is optional and costs nothing (no copy, no extra FLOPs) when not asked for.
 */
struct ForwardOptions
{
    /// Which new tokens get LM-head logits.
    enum class Logits
    {
        LAST, //!< only the last new token (prefill before generation, decode)
        ALL,  //!< every new token (teacher-forced evaluation)
        NONE  //!< none (prefill of a context only)
    };

    Logits logits = Logits::LAST;     //!< final logits rows
    std::vector<int64_t> hiddenTaps;  //!< layer counts l: hidden state after l layers
    std::vector<int64_t> lensTaps;    //!< layer counts l: final norm + LM head on it
    bool exitHeads = false;           //!< logits of the model's early-exit heads
    bool attentionImportance = false; //!< per layer, attention weight per key token
};

/**
 * \brief The results of a forward call.
 *
 * Logit-style outputs (logits, lensLogits, exitLogits) have one row per new token selected by
 * ForwardOptions::logits (LAST when it is NONE), in token order.
 */
struct ForwardResult
{
    Matrix logits;                                 //!< [rows x vocab], empty for NONE
    Matrix output;                                 //!< hidden state after the last layer run
    std::map<int64_t, Matrix> hidden;              //!< layer count -> [tokens x hidden]
    std::map<int64_t, Matrix> lensLogits;          //!< layer count -> [rows x vocab]
    std::map<int64_t, Matrix> exitLogits;          //!< exit layer count -> [rows x vocab]
    std::map<int64_t, Vector> attentionImportance; //!< layer index -> [keys], summed weights
    ForwardCost cost;                              //!< FLOPs and bytes of this call
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_FORWARD_OPTIONS_H
