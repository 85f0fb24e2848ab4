/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The committed models, run by the C++ kernel, reproduce the logits PyTorch computed for them
// when they were trained (models/<name>/golden.json, written by scripts/train_models.py).

#include "test-utils.h"

#include "ns3/transformer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace
{

using namespace ce_lslm_test;
using ns3::llm::ForwardOptions;
using ns3::llm::KvCache;
using ns3::llm::Matrix;
using ns3::llm::TokenSequence;
using ns3::llm::Transformer;

/// Largest |kernel - torch| over the listed rows of logits.
double
MaxError(const Matrix& logits, const nlohmann::json& expected, const std::vector<int>& rows)
{
    double worst = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
    {
        const auto& row = expected.at(i);
        EXPECT_EQ(static_cast<Eigen::Index>(row.size()), logits.cols());
        for (std::size_t v = 0; v < row.size(); ++v)
        {
            worst = std::max(worst, std::abs(logits(rows[i], v) - row[v].get<double>()));
        }
    }
    return worst;
}

std::vector<int>
AllRows(std::size_t count)
{
    std::vector<int> rows(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        rows[i] = static_cast<int>(i);
    }
    return rows;
}

class GoldenTest : public ::testing::TestWithParam<std::string>
{
};

TEST_P(GoldenTest, KernelReproducesPyTorchLogits)
{
    const std::string dir = SourcePath("models/" + GetParam());
    const Transformer model = Transformer::Load(dir);
    const auto golden = nlohmann::json::parse(ReadFile(dir + "/golden.json"));
    ForwardOptions options;
    options.logits = ForwardOptions::Logits::ALL;
    options.exitHeads = golden.contains("exit_logits");
    for (const auto& tap : golden.at("hidden_after_layer").items())
    {
        options.hiddenTaps.push_back(std::stoll(tap.key()));
    }
    KvCache cache(model.Config());
    const auto result = model.Forward(golden.at("tokens").get<TokenSequence>(), cache, options);
    const auto rows = AllRows(golden.at("logits").size());
    EXPECT_LT(MaxError(result.logits, golden.at("logits"), rows), 1e-3);
    const nlohmann::json exits = golden.value("exit_logits", nlohmann::json::object());
    for (const auto& [layers, expected] : exits.items())
    {
        EXPECT_LT(MaxError(result.exitLogits.at(std::stoll(layers)), expected, rows), 1e-3)
            << "exit head after " << layers << " layers";
    }
    for (const auto& [layers, expected] : golden.at("hidden_after_layer").items())
    {
        EXPECT_LT(MaxError(result.hidden.at(std::stoll(layers)), expected, rows), 1e-3)
            << "hidden state after " << layers << " layers";
    }

    // The long case: RoPE at positions up to ~300.
    const auto& longCase = golden.at("long");
    KvCache longCache(model.Config());
    const auto longResult =
        model.Forward(longCase.at("tokens").get<TokenSequence>(), longCache, options);
    const auto positions = longCase.at("logit_positions").get<std::vector<int>>();
    EXPECT_LT(MaxError(longResult.logits, longCase.at("logits"), positions), 1e-3);
    const nlohmann::json longExits = longCase.value("exit_logits", nlohmann::json::object());
    for (const auto& [layers, expected] : longExits.items())
    {
        EXPECT_LT(MaxError(longResult.exitLogits.at(std::stoll(layers)), expected, positions), 1e-3)
            << "long case, exit head after " << layers << " layers";
    }
}

INSTANTIATE_TEST_SUITE_P(Models,
                         GoldenTest,
                         ::testing::Values("cloud-llm", "edge-slm"),
                         [](const auto& info)
                         {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

} // namespace
