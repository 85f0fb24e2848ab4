/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The transport defaults a networking reviewer checks first: point-to-point queues sized to the
// link's bandwidth-delay product (or FqCoDel), TCP buffers that can fill the links, the minimum
// RTO and delayed ACK as scenario keys, and TCP retransmissions and timeouts counted per link
// and per request.

#include "network-scenario-utils.h"

#include "ns3/ce-lslm-helper.h"
#include "ns3/config.h"
#include "ns3/fq-codel-queue-disc.h"
#include "ns3/nstime.h"
#include "ns3/queue-disc.h"
#include "ns3/scenario-runner.h"
#include "ns3/simulator.h"
#include "ns3/six-g-preset.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

using namespace ns3;
using ce_lslm_test::NetworkOnlyConfig;

namespace
{

/// The root queue disc in front of \p device.
Ptr<QueueDisc>
QueueOf(Ptr<NetDevice> device)
{
    return device->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(device);
}

/// Install \p overrides and \return a fresh TCP socket's attribute \p name on the cloud node.
template<class Value>
Value
SocketAttribute(const std::vector<std::string>& overrides, const std::string& name)
{
    Config::Reset();
    CeLslmHelper scenario(NetworkOnlyConfig(overrides));
    scenario.Install();
    Ptr<Socket> socket =
        Socket::CreateSocket(scenario.GetTopology().GetCloud(), TcpSocketFactory::GetTypeId());
    Value value;
    socket->GetAttribute(name, value);
    Simulator::Destroy();
    Config::Reset();
    return value;
}

uint64_t
Sum(const std::vector<RequestRecord>& requests)
{
    uint64_t sum = 0;
    for (const auto& r : requests)
    {
        sum += r.tcpRetransmissions;
    }
    return sum;
}

} // namespace

TEST(TransportDefaults, PointToPointQueuesHoldTheBandwidthDelayProduct)
{
    CeLslmHelper scenario(NetworkOnlyConfig({"topology.radio.enabled=false"}));
    scenario.Install();
    // Backhaul: 1 Gbit/s x 2 x 10 ms = 2.5 MB = 1667 packets of 1500 bytes.
    for (uint32_t d = 0; d < 2; ++d)
    {
        Ptr<QueueDisc> queue = QueueOf(scenario.GetTopology().GetBackhaulDevices(0).Get(d));
        EXPECT_EQ(queue->GetMaxSize(), QueueSize("1667p"));
        EXPECT_EQ(queue->GetInstanceTypeId().GetName(), "ns3::FifoQueueDisc");
    }
    // Access: 100 Mbit/s x 2 x 5 ms = 84 packets, below the least of 100.
    EXPECT_EQ(QueueOf(scenario.GetTopology().GetAccessDevices(0).Get(0))->GetMaxSize(),
              QueueSize("100p"));
    Simulator::Destroy();

    CeLslmHelper chosen(NetworkOnlyConfig({"topology.radio.enabled=false",
                                           "topology.backhaul.queue_packets=50",
                                           "topology.backhaul.queue_disc=fq-codel"}));
    chosen.Install();
    Ptr<QueueDisc> queue = QueueOf(chosen.GetTopology().GetBackhaulDevices(0).Get(0));
    EXPECT_EQ(queue->GetMaxSize(), QueueSize("50p"));
    EXPECT_EQ(queue->GetInstanceTypeId().GetName(), "ns3::FqCoDelQueueDisc");
    Simulator::Destroy();
}

TEST(TransportDefaults, TcpBuffersCanFillTheLinksAndTheTimersAreSet)
{
    // Point-to-point access: the backhaul's 2.5 MB product, twice.
    EXPECT_EQ(SocketAttribute<UintegerValue>({"topology.radio.enabled=false"}, "SndBufSize").Get(),
              5000000u);
    EXPECT_EQ(SocketAttribute<UintegerValue>({"topology.radio.enabled=false"}, "RcvBufSize").Get(),
              5000000u);
    // The radio: its peak rate over a 10 ms round trip, when that is more.
    const SixGPreset& radio = SixGPreset::Get("fr1-100mhz");
    const double peak =
        100e6 * std::max(radio.dlLayers, radio.ulLayers) * 7.4 * (1 - radio.dlOverhead);
    EXPECT_EQ(SocketAttribute<UintegerValue>({}, "SndBufSize").Get(),
              static_cast<uint64_t>(std::ceil(std::max(5e6, 2 * peak / 8 * 0.010))));
    // Explicit sizes win; 1 ms of delay on a slow link gives the least automatic size.
    EXPECT_EQ(
        SocketAttribute<UintegerValue>({"transport.recv_buffer_bytes=65536"}, "RcvBufSize").Get(),
        65536u);
    EXPECT_EQ(SocketAttribute<UintegerValue>({"topology.radio.enabled=false",
                                              "topology.backhaul.rate_mbps=10",
                                              "topology.backhaul.delay_ms=1",
                                              "topology.access.rate_mbps=10"},
                                             "SndBufSize")
                  .Get(),
              131072u);
    EXPECT_EQ(SocketAttribute<TimeValue>({}, "MinRto").Get(), Seconds(1));
    EXPECT_EQ(SocketAttribute<TimeValue>({"transport.min_rto_ms=200"}, "MinRto").Get(),
              MilliSeconds(200));
    // A delayed ACK well inside the minimum RTO, as Linux's 40 ms.
    EXPECT_EQ(SocketAttribute<TimeValue>({}, "DelAckTimeout").Get(), MilliSeconds(40));
}

TEST(TransportDefaults, RetransmissionsAreCountedPerLinkAndPerRequest)
{
    const std::vector<std::string> common{"topology.radio.enabled=false", "topology.terminals=4"};
    std::vector<std::string> lossy = common;
    lossy.push_back("topology.backhaul.loss_rate=0.05");
    const ScenarioResults clean = ScenarioRunner(NetworkOnlyConfig(common)).Run(nullptr);
    const ScenarioResults lost = ScenarioRunner(NetworkOnlyConfig(lossy)).Run(nullptr);
    for (std::size_t l = 0; l < clean.links.size(); ++l)
    {
        EXPECT_EQ(clean.links[l].retransmissions, 0u) << l;
        EXPECT_EQ(clean.links[l].timeouts, 0u) << l;
    }
    EXPECT_EQ(Sum(clean.requests), 0u);

    const LinkCounters& backhaul = lost.links[RequestStatsCollector::BACKHAUL];
    EXPECT_GT(backhaul.droppedPackets, 0u);
    EXPECT_GT(backhaul.retransmissions, 0u);
    EXPECT_LE(backhaul.timeouts, backhaul.retransmissions); // a timeout resends at least one
    EXPECT_EQ(lost.links[RequestStatsCollector::UPLINK].retransmissions, 0u);
    EXPECT_EQ(lost.links[RequestStatsCollector::DOWNLINK].retransmissions, 0u);
    // The requests in flight on that edge's backhaul count them.
    EXPECT_GT(Sum(lost.requests), 0u);
}
