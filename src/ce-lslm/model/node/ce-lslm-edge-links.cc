/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// CeLslmEdgeServer: the messages of its links (KV from the cloud, neighbours' fetches and
// announcements), serving its neighbours, and what a lost link or a restart takes away.

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

NS_LOG_COMPONENT_DEFINE("CeLslmEdgeLinks");

bool
CeLslmEdgeServer::HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    if (m_fetcher->HandleMessage(from, message) || m_handover.HandleMessage(from, message))
    {
        return true; // KV this edge fetched, a failed fetch, or the cloud answering a fallback
    }
    const uint64_t id = message.header.GetRequestId();
    switch (message.header.GetType())
    {
        case MessageHeader::CONTEXT_FETCH:
            ServeNeighbour(from, message);
            return true;
        case MessageHeader::CONTEXT_HELD:
        {
            // The id field names the announcing edge.
            std::set<uint32_t>& held = m_neighbourHolds[static_cast<uint32_t>(id)];
            if (message.context.GetLayerEnd() > message.context.GetLayerBegin())
            {
                held.insert(message.context.GetContextId());
            }
            else
            {
                held.erase(message.context.GetContextId());
            }
            return true;
        }
        default:
            return false;
    }
}

void
CeLslmEdgeServer::Announce(uint32_t context, uint16_t layers)
{
    for (const auto& [neighbour, link] : m_links.neighbours)
    {
        link->Send(MakeContextHeldMessage(m_edge, ContextHeader(context, 0, layers)));
    }
}

void
CeLslmEdgeServer::ServeNeighbour(Ptr<FramedConnection> from, const ProtocolMessage& message)
{
    const uint64_t id = message.header.GetRequestId();
    const uint32_t context = message.context.GetContextId();
    auto held = m_held.find(context);
    const uint16_t end = message.context.GetLayerEnd();
    if (held == m_held.end() || end > held->second->GetOrigins().size()
        || message.context.GetLayerBegin() >= end)
    {
        from->Send(MakeErrorMessage(id, ErrorHeader::CONTEXT_NOT_HELD));
        return;
    }
    if (!m_sender)
    {
        m_sender.emplace(m_alignment, m_engine->GetModel(), m_bytesPerToken);
    }
    const llm::KvCache& cache = held->second->GetCache();
    for (uint16_t layer = message.context.GetLayerBegin(); layer < end; ++layer)
    {
        if (message.context.IsRefresh())
        {
            m_peerBases[from].erase(layer); // the neighbour could not decode what it had
        }
        const llm::KvLayer& kv = cache.Layer(layer);
        kv::KvBlock block{layer, kv.Positions(), kv.Keys(), kv.Values()};
        try
        {
            m_sender->Send(from,
                           id,
                           context,
                           m_workload->GetContext(context).text.size(),
                           block,
                           held->second->GetOrigins()[layer],
                           layer + 1 == end,
                           message.payload,
                           nullptr,
                           m_peerBases[from]);
        }
        catch (const kv::KvError& error)
        {
            NS_LOG_WARN("fetch " << id << " from a neighbour: " << error.what());
            from->Send(MakeErrorMessage(id, ErrorHeader::CONTEXT_NOT_HELD));
            return;
        }
    }
}

void
CeLslmEdgeServer::HandleConnectionClosed(Ptr<FramedConnection> connection)
{
    m_peerBases.erase(connection);
    m_fetcher->HandleConnectionClosed(connection);
    m_handover.HandleConnectionClosed(connection);
}

void
CeLslmEdgeServer::Restart()
{
    // Fetches in flight end first: their assemblies fail over and may still reach the store.
    m_fetcher->FailAll();
    for (auto& [context, assembly] : m_assembling)
    {
        assembly->Dispose();
    }
    m_assembling.clear();
    m_store.Clear();
    m_engine->SetCacheBytes("context-kv-store", 0);
    m_held.clear();
    m_peerBases.clear();
    m_neighbourHolds.clear();
    m_handover.Clear();
    m_links = Links();
}

} // namespace ns3
