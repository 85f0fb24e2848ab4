/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_SUMMARY_H
#define CE_LSLM_SCENARIO_SUMMARY_H

#include "config-schema.h"
#include "scenario-runner.h"

#include <optional>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Mean and percentiles of a sample (e.g. the TTFTs of all completed requests).
 */
struct SampleStatistics
{
    std::size_t count{0}; //!< number of samples
    double mean{0};       //!< arithmetic mean
    double p50{0};        //!< median
    double p95{0};        //!< 95th percentile
    double p99{0};        //!< 99th percentile

    /**
     * \brief Percentiles interpolate linearly between closest ranks (numpy's default), so
     * scripts that recompute them from requests.csv get the same numbers.
     * \param samples the values, in any order
     * \return the statistics, or nullopt for an empty sample
     */
    static std::optional<SampleStatistics> Compute(std::vector<double> samples);

    /**
     * \param sorted values in ascending order (not empty)
     * \param q quantile in [0, 1]
     * \return the interpolated quantile
     */
    static double Quantile(const std::vector<double>& sorted, double q);
};

/**
 * \brief Build summary.json from a run's results (the output contract of doc/ce-lslm.rst).
 * \param results what the run produced
 * \return the summary, including the resolved configuration
 */
ConfigJson BuildScenarioSummary(const ScenarioResults& results);

} // namespace ns3

#endif // CE_LSLM_SCENARIO_SUMMARY_H
