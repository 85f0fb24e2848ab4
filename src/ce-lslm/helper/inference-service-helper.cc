/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "inference-service-helper.h"

#include "ns3/ce-application.h"
#include "ns3/edge-app.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/network-only-mode.h"
#include "ns3/terminal-app.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("InferenceServiceHelper");

InferenceServiceHelper::InferenceServiceHelper()
    : m_mode(CreateObject<NetworkOnlyMode>())
    , m_factory(this)
    , m_paced("ns3::PacedServer")
    , m_edge(EDGE_PORT, Address())
    , m_cloud(CLOUD_PORT)
{
}

void
InferenceServiceHelper::SetPacedServerAttribute(const std::string& name,
                                                const AttributeValue& value)
{
    m_paced.Set(name, value);
}

void
InferenceServiceHelper::SetMode(Ptr<InferenceMode> mode, const ServerFactory* factory)
{
    NS_ABORT_MSG_UNLESS(mode, "InferenceServiceHelper::SetMode: no mode");
    m_mode = mode;
    m_factory = factory ? factory : this;
}

Ptr<InferenceMode>
InferenceServiceHelper::GetMode() const
{
    return m_mode;
}

void
InferenceServiceHelper::SetWorkload(Ptr<WorkloadFeed> feed, bool timed)
{
    m_feed = feed;
    m_timed = timed;
}

Ptr<RequestServer>
InferenceServiceHelper::MakePacedServer() const
{
    return m_paced.Create<RequestServer>();
}

Ptr<RequestServer>
InferenceServiceHelper::MakeModelServer(ServingTier tier, ModelRole /* model */) const
{
    NS_FATAL_ERROR("mode " << m_mode->GetName() << " runs a model on the " << ServingTierName(tier)
                           << ", and InferenceServiceHelper has none: use CeLslmHelper");
    return nullptr;
}

Ptr<RequestServer>
InferenceServiceHelper::MakeCeLslmServer(ServingTier tier) const
{
    return MakeModelServer(tier, ModelRole::SLM);
}

Ptr<RequestServer>
InferenceServiceHelper::MakeCeCollmServer(ServingTier tier, bool /* standalone */) const
{
    return MakeModelServer(tier, ModelRole::LLM);
}

void
InferenceServiceHelper::SetTerminalAttribute(const std::string& name, const AttributeValue& value)
{
    m_terminal.SetAttribute(name, value);
}

void
InferenceServiceHelper::SetEdgeAttribute(const std::string& name, const AttributeValue& value)
{
    m_edge.SetAttribute(name, value);
}

void
InferenceServiceHelper::SetCloudAttribute(const std::string& name, const AttributeValue& value)
{
    m_cloud.SetAttribute(name, value);
}

void
InferenceServiceHelper::SetArrivals(double ratePerSecond, bool poisson)
{
    m_terminal.SetArrivals(ratePerSecond, poisson);
}

void
InferenceServiceHelper::SetTokenCounts(uint32_t promptMin,
                                       uint32_t promptMax,
                                       uint32_t answerMin,
                                       uint32_t answerMax)
{
    m_terminal.SetTokenCounts(promptMin, promptMax, answerMin, answerMax);
}

void
InferenceServiceHelper::Install(const EdgeCloudTopologyHelper& topology)
{
    NS_ABORT_MSG_IF(m_cloudApp.GetN() > 0, "InferenceServiceHelper::Install called twice");
    m_cloudApp = m_cloud.Install(topology.GetCloud());
    DynamicCast<CeApplication>(m_cloudApp.Get(0))
        ->SetServer(m_mode->CreateServer(TIER_CLOUD, *m_factory));
    NodeContainer edges = topology.GetEdges();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        ApplicationContainer edge = m_edge.Install(edges.Get(e));
        DynamicCast<CeApplication>(edge.Get(0))
            ->SetServer(m_mode->CreateServer(TIER_EDGE, *m_factory));
        edge.Get(0)->SetAttribute(
            "Cloud",
            AddressValue(InetSocketAddress(topology.GetCloudAddress(e), CLOUD_PORT)));
        Ptr<EdgeApp> edgeApp = DynamicCast<EdgeApp>(edge.Get(0));
        edgeApp->SetEdgeIndex(e);
        for (uint32_t neighbour : topology.GetNeighbours(e))
        {
            edgeApp->AddNeighbour(neighbour, topology.GetNeighbourAddress(e, neighbour));
        }
        m_edgeApps.Add(edge);
    }
    NodeContainer terminals = topology.GetTerminals();
    m_terminalApps = m_terminal.Install(terminals, 0);
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        Ptr<TerminalApp> terminal = DynamicCast<TerminalApp>(m_terminalApps.Get(t));
        terminal->SetAttribute(
            "Remote",
            AddressValue(InetSocketAddress(topology.GetEdgeAddress(t), EDGE_PORT)));
        terminal->SetServer(m_mode->CreateServer(TIER_TERMINAL, *m_factory));
        if (m_feed)
        {
            terminal->SetWorkload(m_feed, m_timed);
        }
    }
}

ApplicationContainer
InferenceServiceHelper::GetCloudApp() const
{
    return m_cloudApp;
}

ApplicationContainer
InferenceServiceHelper::GetEdgeApps() const
{
    return m_edgeApps;
}

ApplicationContainer
InferenceServiceHelper::GetTerminalApps() const
{
    return m_terminalApps;
}

int64_t
InferenceServiceHelper::AssignStreams(int64_t stream)
{
    return TerminalAppHelper::AssignStreams(m_terminalApps, stream);
}

} // namespace ns3
