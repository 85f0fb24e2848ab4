/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The scenario of the network tests: the default scenario with no model (network-only mode,
// synthetic token counts) and some overrides.

#ifndef CE_LSLM_TEST_NETWORK_SCENARIO_UTILS_H
#define CE_LSLM_TEST_NETWORK_SCENARIO_UTILS_H

#include "ns3/scenario-config.h"

#include <string>
#include <vector>

namespace ce_lslm_test
{

/// The default scenario in network-only mode, synthetic workload, with \p overrides
/// ("key=value" each).
inline ns3::ScenarioConfig
NetworkOnlyConfig(const std::vector<std::string>& overrides)
{
    ns3::ConfigJson document = ns3::ConfigJson::object();
    ns3::ScenarioConfig::ApplyOverride(document, "mode=network-only");
    ns3::ScenarioConfig::ApplyOverride(document, "workload.source=synthetic");
    for (const auto& assignment : overrides)
    {
        ns3::ScenarioConfig::ApplyOverride(document, assignment);
    }
    return ns3::ScenarioConfig(document, "test");
}

} // namespace ce_lslm_test

#endif // CE_LSLM_TEST_NETWORK_SCENARIO_UTILS_H
