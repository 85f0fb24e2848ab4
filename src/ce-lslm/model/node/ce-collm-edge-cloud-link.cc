/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// CeCollmEdgeServer: its link to the cloud (hidden-state uploads, deferred tokens coming back)
// and what happens when that link fails (the standalone fallback, a restart).

#include "ce-collm-edge-server.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CeCollmEdgeCloudLink");

void
CeCollmEdgeServer::Upload(Session& s, bool defer)
{
    const uint32_t count = s.unsynced + (s.currentSynced ? 0 : NewPositions(s));
    const uint64_t bytes = static_cast<uint64_t>(
        std::llround(llm::HiddenStateBytes(GetPolicy().precision, count, m_full.shape.hiddenSize)));
    const uint8_t precision = static_cast<uint8_t>(GetPolicy().precision);
    const HiddenStateHeader header(s.synced,
                                   count,
                                   s.index,
                                   static_cast<uint16_t>(m_split),
                                   precision,
                                   defer ? HiddenStateHeader::FLAG_DEFER : 0);
    NS_ABORT_MSG_UNLESS(m_upstream, "CeCollmEdgeServer: no link to the cloud");
    m_upstream->Send(MakeHiddenStateMessage(s.id, header, static_cast<uint32_t>(bytes)));
    s.synced += count;
    s.unsynced = 0;
    s.currentSynced = true;
    if (count > 0)
    {
        ++s.record.uploads;
        s.record.positions += count;
        s.record.hiddenBytes += bytes;
    }
    if (defer)
    {
        ++s.record.cloudTokens;
        // The cloud runs its layers on every position it holds and has not run yet.
        s.record.cloudFlops +=
            m_full.BatchCost({{s.synced - s.cloudRun, s.cloudRun, 1, m_split, -1}}).flops;
        s.cloudRun = s.synced;
        s.phase = Phase::CLOUD;
        if (!m_cloudTimeout.IsZero())
        {
            s.cloudTimer = Simulator::Schedule(m_cloudTimeout,
                                               &CeCollmEdgeServer::HandleCloudTimeout,
                                               this,
                                               s.id);
        }
    }
}

bool
CeCollmEdgeServer::HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    const MessageHeader::Type type = message.header.GetType();
    if (from != m_upstream || (type != MessageHeader::TOKEN && type != MessageHeader::ERROR))
    {
        return false;
    }
    auto found = m_sessions.find(message.header.GetRequestId());
    if (found == m_sessions.end())
    {
        return true; // a release or cancel crossed the cloud's answer
    }
    Session& s = found->second;
    if (type == MessageHeader::ERROR)
    {
        if (!s.standalone)
        {
            FallBack(s,
                     ErrorHeader::CodeName(message.error.GetCode()),
                     static_cast<ErrorHeader::Code>(message.error.GetCode()));
        }
        return true;
    }
    if (s.standalone)
    {
        return true; // the cloud's answer to a deferral given up on
    }
    if (s.phase != Phase::CLOUD || message.token.GetIndex() != s.index)
    {
        return false; // a token nobody asked for
    }
    s.cloudTimer.Cancel();
    EmitAndContinue(s, false);
    return true;
}

void
CeCollmEdgeServer::HandleConnectionClosed(Ptr<FramedConnection> connection)
{
    if (connection != m_upstream)
    {
        return;
    }
    m_upstream = nullptr;
    std::vector<uint64_t> ids;
    for (const auto& [id, session] : m_sessions)
    {
        ids.push_back(id);
    }
    for (uint64_t id : ids)
    {
        auto found = m_sessions.find(id);
        if (found != m_sessions.end() && !found->second.standalone)
        {
            FallBack(found->second, "lost the link to the cloud"); // any may need the cloud
        }
    }
}

void
CeCollmEdgeServer::HandleCloudTimeout(uint64_t id)
{
    auto found = m_sessions.find(id);
    if (found != m_sessions.end() && !found->second.standalone)
    {
        FallBack(found->second, "cloud timeout", ErrorHeader::UPSTREAM_TIMEOUT);
    }
}

bool
CeCollmEdgeServer::FallBack(Session& s, const std::string& why, ErrorHeader::Code code)
{
    if (m_fallback != FALLBACK_STANDALONE)
    {
        Fail(s.id, code);
        return false;
    }
    NS_LOG_INFO("request " << s.id << " goes on standalone: " << why);
    s.standalone = true;
    s.cloudTimer.Cancel();
    m_fallbackTrace(s.id, "standalone");
    // Every later deferral takes the last exit head's choice instead; its cost is the same
    // step job (every edge layer and head), without the upload.
    const auto last = static_cast<int32_t>(m_exits.size()) - 1;
    for (std::size_t i = s.index; i < s.decisions.size(); ++i)
    {
        s.decisions[i] = s.decisions[i] < 0 ? last : s.decisions[i];
    }
    if (s.phase == Phase::CLOUD)
    {
        // The token waited for the cloud after the split head had run: it leaves now.
        Simulator::ScheduleNow(&CeCollmEdgeServer::ResumeStandalone, this, s.id);
    }
    return true;
}

void
CeCollmEdgeServer::ResumeStandalone(uint64_t id)
{
    auto found = m_sessions.find(id);
    if (found != m_sessions.end() && found->second.phase == Phase::CLOUD)
    {
        EmitAndContinue(found->second, true);
    }
}

void
CeCollmEdgeServer::Restart()
{
    m_resident.clear();
    m_upstream = nullptr;
}

} // namespace ns3
