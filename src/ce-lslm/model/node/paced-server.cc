/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "paced-server.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PacedServer");

NS_OBJECT_ENSURE_REGISTERED(PacedServer);

TypeId
PacedServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::PacedServer")
            .SetParent<RequestServer>()
            .SetGroupName("CeLslm")
            .AddConstructor<PacedServer>()
            .AddAttribute("TokenInterval",
                          "Time between two answer tokens, in s (a stand-in for decode time).",
                          TimeValue(MilliSeconds(20)),
                          MakeTimeAccessor(&PacedServer::m_interval),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("TokenBytes",
                          "Text carried by each answer token, in bytes.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&PacedServer::m_tokenBytes),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

void
PacedServer::Serve(const ServedRequest& request)
{
    NS_LOG_FUNCTION(this << request.id);
    Answer& answer = m_answers[request.id];
    answer.answerTokens = request.header.GetAnswerTokens();
    answer.event = Simulator::Schedule(m_interval, &PacedServer::NextToken, this, request.id);
}

void
PacedServer::NextToken(uint64_t id)
{
    Answer& answer = m_answers.at(id);
    const uint32_t index = answer.nextIndex++;
    const bool last = answer.nextIndex == answer.answerTokens;
    if (last)
    {
        m_answers.erase(id);
    }
    else
    {
        answer.event = Simulator::Schedule(m_interval, &PacedServer::NextToken, this, id);
    }
    EmitToken(id, index, last, std::string(m_tokenBytes, '\0'));
}

void
PacedServer::Cancel(uint64_t id)
{
    auto found = m_answers.find(id);
    if (found != m_answers.end())
    {
        found->second.event.Cancel();
        m_answers.erase(found);
    }
}

uint32_t
PacedServer::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_answers.size());
}

void
PacedServer::DoDispose()
{
    for (auto& [id, answer] : m_answers)
    {
        answer.event.Cancel();
    }
    m_answers.clear();
    RequestServer::DoDispose();
}

} // namespace ns3
