/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EDGE_CLOUD_TOPOLOGY_HELPER_H
#define CE_LSLM_EDGE_CLOUD_TOPOLOGY_HELPER_H

#include "six-g-helper.h"

#include "ns3/data-rate.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/vector.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Parameters of one point-to-point link class (access, backhaul or edge-edge).
 */
struct PointToPointLinkParameters
{
    DataRate rate{"100Mbps"};      //!< data rate of each direction
    Time delay{MilliSeconds(5)};   //!< one-way propagation delay
    double lossRate{0};            //!< probability that a packet is lost on reception
    uint32_t queuePackets{0};      //!< transmit queue of each device, in packets; 0: BdpPackets()
    std::string queueDisc{"fifo"}; //!< "fifo" (drop-tail) or "fq-codel"

    /// \return the bandwidth-delay product (rate x 2 x delay) in bytes
    double BdpBytes() const;
    /// \return the queue size a device gets: queuePackets, or the bandwidth-delay product in
    /// 1500-byte packets (at least 100) when it is 0
    uint32_t QueuePackets() const;
};

/**
 * \ingroup ce-lslm
 * \brief Where the cells of the 6G radio access are and where their terminals stand.
 */
struct RadioAccessLayout
{
    double interSiteDistance{200}; //!< distance between neighbouring base stations, in m
    double minDistance{10};        //!< least horizontal terminal-base station distance, in m
    double maxDistance{100};       //!< largest horizontal terminal-base station distance, in m
    double bsHeight{25};           //!< base-station antenna height, in m
    double ueHeight{1.5};          //!< terminal antenna height, in m
};

/**
 * \ingroup ce-lslm
 * \brief Builds the cloud-edge-terminal topology: terminals on an access network to one edge
 * (terminal i to edge i mod E), every edge on a backhaul link to one cloud node, and, after
 * SetEdgeLinks, neighbouring edges on edge-edge links (a ring: edge i to edge (i + 1) mod E).
 *
 * The access is either one point-to-point link per terminal, or, after SetRadioAccess, the
 * 6G radio: every edge is a base station (one cell), and its terminals are the cell's
 * terminals. Base stations stand on a hexagonal grid (edge 0 at the origin, then ring after
 * ring) and terminals are dropped uniformly over the annulus [minDistance, maxDistance]
 * around their base station.
 *
 * Installs the Internet stack. Each point-to-point link gets its own /30 subnet (access links
 * from 10.1.0.0/16, backhaul links from 10.2.0.0/16, edge-edge links from 10.3.0.0/16); each
 * cell gets one subnet from 10.128.0.0/9, sized for the largest cell. Applications address their
 * neighbour on the shared link or cell, so no routing protocol is needed. Each point-to-point
 * device sends from a queue disc (FIFO or FqCoDel) of PointToPointLinkParameters::QueuePackets()
 * packets, by default the link's bandwidth-delay product (plus the one packet the device's own
 * queue holds); a packet that finds it full is dropped (queue disc "Drop" trace). The radio devices
 * keep one bounded buffer per terminal instead (MacTxDrop). Lossy links drop packets on reception
 * with a RateErrorModel; AssignStreams() makes those drops, the radio's randomness and the terminal
 * positions reproducible; it numbers the edge-edge links' streams after all the others, so turning
 * them on changes no other draw.
 */
class EdgeCloudTopologyHelper
{
  public:
    EdgeCloudTopologyHelper();

    /// \param parameters parameters of every terminal-edge link
    void SetAccessLink(const PointToPointLinkParameters& parameters);
    /// \param parameters parameters of every edge-cloud link
    void SetBackhaulLink(const PointToPointLinkParameters& parameters);
    /**
     * \brief Connect neighbouring edges with point-to-point links (the edge-edge tier): the
     * edges form a ring, edge i linked to edge (i + 1) mod E (one link for E = 2, none for
     * E = 1). Off by default.
     * \param enabled whether to build the edge-edge links
     * \param parameters parameters of every edge-edge link
     */
    void SetEdgeLinks(bool enabled, const PointToPointLinkParameters& parameters);
    /**
     * \brief Use the 6G radio for the terminal-edge access instead of point-to-point links.
     * \param radio the configured radio helper (copied)
     * \param layout where base stations and terminals stand
     */
    void SetRadioAccess(const SixGHelper& radio, const RadioAccessLayout& layout);
    /// \return whether the access is the 6G radio
    bool HasRadioAccess() const;
    /// \return the radio helper that built the access (to enable its traces after Install)
    SixGHelper& GetRadio();

    /**
     * \brief Create the nodes and links, install the Internet stack and assign addresses.
     * \param terminals number of terminals (at most 16384)
     * \param edges number of edge nodes (at most 16384)
     */
    void Install(uint32_t terminals, uint32_t edges);

    /// \return the terminal nodes, in index order
    NodeContainer GetTerminals() const;
    /// \return the edge nodes, in index order
    NodeContainer GetEdges() const;
    /// \return the cloud node
    Ptr<Node> GetCloud() const;

    /**
     * \param terminal terminal index
     * \return index of the edge that serves it
     */
    uint32_t GetEdgeIndex(uint32_t terminal) const;
    /**
     * \param terminal terminal index
     * \return the edge's address on that terminal's access link
     */
    Ipv4Address GetEdgeAddress(uint32_t terminal) const;
    /**
     * \param edge edge index
     * \return the cloud's address on that edge's backhaul link
     */
    Ipv4Address GetCloudAddress(uint32_t edge) const;
    /**
     * \param terminal terminal index
     * \return the access devices: [0] on the terminal (uplink sender), [1] on the edge (with
     * the radio, the base-station device every terminal of that edge shares)
     */
    NetDeviceContainer GetAccessDevices(uint32_t terminal) const;
    /**
     * \param edge edge index
     * \return the backhaul link's devices: [0] on the edge, [1] on the cloud
     */
    NetDeviceContainer GetBackhaulDevices(uint32_t edge) const;

    /**
     * \param edge edge index
     * \return the edges linked to \p edge by edge-edge links, in increasing index order
     * (empty when edge-edge links are off)
     */
    std::vector<uint32_t> GetNeighbours(uint32_t edge) const;
    /**
     * \param edge edge index
     * \param neighbour one of GetNeighbours(edge)
     * \return the neighbour's address on the link between the two
     */
    Ipv4Address GetNeighbourAddress(uint32_t edge, uint32_t neighbour) const;
    /// \return the number of edge-edge links
    uint32_t GetEdgeLinkCount() const;
    /**
     * \param link edge-edge link index, in [0, GetEdgeLinkCount())
     * \return the link's two devices: [0] on edge \p link, [1] on edge (\p link + 1) mod E
     */
    NetDeviceContainer GetEdgeLinkDevices(uint32_t link) const;

    /**
     * \brief Fix the random streams of the links' error models, the radio, the terminal
     * positions and the Internet stacks (after Install; the terminals are placed again from
     * the assigned stream).
     * \param stream first stream index
     * \return the number of stream indices used
     */
    int64_t AssignStreams(int64_t stream);

  private:
    /**
     * \brief Give a link's two devices addresses in the next subnet of \p addresses.
     * \param addresses the link class's address allocator
     * \param devices the link's devices
     * \return the devices' interfaces, in the order of \p devices
     */
    static Ipv4InterfaceContainer AssignAddresses(Ipv4AddressHelper& addresses,
                                                  const NetDeviceContainer& devices);

    /**
     * \brief Connect two nodes with a point-to-point link.
     * \param a first node (device [0])
     * \param b second node (device [1])
     * \param parameters link parameters
     * \return the two devices
     */
    NetDeviceContainer Connect(Ptr<Node> a,
                               Ptr<Node> b,
                               const PointToPointLinkParameters& parameters);

    /// Install one point-to-point access link per terminal.
    void InstallAccessLinks();
    /// Install the 6G radio access: base stations on the edges, terminals in their cells.
    void InstallRadioAccess();
    /// Install the edge-edge links, if they are enabled.
    void InstallEdgeLinks();
    /// Place the edges on the hexagonal grid and drop the terminals around them.
    void PlaceRadioNodes();
    /**
     * \param site a site index (0: the origin, then ring after ring)
     * \return its position on a hexagonal grid of interSiteDistance, at bsHeight
     */
    Vector GetSitePosition(uint32_t site) const;

    PointToPointLinkParameters m_access;               //!< access link parameters
    PointToPointLinkParameters m_backhaul;             //!< backhaul link parameters
    bool m_edgeLinksEnabled{false};                    //!< whether to build edge-edge links
    PointToPointLinkParameters m_edgeLink;             //!< edge-edge link parameters
    NodeContainer m_terminals;                         //!< terminal nodes
    NodeContainer m_edges;                             //!< edge nodes
    NodeContainer m_cloud;                             //!< the cloud node
    std::vector<NetDeviceContainer> m_accessDevices;   //!< per terminal
    std::vector<NetDeviceContainer> m_backhaulDevices; //!< per edge
    std::vector<Ipv4Address> m_edgeAddresses;          //!< per terminal
    std::vector<Ipv4Address> m_cloudAddresses;         //!< per edge
    bool m_radioAccess{false};                         //!< whether the access is the radio
    SixGHelper m_radio;                                //!< builds the radio access
    RadioAccessLayout m_layout;                        //!< radio geometry
    Ptr<UniformRandomVariable> m_drop;                 //!< terminal positions
    NetDeviceContainer m_radioDevices;                 //!< base stations, then terminals
    std::vector<Ipv4Address> m_cellAddresses;          //!< base-station address per edge
    std::vector<NetDeviceContainer> m_edgeLinkDevices; //!< per edge-edge link
    /// Per edge: each neighbour's index -> the neighbour's address on the link between them.
    std::vector<std::map<uint32_t, Ipv4Address>> m_neighbours;
};

} // namespace ns3

#endif // CE_LSLM_EDGE_CLOUD_TOPOLOGY_HELPER_H
