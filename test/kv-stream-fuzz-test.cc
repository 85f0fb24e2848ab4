/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The KV stream reader on corrupted, truncated and random streams: always refused, by the same
// error however the bytes are split, never a crash, and never a chunk that differs from the one
// sent (the CRC catches every single-byte change).

#include "kv-stream-test-utils.h"

namespace
{

using namespace ce_lslm_test;

/// \return how many of the sample's chunks end at or before offset
std::size_t
ChunksEndingBy(uint64_t offset)
{
    const std::vector<uint64_t>& ends = TheSample().ends;
    return static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), offset)
                                    - ends.begin());
}

/// Expect bytes (the sample's with a byte changed at position) to be refused, by the same error
/// when fed in one piece and split by split, after returning only unchanged chunks that end
/// before position.
void
ExpectCorruptionCaught(const std::vector<uint8_t>& bytes, std::size_t position, Splitter split)
{
    const Sample& sample = TheSample();
    const Outcome whole = Read(bytes, OnePiece());
    ASSERT_TRUE(whole.failed) << "a change at byte " << position << " went unnoticed";
    const std::size_t before = ChunksEndingBy(position);
    EXPECT_LE(whole.chunks.size(), before) << "position " << position;
    ExpectPrefixOf(whole.chunks, sample.chunks);
    const Outcome pieces = Read(bytes, split);
    EXPECT_EQ(pieces.message, whole.message) << "position " << position;
    EXPECT_EQ(pieces.chunks.size(), whole.chunks.size());
}

TEST(KvStreamFuzzTest, EverySingleByteFlipIsCaught)
{
    const Sample& sample = TheSample();
    for (std::size_t position = 0; position < sample.bytes.size(); ++position)
    {
        std::vector<uint8_t> bytes = sample.bytes;
        bytes[position] ^= 0x5A;
        ExpectCorruptionCaught(bytes, position, ByteByByte());
    }
}

TEST(KvStreamFuzzTest, RandomSingleByteChangesAreCaught)
{
    const Sample& sample = TheSample();
    std::mt19937 rng(2024);
    for (int trial = 0; trial < 3000; ++trial)
    {
        std::vector<uint8_t> bytes = sample.bytes;
        const std::size_t position = rng() % bytes.size();
        bytes[position] ^= static_cast<uint8_t>(1 + rng() % 255);
        ExpectCorruptionCaught(bytes, position, RandomPieces(static_cast<uint32_t>(trial)));
    }
}

TEST(KvStreamFuzzTest, EveryTruncationReturnsTheCompleteChunksThenFails)
{
    const Sample& sample = TheSample();
    for (std::size_t size = 0; size < sample.bytes.size(); ++size)
    {
        const std::vector<uint8_t> bytes(sample.bytes.begin(), sample.bytes.begin() + size);
        const Outcome outcome = Read(bytes, RandomPieces(static_cast<uint32_t>(size)));
        ASSERT_TRUE(outcome.failed) << size;
        EXPECT_EQ(outcome.offset, size) << outcome.message;
        EXPECT_NE(outcome.message.find("stream ended after"), std::string::npos);
        const std::size_t complete = ChunksEndingBy(size);
        EXPECT_EQ(outcome.chunks.size(), complete) << size;
        ExpectPrefixOf(outcome.chunks, sample.chunks);
    }
}

/// Expect random bytes to be refused with an offset inside them, the same however they are split.
/// \return the outcome of reading them in one piece
Outcome
ExpectGarbageRefused(const std::vector<uint8_t>& bytes, uint32_t seed)
{
    const Outcome whole = Read(bytes, OnePiece());
    EXPECT_TRUE(whole.failed);
    EXPECT_LE(whole.offset, bytes.size()) << whole.message;
    const Outcome pieces = Read(bytes, RandomPieces(seed));
    EXPECT_EQ(pieces.message, whole.message);
    return whole;
}

TEST(KvStreamFuzzTest, RandomGarbageIsRefused)
{
    std::mt19937 rng(99);
    for (uint32_t trial = 0; trial < 1000; ++trial)
    {
        ExpectGarbageRefused(RandomBytes(rng, rng() % 300), trial);
    }
}

/**
 * Garbage that reaches a given depth of a chunk: kind 0 is random bytes (mostly refused by the
 * type), kind 1 starts like a chunk (type, layer and spec length in range, the rest random),
 * kind 2 is a well-formed chunk with a random CRC, then random bytes.
 */
std::vector<uint8_t>
GarbageChunk(std::mt19937& rng, uint32_t kind)
{
    if (kind == 2)
    {
        std::string spec(rng() % 10, 'a');
        for (char& c : spec)
        {
            c = static_cast<char>(0x21 + rng() % 94);
        }
        const uint32_t begin = rng() % 100;
        std::vector<uint8_t> chunk = RawChunk(static_cast<uint8_t>(1 + rng() % 2),
                                              static_cast<uint16_t>(rng() % LAYERS),
                                              begin,
                                              begin + rng() % 10,
                                              spec,
                                              RandomBytes(rng, rng() % 50));
        const std::vector<uint8_t> crc = RandomBytes(rng, 4);
        std::copy(crc.begin(), crc.end(), chunk.end() - 4);
        return Concat({chunk, RandomBytes(rng, rng() % 100)});
    }
    std::vector<uint8_t> bytes = RandomBytes(rng, rng() % 300);
    if (kind == 1 && bytes.size() >= CHUNK_PREFIX)
    {
        bytes[0] = static_cast<uint8_t>(1 + rng() % 3);
        bytes[1] = static_cast<uint8_t>(rng() % (LAYERS + 1));
        bytes[2] = 0;
        bytes[11] = static_cast<uint8_t>(rng() % 80);
    }
    return bytes;
}

TEST(KvStreamFuzzTest, RandomGarbageAfterAValidHeaderIsRefused)
{
    std::mt19937 rng(100);
    for (uint32_t trial = 0; trial < 1000; ++trial)
    {
        const std::vector<uint8_t> bytes = Concat({RawHeader(), GarbageChunk(rng, trial % 3)});
        const Outcome outcome = ExpectGarbageRefused(bytes, trial);
        EXPECT_GE(outcome.offset, 18u) << outcome.message;
    }
}

} // namespace
