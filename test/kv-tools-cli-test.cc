/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The KV tools as a user runs them: ce-lslm-kv-eval on the first requests of the committed
// workload with the committed alignment (every condition reported, compression ratios and
// errors consistent), ce-lslm-kv-align on a small text, and bad input exiting with status 2
// naming what is wrong.

#include "test-utils.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace
{

using namespace ce_lslm_test;
using nlohmann::json;

json
Condition(const json& report, const std::string& name)
{
    for (const json& row : report["conditions"])
    {
        if (row["spec"] == name || (row["spec"] == "" && row["condition"] == name))
        {
            return row;
        }
    }
    ADD_FAILURE() << "no condition " << name;
    return json();
}

TEST(KvEvalCli, ReportsEveryConditionOnTheCommittedPair)
{
    const std::string dir = FreshTestDir();
    const auto run = RunCommand(Binary("ce-lslm-kv-eval")
                                + " --limit 3 --specs q4,pca16+q4+rans,top50+q8 --json " + dir
                                + "/kv.json --csv " + dir + "/kv.csv");
    ASSERT_EQ(run.exitCode, 0) << run.output;
    const json report = json::parse(ReadFile(dir + "/kv.json"));
    EXPECT_EQ(report["requests"], 3);
    // fp16 is added as the reference; three conditions without a stream come first.
    ASSERT_EQ(report["conditions"].size(), 7u);
    const json fp16 = Condition(report, "fp16");
    EXPECT_DOUBLE_EQ(fp16["ratio_vs_fp16"].get<double>(), 1.0);
    // 2 receiving layers x (keys + values) x 64 x 2 bytes per context token, plus 7 header bytes
    // per block.
    EXPECT_NEAR(fp16["bytes_per_context_token"].get<double>(), 512.0, 1.0);
    const json q4 = Condition(report, "q4");
    EXPECT_GT(q4["ratio_vs_fp16"].get<double>(), 3.0);
    EXPECT_GT(Condition(report, "pca16+q4+rans")["ratio_vs_fp16"].get<double>(), 8.0);
    EXPECT_NEAR(Condition(report, "top50+q8")["kept_fraction"].get<double>(), 0.5, 0.01);
    for (const auto& [layer, error] : q4["codec_error"].items())
    {
        EXPECT_GT(error.get<double>(), 0.0) << layer;
        EXPECT_LT(error.get<double>(), fp16["total_error"][layer].get<double>()) << layer;
        EXPECT_LT(fp16["codec_error"][layer].get<double>(), 1e-3) << layer;
    }
    // The aligned cloud KV differs from the edge's own; the edge's own prefill is its reference.
    EXPECT_EQ(Condition(report, "own").count("total_error"), 0u);
    EXPECT_DOUBLE_EQ(Condition(report, "own")["agreement_with_own"].get<double>(), 1.0);
    EXPECT_LT(Condition(report, "none")["agreement_with_own"].get<double>(), 1.0);
    EXPECT_GT(Condition(report, "aligned")["total_error"]["2"].get<double>(), 0.01);
    const std::string csv = ReadFile(dir + "/kv.csv");
    EXPECT_EQ(
        csv.rfind("condition,spec,bpb,accuracy,agreement_with_own,bytes_per_context_token", 0),
        0u);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 8);
}

TEST(KvEvalCli, BadInputExitsWithStatusTwo)
{
    const std::string eval = Binary("ce-lslm-kv-eval");
    auto run = RunCommand(eval + " --specs q5");
    EXPECT_EQ(run.exitCode, 2) << run.output;
    EXPECT_NE(run.output.find("codec spec 'q5'"), std::string::npos) << run.output;
    run = RunCommand(eval + " --alignment /nonexistent.safetensors");
    EXPECT_EQ(run.exitCode, 2) << run.output;
    EXPECT_NE(run.output.find("/nonexistent.safetensors"), std::string::npos) << run.output;
    // The committed alignment is for cloud-llm -> edge-slm, not for the edge with itself.
    run = RunCommand(eval + " --cloud " + SourcePath("models/edge-slm"));
    EXPECT_EQ(run.exitCode, 2) << run.output;
    EXPECT_NE(run.output.find("does not fit"), std::string::npos) << run.output;
}

TEST(KvAlignCli, FitsOnATextAndTheEvaluationLoadsTheFile)
{
    const std::string dir = FreshTestDir();
    std::string text;
    for (int i = 0; i < 40; ++i)
    {
        text += "The Bears took the lead in the first inning, as they did in game "
                + std::to_string(i) + ". ";
    }
    WriteFile(dir + "/calibration.txt", text);
    const auto fit =
        RunCommand(Binary("ce-lslm-kv-align") + " --text " + dir
                   + "/calibration.txt --window 128 --windows 8 --strategy proportional"
                     " --local-layers 1 -o "
                   + dir + "/alignment.safetensors");
    ASSERT_EQ(fit.exitCode, 0) << fit.output;
    EXPECT_NE(fit.output.find("mapping (edge layer <- cloud layer): local,2,3,5"),
              std::string::npos)
        << fit.output;
    const auto eval = RunCommand(Binary("ce-lslm-kv-eval") + " --limit 1 --specs q8 --alignment "
                                 + dir + "/alignment.safetensors");
    EXPECT_EQ(eval.exitCode, 0) << eval.output;
    const auto noText = RunCommand(Binary("ce-lslm-kv-align") + " -o " + dir + "/x.safetensors");
    EXPECT_EQ(noText.exitCode, 2) << noText.output;
    EXPECT_NE(noText.output.find("--text"), std::string::npos);
}

} // namespace
