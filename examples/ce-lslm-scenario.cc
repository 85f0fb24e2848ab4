/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-scenario: a whole cloud-edge inference scenario from an ns-3 program in a few lines,
// with CeLslmHelper. It runs the default scenario (6G radio, trained models, Brown workload)
// or a scenario file, lets ns-3's CommandLine change the mode and size, follows one trace
// source of its own and prints the summary.
//
//   build/bin/ce-lslm-scenario --mode=edge-only --terminals=8 --RngRun=3

#include "ns3/ce-lslm-helper.h"
#include "ns3/command-line.h"
#include "ns3/core-module.h"
#include "ns3/results-writer.h"
#include "ns3/scenario-summary.h"
#include "ns3/terminal-app.h"

#include <iostream>

using namespace ns3;

namespace
{

uint64_t g_firstTokens = 0; //!< first tokens seen by our own trace sink

/// Our own sink on TerminalApp's "TokenReceived" trace source.
void
TokenReceived(uint64_t /* requestId */, uint32_t index)
{
    g_firstTokens += index == 0 ? 1 : 0;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string file;
    std::string mode = "cloud-only";
    uint32_t terminals = 4;
    double duration = 10;
    CommandLine cmd(__FILE__);
    cmd.AddValue("config", "scenario file (JSON; default: the default scenario)", file);
    std::string modes;
    for (const std::string& name : InferenceMode::Names())
    {
        modes += (modes.empty() ? "" : ", ") + name;
    }
    cmd.AddValue("mode", "inference mode: " + modes, mode);
    cmd.AddValue("terminals", "number of terminals", terminals);
    cmd.AddValue("duration", "arrival window, in s", duration);
    cmd.Parse(argc, argv);

    try
    {
        // 1. The scenario: a file or the defaults, plus this program's choices.
        ConfigJson document =
            file.empty() ? ConfigJson::object() : ScenarioConfig::ReadDocument(file);
        ScenarioConfig::SetText(document, "mode", mode, "--mode");
        ScenarioConfig::SetValue(document, "topology.terminals", terminals, "--terminals");
        ScenarioConfig::SetValue(document, "simulation.duration_s", duration, "--duration");
        // ns-3's own --RngRun and --RngSeed choose the replica; the scenario records them.
        ScenarioConfig::SetValue(document, "simulation.run", RngSeedManager::GetRun(), "--RngRun");
        ScenarioConfig::SetValue(document,
                                 "simulation.seed",
                                 RngSeedManager::GetSeed(),
                                 "--RngSeed");
        ScenarioConfig config(document, file.empty() ? "default scenario" : file);

        // 2. Build it: nodes, radio, models, applications.
        CeLslmHelper ce(config);
        ce.Install();
        Config::ConnectWithoutContext(
            "/NodeList/*/ApplicationList/*/$ns3::TerminalApp/TokenReceived",
            MakeCallback(&TokenReceived));

        // 3. Run and report.
        Simulator::Stop(ce.GetStopTime());
        Simulator::Run();
        ScenarioResults results = ce.Collect();
        Simulator::Destroy();
        ResultsWriter::PrintSummaryTable(std::cout, BuildScenarioSummary(results));
        std::cout << "our trace sink saw " << g_firstTokens << " first tokens\n";
    }
    catch (const ConfigError& error)
    {
        std::cerr << "ce-lslm-scenario: error: " << error.what() << '\n';
        return 2;
    }
    return 0;
}
