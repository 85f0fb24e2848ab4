/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Cross-model KV alignment: the ridge maps, the layer similarity and mapping, the alignment path
// into an edge cache (identity alignment == the model's own prefill), the file format and the
// fitter.

#include "kv-test-utils.h"
#include "llm-test-utils.h"
#include "test-utils.h"

#include "ns3/alignment-fitter.h"
#include "ns3/byte-tokenizer.h"
#include "ns3/context-assembler.h"
#include "ns3/kv-alignment.h"
#include "ns3/kv-error.h"
#include "ns3/layer-mapping.h"
#include "ns3/linear-cka.h"
#include "ns3/linear-map.h"
#include "ns3/transformer.h"

#include <Eigen/Dense>
#include <fstream>
#include <gtest/gtest.h>
#include <random>

namespace
{

using namespace ce_lslm_test;
using namespace ns3::kv;
using ns3::llm::ForwardOptions;
using ns3::llm::KvCache;
using ns3::llm::Transformer;

Matrix
RandomMatrix(int64_t rows, int64_t cols, uint32_t seed)
{
    std::mt19937 rng(seed);
    return RandomNormal(rows, cols, rng);
}

TEST(LinearMap, RidgeFitRecoversAKnownAffineMap)
{
    const Matrix x = RandomMatrix(400, 12, 1);
    const Matrix weight = RandomMatrix(12, 7, 2);
    Vector bias = RandomMatrix(7, 1, 3).col(0);
    const LinearMap truth(weight, bias);
    const LinearMap fitted = LinearMap::FitRidge(x, truth.Apply(x), 0.0);
    EXPECT_LT((fitted.Weight() - weight).cwiseAbs().maxCoeff(), 1e-4);
    EXPECT_LT((fitted.Bias() - bias).cwiseAbs().maxCoeff(), 1e-4);
    // A light ridge barely moves it; a heavy one shrinks the weights towards 0.
    const LinearMap light = LinearMap::FitRidge(x, truth.Apply(x), 1e-6);
    EXPECT_LT((light.Weight() - weight).cwiseAbs().maxCoeff(), 1e-3);
    const LinearMap heavy = LinearMap::FitRidge(x, truth.Apply(x), 10.0);
    EXPECT_LT(heavy.Weight().norm(), 0.5 * weight.norm());
    EXPECT_THROW(LinearMap::FitRidge(x, Matrix(3, 7), 0.0), KvError);
    EXPECT_THROW(fitted.Apply(Matrix(2, 5)), KvError);
}

TEST(LinearCka, IsOneUnderRotationAndScaleAndLowForUnrelatedData)
{
    const Matrix x = RandomMatrix(500, 8, 4);
    // A random orthogonal 8 x 8 rotation, a uniform scale and an offset.
    const Eigen::MatrixXf q =
        Eigen::HouseholderQR<Eigen::MatrixXf>(RandomMatrix(8, 8, 5)).householderQ();
    Matrix y = 3.0f * x * q;
    y.rowwise() += RandomMatrix(1, 8, 6).row(0);
    EXPECT_NEAR(LinearCka::Compute(x, y), 1.0, 1e-5);
    EXPECT_LT(LinearCka::Compute(x, RandomMatrix(500, 16, 7)), 0.1);
    // Half of y's columns copy x: similar, not identical.
    Matrix mixed(500, 16);
    mixed << x, RandomMatrix(500, 8, 8);
    const double partial = LinearCka::Compute(x, mixed);
    EXPECT_GT(partial, 0.3);
    EXPECT_LT(partial, 0.95);
    EXPECT_THROW(LinearCka::Compute(x, RandomMatrix(10, 8, 9)), KvError);
}

TEST(LayerMapping, ProportionalKeepsFirstAndLastAndLocalPrefix)
{
    EXPECT_EQ(LayerMapping::Proportional(4, 6, 0).Sources(), (std::vector<int64_t>{0, 2, 3, 5}));
    EXPECT_EQ(LayerMapping::Proportional(4, 6, 2).Sources(), (std::vector<int64_t>{-1, -1, 3, 5}));
    EXPECT_EQ(LayerMapping::Proportional(4, 6, 2).ToString(), "local,local,3,5");
    EXPECT_EQ(LayerMapping::Proportional(3, 3, 0).Sources(), (std::vector<int64_t>{0, 1, 2}));
    EXPECT_EQ(LayerMapping::Proportional(4, 6, 4).LocalLayers(), 4);
    EXPECT_THROW(LayerMapping::Proportional(4, 6, 5), KvError);
    EXPECT_THROW(LayerMapping({-1, 2, -1}, 6), KvError);
    EXPECT_THROW(LayerMapping({0, 6}, 6), KvError);
}

/// Best monotone assignment by brute force, to check the dynamic programme.
double
BruteForceBest(const Eigen::MatrixXd& s, int64_t local, int64_t e, int64_t minSource)
{
    if (e == s.rows())
    {
        return 0.0;
    }
    if (e < local)
    {
        return BruteForceBest(s, local, e + 1, 0);
    }
    double best = -1e300;
    for (int64_t c = minSource; c < s.cols(); ++c)
    {
        best = std::max(best, s(e, c) + BruteForceBest(s, local, e + 1, c));
    }
    return best;
}

TEST(LayerMapping, SimilarityFindsTheBestMonotoneAssignment)
{
    std::mt19937 rng(10);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int trial = 0; trial < 50; ++trial)
    {
        const int64_t edge = 2 + trial % 4;
        const int64_t cloud = 2 + trial % 5;
        Eigen::MatrixXd s(edge, cloud);
        for (Eigen::Index i = 0; i < s.size(); ++i)
        {
            s.data()[i] = uniform(rng);
        }
        const int64_t local = trial % edge;
        const LayerMapping mapping = LayerMapping::BySimilarity(s, local);
        double total = 0;
        int64_t previous = 0;
        for (int64_t e = local; e < edge; ++e)
        {
            ASSERT_GE(mapping.Source(e), previous);
            previous = mapping.Source(e);
            total += s(e, previous);
        }
        EXPECT_NEAR(total, BruteForceBest(s, local, 0, 0), 1e-12);
        EXPECT_EQ(mapping.LocalLayers(), local);
    }
    EXPECT_THROW(LayerMapping::Make("nearest", Eigen::MatrixXd::Ones(2, 2), 0), KvError);
}

/// Logits of the prompt after the context: the model's own prefill, or the alignment path.
Matrix
PromptLogits(const Transformer& model, KvCache& cache, const TokenSequence& prompt)
{
    ForwardOptions options;
    options.logits = ForwardOptions::Logits::ALL;
    return model.Forward(prompt, cache, options).logits;
}

TEST(ContextAssembler, IdentityAlignmentEqualsTheModelsOwnPrefill)
{
    const Transformer edge(ModelWeights::Random(ByteConfig(48, 4, 4, 2), 21));
    const TokenSequence context = ns3::llm::ByteTokenizer::Encode("The context passage.", true);
    const TokenSequence prompt = ns3::llm::ByteTokenizer::Encode(" A question?");
    KvCache own(edge.Config());
    edge.Forward(context, own);
    const Matrix expected = PromptLogits(edge, own, prompt);
    KvCache source(edge.Config());
    edge.Forward(context, source);
    for (int64_t local : {0, 1, 2, 4})
    {
        const KvAlignment identity = KvAlignment::Identity("edge", edge.Config(), local);
        const ContextAssembler assembler(edge, identity);
        const auto n = static_cast<int64_t>(context.size());
        // Blocks in two token ranges, as a stream delivers them.
        std::vector<KvBlock> blocks = identity.Project(source, 0, 9);
        for (KvBlock& block : identity.Project(source, 9, n))
        {
            blocks.push_back(std::move(block));
        }
        std::stable_sort(blocks.begin(),
                         blocks.end(),
                         [](const KvBlock& a, const KvBlock& b)
                         {
                             return a.layer < b.layer;
                         });
        ns3::llm::ForwardCost localCost;
        KvCache assembled = assembler.Assemble(context, blocks, &localCost);
        EXPECT_LT(MaxAbsDifference(PromptLogits(edge, assembled, prompt), expected), 1e-5)
            << "local layers " << local;
        EXPECT_EQ(localCost.flops > 0, local > 0);
    }
}

TEST(ContextAssembler, RejectsMissingWrongAndMisplacedBlocks)
{
    const Transformer edge(ModelWeights::Random(ByteConfig(32, 3, 4, 2), 22));
    const KvAlignment identity = KvAlignment::Identity("edge", edge.Config(), 1);
    const ContextAssembler assembler(edge, identity);
    const TokenSequence context = ns3::llm::ByteTokenizer::Encode("abcdef", true);
    KvCache source(edge.Config());
    edge.Forward(context, source);
    std::vector<KvBlock> blocks = identity.Project(source, 0, 7);
    EXPECT_THROW(assembler.Assemble(context, {blocks[0]}, nullptr), KvError); // layer 2 missing
    KvBlock local = blocks[0];
    local.layer = 0;
    KvCache cache = assembler.Begin(context, nullptr);
    EXPECT_THROW(assembler.Place(cache, local), KvError);
    KvBlock narrow = blocks[0];
    narrow.keys = Matrix(7, 3);
    EXPECT_THROW(assembler.Place(cache, narrow), KvError);
    // A block may not overlap what the layer already holds.
    assembler.Place(cache, blocks[0]);
    EXPECT_THROW(assembler.Place(cache, blocks[0]), KvError);
    const Transformer other(ModelWeights::Random(ByteConfig(32, 2, 4, 2), 23));
    EXPECT_THROW(ContextAssembler(other, identity), KvError);
}

TEST(KvAlignment, FileRoundTripsAndReportsBadFiles)
{
    const Transformer cloud(ModelWeights::Random(ByteConfig(64, 3, 4, 2), 31));
    const Transformer edge(ModelWeights::Random(ByteConfig(32, 2, 4, 1), 32));
    AlignmentFitOptions options;
    options.localLayers = 1;
    const KvAlignment fitted = AlignmentFitter(cloud, "cloud", edge, "edge")
                                   .Fit(CalibrationKv::Windows(SomeTexts(), 128, 16), options);
    const std::string dir = FreshTestDir();
    const std::string path = dir + "/alignment.safetensors";
    fitted.Save(path);
    const KvAlignment loaded = KvAlignment::Load(path);
    EXPECT_EQ(loaded.Serialize(), fitted.Serialize());
    EXPECT_EQ(loaded.Id(), fitted.Id());
    // The id follows the contents: another fusion weight is another alignment.
    KvAlignment changed = loaded;
    changed.SetFusionLogWeight(1, loaded.Link(1).fusionLogWeight + 1.0f);
    EXPECT_NE(changed.Id(), loaded.Id());
    EXPECT_EQ(loaded.Mapping().Sources(), fitted.Mapping().Sources());
    EXPECT_EQ(loaded.Codebook().size(), 1u);
    EXPECT_NO_THROW(loaded.CheckModels(cloud.Config(), edge.Config()));
    try
    {
        loaded.CheckModels(edge.Config(), edge.Config());
        FAIL() << "mismatched models accepted";
    }
    catch (const KvError& error)
    {
        EXPECT_NE(std::string(error.what()).find("layers 2 (fitted for 3)"), std::string::npos)
            << error.what();
    }

    // Another file with the same tensors but a wrong version, and a truncated file.
    std::vector<uint8_t> bytes = fitted.Serialize();
    std::string text(bytes.begin(), bytes.end());
    const std::string tag = "\"version\":\"1\"";
    ASSERT_NE(text.find(tag), std::string::npos);
    text.replace(text.find(tag), tag.size(), "\"version\":\"7\"");
    WriteFile(dir + "/v7.safetensors", text);
    EXPECT_THROW(
        {
            try
            {
                KvAlignment::Load(dir + "/v7.safetensors");
            }
            catch (const KvError& error)
            {
                EXPECT_NE(std::string(error.what()).find("version 7"), std::string::npos);
                throw;
            }
        },
        KvError);
    WriteFile(dir + "/cut.safetensors", text.substr(0, text.size() / 2));
    EXPECT_THROW(KvAlignment::Load(dir + "/cut.safetensors"), KvError);
    EXPECT_THROW(KvAlignment::Load(dir + "/absent.safetensors"), KvError);
}

TEST(AlignmentFitter, AModelAlignedWithItselfGetsIdentityMapsAndTheDiagonal)
{
    const Transformer edge(ModelWeights::Random(ByteConfig(48, 4, 4, 2), 41));
    AlignmentFitOptions options;
    options.localLayers = 1;
    options.ridge = 0.0;
    AlignmentFitReport report;
    const KvAlignment self =
        AlignmentFitter(edge, "edge", edge, "edge")
            .Fit(CalibrationKv::Windows(SomeTexts(), 128, 20), options, &report);
    EXPECT_EQ(self.Mapping().Sources(), (std::vector<int64_t>{-1, 1, 2, 3}));
    for (int64_t e = 0; e < 4; ++e)
    {
        EXPECT_NEAR(report.similarity(e, e), 1.0, 1e-6);
    }
    ASSERT_EQ(report.keyError.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k)
    {
        EXPECT_LT(report.keyError[k], 1e-3);
        EXPECT_LT(report.valueError[k], 1e-3);
    }
    // The context is the model's own: attending to it as usual is optimal, so the fitted
    // weights stay near 0 and fusing cannot do worse than not fusing.
    EXPECT_LE(report.bitsPerByteFused, report.bitsPerByteUnfused + 1e-12);
    EXPECT_EQ(report.heldOutWindows, 5);
}

TEST(AlignmentFitter, FitsDifferentWidthsAndDepthsAndRecordsProvenance)
{
    const Transformer cloud(ModelWeights::Random(ByteConfig(64, 6, 8, 2), 51));
    const Transformer edge(ModelWeights::Random(ByteConfig(32, 4, 4, 1), 52));
    AlignmentFitOptions options;
    options.strategy = "proportional";
    AlignmentFitReport report;
    const KvAlignment alignment =
        AlignmentFitter(cloud, "cloud", edge, "edge")
            .Fit(CalibrationKv::Windows(SomeTexts(), 96, 24), options, &report);
    EXPECT_EQ(alignment.Mapping().ToString(), "local,local,3,5");
    EXPECT_EQ(alignment.Link(2).keyMap.Inputs(), 16);
    EXPECT_EQ(alignment.Link(2).keyMap.Outputs(), 8);
    EXPECT_EQ(report.receivingLayers, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(alignment.Codebook().at(3).keys.Dim(), 8);
    EXPECT_NE(alignment.Provenance().find("\"strategy\":\"proportional\""), std::string::npos);
    // The projected KV lands in the edge's space and the edge runs on it.
    const TokenSequence context = ns3::llm::ByteTokenizer::Encode("Bears and the pitch.", true);
    KvCache cloudCache(cloud.Config());
    cloud.Forward(context, cloudCache);
    const ContextAssembler assembler(edge, alignment);
    KvCache cache =
        assembler.Assemble(context,
                           alignment.Project(cloudCache, 0, static_cast<int64_t>(context.size())),
                           nullptr);
    EXPECT_EQ(cache.Layer(3).FusionLogWeight(), alignment.Link(3).fusionLogWeight);
    const Matrix logits = PromptLogits(edge, cache, ns3::llm::ByteTokenizer::Encode(" game"));
    EXPECT_TRUE(logits.allFinite());
    EXPECT_THROW(AlignmentFitter(cloud, "cloud", edge, "edge")
                     .Fit(CalibrationKv::Windows(SomeTexts(), 96, 2), options),
                 KvError);
}

} // namespace
