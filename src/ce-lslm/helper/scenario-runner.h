/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_RUNNER_H
#define CE_LSLM_SCENARIO_RUNNER_H

#include "edge-cloud-topology-helper.h"
#include "inference-service-helper.h"
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
 * Sets the global ns-3 state the scenario needs (RngSeed, RngRun, TCP defaults), builds the
 * topology with EdgeCloudTopologyHelper (6G radio or point-to-point access), installs the
 * applications with their helpers, fixes every random stream, runs until the arrival window plus
 * the drain time has passed, and destroys the simulator, so a process can run several scenarios one
 * after the other.
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
    /// Apply RngSeed, RngRun and the TCP defaults from the configuration.
    void ConfigureGlobals() const;
    /**
     * \param prefix "topology.access" or "topology.backhaul"
     * \return that link's parameters
     */
    PointToPointLinkParameters LinkParameters(const std::string& prefix) const;
    /**
     * \brief Configure the 6G radio access from topology.radio, if it is enabled.
     * \param topology the topology to configure
     */
    void ConfigureRadio(EdgeCloudTopologyHelper& topology) const;

    /**
     * \brief Set the service's workload and application attributes from the configuration.
     * \param service the helper to configure
     */
    void ConfigureService(InferenceServiceHelper& service) const;

    ScenarioConfig m_config; //!< the scenario
};

} // namespace ns3

#endif // CE_LSLM_SCENARIO_RUNNER_H
