/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_RESULTS_WRITER_H
#define CE_LSLM_RESULTS_WRITER_H

#include "config-schema.h"
#include "scenario-runner.h"

#include <fstream>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Writes a run's output files into one directory: summary.json, requests.csv and the
 * opt-in traces. Every number is printed with a fixed format, so the same run gives
 * byte-identical files.
 *
 * I/O failures throw std::runtime_error naming the file.
 */
class ResultsWriter
{
  public:
    /**
     * \param directory output directory (created, with its parents, if missing)
     * \throw std::runtime_error if it cannot be created
     */
    explicit ResultsWriter(std::string directory);

    /**
     * \param file a file name
     * \return its path inside the output directory
     */
    std::string GetPath(const std::string& file) const;

    /**
     * \brief Open an output file for a trace written during the run.
     * \param file a file name
     * \return the open stream
     * \throw std::runtime_error if it cannot be opened
     */
    std::ofstream OpenFile(const std::string& file) const;

    /**
     * \brief Remove an output file left by an earlier run, if there is one.
     * \param file a file name
     * \throw std::runtime_error if it exists and cannot be removed
     */
    void RemoveFile(const std::string& file) const;

    /**
     * \param summary from BuildScenarioSummary()
     * \throw std::runtime_error on an I/O error
     */
    void WriteSummary(const ConfigJson& summary) const;

    /**
     * \param results what the run produced
     * \throw std::runtime_error on an I/O error
     */
    void WriteRequests(const ScenarioResults& results) const;

    /**
     * \brief Write requests.csv's content (header and one row per request, in issue order).
     * \param out destination
     * \param results what the run produced
     */
    static void WriteRequestsCsv(std::ostream& out, const ScenarioResults& results);

    /**
     * \brief Print the human-readable summary table that ce-lslm-sim shows.
     * \param out destination
     * \param summary from BuildScenarioSummary()
     */
    static void PrintSummaryTable(std::ostream& out, const ConfigJson& summary);

    /**
     * \brief Print several runs side by side (one column per run, e.g. per mode): requests,
     * latency, throughput, bytes per link, quality and compute.
     * \param out where to print
     * \param summaries the runs' summaries, as BuildScenarioSummary returns them
     * \param labels column headings, one per run (default, or missing: each run's mode)
     */
    static void PrintComparisonTable(std::ostream& out,
                                     const std::vector<ConfigJson>& summaries,
                                     const std::vector<std::string>& labels = {});

    /**
     * \brief Close \p stream and throw if anything written to it was lost.
     * \param stream an output file stream
     * \param path its path, for the message
     * \throw std::runtime_error
     */
    static void CloseChecked(std::ofstream& stream, const std::string& path);

  private:
    std::string m_directory; //!< output directory
};

} // namespace ns3

#endif // CE_LSLM_RESULTS_WRITER_H
