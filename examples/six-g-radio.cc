/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// One cell of the 6G radio with full-buffer traffic: prints each terminal's throughput and how
// fast the simulation ran. scripts/plot-radio.py runs it for the throughput-vs-distance
// figure of doc/ce-lslm.rst; it is also the radio's speed benchmark.
//
//   build/bin/six-g-radio --preset=mmwave-800mhz --distance=150 --condition=los
//   build/bin/six-g-radio --terminals=64 --duration=2     # simulated slots per wall second
//
// Traffic is injected straight into the devices (no IP), so the numbers are the radio's own.

#include "ns3/core-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/six-g-bs-net-device.h"
#include "ns3/six-g-cell-mac.h"
#include "ns3/six-g-helper.h"
#include "ns3/six-g-preset.h"
#include "ns3/six-g-ue-net-device.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint16_t kProtocol = 0x88B5; //!< local experimental EtherType: not IP
constexpr uint64_t kBacklogBytes =
    200000; //!< bytes kept waiting in every full buffer (more than a slot carries)

/// The cell and what it delivered.
struct Cell
{
    Ptr<SixGBsNetDevice> bs;               //!< the base station
    std::vector<Ptr<SixGUeNetDevice>> ues; //!< the terminals
    std::vector<uint64_t> downlinkBytes;   //!< per terminal
    std::vector<uint64_t> uplinkBytes;     //!< per terminal
    bool downlink{true};                   //!< full downlink buffers
    bool uplink{true};                     //!< full uplink buffers
};

/// Keep every enabled buffer at least kBacklogBytes full, every slot.
void
TopUp(Cell* cell)
{
    for (uint32_t i = 0; i < cell->ues.size(); ++i)
    {
        for (auto direction : {SixGLink::DOWNLINK, SixGLink::UPLINK})
        {
            bool enabled = direction == SixGLink::DOWNLINK ? cell->downlink : cell->uplink;
            Ptr<SixGNetDevice> from = direction == SixGLink::DOWNLINK
                                          ? Ptr<SixGNetDevice>(cell->bs)
                                          : Ptr<SixGNetDevice>(cell->ues[i]);
            Ptr<SixGNetDevice> to = direction == SixGLink::DOWNLINK
                                        ? Ptr<SixGNetDevice>(cell->ues[i])
                                        : Ptr<SixGNetDevice>(cell->bs);
            Ptr<SixGLink> link = cell->bs->GetMac()->GetLink(i, direction);
            while (enabled && link->GetBuffer().GetBacklogBytes() < kBacklogBytes
                   && from->Send(Create<Packet>(1500), to->GetAddress(), kProtocol))
            {
            }
        }
    }
    Simulator::Schedule(cell->bs->GetSixGChannel()->GetSlotDuration(), &TopUp, cell);
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string preset = "fr1-100mhz";
    std::string scheduler = "pf";
    std::string condition = "preset";
    std::string traffic = "both";
    uint32_t terminals = 1;
    double distance = 100;
    double duration = 1;
    bool fading = true;
    bool shadowing = true;
    uint32_t run = 1;

    CommandLine cmd(__FILE__);
    cmd.AddValue("preset", "fr1-100mhz, fr3-400mhz, mmwave-800mhz or subthz-2ghz", preset);
    cmd.AddValue("scheduler", "pf, rr or max-rate", scheduler);
    cmd.AddValue("condition", "preset (its LOS model), los or nlos", condition);
    cmd.AddValue("traffic", "full buffers: dl, ul or both", traffic);
    cmd.AddValue("terminals",
                 "terminals in the cell, on a circle around the base station",
                 terminals);
    cmd.AddValue("distance", "horizontal distance of every terminal, in m", distance);
    cmd.AddValue("duration", "simulated time, in s", duration);
    cmd.AddValue("fading", "small-scale fading", fading);
    cmd.AddValue("shadowing", "shadowing of the path loss", shadowing);
    cmd.AddValue("run", "ns-3 RngRun", run);
    cmd.Parse(argc, argv);
    RngSeedManager::SetRun(run);

    SixGHelper radio;
    radio.SetPreset(preset);
    radio.SetScheduler(scheduler == "rr"         ? "ns3::SixGRoundRobinScheduler"
                       : scheduler == "max-rate" ? "ns3::SixGMaxRateScheduler"
                                                 : "ns3::SixGProportionalFairScheduler");
    if (condition == "los")
    {
        radio.SetChannelConditionModel("ns3::AlwaysLosChannelConditionModel");
    }
    else if (condition == "nlos")
    {
        radio.SetChannelConditionModel("ns3::NeverLosChannelConditionModel");
    }
    radio.SetFadingModelAttribute("Enabled", BooleanValue(fading));
    radio.SetPropagationLossModelAttribute("ShadowingEnabled", BooleanValue(shadowing));
    radio.SetBsDeviceAttribute("QueueSize", QueueSizeValue(QueueSize("100000p")));
    radio.SetUeDeviceAttribute("QueueSize", QueueSizeValue(QueueSize("100000p")));

    const SixGPreset& numbers = SixGPreset::Get(preset);
    NodeContainer bsNode(1);
    NodeContainer ueNodes(terminals);
    MobilityHelper mobility;
    mobility.Install(NodeContainer(bsNode, ueNodes));
    bsNode.Get(0)->GetObject<MobilityModel>()->SetPosition(Vector(0, 0, numbers.bsHeightM));
    for (uint32_t i = 0; i < terminals; ++i)
    {
        double angle = 2 * M_PI * i / terminals;
        ueNodes.Get(i)->GetObject<MobilityModel>()->SetPosition(
            Vector(distance * std::cos(angle), distance * std::sin(angle), numbers.ueHeightM));
    }

    Cell cell;
    cell.bs = DynamicCast<SixGBsNetDevice>(radio.InstallBs(bsNode).Get(0));
    NetDeviceContainer ueDevices = radio.InstallUe(ueNodes, cell.bs);
    cell.downlink = traffic != "ul";
    cell.uplink = traffic != "dl";
    cell.downlinkBytes.assign(terminals, 0);
    cell.uplinkBytes.assign(terminals, 0);
    for (uint32_t i = 0; i < terminals; ++i)
    {
        cell.ues.push_back(DynamicCast<SixGUeNetDevice>(ueDevices.Get(i)));
        cell.ues.back()->SetReceiveCallback(NetDevice::ReceiveCallback(
            [&cell, i](Ptr<NetDevice>, Ptr<const Packet> packet, uint16_t, const Address&)
            {
                cell.downlinkBytes[i] += packet->GetSize();
                return true;
            }));
    }
    std::map<Mac48Address, uint32_t> terminalOf;
    for (uint32_t i = 0; i < terminals; ++i)
    {
        terminalOf[Mac48Address::ConvertFrom(cell.ues[i]->GetAddress())] = i;
    }
    cell.bs->SetReceiveCallback(NetDevice::ReceiveCallback(
        [&cell,
         &terminalOf](Ptr<NetDevice>, Ptr<const Packet> packet, uint16_t, const Address& from)
        {
            cell.uplinkBytes[terminalOf.at(Mac48Address::ConvertFrom(from))] += packet->GetSize();
            return true;
        }));
    radio.AssignStreams(NetDeviceContainer(NetDeviceContainer(cell.bs), ueDevices), 0);
    TopUp(&cell);

    auto start = std::chrono::steady_clock::now();
    Simulator::Stop(Seconds(duration));
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double slots = duration / cell.bs->GetSixGChannel()->GetSlotDuration().GetSeconds();

    std::printf("preset %s, %u terminal(s) at %.1f m, condition %s, scheduler %s\n",
                preset.c_str(),
                terminals,
                distance,
                condition.c_str(),
                scheduler.c_str());
    double dlTotal = 0;
    double ulTotal = 0;
    for (uint32_t i = 0; i < terminals; ++i)
    {
        dlTotal += cell.downlinkBytes[i] * 8 / duration / 1e6;
        ulTotal += cell.uplinkBytes[i] * 8 / duration / 1e6;
    }
    std::printf("throughput_mbps dl %.3f ul %.3f\n", dlTotal, ulTotal);
    std::printf("speed %.0f slots in %.3f s wall: %.0f slots per wall second\n",
                slots,
                wall,
                slots / wall);
    Simulator::Destroy();
    return 0;
}
