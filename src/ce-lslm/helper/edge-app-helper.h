/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EDGE_APP_HELPER_H
#define CE_LSLM_EDGE_APP_HELPER_H

#include "ce-app-helper.h"

#include "ns3/address.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Installs EdgeApps that accept terminals on a port and reach a given cloud.
 */
class EdgeAppHelper : public CeAppHelper
{
  public:
    /**
     * \param port TCP port on which terminals connect
     * \param cloud address (InetSocketAddress) of the cloud's edge port
     */
    EdgeAppHelper(uint16_t port, const Address& cloud);
};

} // namespace ns3

#endif // CE_LSLM_EDGE_APP_HELPER_H
