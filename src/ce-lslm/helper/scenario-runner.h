/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_RUNNER_H
#define CE_LSLM_SCENARIO_RUNNER_H

#include "scenario-config.h"
#include "scenario-results.h"

#include <ostream>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Turns a scenario configuration into an ns-3 simulation, runs it and collects the
 * results: what ce-lslm-sim does for one configuration.
 *
 * Sets RngSeed and RngRun from the configuration, builds the scenario with CeLslmHelper (which
 * applies the TCP defaults, builds the topology, loads the models and workload and installs
 * the applications of the mode), runs until the arrival window plus the drain time has
 * passed, and destroys the simulator, so a process can run several scenarios one after the
 * other.
 */
class ScenarioRunner
{
  public:
    /// \param config the scenario
    explicit ScenarioRunner(ScenarioConfig config);

    /**
     * \brief Build, run and collect.
     * \param messageTrace where to write messages.csv rows, or nullptr
     * \param radioTrace where to write radio-slots.csv rows (one per transport block), or
     * nullptr; needs the radio access
     * \return the results
     */
    ScenarioResults Run(std::ostream* messageTrace = nullptr, std::ostream* radioTrace = nullptr);

  private:
    ScenarioConfig m_config; //!< the scenario
};

} // namespace ns3

#endif // CE_LSLM_SCENARIO_RUNNER_H
