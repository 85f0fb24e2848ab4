/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FAULT_SCHEMA_H
#define CE_LSLM_FAULT_SCHEMA_H

#include "config-schema.h"

namespace ns3
{

/**
 * \brief The "faults" section of a scenario: which faults happen, on a schedule or at random,
 * and how hard they hit (see FaultInjector).
 * \return the section's schema
 */
ConfigSchema FaultsSchema();

/**
 * \brief The "recovery" section of a scenario: retries, reconnection, timeouts and the
 * fallbacks of each mode.
 * \return the section's schema
 */
ConfigSchema RecoverySchema();

} // namespace ns3

#endif // CE_LSLM_FAULT_SCHEMA_H
