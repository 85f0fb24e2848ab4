/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-net-device.h"

#include "six-g-channel.h"
#include "six-g-link.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGNetDevice");

NS_OBJECT_ENSURE_REGISTERED(SixGNetDevice);

TypeId
SixGNetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SixGNetDevice")
            .SetParent<NetDevice>()
            .SetGroupName("CeLslm")
            .AddAttribute("Mtu",
                          "Largest IP packet, in bytes.",
                          UintegerValue(1500),
                          MakeUintegerAccessor(&SixGNetDevice::SetMtu, &SixGNetDevice::GetMtu),
                          MakeUintegerChecker<uint16_t>(68))
            .AddAttribute("TxPower",
                          "Total transmit power, in dBm.",
                          DoubleValue(23.0),
                          MakeDoubleAccessor(&SixGNetDevice::m_txPowerDbm),
                          MakeDoubleChecker<double>(-50.0, 80.0))
            .AddAttribute("AntennaGain",
                          "Antenna and beamforming gain towards the served link, in dBi "
                          "(signals of other cells see 0 dBi).",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&SixGNetDevice::m_antennaGainDbi),
                          MakeDoubleChecker<double>(-30.0, 60.0))
            .AddAttribute("NoiseFigure",
                          "Receiver noise figure, in dB.",
                          DoubleValue(7.0),
                          MakeDoubleAccessor(&SixGNetDevice::m_noiseFigureDb),
                          MakeDoubleChecker<double>(0.0, 30.0))
            .AddAttribute("Layers",
                          "Most MIMO layers this end transmits (spatial multiplexing); the "
                          "cell chooses how many per block (rank adaptation) and splits the "
                          "power equally over them.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&SixGNetDevice::m_layers),
                          MakeUintegerChecker<uint32_t>(1, 8))
            .AddAttribute("QueueSize",
                          "Limit of each terminal's transmit buffer at this end, in packets "
                          "(\"1000p\") or bytes (\"1MB\"); a packet beyond it is dropped "
                          "(MacTxDrop).",
                          QueueSizeValue(QueueSize("1000p")),
                          MakeQueueSizeAccessor(&SixGNetDevice::m_queueSize),
                          MakeQueueSizeChecker())
            .AddTraceSource("MacTx",
                            "A packet was accepted from the stack for transmission.",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_macTxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacTxDrop",
                            "A packet was dropped: its terminal's transmit buffer was full.",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_macTxDropTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacRx",
                            "A packet was delivered to the stack.",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_macRxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PhyTxEnd",
                            "The last byte of a packet was put into a transport block.",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_phyTxEndTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PhyRxEnd",
                            "A packet was received whole (every transport block decoded).",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_phyRxEndTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PhyRxDrop",
                            "A packet sent to this device was lost: a transport block carrying "
                            "it failed its last HARQ transmission.",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_phyRxDropTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Sniffer",
                            "A packet sent or received (for PCAP).",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_snifferTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PromiscSniffer",
                            "A packet sent or received (for promiscuous PCAP).",
                            MakeTraceSourceAccessor(&SixGNetDevice::m_promiscSnifferTrace),
                            "ns3::Packet::TracedCallback");
    return tid;
}

SixGNetDevice::SixGNetDevice()
    : m_address(Mac48Address::Allocate())
    , m_mtu(1500)
    , m_txPowerDbm(23.0)
    , m_antennaGainDbi(0.0)
    , m_noiseFigureDb(7.0)
    , m_layers(1)
    , m_queueSize("1000p")
{
    NS_LOG_FUNCTION(this);
}

SixGNetDevice::~SixGNetDevice() = default;

void
SixGNetDevice::DoDispose()
{
    m_channel = nullptr;
    m_node = nullptr;
    m_mobility = nullptr;
    m_rxCallback = NetDevice::ReceiveCallback();
    m_promiscCallback = NetDevice::PromiscReceiveCallback();
    NetDevice::DoDispose();
}

Ptr<SixGChannel>
SixGNetDevice::GetSixGChannel() const
{
    return m_channel;
}

void
SixGNetDevice::SetSixGChannel(Ptr<SixGChannel> channel)
{
    m_channel = channel;
}

double
SixGNetDevice::GetTxPowerDbm() const
{
    return m_txPowerDbm;
}

double
SixGNetDevice::GetAntennaGainDbi() const
{
    return m_antennaGainDbi;
}

double
SixGNetDevice::GetNoiseFigureDb() const
{
    return m_noiseFigureDb;
}

uint32_t
SixGNetDevice::GetLayers() const
{
    return m_layers;
}

QueueSize
SixGNetDevice::GetQueueSize() const
{
    return m_queueSize;
}

Ptr<MobilityModel>
SixGNetDevice::GetMobility() const
{
    if (!m_mobility)
    {
        m_mobility = m_node ? m_node->GetObject<MobilityModel>() : nullptr;
        NS_ABORT_MSG_UNLESS(m_mobility,
                            "SixGNetDevice: node " << (m_node ? m_node->GetId() : 0)
                                                   << " needs a MobilityModel");
    }
    return m_mobility;
}

bool
SixGNetDevice::Enqueue(Ptr<SixGLink> link, Ptr<Packet> packet, uint16_t protocol)
{
    m_macTxTrace(packet);
    if (!link->GetBuffer().Enqueue(packet, protocol))
    {
        m_macTxDropTrace(packet);
        return false;
    }
    return true;
}

void
SixGNetDevice::Deliver(Ptr<Packet> packet, uint16_t protocol, const Address& from)
{
    m_phyRxEndTrace(packet);
    m_snifferTrace(packet);
    m_promiscSnifferTrace(packet);
    m_macRxTrace(packet);
    if (!m_promiscCallback.IsNull())
    {
        m_promiscCallback(this, packet, protocol, from, m_address, NetDevice::PACKET_HOST);
    }
    if (!m_rxCallback.IsNull())
    {
        m_rxCallback(this, packet, protocol, from);
    }
}

void
SixGNetDevice::NotifyReceptionLoss(Ptr<const Packet> packet)
{
    m_phyRxDropTrace(packet);
}

void
SixGNetDevice::NotifyTransmitted(Ptr<const Packet> packet)
{
    m_phyTxEndTrace(packet);
    m_snifferTrace(packet);
    m_promiscSnifferTrace(packet);
}

void
SixGNetDevice::SetIfIndex(const uint32_t index)
{
    m_ifIndex = index;
}

uint32_t
SixGNetDevice::GetIfIndex() const
{
    return m_ifIndex;
}

Ptr<Channel>
SixGNetDevice::GetChannel() const
{
    return m_channel;
}

void
SixGNetDevice::SetAddress(Address address)
{
    m_address = Mac48Address::ConvertFrom(address);
}

Address
SixGNetDevice::GetAddress() const
{
    return m_address;
}

bool
SixGNetDevice::SetMtu(const uint16_t mtu)
{
    m_mtu = mtu;
    return true;
}

uint16_t
SixGNetDevice::GetMtu() const
{
    return m_mtu;
}

bool
SixGNetDevice::IsLinkUp() const
{
    return m_channel != nullptr;
}

void
SixGNetDevice::AddLinkChangeCallback(Callback<void> /* callback */)
{
    // The link never changes state once attached.
}

bool
SixGNetDevice::IsBroadcast() const
{
    return true;
}

Address
SixGNetDevice::GetBroadcast() const
{
    return Mac48Address::GetBroadcast();
}

bool
SixGNetDevice::IsMulticast() const
{
    return true;
}

Address
SixGNetDevice::GetMulticast(Ipv4Address multicastGroup) const
{
    return Mac48Address::GetMulticast(multicastGroup);
}

Address
SixGNetDevice::GetMulticast(Ipv6Address addr) const
{
    return Mac48Address::GetMulticast(addr);
}

bool
SixGNetDevice::IsBridge() const
{
    return false;
}

bool
SixGNetDevice::IsPointToPoint() const
{
    return false;
}

bool
SixGNetDevice::SendFrom(Ptr<Packet> /* packet */,
                        const Address& /* source */,
                        const Address& /* dest */,
                        uint16_t /* protocolNumber */)
{
    NS_LOG_WARN("SixGNetDevice does not support SendFrom");
    return false;
}

Ptr<Node>
SixGNetDevice::GetNode() const
{
    return m_node;
}

void
SixGNetDevice::SetNode(Ptr<Node> node)
{
    m_node = node;
    m_mobility = nullptr;
}

bool
SixGNetDevice::NeedsArp() const
{
    return false;
}

void
SixGNetDevice::SetReceiveCallback(NetDevice::ReceiveCallback cb)
{
    m_rxCallback = cb;
}

void
SixGNetDevice::SetPromiscReceiveCallback(PromiscReceiveCallback cb)
{
    m_promiscCallback = cb;
}

bool
SixGNetDevice::SupportsSendFrom() const
{
    return false;
}

} // namespace ns3
