/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_KV_STREAM_TEST_UTILS_H
#define CE_LSLM_KV_STREAM_TEST_UTILS_H

// Helpers shared by the KV stream test suites: a sample stream and the chunks it must read back
// as, hand-built headers and chunks (with field values the writer would refuse), and reading a
// stream split in pieces.

#include "ns3/byte-io.h"
#include "ns3/crc32c.h"
#include "ns3/kv-error.h"
#include "ns3/kv-stream-reader.h"
#include "ns3/kv-stream-writer.h"

#include <algorithm>
#include <functional>
#include <gtest/gtest.h>
#include <limits>
#include <random>

namespace ce_lslm_test
{

using namespace ns3::kv;

inline constexpr uint16_t LAYERS = 4;
inline constexpr uint16_t KV_DIM = 64;
inline constexpr uint32_t ALIGNMENT = 0xA11C0001;
/// Small enough that a flipped high byte of a payload length is over it.
inline constexpr std::size_t MAX_PAYLOAD = std::size_t(1) << 20;
/// Bytes of a chunk before its spec: type, layer, tokenBegin, tokenEnd, spec length.
inline constexpr uint64_t CHUNK_PREFIX = 12;
/// Type bytes, for hand-built chunks.
inline constexpr uint8_t KV_TYPE = static_cast<uint8_t>(KvChunkType::KV);
inline constexpr uint8_t END_TYPE = static_cast<uint8_t>(KvChunkType::END); //!< see KV_TYPE

/// The receiver's geometry, which the sample stream has.
inline KvStreamHeader
Geometry(uint32_t alignmentId = ALIGNMENT)
{
    KvStreamHeader header;
    header.layers = LAYERS;
    header.kvDim = KV_DIM;
    header.alignmentId = alignmentId;
    return header;
}

/// size pseudo-random bytes (raw engine output, the same on every platform)
inline std::vector<uint8_t>
RandomBytes(std::mt19937& rng, std::size_t size)
{
    std::vector<uint8_t> bytes(size);
    for (uint8_t& byte : bytes)
    {
        byte = static_cast<uint8_t>(rng());
    }
    return bytes;
}

/// A chunk with these fields (offsets 0).
inline KvChunk
MakeChunk(KvChunkType type,
          uint16_t layer,
          uint32_t tokenBegin,
          uint32_t tokenEnd,
          const std::string& spec,
          std::vector<uint8_t> payload)
{
    KvChunk chunk;
    chunk.type = type;
    chunk.layer = layer;
    chunk.tokenBegin = tokenBegin;
    chunk.tokenEnd = tokenEnd;
    chunk.spec = spec;
    chunk.payload = std::move(payload);
    return chunk;
}

/// A valid stream and what a reader must return for it, offsets included.
struct Sample
{
    std::vector<uint8_t> bytes;  //!< the stream
    std::vector<KvChunk> chunks; //!< the chunks with their offsets, END last
    std::vector<uint64_t> ends;  //!< stream offset one past each chunk's CRC
};

/// BASIS and KV chunks of several layers, ranges, specs (empty and 64 bytes) and payload sizes.
inline Sample
MakeSample()
{
    std::mt19937 rng(7);
    const KvChunkType KV = KvChunkType::KV;
    const KvChunkType BASIS = KvChunkType::BASIS;
    const KvChunkType END = KvChunkType::END;
    Sample sample;
    sample.chunks = {MakeChunk(BASIS, 0, 0, 0, "pca8", RandomBytes(rng, 300)),
                     MakeChunk(KV, 0, 0, 16, "top50+pca8+q4+rans", RandomBytes(rng, 120)),
                     MakeChunk(KV, 1, 0, 16, "fp16", {}),
                     MakeChunk(KV, 3, 16, 40, std::string(64, '~'), RandomBytes(rng, 517)),
                     MakeChunk(BASIS, 2, 0, 0, "pca32", RandomBytes(rng, 1)),
                     MakeChunk(KV, 2, 7, 7, "", RandomBytes(rng, 33)),
                     MakeChunk(END, 0, 0, 0, "", {})};
    KvStreamWriter writer(Geometry());
    for (KvChunk& chunk : sample.chunks)
    {
        chunk.offset = writer.BytesWritten();
        chunk.payloadOffset = chunk.offset + CHUNK_PREFIX + chunk.spec.size() + 4;
        if (chunk.type == KvChunkType::END)
        {
            writer.End();
        }
        else
        {
            writer.Add(chunk);
        }
        sample.ends.push_back(writer.BytesWritten());
    }
    sample.bytes = writer.Take();
    return sample;
}

/// The sample stream, built once: every test reads the same bytes.
inline const Sample&
TheSample()
{
    static const Sample sample = MakeSample();
    return sample;
}

/// \return whether a and b have the same fields, offsets included
inline bool
SameChunk(const KvChunk& a, const KvChunk& b)
{
    return a.type == b.type && a.layer == b.layer && a.tokenBegin == b.tokenBegin
           && a.tokenEnd == b.tokenEnd && a.spec == b.spec && a.payload == b.payload
           && a.offset == b.offset && a.payloadOffset == b.payloadOffset;
}

/// \return chunk's fields, for a failure message
inline std::string
Describe(const KvChunk& chunk)
{
    return "chunk type " + std::to_string(static_cast<int>(chunk.type)) + " layer "
           + std::to_string(chunk.layer) + " [" + std::to_string(chunk.tokenBegin) + ", "
           + std::to_string(chunk.tokenEnd) + ") '" + chunk.spec + "' "
           + std::to_string(chunk.payload.size()) + " bytes at " + std::to_string(chunk.offset)
           + "/" + std::to_string(chunk.payloadOffset);
}

/// Sizes of the successive pieces a stream is fed in.
using Splitter = std::function<std::size_t()>;

/// All the bytes at once.
inline Splitter
OnePiece()
{
    return []
    {
        return std::numeric_limits<std::size_t>::max();
    };
}

/// One byte at a time.
inline Splitter
ByteByByte()
{
    return []
    {
        return std::size_t(1);
    };
}

/// Pieces of 1 to 64 bytes, drawn with seed.
inline Splitter
RandomPieces(uint32_t seed)
{
    return [rng = std::mt19937(seed)]() mutable
    {
        return std::size_t(1 + rng() % 64);
    };
}

/// What reading a stream produced: the chunks returned, then the error that stopped it, if any.
struct Outcome
{
    std::vector<KvChunk> chunks; //!< returned by Next()
    bool failed = false;         //!< whether a KvWireError was thrown (by Next or Finish)
    uint64_t offset = 0;         //!< its offset
    std::string message;         //!< its message
};

/// Feed bytes in pieces, take every chunk after each piece, then Finish(). Only KvWireError is
/// caught: any other exception fails the test.
inline Outcome
Read(const std::vector<uint8_t>& bytes,
     Splitter piece,
     const KvStreamHeader& expected = Geometry(),
     std::size_t maxPayload = MAX_PAYLOAD)
{
    Outcome outcome;
    KvStreamReader reader(expected, maxPayload);
    try
    {
        for (std::size_t at = 0; at < bytes.size();)
        {
            const std::size_t size = std::min(piece(), bytes.size() - at);
            reader.Feed(bytes.data() + at, size);
            at += size;
            while (std::optional<KvChunk> chunk = reader.Next())
            {
                outcome.chunks.push_back(*chunk);
            }
        }
        reader.Finish();
    }
    catch (const KvWireError& error)
    {
        outcome.failed = true;
        outcome.offset = error.Offset();
        outcome.message = error.what();
    }
    return outcome;
}

/// Expect actual to be the first chunks of expected.
inline void
ExpectPrefixOf(const std::vector<KvChunk>& actual, const std::vector<KvChunk>& expected)
{
    ASSERT_LE(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
    {
        EXPECT_TRUE(SameChunk(actual[i], expected[i]))
            << "chunk " << i << ": " << Describe(actual[i]) << " instead of "
            << Describe(expected[i]);
    }
}

/// Expect reading bytes, in one piece, byte by byte or in random pieces, to fail at offset with a
/// message containing text, after returning the same chunks.
inline Outcome
ExpectWireError(const std::vector<uint8_t>& bytes,
                uint64_t offset,
                const std::string& text,
                const KvStreamHeader& expected = Geometry(),
                std::size_t maxPayload = MAX_PAYLOAD)
{
    const Outcome whole = Read(bytes, OnePiece(), expected, maxPayload);
    EXPECT_TRUE(whole.failed) << "no error; expected '" << text << "' at " << offset;
    EXPECT_EQ(whole.offset, offset) << whole.message;
    EXPECT_NE(whole.message.find(text), std::string::npos) << whole.message;
    for (const Splitter& split : {ByteByByte(), RandomPieces(11)})
    {
        const Outcome pieces = Read(bytes, split, expected, maxPayload);
        EXPECT_EQ(pieces.message, whole.message);
        EXPECT_EQ(pieces.offset, whole.offset);
        EXPECT_EQ(pieces.chunks.size(), whole.chunks.size());
    }
    return whole;
}

/// A header as documented, with any version and geometry and a correct CRC.
inline std::vector<uint8_t>
RawHeader(uint16_t version = 1,
          uint16_t layers = LAYERS,
          uint16_t kvDim = KV_DIM,
          uint32_t alignmentId = ALIGNMENT)
{
    ByteWriter out;
    out.PutBytes(reinterpret_cast<const uint8_t*>("CEKV"), 4);
    out.PutU16(version);
    out.PutU16(layers);
    out.PutU16(kvDim);
    out.PutU32(alignmentId);
    out.PutU32(Crc32c(out.Data().data(), out.Size()));
    return out.Take();
}

/// A chunk as documented, with any field values (the writer would refuse some) and a correct CRC.
inline std::vector<uint8_t>
RawChunk(uint8_t type,
         uint16_t layer,
         uint32_t tokenBegin,
         uint32_t tokenEnd,
         const std::string& spec,
         const std::vector<uint8_t>& payload)
{
    ByteWriter out;
    out.PutU8(type);
    out.PutU16(layer);
    out.PutU32(tokenBegin);
    out.PutU32(tokenEnd);
    out.PutString8(spec);
    out.PutU32(static_cast<uint32_t>(payload.size()));
    out.PutBytes(payload);
    out.PutU32(Crc32c(out.Data().data(), out.Size()));
    return out.Take();
}

inline std::vector<uint8_t>
Concat(std::initializer_list<std::vector<uint8_t>> parts)
{
    std::vector<uint8_t> all;
    for (const std::vector<uint8_t>& part : parts)
    {
        all.insert(all.end(), part.begin(), part.end());
    }
    return all;
}

/// A valid header, then one chunk with the given fields.
inline std::vector<uint8_t>
StreamWith(uint8_t type,
           uint16_t layer,
           uint32_t tokenBegin,
           uint32_t tokenEnd,
           const std::string& spec = "fp16",
           const std::vector<uint8_t>& payload = {})
{
    return Concat({RawHeader(), RawChunk(type, layer, tokenBegin, tokenEnd, spec, payload)});
}

} // namespace ce_lslm_test

#endif // CE_LSLM_KV_STREAM_TEST_UTILS_H
