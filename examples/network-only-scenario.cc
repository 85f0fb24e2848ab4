/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// A scenario program written directly against the ce-lslm helpers, the way an ns-3 user
// writes one: terminals -> edge -> cloud over point-to-point links, Poisson requests, and trace
// sinks that print each request's time to first token and end-to-end latency.
//
//   build/bin/network-only-scenario --terminals=4 --accessMbps=20 --duration=10
//   NS_LOG="NetworkOnlyScenario=info" build/bin/network-only-scenario   (non-Release builds)

#include "ns3/ce-lslm-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("NetworkOnlyScenario");

namespace
{

std::map<uint64_t, Time> g_issued;     //!< request id -> issue time
std::map<uint64_t, Time> g_firstToken; //!< request id -> first token time

void
RequestSent(uint64_t id, const RequestHeader& header)
{
    g_issued[id] = Simulator::Now();
    NS_LOG_INFO("request " << id << ": " << header.GetPromptTokens() << " prompt tokens, "
                           << header.GetAnswerTokens() << " answer tokens");
}

void
TokenReceived(uint64_t id, uint32_t /* index */)
{
    g_firstToken.emplace(id, Simulator::Now());
}

void
RequestCompleted(uint32_t terminal, uint64_t id)
{
    Time issued = g_issued.at(id);
    std::cout << std::fixed << std::setprecision(3) << std::setw(8) << Simulator::Now().GetSeconds()
              << " s  terminal " << terminal << "  request " << (id & 0xffffffff) << "  ttft "
              << (g_firstToken.at(id) - issued).GetMilliSeconds() << " ms  e2e "
              << (Simulator::Now() - issued).GetMilliSeconds() << " ms\n";
}

void
RequestFailed(uint64_t id, const std::string& reason)
{
    std::cout << "request " << id << " failed: " << reason << "\n";
}

} // namespace

/// Link parameters from a rate in Mbit/s and a delay in ms.
PointToPointLinkParameters
Link(double rateMbps, double delayMs)
{
    PointToPointLinkParameters link;
    link.rate = DataRate(std::llround(rateMbps * 1e6));
    link.delay = MilliSeconds(delayMs);
    return link;
}

int
main(int argc, char* argv[])
{
    uint32_t terminals = 3;
    double accessMbps = 50;
    double backhaulMbps = 1000;
    double ratePerTerminal = 1.0;
    double duration = 5;
    uint32_t run = 1;

    CommandLine cmd(__FILE__);
    cmd.AddValue("terminals", "Number of terminals", terminals);
    cmd.AddValue("accessMbps", "Access link rate, in Mbit/s", accessMbps);
    cmd.AddValue("backhaulMbps", "Backhaul link rate, in Mbit/s", backhaulMbps);
    cmd.AddValue("rate", "Requests per second per terminal", ratePerTerminal);
    cmd.AddValue("duration", "Arrival window, in s", duration);
    cmd.AddValue("run", "ns-3 RngRun (replica)", run);
    cmd.Parse(argc, argv);

    RngSeedManager::SetRun(run);
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));

    EdgeCloudTopologyHelper topology;
    topology.SetAccessLink(Link(accessMbps, 5));
    topology.SetBackhaulLink(Link(backhaulMbps, 10));
    topology.Install(terminals, 1);
    topology.AssignStreams(0);

    InferenceServiceHelper service;
    service.SetArrivals(ratePerTerminal, true);
    service.SetTokenCounts(64, 256, 16, 48);
    service.SetPacedServerAttribute("TokenInterval", TimeValue(MilliSeconds(25)));
    service.Install(topology);
    service.AssignStreams(1000);

    ApplicationContainer apps = service.GetTerminalApps();
    for (uint32_t t = 0; t < apps.GetN(); ++t)
    {
        apps.Get(t)->TraceConnectWithoutContext("RequestSent", MakeCallback(&RequestSent));
        apps.Get(t)->TraceConnectWithoutContext("TokenReceived", MakeCallback(&TokenReceived));
        apps.Get(t)->TraceConnectWithoutContext("RequestCompleted",
                                                MakeBoundCallback(&RequestCompleted, t));
        apps.Get(t)->TraceConnectWithoutContext("RequestFailed", MakeCallback(&RequestFailed));
    }
    apps.Stop(Seconds(duration));

    Simulator::Stop(Seconds(duration + 10));
    Simulator::Run();
    Simulator::Destroy();
    std::cout << g_issued.size() << " requests issued\n";
    return 0;
}
