/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_UE_NET_DEVICE_H
#define CE_LSLM_SIX_G_UE_NET_DEVICE_H

#include "six-g-net-device.h"

namespace ns3
{

class SixGBsNetDevice;

/**
 * \ingroup ce-lslm
 * \brief The terminal (UE role) device of the 6G radio: everything it sends goes up to its
 * base station, scheduled by the cell's MAC; it receives what the base station sends it.
 *
 * Attach with SixGBsNetDevice::AttachTerminal (SixGHelper::InstallUe does it).
 */
class SixGUeNetDevice : public SixGNetDevice
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SixGUeNetDevice();
    ~SixGUeNetDevice() override;

    /**
     * \brief Called by the base station when it accepts this terminal.
     * \param bs the serving base station
     * \param rnti this terminal's identifier in the cell
     * \param uplink this terminal's uplink
     */
    void AttachTo(Ptr<SixGBsNetDevice> bs, uint32_t rnti, Ptr<SixGLink> uplink);

    /// \return the serving base station (null before attachment)
    Ptr<SixGBsNetDevice> GetBs() const;
    /// \return the identifier in the cell
    uint32_t GetRnti() const;

    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;

  protected:
    void DoDispose() override;

  private:
    Ptr<SixGBsNetDevice> m_bs; //!< serving base station
    Ptr<SixGLink> m_uplink;    //!< this terminal's uplink
    uint32_t m_rnti{0};        //!< identifier in the cell
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_UE_NET_DEVICE_H
