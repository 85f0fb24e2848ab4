/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-collm-edge-server.h"

#include "model-server.h"

#include "ns3/boolean.h"
#include "ns3/byte-tokenizer.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/integer.h"
#include "ns3/llm-error.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeCollmEdgeServer");

NS_OBJECT_ENSURE_REGISTERED(CeCollmEdgeServer);

namespace
{

/**
 * \param list comma-separated layer counts ("2,4")
 * \return them
 * \throw llm::LlmError naming the entry that is not a non-negative integer
 */
std::vector<int64_t>
ParseLayers(const std::string& list)
{
    std::vector<int64_t> layers;
    std::stringstream stream(list);
    std::string entry;
    while (std::getline(stream, entry, ','))
    {
        std::size_t used = 0;
        long long value = -1;
        try
        {
            value = std::stoll(entry, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        if (used != entry.size() || value < 0)
        {
            throw llm::LlmError("exit layers: '" + entry + "' in '" + list
                                + "' is not a layer count");
        }
        layers.push_back(value);
    }
    return layers;
}

/// The declared layer at the same depth fraction as executed layer \p layer of \p layers.
int32_t
DeclaredDepth(int64_t layer, int64_t layers, int64_t declared)
{
    return static_cast<int32_t>(std::lround(static_cast<double>(layer) * declared / layers));
}

} // namespace

TypeId
CeCollmEdgeServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CeCollmEdgeServer")
            .SetParent<RequestServer>()
            .SetGroupName("CeLslm")
            .AddConstructor<CeCollmEdgeServer>()
            .AddAttribute("SplitLayer",
                          "Decoder layers of the executed LLM the edge runs (the cloud runs the "
                          "rest); -1: the deepest exit head below the last layer. Set before "
                          "SetModel.",
                          IntegerValue(-1),
                          MakeIntegerAccessor(&CeCollmEdgeServer::m_splitLayer),
                          MakeIntegerChecker<int64_t>(-1))
            .AddAttribute("ExitLayers",
                          "Exit heads the edge evaluates, as executed layer counts, comma-"
                          "separated and increasing (\"2,4\"); empty: every exit head up to the "
                          "split. Set before SetModel.",
                          StringValue(""),
                          MakeStringAccessor(&CeCollmEdgeServer::m_exitLayers),
                          MakeStringChecker())
            .AddAttribute("Threshold",
                          "Top probability an exit head needs for its token to leave at the "
                          "edge (dimensionless); 1 or more: never. Set before SetModel.",
                          DoubleValue(0.8),
                          MakeDoubleAccessor(&CeCollmEdgeServer::m_threshold),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("Standalone",
                          "Never defer to the cloud: an unconfident token takes the last exit "
                          "head's choice (CE-CoLLM's standalone edge). Set before SetModel.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&CeCollmEdgeServer::m_standalone),
                          MakeBooleanChecker())
            .AddAttribute("HiddenPrecision",
                          "Precision of uploaded hidden states: fp32, fp16 or q8 (int8 with an "
                          "FP32 scale per position). Set before SetModel.",
                          StringValue("fp16"),
                          MakeStringAccessor(&CeCollmEdgeServer::m_precision),
                          MakeStringChecker())
            .AddAttribute("ContextCache",
                          "Keep a context's keys and values resident at the edge once a request "
                          "has prefilled it (its hidden states still go to the cloud per "
                          "request).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&CeCollmEdgeServer::m_contextCache),
                          MakeBooleanChecker())
            .AddAttribute("BytesPerToken",
                          "Text bytes per token of the declared model, in bytes.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&CeCollmEdgeServer::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Fallback",
                          "What a request does when the cloud fails it (an error, a lost link, "
                          "no token within CloudTimeout): 'standalone' goes on at the edge, "
                          "every later token taking the last exit head's choice; 'none' fails "
                          "it.",
                          EnumValue(FALLBACK_STANDALONE),
                          MakeEnumAccessor(&CeCollmEdgeServer::m_fallback),
                          MakeEnumChecker(FALLBACK_STANDALONE, "standalone", FALLBACK_NONE, "none"))
            .AddAttribute("CloudTimeout",
                          "Time a deferred token may wait for the cloud's answer before the "
                          "request falls back, in s; 0: wait for ever.",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&CeCollmEdgeServer::m_cloudTimeout),
                          MakeTimeChecker(Time(0)))
            .AddTraceSource("Fallback",
                            "A request is answered by a fallback: (request id, 'standalone').",
                            MakeTraceSourceAccessor(&CeCollmEdgeServer::m_fallbackTrace),
                            "ns3::RequestServer::FallbackTracedCallback")
            .AddTraceSource("Scored",
                            "The executed model answered a request (quality of the answer).",
                            MakeTraceSourceAccessor(&CeCollmEdgeServer::m_scoredTrace),
                            "ns3::ModelServer::ScoredTracedCallback")
            .AddTraceSource("Collab",
                            "A request finished: tokens exited at the edge and deferred, hidden "
                            "states uploaded, FLOPs the cloud ran and saved.",
                            MakeTraceSourceAccessor(&CeCollmEdgeServer::m_collabTrace),
                            "ns3::CeCollmEdgeServer::CollabTracedCallback");
    return tid;
}

CeCollmEdgeServer::CeCollmEdgeServer()
    : m_engine(CreateObject<ComputeEngine>())
    , m_splitLayer(-1)
    , m_threshold(0.8)
    , m_standalone(false)
    , m_fallback(FALLBACK_STANDALONE)
    , m_precision("fp16")
    , m_contextCache(true)
    , m_bytesPerToken(4)
{
}

void
CeCollmEdgeServer::SetModel(std::shared_ptr<ExecutedModel> llm)
{
    m_model = std::move(llm);
    m_memo.clear();
    BuildDecoder();
}

void
CeCollmEdgeServer::BuildDecoder()
{
    const llm::Transformer& model = m_model->GetTransformer();
    const llm::ModelConfig& config = model.Config();
    llm::EarlyExitPolicy policy;
    policy.splitLayer = m_splitLayer;
    if (policy.splitLayer < 0)
    {
        for (int64_t exit : config.earlyExitLayers)
        {
            if (exit < config.numLayers)
            {
                policy.splitLayer = std::max(policy.splitLayer, exit);
            }
        }
        if (policy.splitLayer < 0)
        {
            throw llm::LlmError("model " + m_model->GetName() + " has no early-exit head");
        }
    }
    policy.exitLayers = ParseLayers(m_exitLayers);
    if (m_exitLayers.empty())
    {
        std::copy_if(config.earlyExitLayers.begin(),
                     config.earlyExitLayers.end(),
                     std::back_inserter(policy.exitLayers),
                     [&policy](int64_t exit)
                     {
                         return exit <= policy.splitLayer;
                     });
    }
    policy.threshold = m_threshold;
    policy.defer = !m_standalone;
    policy.precision = llm::ParseHiddenPrecision(m_precision);
    m_decoder = std::make_unique<llm::EarlyExitDecoder>(model, policy);
}

llm::EarlyExitAnswer
CeCollmEdgeServer::Answer(const WorkloadItem& item, const WorkloadContext& context) const
{
    std::shared_ptr<AnswerStore> store = m_model->GetAnswerStore();
    std::string key;
    if (store)
    {
        // Everything the answer depends on: weights, policy and the request's texts, each
        // text prefixed by its length so that keys never collide.
        const llm::EarlyExitPolicy& policy = GetPolicy();
        std::ostringstream text;
        text.precision(17);
        text << m_model->GetFingerprint() << "\nsplit " << policy.splitLayer << " exits";
        for (int64_t exit : policy.exitLayers)
        {
            text << ' ' << exit;
        }
        text << " threshold " << policy.threshold << " defer " << policy.defer << " precision "
             << static_cast<int>(policy.precision) << '\n'
             << context.text.size() << ':' << context.text << item.query.size() << ':' << item.query
             << item.answerTokens << ':' << item.continuation;
        key = text.str();
        if (std::optional<llm::EarlyExitAnswer> stored = store->LoadEarlyExit(key))
        {
            return *stored;
        }
    }
    llm::EarlyExitAnswer answer = m_decoder->Answer(llm::ByteTokenizer::Encode(context.text, true),
                                                    llm::ByteTokenizer::Encode(item.query),
                                                    item.answerTokens,
                                                    llm::ByteTokenizer::Encode(item.continuation));
    if (store)
    {
        store->SaveEarlyExit(key, answer);
    }
    return answer;
}

void
CeCollmEdgeServer::SetWorkload(std::shared_ptr<const WorkloadTrace> workload)
{
    m_workload = std::move(workload);
}

void
CeCollmEdgeServer::SetDeclaredModel(const ModelProfile& full)
{
    NS_ABORT_MSG_UNLESS(m_decoder, "CeCollmEdgeServer: SetModel before SetDeclaredModel");
    m_full = full;
    const llm::EarlyExitPolicy& policy = GetPolicy();
    const int64_t layers = m_model->GetTransformer().Config().numLayers;
    const int64_t declared = full.shape.numLayers;
    m_split = std::clamp<int32_t>(DeclaredDepth(policy.splitLayer, layers, declared),
                                  1,
                                  static_cast<int32_t>(declared - 1));
    // Exits stay increasing and within the split however coarse the declared model is.
    m_exits.clear();
    for (int64_t exit : policy.exitLayers)
    {
        const int32_t previous = m_exits.empty() ? 0 : m_exits.back();
        m_exits.push_back(
            std::min(m_split, std::max(previous + 1, DeclaredDepth(exit, layers, declared))));
    }
    m_exits.erase(std::unique(m_exits.begin(), m_exits.end()), m_exits.end());
    if (m_standalone && !m_exits.empty())
    {
        m_split = m_exits.back(); // nothing runs past the last head when nothing is deferred
    }
    NS_ABORT_MSG_UNLESS(m_exits.size() == policy.exitLayers.size(),
                        "CeCollmEdgeServer: declared model '"
                            << full.name << "' has too few layers for " << policy.exitLayers.size()
                            << " exits");
}

ModelProfile
CeCollmEdgeServer::GetEdgeProfile() const
{
    ModelProfile edge = m_full;
    edge.shape.numLayers = m_split;
    edge.name = m_full.name + "[0," + std::to_string(m_split) + ")";
    return edge;
}

const llm::EarlyExitPolicy&
CeCollmEdgeServer::GetPolicy() const
{
    return m_decoder->Policy();
}

std::string
CeCollmEdgeServer::GetModelName() const
{
    return m_model ? m_model->GetName() : "";
}

Ptr<ComputeEngine>
CeCollmEdgeServer::GetEngine() const
{
    return m_engine;
}

bool
CeCollmEdgeServer::NeedsLinks() const
{
    return !m_standalone;
}

void
CeCollmEdgeServer::SetLinks(const Links& links)
{
    m_upstream = links.upstream;
}

std::vector<int32_t>
CeCollmEdgeServer::Decisions(const llm::EarlyExitAnswer& answer, uint32_t tokens) const
{
    const std::vector<int64_t>& exits = GetPolicy().exitLayers;
    std::vector<int32_t> decisions(tokens, 0);
    if (answer.steps.empty())
    {
        return decisions; // nothing executed to follow: every token from the first exit
    }
    for (uint32_t i = 0; i < tokens; ++i)
    {
        const std::size_t step =
            std::min<std::size_t>(static_cast<std::size_t>(i) * m_bytesPerToken,
                                  answer.steps.size() - 1);
        const int64_t exit = answer.steps[step].exitLayer;
        const auto found = std::find(exits.begin(), exits.end(), exit);
        decisions[i] = found == exits.end() ? -1 : static_cast<int32_t>(found - exits.begin());
    }
    return decisions;
}

double
CeCollmEdgeServer::FullFlops(uint32_t promptTokens, uint32_t answerTokens, int32_t from) const
{
    double flops = m_full.BatchCost({{promptTokens, 0, 1, from, -1}}).flops;
    for (uint32_t i = 1; i < answerTokens; ++i)
    {
        flops += m_full.BatchCost({{1, promptTokens + i - 1, 1, from, -1}}).flops;
    }
    return flops;
}

void
CeCollmEdgeServer::Serve(const ServedRequest& request)
{
    NS_LOG_FUNCTION(this << request.id);
    NS_ABORT_MSG_UNLESS(m_decoder && m_workload && m_split > 0,
                        "CeCollmEdgeServer: no model, workload or declared model set");
    const std::string problem = ModelServer::CheckItem(*m_workload, request, m_bytesPerToken);
    if (!problem.empty() || m_sessions.count(request.id) > 0)
    {
        NS_LOG_WARN("request " << request.id << " " << problem);
        Fail(request.id,
             problem.empty() ? ErrorHeader::DUPLICATE_REQUEST : ErrorHeader::MALFORMED_REQUEST);
        return;
    }
    const WorkloadItem& item = m_workload->GetItem(request.header.GetItem());
    const WorkloadContext& context = m_workload->GetContext(item.context);
    const std::string key = std::to_string(item.index);
    auto memo = m_memo.find(key);
    if (memo == m_memo.end())
    {
        memo = m_memo.emplace(key, Answer(item, context)).first;
    }
    const llm::EarlyExitAnswer& answer = memo->second;
    ExecutedAnswer executed;
    for (const llm::EarlyExitStep& step : answer.steps)
    {
        executed.tokens.push_back(step.token);
    }
    executed.score = answer.score;

    Session& s = m_sessions[request.id];
    s.id = request.id;
    s.text = llm::ByteTokenizer::Decode(executed.tokens);
    s.decisions = Decisions(answer, request.header.GetAnswerTokens());
    s.promptTokens = request.header.GetPromptTokens();
    s.context = item.context;
    s.cachedTokens = m_contextCache && m_resident.count(item.context)
                         ? ContextTokens(context.text, m_bytesPerToken)
                         : 0;
    s.unsynced = s.cachedTokens; // resident context: its hidden states are held here too
    s.record.fullFlops = FullFlops(s.promptTokens, request.header.GetAnswerTokens(), 0);
    s.record.cloudPartFlops = FullFlops(s.promptTokens, request.header.GetAnswerTokens(), m_split);
    if (!m_standalone && !m_upstream)
    {
        // No link to the cloud (lost, not yet back): fall back from the start, or fail.
        if (!FallBack(s, "no link to the cloud"))
        {
            return;
        }
    }
    m_scoredTrace(request.id, ModelServer::Assess(executed, m_model, nullptr, context.text, item));
    StartToken(s);
}

uint32_t
CeCollmEdgeServer::NewPositions(const Session& s) const
{
    return s.index == 0 ? s.promptTokens - s.cachedTokens : 1;
}

uint32_t
CeCollmEdgeServer::PositionsBefore(const Session& s) const
{
    return s.index == 0 ? s.cachedTokens : s.promptTokens + s.index - 1;
}

void
CeCollmEdgeServer::StartToken(Session& s)
{
    // One engine job per token: every edge layer (an exited token's later layers too, so that
    // later tokens find its keys and values) and the exit heads it reads below the split, as a
    // batched early-exit server runs a decode iteration. The head at the split, if read, comes
    // after the job, while the hidden state is already travelling.
    const int32_t decision = s.decisions[s.index];
    const uint32_t read = decision >= 0 ? decision + 1 : static_cast<uint32_t>(m_exits.size());
    const auto below = static_cast<uint32_t>(std::count_if(m_exits.begin(),
                                                           m_exits.begin() + read,
                                                           [this](int32_t exit)
                                                           {
                                                               return exit < m_split;
                                                           }));
    s.currentSynced = false;
    s.phase = Phase::STEP;
    ComputeJob job;
    job.id = s.id;
    job.cachedTokens = PositionsBefore(s);
    job.promptTokens = NewPositions(s);
    job.prefillLayerEnd = m_split;
    job.headRows = static_cast<int32_t>(below);
    job.doneCallback = MakeCallback(&CeCollmEdgeServer::HandleStepDone, this);
    if (!m_engine->Submit(job))
    {
        Fail(s.id, ErrorHeader::REJECTED);
    }
}

Time
CeCollmEdgeServer::HeadTime() const
{
    const llm::ForwardCost head = m_engine->GetModel().BatchCost({{1, 0, 1, m_split, m_split}});
    return Seconds(
        m_engine->GetDevice().Seconds(head.flops, head.BytesRead() + head.BytesWritten()));
}

void
CeCollmEdgeServer::HandleStepDone(uint64_t id)
{
    auto found = m_sessions.find(id);
    if (found == m_sessions.end())
    {
        return; // cancelled
    }
    Session& s = found->second;
    const int32_t decision = s.decisions[s.index];
    const bool splitHead = !m_exits.empty() && m_exits.back() == m_split;
    if (decision >= 0 && m_exits[decision] < m_split)
    {
        // Exited below the split. Confident at the first exit head, its state waits for the
        // next deferral; not confident there, its upload started at that head, asynchronously
        // (CE-CoLLM), so the cloud holds it before a later token defers.
        if (decision > 0 && !m_standalone && !s.standalone && m_upstream)
        {
            Upload(s, false);
        }
        else
        {
            s.unsynced += NewPositions(s);
        }
        EmitAndContinue(s, true);
        return;
    }
    if (!m_standalone && !s.standalone)
    {
        // At the split: the states go up now; the deferral follows the head if it is not
        // confident (at once when the split has no head).
        Upload(s, !splitHead);
    }
    if (splitHead)
    {
        s.phase = Phase::HEAD;
        s.headEvent = Simulator::Schedule(HeadTime(), &CeCollmEdgeServer::HandleHeadDone, this, id);
    }
}

void
CeCollmEdgeServer::HandleHeadDone(uint64_t id)
{
    auto found = m_sessions.find(id);
    if (found == m_sessions.end())
    {
        return; // cancelled (a cancel also cancels the event)
    }
    Session& s = found->second;
    if (s.decisions[s.index] >= 0)
    {
        EmitAndContinue(s, true);
        return;
    }
    Upload(s, true); // no position left to send: the deferral alone
}

void
CeCollmEdgeServer::EmitAndContinue(Session& s, bool atEdge)
{
    s.record.edgeTokens += atEdge ? 1 : 0;
    const uint64_t id = s.id;
    if (!Emit(s))
    {
        Finish(id);
        return;
    }
    ++s.index;
    StartToken(s);
}

bool
CeCollmEdgeServer::Emit(Session& s)
{
    const uint32_t tokens = static_cast<uint32_t>(s.decisions.size());
    const bool last = s.index + 1 == tokens;
    if (s.index == 0 && m_contextCache)
    {
        m_resident.insert(s.context); // its prefill has just finished
    }
    EmitToken(s.id, s.index, last, TokenText(s.text, s.index, last, m_bytesPerToken));
    return !last;
}

void
CeCollmEdgeServer::Finish(uint64_t id)
{
    auto found = m_sessions.find(id);
    NS_ASSERT(found != m_sessions.end());
    const CeCollmRecord record = found->second.record;
    Cancel(id);
    m_collabTrace(id, record);
}

void
CeCollmEdgeServer::Cancel(uint64_t id)
{
    auto found = m_sessions.find(id);
    if (found == m_sessions.end())
    {
        return;
    }
    m_engine->Cancel(id);
    Simulator::Cancel(found->second.headEvent);
    found->second.cloudTimer.Cancel();
    if (found->second.synced > 0 && m_upstream)
    {
        // The cloud's context manager frees the request's state.
        const HiddenStateHeader release(0,
                                        0,
                                        0,
                                        static_cast<uint16_t>(m_split),
                                        static_cast<uint8_t>(GetPolicy().precision),
                                        HiddenStateHeader::FLAG_RELEASE);
        m_upstream->Send(MakeHiddenStateMessage(id, release, 0));
    }
    m_sessions.erase(found);
}

void
CeCollmEdgeServer::Fail(uint64_t id, ErrorHeader::Code code)
{
    Cancel(id);
    Simulator::ScheduleNow(&CeCollmEdgeServer::EmitFailure, this, id, code);
}

uint32_t
CeCollmEdgeServer::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_sessions.size());
}

void
CeCollmEdgeServer::DoDispose()
{
    for (auto& [id, session] : m_sessions)
    {
        Simulator::Cancel(session.headEvent);
        session.cloudTimer.Cancel();
    }
    m_sessions.clear();
    if (m_engine)
    {
        m_engine->Dispose();
        m_engine = nullptr;
    }
    m_upstream = nullptr;
    m_model.reset();
    m_workload.reset();
    m_decoder.reset();
    RequestServer::DoDispose();
}

} // namespace ns3
