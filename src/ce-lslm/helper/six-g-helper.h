/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_HELPER_H
#define CE_LSLM_SIX_G_HELPER_H

#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/six-g-channel.h"
#include "ns3/trace-helper.h"

#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Builds a 6G radio access network: one channel (a TDD carrier with its propagation),
 * base-station devices (one cell each) and terminal devices attached to a base station.
 *
 * \code
 *   SixGHelper radio;
 *   radio.SetPreset("mmwave-800mhz");            // carrier, propagation, powers, ...
 *   radio.SetScheduler("ns3::SixGRoundRobinScheduler");
 *   radio.SetBlockage(2.0, MilliSeconds(300));   // blockages per second, mean duration
 *   NetDeviceContainer bs = radio.InstallBs(gnbNodes);        // nodes need a MobilityModel
 *   NetDeviceContainer ues = radio.InstallUe(ueNodes, bs.Get(0));
 *   radio.AssignStreams(NetDeviceContainer(bs, ues), 0);
 *   radio.EnablePcapAll("radio");                // raw IP packets per device
 *   radio.EnableTransportBlockTraces(csv);       // one CSV row per transport block
 * \endcode
 *
 * Every Set... call applies to what is created afterwards; the channel is created by the
 * first InstallBs and shared by every cell of this helper. The devices carry IPv4: install
 * the Internet stack on the nodes and assign addresses as for any device (no ARP, no
 * queue disc: each terminal's buffer in the device is the queue).
 */
class SixGHelper
    : public PcapHelperForDevice
    , public AsciiTraceHelperForDevice
{
  public:
    /// A helper configured with the "fr1-100mhz" preset and the proportional fair scheduler.
    SixGHelper();
    ~SixGHelper() override;

    /**
     * \brief Configure the carrier, propagation scenario and device parameters of a preset.
     * \param name one of SixGPreset::GetNames()
     */
    void SetPreset(const std::string& name);

    /// \param name a SixGChannel attribute \param value its value
    void SetChannelAttribute(const std::string& name, const AttributeValue& value);
    /// \param name a SixGBsNetDevice attribute \param value its value
    void SetBsDeviceAttribute(const std::string& name, const AttributeValue& value);
    /// \param name a SixGUeNetDevice attribute \param value its value
    void SetUeDeviceAttribute(const std::string& name, const AttributeValue& value);
    /// \param name a SixGCellMac attribute \param value its value
    void SetMacAttribute(const std::string& name, const AttributeValue& value);
    /// \param type a SixGScheduler subclass, e.g. "ns3::SixGMaxRateScheduler"
    void SetScheduler(const std::string& type);
    /// \param type a PropagationLossModel, e.g. "ns3::ThreeGppUmaPropagationLossModel"
    void SetPropagationLossModel(const std::string& type);
    /// \param name an attribute of the path loss model \param value its value
    void SetPropagationLossModelAttribute(const std::string& name, const AttributeValue& value);
    /// \param type a ChannelConditionModel ("" for none: always line of sight)
    void SetChannelConditionModel(const std::string& type);
    /// \param name a SixGFadingModel attribute \param value its value
    void SetFadingModelAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Add blockage events on top of the condition model
     * (BlockageChannelConditionModel). The blockage model is there, with its random streams,
     * at every rate (0 included), so that runs with and without blockage draw every other
     * random number alike.
     * \param ratePerSecond blockages per second of unblocked time per link (0: none)
     * \param meanDuration mean duration of a blockage
     */
    void SetBlockage(double ratePerSecond, Time meanDuration);

    /**
     * \param nodes nodes to turn into base stations (one cell each)
     * \return their devices
     */
    NetDeviceContainer InstallBs(NodeContainer nodes);
    /**
     * \param nodes nodes to turn into terminals
     * \param bs the base-station device serving them (from InstallBs)
     * \return their devices
     */
    NetDeviceContainer InstallUe(NodeContainer nodes, Ptr<NetDevice> bs);

    /// \return the channel (created on first use with the current settings)
    Ptr<SixGChannel> GetChannel();

    /**
     * \brief Fix the random streams of the channel (path loss, condition, blockage, fading)
     * and of the base stations' MACs (decoding draws) among \p devices.
     * \param devices devices installed by this helper
     * \param stream first stream index
     * \return the number of stream indices used
     */
    int64_t AssignStreams(NetDeviceContainer devices, int64_t stream);

    /**
     * \brief Write one CSV row per transport block transmission of every base station
     * installed so far (header first; see SixGTransportBlockInfo).
     * \param out destination; must outlive the simulation
     */
    void EnableTransportBlockTraces(std::ostream& out);

  private:
    void EnablePcapInternal(std::string prefix,
                            Ptr<NetDevice> nd,
                            bool promiscuous,
                            bool explicitFilename) override;
    void EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                             std::string prefix,
                             Ptr<NetDevice> nd,
                             bool explicitFilename) override;

    /// \return a new channel with the current propagation settings
    Ptr<SixGChannel> CreateChannel() const;

    ObjectFactory m_channelFactory;   //!< SixGChannel
    ObjectFactory m_bsFactory;        //!< SixGBsNetDevice
    ObjectFactory m_ueFactory;        //!< SixGUeNetDevice
    ObjectFactory m_macFactory;       //!< SixGCellMac
    ObjectFactory m_schedulerFactory; //!< SixGScheduler
    ObjectFactory m_pathLossFactory;  //!< PropagationLossModel
    ObjectFactory m_fadingFactory;    //!< SixGFadingModel
    std::string m_conditionType;      //!< ChannelConditionModel ("" none)
    double m_blockageRate{0};         //!< blockages per second
    Time m_blockageDuration;          //!< mean blockage duration
    Ptr<SixGChannel> m_channel;       //!< created by the first InstallBs
    NetDeviceContainer m_bsDevices;   //!< installed base stations
    uint32_t m_nextCellId{0};         //!< next cell identifier
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_HELPER_H
