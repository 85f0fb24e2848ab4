/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Scenario configuration: defaults, validation of good and bad documents, command-line
// overrides, syntax errors, and the generated reference staying in sync with the schema.

#include "test-utils.h"

#include "ns3/ce-lslm-helper.h"
#include "ns3/scenario-config.h"
#include "ns3/scenario-schema.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <sstream>

using namespace ns3;
using ce_lslm_test::FreshTestDir;
using ce_lslm_test::ReadFile;
using ce_lslm_test::SourcePath;
using ce_lslm_test::WriteFile;

namespace
{

/// Resolve \p text as a scenario document and return the error (fails the test if none).
ConfigError
ExpectConfigError(const std::string& text)
{
    try
    {
        ScenarioConfig(ScenarioConfig::ParseDocument(text, "test.json"), "test.json");
    }
    catch (const ConfigError& error)
    {
        return error;
    }
    ADD_FAILURE() << "no error for " << text;
    return ConfigError("", "");
}

} // namespace

TEST(ScenarioConfigTest, DefaultScenarioIsValidAndComplete)
{
    ScenarioConfig config;
    EXPECT_EQ(config.GetString("mode"), "cloud-only");
    EXPECT_EQ(config.GetString("workload.source"), "trace");
    EXPECT_EQ(config.GetString("models.cloud.path"), "models/cloud-llm");
    EXPECT_EQ(config.GetInt("topology.terminals"), 4);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.access.rate_mbps"), 100.0);
    EXPECT_EQ(config.GetInt("workload.prompt_tokens.min"), 128);
    EXPECT_FALSE(config.GetBool("topology.edge_links.enabled"));
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.edge_links.rate_mbps"), 10000.0);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.edge_links.delay_ms"), 0.5);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.edge_links.loss_rate"), 0.0);
    EXPECT_EQ(config.GetInt("topology.edge_links.queue_packets"), 0); // the link's BDP
    // An empty document resolves to exactly the defaults.
    ScenarioConfig fromEmpty(ConfigJson::object(), "empty");
    EXPECT_EQ(fromEmpty.GetJson(), config.GetJson());
}

TEST(ScenarioConfigTest, GoodDocumentKeepsValuesAndFillsDefaults)
{
    ScenarioConfig config(ScenarioConfig::ParseDocument(R"({
        "topology": {"terminals": 16, "access": {"rate_mbps": 20.5, "loss_rate": 0.01}},
        "workload": {"arrival": "periodic", "answer_tokens": {"min": 8, "max": 64}},
        "output": {"messages_trace": true}
    })",
                                                        "good.json"),
                          "good.json");
    EXPECT_EQ(config.GetInt("topology.terminals"), 16);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.access.rate_mbps"), 20.5);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.access.loss_rate"), 0.01);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.access.delay_ms"), 5.0); // default kept
    EXPECT_EQ(config.GetString("workload.arrival"), "periodic");
    EXPECT_EQ(config.GetInt("workload.answer_tokens.max"), 64);
    EXPECT_TRUE(config.GetBool("output.messages_trace"));
}

TEST(ScenarioConfigTest, IntegralFloatIsAcceptedForIntegerKeys)
{
    ScenarioConfig config(ScenarioConfig::ParseDocument(R"({"topology": {"terminals": 8.0}})", "x"),
                          "x");
    EXPECT_EQ(config.GetInt("topology.terminals"), 8);
    EXPECT_TRUE(config.Get("topology.terminals").is_number_integer());
}

/// A bad document, the dotted path its error must name, and text the message must contain.
struct BadConfig
{
    std::string name;     //!< test name
    std::string document; //!< JSON text
    std::string path;     //!< expected ConfigError::GetPath()
    std::string fragment; //!< expected part of the message
};

/// Print a BadConfig by name (gtest would dump its bytes, addresses included, into test names).
void
PrintTo(const BadConfig& bad, std::ostream* os)
{
    *os << bad.name;
}

class BadConfigTest : public ::testing::TestWithParam<BadConfig>
{
};

TEST_P(BadConfigTest, IsRejectedWithPathAndReason)
{
    const BadConfig& bad = GetParam();
    ConfigError error = ExpectConfigError(bad.document);
    EXPECT_EQ(error.GetPath(), bad.path) << error.what();
    EXPECT_NE(std::string(error.what()).find(bad.fragment), std::string::npos) << error.what();
    EXPECT_EQ(error.GetSource(), "test.json");
}

INSTANTIATE_TEST_SUITE_P(
    ScenarioConfigTest,
    BadConfigTest,
    ::testing::Values(
        BadConfig{"MisspeltTopLevelKey",
                  R"({"topolgy": {}})",
                  "topolgy",
                  "unknown key; did you mean 'topology'?"},
        BadConfig{"MisspeltNestedKey",
                  R"({"topology": {"acess": {"rate_mbps": 10}}})",
                  "topology.acess",
                  "did you mean 'topology.access'?"},
        BadConfig{"KeyUnderWrongParent",
                  R"({"workload": {"delay_ms": 5}})",
                  "workload.delay_ms",
                  "did you mean 'topology.access.delay_ms'?"},
        BadConfig{"UnrelatedKeyListsValidKeys",
                  R"({"cloud": {"zzzzzzzzzzzz": 1}})",
                  "cloud.zzzzzzzzzzzz",
                  "valid keys here: device, max_batch, prefill_chunk_tokens, "
                  "context_cache, context_cache_mb, token_interval_ms"},
        BadConfig{"StringForInteger",
                  R"({"topology": {"terminals": "four"}})",
                  "topology.terminals",
                  "expected an integer, got string \"four\" (allowed: [1, 10000])"},
        BadConfig{"FractionForInteger",
                  R"({"topology": {"terminals": 2.5}})",
                  "topology.terminals",
                  "expected an integer"},
        BadConfig{"IntegerBelowRange",
                  R"({"topology": {"terminals": 0}})",
                  "topology.terminals",
                  "value 0 is out of range [1, 10000]"},
        BadConfig{"ExclusiveMinimum",
                  R"({"workload": {"arrival_rate_per_s": 0}})",
                  "workload.arrival_rate_per_s",
                  "out of range (0, 10000]"},
        BadConfig{"LinkRateBelowOneKilobit",
                  R"({"topology": {"access": {"rate_mbps": 0.0000009}}})",
                  "topology.access.rate_mbps",
                  "out of range [0.001, 1000000]"},
        BadConfig{"NullForObject",
                  R"({"topology": null})",
                  "topology",
                  "expected an object, got null"},
        BadConfig{"EmptyOutputDirectory",
                  R"({"output": {"dir": ""}})",
                  "output.dir",
                  "must not be empty"},
        BadConfig{"SegmentLargerThanTheMtuAllows",
                  R"({"transport": {"segment_size_bytes": 1500}})",
                  "transport.segment_size_bytes",
                  "out of range [536, 1460]"},
        BadConfig{"RequestLargerThanMaxFrame",
                  R"({"transport": {"max_frame_bytes": 1024},
                      "mode": "network-only",
                      "workload": {"source": "synthetic",
                                   "prompt_tokens": {"min": 512, "max": 512}}})",
                  "transport.max_frame_bytes",
                  // 6 (frame) + 12 (message) + 16 (request) + 512 x 4 bytes of prompt, plus
                  // the 40-byte authentication trailer it carries to the cloud.
                  "smaller than the largest request, 2122 bytes"},
        BadConfig{"HmacKeyNotHexadecimal",
                  R"({"security": {"hmac_key": "00112233445566778899aabbccddeefg"}})",
                  "security.hmac_key",
                  "character 32 ('g') is not a hexadecimal digit"},
        BadConfig{"HmacKeyTooShort",
                  R"({"security": {"hmac_key": "00112233445566778899aabbccddee"}})",
                  "security.hmac_key",
                  "30 hexadecimal digits; a key needs an even number, at least 32"},
        BadConfig{"HmacKeyOddLength",
                  R"({"security": {"hmac_key": "00112233445566778899aabbccddeeff0"}})",
                  "security.hmac_key",
                  "33 hexadecimal digits"},
        BadConfig{"HmacThroughputZero",
                  R"({"security": {"hmac_bytes_per_s": 0}})",
                  "security.hmac_bytes_per_s",
                  "out of range"},
        BadConfig{"DuplicateKey",
                  R"({"topology": {"terminals": 3, "terminals": 5}})",
                  "topology.terminals",
                  "duplicate key"},
        BadConfig{"NumberAboveRange",
                  R"({"topology": {"backhaul": {"loss_rate": 0.9}}})",
                  "topology.backhaul.loss_rate",
                  "out of range [0, 0.5]"},
        BadConfig{"EdgeLinksSwitchNotABoolean",
                  R"({"topology": {"edge_links": {"enabled": 1}}})",
                  "topology.edge_links.enabled",
                  "expected a boolean"},
        BadConfig{"EdgeLinkRateZero",
                  R"({"topology": {"edge_links": {"rate_mbps": 0}}})",
                  "topology.edge_links.rate_mbps",
                  "out of range [0.001, 1000000]"},
        BadConfig{"EdgeLinkNegativeDelay",
                  R"({"topology": {"edge_links": {"delay_ms": -0.5}}})",
                  "topology.edge_links.delay_ms",
                  "out of range [0, 10000]"},
        BadConfig{"EdgeLinkLossAboveRange",
                  R"({"topology": {"edge_links": {"enabled": true, "loss_rate": 0.6}}})",
                  "topology.edge_links.loss_rate",
                  "out of range [0, 0.5]"},
        BadConfig{"EdgeLinkQueueNegative",
                  R"({"topology": {"edge_links": {"queue_packets": -1}}})",
                  "topology.edge_links.queue_packets",
                  "out of range [0, 1000000]"},
        BadConfig{"MisspeltEdgeLinks",
                  R"({"topology": {"edge_link": {"enabled": true}}})",
                  "topology.edge_link",
                  "did you mean 'topology.edge_links'?"},
        BadConfig{"NegativeDuration",
                  R"({"simulation": {"drain_s": -1}})",
                  "simulation.drain_s",
                  "out of range [0, 1000000]"},
        BadConfig{"NullForNumber",
                  R"({"cloud": {"token_interval_ms": null}})",
                  "cloud.token_interval_ms",
                  "expected a number, got null"},
        BadConfig{"UnknownEnumValue",
                  R"({"mode": "cloud-only-typo"})",
                  "mode",
                  "expected one of network-only"},
        BadConfig{"UnknownTcpVariant",
                  R"({"transport": {"tcp_variant": "TcpReno"}})",
                  "transport.tcp_variant",
                  "expected one of TcpCubic|TcpNewReno"},
        BadConfig{"StringForBoolean",
                  R"({"output": {"messages_trace": "yes"}})",
                  "output.messages_trace",
                  "expected a boolean"},
        BadConfig{"NumberForObject",
                  R"({"topology": 5})",
                  "topology",
                  "expected an object, got integer"},
        BadConfig{"UnknownRadioPreset",
                  R"({"topology": {"radio": {"preset": "fr2"}}})",
                  "topology.radio.preset",
                  "expected one of fr1-100mhz|fr3-400mhz|mmwave-800mhz|subthz-2ghz"},
        BadConfig{"TddPatternWithoutUplink",
                  R"({"topology": {"radio": {"tdd_pattern": "DDDS"}}})",
                  "topology.radio.tdd_pattern",
                  "'DDDS' must use only D, S and U"},
        BadConfig{"TddPatternWithOtherLetters",
                  R"({"topology": {"radio": {"tdd_pattern": "DDXU"}}})",
                  "topology.radio.tdd_pattern",
                  "must use only D, S and U"},
        BadConfig{"TerminalsNearerThanTheyMayBe",
                  R"({"topology": {"radio": {"min_distance_m": 500}}})",
                  "topology.radio.min_distance_m",
                  "min_distance_m 500.0 is larger than max_distance_m 100.0"},
        BadConfig{"RadioTraceWithoutRadio",
                  R"({"topology": {"radio": {"enabled": false}},
                      "output": {"radio_trace": true}})",
                  "output.radio_trace",
                  "needs the radio access"},
        BadConfig{"MinAboveMax",
                  R"({"workload": {"prompt_tokens": {"min": 100, "max": 10}}})",
                  "workload.prompt_tokens.min",
                  "min 100 is larger than max 10"},
        BadConfig{"SyntheticWorkloadForAModel",
                  R"({"mode": "edge-only", "workload": {"source": "synthetic"}})",
                  "workload.source",
                  "mode 'edge-only' needs source 'trace'"},
        BadConfig{"TraceArrivalsWithoutATrace",
                  R"({"mode": "network-only",
                      "workload": {"source": "synthetic", "arrival": "trace"}})",
                  "workload.arrival",
                  "'trace' needs workload.source 'trace'"},
        BadConfig{"UnknownMode", R"({"mode": "fog-only"})", "mode", "cloud-only"},
        BadConfig{"UnknownDevice", R"({"edge": {"device": "tpu"}})", "edge.device", "jetson-orin"}),
    [](const ::testing::TestParamInfo<BadConfig>& info)
    {
        return info.param.name;
    });

TEST(ScenarioConfigTest, HmacKeyIsTheGivenHexOrDerivedFromSeedAndRun)
{
    auto key = [](const std::string& document)
    {
        return CeLslmHelper::HmacKey(
            ScenarioConfig(ScenarioConfig::ParseDocument(document, "test.json"), "test.json"));
    };
    EXPECT_EQ(
        key(R"({"security": {"hmac_key": "000102030405060708090a0B0c0d0e0fFF"}})"),
        std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\xff", 17));
    const std::string derived = key("{}");
    EXPECT_EQ(derived.size(), 32u);
    EXPECT_EQ(key(R"({"simulation": {"seed": 1, "run": 1}})"), derived); // the defaults
    EXPECT_NE(key(R"({"simulation": {"run": 2}})"), derived);
    EXPECT_NE(key(R"({"simulation": {"seed": 2}})"), derived);
}

TEST(ScenarioConfigTest, SyntaxErrorNamesLineAndColumn)
{
    try
    {
        ScenarioConfig::ParseDocument("{\n  \"topology\": {\"terminals\": 4,}\n}", "broken.json");
        FAIL() << "no error";
    }
    catch (const ConfigError& error)
    {
        std::string what = error.what();
        EXPECT_EQ(error.GetSource(), "broken.json");
        EXPECT_NE(what.find("invalid JSON at line 2, column 31"), std::string::npos) << what;
    }
}

TEST(ScenarioConfigTest, NumberTooLargeForADoubleIsASyntaxError)
{
    // Found by the scenario-config fuzz target (doc/fuzzing.rst): nlohmann's out_of_range
    // escaped ParseDocument, and ce-lslm-sim died of an uncaught exception.
    try
    {
        ScenarioConfig::ParseDocument(R"({"simulation": {"duration_s": 1e999}})", "big.json");
        FAIL() << "no error";
    }
    catch (const ConfigError& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "big.json: invalid JSON: number overflow parsing '1e999'");
    }
}

TEST(ScenarioConfigTest, DirectoryIsNotAConfigFile)
{
    try
    {
        ScenarioConfig::ReadDocument(FreshTestDir());
        FAIL() << "no error";
    }
    catch (const ConfigError& error)
    {
        EXPECT_NE(std::string(error.what()).find("is a directory"), std::string::npos);
    }
}

TEST(ScenarioConfigTest, SameKeyInDifferentObjectsIsFine)
{
    EXPECT_NO_THROW(ScenarioConfig(
        ScenarioConfig::ParseDocument(
            R"({"topology": {"access": {"delay_ms": 1}, "backhaul": {"delay_ms": 2}}})",
            "x"),
        "x"));
}

TEST(ScenarioConfigTest, DocumentMustBeAnObject)
{
    EXPECT_THROW(ScenarioConfig::ParseDocument("[1, 2]", "array.json"), ConfigError);
}

TEST(ScenarioConfigTest, MissingFileIsNamed)
{
    try
    {
        ScenarioConfig::ReadDocument("/nonexistent/scenario.json");
        FAIL() << "no error";
    }
    catch (const ConfigError& error)
    {
        EXPECT_EQ(error.GetSource(), "/nonexistent/scenario.json");
        EXPECT_NE(std::string(error.what()).find("cannot open config file"), std::string::npos);
    }
}

TEST(ScenarioConfigTest, OverridesSetTypedValues)
{
    ConfigJson document = ConfigJson::object();
    ScenarioConfig::ApplyOverride(document, "topology.terminals=8");
    ScenarioConfig::ApplyOverride(document, "topology.access.rate_mbps=12.5");
    ScenarioConfig::ApplyOverride(document, "output.dir=some dir/with space");
    ScenarioConfig::ApplyOverride(document, "workload.arrival=\"periodic\"");
    ScenarioConfig::ApplyOverride(document, "output.messages_trace=true");
    ScenarioConfig::ApplyOverride(document, R"(workload.answer_tokens={"min": 2, "max": 3})");
    ScenarioConfig config(document, "overrides");
    EXPECT_EQ(config.GetInt("topology.terminals"), 8);
    EXPECT_DOUBLE_EQ(config.GetDouble("topology.access.rate_mbps"), 12.5);
    EXPECT_EQ(config.GetString("output.dir"), "some dir/with space");
    EXPECT_EQ(config.GetString("workload.arrival"), "periodic");
    EXPECT_TRUE(config.GetBool("output.messages_trace"));
    EXPECT_EQ(config.GetInt("workload.answer_tokens.max"), 3);
}

TEST(ScenarioConfigTest, LaterOverrideWins)
{
    ConfigJson document = ScenarioConfig::ParseDocument(R"({"topology": {"terminals": 2}})", "f");
    ScenarioConfig::ApplyOverride(document, "topology.terminals=3");
    ScenarioConfig::ApplyOverride(document, "topology.terminals=5");
    EXPECT_EQ(ScenarioConfig(document, "f").GetInt("topology.terminals"), 5);
}

TEST(ScenarioConfigTest, BadOverridesNameTheOption)
{
    ConfigJson document = ConfigJson::object();
    auto messageOf = [&document](const std::string& assignment)
    {
        try
        {
            ScenarioConfig::ApplyOverride(document, assignment);
        }
        catch (const ConfigError& error)
        {
            EXPECT_EQ(error.GetSource(), "--set " + assignment);
            return std::string(error.what());
        }
        ADD_FAILURE() << "no error for " << assignment;
        return std::string();
    };
    EXPECT_NE(messageOf("topology.termnals=3").find("did you mean 'topology.terminals'?"),
              std::string::npos);
    EXPECT_NE(messageOf("topology.terminals=abc").find("cannot parse 'abc' as integer"),
              std::string::npos);
    EXPECT_NE(messageOf("topology.terminals=0").find("out of range [1, 10000]"), std::string::npos);
    EXPECT_NE(messageOf("topology.terminals").find("expected dotted.key=value"), std::string::npos);
    // Found by the scenario-config fuzz target (doc/fuzzing.rst): a string override that is not
    // UTF-8 threw nlohmann's type_error from the error message, and a quoted one that is not a
    // JSON string went through as a discarded value.
    EXPECT_NE(messageOf("output.dir=ab\xff")
                  .find("'output.dir': is not valid UTF-8 text: "
                        "invalid UTF-8 byte at index 2: 0xFF"),
              std::string::npos);
    EXPECT_NE(messageOf("mode=\"ce-\xc3\"").find("as a JSON string"), std::string::npos);
    EXPECT_NE(messageOf("output.dir=\"a\"b\"").find("cannot parse \"a\"b\" as a JSON string"),
              std::string::npos);
}

TEST(ScenarioConfigTest, ExampleScenariosAreValid)
{
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(SourcePath("examples/scenarios")))
    {
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(ScenarioConfig(ScenarioConfig::ReadDocument(entry.path().string()),
                                       entry.path().string()));
        ++checked;
    }
    EXPECT_GT(checked, 0u);
}

TEST(ScenarioConfigTest, ReferenceDocumentMatchesSchema)
{
    std::ostringstream generated;
    WriteScenarioReference(generated);
    EXPECT_EQ(ReadFile(SourcePath("doc/config-reference.rst")), generated.str())
        << "doc/config-reference.rst is stale: regenerate it with "
           "build/bin/ce-lslm-sim --config-reference > doc/config-reference.rst";
}
