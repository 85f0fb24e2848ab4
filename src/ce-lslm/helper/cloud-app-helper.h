/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CLOUD_APP_HELPER_H
#define CE_LSLM_CLOUD_APP_HELPER_H

#include "ce-app-helper.h"

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Installs CloudApps that accept edges on a port.
 */
class CloudAppHelper : public CeAppHelper
{
  public:
    /// \param port TCP port on which edges connect
    explicit CloudAppHelper(uint16_t port);
};

} // namespace ns3

#endif // CE_LSLM_CLOUD_APP_HELPER_H
