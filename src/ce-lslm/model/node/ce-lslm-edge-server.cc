/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-lslm-edge-server.h"

#include "model-server.h"

#include "ns3/boolean.h"
#include "ns3/byte-tokenizer.h"
#include "ns3/crc32c.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/integer.h"
#include "ns3/kv-error.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeLslmEdgeServer");

NS_OBJECT_ENSURE_REGISTERED(CeLslmEdgeServer);

TypeId
CeLslmEdgeServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CeLslmEdgeServer")
            .SetParent<RequestServer>()
            .SetGroupName("CeLslm")
            .AddConstructor<CeLslmEdgeServer>()
            .AddAttribute("Schedule",
                          "How loading and computing a context's KV overlap: overlapped (each "
                          "layer used as it arrives, local layers computed meanwhile) or "
                          "sequential (load everything, then compute; the baseline).",
                          EnumValue(PIPELINE_OVERLAPPED),
                          MakeEnumAccessor(&CeLslmEdgeServer::m_schedule),
                          MakeEnumChecker(PIPELINE_OVERLAPPED,
                                          "overlapped",
                                          PIPELINE_SEQUENTIAL,
                                          "sequential"))
            .AddAttribute("LocalLayers",
                          "Layers of the context's KV computed at the edge (layers); -1: "
                          "chosen per request to minimize the expected time to first token.",
                          IntegerValue(-1),
                          MakeIntegerAccessor(&CeLslmEdgeServer::m_localLayers),
                          MakeIntegerChecker<int32_t>(-1))
            .AddAttribute("Codec",
                          "Codec of the cloud's KV (kv::KvCodec spec, e.g. pca16+q4+rans), or "
                          "'adaptive': chosen per request from CodecLadder to meet TtftTarget.",
                          StringValue("pca16+q4+rans"),
                          MakeStringAccessor(&CeLslmEdgeServer::m_codec),
                          MakeStringChecker())
            .AddAttribute(
                "CodecLadder",
                "Adaptive codec: the specs to choose from, comma-separated, best "
                "quality first.",
                StringValue("fp16,q8+rans,pca16+q8+rans,pca16+q4+rans,top50+pca16+q4+rans"),
                MakeStringAccessor(&CeLslmEdgeServer::m_ladder),
                MakeStringChecker())
            .AddAttribute("TtftTarget",
                          "Adaptive codec: the time to first token to meet (time).",
                          TimeValue(MilliSeconds(100)),
                          MakeTimeAccessor(&CeLslmEdgeServer::m_target),
                          MakeTimeChecker())
            .AddAttribute("PeerCodec",
                          "Codec of KV sent to a neighbouring edge (no pca stage: the bases "
                          "cover only the cloud's layers).",
                          StringValue("q8+rans"),
                          MakeStringAccessor(&CeLslmEdgeServer::m_peerCodec),
                          MakeStringChecker())
            .AddAttribute("StoreBytes",
                          "Memory of the edge's context KV store, in bytes of the declared "
                          "edge model's KV, charged to the engine; 0: half the device memory "
                          "the weights leave (the other half is for the running requests).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&CeLslmEdgeServer::m_storeBytes),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("EdgeEdge",
                          "Fetch context KV from neighbouring edges that hold it.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&CeLslmEdgeServer::m_edgeEdge),
                          MakeBooleanChecker())
            .AddAttribute("BytesPerToken",
                          "Text bytes per declared-model token, in bytes.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&CeLslmEdgeServer::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("Scored",
                            "The SLM answered a request (quality of the answer).",
                            MakeTraceSourceAccessor(&CeLslmEdgeServer::m_scoredTrace),
                            "ns3::ModelServer::ScoredTracedCallback")
            .AddTraceSource("Plan",
                            "Where a request's context KV comes from.",
                            MakeTraceSourceAccessor(&CeLslmEdgeServer::m_planTrace),
                            "ns3::CeLslmEdgeServer::PlanTracedCallback")
            .AddAttribute("Fallback",
                          "What a request does when its context's KV fetch fails (an error, "
                          "the fetch client's Timeout, a lost link, chunks corrupted beyond the "
                          "re-requests): 'edge-prefill' answers it with KV the edge computes "
                          "itself, 'cloud' hands it over to the cloud LLM (its query leaves the "
                          "edge domain; the cloud needs an answerer), 'none' fails it with "
                          "'upstream-unavailable'.",
                          EnumValue(FALLBACK_EDGE_PREFILL),
                          MakeEnumAccessor(&CeLslmEdgeServer::m_fallback),
                          MakeEnumChecker(FALLBACK_EDGE_PREFILL,
                                          "edge-prefill",
                                          FALLBACK_CLOUD,
                                          "cloud",
                                          FALLBACK_NONE,
                                          "none"))
            .AddTraceSource("Fallback",
                            "A request is answered by a fallback: (request id, 'edge-prefill' or "
                            "'cloud').",
                            MakeTraceSourceAccessor(&CeLslmEdgeServer::m_fallbackTrace),
                            "ns3::RequestServer::FallbackTracedCallback")
            .AddTraceSource("StoreLookup",
                            "A request looked its context up in the store: (context, hit).",
                            MakeTraceSourceAccessor(&CeLslmEdgeServer::m_lookupTrace),
                            "ns3::ContextKvServer::LookupTracedCallback");
    return tid;
}

CeLslmEdgeServer::CeLslmEdgeServer()
    : m_schedule(PIPELINE_OVERLAPPED)
    , m_localLayers(-1)
    , m_codec("pca16+q4+rans")
    , m_target(MilliSeconds(100))
    , m_peerCodec("q8+rans")
    , m_storeBytes(0)
    , m_edgeEdge(true)
    , m_fallback(FALLBACK_EDGE_PREFILL)
    , m_bytesPerToken(4)
    , m_engine(CreateObject<ComputeEngine>())
    , m_fetcher(CreateObject<KvFetchClient>())
{
    m_fetcher->SetFailedCallback(MakeCallback(&CeLslmEdgeServer::HandleFetchFailed, this));
    m_handover.SetCallbacks(TokenForwarder(), FailureForwarder());
}

void
CeLslmEdgeServer::SetModel(std::shared_ptr<ExecutedModel> model)
{
    m_model = std::move(model);
}

void
CeLslmEdgeServer::SetReference(std::shared_ptr<ExecutedModel> reference)
{
    m_reference = std::move(reference);
}

void
CeLslmEdgeServer::SetAlignment(std::shared_ptr<const kv::KvAlignment> alignment)
{
    m_alignment = std::move(alignment);
}

void
CeLslmEdgeServer::SetWorkload(std::shared_ptr<const WorkloadTrace> workload)
{
    m_workload = std::move(workload);
}

void
CeLslmEdgeServer::SetNominal(const KvFetchPlanner::Link& cloud,
                             const KvFetchPlanner::Link& neighbour,
                             Time cloudPrefillPerToken,
                             const std::map<std::string, double>& layerBytes)
{
    m_fetcher->SetNominal(cloud, neighbour, layerBytes);
    m_cloudPrefill = cloudPrefillPerToken;
}

std::vector<std::string>
CeLslmEdgeServer::GetCodecs() const
{
    std::vector<std::string> codecs;
    if (m_codec == "adaptive")
    {
        std::stringstream ladder(m_ladder);
        for (std::string spec; std::getline(ladder, spec, ',');)
        {
            codecs.push_back(spec);
        }
    }
    else
    {
        codecs.push_back(m_codec);
    }
    codecs.push_back(m_peerCodec);
    return codecs;
}

Ptr<ComputeEngine>
CeLslmEdgeServer::GetEngine() const
{
    return m_engine;
}

std::string
CeLslmEdgeServer::GetModelName() const
{
    return m_model ? m_model->GetName() : "";
}

const ContextKvStore&
CeLslmEdgeServer::GetStore() const
{
    return m_store;
}

bool
CeLslmEdgeServer::NeedsLinks() const
{
    return true;
}

void
CeLslmEdgeServer::SetLinks(const Links& links)
{
    m_links = links;
    m_edge = links.self;
    m_fetcher->Configure(m_alignment, m_edge);
}

Ptr<KvFetchClient>
CeLslmEdgeServer::GetFetchClient() const
{
    return m_fetcher;
}

int64_t
CeLslmEdgeServer::ContextTokens(uint32_t context) const
{
    return RequestServer::ContextTokens(m_workload->GetContext(context).text, m_bytesPerToken);
}

double
CeLslmEdgeServer::LayerBytes(const std::string& codec, uint32_t context) const
{
    return m_fetcher->GetLayerBytesPerToken(codec) * static_cast<double>(ContextTokens(context));
}

void
CeLslmEdgeServer::Serve(const ServedRequest& request)
{
    NS_ABORT_MSG_UNLESS(m_model && m_alignment && m_workload && m_links.upstream,
                        "CeLslmEdgeServer: no model, alignment, workload or upstream link");
    const std::string problem = ModelServer::CheckItem(*m_workload, request, m_bytesPerToken);
    if (!problem.empty())
    {
        NS_LOG_WARN("request " << request.id << " " << problem);
        Simulator::ScheduleNow(&CeLslmEdgeServer::EmitFailure,
                               this,
                               request.id,
                               ErrorHeader::MALFORMED_REQUEST);
        return;
    }
    if (!m_assembler)
    {
        m_assembler =
            std::make_unique<kv::ContextAssembler>(m_model->GetTransformer(), *m_alignment);
    }
    const uint32_t context = m_workload->GetItem(request.header.GetItem()).context;
    const int64_t queryTokens = request.header.GetPromptTokens() - ContextTokens(context);
    const int64_t answerTokens = request.header.GetAnswerTokens();
    KvSourcePlan plan;
    std::string how;
    Ptr<ContextAssembly> assembly = AssemblyFor(context, queryTokens, answerTokens, plan, how);
    m_planTrace(request.id,
                context,
                plan.localLayers,
                plan.neighbourEnd,
                plan.neighbour,
                plan.codec,
                how,
                plan.estimatedTtft);

    ContextPipeline::Plan work;
    work.jobId = request.id;
    work.layers = static_cast<uint32_t>(m_model->GetTransformer().Config().numLayers);
    work.localLayers = 0; // the assembly computes the context's local layers once for all
    work.contextTokens = ContextTokens(context);
    work.queryTokens = queryTokens;
    work.answerTokens = answerTokens;
    work.schedule = m_schedule;
    Ptr<ContextPipeline> pipeline = CreateObject<ContextPipeline>();
    pipeline->Configure(m_engine,
                        work,
                        MakeCallback(&CeLslmEdgeServer::HandleToken, this),
                        MakeCallback(&CeLslmEdgeServer::HandleRefused, this));
    m_active[request.id] = Active{request, pipeline, assembly, std::nullopt};
    pipeline->Start();
    assembly->Attach(pipeline);
}

KvFetchPlanner::Inputs
CeLslmEdgeServer::PlannerInputs(uint32_t context, int64_t queryTokens, int64_t answerTokens) const
{
    KvFetchPlanner::Inputs in;
    in.model = m_engine->GetModel();
    in.device = m_engine->GetDevice();
    in.layers = static_cast<uint32_t>(m_model->GetTransformer().Config().numLayers);
    in.firstCloudLayer = static_cast<uint32_t>(m_alignment->LocalLayers());
    in.contextTokens = ContextTokens(context);
    in.queryTokens = queryTokens;
    in.answerTokens = answerTokens;
    in.schedule = m_schedule;
    // A rough queue estimate: each waiting job delays this one by about a context prefill.
    ContextPipeline::Plan
        alone{0, in.layers, in.layers, in.contextTokens, queryTokens, 1, m_schedule};
    in.startDelay = ContextPipeline::EstimateTtft(in.model, in.device, alone, {}, Time())
                    * static_cast<int64_t>(m_engine->GetQueueLength());
    in.cloud = m_fetcher->GetCloudLink();
    in.cloud.ready = m_fetchedFromCloud.count(context) ? Time() : m_cloudPrefill * in.contextTokens;
    for (const auto& [neighbour, held] : m_neighbourHolds)
    {
        if (m_edgeEdge && held.count(context) && m_links.neighbours.count(neighbour))
        {
            in.neighbours[neighbour] = m_fetcher->GetNeighbourLink(neighbour);
        }
    }
    std::vector<std::string> codecs = GetCodecs();
    codecs.pop_back(); // the peer codec is not the cloud's
    in.codecs = codecs;
    in.adaptive = m_codec == "adaptive";
    in.target = m_target;
    in.cloudLayerBytes = [this, context](const std::string& codec)
    {
        return LayerBytes(codec, context);
    };
    in.neighbourLayerBytes = LayerBytes(m_peerCodec, context);
    in.fixedLocalLayers = m_localLayers;
    return in;
}

Ptr<ContextAssembly>
CeLslmEdgeServer::AssemblyFor(uint32_t context,
                              int64_t queryTokens,
                              int64_t answerTokens,
                              KvSourcePlan& plan,
                              std::string& how)
{
    auto joining = m_assembling.find(context);
    if (joining != m_assembling.end())
    {
        plan = joining->second->GetPlan();
        how = "joined";
        return joining->second;
    }
    const bool hit = m_store.Lookup(context);
    m_lookupTrace(context, hit);
    if (hit)
    {
        plan = KvSourcePlan{};
        how = "store";
        return m_held.at(context);
    }
    plan = KvFetchPlanner::Choose(PlannerInputs(context, queryTokens, answerTokens));
    how = "planned";
    ContextAssembly::Setup setup;
    setup.context = context;
    setup.text = m_workload->GetContext(context).text;
    setup.contextTokens = ContextTokens(context);
    setup.plan = plan;
    setup.schedule = m_schedule;
    setup.engine = m_engine;
    setup.model = &m_model->GetTransformer();
    setup.assembler = m_assembler.get();
    setup.alignment = m_alignment.get();
    setup.onComplete = MakeCallback(&CeLslmEdgeServer::HandleAssembled, this);
    Ptr<ContextAssembly> assembly = CreateObject<ContextAssembly>();
    m_assembling[context] = assembly;
    assembly->Start(setup);
    const auto layers = static_cast<uint32_t>(m_model->GetTransformer().Config().numLayers);
    if (plan.neighbour >= 0)
    {
        m_fetcher->Fetch(assembly,
                         m_links.neighbours.at(plan.neighbour),
                         plan.neighbour,
                         plan.localLayers,
                         plan.neighbourEnd,
                         m_peerCodec,
                         setup.contextTokens);
    }
    if (plan.UsesCloud(layers))
    {
        m_fetcher->Fetch(assembly,
                         m_links.upstream,
                         -1,
                         plan.neighbourEnd,
                         layers,
                         plan.codec,
                         setup.contextTokens);
        m_fetchedFromCloud.insert(context);
    }
    return assembly;
}

void
CeLslmEdgeServer::HandleAssembled(Ptr<ContextAssembly> assembly)
{
    const uint32_t context = assembly->GetContext();
    m_assembling.erase(context);
    if (m_store.GetBudget() == 0)
    {
        m_store.SetBudget(m_storeBytes > 0 ? m_storeBytes : m_engine->GetFreeMemory() / 2);
    }
    std::vector<uint32_t> evicted;
    const double bytes = m_engine->GetModel().KvBytesPerToken() * ContextTokens(context);
    if (m_store.Insert(context, bytes, evicted))
    {
        m_held[context] = assembly;
        Announce(context, static_cast<uint16_t>(assembly->GetOrigins().size()));
    }
    m_engine->SetCacheBytes("context-kv-store", m_store.GetBytesUsed());
    for (uint32_t gone : evicted)
    {
        m_held.erase(gone);
        Announce(gone, 0);
    }
}

void
CeLslmEdgeServer::HandleToken(uint64_t id, uint32_t index, bool last)
{
    auto found = m_active.find(id);
    if (found == m_active.end())
    {
        return;
    }
    Active& active = found->second;
    if (!active.answer && active.assembly->HasFailedOver())
    {
        if (m_fallback == FALLBACK_NONE)
        {
            Drop(id);
            EmitFailure(id, ErrorHeader::UPSTREAM_UNAVAILABLE);
            return;
        }
        m_fallbackTrace(id, "edge-prefill");
    }
    if (!active.answer)
    {
        const WorkloadItem& item = m_workload->GetItem(active.request.header.GetItem());
        const ExecutedAnswer answer = m_model->AnswerAfter(active.assembly->GetCache(),
                                                           active.assembly->GetKey(),
                                                           item.query,
                                                           item.answerTokens,
                                                           item.continuation);
        active.answer = llm::ByteTokenizer::Decode(answer.tokens);
        m_scoredTrace(id,
                      ModelServer::Assess(answer,
                                          m_reference,
                                          m_model,
                                          m_workload->GetContext(item.context).text,
                                          item));
    }
    const std::string text = TokenText(*active.answer, index, last, m_bytesPerToken);
    if (last)
    {
        Drop(id);
    }
    EmitToken(id, index, last, text);
}

void
CeLslmEdgeServer::HandleRefused(uint64_t id)
{
    if (m_active.count(id))
    {
        Drop(id);
        EmitFailure(id, ErrorHeader::REJECTED);
    }
}

void
CeLslmEdgeServer::HandleFetchFailed(Ptr<ContextAssembly> assembly)
{
    auto current = m_assembling.find(assembly->GetContext());
    if (m_fallback != FALLBACK_CLOUD || current == m_assembling.end()
        || current->second != assembly)
    {
        assembly->FailOver(); // nothing for a complete or abandoned assembly
        return;
    }
    // Its other fetches may still deliver: the abandoned assembly ignores them, and they keep
    // the links' receivers in step with what the senders believe they hold.
    m_assembling.erase(current);
    assembly->Abandon();
    std::vector<uint64_t> waiting;
    for (const auto& [id, active] : m_active)
    {
        if (active.assembly == assembly)
        {
            waiting.push_back(id);
        }
    }
    for (uint64_t id : waiting)
    {
        HandOverToCloud(id);
    }
}

void
CeLslmEdgeServer::HandOverToCloud(uint64_t id)
{
    Active& active = m_active.at(id);
    const ServedRequest request = active.request;
    active.pipeline->Cancel();
    Drop(id);
    m_fallbackTrace(id, "cloud");
    if (!m_handover.HandOver(request, m_links.upstream))
    {
        Simulator::ScheduleNow(&CeLslmEdgeServer::EmitFailure,
                               this,
                               id,
                               ErrorHeader::UPSTREAM_UNAVAILABLE);
    }
}

void
CeLslmEdgeServer::Drop(uint64_t id)
{
    auto found = m_active.find(id);
    if (found != m_active.end())
    {
        found->second.assembly->Detach(found->second.pipeline);
        m_active.erase(found);
    }
}

void
CeLslmEdgeServer::Cancel(uint64_t id)
{
    if (m_handover.Cancel(id))
    {
        return;
    }
    auto found = m_active.find(id);
    if (found != m_active.end())
    {
        found->second.pipeline->Cancel();
        Drop(id);
    }
}

uint32_t
CeLslmEdgeServer::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_active.size()) + m_handover.GetCount();
}

void
CeLslmEdgeServer::DoDispose()
{
    for (auto& [id, active] : m_active)
    {
        active.pipeline->Dispose();
    }
    m_active.clear();
    for (auto& [context, assembly] : m_assembling)
    {
        assembly->Dispose();
    }
    m_assembling.clear();
    m_held.clear();
    if (m_fetcher)
    {
        m_fetcher->Dispose();
        m_fetcher = nullptr;
    }
    m_assembler.reset();
    if (m_engine)
    {
        m_engine->Dispose();
        m_engine = nullptr;
    }
    m_links = Links();
    RequestServer::DoDispose();
}

} // namespace ns3
