/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The generic schema engine, on a small schema of its own.

#include "ns3/config-schema.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace
{

ConfigSchema
SmallSchema()
{
    using S = ConfigSchema;
    return S::Object("root",
                     {{"name", S::String("x", "a name")},
                      {"link",
                       S::Object("a link",
                                 {{"rate", S::Number(1.5, 0, 10, "rate, in Mbit/s", true)},
                                  {"hops", S::Integer(2, 1, 5, "hops")},
                                  {"kind", S::Enum("wired", {"wired", "radio"}, "kind")},
                                  {"on", S::Boolean(true, "on")}})}});
}

} // namespace

TEST(ConfigSchemaTest, EditDistance)
{
    EXPECT_EQ(EditDistance("", ""), 0u);
    EXPECT_EQ(EditDistance("access", "acess"), 1u);
    EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
    EXPECT_EQ(EditDistance("abc", ""), 3u);
}

TEST(ConfigSchemaTest, SplitAndJoinPaths)
{
    EXPECT_EQ(SplitConfigPath("a.b.c"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(SplitConfigPath("a"), (std::vector<std::string>{"a"}));
    EXPECT_EQ(JoinConfigPath("", "a"), "a");
    EXPECT_EQ(JoinConfigPath("a.b", "c"), "a.b.c");
}

TEST(ConfigSchemaTest, DefaultsAreCompleteAndInSchemaOrder)
{
    ConfigJson defaults = SmallSchema().Defaults();
    EXPECT_EQ(defaults.dump(),
              R"({"name":"x","link":{"rate":1.5,"hops":2,"kind":"wired","on":true}})");
}

TEST(ConfigSchemaTest, ResolveOrdersKeysLikeTheSchema)
{
    ConfigJson input = ConfigJson::parse(R"({"link": {"on": false, "hops": 3}, "name": "y"})");
    EXPECT_EQ(SmallSchema().Resolve(input).dump(),
              R"({"name":"y","link":{"rate":1.5,"hops":3,"kind":"wired","on":false}})");
}

TEST(ConfigSchemaTest, FindWalksDottedPaths)
{
    ConfigSchema schema = SmallSchema();
    ASSERT_NE(schema.Find("link.hops"), nullptr);
    EXPECT_EQ(schema.Find("link.hops")->GetKind(), ConfigSchema::Kind::INTEGER);
    EXPECT_EQ(schema.Find("link")->GetKind(), ConfigSchema::Kind::OBJECT);
    EXPECT_EQ(schema.Find("link.nope"), nullptr);
    EXPECT_EQ(schema.Find("name.deeper"), nullptr);
    EXPECT_EQ(schema.Find(""), nullptr);
}

TEST(ConfigSchemaTest, RangesAreDescribed)
{
    ConfigSchema schema = SmallSchema();
    EXPECT_EQ(schema.Find("link.rate")->DescribeRange(), "(0, 10]");
    EXPECT_EQ(schema.Find("link.hops")->DescribeRange(), "[1, 5]");
    EXPECT_EQ(schema.Find("link.kind")->DescribeRange(), "wired|radio");
    EXPECT_EQ(schema.Find("link.on")->DescribeRange(), "true|false");
}

TEST(ConfigSchemaTest, ExclusiveMinimumRejectsTheBoundOnly)
{
    ConfigSchema schema = SmallSchema();
    EXPECT_THROW(schema.Resolve(ConfigJson::parse(R"({"link": {"rate": 0}})")), ConfigError);
    EXPECT_NO_THROW(schema.Resolve(ConfigJson::parse(R"({"link": {"rate": 1e-9}})")));
    EXPECT_NO_THROW(schema.Resolve(ConfigJson::parse(R"({"link": {"rate": 10}})")));
    EXPECT_THROW(schema.Resolve(ConfigJson::parse(R"({"link": {"rate": 10.001}})")), ConfigError);
}

TEST(ConfigSchemaTest, SuggestPathFindsTyposAndMisplacedKeys)
{
    ConfigSchema schema = SmallSchema();
    EXPECT_EQ(schema.SuggestPath("link.hosp"), "link.hops");
    EXPECT_EQ(schema.SuggestPath("hops"), "link.hops");
    EXPECT_EQ(schema.SuggestPath("completely.different"), "");
}

TEST(ConfigSchemaTest, ParseOverrideFollowsTheKind)
{
    ConfigSchema schema = SmallSchema();
    EXPECT_EQ(schema.Find("name")->ParseOverride("hello world", "name"), "hello world");
    EXPECT_EQ(schema.Find("name")->ParseOverride("\"quoted\"", "name"), "quoted");
    EXPECT_EQ(schema.Find("link.hops")->ParseOverride("4", "link.hops"), 4);
    EXPECT_EQ(schema.Find("link.on")->ParseOverride("false", "link.on"), false);
    EXPECT_THROW(schema.Find("link.hops")->ParseOverride("four", "link.hops"), ConfigError);
}

TEST(ConfigSchemaTest, ReferenceListsEveryLeaf)
{
    std::vector<ConfigSchema::ReferenceRow> rows = SmallSchema().Reference();
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].path, "name");
    EXPECT_EQ(rows[1].path, "link.rate");
    EXPECT_EQ(rows[1].defaultValue, "1.5");
    EXPECT_EQ(rows[1].range, "(0, 10]");
    EXPECT_EQ(rows[1].help, "rate, in Mbit/s");
    EXPECT_EQ(rows[4].path, "link.on");
}
