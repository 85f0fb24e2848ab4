/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-bench as a user runs it: its JSON report and its errors. Speeds are not checked here
// (they describe the host); only that every figure is present and positive.

#include "test-utils.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace
{

using namespace ce_lslm_test;

TEST(BenchCli, ReportsEveryFigureForEachThreadCount)
{
    const std::string json = FreshTestDir() + "/bench.json";
    const auto run = RunCommand(Binary("ce-lslm-bench")
                                + " --shape tiny-1m --threads 1,2 --prefill-tokens 24"
                                  " --decode-tokens 4 --repeats 1 --json "
                                + json);
    ASSERT_EQ(run.exitCode, 0) << run.output;
    EXPECT_NE(run.output.find("prefill tok/s"), std::string::npos) << run.output;
    const auto report = nlohmann::json::parse(ReadFile(json));
    EXPECT_EQ(report["model"], "tiny-1m");
    ASSERT_EQ(report["results"].size(), 2u);
    EXPECT_EQ(report["results"][1]["threads"], 2);
    for (const auto& row : report["results"])
    {
        for (const char* key : {"prefill_tokens_per_s",
                                "prefill_gflops",
                                "eigen_gemm_gflops",
                                "decode_tokens_per_s",
                                "decode_gb_per_s",
                                "stream_gb_per_s"})
        {
            EXPECT_GT(row[key].get<double>(), 0.0) << key;
        }
    }
}

TEST(BenchCli, BadModelOrOptionsExitWithStatusTwo)
{
    const auto unknown = RunCommand(Binary("ce-lslm-bench") + " --shape gpt-9");
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.output.find("unknown model shape 'gpt-9'"), std::string::npos)
        << unknown.output;
    const auto missing = RunCommand(Binary("ce-lslm-bench") + " --model /nonexistent");
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.output.find("/nonexistent/config.json"), std::string::npos) << missing.output;
    EXPECT_EQ(RunCommand(Binary("ce-lslm-bench") + " --threads 0").exitCode, 2);
}

} // namespace
