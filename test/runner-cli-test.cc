/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-sim as users run it: exit codes, error messages, printed configuration, output
// files, and bit-for-bit reproducibility across processes.

#include "test-utils.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using ce_lslm_test::Binary;
using ce_lslm_test::CommandResult;
using ce_lslm_test::FreshTestDir;
using ce_lslm_test::ReadFile;
using ce_lslm_test::RunCommand;
using ce_lslm_test::WriteFile;

namespace
{

/// Run ce-lslm-sim with \p arguments.
CommandResult
Sim(const std::string& arguments)
{
    return RunCommand(Binary("ce-lslm-sim") + " " + arguments);
}

/// Run ce-lslm-sim with \p arguments; expect exit status \p exitCode and \p text in its output.
void
ExpectExit(const std::string& arguments, int exitCode, const std::string& text)
{
    CommandResult result = Sim(arguments);
    EXPECT_EQ(result.exitCode, exitCode) << result.output;
    EXPECT_NE(result.output.find(text), std::string::npos)
        << "expected: " << text << "\noutput: " << result.output;
}

/// Arguments for a short run writing to \p dir.
std::string
ShortRun(const std::string& dir)
{
    return "--quiet --set simulation.duration_s=2 --set topology.terminals=3 --out " + dir;
}

} // namespace

TEST(RunnerCliTest, MisspeltKeyExitsTwoNamingTheKey)
{
    std::string dir = FreshTestDir();
    WriteFile(dir + "/bad.json", R"({"topology": {"terminls": 4}})");
    ExpectExit("--config " + dir + "/bad.json",
               2,
               "bad.json: 'topology.terminls': unknown key; did you mean 'topology.terminals'?");
}

TEST(RunnerCliTest, OutOfRangeValueExitsTwoWithRange)
{
    ExpectExit("--set topology.access.loss_rate=2",
               2,
               "--set topology.access.loss_rate=2: 'topology.access.loss_rate"
               "': value 2 is out of range [0, 0.5]");
}

TEST(RunnerCliTest, InvalidJsonExitsTwoWithPosition)
{
    std::string dir = FreshTestDir();
    WriteFile(dir + "/broken.json", "{\"mode\": }");
    ExpectExit("--config " + dir + "/broken.json", 2, "invalid JSON at line 1, column 10");
}

TEST(RunnerCliTest, MissingConfigFileExitsTwo)
{
    ExpectExit("--config /nonexistent.json", 2, "/nonexistent.json: cannot open config file");
}

TEST(RunnerCliTest, UnknownOptionAndBadRunExitTwo)
{
    EXPECT_EQ(Sim("--no-such-option").exitCode, 2);
    EXPECT_EQ(Sim("stray-word").exitCode, 2);
    ExpectExit("--run -3 --print-config", 2, "--run: 'simulation.run': value -3 is out of range");
}

TEST(RunnerCliTest, HelpListsTheOptions)
{
    CommandResult result = Sim("--help");
    EXPECT_EQ(result.exitCode, 0);
    for (const char* option : {"--config", "--set", "--out", "--run", "--seed", "--print-config"})
    {
        EXPECT_NE(result.output.find(option), std::string::npos) << option;
    }
}

TEST(RunnerCliTest, PrintConfigShowsResolvedConfiguration)
{
    CommandResult result =
        Sim("--set topology.terminals=7 --run 5 --seed 9 --out /tmp/x --print-config");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    nlohmann::json config = nlohmann::json::parse(result.output);
    EXPECT_EQ(config["topology"]["terminals"], 7);
    EXPECT_EQ(config["simulation"]["run"], 5);
    EXPECT_EQ(config["simulation"]["seed"], 9);
    EXPECT_EQ(config["output"]["dir"], "/tmp/x");
    EXPECT_EQ(config["topology"]["access"]["delay_ms"], 5.0); // a default, filled in
}

TEST(RunnerCliTest, RunWritesSummaryAndRequests)
{
    std::string dir = FreshTestDir();
    CommandResult result = Sim(ShortRun(dir) + " --set output.messages_trace=true");
    ASSERT_EQ(result.exitCode, 0) << result.output;
    nlohmann::json summary = nlohmann::json::parse(ReadFile(dir + "/summary.json"));
    for (const char* key : {"mode",
                            "requests",
                            "latency_ms",
                            "throughput",
                            "bytes",
                            "quality",
                            "compute",
                            "security",
                            "config"})
    {
        EXPECT_TRUE(summary.contains(key)) << key;
    }
    for (const char* metric : {"ttft", "tpot", "e2e"})
    {
        for (const char* statistic : {"mean", "p50", "p95", "p99"})
        {
            EXPECT_TRUE(summary["latency_ms"][metric].contains(statistic));
        }
    }
    std::string csv = ReadFile(dir + "/requests.csv");
    EXPECT_EQ(csv.rfind("request_id,terminal,edge,mode,", 0), 0u);
    std::size_t rows = std::count(csv.begin(), csv.end(), '\n') - 1;
    EXPECT_EQ(rows, summary["requests"]["arrived"].get<std::size_t>());
    EXPECT_FALSE(ReadFile(dir + "/messages.csv").empty());
}

TEST(RunnerCliTest, PrintsReadableSummaryTable)
{
    std::string dir = FreshTestDir();
    CommandResult result = Sim("--set simulation.duration_s=2 --out " + dir);
    ASSERT_EQ(result.exitCode, 0) << result.output;
    for (const char* text : {"mode cloud-only",
                             "quality     bpb",
                             "compute     cloud",
                             "security    ",
                             "messages tagged | rejected 0 forged, 0 replayed",
                             "requests    arrived",
                             "ttft",
                             "tpot",
                             "e2e",
                             "throughput",
                             "bytes       uplink",
                             "| edge-edge 0",
                             "summary.json"})
    {
        EXPECT_NE(result.output.find(text), std::string::npos) << text << "\n" << result.output;
    }
}

TEST(RunnerCliTest, UnwritableOutputDirectoryExitsOne)
{
    std::string dir = FreshTestDir();
    WriteFile(dir + "/file", "not a directory");
    ExpectExit(ShortRun(dir + "/file/sub"), 1, "cannot create output directory");
}

TEST(RunnerCliTest, SameRunIsByteIdenticalDifferentRunDiffers)
{
    std::string dir = FreshTestDir();
    ASSERT_EQ(Sim(ShortRun(dir + "/a") + " --run 3").exitCode, 0);
    ASSERT_EQ(Sim(ShortRun(dir + "/b") + " --run 3").exitCode, 0);
    ASSERT_EQ(Sim(ShortRun(dir + "/c") + " --run 4").exitCode, 0);
    std::string a = ReadFile(dir + "/a/requests.csv");
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, ReadFile(dir + "/b/requests.csv"));
    EXPECT_NE(a, ReadFile(dir + "/c/requests.csv"));
    // The summaries differ only in the output directory they record.
    nlohmann::json summaryA = nlohmann::json::parse(ReadFile(dir + "/a/summary.json"));
    nlohmann::json summaryB = nlohmann::json::parse(ReadFile(dir + "/b/summary.json"));
    summaryA["config"]["output"].erase("dir");
    summaryB["config"]["output"].erase("dir");
    EXPECT_EQ(summaryA, summaryB);
}

TEST(RunnerCliTest, EmptyOutputDirectoryIsAConfigError)
{
    ExpectExit("--out ''", 2, "'output.dir': must not be empty");
}

TEST(RunnerCliTest, CrossKeyErrorNamesTheOverrides)
{
    ExpectExit("--set workload.prompt_tokens.min=600 --print-config",
               2,
               "default scenario with command-line overrides: "
               "'workload.prompt_tokens.min': min 600 is larger than max 128");
}

TEST(RunnerCliTest, DisabledTraceRemovesAnEarlierRunsTrace)
{
    std::string dir = FreshTestDir();
    ASSERT_EQ(Sim(ShortRun(dir) + " --set output.messages_trace=true").exitCode, 0);
    ASSERT_FALSE(ReadFile(dir + "/messages.csv").empty());
    ASSERT_EQ(Sim(ShortRun(dir)).exitCode, 0);
    EXPECT_FALSE(std::filesystem::exists(dir + "/messages.csv"));
}

TEST(RunnerCliTest, ModesRunSideBySideOnTheSameWorkload)
{
    std::string dir = FreshTestDir();
    CommandResult result =
        Sim("--modes cloud-only,edge-only --set simulation.duration_s=2 --out " + dir);
    ASSERT_EQ(result.exitCode, 0) << result.output;
    for (const char* text : {"cloud-only",
                             "edge-only",
                             "ttft mean (ms)",
                             "quality bpb",
                             "backhaul bytes",
                             "edge-edge bytes",
                             "agreement with LLM"})
    {
        EXPECT_NE(result.output.find(text), std::string::npos) << text << "\n" << result.output;
    }
    nlohmann::json cloud = nlohmann::json::parse(ReadFile(dir + "/cloud-only/summary.json"));
    nlohmann::json edge = nlohmann::json::parse(ReadFile(dir + "/edge-only/summary.json"));
    EXPECT_EQ(cloud["mode"], "cloud-only");
    EXPECT_EQ(edge["mode"], "edge-only");
    EXPECT_EQ(cloud["requests"]["arrived"], edge["requests"]["arrived"]);
    EXPECT_GT(cloud["bytes"]["backhaul"].get<double>(), 0);
    EXPECT_EQ(edge["bytes"]["backhaul"].get<double>(), 0);
    EXPECT_EQ(cloud["bytes"]["edge_edge"].get<double>(), 0); // edge-edge links are off
    EXPECT_EQ(cloud["quality"]["agreement"].get<double>(), 1.0);
    EXPECT_LT(edge["quality"]["agreement"].get<double>(), 1.0);

    ExpectExit("--modes cloud-only,cloud-only", 2, "'cloud-only' is listed twice");
    ExpectExit("--modes cloud-only,fog-only", 2, "fog-only");
}

TEST(RunnerCliTest, ModeEntriesCarryTheirOwnOverrides)
{
    std::string dir = FreshTestDir();
    CommandResult result = Sim("--modes ce-collm@ce_collm.threshold=0,ce-collm@ce_collm.threshold=1"
                               " --set simulation.duration_s=2 --out "
                               + dir);
    ASSERT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("ce-collm@ce_collm.threshold=0 "), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("ce-collm edge tokens"), std::string::npos) << result.output;
    nlohmann::json never =
        nlohmann::json::parse(ReadFile(dir + "/ce-collm@ce_collm.threshold=0/summary.json"));
    nlohmann::json always =
        nlohmann::json::parse(ReadFile(dir + "/ce-collm@ce_collm.threshold=1/summary.json"));
    EXPECT_EQ(never["config"]["ce_collm"]["threshold"], 0.0);
    EXPECT_EQ(never["ce_collm"]["edge_token_share"], 1.0);
    EXPECT_EQ(always["ce_collm"]["edge_token_share"], 0.0);
    EXPECT_GT(always["ce_collm"]["hidden_bytes"].get<double>(), 0);

    ExpectExit("--modes ce-collm@ce_collm.threshold=2", 2, "ce_collm.threshold");
    ExpectExit("--modes ce-collm@threshold",
               2,
               "'threshold' in 'ce-collm@threshold' is not KEY=VALUE");
}
