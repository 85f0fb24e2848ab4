/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_BS_NET_DEVICE_H
#define CE_LSLM_SIX_G_BS_NET_DEVICE_H

#include "six-g-net-device.h"

#include "ns3/ipv4-address.h"

#include <map>
#include <unordered_map>
#include <vector>

namespace ns3
{

class SixGCellMac;
class SixGUeNetDevice;

/**
 * \ingroup ce-lslm
 * \brief The base-station (gNB role) device of one cell of the 6G radio: sends downlink
 * packets to its terminals and receives their uplink packets, scheduled slot by slot by its
 * SixGCellMac.
 *
 * A packet sent to a terminal's MAC address goes to that terminal. IP sends everything to the
 * broadcast address (the device needs no ARP); the device then reads the IPv4 destination and
 * finds the terminal whose interface has it, as an LTE eNB classifies downlink packets by
 * their IP address. Broadcast and multicast destinations are copied to every terminal; a
 * packet for no attached terminal is dropped (MacTxDrop).
 */
class SixGBsNetDevice : public SixGNetDevice
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SixGBsNetDevice();
    ~SixGBsNetDevice() override;

    /// \param channel the channel to attach to (once, before any terminal)
    void Attach(Ptr<SixGChannel> channel);
    /**
     * \brief Serve a terminal in this cell (the terminal is attached to this device).
     * \param ue the terminal's device
     */
    void AttachTerminal(Ptr<SixGUeNetDevice> ue);

    /// \return the cell's MAC
    Ptr<SixGCellMac> GetMac() const;
    /// \return the cell identifier
    uint32_t GetCellId() const;

    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;

  protected:
    void DoDispose() override;

  private:
    /**
     * \param packet a downlink packet
     * \param dest its link-layer destination
     * \param protocol its protocol number
     * \return the terminals it is for (RNTIs)
     */
    std::vector<uint32_t> FindTerminals(Ptr<const Packet> packet,
                                        const Address& dest,
                                        uint16_t protocol);
    /**
     * \param address an IPv4 address
     * \return the RNTI of the terminal that has it, or -1
     */
    int64_t FindTerminal(Ipv4Address address);
    /**
     * \param address an IPv4 address
     * \return whether it is the directed broadcast address of this device's subnet
     */
    bool IsCellBroadcast(Ipv4Address address) const;

    uint32_t m_cellId;                                      //!< cell identifier
    Ptr<SixGCellMac> m_mac;                                 //!< the cell's MAC
    std::vector<Ptr<SixGUeNetDevice>> m_terminals;          //!< per RNTI
    std::unordered_map<uint32_t, uint32_t> m_rntiOfAddress; //!< IPv4 (host order) -> RNTI
    std::map<Mac48Address, uint32_t> m_rntiOfMac;           //!< terminal address -> RNTI
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_BS_NET_DEVICE_H
