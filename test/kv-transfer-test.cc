/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// KV transfer end to end: KvSender encodes aligned context KV into a stream, KvReceiver decodes
// it chunk by chunk, ContextAssembler places it into the edge cache. Bases cross once; a stream
// for another alignment, a missing basis, or damaged bytes are reported, never used.

#include "kv-test-utils.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/calibration-kv.h"
#include "ns3/context-assembler.h"
#include "ns3/kv-error.h"
#include "ns3/kv-receiver.h"
#include "ns3/kv-sender.h"
#include "ns3/kv-stream-writer.h"
#include "ns3/token-importance.h"
#include "ns3/transformer.h"

#include <gtest/gtest.h>

namespace
{

using namespace ce_lslm_test;
using namespace ns3::kv;
using ns3::llm::ByteTokenizer;
using ns3::llm::ForwardOptions;
using ns3::llm::KvCache;
using ns3::llm::Transformer;

/// An edge model, its identity alignment with a PCA codebook fitted on its own KV, a context.
class KvTransferTest : public ::testing::Test
{
  protected:
    KvTransferTest()
        : m_edge(ns3::llm::ModelWeights::Random(ByteConfig(48, 4, 4, 2), 61))
        , m_alignment(KvAlignment::Identity("edge", m_edge.Config(), 2))
        , m_context(ByteTokenizer::Encode("The bears won the game at home on Monday night.", true))
    {
        const CalibrationKv kv =
            CalibrationKv::Collect(m_edge, CalibrationKv::Windows(SomeTexts(), 128, 12));
        KvCodebook codebook;
        for (int64_t layer : m_alignment.ReceivingLayers())
        {
            codebook[layer] =
                LayerBases{PcaBasis::Fit(kv.Keys(layer)), PcaBasis::Fit(kv.Values(layer))};
        }
        m_alignment.SetCodebook(codebook);
        m_source = KvCache(m_edge.Config());
        m_edge.Forward(m_context, m_source);
    }

    std::vector<KvBlock> Blocks() const
    {
        return m_alignment.Project(m_source, 0, static_cast<int64_t>(m_context.size()));
    }

    /// Logits of a prompt after the context assembled from these blocks.
    Matrix PromptLogits(const std::vector<KvBlock>& blocks) const
    {
        KvCache cache = ContextAssembler(m_edge, m_alignment).Assemble(m_context, blocks, nullptr);
        ForwardOptions options;
        options.logits = ForwardOptions::Logits::ALL;
        return m_edge.Forward(ByteTokenizer::Encode(" Who won?"), cache, options).logits;
    }

    Transformer m_edge;
    KvAlignment m_alignment;
    ns3::llm::TokenSequence m_context;
    KvCache m_source;
};

TEST_F(KvTransferTest, Fp16StreamDeliversTheBlocksRoundedToHalf)
{
    std::map<int64_t, int64_t> held;
    const EncodedKv encoded = KvSender(m_alignment, KvCodec()).Encode(Blocks(), nullptr, held);
    EXPECT_EQ(encoded.chunks, 2);
    EXPECT_EQ(encoded.basisBytes, 0u);
    const auto n = static_cast<int64_t>(m_context.size());
    EXPECT_EQ(encoded.kvBytes,
              static_cast<uint64_t>(2 * 2 * n * m_edge.Config().KvDim() * 2) + 2 * 7);
    EXPECT_EQ(encoded.bytes.size(), encoded.kvBytes + encoded.framingBytes);
    KvReceiver receiver(m_alignment);
    const std::vector<KvBlock> got = receiver.Feed(encoded.bytes.data(), encoded.bytes.size());
    receiver.Finish();
    const std::vector<KvBlock> sent = Blocks();
    ASSERT_EQ(got.size(), sent.size());
    for (std::size_t b = 0; b < got.size(); ++b)
    {
        EXPECT_EQ(got[b].layer, sent[b].layer);
        EXPECT_EQ(got[b].positions, sent[b].positions);
        EXPECT_EQ(got[b].keys, RoundedToHalf(sent[b].keys));
        EXPECT_EQ(got[b].values, RoundedToHalf(sent[b].values));
    }
    EXPECT_LT(MaxAbsDifference(PromptLogits(got), PromptLogits(sent)), 0.05);
}

TEST_F(KvTransferTest, BlocksComeOutAsTheirChunksCompleteAndBasesCrossOnce)
{
    std::map<int64_t, int64_t> held;
    const KvSender sender(m_alignment, KvCodec::Parse("pca16+q4+rans"));
    const EncodedKv first = sender.Encode(Blocks(), nullptr, held);
    EXPECT_GT(first.basisBytes, 0u);
    EXPECT_EQ(held, (std::map<int64_t, int64_t>{{2, 16}, {3, 16}}));
    const EncodedKv second = sender.Encode(Blocks(), nullptr, held);
    EXPECT_EQ(second.basisBytes, 0u);
    EXPECT_LT(second.bytes.size(), first.bytes.size());

    // Byte by byte: the first layer's block is out before the second layer's bytes arrive.
    KvReceiver receiver(m_alignment);
    std::vector<std::size_t> completedAt;
    for (std::size_t i = 0; i < first.bytes.size(); ++i)
    {
        if (!receiver.Feed(&first.bytes[i], 1).empty())
        {
            completedAt.push_back(i);
        }
    }
    receiver.Finish();
    ASSERT_EQ(completedAt.size(), 2u);
    EXPECT_LT(completedAt[0], first.bytes.size() / 2 + first.basisBytes);
    EXPECT_EQ(completedAt[1], first.bytes.size() - 1 - 20); // then only the 20-byte END chunk
    // The receiver kept the bases: the second stream decodes; a fresh receiver cannot.
    receiver.BeginStream();
    EXPECT_EQ(receiver.Feed(second.bytes.data(), second.bytes.size()).size(), 2u);
    KvReceiver fresh(m_alignment);
    EXPECT_THROW(fresh.Feed(second.bytes.data(), second.bytes.size()), ns3::kv::KvWireError);
    EXPECT_EQ(fresh.BasesHeld().size(), 0u);
}

TEST_F(KvTransferTest, PrunedContextStillEndsWhereTheContextEnds)
{
    std::map<int64_t, int64_t> held;
    const auto n = static_cast<int64_t>(m_context.size());
    Vector importance = Vector::LinSpaced(n, 1.0f, 0.0f); // the first tokens matter most
    const EncodedKv encoded =
        KvSender(m_alignment, KvCodec::Parse("top50+q8")).Encode(Blocks(), &importance, held);
    KvReceiver receiver(m_alignment);
    const std::vector<KvBlock> got = receiver.Feed(encoded.bytes.data(), encoded.bytes.size());
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].Tokens(), (n + 1) / 2);
    EXPECT_EQ(got[0].positions.back(), (n + 1) / 2 - 1);
    KvCache cache = ContextAssembler(m_edge, m_alignment).Assemble(m_context, got, nullptr);
    EXPECT_EQ(cache.Layer(3).NextPosition(), n);
    EXPECT_EQ(cache.Layer(0).NextPosition(), n);
    m_edge.Forward(ByteTokenizer::Encode("?"), cache);
    EXPECT_EQ(cache.Layer(3).Positions().back(), n);
    // The sender needs importance for a top stage.
    EXPECT_THROW(KvSender(m_alignment, KvCodec::Parse("top50+q8")).Encode(Blocks(), nullptr, held),
                 KvError);
}

TEST_F(KvTransferTest, ImportanceIsTheMeanAttentionATokenReceives)
{
    KvCache cache(m_edge.Config());
    ForwardOptions options;
    options.attentionImportance = true;
    const ns3::llm::ForwardResult prefill = m_edge.Forward(m_context, cache, options);
    const auto n = static_cast<int64_t>(m_context.size());
    const Vector importance = TokenImportance::FromPrefill(prefill, n);
    // Every head of every query spreads a weight of 1 over the tokens it sees: undoing the mean
    // gives layers x heads x queries in total.
    double total = 0;
    for (int64_t i = 0; i < n; ++i)
    {
        total += importance[i] * static_cast<double>(n - i);
    }
    const auto& c = m_edge.Config();
    EXPECT_NEAR(total, static_cast<double>(c.numLayers * c.numHeads * n), 1e-3 * n);
    // The last token is seen only by itself: its importance is its self-attention.
    EXPECT_GT(importance[n - 1], 0.0f);
    options.attentionImportance = false;
    KvCache other(m_edge.Config());
    EXPECT_THROW(TokenImportance::FromPrefill(m_edge.Forward(m_context, other, options), n),
                 KvError);
}

TEST_F(KvTransferTest, StreamsForAnotherAlignmentOrWithoutCodebookAreRefused)
{
    std::map<int64_t, int64_t> held;
    const EncodedKv encoded =
        KvSender(m_alignment, KvCodec::Parse("q4")).Encode(Blocks(), nullptr, held);
    const KvAlignment other = KvAlignment::Identity("edge", m_edge.Config(), 1);
    KvReceiver receiver(other);
    EXPECT_THROW(receiver.Feed(encoded.bytes.data(), encoded.bytes.size()), KvWireError);
    EXPECT_THROW(KvSender(other, KvCodec::Parse("pca8+q4")), KvError);
}

TEST_F(KvTransferTest, ChunksPastTheLargestPositionAreWireErrors)
{
    // A u32 token range the kernel's int32 positions cannot hold was refused by the codec with a
    // KvError that named no stream offset; it is a wire error at the chunk (doc/fuzzing.rst).
    KvStreamWriter writer(m_alignment.StreamHeader());
    KvChunk chunk;
    chunk.layer = 2;
    chunk.tokenBegin = 0xFFFFFFF0u;
    chunk.tokenEnd = 0xFFFFFFFFu;
    chunk.spec = "fp16";
    writer.Add(chunk);
    const std::vector<uint8_t> bytes = writer.Take();
    KvReceiver receiver(m_alignment);
    try
    {
        receiver.Feed(bytes.data(), bytes.size());
        FAIL() << "decoded";
    }
    catch (const KvWireError& error)
    {
        EXPECT_EQ(error.Offset(), 18u); // the chunk, after the 18-byte stream header
        EXPECT_NE(std::string(error.what())
                      .find("covers tokens [4294967280, 4294967295), past "
                            "the largest position 2147483646"),
                  std::string::npos)
            << error.what();
    }
}

TEST_F(KvTransferTest, DamagedStreamsAreReportedNeverUsed)
{
    std::map<int64_t, int64_t> held;
    const Vector importance = Vector::LinSpaced(static_cast<int64_t>(m_context.size()), 0, 1);
    const EncodedKv encoded = KvSender(m_alignment, KvCodec::Parse("top75+pca16+q2w4+rans"))
                                  .Encode(Blocks(), &importance, held);
    int flipsCaught = 0;
    for (std::size_t i = 0; i < encoded.bytes.size(); i += 3)
    {
        std::vector<uint8_t> bytes = encoded.bytes;
        bytes[i] ^= 0x24;
        KvReceiver receiver(m_alignment);
        try
        {
            receiver.Feed(bytes.data(), bytes.size());
            receiver.Finish();
        }
        catch (const KvWireError&)
        {
            ++flipsCaught;
        }
    }
    EXPECT_EQ(flipsCaught, static_cast<int>((encoded.bytes.size() + 2) / 3)); // CRC-32C
    for (std::size_t cut = 0; cut < encoded.bytes.size(); cut += 5)
    {
        KvReceiver receiver(m_alignment);
        EXPECT_THROW(
            {
                receiver.Feed(encoded.bytes.data(), cut);
                receiver.Finish();
            },
            KvWireError)
            << "cut at " << cut;
    }
}

} // namespace
