/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_NET_DEVICE_H
#define CE_LSLM_SIX_G_NET_DEVICE_H

#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/queue-size.h"
#include "ns3/traced-callback.h"

namespace ns3
{

class MobilityModel;
class SixGChannel;
class SixGLink;

/**
 * \ingroup ce-lslm
 * \brief Common part of the 6G radio's base-station and terminal devices: the NetDevice
 * interface, the radio parameters every end has, and the packet trace sources.
 *
 * The devices carry IP packets. They need no ARP: a terminal sends everything to its base
 * station, and the base station finds the terminal a packet is for from its IPv4
 * destination (see SixGBsNetDevice). There is no link-layer header; PCAP files hold raw IP
 * packets (DLT_RAW). Each device keeps one transmit buffer per terminal instead of a single
 * device queue and never stops the traffic-control layer: a packet that finds its terminal's
 * buffer full is dropped here, traced by MacTxDrop.
 */
class SixGNetDevice : public NetDevice
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SixGNetDevice();
    ~SixGNetDevice() override;

    /// \return the channel the device is attached to
    Ptr<SixGChannel> GetSixGChannel() const;
    /// \return transmit power, in dBm
    double GetTxPowerDbm() const;
    /// \return antenna (and beamforming) gain towards the served link, in dBi
    double GetAntennaGainDbi() const;
    /// \return receiver noise figure, in dB
    double GetNoiseFigureDb() const;
    /// \return MIMO layers this end transmits
    uint32_t GetLayers() const;
    /// \return the limit of each terminal's transmit buffer at this end
    QueueSize GetQueueSize() const;
    /// \return the node's mobility model (aborts if there is none)
    Ptr<MobilityModel> GetMobility() const;

    /**
     * \brief Hand a received packet to the node (called by the radio link).
     * \param packet the IP packet
     * \param protocol its protocol number
     * \param from the sender's address
     */
    void Deliver(Ptr<Packet> packet, uint16_t protocol, const Address& from);
    /**
     * \brief Report a packet lost on the way to this device (its transport block failed).
     * \param packet the packet
     */
    void NotifyReceptionLoss(Ptr<const Packet> packet);
    /**
     * \brief Report that a packet's last byte left in a transport block.
     * \param packet the packet
     */
    void NotifyTransmitted(Ptr<const Packet> packet);

    // NetDevice
    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override;
    Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(Callback<void> callback) override;
    bool IsBroadcast() const override;
    Address GetBroadcast() const override;
    bool IsMulticast() const override;
    Address GetMulticast(Ipv4Address multicastGroup) const override;
    Address GetMulticast(Ipv6Address addr) const override;
    bool IsBridge() const override;
    bool IsPointToPoint() const override;
    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

  protected:
    void DoDispose() override;

    /**
     * \param channel the channel (set once, by the subclass's attach method)
     */
    void SetSixGChannel(Ptr<SixGChannel> channel);

    /**
     * \brief Put a packet into a link's transmit buffer, with the MacTx/MacTxDrop traces.
     * \param link the link
     * \param packet the packet
     * \param protocol its protocol number
     * \return false if the buffer was full (the packet is dropped)
     */
    bool Enqueue(Ptr<SixGLink> link, Ptr<Packet> packet, uint16_t protocol);

    TracedCallback<Ptr<const Packet>> m_macTxTrace;     //!< accepted from the stack
    TracedCallback<Ptr<const Packet>> m_macTxDropTrace; //!< dropped, buffer full

  private:
    Ptr<SixGChannel> m_channel;                              //!< the radio channel
    Ptr<Node> m_node;                                        //!< the node
    mutable Ptr<MobilityModel> m_mobility;                   //!< the node's mobility (cached)
    Mac48Address m_address;                                  //!< the device's address
    uint32_t m_ifIndex{0};                                   //!< interface index
    uint16_t m_mtu;                                          //!< MTU, in bytes
    double m_txPowerDbm;                                     //!< transmit power
    double m_antennaGainDbi;                                 //!< antenna gain
    double m_noiseFigureDb;                                  //!< noise figure
    uint32_t m_layers;                                       //!< MIMO layers
    QueueSize m_queueSize;                                   //!< per-terminal buffer limit
    NetDevice::ReceiveCallback m_rxCallback;                 //!< to the stack
    NetDevice::PromiscReceiveCallback m_promiscCallback;     //!< to promiscuous sniffers
    TracedCallback<Ptr<const Packet>> m_macRxTrace;          //!< delivered to the stack
    TracedCallback<Ptr<const Packet>> m_phyTxEndTrace;       //!< last byte sent
    TracedCallback<Ptr<const Packet>> m_phyRxEndTrace;       //!< received whole
    TracedCallback<Ptr<const Packet>> m_phyRxDropTrace;      //!< lost on the way here
    TracedCallback<Ptr<const Packet>> m_snifferTrace;        //!< for PCAP
    TracedCallback<Ptr<const Packet>> m_promiscSnifferTrace; //!< for promiscuous PCAP
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_NET_DEVICE_H
