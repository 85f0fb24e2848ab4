/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "cloud-app-helper.h"

#include "ns3/uinteger.h"

namespace ns3
{

CloudAppHelper::CloudAppHelper(uint16_t port)
    : CeAppHelper("ns3::CloudApp")
{
    SetAttribute("Port", UintegerValue(port));
}

} // namespace ns3
