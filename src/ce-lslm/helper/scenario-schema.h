/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_SCHEMA_H
#define CE_LSLM_SCENARIO_SCHEMA_H

#include "config-schema.h"

#include <ostream>

namespace ns3
{

/**
 * \brief The schema of a ce-lslm scenario file: every key the runner understands, with its
 * default, allowed range, unit and meaning.
 *
 * The default scenario is this schema's defaults. doc/config-reference.rst is generated from
 * it (ce-lslm-sim --config-reference), and a test keeps the two identical.
 * \return the schema (built once)
 */
const ConfigSchema& ScenarioSchema();

/**
 * \brief Write the configuration reference (doc/config-reference.rst): one table row per key
 * with its type, default, allowed values and meaning.
 * \param out destination
 */
void WriteScenarioReference(std::ostream& out);

} // namespace ns3

#endif // CE_LSLM_SCENARIO_SCHEMA_H
