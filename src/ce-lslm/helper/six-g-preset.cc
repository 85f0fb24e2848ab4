/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-preset.h"

#include "ns3/abort.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGPreset");

const std::vector<SixGPreset>&
SixGPreset::GetAll()
{
    // Carriers and resource blocks follow TS 38.101-1/-2 (FR1 100 MHz at 30 kHz: 273 RBs;
    // 400 MHz at 120 kHz: 264 RBs; FR2-2 2 GHz at 960 kHz: 148 RBs); 800 MHz is two 400 MHz
    // carriers aggregated, modelled as one of 528 RBs. Overheads are TS 38.306's (FR1
    // 0.14/0.08, FR2 0.18/0.10 DL/UL). Powers, gains and noise figures are typical of
    // TR 38.901/38.802 evaluation assumptions and of sub-THz studies (see doc/ce-lslm.rst).
    static const std::vector<SixGPreset> presets = {
        {"fr1-100mhz",
         "3.5 GHz, 100 MHz, 30 kHz, UMa macro cell",
         3.5e9,
         100e6,
         1,
         273,
         "DDDSU",
         "uma",
         25.0,
         1.5,
         46.0,
         23.0,
         17.0,
         0.0,
         5.0,
         7.0,
         2,
         1,
         0.14,
         0.08},
        {"fr3-400mhz",
         "15 GHz (FR3), 400 MHz, 120 kHz, UMa macro cell",
         15e9,
         400e6,
         3,
         264,
         "DDDSU",
         "uma",
         25.0,
         1.5,
         46.0,
         23.0,
         24.0,
         5.0,
         6.0,
         8.0,
         2,
         1,
         0.18,
         0.10},
        {"mmwave-800mhz",
         "28 GHz, 2 x 400 MHz, 120 kHz, UMi street-canyon small cell",
         28e9,
         800e6,
         3,
         528,
         "DDDSU",
         "umi-street-canyon",
         10.0,
         1.5,
         35.0,
         20.0,
         26.0,
         10.0,
         7.0,
         10.0,
         2,
         1,
         0.18,
         0.10},
        {"subthz-2ghz",
         "140 GHz, 2 GHz, 960 kHz, street-level sub-THz small cell",
         140e9,
         2e9,
         6,
         148,
         "DDDSU",
         "sub-thz",
         10.0,
         1.5,
         30.0,
         20.0,
         30.0,
         18.0,
         10.0,
         12.0,
         2,
         1,
         0.18,
         0.10},
    };
    return presets;
}

std::vector<std::string>
SixGPreset::GetNames()
{
    std::vector<std::string> names;
    for (const SixGPreset& preset : GetAll())
    {
        names.push_back(preset.name);
    }
    return names;
}

const SixGPreset&
SixGPreset::Get(const std::string& name)
{
    for (const SixGPreset& preset : GetAll())
    {
        if (preset.name == name)
        {
            return preset;
        }
    }
    NS_ABORT_MSG("SixGPreset: unknown preset '" << name << "'");
    return GetAll().front();
}

std::string
SixGPreset::GetPathLossModel(const std::string& scenario)
{
    if (scenario == "uma")
    {
        return "ns3::ThreeGppUmaPropagationLossModel";
    }
    if (scenario == "umi-street-canyon")
    {
        return "ns3::ThreeGppUmiStreetCanyonPropagationLossModel";
    }
    if (scenario == "inh-office")
    {
        return "ns3::ThreeGppIndoorOfficePropagationLossModel";
    }
    NS_ABORT_MSG_UNLESS(scenario == "sub-thz", "SixGPreset: unknown scenario '" << scenario << "'");
    return "ns3::SubThzPropagationLossModel";
}

std::string
SixGPreset::GetConditionModel(const std::string& scenario)
{
    if (scenario == "uma")
    {
        return "ns3::ThreeGppUmaChannelConditionModel";
    }
    if (scenario == "inh-office")
    {
        return "ns3::ThreeGppIndoorMixedOfficeChannelConditionModel";
    }
    // Street canyon; the sub-THz cell uses its geometry too (the LOS probability of TR 38.901
    // depends on distance and heights only, not on frequency).
    NS_ABORT_MSG_UNLESS(scenario == "umi-street-canyon" || scenario == "sub-thz",
                        "SixGPreset: unknown scenario '" << scenario << "'");
    return "ns3::ThreeGppUmiStreetCanyonChannelConditionModel";
}

} // namespace ns3
