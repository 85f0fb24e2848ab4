/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The helpers as a scenario program uses them: terminal numbering, refusal of colliding
// request ids, and malformed traffic reported instead of acted upon.

#include "ns3/ce-lslm-module.h"
#include "ns3/core-module.h"

#include <gtest/gtest.h>
#include <map>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// How the requests of one terminal ended.
struct Endings
{
    uint32_t completed{0};                    //!< RequestCompleted count
    std::map<std::string, uint32_t> failures; //!< RequestFailed count per reason
};

void
OnCompleted(Endings* endings, uint64_t /* id */)
{
    ++endings->completed;
}

void
OnFailed(Endings* endings, uint64_t /* id */, const std::string& reason)
{
    ++endings->failures[reason];
}

void
OnProtocolError(std::vector<std::string>* errors, const std::string& what)
{
    errors->push_back(what);
}

/// Record how the requests of \p app end.
void
Watch(Ptr<Application> app, Endings* endings)
{
    app->TraceConnectWithoutContext("RequestCompleted", MakeBoundCallback(&OnCompleted, endings));
    app->TraceConnectWithoutContext("RequestFailed", MakeBoundCallback(&OnFailed, endings));
}

/// A topology of \p terminals terminals on one edge, default links.
EdgeCloudTopologyHelper
SmallTopology(uint32_t terminals)
{
    EdgeCloudTopologyHelper topology;
    topology.Install(terminals, 1);
    topology.AssignStreams(0);
    return topology;
}

} // namespace

TEST(InferenceServiceTest, TerminalHelperNumbersTerminals)
{
    NodeContainer nodes;
    nodes.Create(3);
    TerminalAppHelper helper;
    ApplicationContainer apps = helper.Install(nodes, 10);
    ASSERT_EQ(apps.GetN(), 3u);
    for (uint32_t i = 0; i < 3; ++i)
    {
        UintegerValue id;
        apps.Get(i)->GetAttribute("TerminalId", id);
        EXPECT_EQ(id.Get(), 10u + i);
    }
    Simulator::Destroy();
}

TEST(InferenceServiceTest, ServiceHelperWiresEveryTerminalToItsEdge)
{
    EdgeCloudTopologyHelper topology;
    topology.Install(5, 2);
    InferenceServiceHelper service;
    service.Install(topology);
    ASSERT_EQ(service.GetTerminalApps().GetN(), 5u);
    ASSERT_EQ(service.GetEdgeApps().GetN(), 2u);
    ASSERT_EQ(service.GetCloudApp().GetN(), 1u);
    for (uint32_t t = 0; t < 5; ++t)
    {
        AddressValue remote;
        service.GetTerminalApps().Get(t)->GetAttribute("Remote", remote);
        EXPECT_EQ(InetSocketAddress::ConvertFrom(remote.Get()).GetIpv4(),
                  topology.GetEdgeAddress(t));
        UintegerValue id;
        service.GetTerminalApps().Get(t)->GetAttribute("TerminalId", id);
        EXPECT_EQ(id.Get(), t);
    }
    Simulator::Destroy();
}

TEST(InferenceServiceTest, EdgeRefusesACollidingRequestId)
{
    // Two terminals wrongly given the same TerminalId issue their first request at the same
    // time: the edge relays the first and refuses the second instead of mixing the answers.
    EdgeCloudTopologyHelper topology = SmallTopology(2);
    CloudAppHelper cloud(InferenceServiceHelper::CLOUD_PORT);
    cloud.Install(topology.GetCloud());
    EdgeAppHelper edge(
        InferenceServiceHelper::EDGE_PORT,
        InetSocketAddress(topology.GetCloudAddress(0), InferenceServiceHelper::CLOUD_PORT));
    edge.Install(topology.GetEdges());
    std::vector<Endings> endings(2);
    for (uint32_t t = 0; t < 2; ++t)
    {
        TerminalAppHelper terminal(
            InetSocketAddress(topology.GetEdgeAddress(t), InferenceServiceHelper::EDGE_PORT));
        terminal.SetAttribute("MaxRequests", UintegerValue(1));
        terminal.SetAttribute("FirstArrival",
                              StringValue("ns3::ConstantRandomVariable[Constant=0.5]"));
        ApplicationContainer app = terminal.Install(topology.GetTerminals().Get(t), 7);
        Watch(app.Get(0), &endings[t]);
    }
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    Simulator::Destroy();
    EXPECT_EQ(endings[0].completed + endings[1].completed, 1u);
    EXPECT_EQ(endings[0].failures["duplicate-request"] + endings[1].failures["duplicate-request"],
              1u);
}

TEST(InferenceServiceTest, OversizedFrameIsReportedAndFailsTheRequests)
{
    // The edge accepts frames of at most 1 kB; a 4 kB request is invalid framing: the edge
    // reports it and drops the connection, and the terminal's requests fail.
    Config::SetDefault("ns3::FramedConnection::MaxFrameSize", UintegerValue(1024));
    EdgeCloudTopologyHelper topology = SmallTopology(1);
    InferenceServiceHelper service;
    service.SetTokenCounts(1000, 1000, 4, 4);
    service.SetTerminalAttribute("MaxRequests", UintegerValue(2));
    service.Install(topology);
    service.AssignStreams(100);
    Endings endings;
    Watch(service.GetTerminalApps().Get(0), &endings);
    std::vector<std::string> edgeErrors;
    service.GetEdgeApps().Get(0)->TraceConnectWithoutContext(
        "ProtocolError",
        MakeBoundCallback(&OnProtocolError, &edgeErrors));
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    Simulator::Destroy();
    Config::Reset();

    ASSERT_EQ(edgeErrors.size(), 1u);
    EXPECT_NE(edgeErrors[0].find("invalid framing from a terminal"), std::string::npos)
        << edgeErrors[0];
    EXPECT_NE(edgeErrors[0].find("stream offset 0"), std::string::npos) << edgeErrors[0];
    EXPECT_EQ(endings.completed, 0u);
    uint32_t failed = 0;
    for (const auto& [reason, count] : endings.failures)
    {
        EXPECT_TRUE(reason == "no-connection" || reason.rfind("connection-", 0) == 0) << reason;
        failed += count;
    }
    EXPECT_EQ(failed, 2u);
}
