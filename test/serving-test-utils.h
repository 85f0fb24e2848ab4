/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SERVING_TEST_UTILS_H
#define CE_LSLM_SERVING_TEST_UTILS_H

// Small trace workloads and scenarios with the real models, shared by the serving and CE-LSLM
// suites.

#include "test-utils.h"

#include "ns3/results-writer.h"
#include "ns3/scenario-config.h"
#include "ns3/scenario-runner.h"

#include <sstream>
#include <string>
#include <vector>

namespace ce_lslm_test
{

using ns3::ConfigJson;
using ns3::ScenarioConfig;
using ns3::ScenarioResults;
using ns3::ScenarioRunner;

/// One line of a workload trace (JSONL); \p timing is appended inside the object (e.g.
/// ", \"arrival_s\": 0.5") when not empty.
inline std::string
WorkloadLine(int id,
             const std::string& name,
             const std::string& context,
             const std::string& query,
             const std::string& continuation,
             const std::string& timing = "")
{
    std::ostringstream line;
    line << "{\"id\": " << id << ", \"context_id\": \"" << name << "\", \"context\": \"" << context
         << "\", \"query\": \"" << query << "\", \"continuation\": \"" << continuation
         << "\", \"answer_tokens\": " << continuation.size() << timing << "}\n";
    return line.str();
}

/// A small workload: short texts keep the executed models fast.
inline std::string
WriteWorkload(const std::string& dir, bool timed = false)
{
    const std::string first = "The city council met on Monday to discuss the new budget. ";
    const std::string second = "Rain fell over the valley for three days and the river rose. ";
    const std::string lines = WorkloadLine(0,
                                           "a",
                                           first,
                                           "The mayor said that",
                                           " the plan would cut taxes.",
                                           timed ? ", \"arrival_s\": 0.5" : "")
                              + WorkloadLine(1,
                                             "a",
                                             first,
                                             "Members of the council",
                                             " voted against it.",
                                             timed ? ", \"arrival_s\": 0.7, \"terminal\": 1" : "")
                              + WorkloadLine(2,
                                             "b",
                                             second,
                                             "Farmers in the north",
                                             " lost most of their crops.",
                                             timed ? ", \"arrival_s\": 0.6" : "");
    const std::string path = dir + "/small.jsonl";
    WriteFile(path, lines);
    return path;
}

/// The scenario of these tests: point-to-point access, the small workload.
inline ConfigJson
Scenario(const std::string& workload, const std::vector<std::string>& overrides)
{
    ConfigJson document = ConfigJson::object();
    for (const auto& assignment : {"topology.radio.enabled=false",
                                   "simulation.duration_s=4",
                                   "simulation.drain_s=20",
                                   "topology.terminals=2",
                                   "workload.arrival_rate_per_s=1"})
    {
        ScenarioConfig::ApplyOverride(document, assignment);
    }
    ScenarioConfig::ApplyOverride(document, "workload.trace=" + workload);
    for (const auto& assignment : overrides)
    {
        ScenarioConfig::ApplyOverride(document, assignment);
    }
    return document;
}

inline ScenarioResults
RunScenario(const std::string& workload, const std::vector<std::string>& overrides)
{
    return ScenarioRunner(ScenarioConfig(Scenario(workload, overrides), "test")).Run();
}

inline std::string
RequestsCsv(const ScenarioResults& results)
{
    std::ostringstream csv;
    ns3::ResultsWriter::WriteRequestsCsv(csv, results);
    return csv.str();
}

} // namespace ce_lslm_test

#endif // CE_LSLM_SERVING_TEST_UTILS_H
