/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "context-kv-server.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/double.h"
#include "ns3/kv-codec.h"
#include "ns3/kv-error.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/token-importance.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ContextKvServer");

NS_OBJECT_ENSURE_REGISTERED(ContextKvServer);

TypeId
ContextKvServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ContextKvServer")
            .SetParent<RequestServer>()
            .SetGroupName("CeLslm")
            .AddConstructor<ContextKvServer>()
            .AddAttribute("StoreBytes",
                          "Memory of the context KV store, in bytes of the declared cloud "
                          "model's KV, charged to the engine; 0: half the device memory the "
                          "model's weights leave (the other half is for the running jobs).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&ContextKvServer::m_storeBytes),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("BytesPerToken",
                          "Text bytes per declared-model token, in bytes.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&ContextKvServer::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("ContextLookup",
                            "A fetch looked its context up in the store: (context, hit).",
                            MakeTraceSourceAccessor(&ContextKvServer::m_lookupTrace),
                            "ns3::ContextKvServer::LookupTracedCallback")
            .AddTraceSource("ContextPrefilled",
                            "The cloud finished prefilling a context: (context).",
                            MakeTraceSourceAccessor(&ContextKvServer::m_prefilledTrace),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("KvCorrupted",
                            "Fault injection corrupted a KV_DATA message on its way out.",
                            MakeTraceSourceAccessor(&ContextKvServer::m_corruptedTrace),
                            "ns3::ContextKvServer::KvCorruptedTracedCallback")
            .AddTraceSource("Scored",
                            "The cloud LLM answered a request an edge handed over (fallback "
                            "to the cloud; see SetAnswerer): (request id, quality).",
                            MakeTraceSourceAccessor(&ContextKvServer::m_scoredTrace),
                            "ns3::ModelServer::ScoredTracedCallback")
            .AddTraceSource("KvSent",
                            "A layer of context KV was sent: (fetch, context, layer, stream "
                            "bytes, wire bytes).",
                            MakeTraceSourceAccessor(&ContextKvServer::m_kvSentTrace),
                            "ns3::ContextKvServer::KvSentTracedCallback");
    return tid;
}

ContextKvServer::ContextKvServer()
    : m_engine(CreateObject<ComputeEngine>())
    , m_bytesPerToken(4)
    , m_storeBytes(0)
{
}

void
ContextKvServer::SetModel(std::shared_ptr<ExecutedModel> model)
{
    m_model = std::move(model);
}

void
ContextKvServer::SetAlignment(std::shared_ptr<const kv::KvAlignment> alignment)
{
    m_alignment = std::move(alignment);
}

void
ContextKvServer::SetWorkload(std::shared_ptr<const WorkloadTrace> workload)
{
    m_workload = std::move(workload);
}

void
ContextKvServer::SetDeclaredEdge(const ModelProfile& declaredEdge)
{
    m_declaredEdge = declaredEdge;
}

void
ContextKvServer::SetAnswerer(Ptr<ModelServer> answerer)
{
    NS_ABORT_MSG_UNLESS(answerer, "ContextKvServer::SetAnswerer: null answerer");
    m_answerer = answerer;
    m_answerer->SetEngine(m_engine); // prefill jobs carry CONTEXT_JOB, requests their own ids
    m_answerer->SetTokenCallback(TokenForwarder());
    m_answerer->SetFailureCallback(FailureForwarder());
    m_answerer->TraceConnectWithoutContext(
        "Scored",
        MakeCallback(&TracedCallback<uint64_t, const RequestQuality&>::operator(), &m_scoredTrace));
}

Ptr<ModelServer>
ContextKvServer::GetAnswerer() const
{
    return m_answerer;
}

Ptr<ComputeEngine>
ContextKvServer::GetEngine() const
{
    return m_engine;
}

std::string
ContextKvServer::GetModelName() const
{
    return m_model ? m_model->GetName() : "";
}

const ContextKvStore&
ContextKvServer::GetStore() const
{
    return m_store;
}

uint64_t
ContextKvServer::GetPrefills() const
{
    return m_prefills;
}

void
ContextKvServer::Serve(const ServedRequest& request)
{
    if (m_answerer)
    {
        m_answerer->Serve(request); // an edge fell back to the cloud
        return;
    }
    // In this mode queries stay in the edge domain: one reaching the cloud is a wiring error
    // of a scenario, answered, not served.
    NS_LOG_WARN("request " << request.id << " reached the cloud's context KV service");
    Simulator::ScheduleNow(&ContextKvServer::EmitFailure, this, request.id, ErrorHeader::REJECTED);
}

void
ContextKvServer::Cancel(uint64_t id)
{
    if (m_answerer)
    {
        m_answerer->Cancel(id);
    }
}

void
ContextKvServer::Restart()
{
    if (m_answerer)
    {
        m_answerer->Restart();
    }
}

uint32_t
ContextKvServer::GetActiveRequests() const
{
    std::size_t waiting = 0;
    for (const auto& [context, fetches] : m_waiting)
    {
        waiting += fetches.size();
    }
    return static_cast<uint32_t>(waiting) + (m_answerer ? m_answerer->GetActiveRequests() : 0);
}

std::string
ContextKvServer::Check(const Fetch& fetch) const
{
    if (fetch.context >= m_workload->GetContexts().size())
    {
        return "names context " + std::to_string(fetch.context) + ", the workload has "
               + std::to_string(m_workload->GetContexts().size());
    }
    for (uint16_t layer = fetch.begin; layer < fetch.end; ++layer)
    {
        if (layer >= m_alignment->Edge().layers || m_alignment->Link(layer).IsLocal())
        {
            return "asks for edge layer " + std::to_string(layer)
                   + ", which takes no KV from the cloud";
        }
    }
    if (fetch.begin >= fetch.end)
    {
        return "asks for no layer";
    }
    try
    {
        kv::KvCodec::Parse(fetch.codec);
    }
    catch (const kv::KvError& error)
    {
        return std::string("codec: ") + error.what();
    }
    return "";
}

void
ContextKvServer::SetCorruption(double probability, Ptr<UniformRandomVariable> random)
{
    m_corruption = probability;
    m_corruptionRandom = random;
    if (m_sender)
    {
        m_sender->SetCorruption(probability, random);
    }
}

bool
ContextKvServer::HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    if (message.header.GetType() != MessageHeader::CONTEXT_FETCH)
    {
        return false;
    }
    NS_ABORT_MSG_UNLESS(m_model && m_alignment && m_workload,
                        "ContextKvServer: no model, alignment or workload set");
    Fetch fetch{from,
                message.header.GetRequestId(),
                message.context.GetContextId(),
                message.context.GetLayerBegin(),
                message.context.GetLayerEnd(),
                message.payload,
                message.context.IsRefresh()};
    const std::string problem = Check(fetch);
    if (!problem.empty())
    {
        NS_LOG_WARN("fetch " << fetch.id << " " << problem);
        from->Send(MakeErrorMessage(fetch.id, ErrorHeader::CONTEXT_NOT_HELD));
        return true;
    }
    const bool hit = m_store.Lookup(fetch.context);
    m_lookupTrace(fetch.context, hit);
    if (hit)
    {
        Answer(fetch);
        return true;
    }
    const bool running = m_waiting.count(fetch.context) > 0;
    m_waiting[fetch.context].push_back(fetch);
    if (!running)
    {
        StartPrefill(fetch.context);
    }
    return true;
}

double
ContextKvServer::StoredBytes(uint32_t context) const
{
    const std::string& text = m_workload->GetContext(context).text;
    return m_engine->GetModel().KvBytesPerToken() * ContextTokens(text, m_bytesPerToken);
}

void
ContextKvServer::StartPrefill(uint32_t context)
{
    ComputeJob job;
    job.id = CONTEXT_JOB | context;
    job.promptTokens = ContextTokens(m_workload->GetContext(context).text, m_bytesPerToken);
    job.doneCallback = MakeCallback(&ContextKvServer::HandlePrefilled, this);
    if (!m_engine->Submit(job))
    {
        NS_LOG_WARN("context " << context << " can never fit the cloud's memory");
        for (const Fetch& fetch : m_waiting[context])
        {
            fetch.from->Send(MakeErrorMessage(fetch.id, ErrorHeader::CONTEXT_NOT_HELD));
        }
        m_waiting.erase(context);
    }
}

void
ContextKvServer::HandlePrefilled(uint64_t job)
{
    const auto context = static_cast<uint32_t>(job & ~CONTEXT_JOB);
    ++m_prefills;
    m_prefilledTrace(context);
    if (m_store.GetBudget() == 0)
    {
        m_store.SetBudget(m_storeBytes > 0 ? m_storeBytes : m_engine->GetFreeMemory() / 2);
    }
    std::vector<uint32_t> evicted;
    m_store.Insert(context, StoredBytes(context), evicted);
    m_engine->SetCacheBytes("context-kv-store", m_store.GetBytesUsed());
    for (uint32_t gone : evicted)
    {
        m_projected.erase(gone);
        m_importance.erase(gone);
    }
    std::vector<Fetch> waiting = std::move(m_waiting[context]);
    m_waiting.erase(context);
    for (const Fetch& fetch : waiting)
    {
        Answer(fetch);
    }
    if (!m_store.Contains(context))
    {
        m_projected.erase(context); // larger than the whole store: served once, not kept
        m_importance.erase(context);
    }
}

const std::vector<kv::KvBlock>&
ContextKvServer::Projected(uint32_t context)
{
    auto found = m_projected.find(context);
    if (found == m_projected.end())
    {
        const llm::KvCache cache = m_model->PrefillContext(m_workload->GetContext(context).text);
        found = m_projected.emplace(context, m_alignment->Project(cache, 0, cache.Tokens())).first;
    }
    return found->second;
}

kv::Vector
ContextKvServer::ImportanceOf(const ExecutedModel& model, const std::string& context)
{
    const llm::TokenSequence tokens = llm::ByteTokenizer::Encode(context, true);
    llm::KvCache cache(model.GetTransformer().Config());
    llm::ForwardOptions options;
    options.logits = llm::ForwardOptions::Logits::NONE;
    options.attentionImportance = true;
    const llm::ForwardResult prefill = model.GetTransformer().Forward(tokens, cache, options);
    return kv::TokenImportance::FromPrefill(prefill, static_cast<int64_t>(tokens.size()));
}

const kv::Vector&
ContextKvServer::Importance(uint32_t context)
{
    auto found = m_importance.find(context);
    if (found == m_importance.end())
    {
        found = m_importance
                    .emplace(context, ImportanceOf(*m_model, m_workload->GetContext(context).text))
                    .first;
    }
    return found->second;
}

void
ContextKvServer::Answer(const Fetch& fetch)
{
    if (!m_sender)
    {
        m_sender.emplace(m_alignment, m_declaredEdge, m_bytesPerToken);
        m_sender->SetCorruption(m_corruption, m_corruptionRandom);
    }
    const std::vector<kv::KvBlock>& blocks = Projected(fetch.context);
    const kv::Vector* importance =
        kv::KvCodec::Parse(fetch.codec).KeptFraction() < 1 ? &Importance(fetch.context) : nullptr;
    const uint64_t textBytes = m_workload->GetContext(fetch.context).text.size();
    std::map<int64_t, int64_t>& bases = m_bases[fetch.from];
    for (uint16_t layer = fetch.begin; layer < fetch.end && fetch.refresh; ++layer)
    {
        bases.erase(layer); // the edge asks again because it could not decode them
    }
    for (uint16_t layer = fetch.begin; layer < fetch.end; ++layer)
    {
        const auto block = std::find_if(blocks.begin(),
                                        blocks.end(),
                                        [layer](const kv::KvBlock& b)
                                        {
                                            return b.layer == layer;
                                        });
        try
        {
            const KvLayerSender::Sent sent = m_sender->Send(fetch.from,
                                                            fetch.id,
                                                            fetch.context,
                                                            textBytes,
                                                            *block,
                                                            KvDataHeader::ALIGNED,
                                                            layer + 1 == fetch.end,
                                                            fetch.codec,
                                                            importance,
                                                            bases);
            m_kvSentTrace(fetch.id, fetch.context, layer, sent.streamBytes, sent.wireBytes);
            if (sent.corrupted)
            {
                m_corruptedTrace(fetch.id, fetch.context, layer);
            }
        }
        catch (const kv::KvError& error)
        {
            NS_LOG_WARN("fetch " << fetch.id << ": " << error.what());
            fetch.from->Send(MakeErrorMessage(fetch.id, ErrorHeader::CONTEXT_NOT_HELD));
            return;
        }
    }
}

void
ContextKvServer::HandleConnectionClosed(Ptr<FramedConnection> connection)
{
    m_bases.erase(connection);
    for (auto& [context, fetches] : m_waiting)
    {
        fetches.erase(std::remove_if(fetches.begin(),
                                     fetches.end(),
                                     [&connection](const Fetch& fetch)
                                     {
                                         return fetch.from == connection;
                                     }),
                      fetches.end());
    }
}

void
ContextKvServer::DoDispose()
{
    m_waiting.clear();
    m_bases.clear();
    m_projected.clear();
    if (m_answerer)
    {
        m_answerer->Dispose();
        m_answerer = nullptr;
    }
    if (m_engine)
    {
        m_engine->Dispose();
        m_engine = nullptr;
    }
    m_model.reset();
    RequestServer::DoDispose();
}

} // namespace ns3
