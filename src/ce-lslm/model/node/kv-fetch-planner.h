/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_FETCH_PLANNER_H
#define CE_LSLM_KV_FETCH_PLANNER_H

#include "context-pipeline.h"

#include "ns3/device-profile.h"
#include "ns3/model-profile.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Where an edge gets each layer of a context's KV for one request (CE-LSLM): layers
 * [0, localLayers) computed from the text, [localLayers, neighbourEnd) loaded from a
 * neighbouring edge, [neighbourEnd, L) loaded from the cloud with codec \p codec.
 */
struct KvSourcePlan
{
    uint32_t localLayers{0};  //!< layers computed at the edge
    uint32_t neighbourEnd{0}; //!< end of the neighbour's layers (== localLayers: none)
    int32_t neighbour{-1};    //!< the neighbouring edge's index, or -1
    std::string codec;        //!< codec of the cloud's layers ("" when none come from it)
    Time estimatedTtft;       //!< the planner's expected time to first token

    /// \return whether any layer comes from the cloud
    bool UsesCloud(uint32_t layers) const
    {
        return neighbourEnd < layers;
    }
};

/**
 * \ingroup ce-lslm
 * \brief Chooses a request's KV sources and split point to minimize the expected time to first
 * token (compute-or-load, as in Cake, over layers instead of tokens), and, when asked, the
 * cloud's codec per request to meet a TTFT target from the measured link rates (as CacheGen
 * adapts its compression level to the bandwidth).
 *
 * Every split s from 0 to L is tried (s = L: the edge computes every layer and loads nothing;
 * below the first layer the cloud can serve, only with a neighbour holding the context), with
 * every cut between the neighbour's and the cloud's layers; the two links load in parallel, each
 * layer arriving after the link's delay, the sender's readiness and the bytes before it at the
 * link's rate. ContextPipeline::EstimateTtft prices the computing. Adaptive: the first codec of the
 * ladder (best quality first) whose best plan meets the target, else the fastest plan of any codec.
 * Ties go to fewer loaded layers.
 */
class KvFetchPlanner
{
  public:
    /// A link's current estimate.
    struct Link
    {
        double rate{0}; //!< bytes per second (> 0)
        Time delay;     //!< one-way delay
        Time ready;     //!< extra time before the sender starts (e.g. the cloud's prefill)
    };

    /// What the planner knows about a request.
    struct Inputs
    {
        ModelProfile model;                             //!< the edge's declared model
        DeviceProfile device;                           //!< the edge's device
        Time startDelay;                                //!< expected wait for the edge's engine
        uint32_t layers{0};                             //!< L: executed layers
        uint32_t firstCloudLayer{0};                    //!< first layer the cloud can serve
        int64_t contextTokens{0};                       //!< declared tokens of <bos> + context
        int64_t queryTokens{0};                         //!< declared tokens of the query
        int64_t answerTokens{0};                        //!< tokens to produce
        PipelineSchedule schedule{PIPELINE_OVERLAPPED}; //!< how the edge overlaps
        Link cloud;                                     //!< the backhaul
        std::map<uint32_t, Link> neighbours; //!< neighbours that hold the context, by index
        std::vector<std::string> codecs;     //!< cloud codecs to choose from (ladder order)
        bool adaptive{false};                //!< choose the codec per request
        Time target;                         //!< adaptive: TTFT target
        /// Expected payload bytes of one layer's message from the cloud with a codec.
        std::function<double(const std::string&)> cloudLayerBytes;
        /// Expected payload bytes of one layer's message from a neighbour.
        double neighbourLayerBytes{0};
        /// Restrict to one split (-1: choose among every split 0..L).
        int32_t fixedLocalLayers{-1};
    };

    /**
     * \param in what the planner knows (at least one plan must be possible: s = L always is)
     * \return the chosen plan
     */
    static KvSourcePlan Choose(const Inputs& in);

  private:
    /**
     * \return the expected TTFT of one candidate
     */
    static Time Estimate(const Inputs& in, const KvSourcePlan& plan);
};

} // namespace ns3

#endif // CE_LSLM_KV_FETCH_PLANNER_H
