/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_TEST_UTILS_H
#define CE_LSLM_SIX_G_TEST_UTILS_H

// A small 6G radio cell for the radio test suites: one base station and N terminals on
// still nodes, with a controllable path loss, and full-buffer traffic injected straight into
// the devices (no IP), so throughput is measured on the radio alone.

#include "ns3/core-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/six-g-bs-net-device.h"
#include "ns3/six-g-cell-mac.h"
#include "ns3/six-g-helper.h"
#include "ns3/six-g-ue-net-device.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace ce_lslm_test
{

/// Protocol number of the test traffic (an IEEE local experimental EtherType).
constexpr uint16_t kTestProtocol = 0x88B5;

/// One cell: base station at the origin, terminals on a line at the given distances.
struct RadioTestCell
{
    ns3::SixGHelper helper;                          //!< configure before Build()
    ns3::NodeContainer bsNode;                       //!< the base station's node
    ns3::NodeContainer ueNodes;                      //!< the terminals' nodes
    ns3::Ptr<ns3::SixGBsNetDevice> bs;               //!< the base station
    std::vector<ns3::Ptr<ns3::SixGUeNetDevice>> ues; //!< the terminals
    std::vector<uint64_t> dlBytes;                   //!< bytes delivered to each terminal
    std::vector<uint64_t> ulBytes;                   //!< bytes delivered from each terminal
    std::vector<ns3::SixGTransportBlockInfo> blocks; //!< every transport block

    /// No shadowing, fading, LOS model nor blockage: a fixed path loss per terminal.
    void UseFixedLoss()
    {
        helper.SetPropagationLossModel("ns3::MatrixPropagationLossModel");
        helper.SetChannelConditionModel("");
        helper.SetFadingModelAttribute("Enabled", ns3::BooleanValue(false));
    }

    /// Create the nodes and devices; terminals at \p distances (m) from the base station.
    void Build(const std::vector<double>& distances, double bsHeight = 10, double ueHeight = 1.5)
    {
        using namespace ns3;
        bsNode.Create(1);
        ueNodes.Create(distances.size());
        MobilityHelper mobility;
        Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
        positions->Add(Vector(0, 0, bsHeight));
        for (double d : distances)
        {
            positions->Add(Vector(d, 0, ueHeight));
        }
        mobility.SetPositionAllocator(positions);
        mobility.Install(NodeContainer(bsNode, ueNodes));
        bs = DynamicCast<SixGBsNetDevice>(helper.InstallBs(bsNode).Get(0));
        NetDeviceContainer ueDevices = helper.InstallUe(ueNodes, bs);
        dlBytes.assign(distances.size(), 0);
        ulBytes.assign(distances.size(), 0);
        for (uint32_t i = 0; i < ueDevices.GetN(); ++i)
        {
            ues.push_back(DynamicCast<SixGUeNetDevice>(ueDevices.Get(i)));
            ues.back()->SetReceiveCallback(MakeCallback(&RadioTestCell::OnDownlink, this));
        }
        bs->SetReceiveCallback(MakeCallback(&RadioTestCell::OnUplink, this));
        bs->GetMac()->TraceConnectWithoutContext("TransportBlock",
                                                 MakeCallback(&RadioTestCell::OnBlock, this));
    }

    /// Set the path loss of terminal \p i to \p lossDb (MatrixPropagationLossModel only).
    void SetLoss(uint32_t i, double lossDb)
    {
        using namespace ns3;
        PointerValue model;
        helper.GetChannel()->GetAttribute("PropagationLossModel", model);
        model.Get<MatrixPropagationLossModel>()->SetLoss(bs->GetMobility(),
                                                         ues[i]->GetMobility(),
                                                         lossDb);
    }

    /// The path loss that gives terminal \p i a downlink SINR of \p sinrDb without interference.
    double LossForDownlinkSinr(uint32_t i, double sinrDb) const
    {
        using namespace ns3;
        Ptr<SixGChannel> channel = bs->GetSixGChannel();
        double noiseDbm = 10
                              * std::log10(channel->GetNoisePowerW(channel->GetResourceBlocks(),
                                                                   ues[i]->GetNoiseFigureDb()))
                          + 30;
        return bs->GetTxPowerDbm() + bs->GetAntennaGainDbi() + ues[i]->GetAntennaGainDbi()
               - noiseDbm - sinrDb;
    }

    /// Keep at least \p bytes waiting in every downlink (and uplink if \p uplink) buffer until
    /// \p stop, topping up every slot.
    void FullBuffer(ns3::Time stop, bool downlink, bool uplink, uint64_t bytes = 4000000)
    {
        using namespace ns3;
        for (uint32_t i = 0; i < ues.size(); ++i)
        {
            if (downlink)
            {
                TopUp(bs->GetMac()->GetLink(i, SixGLink::DOWNLINK), bs, ues[i], bytes);
            }
            if (uplink)
            {
                TopUp(bs->GetMac()->GetLink(i, SixGLink::UPLINK), ues[i], bs, bytes);
            }
        }
        Time next = bs->GetSixGChannel()->GetSlotDuration();
        if (Simulator::Now() + next < stop)
        {
            Simulator::Schedule(next,
                                &RadioTestCell::FullBuffer,
                                this,
                                stop,
                                downlink,
                                uplink,
                                bytes);
        }
    }

    /// Bytes of decoded transport blocks of terminal \p rnti in \p direction in [from, to).
    uint64_t DecodedBytes(uint32_t rnti,
                          ns3::SixGLink::Direction direction,
                          ns3::Time from,
                          ns3::Time to) const
    {
        uint64_t bytes = 0;
        for (const auto& block : blocks)
        {
            if (block.rnti == rnti && block.direction == direction && block.decoded
                && block.time >= from && block.time < to)
            {
                bytes += block.payloadBytes;
            }
        }
        return bytes;
    }

  private:
    static void TopUp(ns3::Ptr<ns3::SixGLink> link,
                      ns3::Ptr<ns3::SixGNetDevice> from,
                      ns3::Ptr<ns3::SixGNetDevice> to,
                      uint64_t bytes)
    {
        while (link->GetBuffer().GetBacklogBytes() < bytes)
        {
            if (!from->Send(ns3::Create<ns3::Packet>(1500), to->GetAddress(), kTestProtocol))
            {
                return; // buffer limit reached
            }
        }
    }

    bool OnDownlink(ns3::Ptr<ns3::NetDevice> device,
                    ns3::Ptr<const ns3::Packet> packet,
                    uint16_t,
                    const ns3::Address&)
    {
        auto ue = ns3::DynamicCast<ns3::SixGUeNetDevice>(device);
        dlBytes.at(ue->GetRnti()) += packet->GetSize();
        return true;
    }

    bool OnUplink(ns3::Ptr<ns3::NetDevice>,
                  ns3::Ptr<const ns3::Packet> packet,
                  uint16_t,
                  const ns3::Address& from)
    {
        for (uint32_t i = 0; i < ues.size(); ++i)
        {
            if (ues[i]->GetAddress() == from)
            {
                ulBytes[i] += packet->GetSize();
            }
        }
        return true;
    }

    void OnBlock(const ns3::SixGTransportBlockInfo& info)
    {
        blocks.push_back(info);
    }
};

/// Seconds of simulated time the throughput tests measure (after a short warm-up).
constexpr double kWarmup = 0.01;
constexpr double kMeasure = 0.2;

/// Downlink data symbols per second of the "DDDSU" pattern: 3 x 14 + 10 per 5 slots.
inline double
DownlinkSymbolsPerSecond(const ns3::SixGChannel& channel)
{
    return (3 * 14 + 10) / (5 * channel.GetSlotDuration().GetSeconds());
}

/// Jain's fairness index of \p values: (sum x)^2 / (n sum x^2).
inline double
JainIndex(const std::vector<double>& values)
{
    double sum = 0;
    double squares = 0;
    for (double x : values)
    {
        sum += x;
        squares += x * x;
    }
    return squares > 0 ? sum * sum / (values.size() * squares) : 0;
}

} // namespace ce_lslm_test

#endif // CE_LSLM_SIX_G_TEST_UTILS_H
