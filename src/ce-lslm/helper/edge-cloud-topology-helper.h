/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EDGE_CLOUD_TOPOLOGY_HELPER_H
#define CE_LSLM_EDGE_CLOUD_TOPOLOGY_HELPER_H

#include "ns3/data-rate.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Parameters of one point-to-point link class (access or backhaul).
 */
struct PointToPointLinkParameters
{
    DataRate rate{"100Mbps"};    //!< data rate of each direction
    Time delay{MilliSeconds(5)}; //!< one-way propagation delay
    double lossRate{0};          //!< probability that a packet is lost on reception
    uint32_t queuePackets{100};  //!< drop-tail transmit queue of each device, in packets
};

/**
 * \ingroup ce-lslm
 * \brief Builds the cloud-edge-terminal topology: terminals, each on its own access link to
 * one edge (terminal i to edge i mod E), and every edge on a backhaul link to one cloud node.
 *
 * Installs the Internet stack and gives each link its own /30 subnet (access links from
 * 10.1.0.0/16, backhaul links from 10.2.0.0/16), so applications address their neighbour on
 * the shared link and no routing protocol is needed. Each device sends from a FIFO queue disc
 * of queuePackets packets (plus the one packet its own queue holds), which replaces ns-3's
 * default FqCoDel; a packet that finds it full is dropped (queue disc "Drop" trace). Lossy
 * links drop packets on reception with a RateErrorModel; AssignStreams() makes those drops
 * reproducible.
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
     * \return the access link's devices: [0] on the terminal (uplink sender), [1] on the edge
     */
    NetDeviceContainer GetAccessDevices(uint32_t terminal) const;
    /**
     * \param edge edge index
     * \return the backhaul link's devices: [0] on the edge, [1] on the cloud
     */
    NetDeviceContainer GetBackhaulDevices(uint32_t edge) const;

    /**
     * \brief Fix the random streams of the links' error models and the Internet stacks.
     * \param stream first stream index
     * \return the number of stream indices used
     */
    int64_t AssignStreams(int64_t stream);

  private:
    /**
     * \brief Give a link's two devices addresses in the next subnet of \p addresses.
     * \param addresses the link class's address allocator
     * \param devices the link's devices
     * \return the address of devices[1] (the edge, or the cloud)
     */
    static Ipv4Address AssignAddresses(Ipv4AddressHelper& addresses,
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

    PointToPointLinkParameters m_access;               //!< access link parameters
    PointToPointLinkParameters m_backhaul;             //!< backhaul link parameters
    NodeContainer m_terminals;                         //!< terminal nodes
    NodeContainer m_edges;                             //!< edge nodes
    NodeContainer m_cloud;                             //!< the cloud node
    std::vector<NetDeviceContainer> m_accessDevices;   //!< per terminal
    std::vector<NetDeviceContainer> m_backhaulDevices; //!< per edge
    std::vector<Ipv4Address> m_edgeAddresses;          //!< per terminal
    std::vector<Ipv4Address> m_cloudAddresses;         //!< per edge
};

} // namespace ns3

#endif // CE_LSLM_EDGE_CLOUD_TOPOLOGY_HELPER_H
