/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_MODE_SCHEMA_H
#define CE_LSLM_MODE_SCHEMA_H

#include "config-schema.h"

namespace ns3
{

/**
 * \brief The "ce_lslm" section of a scenario: the KV alignment, the pipeline schedule, the
 * split, the codecs and the context KV stores of the ce-lslm mode.
 * \return the section's schema
 */
ConfigSchema CeLslmSchema();

/**
 * \brief The "ce_collm" section of a scenario: the split layer, the exit heads, the exit
 * threshold and the hidden states' precision of the ce-collm modes.
 * \return the section's schema
 */
ConfigSchema CeCollmSchema();

} // namespace ns3

#endif // CE_LSLM_MODE_SCHEMA_H
