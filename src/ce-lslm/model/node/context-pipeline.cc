/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "context-pipeline.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ContextPipeline");

NS_OBJECT_ENSURE_REGISTERED(ContextPipeline);

namespace
{

/// Abort with the offending field if a plan is outside the documented ranges.
void
CheckPlan(const ContextPipeline::Plan& plan)
{
    NS_ABORT_MSG_IF(plan.layers < 1,
                    "ContextPipeline: plan of job " << plan.jobId << " has no layers");
    NS_ABORT_MSG_IF(plan.localLayers > plan.layers,
                    "ContextPipeline: plan of job " << plan.jobId << " has localLayers "
                                                    << plan.localLayers << " > layers "
                                                    << plan.layers);
    NS_ABORT_MSG_IF(plan.contextTokens < 0,
                    "ContextPipeline: plan of job " << plan.jobId << " has contextTokens "
                                                    << plan.contextTokens << " < 0");
    NS_ABORT_MSG_IF(plan.queryTokens < 1,
                    "ContextPipeline: plan of job " << plan.jobId << " has queryTokens "
                                                    << plan.queryTokens << " < 1");
    NS_ABORT_MSG_IF(plan.answerTokens < 1,
                    "ContextPipeline: plan of job " << plan.jobId << " has answerTokens "
                                                    << plan.answerTokens << " < 1");
}

/**
 * \return one past the last executed layer of the stage that starts at \p begin: the local
 * layers, or the run of consecutive loaded layers available now (\p begin if it is not)
 */
uint32_t
StageEnd(const ContextPipeline::Plan& plan, const std::vector<bool>& available, uint32_t begin)
{
    if (begin < plan.localLayers)
    {
        return plan.localLayers;
    }
    uint32_t end = begin;
    while (end < plan.layers && available[end])
    {
        ++end;
    }
    return end;
}

/**
 * The job of the stage over executed layers [begin, end). The local stage carries the context
 * and the query from scratch; a loaded stage carries the query only, attending to the context
 * whose KV was loaded for its layers (the query's own KV of earlier layers does not enter a
 * later layer's cache). Only the stage that reaches the last layer produces the answer.
 */
ComputeJob
StageJob(const ContextPipeline::Plan& plan, uint32_t begin, uint32_t end, int32_t declaredLayers)
{
    const bool local = begin < plan.localLayers;
    ComputeJob job;
    job.id = plan.jobId;
    job.cachedTokens = local ? 0 : plan.contextTokens;
    job.cachedHeld = !local; // the loaded context KV: the assembly's, then the edge's store
    job.promptTokens = local ? plan.contextTokens + plan.queryTokens : plan.queryTokens;
    job.outputTokens = end == plan.layers ? plan.answerTokens : 0;
    job.prefillLayerBegin = ContextPipeline::DeclaredLayer(begin, plan.layers, declaredLayers);
    job.prefillLayerEnd = ContextPipeline::DeclaredLayer(end, plan.layers, declaredLayers);
    return job;
}

/**
 * A stage's prefill alone on an idle engine, priced as one iteration (the engine splits a
 * prefill longer than its PrefillChunkTokens into several, each reading the stage's weights
 * again: the estimate is then slightly low). A stage whose executed layers stand for no
 * declared layer (a declared model shallower than the executed one) takes no time.
 */
Time
StageTime(const ModelProfile& model, const DeviceProfile& device, const ComputeJob& job)
{
    if (job.prefillLayerBegin == job.prefillLayerEnd)
    {
        return Time(0);
    }
    const ModelProfile::Work work{job.promptTokens,
                                  job.cachedTokens,
                                  job.outputTokens > 0 ? 1 : 0,
                                  job.prefillLayerBegin,
                                  job.prefillLayerEnd};
    const llm::ForwardCost cost = model.BatchCost({work});
    return Seconds(device.Seconds(cost.flops, cost.BytesRead() + cost.BytesWritten()));
}

} // namespace

TypeId
ContextPipeline::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ContextPipeline")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<ContextPipeline>()
            .AddTraceSource("Stage",
                            "A stage was submitted to the engine: (job id, first executed layer, "
                            "one past the last, whether it carries the context's local tokens).",
                            MakeTraceSourceAccessor(&ContextPipeline::m_stageTrace),
                            "ns3::ContextPipeline::StageTracedCallback");
    return tid;
}

ContextPipeline::ContextPipeline() = default;

void
ContextPipeline::DoDispose()
{
    Cancel(); // the engine must not run a disposed pipeline's stage
    m_engine = nullptr;
    Object::DoDispose();
}

void
ContextPipeline::Configure(Ptr<ComputeEngine> engine,
                           const Plan& plan,
                           TokenCallback onToken,
                           FailureCallback onFailure)
{
    NS_LOG_FUNCTION(this << plan.jobId);
    NS_ABORT_MSG_IF(!engine, "ContextPipeline: no compute engine");
    NS_ABORT_MSG_IF(engine->GetModel().shape.numLayers < 1,
                    "ContextPipeline: declared model '" << engine->GetModel().name
                                                        << "' has no layers");
    NS_ABORT_MSG_IF(m_started, "ContextPipeline: Configure after Start");
    CheckPlan(plan);
    m_engine = engine;
    m_plan = plan;
    m_onToken = onToken;
    m_onFailure = onFailure;
    m_available.assign(plan.layers, false);
    m_nextLayer = 0;
}

void
ContextPipeline::Start()
{
    NS_LOG_FUNCTION(this << m_plan.jobId);
    if (m_started || m_cancelled)
    {
        return;
    }
    NS_ABORT_MSG_IF(!m_engine, "ContextPipeline: Start before Configure");
    m_started = true;
    Advance();
}

void
ContextPipeline::LayerAvailable(uint32_t layer)
{
    NS_LOG_FUNCTION(this << m_plan.jobId << layer);
    if (layer < m_plan.localLayers || layer >= m_available.size() || m_available[layer])
    {
        return;
    }
    m_available[layer] = true;
    Advance();
}

void
ContextPipeline::Cancel()
{
    NS_LOG_FUNCTION(this << m_plan.jobId);
    if (m_running && m_engine)
    {
        m_engine->Cancel(m_plan.jobId);
    }
    m_running = false;
    m_cancelled = true;
    m_onToken = TokenCallback();
    m_onFailure = FailureCallback();
}

bool
ContextPipeline::IsDone() const
{
    return m_done;
}

int32_t
ContextPipeline::DeclaredLayer(uint32_t layer, uint32_t layers, int32_t declaredLayers)
{
    return static_cast<int32_t>(static_cast<int64_t>(layer) * declaredLayers / layers);
}

void
ContextPipeline::Advance()
{
    if (!m_started || m_running || m_done || m_cancelled)
    {
        return;
    }
    if (m_plan.schedule == PIPELINE_SEQUENTIAL
        && std::find(m_available.begin() + m_plan.localLayers, m_available.end(), false)
               != m_available.end())
    {
        return; // the baseline computes nothing before everything has arrived
    }
    const auto declared = static_cast<int32_t>(m_engine->GetModel().shape.numLayers);
    while (m_nextLayer < m_plan.layers)
    {
        const uint32_t begin = m_nextLayer;
        const uint32_t end = StageEnd(m_plan, m_available, begin);
        if (end == begin)
        {
            return; // LayerAvailable resumes
        }
        ComputeJob job = StageJob(m_plan, begin, end, declared);
        m_nextLayer = end;
        if (job.prefillLayerBegin == job.prefillLayerEnd)
        {
            continue; // these layers stand for no declared layer: nothing to compute
        }
        // The engine holds us while a stage runs, so that a pipeline its owner drops from a
        // token callback still gets the stage's end; Cancel is what stops a pipeline.
        const Ptr<ContextPipeline> self(this);
        job.doneCallback = MakeCallback(&ContextPipeline::HandleStageDone, self);
        if (job.outputTokens > 0)
        {
            job.tokenCallback = MakeCallback(&ContextPipeline::HandleToken, self);
        }
        if (!m_engine->Submit(job))
        {
            NS_LOG_WARN("job " << m_plan.jobId << ": stage [" << begin << ", " << end
                               << ") refused by the engine");
            m_cancelled = true; // a refused stage stops the pipeline as Cancel does
            // Reported from an event of its own, so that whoever called Start or LayerAvailable
            // never sees its failure callback run inside that call.
            Simulator::ScheduleNow(
                [self]()
                {
                    const FailureCallback onFailure = self->m_onFailure;
                    self->m_onFailure = FailureCallback();
                    if (!onFailure.IsNull())
                    {
                        onFailure(self->m_plan.jobId);
                    }
                });
            return;
        }
        m_running = true;
        m_stageTrace(m_plan.jobId, begin, end, begin < m_plan.localLayers);
        return;
    }
}

void
ContextPipeline::HandleStageDone(uint64_t /* id */)
{
    if (m_cancelled)
    {
        return; // cancelled from a token callback of the same iteration
    }
    m_running = false;
    if (m_nextLayer == m_plan.layers)
    {
        m_done = true;
        return;
    }
    Advance();
}

void
ContextPipeline::HandleToken(uint64_t id, uint32_t index, bool last)
{
    // A copy: the callback may cancel us, which releases m_onToken while it runs.
    const TokenCallback onToken = m_onToken;
    if (!m_cancelled && !onToken.IsNull())
    {
        onToken(id, index, last);
    }
}

Time
ContextPipeline::EstimateTtft(const ModelProfile& model,
                              const DeviceProfile& device,
                              const Plan& plan,
                              const std::vector<Time>& arrival,
                              Time startDelay)
{
    CheckPlan(plan);
    NS_ABORT_MSG_IF(arrival.size() != plan.layers - plan.localLayers,
                    "ContextPipeline::EstimateTtft: " << arrival.size() << " arrival times for "
                                                      << plan.layers - plan.localLayers
                                                      << " loaded layers");
    const auto declared = static_cast<int32_t>(model.shape.numLayers);
    const uint32_t local = plan.localLayers;
    const Time localTime =
        local > 0 ? StageTime(model, device, StageJob(plan, 0, local, declared)) : Time(0);
    if (plan.schedule == PIPELINE_SEQUENTIAL)
    {
        // Everything waits for the last layer; the loaded layers then run as one stage.
        const Time ready =
            arrival.empty()
                ? startDelay
                : std::max(startDelay, *std::max_element(arrival.begin(), arrival.end()));
        const Time loaded =
            local < plan.layers
                ? StageTime(model, device, StageJob(plan, local, plan.layers, declared))
                : Time(0);
        return ready + localTime + loaded;
    }
    // Overlapped: the local stage at once, then each loaded layer once it has arrived and the
    // previous stage is done (one stage per layer: the engine merges layers that are already
    // there, which costs the same when they are bound by the same resource).
    Time t = startDelay + localTime;
    for (uint32_t layer = local; layer < plan.layers; ++layer)
    {
        const ComputeJob job = StageJob(plan, layer, layer + 1, declared);
        t = std::max(t, arrival[layer - local]) + StageTime(model, device, job);
    }
    return t;
}

} // namespace ns3
