/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-sim: runs one ce-lslm scenario and writes summary.json and requests.csv (and, opt-in,
// messages.csv and radio-slots.csv).
//
// Exit codes: 0 success, 1 runtime error (e.g. an output file cannot be written),
// 2 bad command line or configuration.

#include "ns3/config-error.h"
#include "ns3/results-writer.h"
#include "ns3/scenario-config.h"
#include "ns3/scenario-runner.h"
#include "ns3/scenario-schema.h"
#include "ns3/scenario-summary.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace ns3;

namespace
{

constexpr int kExitRuntimeError = 1;
constexpr int kExitUsageError = 2;

/// What the command line asked for.
struct Options
{
    std::optional<std::string> configFile; //!< --config
    std::vector<std::string> overrides;    //!< --set, in order
    std::optional<std::string> outDir;     //!< --out
    std::optional<std::string> run;        //!< --run
    std::optional<std::string> seed;       //!< --seed
    std::optional<std::string> modes;      //!< --modes
    bool printConfig{false};               //!< --print-config
    bool reference{false};                 //!< --config-reference
    bool quiet{false};                     //!< --quiet
    bool help{false};                      //!< --help
};

po::options_description
Describe()
{
    po::options_description options(
        "Usage: ce-lslm-sim [options]\n\n"
        "Runs one ce-lslm scenario (the embedded default scenario when no --config is given)\n"
        "and writes summary.json and requests.csv to the output directory.\n\n"
        "Options");
    options.add_options()("help,h", "print this help and exit")(
        "config,c",
        po::value<std::string>()->value_name("FILE"),
        "scenario file (JSON); keys are listed by --config-reference")(
        "set,s",
        po::value<std::vector<std::string>>()->value_name("KEY=VALUE")->composing(),
        "override one configuration key, e.g. --set topology.terminals=8 (repeatable; "
        "applied after --config, in order)")("out,o",
                                             po::value<std::string>()->value_name("DIR"),
                                             "output directory (overrides output.dir)")(
        "run",
        po::value<std::string>()->value_name("N"),
        "ns-3 RngRun: the replica number (overrides simulation.run)")(
        "seed",
        po::value<std::string>()->value_name("N"),
        "ns-3 RngSeed (overrides simulation.seed)")(
        "modes",
        po::value<std::string>()->value_name("A,B,..."),
        "run the same scenario (workload, seed) once per inference mode, writing each to "
        "DIR/<mode>/, and print them side by side, e.g. --modes cloud-only,edge-only; an entry "
        "may add its own overrides, MODE@KEY=VALUE[@KEY=VALUE...], e.g. "
        "ce-collm@ce_collm.threshold=0.9")(
        "print-config",
        "print the fully resolved configuration (defaults filled in) and exit")(
        "config-reference",
        "print the reference of every configuration key (reStructuredText) and exit")(
        "quiet,q",
        "do not print the summary table");
    return options;
}

Options
ParseCommandLine(int argc, char** argv, const po::options_description& description)
{
    po::variables_map values;
    // No positional arguments: a stray word is an error, not silently ignored.
    po::store(po::command_line_parser(argc, argv)
                  .options(description)
                  .positional(po::positional_options_description())
                  .run(),
              values);
    po::notify(values);
    Options options;
    auto optional = [&values](const char* name) -> std::optional<std::string>
    {
        return values.count(name) ? std::optional(values[name].as<std::string>()) : std::nullopt;
    };
    options.configFile = optional("config");
    options.outDir = optional("out");
    options.run = optional("run");
    options.seed = optional("seed");
    options.modes = optional("modes");
    if (values.count("set"))
    {
        options.overrides = values["set"].as<std::vector<std::string>>();
    }
    options.printConfig = values.count("print-config") > 0;
    options.reference = values.count("config-reference") > 0;
    options.quiet = values.count("quiet") > 0;
    options.help = values.count("help") > 0;
    return options;
}

/// The scenario: file (or default), then --set overrides, then --run/--seed/--out;
/// \p source receives its description for error messages.
ConfigJson
ResolveDocument(const Options& options, std::string& source)
{
    ConfigJson document = options.configFile ? ScenarioConfig::ReadDocument(*options.configFile)
                                             : ConfigJson::object();
    for (const auto& assignment : options.overrides)
    {
        ScenarioConfig::ApplyOverride(document, assignment);
    }
    if (options.run)
    {
        ScenarioConfig::SetText(document, "simulation.run", *options.run, "--run");
    }
    if (options.seed)
    {
        ScenarioConfig::SetText(document, "simulation.seed", *options.seed, "--seed");
    }
    if (options.outDir)
    {
        ScenarioConfig::SetText(document, "output.dir", *options.outDir, "--out");
    }
    source = options.configFile.value_or("default scenario");
    if (!options.overrides.empty() || options.run || options.seed || options.outDir)
    {
        source += " with command-line overrides";
    }
    return document;
}

/**
 * \brief Apply one --modes entry, MODE[@KEY=VALUE...], to a scenario document: its mode and its
 * own overrides (e.g. ce-collm@ce_collm.threshold=0.9).
 * \param document the scenario
 * \param entry the entry
 * \throw ConfigError naming the key for an unknown mode, key or value
 */
void
ApplyModeEntry(ConfigJson& document, const std::string& entry)
{
    std::stringstream parts(entry);
    std::string part;
    std::getline(parts, part, '@');
    ScenarioConfig::SetText(document, "mode", part, "--modes");
    while (std::getline(parts, part, '@'))
    {
        const std::size_t equals = part.find('=');
        if (equals == std::string::npos || equals == 0)
        {
            throw ConfigError("mode",
                              "'" + part + "' in '" + entry + "' is not KEY=VALUE",
                              "--modes");
        }
        ScenarioConfig::SetText(document,
                                part.substr(0, equals),
                                part.substr(equals + 1),
                                "--modes");
    }
}

/// \return the entries of --modes (MODE[@KEY=VALUE...]), each checked against the schema,
/// without duplicates
std::vector<std::string>
ParseModes(const std::string& list)
{
    std::vector<std::string> modes;
    std::stringstream stream(list);
    std::string mode;
    while (std::getline(stream, mode, ','))
    {
        ConfigJson probe = ConfigJson::object();
        ApplyModeEntry(probe, mode);
        if (std::find(modes.begin(), modes.end(), mode) != modes.end())
        {
            throw ConfigError("mode", "'" + mode + "' is listed twice", "--modes");
        }
        modes.push_back(mode);
    }
    if (modes.empty())
    {
        throw ConfigError("mode", "no mode given", "--modes");
    }
    return modes;
}

/// Open trace \p file when \p enabled, else remove what an earlier run left there.
std::ofstream
OpenTrace(const ResultsWriter& writer, const std::string& file, bool enabled)
{
    if (enabled)
    {
        return writer.OpenFile(file);
    }
    writer.RemoveFile(file);
    return std::ofstream();
}

/// Run the scenario and write its outputs.
/// \return its summary
ConfigJson
RunScenario(const ScenarioConfig& config, bool quiet)
{
    auto wallStart = std::chrono::steady_clock::now();
    ResultsWriter writer(config.GetString("output.dir"));
    // Opt-in traces; an earlier run's trace never stays beside this run's outputs.
    std::ofstream messages =
        OpenTrace(writer, "messages.csv", config.GetBool("output.messages_trace"));
    std::ofstream radio =
        OpenTrace(writer, "radio-slots.csv", config.GetBool("output.radio_trace"));
    ScenarioResults results = ScenarioRunner(config).Run(messages.is_open() ? &messages : nullptr,
                                                         radio.is_open() ? &radio : nullptr);
    for (auto [stream, file] : {std::pair{&messages, "messages.csv"}, {&radio, "radio-slots.csv"}})
    {
        if (stream->is_open())
        {
            ResultsWriter::CloseChecked(*stream, writer.GetPath(file));
        }
    }
    ConfigJson summary = BuildScenarioSummary(results);
    writer.WriteSummary(summary);
    writer.WriteRequests(results);
    if (!quiet)
    {
        ResultsWriter::PrintSummaryTable(std::cout, summary);
        double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        std::printf("outputs     %s, %s (wall time %.2f s)\n",
                    writer.GetPath("summary.json").c_str(),
                    writer.GetPath("requests.csv").c_str(),
                    wall);
    }
    return summary;
}

/// Run the scenario once per mode into DIR/<mode>/ and print them side by side.
void
RunModes(const ConfigJson& document,
         const std::string& source,
         const std::vector<std::string>& modes,
         bool quiet)
{
    const std::string base = ScenarioConfig(document, source).GetString("output.dir");
    std::vector<ConfigJson> summaries;
    for (const auto& mode : modes)
    {
        ConfigJson variant = document;
        ApplyModeEntry(variant, mode);
        ScenarioConfig::SetText(variant, "output.dir", base + "/" + mode, "--modes");
        auto start = std::chrono::steady_clock::now();
        summaries.push_back(RunScenario(ScenarioConfig(variant, source), true));
        if (!quiet)
        {
            double wall =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("%-14s outputs in %s/%s/ (wall time %.2f s)\n",
                        mode.c_str(),
                        base.c_str(),
                        mode.c_str(),
                        wall);
        }
    }
    if (!quiet)
    {
        std::cout << "\n";
        ResultsWriter::PrintComparisonTable(std::cout, summaries, modes);
    }
}

int
Main(int argc, char** argv)
{
    po::options_description description = Describe();
    Options options = ParseCommandLine(argc, argv, description);
    if (options.help)
    {
        std::cout << description << "\nExit status: 0 success, 1 runtime error, "
                  << "2 bad command line or configuration.\n";
        return 0;
    }
    if (options.reference)
    {
        WriteScenarioReference(std::cout);
        return 0;
    }
    std::string source;
    ConfigJson document = ResolveDocument(options, source);
    if (options.modes)
    {
        if (options.printConfig)
        {
            throw ConfigError("mode", "cannot be combined with --print-config", "--modes");
        }
        RunModes(document, source, ParseModes(*options.modes), options.quiet);
        return 0;
    }
    ScenarioConfig config(document, source);
    if (options.printConfig)
    {
        std::cout << config.GetJson().dump(2) << '\n';
        return 0;
    }
    RunScenario(config, options.quiet);
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    try
    {
        return Main(argc, argv);
    }
    catch (const ConfigError& error)
    {
        std::cerr << "ce-lslm-sim: error: " << error.what() << '\n';
        return kExitUsageError;
    }
    catch (const po::error& error)
    {
        std::cerr << "ce-lslm-sim: error: " << error.what() << " (see --help)\n";
        return kExitUsageError;
    }
    catch (const std::exception& error)
    {
        std::cerr << "ce-lslm-sim: error: " << error.what() << '\n';
        return kExitRuntimeError;
    }
}
