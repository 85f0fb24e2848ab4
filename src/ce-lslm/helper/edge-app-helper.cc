/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "edge-app-helper.h"

#include "ns3/log.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EdgeAppHelper");

EdgeAppHelper::EdgeAppHelper(uint16_t port, const Address& cloud)
    : CeAppHelper("ns3::EdgeApp")
{
    SetAttribute("Port", UintegerValue(port));
    SetAttribute("Cloud", AddressValue(cloud));
}

} // namespace ns3
