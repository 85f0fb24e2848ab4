/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-bs-net-device.h"

#include "six-g-cell-mac.h"
#include "six-g-channel.h"
#include "six-g-ue-net-device.h"

#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGBsNetDevice");

NS_OBJECT_ENSURE_REGISTERED(SixGBsNetDevice);

TypeId
SixGBsNetDevice::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SixGBsNetDevice")
                            .SetParent<SixGNetDevice>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<SixGBsNetDevice>()
                            .AddAttribute("CellId",
                                          "Identifier of the cell, unique on its channel.",
                                          UintegerValue(0),
                                          MakeUintegerAccessor(&SixGBsNetDevice::m_cellId),
                                          MakeUintegerChecker<uint32_t>())
                            .AddAttribute("Mac",
                                          "The cell's MAC (scheduler, HARQ, link adaptation).",
                                          PointerValue(),
                                          MakePointerAccessor(&SixGBsNetDevice::m_mac),
                                          MakePointerChecker<SixGCellMac>());
    return tid;
}

SixGBsNetDevice::SixGBsNetDevice()
    : m_cellId(0)
    , m_mac(CreateObject<SixGCellMac>())
{
}

SixGBsNetDevice::~SixGBsNetDevice() = default;

void
SixGBsNetDevice::DoDispose()
{
    if (m_mac)
    {
        m_mac->Dispose();
        m_mac = nullptr;
    }
    m_terminals.clear();
    m_rntiOfMac.clear();
    SixGNetDevice::DoDispose();
}

void
SixGBsNetDevice::Attach(Ptr<SixGChannel> channel)
{
    NS_ABORT_MSG_IF(GetSixGChannel(), "SixGBsNetDevice: already attached to a channel");
    SetSixGChannel(channel);
    channel->AddDevice(this);
    m_mac->Configure(channel, this, m_cellId);
}

void
SixGBsNetDevice::AttachTerminal(Ptr<SixGUeNetDevice> ue)
{
    NS_ABORT_MSG_UNLESS(GetSixGChannel(), "SixGBsNetDevice: attach to a channel first");
    uint32_t rnti = m_mac->AddTerminal(ue);
    m_terminals.push_back(ue);
    m_rntiOfMac[Mac48Address::ConvertFrom(ue->GetAddress())] = rnti;
    ue->AttachTo(this, rnti, m_mac->GetLink(rnti, SixGLink::UPLINK));
}

Ptr<SixGCellMac>
SixGBsNetDevice::GetMac() const
{
    return m_mac;
}

uint32_t
SixGBsNetDevice::GetCellId() const
{
    return m_cellId;
}

bool
SixGBsNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber)
{
    std::vector<uint32_t> rntis = FindTerminals(packet, dest, protocolNumber);
    if (rntis.empty())
    {
        m_macTxTrace(packet);
        m_macTxDropTrace(packet);
        NS_LOG_WARN("cell " << m_cellId << ": no terminal for a downlink packet; dropped");
        return false;
    }
    bool accepted = true;
    for (std::size_t i = 0; i < rntis.size(); ++i)
    {
        Ptr<Packet> copy = i + 1 < rntis.size() ? packet->Copy() : packet;
        accepted =
            Enqueue(m_mac->GetLink(rntis[i], SixGLink::DOWNLINK), copy, protocolNumber) && accepted;
    }
    m_mac->NotifyBacklog();
    return accepted;
}

std::vector<uint32_t>
SixGBsNetDevice::FindTerminals(Ptr<const Packet> packet, const Address& dest, uint16_t protocol)
{
    std::vector<uint32_t> all(m_terminals.size());
    for (uint32_t i = 0; i < all.size(); ++i)
    {
        all[i] = i;
    }
    Mac48Address mac = Mac48Address::ConvertFrom(dest);
    auto byMac = m_rntiOfMac.find(mac);
    if (byMac != m_rntiOfMac.end())
    {
        return {byMac->second};
    }
    if (protocol != Ipv4L3Protocol::PROT_NUMBER)
    {
        return mac.IsBroadcast() || mac.IsGroup() ? all : std::vector<uint32_t>();
    }
    Ipv4Header header;
    packet->PeekHeader(header);
    Ipv4Address destination = header.GetDestination();
    int64_t rnti = FindTerminal(destination);
    if (rnti >= 0)
    {
        return {static_cast<uint32_t>(rnti)};
    }
    return destination.IsBroadcast() || destination.IsMulticast() || IsCellBroadcast(destination)
               ? all
               : std::vector<uint32_t>();
}

bool
SixGBsNetDevice::IsCellBroadcast(Ipv4Address address) const
{
    Ptr<Ipv4> ipv4 = GetNode()->GetObject<Ipv4>();
    int32_t interface = ipv4 ? ipv4->GetInterfaceForDevice(this) : -1;
    for (uint32_t i = 0; interface >= 0 && i < ipv4->GetNAddresses(interface); ++i)
    {
        if (address.IsSubnetDirectedBroadcast(ipv4->GetAddress(interface, i).GetMask()))
        {
            return true;
        }
    }
    return false;
}

int64_t
SixGBsNetDevice::FindTerminal(Ipv4Address address)
{
    auto it = m_rntiOfAddress.find(address.Get());
    if (it != m_rntiOfAddress.end())
    {
        return it->second;
    }
    // Not cached: look at the terminals' interfaces (addresses may be assigned after attach).
    for (uint32_t rnti = 0; rnti < m_terminals.size(); ++rnti)
    {
        Ptr<Ipv4> ipv4 = m_terminals[rnti]->GetNode()->GetObject<Ipv4>();
        int32_t interface = ipv4 ? ipv4->GetInterfaceForDevice(m_terminals[rnti]) : -1;
        for (uint32_t i = 0; interface >= 0 && i < ipv4->GetNAddresses(interface); ++i)
        {
            if (ipv4->GetAddress(interface, i).GetLocal() == address)
            {
                m_rntiOfAddress[address.Get()] = rnti;
                return rnti;
            }
        }
    }
    return -1;
}

} // namespace ns3
