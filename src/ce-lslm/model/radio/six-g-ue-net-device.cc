/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-ue-net-device.h"

#include "six-g-bs-net-device.h"
#include "six-g-cell-mac.h"
#include "six-g-channel.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGUeNetDevice");

NS_OBJECT_ENSURE_REGISTERED(SixGUeNetDevice);

TypeId
SixGUeNetDevice::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SixGUeNetDevice")
                            .SetParent<SixGNetDevice>()
                            .SetGroupName("CeLslm")
                            .AddConstructor<SixGUeNetDevice>();
    return tid;
}

SixGUeNetDevice::SixGUeNetDevice() = default;

SixGUeNetDevice::~SixGUeNetDevice() = default;

void
SixGUeNetDevice::DoDispose()
{
    m_bs = nullptr;
    m_uplink = nullptr;
    SixGNetDevice::DoDispose();
}

void
SixGUeNetDevice::AttachTo(Ptr<SixGBsNetDevice> bs, uint32_t rnti, Ptr<SixGLink> uplink)
{
    NS_ABORT_MSG_IF(m_bs, "SixGUeNetDevice: already attached to a base station");
    m_bs = bs;
    m_rnti = rnti;
    m_uplink = uplink;
    SetSixGChannel(bs->GetSixGChannel());
    bs->GetSixGChannel()->AddDevice(this);
}

Ptr<SixGBsNetDevice>
SixGUeNetDevice::GetBs() const
{
    return m_bs;
}

uint32_t
SixGUeNetDevice::GetRnti() const
{
    return m_rnti;
}

bool
SixGUeNetDevice::Send(Ptr<Packet> packet, const Address& /* dest */, uint16_t protocolNumber)
{
    if (!m_uplink)
    {
        m_macTxTrace(packet);
        m_macTxDropTrace(packet);
        NS_LOG_WARN("terminal not attached to a base station; packet dropped");
        return false;
    }
    bool accepted = Enqueue(m_uplink, packet, protocolNumber);
    m_bs->GetMac()->NotifyBacklog();
    return accepted;
}

} // namespace ns3
