/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Loading models: the safetensors format (good and hostile files), HF config.json parsing,
// and ModelWeights round trips through F32, F16 and BF16.

#include "llm-test-utils.h"
#include "test-utils.h"

#include "ns3/half-precision.h"
#include "ns3/llm-error.h"
#include "ns3/model-presets.h"
#include "ns3/safetensors-file.h"
#include "ns3/safetensors-writer.h"
#include "ns3/transformer.h"

#include <cstring>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace
{

using namespace ce_lslm_test;
using ns3::llm::HalfPrecision;
using ns3::llm::LlmError;
using ns3::llm::SafetensorsFile;
using ns3::llm::SafetensorsWriter;

/// The message of the LlmError that `action` throws ("" if it does not throw).
template<class Action>
std::string
ErrorOf(Action action)
{
    try
    {
        action();
    }
    catch (const LlmError& e)
    {
        return e.what();
    }
    return "";
}

/// A safetensors file made of a raw header text and a data buffer.
std::string
RawSafetensors(const std::string& header, std::size_t dataBytes)
{
    std::string file(8, '\0');
    const uint64_t length = header.size();
    std::memcpy(file.data(), &length, 8);
    return file + header + std::string(dataBytes, '\0');
}

/// Write a model folder: config.json and model.safetensors with the given tensors.
std::string
WriteModel(const ModelWeights& weights, const std::string& dtype)
{
    const std::string dir = FreshTestDir();
    weights.Save(dir, dtype);
    return dir;
}

TEST(HalfPrecision, ConvertsExactlyIncludingSpecialValues)
{
    EXPECT_EQ(HalfPrecision::HalfToFloat(0x3c00), 1.0f);
    EXPECT_EQ(HalfPrecision::HalfToFloat(0xc000), -2.0f);
    EXPECT_EQ(HalfPrecision::HalfToFloat(0x7bff), 65504.0f);
    EXPECT_EQ(HalfPrecision::HalfToFloat(0x0001), 5.9604644775390625e-8f); // smallest subnormal
    EXPECT_TRUE(std::isinf(HalfPrecision::HalfToFloat(0x7c00)));
    EXPECT_TRUE(std::isnan(HalfPrecision::HalfToFloat(0x7e00)));
    EXPECT_EQ(HalfPrecision::FloatToHalf(1.0f), 0x3c00);
    EXPECT_EQ(HalfPrecision::FloatToHalf(65520.0f), 0x7c00);           // rounds to infinity
    EXPECT_EQ(HalfPrecision::FloatToHalf(1.0f + 1.0f / 2048), 0x3c00); // tie to even
    EXPECT_EQ(HalfPrecision::FloatToHalf(1.0f + 3.0f / 2048), 0x3c02); // tie to even, up
    EXPECT_EQ(HalfPrecision::FloatToHalf(3e-8f), 0x0001);
    // Every half survives a round trip through float.
    for (uint32_t bits = 0; bits < 0x10000; ++bits)
    {
        const auto half = static_cast<uint16_t>(bits);
        if ((half & 0x7c00) == 0x7c00 && (half & 0x3ff) != 0)
        {
            continue; // NaN payloads are canonicalised
        }
        ASSERT_EQ(HalfPrecision::FloatToHalf(HalfPrecision::HalfToFloat(half)), half) << bits;
    }
    EXPECT_EQ(HalfPrecision::Bf16ToFloat(0x3f80), 1.0f);
    EXPECT_EQ(HalfPrecision::FloatToBf16(1.0f + 1.0f / 256), 0x3f80); // tie to even
    EXPECT_EQ(HalfPrecision::FloatToBf16(-3.0f), 0xc040);
}

TEST(Safetensors, WriterOutputReadsBackInEveryDtype)
{
    const std::vector<float> values = {0.5f, -1.25f, 3.0f, 1e-3f, 7.0f, -0.0f};
    for (const std::string dtype : {"F32", "F16", "BF16"})
    {
        SafetensorsWriter writer;
        writer.Add("a", dtype, {2, 3}, values.data());
        writer.AddMetadata("format", "pt");
        const std::string path = FreshTestDir() + "/t.safetensors";
        writer.Write(path);
        const SafetensorsFile file(path);
        EXPECT_EQ(file.Tensor("a").shape, (std::vector<int64_t>{2, 3}));
        EXPECT_EQ(file.Tensor("a").dtype, dtype);
        EXPECT_EQ(file.Metadata().at("format"), "pt");
        EXPECT_EQ((file.Tensor("a").fileOffset - 8) % 8, 0u) << "header padded to 8 bytes";
        std::vector<float> read(6);
        file.ReadFloats("a", read.data());
        for (std::size_t i = 0; i < values.size(); ++i)
        {
            EXPECT_NEAR(read[i], values[i], dtype == "BF16" ? 1e-2 : 1e-3) << dtype;
        }
    }
}

TEST(Safetensors, EmptyTensorsReadIntoNoBuffer)
{
    // Found by the safetensors fuzz target (doc/fuzzing.rst): an empty F32 tensor was copied
    // with memcpy from a null destination (an empty Eigen matrix's data()), undefined behaviour.
    SafetensorsWriter writer;
    const float unused = 0.0f;
    for (const std::string dtype : {"F32", "F16", "BF16"})
    {
        writer.Add(dtype, dtype, {0, 4}, &unused);
    }
    const std::string path = FreshTestDir() + "/empty.safetensors";
    writer.Write(path);
    const SafetensorsFile file(path);
    for (const std::string dtype : {"F32", "F16", "BF16"})
    {
        EXPECT_EQ(file.Tensor(dtype).Elements(), 0);
        file.ReadFloats(dtype, nullptr);
    }
}

TEST(Safetensors, HostileFilesGiveErrorsNamingTheProblem)
{
    const std::string dir = FreshTestDir();
    const std::string path = dir + "/bad.safetensors";
    auto errorFor = [&path](const std::string& contents)
    {
        WriteFile(path, contents);
        return ErrorOf(
            [&path]
            {
                SafetensorsFile file(path);
            });
    };
    EXPECT_NE(errorFor("abc").find("too short"), std::string::npos);
    std::string hugeLength(8, '\xff');
    EXPECT_NE(errorFor(hugeLength + "{}").find("points past the end"), std::string::npos);
    EXPECT_NE(errorFor(RawSafetensors("{\"a\": [", 0)).find("not valid JSON"), std::string::npos);
    const std::string entry =
        R"({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}})";
    EXPECT_EQ(errorFor(RawSafetensors(entry, 16)), "");
    const std::string truncated = errorFor(RawSafetensors(entry, 12));
    EXPECT_NE(truncated.find("tensor 'w'"), std::string::npos) << truncated;
    EXPECT_NE(truncated.find("past the end"), std::string::npos) << truncated;
    const std::string wrongSize = errorFor(
        RawSafetensors(R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 16]}})", 16));
    EXPECT_NE(wrongSize.find("need 24"), std::string::npos) << wrongSize;
    EXPECT_NE(
        errorFor(
            RawSafetensors(R"({"w": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}})", 1))
            .find("unknown dtype"),
        std::string::npos);
    EXPECT_NE(
        errorFor(
            RawSafetensors(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4))
            .find("non-negative"),
        std::string::npos);
    const std::string overlap = errorFor(RawSafetensors(
        R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
            "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
        12));
    EXPECT_NE(overlap.find("overlaps"), std::string::npos) << overlap;
    EXPECT_NE(errorFor(RawSafetensors(R"({"w": 3})", 0)).find("tensor 'w'"), std::string::npos);
    // Found by the safetensors fuzz target (doc/fuzzing.rst): a number no double holds made
    // nlohmann throw out_of_range, which escaped as if it were not a file error.
    EXPECT_NE(errorFor(RawSafetensors(R"({"w": {"shape": [1e999]}})", 0))
                  .find("not valid JSON: [json.exception.out_of_range.406] number overflow"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  [&dir]
                  {
                      SafetensorsFile file(dir + "/missing.safetensors");
                  })
                  .find("cannot open"),
              std::string::npos);
}

TEST(Safetensors, EveryTruncationOfAValidFileIsRejectedCleanly)
{
    const ModelWeights weights = ModelWeights::Random(SmallConfig(16, 1, 2, 1, 16, 20, true), 1);
    const std::string dir = WriteModel(weights, "F16");
    const std::string full = ReadFile(dir + "/model.safetensors");
    const std::string path = dir + "/cut.safetensors";
    for (std::size_t length = 0; length < full.size(); length += 7)
    {
        WriteFile(path, full.substr(0, length));
        EXPECT_NE(ErrorOf(
                      [&path]
                      {
                          SafetensorsFile file(path);
                      }),
                  "")
            << length << " bytes";
    }
}

TEST(ModelWeights, SaveLoadRoundTripInF32F16Bf16)
{
    ModelConfig config = SmallConfig(32, 2, 4, 2, 48, 30, false);
    config.earlyExitLayers = {1};
    const ModelWeights weights = ModelWeights::Random(config, 3);
    const TokenSequence tokens = SomeTokens(12, 30);
    ns3::llm::KvCache cache(config);
    const Matrix reference = ns3::llm::Transformer(weights).Forward(tokens, cache).logits;
    for (const std::string dtype : {"F32", "F16", "BF16"})
    {
        const ns3::llm::Transformer loaded =
            ns3::llm::Transformer::Load(WriteModel(weights, dtype));
        EXPECT_EQ(loaded.Config().earlyExitLayers, config.earlyExitLayers);
        EXPECT_EQ(loaded.Weights().exitHeads.size(), 1u);
        ns3::llm::KvCache other(config);
        const double error = MaxAbsDifference(loaded.Forward(tokens, other).logits, reference);
        EXPECT_LT(error, dtype == "F32" ? 1e-7 : (dtype == "F16" ? 5e-3 : 5e-2)) << dtype;
    }
}

TEST(ModelWeights, MissingOrMisshapenTensorsAreNamed)
{
    const ModelWeights weights = ModelWeights::Random(SmallConfig(16, 2, 2, 1, 16, 20, false), 2);
    const std::string dir = WriteModel(weights, "F32");
    const SafetensorsFile good(dir + "/model.safetensors");
    auto rewriteWithout = [&](const std::string& dropped, const std::string& reshaped)
    {
        SafetensorsWriter writer;
        for (const auto& [name, tensor] : good.Tensors())
        {
            if (name == dropped)
            {
                continue;
            }
            std::vector<float> data(static_cast<std::size_t>(tensor.Elements()));
            good.ReadFloats(name, data.data());
            std::vector<int64_t> shape = tensor.shape;
            if (name == reshaped)
            {
                shape = {shape[1], shape[0]};
            }
            writer.Add(name, "F32", shape, data.data());
        }
        static int variant = 0;
        const std::string out = dir + "/variant" + std::to_string(++variant);
        std::filesystem::create_directories(out);
        std::filesystem::copy_file(dir + "/config.json", out + "/config.json");
        writer.Write(out + "/model.safetensors");
        return ErrorOf(
            [&out]
            {
                ModelWeights::Load(out);
            });
    };
    const std::string missing = rewriteWithout("model.layers.1.mlp.up_proj.weight", "");
    EXPECT_NE(missing.find("missing tensor 'model.layers.1.mlp.up_proj.weight'"), std::string::npos)
        << missing;
    const std::string transposed = rewriteWithout("", "model.layers.0.self_attn.k_proj.weight");
    EXPECT_NE(transposed.find("'model.layers.0.self_attn.k_proj.weight' has shape [16, 8]"),
              std::string::npos)
        << transposed;
    EXPECT_NE(rewriteWithout("lm_head.weight", "").find("lm_head.weight"), std::string::npos);
}

TEST(ModelWeights, LoadsHfCheckpointsAsTheyAreIncludingShards)
{
    // An HF-style folder: extra config keys, a rotary buffer tensor, an lm_head next to tied
    // embeddings (ignored), and the weights split over two shards with an index.
    const ModelWeights weights = ModelWeights::Random(SmallConfig(16, 2, 4, 2, 24, 20, true), 4);
    const std::string dir = WriteModel(weights, "BF16");
    const SafetensorsFile single(dir + "/model.safetensors");
    SafetensorsWriter first;
    SafetensorsWriter second;
    nlohmann::json index = {{"metadata", {{"total_size", 0}}},
                            {"weight_map", nlohmann::json::object()}};
    for (const auto& [name, tensor] : single.Tensors())
    {
        std::vector<float> data(static_cast<std::size_t>(tensor.Elements()));
        single.ReadFloats(name, data.data());
        const bool early = name.find("layers.1.") == std::string::npos;
        (early ? first : second).Add(name, "BF16", tensor.shape, data.data());
        index["weight_map"][name] =
            early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
    }
    const std::vector<float> invFreq(4, 1.0f);
    second.Add("model.layers.1.self_attn.rotary_emb.inv_freq", "F32", {4}, invFreq.data());
    index["weight_map"]["model.layers.1.self_attn.rotary_emb.inv_freq"] =
        "model-00002-of-00002.safetensors";
    std::filesystem::remove(dir + "/model.safetensors");
    first.Write(dir + "/model-00001-of-00002.safetensors");
    second.Write(dir + "/model-00002-of-00002.safetensors");
    WriteFile(dir + "/model.safetensors.index.json", index.dump());
    nlohmann::json config = nlohmann::json::parse(ReadFile(dir + "/config.json"));
    config["torch_dtype"] = "bfloat16";
    config["rope_scaling"] = nullptr;
    config["attention_bias"] = false;
    config["pretraining_tp"] = 1;
    config.erase("head_dim");
    WriteFile(dir + "/config.json", config.dump());

    const ModelWeights loaded = ModelWeights::Load(dir);
    EXPECT_EQ(loaded.layers.size(), 2u);
    EXPECT_TRUE(loaded.lmHead.size() == 0);
    EXPECT_LT((loaded.layers[1].down - weights.layers[1].down).cwiseAbs().maxCoeff(), 2e-2);
}

TEST(ModelConfig, StrictParsingNamesTheKey)
{
    const std::string good = R"({"hidden_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96,
        "vocab_size": 300, "max_position_embeddings": 128, "tokenizer": "byte"})";
    const auto config = ModelConfig::Parse(good, "c.json");
    EXPECT_EQ(config.headDim, 16);
    EXPECT_EQ(config.GroupSize(), 2);
    EXPECT_EQ(ModelConfig::Parse(config.ToJson(), "again").ToJson(), config.ToJson());
    auto errorFor = [&good](const std::string& key, const std::string& value)
    {
        nlohmann::json j = nlohmann::json::parse(good);
        if (value.empty())
        {
            j.erase(key);
        }
        else
        {
            j[key] = nlohmann::json::parse(value);
        }
        return ErrorOf(
            [&j]
            {
                ModelConfig::Parse(j.dump(), "c.json");
            });
    };
    EXPECT_NE(errorFor("vocab_size", "").find("c.json: missing required key 'vocab_size'"),
              std::string::npos);
    EXPECT_NE(errorFor("hidden_size", "\"64\"").find("key 'hidden_size'"), std::string::npos);
    EXPECT_NE(errorFor("num_key_value_heads", "3").find("multiple of num_key_value_heads"),
              std::string::npos);
    EXPECT_NE(errorFor("hidden_act", "\"gelu\"").find("hidden_act"), std::string::npos);
    EXPECT_NE(errorFor("attention_bias", "true").find("bias"), std::string::npos);
    EXPECT_NE(errorFor("rope_scaling", R"({"rope_type": "yarn", "factor": 4})").find("yarn"),
              std::string::npos);
    EXPECT_NE(errorFor("early_exit_layers", "[2]").find("early_exit_layers"), std::string::npos);
    EXPECT_NE(errorFor("vocab_size", "100").find("byte"), std::string::npos);
    EXPECT_NE(ErrorOf(
                  []
                  {
                      ModelConfig::Parse("{", "c.json");
                  })
                  .find("not valid JSON"),
              std::string::npos);
    EXPECT_NE(ErrorOf(
                  []
                  {
                      ModelConfig::Parse(R"({"rope_theta": 1e999})", "c.json");
                  })
                  .find("c.json: not valid JSON"),
              std::string::npos);
}

TEST(ModelPresets, RealShapesHaveTheirPublishedParameterCounts)
{
    // Published sizes: SmolLM2-135M 134.5M, TinyLlama 1.1B, Llama-3.2-1B 1.24B, Llama-3-8B 8.03B.
    EXPECT_NEAR(ns3::llm::ModelPresets::Get("smollm2-135m").ParameterCount() / 1e6, 134.5, 0.5);
    EXPECT_NEAR(ns3::llm::ModelPresets::Get("tinyllama-1.1b").ParameterCount() / 1e9, 1.10, 0.01);
    EXPECT_NEAR(ns3::llm::ModelPresets::Get("llama-3.2-1b").ParameterCount() / 1e9, 1.24, 0.01);
    EXPECT_NEAR(ns3::llm::ModelPresets::Get("llama-3-8b").ParameterCount() / 1e9, 8.03, 0.01);
    EXPECT_NE(ErrorOf(
                  []
                  {
                      ns3::llm::ModelPresets::Get("gpt-5");
                  })
                  .find("smollm2-135m"),
              std::string::npos);
}

TEST(ModelWeights, RandomWeightsDependOnlyOnShapeAndSeed)
{
    const ModelConfig config = SmallConfig(16, 1, 2, 1, 16, 20, true);
    const ModelWeights a = ModelWeights::Random(config, 42);
    const ModelWeights b = ModelWeights::Random(config, 42);
    const ModelWeights c = ModelWeights::Random(config, 43);
    EXPECT_EQ(a.layers[0].query, b.layers[0].query);
    EXPECT_NE(a.layers[0].query, c.layers[0].query);
    // Values recorded once pin the generator: any change to it changes every random model.
    EXPECT_FLOAT_EQ(a.embedding(0, 0), 0.22056222f);
    EXPECT_FLOAT_EQ(a.layers[0].query(3, 5), -0.0724615827f);
    EXPECT_NEAR(a.layers[0].gate.array().square().mean(), 1.0 / 16, 0.02);
}

} // namespace
