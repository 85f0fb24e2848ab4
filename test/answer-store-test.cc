/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// AnswerStore: answers survive the process (round trips of both answer kinds), keys never mix,
// corrupt files are refused with their name and offset, the executed model reads and writes it,
// and scenarios give the same requests.csv with and without a store.

#include "serving-test-utils.h"

#include "ns3/answer-store.h"
#include "ns3/config-error.h"
#include "ns3/executed-model.h"
#include "ns3/llm-error.h"

#include <filesystem>
#include <gtest/gtest.h>

using namespace ns3;
using namespace ce_lslm_test;

namespace
{

ExecutedAnswer
SomeAnswer()
{
    ExecutedAnswer answer;
    answer.tokens = {104, 105, 0, 255};
    answer.score.nllNats = 12.375;
    answer.score.tokens = 3;
    answer.score.bytes = 3;
    answer.score.greedyHits = 2;
    answer.score.predictions = {7, 8, 9};
    answer.score.cost.flops = 1e9;
    answer.score.cost.weightBytes = 2.5e6;
    answer.score.cost.kvReadBytes = 3;
    answer.score.cost.kvWrittenBytes = 4;
    answer.score.cost.outputBytes = 5;
    return answer;
}

void
ExpectSameScore(const llm::ContinuationScore& a, const llm::ContinuationScore& b)
{
    EXPECT_EQ(a.nllNats, b.nllNats);
    EXPECT_EQ(a.tokens, b.tokens);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.greedyHits, b.greedyHits);
    EXPECT_EQ(a.predictions, b.predictions);
    EXPECT_EQ(a.cost.flops, b.cost.flops);
    EXPECT_EQ(a.cost.weightBytes, b.cost.weightBytes);
    EXPECT_EQ(a.cost.kvReadBytes, b.cost.kvReadBytes);
    EXPECT_EQ(a.cost.kvWrittenBytes, b.cost.kvWrittenBytes);
    EXPECT_EQ(a.cost.outputBytes, b.cost.outputBytes);
}

/// The only answer file under \p directory.
std::filesystem::path
OnlyFile(const std::string& directory)
{
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
    {
        if (entry.is_regular_file())
        {
            files.push_back(entry.path());
        }
    }
    EXPECT_EQ(files.size(), 1u);
    return files.empty() ? std::filesystem::path() : files.front();
}

} // namespace

TEST(AnswerStore, ExecutedAnswersRoundTripAcrossStoreInstances)
{
    const std::string dir = FreshTestDir() + "/store";
    AnswerStore writer(dir);
    EXPECT_FALSE(writer.LoadExecuted("model\nrequest"));
    writer.SaveExecuted("model\nrequest", SomeAnswer());
    EXPECT_EQ(writer.GetCounters().writes, 1u);

    AnswerStore reader(dir); // another run sharing the directory
    std::optional<ExecutedAnswer> loaded = reader.LoadExecuted("model\nrequest");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->tokens, SomeAnswer().tokens);
    ExpectSameScore(loaded->score, SomeAnswer().score);
    EXPECT_EQ(reader.GetCounters().hits, 1u);
    // Another key, or the same key of the other answer kind, is a miss.
    EXPECT_FALSE(reader.LoadExecuted("model\nrequest2"));
    EXPECT_FALSE(reader.LoadEarlyExit("model\nrequest"));
    EXPECT_EQ(reader.GetCounters().misses, 2u);
}

TEST(AnswerStore, EarlyExitAnswersRoundTrip)
{
    AnswerStore store(FreshTestDir());
    llm::EarlyExitAnswer answer;
    answer.steps = {{65, 2, 0.875f}, {66, -1, 0.25f}};
    answer.score = SomeAnswer().score;
    answer.scoreDeferred = 1;
    store.SaveEarlyExit("k", answer);
    std::optional<llm::EarlyExitAnswer> loaded = store.LoadEarlyExit("k");
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->steps.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i)
    {
        EXPECT_EQ(loaded->steps[i].token, answer.steps[i].token);
        EXPECT_EQ(loaded->steps[i].exitLayer, answer.steps[i].exitLayer);
        EXPECT_EQ(loaded->steps[i].confidence, answer.steps[i].confidence);
    }
    ExpectSameScore(loaded->score, answer.score);
    EXPECT_EQ(loaded->scoreDeferred, 1);
}

TEST(AnswerStore, CorruptFilesAreRefusedWithTheirNameAndOffset)
{
    const std::string dir = FreshTestDir();
    AnswerStore store(dir);
    store.SaveExecuted("k", SomeAnswer());
    const std::filesystem::path file = OnlyFile(dir);
    const std::string good = ReadFile(file);

    // A flipped byte inside the answer: the checksum catches it.
    std::string flipped = good;
    flipped[good.size() - 20] ^= 0x40;
    WriteFile(file, flipped);
    try
    {
        store.LoadExecuted("k");
        FAIL() << "a corrupt file was accepted";
    }
    catch (const llm::LlmError& error)
    {
        EXPECT_NE(std::string(error.what()).find(file.string()), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("checksum"), std::string::npos);
    }
    // Truncated: the offset where bytes ran out.
    WriteFile(file, good.substr(0, 11));
    try
    {
        store.LoadExecuted("k");
        FAIL() << "a truncated file was accepted";
    }
    catch (const llm::LlmError& error)
    {
        EXPECT_NE(std::string(error.what()).find("byte offset 8"), std::string::npos)
            << error.what();
    }
    // Another format.
    WriteFile(file, "NOTANSWR" + good.substr(8));
    EXPECT_THROW(store.LoadExecuted("k"), llm::LlmError);
    // The good bytes read again.
    WriteFile(file, good);
    EXPECT_TRUE(store.LoadExecuted("k"));
}

TEST(AnswerStore, ADirectoryThatCannotBeCreatedIsNamed)
{
    const std::string file = FreshTestDir() + "/a-file";
    WriteFile(file, "x");
    try
    {
        AnswerStore store(file + "/store");
        FAIL() << "no error";
    }
    catch (const llm::LlmError& error)
    {
        EXPECT_NE(std::string(error.what()).find(file + "/store"), std::string::npos);
    }
}

TEST(AnswerStore, TheExecutedModelTakesStoredAnswersOnlyForItsOwnWeights)
{
    const std::string dir = FreshTestDir();
    const std::string edge = std::string(CE_LSLM_SOURCE_DIR) + "/models/edge-slm";
    const std::string cloud = std::string(CE_LSLM_SOURCE_DIR) + "/models/cloud-llm";
    auto store = std::make_shared<AnswerStore>(dir + "/store");

    auto first = ExecutedModel::Load(edge);
    EXPECT_FALSE(first->GetFingerprint().empty());
    first->SetAnswerStore(store);
    const ExecutedAnswer computed = first->Answer("The cat", " sat", 6, " on the");
    EXPECT_EQ(first->GetCounters().storeHits, 0u);
    EXPECT_EQ(store->GetCounters().writes, 1u);

    // A fresh model (empty memo) of the same weights reads it back, identical.
    auto second = ExecutedModel::Load(edge);
    second->SetAnswerStore(store);
    const ExecutedAnswer stored = second->Answer("The cat", " sat", 6, " on the");
    EXPECT_EQ(second->GetCounters().storeHits, 1u);
    EXPECT_EQ(stored.tokens, computed.tokens);
    ExpectSameScore(stored.score, computed.score);

    // Other weights: a different fingerprint, so the same request is computed.
    auto other = ExecutedModel::Load(cloud);
    EXPECT_NE(other->GetFingerprint(), first->GetFingerprint());
    other->SetAnswerStore(store);
    other->Answer("The cat", " sat", 6, " on the");
    EXPECT_EQ(other->GetCounters().storeHits, 0u);

    // A model built without a folder has no fingerprint and cannot use a store.
    ExecutedModel bare("bare", first->GetTransformer());
    EXPECT_THROW(bare.SetAnswerStore(store), llm::LlmError);
}

TEST(AnswerStore, AnswersAfterAnAssembledCacheAreKeyedByItsContents)
{
    const std::string edge = std::string(CE_LSLM_SOURCE_DIR) + "/models/edge-slm";
    auto store = std::make_shared<AnswerStore>(FreshTestDir());
    auto first = ExecutedModel::Load(edge);
    first->SetAnswerStore(store);
    const llm::KvCache cat = first->PrefillContext("The cat");
    const llm::KvCache dog = first->PrefillContext("A dog");
    const ExecutedAnswer afterCat = first->AnswerAfter(cat, "ctx", " sat", 6, " on the");

    // Another run names other KV with the same context key: computed, not taken from the store.
    auto second = ExecutedModel::Load(edge);
    second->SetAnswerStore(store);
    const ExecutedAnswer afterDog = second->AnswerAfter(dog, "ctx", " sat", 6, " on the");
    EXPECT_EQ(second->GetCounters().storeHits, 0u);
    auto plain = ExecutedModel::Load(edge);
    const ExecutedAnswer direct = plain->AnswerAfter(dog, "", " sat", 6, " on the");
    EXPECT_EQ(afterDog.tokens, direct.tokens);
    ExpectSameScore(afterDog.score, direct.score);
    EXPECT_NE(afterDog.score.nllNats, afterCat.score.nllNats);

    // The same KV under another context key is found.
    auto third = ExecutedModel::Load(edge);
    third->SetAnswerStore(store);
    const ExecutedAnswer again = third->AnswerAfter(cat, "another key", " sat", 6, " on the");
    EXPECT_EQ(third->GetCounters().storeHits, 1u);
    EXPECT_EQ(again.tokens, afterCat.tokens);
    ExpectSameScore(again.score, afterCat.score);

    // A different fusion weight is different KV.
    llm::KvCache fused = cat;
    fused.Layer(fused.FirstLayer()).SetContextFusion(3, 0.5F);
    EXPECT_NE(AnswerStore::CacheFingerprint(fused), AnswerStore::CacheFingerprint(cat));
}

TEST(AnswerStore, ScenariosGiveTheSameRequestsWithAndWithoutAStore)
{
    const std::string dir = FreshTestDir();
    const std::string workload = WriteWorkload(dir);
    for (const std::string mode : {"cloud-only", "ce-lslm", "ce-collm"})
    {
        SCOPED_TRACE(mode);
        const std::string directory = dir + "/store-" + mode;
        const std::vector<std::string> overrides{"mode=" + mode,
                                                 "simulation.kernel_store=" + directory};
        const std::string without = RequestsCsv(RunScenario(workload, {"mode=" + mode}));
        const std::string filling = RequestsCsv(RunScenario(workload, overrides));
        const std::string reading = RequestsCsv(RunScenario(workload, overrides));
        EXPECT_EQ(filling, without);
        EXPECT_EQ(reading, without);
        // The second run did read the store: with its files spoiled, the runner stops with an
        // error naming a file. (In a child process: ns-3 cannot unwind a simulation that throws
        // mid-run without leaking its in-flight events, which a leak checker would report.)
        std::size_t files = 0;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
        {
            if (entry.is_regular_file())
            {
                WriteFile(entry.path(), "spoiled");
                ++files;
            }
        }
        EXPECT_GT(files, 0u);
        const std::string config = dir + "/" + mode + ".json";
        WriteFile(config, Scenario(workload, overrides).dump());
        const CommandResult spoiled =
            RunCommand("ASAN_OPTIONS=detect_leaks=0 " + Binary("ce-lslm-sim") + " --config "
                       + config + " --out " + dir + "/out-" + mode + " --quiet");
        EXPECT_EQ(spoiled.exitCode, 1) << spoiled.output;
        EXPECT_NE(spoiled.output.find("corrupt answer file"), std::string::npos) << spoiled.output;
        EXPECT_NE(spoiled.output.find(directory), std::string::npos) << spoiled.output;
    }
    try
    {
        RunScenario(workload, {"simulation.kernel_store=" + workload + "/store"});
        FAIL() << "no error";
    }
    catch (const ConfigError& error)
    {
        EXPECT_NE(std::string(error.what()).find("simulation.kernel_store"), std::string::npos);
    }
}
