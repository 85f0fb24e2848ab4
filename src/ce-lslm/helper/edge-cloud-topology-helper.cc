/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "edge-cloud-topology-helper.h"

#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/log.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/queue-size.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EdgeCloudTopologyHelper");

namespace
{

constexpr uint32_t kMaxLinksPerClass = 16384; //!< /30 subnets in a /16
constexpr uint32_t kCellAddressBits = 23;     //!< cells share 10.128.0.0/9

} // namespace

EdgeCloudTopologyHelper::EdgeCloudTopologyHelper()
    : m_drop(CreateObject<UniformRandomVariable>())
{
    m_backhaul.rate = DataRate("1Gbps");
    m_backhaul.delay = MilliSeconds(10);
}

void
EdgeCloudTopologyHelper::SetEdgeLinks(bool enabled, const PointToPointLinkParameters& parameters)
{
    m_edgeLinksEnabled = enabled;
    m_edgeLink = parameters;
}

void
EdgeCloudTopologyHelper::SetRadioAccess(const SixGHelper& radio, const RadioAccessLayout& layout)
{
    NS_ABORT_MSG_IF(layout.minDistance > layout.maxDistance || layout.minDistance < 0,
                    "EdgeCloudTopologyHelper: need 0 <= minDistance <= maxDistance");
    m_radioAccess = true;
    m_radio = radio;
    m_layout = layout;
}

double
PointToPointLinkParameters::BdpBytes() const
{
    return static_cast<double>(rate.GetBitRate()) / 8 * 2 * delay.GetSeconds();
}

uint32_t
PointToPointLinkParameters::QueuePackets() const
{
    if (queuePackets > 0)
    {
        return queuePackets;
    }
    constexpr double kPacketBytes = 1500; // the MTU of every point-to-point link
    constexpr uint32_t kLeast = 100;
    return std::max(kLeast, static_cast<uint32_t>(std::ceil(BdpBytes() / kPacketBytes)));
}

bool
EdgeCloudTopologyHelper::HasRadioAccess() const
{
    return m_radioAccess;
}

SixGHelper&
EdgeCloudTopologyHelper::GetRadio()
{
    return m_radio;
}

void
EdgeCloudTopologyHelper::SetAccessLink(const PointToPointLinkParameters& parameters)
{
    m_access = parameters;
}

void
EdgeCloudTopologyHelper::SetBackhaulLink(const PointToPointLinkParameters& parameters)
{
    m_backhaul = parameters;
}

NetDeviceContainer
EdgeCloudTopologyHelper::Connect(Ptr<Node> a,
                                 Ptr<Node> b,
                                 const PointToPointLinkParameters& parameters)
{
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(parameters.rate));
    p2p.SetChannelAttribute("Delay", TimeValue(parameters.delay));
    // Linux-like buffering: a queue disc of QueuePackets() packets in front of a device that
    // holds one packet (the driver ring). Installing it before the addresses keeps ns-3's
    // default queue disc (FqCoDel, 10240 packets) away, so the configured size is the buffer
    // and every overflow is a traced queue-disc drop.
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1p")));
    NetDeviceContainer devices = p2p.Install(a, b);
    TrafficControlHelper queues;
    queues.SetRootQueueDisc(
        parameters.queueDisc == "fq-codel" ? "ns3::FqCoDelQueueDisc" : "ns3::FifoQueueDisc",
        "MaxSize",
        QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, parameters.QueuePackets())));
    queues.Install(devices);
    if (parameters.lossRate > 0)
    {
        for (uint32_t i = 0; i < devices.GetN(); ++i)
        {
            Ptr<RateErrorModel> loss = CreateObject<RateErrorModel>();
            loss->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
            loss->SetRate(parameters.lossRate);
            devices.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(loss));
        }
    }
    return devices;
}

Ipv4InterfaceContainer
EdgeCloudTopologyHelper::AssignAddresses(Ipv4AddressHelper& addresses,
                                         const NetDeviceContainer& devices)
{
    Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    addresses.NewNetwork();
    return interfaces;
}

void
EdgeCloudTopologyHelper::Install(uint32_t terminals, uint32_t edges)
{
    NS_ABORT_MSG_IF(terminals == 0 || terminals > kMaxLinksPerClass,
                    "EdgeCloudTopologyHelper: terminals must be in [1, " << kMaxLinksPerClass
                                                                         << "]");
    NS_ABORT_MSG_IF(edges == 0 || edges > kMaxLinksPerClass,
                    "EdgeCloudTopologyHelper: edges must be in [1, " << kMaxLinksPerClass << "]");
    m_terminals.Create(terminals);
    m_edges.Create(edges);
    m_cloud.Create(1);
    // The stack first: Connect() installs queue discs, which need the traffic-control layer.
    InternetStackHelper internet;
    internet.Install(m_cloud);
    internet.Install(m_edges);
    internet.Install(m_terminals);

    Ipv4AddressHelper backhaulAddresses("10.2.0.0", "255.255.255.252");
    for (uint32_t e = 0; e < edges; ++e)
    {
        m_backhaulDevices.push_back(Connect(m_edges.Get(e), m_cloud.Get(0), m_backhaul));
        m_cloudAddresses.push_back(
            AssignAddresses(backhaulAddresses, m_backhaulDevices.back()).GetAddress(1));
    }
    if (m_radioAccess)
    {
        InstallRadioAccess();
    }
    else
    {
        InstallAccessLinks();
    }
    // Last, so that the nodes' earlier devices and interfaces keep their indices.
    InstallEdgeLinks();
}

void
EdgeCloudTopologyHelper::InstallAccessLinks()
{
    Ipv4AddressHelper accessAddresses("10.1.0.0", "255.255.255.252");
    for (uint32_t t = 0; t < m_terminals.GetN(); ++t)
    {
        m_accessDevices.push_back(
            Connect(m_terminals.Get(t), m_edges.Get(GetEdgeIndex(t)), m_access));
        m_edgeAddresses.push_back(
            AssignAddresses(accessAddresses, m_accessDevices.back()).GetAddress(1));
    }
}

void
EdgeCloudTopologyHelper::InstallEdgeLinks()
{
    const uint32_t edges = m_edges.GetN();
    m_neighbours.assign(edges, {});
    if (!m_edgeLinksEnabled || edges < 2)
    {
        return;
    }
    // A ring: link i joins edge i to edge i + 1, and for three edges or more link E - 1 closes
    // it (with two edges, that link would duplicate link 0).
    const uint32_t links = edges == 2 ? 1 : edges;
    Ipv4AddressHelper edgeAddresses("10.3.0.0", "255.255.255.252");
    for (uint32_t link = 0; link < links; ++link)
    {
        const uint32_t a = link;
        const uint32_t b = (link + 1) % edges;
        m_edgeLinkDevices.push_back(Connect(m_edges.Get(a), m_edges.Get(b), m_edgeLink));
        Ipv4InterfaceContainer interfaces =
            AssignAddresses(edgeAddresses, m_edgeLinkDevices.back());
        m_neighbours[a][b] = interfaces.GetAddress(1);
        m_neighbours[b][a] = interfaces.GetAddress(0);
    }
}

Vector
EdgeCloudTopologyHelper::GetSitePosition(uint32_t site) const
{
    // Axial hexagonal coordinates, ring by ring: ring k holds 6k sites, walked from its
    // corner (-k, k) along the six directions.
    static const int kDirections[6][2] = {{1, 0}, {1, -1}, {0, -1}, {-1, 0}, {-1, 1}, {0, 1}};
    int q = 0;
    int r = 0;
    uint32_t index = site;
    for (int ring = 1; index > 0; ++ring)
    {
        if (index > 6u * ring)
        {
            index -= 6 * ring;
            continue;
        }
        q = -ring;
        r = ring;
        for (uint32_t step = 1; step < index; ++step)
        {
            const int* direction = kDirections[(step - 1) / ring];
            q += direction[0];
            r += direction[1];
        }
        index = 0;
    }
    double isd = m_layout.interSiteDistance;
    return Vector(isd * (q + r / 2.0), isd * r * std::sqrt(3.0) / 2.0, m_layout.bsHeight);
}

void
EdgeCloudTopologyHelper::PlaceRadioNodes()
{
    double rMin = m_layout.minDistance;
    double rMax = m_layout.maxDistance;
    for (uint32_t e = 0; e < m_edges.GetN(); ++e)
    {
        m_edges.Get(e)->GetObject<MobilityModel>()->SetPosition(GetSitePosition(e));
    }
    for (uint32_t t = 0; t < m_terminals.GetN(); ++t)
    {
        // Uniform over the annulus: the radius squared is uniform.
        double radius = std::sqrt(m_drop->GetValue(rMin * rMin, rMax * rMax));
        double angle = m_drop->GetValue(0, 2 * M_PI);
        Vector site = GetSitePosition(GetEdgeIndex(t));
        m_terminals.Get(t)->GetObject<MobilityModel>()->SetPosition(
            Vector(site.x + radius * std::cos(angle),
                   site.y + radius * std::sin(angle),
                   m_layout.ueHeight));
    }
}

void
EdgeCloudTopologyHelper::InstallRadioAccess()
{
    MobilityHelper mobility;
    mobility.Install(m_edges);
    mobility.Install(m_terminals);
    PlaceRadioNodes();

    uint32_t edges = m_edges.GetN();
    uint32_t largestCell = (m_terminals.GetN() + edges - 1) / edges;
    // A subnet for the base station, the terminals, the network and broadcast addresses.
    uint32_t hostBits = 2;
    while ((1u << hostBits) < largestCell + 3)
    {
        ++hostBits;
    }
    NS_ABORT_MSG_IF(static_cast<uint64_t>(edges) << hostBits > (1u << kCellAddressBits),
                    "EdgeCloudTopologyHelper: too many cells and terminals for 10.128.0.0/9");
    Ipv4AddressHelper cellAddresses("10.128.0.0", Ipv4Mask(~((1u << hostBits) - 1)));

    NetDeviceContainer bs = m_radio.InstallBs(m_edges);
    m_radioDevices.Add(bs);
    std::vector<NodeContainer> cellTerminals(edges);
    for (uint32_t t = 0; t < m_terminals.GetN(); ++t)
    {
        cellTerminals[GetEdgeIndex(t)].Add(m_terminals.Get(t));
    }
    std::vector<NetDeviceContainer> ueOfCell(edges);
    for (uint32_t e = 0; e < edges; ++e)
    {
        ueOfCell[e] = m_radio.InstallUe(cellTerminals[e], bs.Get(e));
        m_radioDevices.Add(ueOfCell[e]);
        Ipv4InterfaceContainer bsInterface = cellAddresses.Assign(NetDeviceContainer(bs.Get(e)));
        cellAddresses.Assign(ueOfCell[e]);
        cellAddresses.NewNetwork();
        m_cellAddresses.push_back(bsInterface.GetAddress(0));
    }
    std::vector<uint32_t> nextInCell(edges, 0);
    for (uint32_t t = 0; t < m_terminals.GetN(); ++t)
    {
        uint32_t e = GetEdgeIndex(t);
        m_accessDevices.push_back(NetDeviceContainer(ueOfCell[e].Get(nextInCell[e]++), bs.Get(e)));
        m_edgeAddresses.push_back(m_cellAddresses[e]);
    }
}

NodeContainer
EdgeCloudTopologyHelper::GetTerminals() const
{
    return m_terminals;
}

NodeContainer
EdgeCloudTopologyHelper::GetEdges() const
{
    return m_edges;
}

Ptr<Node>
EdgeCloudTopologyHelper::GetCloud() const
{
    return m_cloud.Get(0);
}

uint32_t
EdgeCloudTopologyHelper::GetEdgeIndex(uint32_t terminal) const
{
    return terminal % m_edges.GetN();
}

Ipv4Address
EdgeCloudTopologyHelper::GetEdgeAddress(uint32_t terminal) const
{
    return m_edgeAddresses.at(terminal);
}

Ipv4Address
EdgeCloudTopologyHelper::GetCloudAddress(uint32_t edge) const
{
    return m_cloudAddresses.at(edge);
}

NetDeviceContainer
EdgeCloudTopologyHelper::GetAccessDevices(uint32_t terminal) const
{
    return m_accessDevices.at(terminal);
}

NetDeviceContainer
EdgeCloudTopologyHelper::GetBackhaulDevices(uint32_t edge) const
{
    return m_backhaulDevices.at(edge);
}

std::vector<uint32_t>
EdgeCloudTopologyHelper::GetNeighbours(uint32_t edge) const
{
    std::vector<uint32_t> neighbours;
    for (const auto& [neighbour, address] : m_neighbours.at(edge))
    {
        neighbours.push_back(neighbour);
    }
    return neighbours;
}

Ipv4Address
EdgeCloudTopologyHelper::GetNeighbourAddress(uint32_t edge, uint32_t neighbour) const
{
    const auto& neighbours = m_neighbours.at(edge);
    auto found = neighbours.find(neighbour);
    NS_ABORT_MSG_IF(found == neighbours.end(),
                    "EdgeCloudTopologyHelper: edge " << neighbour << " is no neighbour of edge "
                                                     << edge);
    return found->second;
}

uint32_t
EdgeCloudTopologyHelper::GetEdgeLinkCount() const
{
    return static_cast<uint32_t>(m_edgeLinkDevices.size());
}

NetDeviceContainer
EdgeCloudTopologyHelper::GetEdgeLinkDevices(uint32_t link) const
{
    return m_edgeLinkDevices.at(link);
}

int64_t
EdgeCloudTopologyHelper::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    auto assignLinks = [&](const std::vector<NetDeviceContainer>& links)
    {
        for (const auto& devices : links)
        {
            for (uint32_t i = 0; i < devices.GetN(); ++i)
            {
                PointerValue model;
                devices.Get(i)->GetAttribute("ReceiveErrorModel", model);
                Ptr<RateErrorModel> loss = model.Get<RateErrorModel>();
                if (loss)
                {
                    used += loss->AssignStreams(stream + used);
                }
            }
        }
    };
    assignLinks(m_backhaulDevices);
    if (!m_radioAccess)
    {
        assignLinks(m_accessDevices);
    }
    InternetStackHelper internet;
    NodeContainer all(m_cloud, m_edges, m_terminals);
    used += internet.AssignStreams(all, stream + used);
    if (m_radioAccess)
    {
        used += m_radio.AssignStreams(m_radioDevices, stream + used);
        m_drop->SetStream(stream + used);
        ++used;
        PlaceRadioNodes();
    }
    // After the streams of everything else, so that turning edge-edge links on (lossy or
    // not) changes no other draw and runs without them keep the streams they always had.
    assignLinks(m_edgeLinkDevices);
    return used;
}

} // namespace ns3
