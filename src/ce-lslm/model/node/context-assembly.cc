/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "context-assembly.h"

#include "ns3/abort.h"
#include "ns3/byte-tokenizer.h"
#include "ns3/log.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ContextAssembly");

NS_OBJECT_ENSURE_REGISTERED(ContextAssembly);

namespace
{
/// Job id bit of the job that computes layers a failed fetch did not bring.
constexpr uint64_t FAILOVER_JOB = uint64_t{1} << 40;
} // namespace

TypeId
ContextAssembly::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ContextAssembly").SetParent<Object>().SetGroupName("CeLslm");
    return tid;
}

void
ContextAssembly::Start(const Setup& setup)
{
    NS_ABORT_MSG_UNLESS(setup.engine && setup.model && setup.assembler && setup.alignment,
                        "ContextAssembly: no engine, model, assembler or alignment");
    m_setup = setup;
    const auto layers = static_cast<uint32_t>(setup.model->Config().numLayers);
    m_available.assign(layers, false);
    m_arrived.assign(layers, false);
    m_origins.assign(layers, KvDataHeader::COMPUTED);
    m_localEnd = setup.plan.localLayers;
    for (uint32_t l = setup.plan.neighbourEnd; l < layers; ++l)
    {
        m_origins[l] = KvDataHeader::ALIGNED;
    }
    m_cache =
        setup.assembler->Begin(llm::ByteTokenizer::Encode(setup.text, true), m_localEnd, nullptr);
    m_key = "context " + std::to_string(setup.context) + " local " + std::to_string(m_localEnd);
    if (setup.schedule == PIPELINE_OVERLAPPED || AllLoaded())
    {
        SubmitLocal(0, m_localEnd, false);
    }
}

bool
ContextAssembly::AllLoaded() const
{
    for (uint32_t l = m_localEnd; l < m_arrived.size(); ++l)
    {
        if (!m_arrived[l])
        {
            return false;
        }
    }
    return true;
}

void
ContextAssembly::SubmitLocal(uint32_t begin, uint32_t end, bool failover)
{
    m_localSubmitted = m_localSubmitted || !failover;
    if (begin >= end)
    {
        CheckComplete();
        return;
    }
    const auto layers = static_cast<uint32_t>(m_available.size());
    const int32_t declared = m_setup.engine->GetModel().shape.numLayers;
    ComputeJob job;
    job.id = ContextAssembly::CONTEXT_JOB | (failover ? FAILOVER_JOB : 0) | m_setup.context;
    job.promptTokens = m_setup.contextTokens;
    job.prefillLayerBegin = ContextPipeline::DeclaredLayer(begin, layers, declared);
    job.prefillLayerEnd = ContextPipeline::DeclaredLayer(end, layers, declared);
    job.doneCallback = MakeCallback(&ContextAssembly::HandleLocalDone, this);
    // Cannot fail for a context a request of it could fit: the context is part of the request.
    NS_ABORT_MSG_UNLESS(m_setup.engine->Submit(job),
                        "context " << m_setup.context << " does not fit the edge's memory");
}

void
ContextAssembly::HandleLocalDone(uint64_t job)
{
    const bool failover = (job & FAILOVER_JOB) != 0;
    const uint32_t begin = failover ? m_setup.plan.localLayers : 0;
    const uint32_t end =
        failover ? static_cast<uint32_t>(m_available.size()) : m_setup.plan.localLayers;
    // Highest first: a pipeline then takes the whole run of layers as one stage.
    for (uint32_t l = end; l-- > begin;)
    {
        MakeAvailable(l);
    }
    if (!failover && m_failedOver)
    {
        SubmitLocal(m_setup.plan.localLayers, static_cast<uint32_t>(m_available.size()), true);
        return;
    }
    CheckComplete();
}

void
ContextAssembly::Deliver(uint32_t layer,
                         const std::vector<kv::KvBlock>& blocks,
                         KvDataHeader::Origin origin,
                         const std::string& signature)
{
    if (m_complete || m_failedOver || m_abandoned || layer < m_localEnd || layer >= m_arrived.size()
        || m_arrived[layer])
    {
        return; // a layer that is computed here, already in, or no longer awaited
    }
    const float fusion =
        origin == KvDataHeader::ALIGNED ? m_setup.alignment->Link(layer).fusionLogWeight : 0.0F;
    for (const kv::KvBlock& block : blocks)
    {
        m_setup.assembler->Place(*m_cache, block, fusion);
    }
    m_origins[layer] = origin;
    m_arrived[layer] = true;
    m_key += " | layer " + std::to_string(layer) + " " + signature;
    MakeAvailable(layer);
    if (m_setup.schedule == PIPELINE_SEQUENTIAL && !m_localSubmitted && AllLoaded())
    {
        SubmitLocal(0, m_localEnd, false);
        return;
    }
    CheckComplete();
}

void
ContextAssembly::FailOver()
{
    if (m_complete || m_failedOver || m_abandoned)
    {
        return;
    }
    m_failedOver = true;
    NS_LOG_INFO("context " << m_setup.context << ": fetch failed, computing its layers here");
    // Executed side: the edge model's own KV for every layer that has not arrived.
    const llm::KvCache own =
        m_setup.assembler->Begin(llm::ByteTokenizer::Encode(m_setup.text, true),
                                 static_cast<int64_t>(m_available.size()),
                                 nullptr);
    for (uint32_t l = m_localEnd; l < m_arrived.size(); ++l)
    {
        if (!m_arrived[l])
        {
            m_cache->Layer(l) = own.Layer(l);
            m_origins[l] = KvDataHeader::COMPUTED;
        }
    }
    m_key += " | failed over";
    // Simulated side: the layers above the local ones, after the local job (their input).
    const bool localDone = m_localEnd == 0 || (m_localSubmitted && m_available[m_localEnd - 1]);
    if (!m_localSubmitted && m_localEnd > 0)
    {
        SubmitLocal(0, m_localEnd, false); // sequential: it was waiting for the loads
    }
    else if (localDone)
    {
        SubmitLocal(m_localEnd, static_cast<uint32_t>(m_available.size()), true);
    }
}

void
ContextAssembly::Abandon()
{
    if (m_complete || m_abandoned)
    {
        return;
    }
    NS_LOG_INFO("context " << m_setup.context << ": abandoned");
    m_abandoned = true;
    CancelJobs();
    m_pipelines.clear();
}

void
ContextAssembly::CancelJobs()
{
    if (m_setup.engine)
    {
        const uint64_t job = ContextAssembly::CONTEXT_JOB | m_setup.context;
        m_setup.engine->Cancel(job);
        m_setup.engine->Cancel(job | FAILOVER_JOB);
    }
}

void
ContextAssembly::MakeAvailable(uint32_t layer)
{
    if (m_available[layer])
    {
        return;
    }
    m_available[layer] = true;
    for (const Ptr<ContextPipeline>& pipeline : std::vector<Ptr<ContextPipeline>>(m_pipelines))
    {
        pipeline->LayerAvailable(layer);
    }
}

void
ContextAssembly::CheckComplete()
{
    if (m_complete
        || !std::all_of(m_available.begin(),
                        m_available.end(),
                        [](bool b)
                        {
                            return b;
                        }))
    {
        return;
    }
    m_setup.assembler->Finish(*m_cache, static_cast<int64_t>(m_setup.text.size()) + 1);
    m_complete = true;
    m_pipelines.clear();
    if (!m_setup.onComplete.IsNull())
    {
        m_setup.onComplete(this);
    }
}

void
ContextAssembly::Attach(Ptr<ContextPipeline> pipeline)
{
    // Highest first: the pipeline then takes each run of available layers as one stage.
    for (auto l = static_cast<uint32_t>(m_available.size()); l-- > 0;)
    {
        if (m_available[l])
        {
            pipeline->LayerAvailable(l);
        }
    }
    if (!m_complete)
    {
        m_pipelines.push_back(pipeline);
    }
}

void
ContextAssembly::Detach(Ptr<ContextPipeline> pipeline)
{
    m_pipelines.erase(std::remove(m_pipelines.begin(), m_pipelines.end(), pipeline),
                      m_pipelines.end());
}

bool
ContextAssembly::IsComplete() const
{
    return m_complete;
}

uint32_t
ContextAssembly::GetContext() const
{
    return m_setup.context;
}

const KvSourcePlan&
ContextAssembly::GetPlan() const
{
    return m_setup.plan;
}

const llm::KvCache&
ContextAssembly::GetCache() const
{
    NS_ABORT_MSG_UNLESS(m_complete, "ContextAssembly::GetCache: not complete");
    return *m_cache;
}

const std::string&
ContextAssembly::GetKey() const
{
    return m_key;
}

const std::vector<KvDataHeader::Origin>&
ContextAssembly::GetOrigins() const
{
    return m_origins;
}

bool
ContextAssembly::HasFailedOver() const
{
    return m_failedOver;
}

bool
ContextAssembly::IsAbandoned() const
{
    return m_abandoned;
}

void
ContextAssembly::DoDispose()
{
    if (!m_complete && !m_abandoned) // an abandoned one's ids may be a new assembly's by now
    {
        CancelJobs();
    }
    m_pipelines.clear();
    m_setup.onComplete = CompleteCallback();
    m_setup.engine = nullptr;
    Object::DoDispose();
}

} // namespace ns3
