/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-helper.h"

#include "six-g-preset.h"

#include "ns3/blockage-channel-condition-model.h"
#include "ns3/channel-condition-model.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/six-g-bs-net-device.h"
#include "ns3/six-g-cell-mac.h"
#include "ns3/six-g-fading-model.h"
#include "ns3/six-g-ue-net-device.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGHelper");

SixGHelper::SixGHelper()
    : m_blockageDuration(MilliSeconds(300))
{
    m_channelFactory.SetTypeId("ns3::SixGChannel");
    m_bsFactory.SetTypeId("ns3::SixGBsNetDevice");
    m_ueFactory.SetTypeId("ns3::SixGUeNetDevice");
    m_macFactory.SetTypeId("ns3::SixGCellMac");
    m_schedulerFactory.SetTypeId("ns3::SixGProportionalFairScheduler");
    m_fadingFactory.SetTypeId("ns3::SixGFadingModel");
    SetPreset("fr1-100mhz");
}

SixGHelper::~SixGHelper() = default;

void
SixGHelper::SetPreset(const std::string& name)
{
    const SixGPreset& preset = SixGPreset::Get(name);
    SetChannelAttribute("Frequency", DoubleValue(preset.frequencyHz));
    SetChannelAttribute("Numerology", UintegerValue(preset.numerology));
    SetChannelAttribute("ResourceBlocks", UintegerValue(preset.resourceBlocks));
    SetChannelAttribute("TddPattern", StringValue(preset.tddPattern));
    SetChannelAttribute("DlOverhead", DoubleValue(preset.dlOverhead));
    SetChannelAttribute("UlOverhead", DoubleValue(preset.ulOverhead));
    SetBsDeviceAttribute("TxPower", DoubleValue(preset.bsTxPowerDbm));
    SetBsDeviceAttribute("AntennaGain", DoubleValue(preset.bsAntennaGainDbi));
    SetBsDeviceAttribute("NoiseFigure", DoubleValue(preset.bsNoiseFigureDb));
    SetBsDeviceAttribute("Layers", UintegerValue(preset.dlLayers));
    SetUeDeviceAttribute("TxPower", DoubleValue(preset.ueTxPowerDbm));
    SetUeDeviceAttribute("AntennaGain", DoubleValue(preset.ueAntennaGainDbi));
    SetUeDeviceAttribute("NoiseFigure", DoubleValue(preset.ueNoiseFigureDb));
    SetUeDeviceAttribute("Layers", UintegerValue(preset.ulLayers));
    SetPropagationLossModel(SixGPreset::GetPathLossModel(preset.scenario));
    SetChannelConditionModel(SixGPreset::GetConditionModel(preset.scenario));
}

void
SixGHelper::SetChannelAttribute(const std::string& name, const AttributeValue& value)
{
    m_channelFactory.Set(name, value);
}

void
SixGHelper::SetBsDeviceAttribute(const std::string& name, const AttributeValue& value)
{
    m_bsFactory.Set(name, value);
}

void
SixGHelper::SetUeDeviceAttribute(const std::string& name, const AttributeValue& value)
{
    m_ueFactory.Set(name, value);
}

void
SixGHelper::SetMacAttribute(const std::string& name, const AttributeValue& value)
{
    m_macFactory.Set(name, value);
}

void
SixGHelper::SetScheduler(const std::string& type)
{
    m_schedulerFactory = ObjectFactory(type);
}

void
SixGHelper::SetPropagationLossModel(const std::string& type)
{
    m_pathLossFactory = ObjectFactory(type);
}

void
SixGHelper::SetPropagationLossModelAttribute(const std::string& name, const AttributeValue& value)
{
    m_pathLossFactory.Set(name, value);
}

void
SixGHelper::SetChannelConditionModel(const std::string& type)
{
    m_conditionType = type;
}

void
SixGHelper::SetFadingModelAttribute(const std::string& name, const AttributeValue& value)
{
    m_fadingFactory.Set(name, value);
}

void
SixGHelper::SetBlockage(double ratePerSecond, Time meanDuration)
{
    m_blockageRate = ratePerSecond;
    m_blockageDuration = meanDuration;
}

Ptr<SixGChannel>
SixGHelper::CreateChannel() const
{
    Ptr<SixGChannel> channel = m_channelFactory.Create<SixGChannel>();
    Ptr<PropagationLossModel> pathLoss = m_pathLossFactory.Create<PropagationLossModel>();
    // TR 38.901 and sub-THz models take the carrier frequency; others (e.g. a fixed loss
    // in a test) have no such attribute.
    pathLoss->SetAttributeFailSafe("Frequency", DoubleValue(channel->GetFrequency()));
    Ptr<ChannelConditionModel> condition;
    if (!m_conditionType.empty())
    {
        condition = ObjectFactory(m_conditionType).Create<ChannelConditionModel>();
    }
    // The blockage process wraps the condition model even at rate 0 (where it draws nothing
    // and passes the inner model's condition on): it keeps its random streams either way, so
    // every other stream is the same with and without blockage and the two runs are paired.
    Ptr<BlockageChannelConditionModel> blockage = CreateObject<BlockageChannelConditionModel>();
    blockage->SetInnerModel(condition);
    blockage->SetAttribute("Rate", DoubleValue(m_blockageRate));
    blockage->SetAttribute("MeanDuration", TimeValue(m_blockageDuration));
    pathLoss->SetAttributeFailSafe("ChannelConditionModel", PointerValue(blockage));
    channel->SetAttribute("ChannelConditionModel", PointerValue(blockage));
    channel->SetAttribute("PropagationLossModel", PointerValue(pathLoss));
    channel->SetAttribute("FadingModel", PointerValue(m_fadingFactory.Create<SixGFadingModel>()));
    return channel;
}

Ptr<SixGChannel>
SixGHelper::GetChannel()
{
    if (!m_channel)
    {
        m_channel = CreateChannel();
    }
    return m_channel;
}

NetDeviceContainer
SixGHelper::InstallBs(NodeContainer nodes)
{
    NetDeviceContainer devices;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        Ptr<SixGBsNetDevice> bs = m_bsFactory.Create<SixGBsNetDevice>();
        bs->SetAttribute("CellId", UintegerValue(m_nextCellId++));
        Ptr<SixGCellMac> mac = m_macFactory.Create<SixGCellMac>();
        mac->SetAttribute("Scheduler", PointerValue(m_schedulerFactory.Create<SixGScheduler>()));
        bs->SetAttribute("Mac", PointerValue(mac));
        nodes.Get(i)->AddDevice(bs);
        bs->Attach(GetChannel());
        bs->GetMobility(); // fails now, with the node's id, if the node cannot be placed
        devices.Add(bs);
        m_bsDevices.Add(bs);
    }
    return devices;
}

NetDeviceContainer
SixGHelper::InstallUe(NodeContainer nodes, Ptr<NetDevice> bs)
{
    Ptr<SixGBsNetDevice> cell = DynamicCast<SixGBsNetDevice>(bs);
    NS_ABORT_MSG_UNLESS(cell, "SixGHelper::InstallUe: not a SixGBsNetDevice");
    NetDeviceContainer devices;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        Ptr<SixGUeNetDevice> ue = m_ueFactory.Create<SixGUeNetDevice>();
        nodes.Get(i)->AddDevice(ue);
        cell->AttachTerminal(ue);
        ue->GetMobility();
        devices.Add(ue);
    }
    return devices;
}

int64_t
SixGHelper::AssignStreams(NetDeviceContainer devices, int64_t stream)
{
    int64_t used = 0;
    bool channelDone = false;
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<SixGNetDevice> device = DynamicCast<SixGNetDevice>(devices.Get(i));
        if (!device)
        {
            continue;
        }
        if (!channelDone && device->GetSixGChannel())
        {
            used += device->GetSixGChannel()->AssignStreams(stream + used);
            channelDone = true;
        }
        if (Ptr<SixGBsNetDevice> bs = DynamicCast<SixGBsNetDevice>(device))
        {
            used += bs->GetMac()->AssignStreams(stream + used);
        }
    }
    return used;
}

void
SixGHelper::EnableTransportBlockTraces(std::ostream& out)
{
    out << SixGTransportBlockInfo::GetCsvHeader() << '\n';
    auto write = [&out](const SixGTransportBlockInfo& info)
    {
        info.WriteCsv(out);
    };
    for (uint32_t i = 0; i < m_bsDevices.GetN(); ++i)
    {
        DynamicCast<SixGBsNetDevice>(m_bsDevices.Get(i))
            ->GetMac()
            ->TraceConnectWithoutContext("TransportBlock",
                                         Callback<void, const SixGTransportBlockInfo&>(write));
    }
}

void
SixGHelper::EnablePcapInternal(std::string prefix,
                               Ptr<NetDevice> nd,
                               bool promiscuous,
                               bool explicitFilename)
{
    Ptr<SixGNetDevice> device = DynamicCast<SixGNetDevice>(nd);
    if (!device)
    {
        NS_LOG_INFO("SixGHelper::EnablePcapInternal: not a SixGNetDevice");
        return;
    }
    PcapHelper pcapHelper;
    std::string filename =
        explicitFilename ? prefix : pcapHelper.GetFilenameFromDevice(prefix, device);
    // No link-layer header: the files hold raw IP packets.
    Ptr<PcapFileWrapper> file = pcapHelper.CreateFile(filename, std::ios::out, PcapHelper::DLT_RAW);
    pcapHelper.HookDefaultSink<SixGNetDevice>(device,
                                              promiscuous ? "PromiscSniffer" : "Sniffer",
                                              file);
}

void
SixGHelper::EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                                std::string prefix,
                                Ptr<NetDevice> nd,
                                bool explicitFilename)
{
    Ptr<SixGNetDevice> device = DynamicCast<SixGNetDevice>(nd);
    if (!device)
    {
        NS_LOG_INFO("SixGHelper::EnableAsciiInternal: not a SixGNetDevice");
        return;
    }
    AsciiTraceHelper asciiTraceHelper;
    if (!stream)
    {
        std::string filename =
            explicitFilename ? prefix : asciiTraceHelper.GetFilenameFromDevice(prefix, device);
        stream = asciiTraceHelper.CreateFileStream(filename);
    }
    std::ostringstream context;
    context << "/NodeList/" << device->GetNode()->GetId() << "/DeviceList/" << device->GetIfIndex()
            << "/$ns3::SixGNetDevice/";
    // + accepted into a terminal buffer, - last byte sent, d dropped, r received.
    asciiTraceHelper.HookDefaultEnqueueSinkWithContext<SixGNetDevice>(device,
                                                                      context.str() + "MacTx",
                                                                      "MacTx",
                                                                      stream);
    asciiTraceHelper.HookDefaultDequeueSinkWithContext<SixGNetDevice>(device,
                                                                      context.str() + "PhyTxEnd",
                                                                      "PhyTxEnd",
                                                                      stream);
    asciiTraceHelper.HookDefaultDropSinkWithContext<SixGNetDevice>(device,
                                                                   context.str() + "MacTxDrop",
                                                                   "MacTxDrop",
                                                                   stream);
    asciiTraceHelper.HookDefaultReceiveSinkWithContext<SixGNetDevice>(device,
                                                                      context.str() + "MacRx",
                                                                      "MacRx",
                                                                      stream);
}

} // namespace ns3
