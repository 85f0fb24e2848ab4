/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "cloud-app-helper.h"

#include "ns3/log.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CloudAppHelper");

CloudAppHelper::CloudAppHelper(uint16_t port)
    : CeAppHelper("ns3::CloudApp")
{
    SetAttribute("Port", UintegerValue(port));
}

} // namespace ns3
