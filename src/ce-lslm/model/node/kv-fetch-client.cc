/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "kv-fetch-client.h"

#include "ns3/crc32c.h"
#include "ns3/double.h"
#include "ns3/kv-error.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cstdio>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("KvFetchClient");

NS_OBJECT_ENSURE_REGISTERED(KvFetchClient);

TypeId
KvFetchClient::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::KvFetchClient")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<KvFetchClient>()
            .AddAttribute("RateSmoothing",
                          "Weight of a new measurement in the link-rate and KV-size estimates "
                          "(exponential moving average), in (0, 1].",
                          DoubleValue(0.3),
                          MakeDoubleAccessor(&KvFetchClient::m_smoothing),
                          MakeDoubleChecker<double>(0.001, 1))
            .AddAttribute("Timeout",
                          "A fetch that receives nothing for this long fails, and its context's "
                          "missing layers are computed at the edge (the edge-prefill fallback), "
                          "in s; 0: wait for ever.",
                          TimeValue(Time(0)),
                          MakeTimeAccessor(&KvFetchClient::m_timeout),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("MaxRerequests",
                          "Times a layer whose KV_DATA message fails its CRC checks is asked "
                          "for again before the fetch fails over to the edge.",
                          UintegerValue(2),
                          MakeUintegerAccessor(&KvFetchClient::m_maxRerequests),
                          MakeUintegerChecker<uint32_t>())
            .AddTraceSource("KvRerequested",
                            "A layer arrived corrupted (its CRC failed) and is asked for "
                            "again: (fetch, context, layer, source, payload bytes).",
                            MakeTraceSourceAccessor(&KvFetchClient::m_rerequestedTrace),
                            "ns3::KvFetchClient::KvReceivedTracedCallback")
            .AddTraceSource("FetchFailed",
                            "A fetch failed (error, timeout, lost link, corrupted beyond "
                            "MaxRerequests): (fetch id, context, reason).",
                            MakeTraceSourceAccessor(&KvFetchClient::m_failedTrace),
                            "ns3::KvFetchClient::FetchFailedTracedCallback")
            .AddTraceSource("KvReceived",
                            "A layer of context KV arrived: (fetch, context, layer, source, "
                            "payload bytes).",
                            MakeTraceSourceAccessor(&KvFetchClient::m_receivedTrace),
                            "ns3::KvFetchClient::KvReceivedTracedCallback");
    return tid;
}

void
KvFetchClient::Configure(std::shared_ptr<const kv::KvAlignment> alignment, uint32_t edge)
{
    m_alignment = std::move(alignment);
    m_edge = edge;
}

void
KvFetchClient::SetNominal(const KvFetchPlanner::Link& cloud,
                          const KvFetchPlanner::Link& neighbour,
                          const std::map<std::string, double>& layerBytes)
{
    m_cloud = cloud;
    m_nominalNeighbour = neighbour;
    m_layerBytes = layerBytes;
}

const KvFetchPlanner::Link&
KvFetchClient::GetCloudLink() const
{
    return m_cloud;
}

KvFetchPlanner::Link
KvFetchClient::GetNeighbourLink(uint32_t neighbour) const
{
    auto found = m_neighbours.find(neighbour);
    return found != m_neighbours.end() ? found->second : m_nominalNeighbour;
}

double
KvFetchClient::GetLayerBytesPerToken(const std::string& codec) const
{
    auto found = m_layerBytes.find(codec);
    NS_ABORT_MSG_IF(found == m_layerBytes.end(), "KvFetchClient: no size estimate of " << codec);
    return found->second;
}

void
KvFetchClient::Fetch(Ptr<ContextAssembly> assembly,
                     Ptr<FramedConnection> link,
                     int32_t source,
                     uint32_t begin,
                     uint32_t end,
                     const std::string& codec,
                     int64_t contextTokens)
{
    Pending fetch;
    fetch.assembly = assembly;
    fetch.link = link;
    fetch.source = source;
    fetch.codec = codec;
    fetch.contextTokens = contextTokens;
    Send(fetch, begin, end, false);
}

void
KvFetchClient::Send(Pending fetch, uint32_t begin, uint32_t end, bool refresh)
{
    const uint64_t id = FETCH_ID | (static_cast<uint64_t>(m_edge) << 32) | m_next++;
    ContextHeader header(fetch.assembly->GetContext(),
                         static_cast<uint16_t>(begin),
                         static_cast<uint16_t>(end));
    header.SetRefresh(refresh);
    const bool closed = fetch.link->IsClosed();
    fetch.link->Send(MakeContextFetchMessage(id, header, fetch.codec));
    Pending& pending = m_pending[id] = std::move(fetch);
    if (closed)
    {
        // A link that ended before its owner gave a new one: the fetch would wait forever.
        pending.timeout = Simulator::ScheduleNow(&KvFetchClient::Fail, this, id, "lost-link");
        return;
    }
    ArmTimeout(id, pending);
}

void
KvFetchClient::ArmTimeout(uint64_t id, Pending& fetch)
{
    fetch.timeout.Cancel();
    if (!m_timeout.IsZero())
    {
        fetch.timeout = Simulator::Schedule(m_timeout, &KvFetchClient::Fail, this, id, "timeout");
    }
}

void
KvFetchClient::SetFailedCallback(FailedCallback callback)
{
    m_failedCallback = callback;
}

void
KvFetchClient::Fail(uint64_t id, const std::string& reason)
{
    NS_LOG_WARN("fetch " << id << " failed: " << reason);
    m_failedTrace(id, m_pending.at(id).assembly->GetContext(), reason);
    Finish(id, true);
}

bool
KvFetchClient::HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    const uint64_t id = message.header.GetRequestId();
    if (message.header.GetType() == MessageHeader::KV_DATA)
    {
        HandleKvData(from, message);
        return true;
    }
    if (message.header.GetType() != MessageHeader::ERROR || m_pending.count(id) == 0)
    {
        return false;
    }
    Fail(id, ErrorHeader::CodeName(message.error.GetCode()));
    return true;
}

void
KvFetchClient::HandleKvData(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    const uint64_t id = message.header.GetRequestId();
    auto found = m_pending.find(id);
    if (found == m_pending.end())
    {
        NS_LOG_WARN("KV data for unknown fetch " << id);
        return;
    }
    Pending& fetch = found->second;
    const KvDataHeader& header = message.kvData;
    std::unique_ptr<kv::KvReceiver>& receiver = m_receivers[from];
    if (!receiver)
    {
        receiver = std::make_unique<kv::KvReceiver>(*m_alignment);
    }
    std::vector<kv::KvBlock> blocks;
    const auto* stream = reinterpret_cast<const uint8_t*>(message.payload.data());
    try
    {
        receiver->BeginStream();
        blocks = receiver->Feed(stream, header.GetStreamBytes());
        receiver->Finish();
    }
    catch (const kv::KvError& error)
    {
        NS_LOG_WARN("fetch " << id << ": undecodable KV: " << error.what());
        if (fetch.rerequests >= m_maxRerequests)
        {
            Fail(id, "corrupted");
            return;
        }
        // Ask for the layer again, as a receiver that holds nothing of it; the rest of the
        // fetch goes on.
        m_rerequestedTrace(id,
                           header.GetContextId(),
                           header.GetLayer(),
                           fetch.source,
                           message.payloadBytes);
        Pending again = fetch;
        again.rerequests = fetch.rerequests + 1;
        again.pieces = 0;
        again.laterBytes = 0;
        again.timeout = EventId();
        if (header.IsLast())
        {
            fetch.timeout.Cancel();
            m_pending.erase(found);
        }
        else
        {
            ArmTimeout(id, fetch);
        }
        Send(again, header.GetLayer(), header.GetLayer() + 1u, true);
        return;
    }
    ArmTimeout(id, fetch);
    if (fetch.pieces++ == 0)
    {
        fetch.firstArrival = Simulator::Now();
    }
    else
    {
        fetch.laterBytes += message.payloadBytes;
    }
    // Learn the codec's size per context token and layer from what arrived.
    double& perToken = m_layerBytes[fetch.codec];
    perToken +=
        m_smoothing * (message.payloadBytes / static_cast<double>(fetch.contextTokens) - perToken);
    char signature[16];
    std::snprintf(signature,
                  sizeof(signature),
                  "%08x",
                  kv::Crc32c(stream, header.GetStreamBytes()));
    m_receivedTrace(id,
                    header.GetContextId(),
                    header.GetLayer(),
                    fetch.source,
                    message.payloadBytes);
    Ptr<ContextAssembly> assembly = fetch.assembly;
    if (header.IsLast())
    {
        Finish(id, false);
    }
    assembly->Deliver(header.GetLayer(), blocks, header.GetOrigin(), signature);
}

void
KvFetchClient::Finish(uint64_t id, bool failed)
{
    Pending fetch = m_pending.at(id);
    fetch.timeout.Cancel();
    m_pending.erase(id);
    if (failed)
    {
        if (m_failedCallback.IsNull())
        {
            fetch.assembly->FailOver();
        }
        else
        {
            m_failedCallback(fetch.assembly);
        }
        return;
    }
    if (fetch.pieces < 2 || Simulator::Now() <= fetch.firstArrival)
    {
        return; // one piece tells nothing about the link's rate
    }
    const double sample = fetch.laterBytes / (Simulator::Now() - fetch.firstArrival).GetSeconds();
    KvFetchPlanner::Link& link =
        fetch.source < 0 ? m_cloud
                         : m_neighbours.emplace(fetch.source, m_nominalNeighbour).first->second;
    link.rate += m_smoothing * (sample - link.rate);
}

void
KvFetchClient::HandleConnectionClosed(Ptr<FramedConnection> connection)
{
    m_receivers.erase(connection);
    std::vector<uint64_t> lost;
    for (const auto& [id, fetch] : m_pending)
    {
        if (fetch.link == connection)
        {
            lost.push_back(id);
        }
    }
    for (uint64_t id : lost)
    {
        Fail(id, "lost-link");
    }
}

void
KvFetchClient::FailAll()
{
    while (!m_pending.empty())
    {
        Fail(m_pending.begin()->first, "restart");
    }
    m_receivers.clear();
}

void
KvFetchClient::DoDispose()
{
    for (auto& [id, fetch] : m_pending)
    {
        fetch.timeout.Cancel();
    }
    m_pending.clear();
    m_receivers.clear();
    m_failedCallback = FailedCallback();
    Object::DoDispose();
}

} // namespace ns3
