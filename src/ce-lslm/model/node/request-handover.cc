/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-handover.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestHandover");

void
RequestHandover::SetCallbacks(RequestServer::TokenCallback onToken,
                              RequestServer::FailureCallback onFailure)
{
    m_onToken = onToken;
    m_onFailure = onFailure;
}

bool
RequestHandover::HandOver(const ServedRequest& request, Ptr<FramedConnection> link)
{
    if (!link || link->IsClosed())
    {
        return false;
    }
    NS_LOG_INFO("request " << request.id << " handed over");
    m_cancelled.erase(request.id); // a retry under the same id
    m_handedOver[request.id] = link;
    link->Send(MakeRequestMessage(request.id, request.header, request.query));
    return true;
}

bool
RequestHandover::HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    const MessageHeader::Type type = message.header.GetType();
    if (type != MessageHeader::TOKEN && type != MessageHeader::ERROR)
    {
        return false;
    }
    const uint64_t id = message.header.GetRequestId();
    const bool ends = type == MessageHeader::ERROR || message.token.IsLast();
    auto cancelled = m_cancelled.find(id);
    if (cancelled != m_cancelled.end() && cancelled->second == from)
    {
        if (ends)
        {
            m_cancelled.erase(cancelled);
        }
        return true; // the end of an answer nobody waits for
    }
    auto found = m_handedOver.find(id);
    if (found == m_handedOver.end() || found->second != from)
    {
        return false;
    }
    if (ends)
    {
        m_handedOver.erase(found);
    }
    if (type == MessageHeader::ERROR)
    {
        // Passed on as it came: the requester names an unknown code by its number.
        m_onFailure(id, static_cast<ErrorHeader::Code>(message.error.GetCode()));
    }
    else
    {
        m_onToken(id, message.token.GetIndex(), message.token.IsLast(), message.payload);
    }
    return true;
}

bool
RequestHandover::Cancel(uint64_t id)
{
    auto found = m_handedOver.find(id);
    if (found == m_handedOver.end())
    {
        return false;
    }
    if (!found->second->IsClosed())
    {
        found->second->Send(MakeCancelMessage(id));
        m_cancelled[id] = found->second;
    }
    m_handedOver.erase(found);
    return true;
}

void
RequestHandover::HandleConnectionClosed(Ptr<FramedConnection> connection)
{
    for (auto it = m_cancelled.begin(); it != m_cancelled.end();)
    {
        it = it->second == connection ? m_cancelled.erase(it) : std::next(it);
    }
    std::vector<uint64_t> lost;
    for (const auto& [id, link] : m_handedOver)
    {
        if (link == connection)
        {
            lost.push_back(id);
        }
    }
    for (uint64_t id : lost)
    {
        m_handedOver.erase(id);
        m_onFailure(id, ErrorHeader::UPSTREAM_UNAVAILABLE);
    }
}

void
RequestHandover::Clear()
{
    m_handedOver.clear();
    m_cancelled.clear();
}

uint32_t
RequestHandover::GetCount() const
{
    return static_cast<uint32_t>(m_handedOver.size());
}

} // namespace ns3
