/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "model-server.h"

#include "ns3/boolean.h"
#include "ns3/byte-tokenizer.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ModelServer");

NS_OBJECT_ENSURE_REGISTERED(ModelServer);

TypeId
ModelServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ModelServer")
            .SetParent<RequestServer>()
            .SetGroupName("CeLslm")
            .AddConstructor<ModelServer>()
            .AddAttribute("ContextCache",
                          "Keep a context's keys and values resident once a request has "
                          "prefilled it, so that later requests naming it prefill only their "
                          "query.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&ModelServer::m_contextCache),
                          MakeBooleanChecker())
            .AddAttribute("ContextCacheBytes",
                          "Memory of the context cache, in bytes of the declared model's KV; "
                          "0: half the device memory the weights leave (the other half is for "
                          "the running requests' KV).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&ModelServer::m_cacheBudget),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("BytesPerToken",
                          "Text bytes per token of the declared model, in bytes: a text of B "
                          "bytes counts ceil(B / BytesPerToken) tokens.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&ModelServer::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("Scored",
                            "The executed model answered a request (quality of the answer).",
                            MakeTraceSourceAccessor(&ModelServer::m_scoredTrace),
                            "ns3::ModelServer::ScoredTracedCallback");
    return tid;
}

ModelServer::ModelServer()
    : m_engine(CreateObject<ComputeEngine>())
    , m_contextCache(true)
    , m_bytesPerToken(4)
    , m_cacheBudget(0)
{
}

void
ModelServer::SetModel(std::shared_ptr<ExecutedModel> model)
{
    m_model = std::move(model);
}

void
ModelServer::SetReference(std::shared_ptr<ExecutedModel> reference)
{
    m_reference = std::move(reference);
}

void
ModelServer::SetWorkload(std::shared_ptr<const WorkloadTrace> workload)
{
    m_workload = std::move(workload);
}

std::string
ModelServer::GetModelName() const
{
    return m_model ? m_model->GetName() : "";
}

Ptr<ComputeEngine>
ModelServer::GetEngine() const
{
    return m_engine;
}

void
ModelServer::SetEngine(Ptr<ComputeEngine> engine)
{
    NS_ABORT_MSG_UNLESS(engine, "ModelServer::SetEngine: null engine");
    NS_ABORT_MSG_UNLESS(m_active.empty(), "ModelServer::SetEngine: requests in progress");
    m_engine = engine;
}

std::string
ModelServer::CheckItem(const WorkloadTrace& workload,
                       const ServedRequest& request,
                       uint32_t bytesPerToken)
{
    const RequestHeader& header = request.header;
    if (!header.HasItem() || header.GetItem() >= workload.GetItems().size())
    {
        return "names no item of the workload";
    }
    const WorkloadItem& item = workload.GetItem(header.GetItem());
    if (!header.HasContext() || header.GetContextId() != item.context)
    {
        return "names context " + std::to_string(header.GetContextId()) + ", its item has "
               + std::to_string(item.context);
    }
    if (request.query != item.query)
    {
        return "carries a query that is not its item's";
    }
    const uint32_t contextTokens =
        ContextTokens(workload.GetContext(item.context).text, bytesPerToken);
    if (header.GetPromptTokens() <= contextTokens)
    {
        return "counts " + std::to_string(header.GetPromptTokens())
               + " prompt tokens, not more than its context's " + std::to_string(contextTokens);
    }
    if (header.GetAnswerTokens() == 0)
    {
        return "asks for zero answer tokens";
    }
    return "";
}

void
ModelServer::Serve(const ServedRequest& request)
{
    NS_LOG_FUNCTION(this << request.id);
    NS_ABORT_MSG_UNLESS(m_model && m_workload, "ModelServer: no model or workload set");
    const std::string problem = CheckItem(*m_workload, request, m_bytesPerToken);
    if (!problem.empty())
    {
        NS_LOG_WARN("request " << request.id << " " << problem);
        Simulator::ScheduleNow(&ModelServer::EmitFailure,
                               this,
                               request.id,
                               ErrorHeader::MALFORMED_REQUEST);
        return;
    }
    const WorkloadItem& item = m_workload->GetItem(request.header.GetItem());
    const WorkloadContext& context = m_workload->GetContext(item.context);
    const ExecutedAnswer answer =
        m_model->Answer(context.text, item.query, item.answerTokens, item.continuation);

    // The context's tokens are skipped when its keys and values are resident.
    const uint32_t contextTokens = ContextTokens(context.text, m_bytesPerToken);
    ComputeJob job;
    job.id = request.id;
    const bool resident = m_contextCache && m_resident.Lookup(item.context);
    job.cachedTokens = resident ? contextTokens : 0;
    job.cachedHeld = resident;
    job.promptTokens = request.header.GetPromptTokens() - job.cachedTokens;
    job.outputTokens = request.header.GetAnswerTokens();
    job.tokenCallback = MakeCallback(&ModelServer::HandleToken, this);
    if (!m_engine->Submit(job))
    {
        Simulator::ScheduleNow(&ModelServer::EmitFailure, this, request.id, ErrorHeader::REJECTED);
        return;
    }
    m_active[request.id] = Active{llm::ByteTokenizer::Decode(answer.tokens), item.context};
    m_scoredTrace(request.id, Assess(answer, m_reference, m_model, context.text, item));
}

RequestQuality
ModelServer::Assess(const ExecutedAnswer& answer,
                    const std::shared_ptr<ExecutedModel>& reference,
                    const std::shared_ptr<ExecutedModel>& answering,
                    const std::string& context,
                    const WorkloadItem& item)
{
    RequestQuality quality;
    quality.bits = answer.score.nllNats / std::log(2.0);
    quality.bytes = static_cast<uint32_t>(answer.score.bytes);
    quality.positions = static_cast<uint32_t>(answer.score.predictions.size());
    if (!reference || reference == answering)
    {
        quality.agreeing = quality.positions;
        return quality;
    }
    const llm::TokenSequence& predictions =
        reference->Answer(context, item.query, 0, item.continuation).score.predictions;
    for (std::size_t i = 0; i < answer.score.predictions.size() && i < predictions.size(); ++i)
    {
        quality.agreeing += answer.score.predictions[i] == predictions[i] ? 1 : 0;
    }
    return quality;
}

void
ModelServer::HandleToken(uint64_t id, uint32_t index, bool last)
{
    auto found = m_active.find(id);
    if (found == m_active.end())
    {
        return; // cancelled
    }
    if (index == 0 && m_contextCache)
    {
        Keep(found->second.context); // its prefill has just finished
    }
    const std::string slice = TokenText(found->second.text, index, last, m_bytesPerToken);
    if (last)
    {
        m_active.erase(found);
    }
    EmitToken(id, index, last, slice);
}

void
ModelServer::Cancel(uint64_t id)
{
    if (m_active.erase(id) > 0)
    {
        m_engine->Cancel(id);
    }
}

uint32_t
ModelServer::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_active.size());
}

void
ModelServer::Keep(uint32_t context)
{
    if (m_resident.GetBudget() == 0)
    {
        m_resident.SetBudget(m_cacheBudget > 0 ? m_cacheBudget : m_engine->GetFreeMemory() / 2);
    }
    const WorkloadContext& text = m_workload->GetContext(context);
    const double bytes =
        m_engine->GetModel().KvBytesPerToken() * ContextTokens(text.text, m_bytesPerToken);
    std::vector<uint32_t> evicted;
    m_resident.Insert(context, bytes, evicted);
    m_engine->SetCacheBytes("context-cache", m_resident.GetBytesUsed());
}

const ContextKvStore&
ModelServer::GetContextCache() const
{
    return m_resident;
}

void
ModelServer::Restart()
{
    m_resident.Clear();
    m_engine->SetCacheBytes("context-cache", 0);
}

void
ModelServer::DoDispose()
{
    m_active.clear();
    if (m_engine)
    {
        m_engine->Dispose();
        m_engine = nullptr;
    }
    m_model.reset();
    m_reference.reset();
    m_workload.reset();
    RequestServer::DoDispose();
}

} // namespace ns3
