/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "kv-fetch-planner.h"

#include "ns3/abort.h"

#include <algorithm>
#include <optional>

namespace ns3
{

Time
KvFetchPlanner::Estimate(const Inputs& in, const KvSourcePlan& plan)
{
    ContextPipeline::Plan pipeline;
    pipeline.layers = in.layers;
    pipeline.localLayers = plan.localLayers;
    pipeline.contextTokens = in.contextTokens;
    pipeline.queryTokens = in.queryTokens;
    pipeline.answerTokens = in.answerTokens;
    pipeline.schedule = in.schedule;
    std::vector<Time> arrival;
    // Each link streams its layers in order: request up (delay), sender ready, then the data.
    auto stream = [&arrival](const Link& link, uint32_t count, double bytesPerLayer)
    {
        for (uint32_t i = 1; i <= count; ++i)
        {
            arrival.push_back(link.delay * 2 + link.ready + Seconds(i * bytesPerLayer / link.rate));
        }
    };
    if (plan.neighbour >= 0)
    {
        stream(in.neighbours.at(plan.neighbour),
               plan.neighbourEnd - plan.localLayers,
               in.neighbourLayerBytes);
    }
    if (plan.UsesCloud(in.layers))
    {
        stream(in.cloud, in.layers - plan.neighbourEnd, in.cloudLayerBytes(plan.codec));
    }
    return ContextPipeline::EstimateTtft(in.model, in.device, pipeline, arrival, in.startDelay);
}

KvSourcePlan
KvFetchPlanner::Choose(const Inputs& in)
{
    NS_ABORT_MSG_IF(in.layers == 0 || in.firstCloudLayer > in.layers || in.codecs.empty(),
                    "KvFetchPlanner: no layers or no codec");
    std::vector<int32_t> neighbours{-1};
    for (const auto& [edge, link] : in.neighbours)
    {
        neighbours.push_back(static_cast<int32_t>(edge));
    }
    std::optional<KvSourcePlan> fastest;
    for (const std::string& codec : in.codecs)
    {
        std::optional<KvSourcePlan> best;
        // Most local layers first, so that a tie keeps the plan that loads the least.
        for (uint32_t s = in.layers + 1; s-- > 0;)
        {
            if (in.fixedLocalLayers >= 0 && s != static_cast<uint32_t>(in.fixedLocalLayers))
            {
                continue;
            }
            for (int32_t neighbour : neighbours)
            {
                // With no neighbour, the cloud serves [s, L); with one, the neighbour [s, m).
                const uint32_t lowest = neighbour < 0 ? s : s + 1;
                for (uint32_t m = lowest; m <= in.layers; ++m)
                {
                    const bool cloudPart = m < in.layers;
                    if ((neighbour < 0 && m != s) || (cloudPart && m < in.firstCloudLayer))
                    {
                        continue;
                    }
                    KvSourcePlan plan{s, m, neighbour, cloudPart ? codec : "", Time()};
                    plan.estimatedTtft = Estimate(in, plan);
                    // Strictly faster only: ties keep the plan that loads fewer layers.
                    if (!best || plan.estimatedTtft < best->estimatedTtft)
                    {
                        best = plan;
                    }
                }
            }
        }
        if (!best)
        {
            continue; // the fixed split cannot be served with this codec's sources
        }
        if (in.adaptive && best->estimatedTtft <= in.target)
        {
            return *best;
        }
        if (!fastest || best->estimatedTtft < fastest->estimatedTtft)
        {
            fastest = best;
        }
        if (!in.adaptive)
        {
            break; // a fixed codec: only the first one counts
        }
    }
    NS_ABORT_MSG_UNLESS(fastest, "KvFetchPlanner: no plan serves split " << in.fixedLocalLayers);
    return *fastest;
}

} // namespace ns3
