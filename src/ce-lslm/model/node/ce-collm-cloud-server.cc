/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ce-collm-cloud-server.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeCollmCloudServer");

NS_OBJECT_ENSURE_REGISTERED(CeCollmCloudServer);

TypeId
CeCollmCloudServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CeCollmCloudServer")
            .SetParent<RequestServer>()
            .SetGroupName("CeLslm")
            .AddConstructor<CeCollmCloudServer>()
            .AddAttribute("BytesPerToken",
                          "Text bytes per token of the declared model, in bytes: the payload of "
                          "each token the cloud returns.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&CeCollmCloudServer::m_bytesPerToken),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("Deferral",
                            "A deferral arrived: the positions the cloud's layers run on for it "
                            "and the positions held for the request.",
                            MakeTraceSourceAccessor(&CeCollmCloudServer::m_deferralTrace),
                            "ns3::CeCollmCloudServer::DeferralTracedCallback");
    return tid;
}

CeCollmCloudServer::CeCollmCloudServer()
    : m_engine(CreateObject<ComputeEngine>())
    , m_bytesPerToken(4)
{
}

std::string
CeCollmCloudServer::GetModelName() const
{
    return m_modelName;
}

void
CeCollmCloudServer::SetModelName(const std::string& name)
{
    m_modelName = name;
}

Ptr<ComputeEngine>
CeCollmCloudServer::GetEngine() const
{
    return m_engine;
}

void
CeCollmCloudServer::Serve(const ServedRequest& request)
{
    NS_LOG_WARN("request " << request.id << " reached the cloud: in ce-collm the edge answers");
    Simulator::ScheduleNow(&CeCollmCloudServer::EmitFailure,
                           this,
                           request.id,
                           ErrorHeader::MALFORMED_REQUEST);
}

std::string
CeCollmCloudServer::Apply(Context& context, const HiddenStateHeader& hidden)
{
    if (hidden.GetFirst() != context.held)
    {
        return "positions from " + std::to_string(hidden.GetFirst()) + ", the context holds "
               + std::to_string(context.held);
    }
    if (hidden.GetSplitLayer() != context.split || context.split == 0)
    {
        return "split layer " + std::to_string(hidden.GetSplitLayer()) + " (was "
               + std::to_string(context.split) + ")";
    }
    if (context.busy)
    {
        return "positions while a deferral is being served";
    }
    context.held += hidden.GetCount();
    if (hidden.IsDefer() && context.held == context.run)
    {
        return "a deferral with no position to run";
    }
    return "";
}

bool
CeCollmCloudServer::HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    if (message.header.GetType() != MessageHeader::HIDDEN_STATE)
    {
        return false;
    }
    const uint64_t id = message.header.GetRequestId();
    const HiddenStateHeader& hidden = message.hidden;
    auto found = m_contexts.find(id);
    if (hidden.IsRelease())
    {
        if (found != m_contexts.end() && found->second.edge == from)
        {
            Cancel(id);
        }
        return true; // releasing what is not held (e.g. after an error) is harmless
    }
    if (found == m_contexts.end())
    {
        found = m_contexts.emplace(id, Context{from, 0, 0, hidden.GetSplitLayer()}).first;
    }
    Context& context = found->second;
    const std::string problem =
        context.edge == from ? Apply(context, hidden) : "request id used by another edge";
    if (!problem.empty())
    {
        NS_LOG_WARN("request " << id << ": " << problem);
        Reply(from, id, ErrorHeader::MALFORMED_REQUEST);
        return false;
    }
    if (!hidden.IsDefer())
    {
        return true;
    }
    m_deferralTrace(id, context.held - context.run, context.held);
    ComputeJob job;
    job.id = id;
    job.cachedTokens = context.run;
    job.promptTokens = context.held - context.run;
    job.prefillLayerBegin = context.split;
    job.doneCallback = MakeCallback(&CeCollmCloudServer::HandleJobDone, this);
    if (!m_engine->Submit(job))
    {
        Reply(from, id, ErrorHeader::REJECTED);
        return true;
    }
    context.busy = true;
    context.tokenIndex = hidden.GetTokenIndex();
    context.run = context.held;
    return true;
}

void
CeCollmCloudServer::HandleJobDone(uint64_t id)
{
    auto found = m_contexts.find(id);
    if (found == m_contexts.end())
    {
        return; // released meanwhile
    }
    found->second.busy = false;
    found->second.edge->Send(
        MakeTokenMessage(id, found->second.tokenIndex, false, m_bytesPerToken));
}

void
CeCollmCloudServer::Reply(Ptr<FramedConnection> to, uint64_t id, ErrorHeader::Code code)
{
    auto found = m_contexts.find(id);
    if (found != m_contexts.end() && found->second.edge == to)
    {
        Cancel(id);
    }
    to->Send(MakeErrorMessage(id, code));
}

void
CeCollmCloudServer::Cancel(uint64_t id)
{
    if (m_contexts.erase(id) > 0)
    {
        m_engine->Cancel(id);
    }
}

uint32_t
CeCollmCloudServer::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_contexts.size());
}

void
CeCollmCloudServer::HandleConnectionClosed(Ptr<FramedConnection> connection)
{
    for (auto it = m_contexts.begin(); it != m_contexts.end();)
    {
        if (it->second.edge == connection)
        {
            m_engine->Cancel(it->first);
            it = m_contexts.erase(it);
        }
        else
        {
            ++it;
        }
    }
}

void
CeCollmCloudServer::DoDispose()
{
    m_contexts.clear();
    if (m_engine)
    {
        m_engine->Dispose();
        m_engine = nullptr;
    }
    RequestServer::DoDispose();
}

} // namespace ns3
