/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_RUNNER_H
#define CE_LSLM_SCENARIO_RUNNER_H

#include "edge-cloud-topology-helper.h"
#include "request-stats-collector.h"
#include "scenario-config.h"

#include "ns3/application-container.h"
#include "ns3/nstime.h"

#include <array>
#include <ostream>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Everything one scenario run produced, ready to be summarized and written.
 */
struct ScenarioResults
{
    ScenarioConfig config;               //!< the resolved configuration
    std::vector<RequestRecord> requests; //!< in issue order
    std::array<LinkCounters, RequestStatsCollector::LINK_COUNT> links; //!< per link class
    uint64_t protocolErrors{0}; //!< malformed or unexpected messages seen by any application
    Time arrivalWindowEnd;      //!< end of the arrival window (simulation.duration_s)
    Time end;                   //!< simulated time when the run stopped
};

/**
 * \ingroup ce-lslm
 * \brief Turns a scenario configuration into an ns-3 simulation, runs it and collects the
 * results: what ce-lslm-sim does for one configuration.
 *
 * Sets the global ns-3 state the scenario needs (RngSeed, RngRun, TCP defaults), builds the
 * topology with EdgeCloudTopologyHelper, installs the applications with their helpers, fixes
 * every random stream, runs until the arrival window plus the drain time has passed, and
 * destroys the simulator, so a process can run several scenarios one after the other.
 */
class ScenarioRunner
{
  public:
    /// \param config the scenario
    explicit ScenarioRunner(ScenarioConfig config);

    /**
     * \brief Build, run and collect.
     * \param messageTrace where to write messages.csv rows, or nullptr
     * \return the results
     */
    ScenarioResults Run(std::ostream* messageTrace = nullptr);

    /// TCP port of the edge nodes' terminal-facing server.
    static constexpr uint16_t EDGE_PORT = 7000;
    /// TCP port of the cloud node's edge-facing server.
    static constexpr uint16_t CLOUD_PORT = 7100;

  private:
    /// Apply RngSeed, RngRun and the TCP defaults from the configuration.
    void ConfigureGlobals() const;
    /**
     * \param prefix "topology.access" or "topology.backhaul"
     * \return that link's parameters
     */
    PointToPointLinkParameters LinkParameters(const std::string& prefix) const;

    /**
     * \brief Install the cloud application and hook it to \p collector.
     * \param topology the built topology
     * \param collector the statistics collector
     * \return the application
     */
    ApplicationContainer InstallCloud(const EdgeCloudTopologyHelper& topology,
                                      RequestStatsCollector& collector) const;
    /**
     * \brief Install one edge application per edge node and hook them and the backhaul
     * devices to \p collector.
     * \param topology the built topology
     * \param collector the statistics collector
     * \return the applications, in edge order
     */
    ApplicationContainer InstallEdges(const EdgeCloudTopologyHelper& topology,
                                      RequestStatsCollector& collector) const;
    /**
     * \brief Install one terminal application per terminal node, fix their random streams
     * and hook them and the access devices to \p collector.
     * \param topology the built topology
     * \param collector the statistics collector
     * \return the applications, in terminal order
     */
    ApplicationContainer InstallTerminals(const EdgeCloudTopologyHelper& topology,
                                          RequestStatsCollector& collector) const;

    ScenarioConfig m_config; //!< the scenario
};

} // namespace ns3

#endif // CE_LSLM_SCENARIO_RUNNER_H
