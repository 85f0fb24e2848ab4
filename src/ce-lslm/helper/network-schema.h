/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_NETWORK_SCHEMA_H
#define CE_LSLM_NETWORK_SCHEMA_H

#include "config-schema.h"

namespace ns3
{

/**
 * \brief The "topology" section of a scenario: nodes, the 6G radio access, and the
 * point-to-point access, backhaul and edge-edge links with their queues.
 * \return the section's schema
 */
ConfigSchema TopologySchema();

/**
 * \brief The "transport" section of a scenario: TCP (variant, segment size, buffers, timers)
 * and message framing.
 * \return the section's schema
 */
ConfigSchema TransportSchema();

} // namespace ns3

#endif // CE_LSLM_NETWORK_SCHEMA_H
