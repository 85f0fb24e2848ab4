/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The KV wire format: CRC-32C vectors, the documented byte layout, the writer's validation, round
// trips however the bytes are split, and every error at the offset of its field.

#include "kv-stream-test-utils.h"

namespace
{

using namespace ce_lslm_test;

// ---------------------------------------------------------------------------------------------
// CRC-32C

TEST(Crc32cTest, KnownVectors)
{
    const std::string digits = "123456789";
    EXPECT_EQ(Crc32c(reinterpret_cast<const uint8_t*>(digits.data()), digits.size()), 0xE3069283u);
    EXPECT_EQ(Crc32c(nullptr, 0), 0u);
    // RFC 3720 (iSCSI), appendix B.4.
    std::vector<uint8_t> bytes(32, 0x00);
    EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x8A9136AAu);
    std::fill(bytes.begin(), bytes.end(), 0xFF);
    EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x62A8AB43u);
    for (std::size_t i = 0; i < bytes.size(); ++i)
    {
        bytes[i] = static_cast<uint8_t>(i);
    }
    EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x46DD794Eu);
}

TEST(Crc32cTest, ContinuesAcrossPieces)
{
    std::mt19937 rng(3);
    const std::vector<uint8_t> bytes = RandomBytes(rng, 1000);
    const uint32_t whole = Crc32c(bytes.data(), bytes.size());
    for (std::size_t split = 0; split <= bytes.size(); split += 37)
    {
        const uint32_t first = Crc32c(bytes.data(), split);
        EXPECT_EQ(Crc32c(bytes.data() + split, bytes.size() - split, first), whole) << split;
    }
    uint32_t running = 0;
    for (uint8_t byte : bytes)
    {
        running = Crc32c(&byte, 1, running);
    }
    EXPECT_EQ(running, whole);
}

// ---------------------------------------------------------------------------------------------
// Writer

TEST(KvStreamWriterTest, WritesTheDocumentedLayout)
{
    KvStreamWriter writer(Geometry());
    const std::vector<uint8_t> header = writer.Take();
    const std::vector<uint8_t> expectedHeader =
        {'C', 'E', 'K', 'V', 1, 0, LAYERS, 0, KV_DIM, 0, 0x01, 0x00, 0x1C, 0xA1};
    ASSERT_EQ(header.size(), 18u);
    EXPECT_TRUE(std::equal(expectedHeader.begin(), expectedHeader.end(), header.begin()));
    EXPECT_EQ(header, RawHeader());

    writer.Add(MakeChunk(KvChunkType::KV, 2, 0x01020304, 0x01020305, "q4", {0xAB, 0xCD}));
    const std::vector<uint8_t> chunk = writer.Take();
    const std::vector<uint8_t> expectedChunk = {1, 2, 0,   4,   3, 2, 1, 5, 3,    2,
                                                1, 2, 'q', '4', 2, 0, 0, 0, 0xAB, 0xCD};
    ASSERT_EQ(chunk.size(), expectedChunk.size() + 4);
    EXPECT_TRUE(std::equal(expectedChunk.begin(), expectedChunk.end(), chunk.begin()));
    EXPECT_EQ(chunk, RawChunk(KV_TYPE, 2, 0x01020304, 0x01020305, "q4", {0xAB, 0xCD}));

    writer.End();
    EXPECT_EQ(writer.Take(), RawChunk(END_TYPE, 0, 0, 0, "", {}));
    EXPECT_EQ(writer.BytesWritten(), 18u + chunk.size() + 20u);
}

TEST(KvStreamWriterTest, TakeHandsOutTheBytesWrittenSinceTheLastTake)
{
    const Sample& sample = TheSample();
    KvStreamWriter writer(Geometry());
    std::vector<uint8_t> sent = writer.Take();
    EXPECT_TRUE(writer.Data().empty());
    EXPECT_EQ(writer.BytesWritten(), 18u);
    for (std::size_t i = 0; i + 1 < sample.chunks.size(); ++i)
    {
        writer.Add(sample.chunks[i]);
        EXPECT_EQ(writer.Data().size(), sample.ends[i] - sample.chunks[i].offset);
        const std::vector<uint8_t> piece = writer.Take();
        sent.insert(sent.end(), piece.begin(), piece.end());
        EXPECT_EQ(writer.BytesWritten(), sample.ends[i]);
    }
    writer.End();
    const std::vector<uint8_t> last = writer.Take();
    sent.insert(sent.end(), last.begin(), last.end());
    EXPECT_EQ(sent, sample.bytes);
    EXPECT_TRUE(writer.Take().empty());
}

TEST(KvStreamWriterTest, RefusesChunksTheStreamCannotCarry)
{
    const KvChunk valid = MakeChunk(KvChunkType::KV, 3, 5, 9, "pca8+q2", {1, 2, 3});
    const auto refused =
        [&valid](const std::function<void(KvChunk&)>& change, const std::string& text)
    {
        KvStreamWriter writer(Geometry());
        KvChunk chunk = valid;
        change(chunk);
        try
        {
            writer.Add(chunk);
            ADD_FAILURE() << "accepted; expected '" << text << "'";
        }
        catch (const KvError& error)
        {
            EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
        }
        EXPECT_EQ(writer.BytesWritten(), 18u) << "a refused chunk wrote bytes";
    };
    refused(
        [](KvChunk& c)
        {
            c.layer = LAYERS;
        },
        "layer 4 is out of range");
    refused(
        [](KvChunk& c)
        {
            c.tokenBegin = 10;
        },
        "tokenBegin 10 is after tokenEnd 9");
    refused(
        [](KvChunk& c)
        {
            c.spec = std::string(65, 'a');
        },
        "spec of 65 bytes");
    refused(
        [](KvChunk& c)
        {
            c.spec = "pca8 q2";
        },
        "spec byte 0x20 at index 4");
    refused(
        [](KvChunk& c)
        {
            c.spec = "q4\x7F";
        },
        "spec byte 0x7F at index 2");
    refused(
        [](KvChunk& c)
        {
            c.spec = "\x80";
        },
        "spec byte 0x80 at index 0");
    refused(
        [](KvChunk& c)
        {
            c.type = KvChunkType::END;
        },
        "type 3 is not KV");
    refused(
        [](KvChunk& c)
        {
            c.type = static_cast<KvChunkType>(9);
        },
        "type 9 is not KV");

    KvStreamWriter writer(Geometry());
    writer.Add(MakeChunk(KvChunkType::BASIS, 0, 0, 0, std::string(64, '!'), {}));
    writer.Add(MakeChunk(KvChunkType::KV, LAYERS - 1, 7, 7, "", {}));
    writer.End();
    EXPECT_THROW(writer.Add(valid), KvError);
    EXPECT_THROW(writer.End(), KvError);
}

// ---------------------------------------------------------------------------------------------
// Reader: round trips

TEST(KvStreamReaderTest, ReadsBackWhatTheWriterWroteHoweverItIsSplit)
{
    const Sample& sample = TheSample();
    std::vector<Splitter> splits = {OnePiece(), ByteByByte()};
    for (uint32_t seed = 1; seed <= 20; ++seed)
    {
        splits.push_back(RandomPieces(seed));
    }
    for (const Splitter& split : splits)
    {
        const Outcome outcome = Read(sample.bytes, split);
        EXPECT_FALSE(outcome.failed) << outcome.message;
        ASSERT_EQ(outcome.chunks.size(), sample.chunks.size());
        ExpectPrefixOf(outcome.chunks, sample.chunks);
    }
}

TEST(KvStreamReaderTest, ChunkIsAvailableExactlyWhenItsLastCrcByteArrives)
{
    const Sample& sample = TheSample();
    KvStreamReader reader(Geometry());
    std::size_t next = 0;
    for (std::size_t i = 0; i < sample.bytes.size(); ++i)
    {
        reader.Feed(&sample.bytes[i], 1);
        const std::optional<KvChunk> chunk = reader.Next();
        EXPECT_EQ(reader.HasHeader(), i + 1 >= 18) << i;
        if (next < sample.ends.size() && i + 1 == sample.ends[next])
        {
            ASSERT_TRUE(chunk.has_value()) << "chunk " << next << " not returned at byte " << i;
            EXPECT_TRUE(SameChunk(*chunk, sample.chunks[next])) << Describe(*chunk);
            ++next;
        }
        else
        {
            EXPECT_FALSE(chunk.has_value()) << "a chunk returned early, at byte " << i;
        }
        EXPECT_FALSE(reader.Next().has_value());
        EXPECT_EQ(reader.Ended(), i + 1 == sample.bytes.size());
    }
    EXPECT_EQ(next, sample.chunks.size());
    EXPECT_EQ(reader.Header().layers, LAYERS);
    EXPECT_EQ(reader.Header().kvDim, KV_DIM);
    EXPECT_EQ(reader.Header().alignmentId, ALIGNMENT);
    EXPECT_NO_THROW(reader.Finish());
    EXPECT_NO_THROW(reader.Finish());
}

TEST(KvStreamReaderTest, ExpectedAlignmentIdZeroAcceptsAnyId)
{
    const std::vector<uint8_t> bytes =
        Concat({RawHeader(1, LAYERS, KV_DIM, 0xDEADBEEF), RawChunk(END_TYPE, 0, 0, 0, "", {})});
    const Outcome outcome = Read(bytes, OnePiece(), Geometry(0));
    EXPECT_FALSE(outcome.failed) << outcome.message;
    ExpectWireError(bytes, 10, "alignment id 3735928559", Geometry());
}

// ---------------------------------------------------------------------------------------------
// Reader: each error at the offset of its field

TEST(KvStreamReaderTest, RefusesBadHeaders)
{
    std::vector<uint8_t> magic = RawHeader();
    magic[2] = 'X';
    ExpectWireError(magic, 0, "bad magic");
    ExpectWireError(RawHeader(2), 4, "unsupported version 2 (this reader supports version 1)");
    std::vector<uint8_t> crc = RawHeader();
    crc[16] ^= 0x01;
    ExpectWireError(crc, 0, "header CRC mismatch");
    // A corrupted geometry field is a CRC mismatch, not a misleading geometry mismatch.
    std::vector<uint8_t> layers = RawHeader();
    layers[6] ^= 0x01;
    ExpectWireError(layers, 0, "header CRC mismatch");
    ExpectWireError(RawHeader(1, 5), 6, "the stream has layers 5, the receiver expects 4");
    ExpectWireError(RawHeader(1, LAYERS, 32),
                    8,
                    "the stream has kvDim 32, the receiver expects 64");
    ExpectWireError(RawHeader(1, LAYERS, KV_DIM, 7), 10, "the stream has alignment id 7");
}

TEST(KvStreamReaderTest, RefusesBadChunkFields)
{
    ExpectWireError(StreamWith(0, 0, 0, 1), 18, "unknown chunk type 0");
    ExpectWireError(StreamWith(4, 0, 0, 1), 18, "unknown chunk type 4");
    ExpectWireError(StreamWith(KV_TYPE, LAYERS, 0, 1), 19, "layer 4 is out of range");
    ExpectWireError(StreamWith(KV_TYPE, 1, 9, 8), 25, "tokenEnd 8 is before tokenBegin 9");
    ExpectWireError(StreamWith(KV_TYPE, 1, 0, 1, std::string(65, 'a')), 29, "spec of 65 bytes");
    ExpectWireError(StreamWith(KV_TYPE, 1, 0, 1, "q4 g8"), 32, "spec byte 0x20 at index 2");
    ExpectWireError(StreamWith(KV_TYPE, 1, 0, 1, "\t"), 30, "spec byte 0x09 at index 0");
    const std::vector<uint8_t> payload(101, 0x33);
    const Outcome big = ExpectWireError(StreamWith(KV_TYPE, 1, 0, 1, "q4", payload),
                                        32,
                                        "payload of 101 bytes exceeds the limit of 100",
                                        Geometry(),
                                        100);
    EXPECT_TRUE(big.chunks.empty());
}

TEST(KvStreamReaderTest, RefusesAnOversizedPayloadBeforeItArrives)
{
    // Only the fields up to the payload length: the reader must not wait for 4 GiB.
    std::vector<uint8_t> bytes = StreamWith(KV_TYPE, 1, 0, 1, "q4", {});
    bytes.resize(bytes.size() - 4);
    std::fill(bytes.end() - 4, bytes.end(), 0xFF);
    KvStreamReader reader(Geometry());
    reader.Feed(bytes.data(), bytes.size());
    try
    {
        reader.Next();
        FAIL() << "no error";
    }
    catch (const KvWireError& error)
    {
        EXPECT_EQ(error.Offset(), 32u);
        EXPECT_NE(std::string(error.what()).find("payload of 4294967295 bytes"), std::string::npos);
    }
}

TEST(KvStreamReaderTest, RefusesACorruptedChunkAtTheChunk)
{
    const Sample& sample = TheSample();
    std::vector<uint8_t> bytes = sample.bytes;
    bytes[sample.chunks[3].payloadOffset + 200] ^= 0x10;
    const Outcome outcome = ExpectWireError(bytes, sample.chunks[3].offset, "chunk CRC mismatch");
    ASSERT_EQ(outcome.chunks.size(), 3u);
    ExpectPrefixOf(outcome.chunks, sample.chunks);
}

TEST(KvStreamReaderTest, RefusesEndWithFieldsAndBytesAfterEnd)
{
    ExpectWireError(StreamWith(END_TYPE, 1, 0, 0, ""), 19, "END chunk with layer 1");
    ExpectWireError(StreamWith(END_TYPE, 0, 5, 5, ""), 21, "END chunk with tokenBegin 5");
    ExpectWireError(StreamWith(END_TYPE, 0, 0, 5, ""), 25, "END chunk with tokenEnd 5");
    ExpectWireError(StreamWith(END_TYPE, 0, 0, 0, "x"), 29, "END chunk with spec length 1");
    ExpectWireError(StreamWith(END_TYPE, 0, 0, 0, "", {7}), 30, "END chunk with payload length 1");

    const Sample& sample = TheSample();
    const std::vector<uint8_t> extra = Concat({sample.bytes, {0x00}});
    const Outcome outcome = ExpectWireError(extra, sample.bytes.size(), "byte after END");
    EXPECT_EQ(outcome.chunks.size(), sample.chunks.size());
}

TEST(KvStreamReaderTest, FinishReportsAStreamCutShort)
{
    const Sample& sample = TheSample();
    const auto cut = [&sample](std::size_t size)
    {
        return std::vector<uint8_t>(sample.bytes.begin(), sample.bytes.begin() + size);
    };
    ExpectWireError({}, 0, "stream ended after 0 bytes inside the header");
    ExpectWireError(cut(10), 10, "stream ended after 10 bytes inside the header");
    ExpectWireError(cut(18), 18, "stream ended after 18 bytes before END");
    ExpectWireError(cut(25), 25, "stream ended after 25 bytes inside the chunk at byte 18");
    const uint64_t endAt = sample.chunks.back().offset;
    ExpectWireError(cut(endAt), endAt, "before END");
}

TEST(KvStreamReaderTest, StaysFailedAfterAnError)
{
    const Sample& sample = TheSample();
    std::vector<uint8_t> bytes = sample.bytes;
    bytes[sample.chunks[1].payloadOffset] ^= 0x01;
    KvStreamReader reader(Geometry());
    reader.Feed(bytes.data(), bytes.size());
    ASSERT_TRUE(reader.Next().has_value());
    std::string first;
    try
    {
        reader.Next();
    }
    catch (const KvWireError& error)
    {
        first = error.what();
        EXPECT_EQ(error.Offset(), sample.chunks[1].offset);
    }
    ASSERT_FALSE(first.empty());
    const auto same = [&first](const std::function<void()>& call)
    {
        try
        {
            call();
            ADD_FAILURE() << "no error after a failure";
        }
        catch (const KvWireError& error)
        {
            EXPECT_EQ(error.what(), first);
        }
    };
    same(
        [&reader]
        {
            reader.Next();
        });
    same(
        [&reader, &bytes]
        {
            reader.Feed(bytes.data(), 1);
        });
    same(
        [&reader]
        {
            reader.Finish();
        });
}

} // namespace
