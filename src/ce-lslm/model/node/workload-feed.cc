/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "workload-feed.h"

#include "request-server.h"

#include "ns3/abort.h"

#include <algorithm>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(WorkloadFeed);

TypeId
WorkloadFeed::GetTypeId()
{
    static TypeId tid = TypeId("ns3::WorkloadFeed").SetParent<Object>().SetGroupName("CeLslm");
    return tid;
}

WorkloadFeed::WorkloadFeed(std::shared_ptr<const WorkloadTrace> trace,
                           uint32_t terminals,
                           uint32_t bytesPerToken)
    : m_trace(std::move(trace))
    , m_terminals(terminals)
    , m_bytesPerToken(bytesPerToken)
{
    NS_ABORT_MSG_UNLESS(m_trace && !m_trace->GetItems().empty() && terminals > 0
                            && bytesPerToken > 0,
                        "WorkloadFeed: needs a non-empty workload, terminals and bytes per token");
}

std::shared_ptr<const WorkloadTrace>
WorkloadFeed::GetTrace() const
{
    return m_trace;
}

uint32_t
WorkloadFeed::Next()
{
    const uint32_t item = m_cursor;
    m_cursor = (m_cursor + 1) % static_cast<uint32_t>(m_trace->GetItems().size());
    return item;
}

std::vector<uint32_t>
WorkloadFeed::TimedItems(uint32_t terminal) const
{
    std::vector<uint32_t> items;
    for (const WorkloadItem& item : m_trace->GetItems())
    {
        if (item.terminal.value_or(item.index % m_terminals) == terminal)
        {
            items.push_back(item.index);
        }
    }
    // Stable: items with equal times keep file order.
    std::stable_sort(items.begin(),
                     items.end(),
                     [this](uint32_t a, uint32_t b)
                     {
                         return m_trace->GetItem(a).arrivalS.value_or(0)
                                < m_trace->GetItem(b).arrivalS.value_or(0);
                     });
    return items;
}

RequestHeader
WorkloadFeed::MakeHeader(uint32_t index) const
{
    const WorkloadItem& item = m_trace->GetItem(index);
    const WorkloadContext& context = m_trace->GetContext(item.context);
    const uint32_t prompt = RequestServer::ContextTokens(context.text, m_bytesPerToken)
                            + RequestServer::TextTokens(item.query.size(), m_bytesPerToken);
    return RequestHeader(prompt,
                         RequestServer::TextTokens(item.answerTokens, m_bytesPerToken),
                         item.context,
                         item.index);
}

} // namespace ns3
