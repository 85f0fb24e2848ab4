/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-stats-collector.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <cstdio>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestStatsCollector");

std::optional<Time>
RequestRecord::GetTtft() const
{
    if (!firstToken)
    {
        return std::nullopt;
    }
    return *firstToken - issued;
}

std::optional<Time>
RequestRecord::GetTpot() const
{
    if (outcome != COMPLETED || tokensReceived < 2 || !firstToken || !lastToken)
    {
        return std::nullopt;
    }
    return (*lastToken - *firstToken) / static_cast<int64_t>(tokensReceived - 1);
}

std::optional<Time>
RequestRecord::GetE2e() const
{
    if (outcome != COMPLETED || !ended)
    {
        return std::nullopt;
    }
    return *ended - issued;
}

std::string
RequestRecord::OutcomeName(Outcome outcome)
{
    switch (outcome)
    {
        case COMPLETED:
            return "completed";
        case FAILED:
            return "failed";
        case PENDING:
            return "pending";
    }
    return "?";
}

std::string
RequestStatsCollector::LinkName(Link link)
{
    switch (link)
    {
        case UPLINK:
            return "uplink";
        case DOWNLINK:
            return "downlink";
        case BACKHAUL:
            return "backhaul";
    }
    return "?";
}

void
RequestStatsCollector::EnableMessageTrace(std::ostream* out)
{
    m_messageTrace = out;
    if (m_messageTrace)
    {
        *m_messageTrace << "time_s,role,index,event,link,type,request_id,bytes\n";
    }
}

void
RequestStatsCollector::AddTerminal(Ptr<TerminalApp> app, uint32_t terminal, uint32_t edge)
{
    m_edgeOfTerminal[terminal] = edge;
    Endpoint at{"terminal", terminal};
    app->TraceConnectWithoutContext("RequestSent",
                                    MakeCallback(&RequestStatsCollector::OnRequestSent, this));
    app->TraceConnectWithoutContext("TokenReceived",
                                    MakeCallback(&RequestStatsCollector::OnToken, this));
    app->TraceConnectWithoutContext("RequestCompleted",
                                    MakeCallback(&RequestStatsCollector::OnCompleted, this));
    app->TraceConnectWithoutContext("RequestFailed",
                                    MakeCallback(&RequestStatsCollector::OnFailed, this));
    app->TraceConnectWithoutContext("ProtocolError",
                                    MakeCallback(&RequestStatsCollector::OnProtocolError, this));
    ConnectMessages(app, "Tx", at, UPLINK, true, true);
    ConnectMessages(app, "Rx", at, DOWNLINK, false, false);
}

void
RequestStatsCollector::AddEdge(Ptr<EdgeApp> app, uint32_t edge)
{
    Endpoint at{"edge", edge};
    app->TraceConnectWithoutContext("ProtocolError",
                                    MakeCallback(&RequestStatsCollector::OnProtocolError, this));
    ConnectMessages(app, "AccessRx", at, UPLINK, false, false);
    ConnectMessages(app, "AccessTx", at, DOWNLINK, true, true);
    ConnectMessages(app, "BackhaulTx", at, BACKHAUL, true, true);
    ConnectMessages(app, "BackhaulRx", at, BACKHAUL, false, false);
}

void
RequestStatsCollector::AddCloud(Ptr<CloudApp> app)
{
    Endpoint at{"cloud", 0};
    app->TraceConnectWithoutContext("ProtocolError",
                                    MakeCallback(&RequestStatsCollector::OnProtocolError, this));
    ConnectMessages(app, "Rx", at, BACKHAUL, false, false);
    ConnectMessages(app, "Tx", at, BACKHAUL, true, true);
}

void
RequestStatsCollector::AddLinkDevice(Ptr<NetDevice> device, Link link)
{
    LinkCounters* counters = &m_links[link];
    auto onTransmit = [counters](Ptr<const Packet> packet)
    {
        counters->wireBytes += packet->GetSize();
        ++counters->wirePackets;
    };
    auto onDrop = [counters](Ptr<const Packet>)
    {
        ++counters->droppedPackets;
    };
    device->TraceConnectWithoutContext("PhyTxEnd", Callback<void, Ptr<const Packet>>(onTransmit));
    device->TraceConnectWithoutContext("PhyRxDrop", Callback<void, Ptr<const Packet>>(onDrop));
    device->TraceConnectWithoutContext("MacTxDrop", Callback<void, Ptr<const Packet>>(onDrop));
}

void
RequestStatsCollector::ConnectMessages(Ptr<Application> app,
                                       const std::string& source,
                                       const Endpoint& at,
                                       Link link,
                                       bool sent,
                                       bool perRequest)
{
    bool connected = app->TraceConnectWithoutContext(
        source,
        MakeCallback(&RequestStatsCollector::OnMessage, this, at, link, sent, perRequest));
    NS_ABORT_MSG_UNLESS(connected, "no trace source " << source << " on " << at.role);
}

void
RequestStatsCollector::OnMessage(Endpoint at,
                                 Link link,
                                 bool sent,
                                 bool perRequest,
                                 const MessageHeader& header,
                                 uint32_t frameBytes)
{
    LinkCounters& counters = m_links[link];
    (sent ? counters.appBytesSent : counters.appBytesReceived) += frameBytes;
    RequestRecord* record = perRequest ? Find(header.GetRequestId()) : nullptr;
    if (record)
    {
        uint64_t& bytes = link == UPLINK     ? record->uplinkBytes
                          : link == DOWNLINK ? record->downlinkBytes
                                             : record->backhaulBytes;
        bytes += frameBytes;
    }
    if (m_messageTrace)
    {
        char time[32];
        std::snprintf(time, sizeof(time), "%.9f", Simulator::Now().GetSeconds());
        *m_messageTrace << time << ',' << at.role << ',' << at.index << ',' << (sent ? "tx" : "rx")
                        << ',' << LinkName(link) << ',' << MessageHeader::TypeName(header.GetType())
                        << ',' << header.GetRequestId() << ',' << frameBytes << '\n';
    }
}

void
RequestStatsCollector::OnRequestSent(uint64_t id, uint32_t promptTokens, uint32_t answerTokens)
{
    RequestRecord record;
    record.id = id;
    record.terminal = static_cast<uint32_t>(id >> 32);
    auto edge = m_edgeOfTerminal.find(record.terminal);
    record.edge = edge == m_edgeOfTerminal.end() ? 0 : edge->second;
    record.promptTokens = promptTokens;
    record.answerTokens = answerTokens;
    record.issued = Simulator::Now();
    m_index[id] = m_records.size();
    m_records.push_back(record);
}

void
RequestStatsCollector::OnToken(uint64_t id, uint32_t /* index */)
{
    RequestRecord* record = Find(id);
    if (!record)
    {
        return;
    }
    if (!record->firstToken)
    {
        record->firstToken = Simulator::Now();
    }
    record->lastToken = Simulator::Now();
    ++record->tokensReceived;
}

void
RequestStatsCollector::OnCompleted(uint64_t id)
{
    if (RequestRecord* record = Find(id))
    {
        record->outcome = RequestRecord::COMPLETED;
        record->ended = Simulator::Now();
    }
}

void
RequestStatsCollector::OnFailed(uint64_t id, const std::string& reason)
{
    if (RequestRecord* record = Find(id))
    {
        record->outcome = RequestRecord::FAILED;
        record->failureReason = reason;
        record->ended = Simulator::Now();
    }
}

void
RequestStatsCollector::OnProtocolError(const std::string& what)
{
    NS_LOG_WARN(what);
    ++m_protocolErrors;
}

RequestRecord*
RequestStatsCollector::Find(uint64_t id)
{
    auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_records[it->second];
}

void
RequestStatsCollector::Finish()
{
    for (auto& record : m_records)
    {
        if (record.outcome == RequestRecord::PENDING)
        {
            record.outcome = RequestRecord::FAILED;
            record.failureReason = "unfinished";
            record.ended = Simulator::Now();
        }
    }
}

const std::vector<RequestRecord>&
RequestStatsCollector::GetRecords() const
{
    return m_records;
}

const LinkCounters&
RequestStatsCollector::GetLinkCounters(Link link) const
{
    return m_links.at(link);
}

uint64_t
RequestStatsCollector::GetProtocolErrors() const
{
    return m_protocolErrors;
}

} // namespace ns3
