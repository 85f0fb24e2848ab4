/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-runner.h"

#include "ce-lslm-helper.h"

#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ScenarioRunner");

ScenarioRunner::ScenarioRunner(ScenarioConfig config)
    : m_config(std::move(config))
{
}

ScenarioResults
ScenarioRunner::Run(std::ostream* messageTrace, std::ostream* radioTrace)
{
    RngSeedManager::SetSeed(static_cast<uint32_t>(m_config.GetInt("simulation.seed")));
    RngSeedManager::SetRun(static_cast<uint64_t>(m_config.GetInt("simulation.run")));
    CeLslmHelper scenario(m_config);
    scenario.EnableMessageTrace(messageTrace);
    scenario.EnableRadioTrace(radioTrace);
    // An error while building or running (e.g. a corrupt answer store file met mid-run) still
    // tears the simulator down, so the process can run another scenario.
    try
    {
        scenario.Install();
        Simulator::Stop(scenario.GetStopTime());
        Simulator::Run();
        ScenarioResults results = scenario.Collect();
        Simulator::Destroy();
        return results;
    }
    catch (...)
    {
        Simulator::Destroy();
        throw;
    }
}

} // namespace ns3
