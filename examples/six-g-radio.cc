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
    Ptr<SixGBsNetDevice> bs;                     //!< the base station
    std::vector<Ptr<SixGUeNetDevice>> ues;       //!< the terminals
    std::vector<uint64_t> downlinkBytes;         //!< per terminal
    std::vector<uint64_t> uplinkBytes;           //!< per terminal
    bool downlink{true};                         //!< full downlink buffers
    bool uplink{true};                           //!< full uplink buffers
    std::map<Mac48Address, uint32_t> terminalOf; //!< terminal address -> index
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

/// Command-line options.
struct Options
{
    std::string preset = "fr1-100mhz"; //!< --preset
    std::string scheduler = "pf";      //!< --scheduler
    std::string condition = "preset";  //!< --condition
    std::string traffic = "both";      //!< --traffic
    uint32_t terminals = 1;            //!< --terminals
    double distance = 100;             //!< --distance, m
    double duration = 1;               //!< --duration, s
    bool fading = true;                //!< --fading
    bool shadowing = true;             //!< --shadowing
    uint32_t run = 1;                  //!< --run
};

/// \return a radio helper configured from \p options
SixGHelper
ConfigureRadio(const Options& options)
{
    SixGHelper radio;
    radio.SetPreset(options.preset);
    radio.SetScheduler(options.scheduler == "rr"         ? "ns3::SixGRoundRobinScheduler"
                       : options.scheduler == "max-rate" ? "ns3::SixGMaxRateScheduler"
                                                         : "ns3::SixGProportionalFairScheduler");
    if (options.condition == "los")
    {
        radio.SetChannelConditionModel("ns3::AlwaysLosChannelConditionModel");
    }
    else if (options.condition == "nlos")
    {
        radio.SetChannelConditionModel("ns3::NeverLosChannelConditionModel");
    }
    radio.SetFadingModelAttribute("Enabled", BooleanValue(options.fading));
    radio.SetPropagationLossModelAttribute("ShadowingEnabled", BooleanValue(options.shadowing));
    radio.SetBsDeviceAttribute("QueueSize", QueueSizeValue(QueueSize("100000p")));
    radio.SetUeDeviceAttribute("QueueSize", QueueSizeValue(QueueSize("100000p")));
    return radio;
}

/// Build the cell: base station at the origin, terminals evenly on a circle around it.
void
BuildCell(SixGHelper& radio, const Options& options, Cell& cell)
{
    const SixGPreset& preset = SixGPreset::Get(options.preset);
    NodeContainer bsNode(1);
    NodeContainer ueNodes(options.terminals);
    MobilityHelper mobility;
    mobility.Install(NodeContainer(bsNode, ueNodes));
    bsNode.Get(0)->GetObject<MobilityModel>()->SetPosition(Vector(0, 0, preset.bsHeightM));
    for (uint32_t i = 0; i < options.terminals; ++i)
    {
        double angle = 2 * M_PI * i / options.terminals;
        ueNodes.Get(i)->GetObject<MobilityModel>()->SetPosition(
            Vector(options.distance * std::cos(angle),
                   options.distance * std::sin(angle),
                   preset.ueHeightM));
    }
    cell.bs = DynamicCast<SixGBsNetDevice>(radio.InstallBs(bsNode).Get(0));
    NetDeviceContainer ueDevices = radio.InstallUe(ueNodes, cell.bs);
    for (uint32_t i = 0; i < ueDevices.GetN(); ++i)
    {
        cell.ues.push_back(DynamicCast<SixGUeNetDevice>(ueDevices.Get(i)));
    }
    radio.AssignStreams(NetDeviceContainer(NetDeviceContainer(cell.bs), ueDevices), 0);
}

/// Count what every terminal receives and what the base station receives from each.
void
CountDeliveries(Cell& cell)
{
    cell.downlinkBytes.assign(cell.ues.size(), 0);
    cell.uplinkBytes.assign(cell.ues.size(), 0);
    for (uint32_t i = 0; i < cell.ues.size(); ++i)
    {
        cell.terminalOf[Mac48Address::ConvertFrom(cell.ues[i]->GetAddress())] = i;
        cell.ues[i]->SetReceiveCallback(NetDevice::ReceiveCallback(
            [&cell, i](Ptr<NetDevice>, Ptr<const Packet> packet, uint16_t, const Address&)
            {
                cell.downlinkBytes[i] += packet->GetSize();
                return true;
            }));
    }
    cell.bs->SetReceiveCallback(NetDevice::ReceiveCallback(
        [&cell](Ptr<NetDevice>, Ptr<const Packet> packet, uint16_t, const Address& from)
        {
            cell.uplinkBytes[cell.terminalOf.at(Mac48Address::ConvertFrom(from))] +=
                packet->GetSize();
            return true;
        }));
}

} // namespace

int
main(int argc, char* argv[])
{
    Options options;
    CommandLine cmd(__FILE__);
    cmd.AddValue("preset", "fr1-100mhz, fr3-400mhz, mmwave-800mhz or subthz-2ghz", options.preset);
    cmd.AddValue("scheduler", "pf, rr or max-rate", options.scheduler);
    cmd.AddValue("condition", "preset (its LOS model), los or nlos", options.condition);
    cmd.AddValue("traffic", "full buffers: dl, ul or both", options.traffic);
    cmd.AddValue("terminals",
                 "terminals in the cell, on a circle around the base station",
                 options.terminals);
    cmd.AddValue("distance", "horizontal distance of every terminal, in m", options.distance);
    cmd.AddValue("duration", "simulated time, in s", options.duration);
    cmd.AddValue("fading", "small-scale fading", options.fading);
    cmd.AddValue("shadowing", "shadowing of the path loss", options.shadowing);
    cmd.AddValue("run", "ns-3 RngRun", options.run);
    cmd.Parse(argc, argv);
    RngSeedManager::SetRun(options.run);

    SixGHelper radio = ConfigureRadio(options);
    Cell cell;
    cell.downlink = options.traffic != "ul";
    cell.uplink = options.traffic != "dl";
    BuildCell(radio, options, cell);
    CountDeliveries(cell);
    TopUp(&cell);

    auto start = std::chrono::steady_clock::now();
    Simulator::Stop(Seconds(options.duration));
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double slots = options.duration / cell.bs->GetSixGChannel()->GetSlotDuration().GetSeconds();
    double downlink = 0;
    double uplink = 0;
    for (uint32_t i = 0; i < options.terminals; ++i)
    {
        downlink += cell.downlinkBytes[i] * 8 / options.duration / 1e6;
        uplink += cell.uplinkBytes[i] * 8 / options.duration / 1e6;
    }
    std::printf("preset %s, %u terminal(s) at %.1f m, condition %s, scheduler %s\n",
                options.preset.c_str(),
                options.terminals,
                options.distance,
                options.condition.c_str(),
                options.scheduler.c_str());
    std::printf("throughput_mbps dl %.3f ul %.3f\n", downlink, uplink);
    std::printf("speed %.0f slots in %.3f s wall: %.0f slots per wall second\n",
                slots,
                wall,
                slots / wall);
    Simulator::Destroy();
    return 0;
}
