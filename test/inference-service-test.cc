/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The helpers as a scenario program uses them: terminal numbering, refusal of colliding
// request ids, malformed traffic reported instead of acted upon, and the ring of edge-edge
// links (neighbours, addresses, traffic counted by the collector).

#include "ns3/applications-module.h"
#include "ns3/ce-lslm-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"

#include <gtest/gtest.h>
#include <map>
#include <set>
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

/// \return the IPv4 address of \p device's interface
Ipv4Address
AddressOf(Ptr<NetDevice> device)
{
    Ptr<Ipv4> ipv4 = device->GetNode()->GetObject<Ipv4>();
    return ipv4->GetAddress(ipv4->GetInterfaceForDevice(device), 0).GetLocal();
}

void
CountPacket(uint32_t* packets, Ptr<const Packet> /* packet */)
{
    ++*packets;
}

/// Edges of a ring of \p edges that edge \p edge neighbours, in increasing order.
std::vector<uint32_t>
RingNeighbours(uint32_t edge, uint32_t edges)
{
    if (edges == 1)
    {
        return {};
    }
    std::set<uint32_t> neighbours{(edge + 1) % edges, (edge + edges - 1) % edges};
    return {neighbours.begin(), neighbours.end()};
}

constexpr uint16_t kEchoPort = 9;        //!< UDP echo servers on every edge
constexpr uint32_t kEchoPayload = 100;   //!< bytes of each echo request and reply
constexpr uint32_t kEchoWireBytes = 130; //!< payload + UDP 8 + IPv4 20 + PPP 2

/**
 * Send one UDP echo from \p from to its neighbour \p to, over the edge-edge link between them.
 * \param replies counts the replies \p from receives
 */
void
Echo(const EdgeCloudTopologyHelper& topology, uint32_t from, uint32_t to, uint32_t* replies)
{
    UdpEchoClientHelper client(topology.GetNeighbourAddress(from, to), kEchoPort);
    client.SetAttribute("MaxPackets", UintegerValue(1));
    client.SetAttribute("PacketSize", UintegerValue(kEchoPayload));
    ApplicationContainer app = client.Install(topology.GetEdges().Get(from));
    app.Start(Seconds(1));
    app.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&CountPacket, replies));
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

TEST(InferenceServiceTest, EdgeLinksAreOffByDefault)
{
    EdgeCloudTopologyHelper topology;
    topology.Install(3, 3);
    EXPECT_EQ(topology.GetEdgeLinkCount(), 0u);
    for (uint32_t e = 0; e < 3; ++e)
    {
        EXPECT_TRUE(topology.GetNeighbours(e).empty());
    }
    Simulator::Destroy();
}

class EdgeRingTest : public ::testing::TestWithParam<uint32_t>
{
};

TEST_P(EdgeRingTest, NeighboursAreLinkedAndEachLinkCarriesTheirTraffic)
{
    const uint32_t edges = GetParam();
    EdgeCloudTopologyHelper topology;
    topology.SetEdgeLinks(true, PointToPointLinkParameters{});
    topology.Install(edges, edges);
    topology.AssignStreams(0);
    const uint32_t links = edges == 1 ? 0 : edges == 2 ? 1 : edges;
    ASSERT_EQ(topology.GetEdgeLinkCount(), links);
    for (uint32_t e = 0; e < edges; ++e)
    {
        EXPECT_EQ(topology.GetNeighbours(e), RingNeighbours(e, edges)) << "edge " << e;
    }
    for (uint32_t link = 0; link < links; ++link)
    {
        // Link i joins edge i ([0]) to edge i + 1 ([1]); each end's neighbour address is the
        // other end's address on that link, in 10.3.0.0/16.
        const uint32_t a = link;
        const uint32_t b = (link + 1) % edges;
        NetDeviceContainer devices = topology.GetEdgeLinkDevices(link);
        ASSERT_EQ(devices.GetN(), 2u);
        EXPECT_EQ(devices.Get(0)->GetNode(), topology.GetEdges().Get(a));
        EXPECT_EQ(devices.Get(1)->GetNode(), topology.GetEdges().Get(b));
        EXPECT_EQ(topology.GetNeighbourAddress(a, b), AddressOf(devices.Get(1)));
        EXPECT_EQ(topology.GetNeighbourAddress(b, a), AddressOf(devices.Get(0)));
        EXPECT_TRUE(
            Ipv4Mask("255.255.0.0").IsMatch(AddressOf(devices.Get(0)), Ipv4Address("10.3.0.0")));
    }

    // The service runs as usual; on top, every edge echoes what its neighbours send it.
    InferenceServiceHelper service;
    service.Install(topology);
    service.AssignStreams(100);
    RequestStatsCollector collector;
    collector.Install(topology, service);
    UdpEchoServerHelper(kEchoPort).Install(topology.GetEdges());
    std::vector<uint32_t> replies(2 * links, 0);
    for (uint32_t link = 0; link < links; ++link)
    {
        Echo(topology, link, (link + 1) % edges, &replies[2 * link]);
        Echo(topology, (link + 1) % edges, link, &replies[2 * link + 1]);
    }
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    Simulator::Destroy();

    for (uint32_t i = 0; i < replies.size(); ++i)
    {
        EXPECT_EQ(replies[i], 1u) << "echo " << i % 2 << " over link " << i / 2;
    }
    // Each link carried two requests and two replies, and nothing of the service.
    const LinkCounters& counters = collector.GetLinkCounters(RequestStatsCollector::EDGE_EDGE);
    EXPECT_EQ(counters.wirePackets, 4u * links);
    EXPECT_EQ(counters.wireBytes, 4u * links * kEchoWireBytes);
    EXPECT_EQ(counters.droppedPackets, 0u);
    EXPECT_EQ(counters.appBytesSent, 0u); // no edge sends protocol messages to a peer yet
    EXPECT_GT(collector.GetLinkCounters(RequestStatsCollector::BACKHAUL).wireBytes, 0u);
}

INSTANTIATE_TEST_SUITE_P(InferenceServiceTest,
                         EdgeRingTest,
                         ::testing::Values(1u, 2u, 3u, 5u),
                         [](const ::testing::TestParamInfo<uint32_t>& info)
                         {
                             return std::to_string(info.param) + "Edges";
                         });
