/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "inference-service-helper.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("InferenceServiceHelper");

InferenceServiceHelper::InferenceServiceHelper()
    : m_edge(EDGE_PORT, Address())
    , m_cloud(CLOUD_PORT)
{
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
    NodeContainer edges = topology.GetEdges();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        ApplicationContainer edge = m_edge.Install(edges.Get(e));
        edge.Get(0)->SetAttribute(
            "Cloud",
            AddressValue(InetSocketAddress(topology.GetCloudAddress(e), CLOUD_PORT)));
        m_edgeApps.Add(edge);
    }
    NodeContainer terminals = topology.GetTerminals();
    m_terminalApps = m_terminal.Install(terminals, 0);
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        m_terminalApps.Get(t)->SetAttribute(
            "Remote",
            AddressValue(InetSocketAddress(topology.GetEdgeAddress(t), EDGE_PORT)));
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
