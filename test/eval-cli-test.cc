/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-eval as a user runs it: on the first requests of the committed workload its bits per
// byte equal PyTorch's (test/data/workload-bpb-first8.json, made by the command recorded in it),
// reusing a context's KV cache changes nothing, text mode scores every byte once, and bad input
// exits with status 2 naming the file.

#include "test-utils.h"

#include <cmath>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace
{

using namespace ce_lslm_test;
using nlohmann::json;

/// Requests in the PyTorch reference file.
constexpr int REFERENCE_REQUESTS = 8;
/// bpb tolerance against PyTorch (the kernel matches its logits to ~1e-4).
constexpr double BPB_TOLERANCE = 1e-3;

/// Run ce-lslm-eval with `arguments` and return its JSON report, written to `path` (default: in
/// a fresh test directory).
json
RunEval(const std::string& arguments, std::string path = "")
{
    path = path.empty() ? FreshTestDir() + "/eval.json" : path;
    const auto run = RunCommand(Binary("ce-lslm-eval") + " " + arguments + " --json " + path);
    EXPECT_EQ(run.exitCode, 0) << run.output;
    return run.exitCode == 0 ? json::parse(ReadFile(path)) : json();
}

json
Reference()
{
    const json reference = json::parse(ReadFile(SourcePath("test/data/workload-bpb-first8.json")));
    EXPECT_EQ(reference["requests"], REFERENCE_REQUESTS);
    return reference;
}

/// Every head of both modes of `model` agrees with PyTorch's figures.
void
ExpectMatchesReference(const json& measured, const json& reference)
{
    for (const char* mode : {"with_context", "without_context"})
    {
        for (const auto& [head, expected] : reference[mode].items())
        {
            SCOPED_TRACE(std::string(mode) + " " + head);
            ASSERT_TRUE(measured[mode].contains(head));
            const json& got = measured[mode][head];
            EXPECT_EQ(got["bytes"], expected["bytes"]);
            EXPECT_NEAR(got["bpb"].get<double>(), expected["bpb"].get<double>(), BPB_TOLERANCE);
            if (head == "final")
            {
                continue;
            }
            // Decisions are counts: allow one of them to fall on the other side of a threshold
            // or of a near tie through rounding differences between the two implementations.
            const double oneDecision = 1.5 / expected["bytes"].get<double>();
            EXPECT_NEAR(got["agreement_all"].get<double>(),
                        expected["agreement_all"].get<double>(),
                        oneDecision);
            for (const char* threshold : {"threshold_0.8", "threshold_0.9"})
            {
                EXPECT_NEAR(got[threshold]["pass_rate"].get<double>(),
                            expected[threshold]["pass_rate"].get<double>(),
                            oneDecision);
            }
        }
    }
}

TEST(EvalCli, EdgeModelMatchesPyTorchOnTheFirstRequests)
{
    const json reference = Reference();
    const json report = RunEval("--model " + SourcePath("models/edge-slm") + " --limit "
                                + std::to_string(REFERENCE_REQUESTS));
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["requests"], REFERENCE_REQUESTS);
    EXPECT_EQ(report["workload"], SourcePath("traces/workloads/brown-test.jsonl")); // default
    ExpectMatchesReference(report["models"]["edge-slm"], reference["models"]["edge-slm"]);
}

TEST(EvalCli, CloudModelExitHeadsMatchPyTorchOnTheFirstRequests)
{
    const json reference = Reference();
    const json report = RunEval("--model " + SourcePath("models/cloud-llm") + " --limit "
                                + std::to_string(REFERENCE_REQUESTS));
    ASSERT_TRUE(report.is_object());
    const json& cloud = report["models"]["cloud-llm"];
    ExpectMatchesReference(cloud, reference["models"]["cloud-llm"]);
    EXPECT_TRUE(cloud["with_context"].contains("exit2"));
    EXPECT_TRUE(cloud["with_context"].contains("exit4"));
}

TEST(EvalCli, ReusingTheContextKvGivesTheSameFigures)
{
    // Requests 0-9 have three contexts (3, 3 and 4 requests), so each context cache is used
    // several times. Equal up to float rounding: the products run over different row counts,
    // so Eigen may sum in another order (the kernel's own import test allows 1e-5 on logits).
    const std::string dir = FreshTestDir();
    const std::string args = "--model " + SourcePath("models/edge-slm") + " --limit 10";
    const json reused = RunEval(args, dir + "/reused.json");
    const json fresh = RunEval(args + " --no-reuse", dir + "/fresh.json");
    ASSERT_TRUE(reused.is_object() && fresh.is_object());
    EXPECT_EQ(reused["contexts"], 3);
    EXPECT_TRUE(reused["reuse_context_kv"].get<bool>());
    EXPECT_FALSE(fresh["reuse_context_kv"].get<bool>());
    const json& a = reused["models"]["edge-slm"]["with_context"];
    const json& b = fresh["models"]["edge-slm"]["with_context"];
    EXPECT_LT(a["tokens_computed"].get<int64_t>(), b["tokens_computed"].get<int64_t>());
    EXPECT_EQ(a["final"]["bytes"], b["final"]["bytes"]);
    EXPECT_NEAR(a["final"]["bpb"].get<double>(), b["final"]["bpb"].get<double>(), 1e-6);
    EXPECT_NEAR(a["final"]["accuracy"].get<double>(),
                b["final"]["accuracy"].get<double>(),
                1.5 / a["final"]["bytes"].get<double>());
}

TEST(EvalCli, TextModeScoresEveryByteOnceInItsWindows)
{
    const std::string dir = FreshTestDir();
    std::string text;
    for (int i = 0; i < 12; ++i)
    {
        text += "The cloud holds the context; the edge answers the question number "
                + std::to_string(i) + ".\n";
    }
    WriteFile(dir + "/a.txt", text);
    WriteFile(dir + "/b.txt", text.substr(0, 300));
    WriteFile(dir + "/empty.txt", "");
    const std::string model = "--model " + SourcePath("models/edge-slm");
    const std::string files = " --text " + dir + "/a.txt " + dir + "/b.txt " + dir + "/empty.txt";
    const json plain = RunEval(model + files + " --window 256 --short-window 64", dir + "/a.json");
    const json overlapping = RunEval(model + files + " --window 256 --stride 64", dir + "/b.json");
    ASSERT_TRUE(plain.is_object() && overlapping.is_object());
    const auto bytes = static_cast<int64_t>(text.size() + 300);
    EXPECT_EQ(plain["bytes"], bytes);
    EXPECT_EQ(plain["documents"], 3);
    const json& m = plain["models"]["edge-slm"];
    EXPECT_EQ(m["window"], 256);
    EXPECT_EQ(m["stride"], 256);
    EXPECT_EQ(m["with_context"]["final"]["bytes"], bytes);
    EXPECT_EQ(m["without_context"]["final"]["bytes"], bytes);
    EXPECT_EQ(overlapping["models"]["edge-slm"]["with_context"]["final"]["bytes"], bytes);
    // The text repeats itself: more context predicts it better.
    const double wide = m["with_context"]["final"]["bpb"].get<double>();
    EXPECT_LT(wide, m["without_context"]["final"]["bpb"].get<double>());
    EXPECT_LT(overlapping["models"]["edge-slm"]["with_context"]["final"]["bpb"].get<double>(),
              wide);
}

TEST(EvalCli, BadInputExitsWithStatusTwoNamingTheFile)
{
    struct Case
    {
        std::string arguments;
        std::string says;
    };

    const std::string dir = FreshTestDir();
    const std::string broken = dir + "/broken.jsonl";
    WriteFile(broken, "{\"id\": 0}\n");
    const std::vector<Case> cases = {
        {"--workload /nonexistent/w.jsonl", "/nonexistent/w.jsonl: cannot open workload file"},
        {"--workload " + broken, broken + ":1: context_id: missing"},
        {"--text /nonexistent/t.txt", "/nonexistent/t.txt: cannot open text file"},
        {"--model /nonexistent/m", "/nonexistent/m/config.json"},
        {"--limit 0", "--limit must be >= 1, got 0"},
        {"--limit many", "--limit"},
        {"--window 64", "--window applies to --text only"},
        {"--text " + broken + " --window 4096",
         "--window and --short-window must be at most 2047 bytes"},
        {"--text " + broken + " --window 64 --stride 65", "--stride must not exceed the window"},
        {"--threads 0", "--threads must be >= 1"},
    };
    for (const Case& c : cases)
    {
        const auto run = RunCommand(Binary("ce-lslm-eval") + " " + c.arguments);
        EXPECT_EQ(run.exitCode, 2) << c.arguments << ": " << run.output;
        EXPECT_NE(run.output.find(c.says), std::string::npos) << c.arguments << ": " << run.output;
        EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) // one line
            << c.arguments << ": " << run.output;
    }
}

} // namespace
