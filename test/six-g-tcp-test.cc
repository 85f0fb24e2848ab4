/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ns-3 TCP over the 6G radio: a bulk transfer delivers every byte, slower the farther the
// terminal, and slower while the line of sight is blocked.

#include "ns3/applications-module.h"
#include "ns3/blockage-channel-condition-model.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/six-g-helper.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint16_t kPort = 5000;

/// A base station and one terminal \p distance metres away, with IP.
struct TcpCell
{
    NodeContainer bs{1};
    NodeContainer ue{1};
    NetDeviceContainer devices;
    Ipv4InterfaceContainer interfaces;

    TcpCell(SixGHelper& helper, double distance, double bsHeight)
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
        Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4 << 20));
        Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(4 << 20));
        MobilityHelper mobility;
        mobility.Install(NodeContainer(bs, ue));
        bs.Get(0)->GetObject<MobilityModel>()->SetPosition(Vector(0, 0, bsHeight));
        ue.Get(0)->GetObject<MobilityModel>()->SetPosition(Vector(distance, 0, 1.5));
        devices.Add(helper.InstallBs(bs));
        devices.Add(helper.InstallUe(ue, devices.Get(0)));
        InternetStackHelper internet;
        internet.Install(NodeContainer(bs, ue));
        Ipv4AddressHelper addresses("10.9.0.0", "255.255.255.0");
        interfaces = addresses.Assign(devices);
        helper.AssignStreams(devices, 0);
    }

    /// Bulk TCP transfer from the base station to the terminal (0 bytes: unlimited).
    Ptr<PacketSink> Downlink(uint64_t bytes)
    {
        BulkSendHelper sender("ns3::TcpSocketFactory",
                              InetSocketAddress(interfaces.GetAddress(1), kPort));
        sender.SetAttribute("MaxBytes", UintegerValue(bytes));
        sender.Install(bs).Start(MilliSeconds(1));
        PacketSinkHelper sink("ns3::TcpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), kPort));
        ApplicationContainer apps = sink.Install(ue);
        return DynamicCast<PacketSink>(apps.Get(0));
    }
};

} // namespace

TEST(SixGTcpTest, BulkTransferDeliversEveryByteAndSlowsWithDistance)
{
    const uint64_t bytes = 3000000;
    std::vector<double> seconds;
    for (double distance : {300.0, 700.0, 1100.0, 1600.0})
    {
        SixGHelper helper;
        helper.SetPreset("fr1-100mhz");
        // Deterministic large-scale loss (NLOS, no shadowing): only the distance changes.
        helper.SetChannelConditionModel("ns3::NeverLosChannelConditionModel");
        helper.SetPropagationLossModelAttribute("ShadowingEnabled", BooleanValue(false));
        TcpCell cell(helper, distance, 25);
        Ptr<PacketSink> sink = cell.Downlink(bytes);
        Time done;
        sink->TraceConnectWithoutContext("Rx",
                                         Callback<void, Ptr<const Packet>, const Address&>(
                                             [&](Ptr<const Packet>, const Address&)
                                             {
                                                 done = Simulator::Now();
                                             }));
        Simulator::Stop(Seconds(20));
        Simulator::Run();
        EXPECT_EQ(sink->GetTotalRx(), bytes) << distance << " m";
        seconds.push_back(done.GetSeconds());
        Simulator::Destroy();
    }
    for (std::size_t i = 1; i < seconds.size(); ++i)
    {
        EXPECT_GT(seconds[i], seconds[i - 1] * 1.2) << "distance step " << i;
    }
}

TEST(SixGTcpTest, BlockageLowersThroughput)
{
    SixGHelper helper;
    helper.SetPreset("fr1-100mhz");
    // A 20 MHz carrier at the preset's power density keeps the packet count (and run time)
    // small; 1 km in line of sight: about 40 dB SINR clear, 8 dB blocked (UMa NLOS).
    helper.SetChannelAttribute("ResourceBlocks", UintegerValue(51));
    helper.SetBsDeviceAttribute("TxPower", DoubleValue(46 - 10 * std::log10(273.0 / 51)));
    helper.SetBsDeviceAttribute("Layers", UintegerValue(1));
    helper.SetChannelConditionModel("ns3::AlwaysLosChannelConditionModel");
    helper.SetPropagationLossModelAttribute("ShadowingEnabled", BooleanValue(false));
    helper.SetBlockage(10.0, MilliSeconds(50));
    TcpCell cell(helper, 1000, 25);
    Ptr<PacketSink> sink = cell.Downlink(0);
    PointerValue condition;
    helper.GetChannel()->GetAttribute("ChannelConditionModel", condition);
    Ptr<BlockageChannelConditionModel> blockage = condition.Get<BlockageChannelConditionModel>();
    ASSERT_TRUE(blockage);
    Ptr<MobilityModel> a = cell.bs.Get(0)->GetObject<MobilityModel>();
    Ptr<MobilityModel> b = cell.ue.Get(0)->GetObject<MobilityModel>();

    // Bytes received in each 5 ms bin, and whether the link was blocked (or clear) through
    // all of it, sampled every 0.5 ms.
    const int bins = 400;
    const int samplesPerBin = 10;
    std::vector<uint64_t> received(bins + 1, 0);
    std::vector<bool> blocked(bins, true);
    std::vector<bool> clear(bins, true);
    for (int sample = 0; sample < bins * samplesPerBin; ++sample)
    {
        Simulator::Schedule(MicroSeconds(500 * sample),
                            [&, sample]()
                            {
                                bool isBlocked = blockage->IsBlocked(a, b);
                                int bin = sample / samplesPerBin;
                                blocked[bin] = blocked[bin] && isBlocked;
                                clear[bin] = clear[bin] && !isBlocked;
                            });
    }
    for (int bin = 0; bin <= bins; ++bin)
    {
        Simulator::Schedule(MilliSeconds(5 * bin),
                            [&, bin]()
                            {
                                received[bin] = sink->GetTotalRx();
                            });
    }
    Simulator::Stop(MilliSeconds(5 * bins + 1));
    Simulator::Run();
    Simulator::Destroy();

    double blockedBytes = 0;
    double clearBytes = 0;
    int blockedBins = 0;
    int clearBins = 0;
    for (int bin = 20; bin < bins; ++bin) // skip slow start
    {
        uint64_t bytes = received[bin + 1] - received[bin];
        if (blocked[bin])
        {
            blockedBytes += bytes;
            ++blockedBins;
        }
        else if (clear[bin])
        {
            clearBytes += bytes;
            ++clearBins;
        }
    }
    ASSERT_GT(blockedBins, 20);
    ASSERT_GT(clearBins, 20);
    EXPECT_GT(blockedBytes, 0); // TCP keeps going through a blockage
    EXPECT_LT(blockedBytes / blockedBins, 0.6 * clearBytes / clearBins);
}
