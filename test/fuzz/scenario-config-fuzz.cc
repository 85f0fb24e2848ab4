/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Fuzz target: the scenario configuration as a user writes it. The input up to the first NUL
// byte is the JSON document; every NUL-separated piece after it is a --set "dotted.key=value"
// override. The document is parsed, the overrides applied and the result validated against the
// schema, as ce-lslm-sim does before it builds anything (no file, model or simulation is
// touched). A ConfigError is the expected refusal; anything else escapes and is a finding.

#include "fuzz-support.h"

#include "ns3/config-error.h"
#include "ns3/scenario-config.h"

#include <cstdint>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::size_t end = input.find('\0');
    try
    {
        ns3::ConfigJson document =
            ns3::ScenarioConfig::ParseDocument(input.substr(0, end), "fuzz.json");
        while (end != std::string::npos)
        {
            const std::size_t next = input.find('\0', end + 1);
            ns3::ScenarioConfig::ApplyOverride(document, input.substr(end + 1, next - end - 1));
            end = next;
        }
        const ns3::ScenarioConfig config(document, "fuzz.json");
        // The resolved configuration is written to every summary.json: it must serialize.
        config.GetJson().dump();
    }
    catch (const ns3::ConfigError& error)
    {
        ce_lslm_fuzz::Refused(error.what()); // the runner prints it as is
    }
    return 0;
}
