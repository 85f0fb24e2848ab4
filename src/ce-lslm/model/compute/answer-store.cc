/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "answer-store.h"

#include "executed-model.h"

#include "ns3/kernel-threads.h"
#include "ns3/llm-error.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace ns3
{

namespace
{

namespace fs = std::filesystem;

/// File layout version: "CEANSW" + two digits. Files of another version do not parse.
constexpr char MAGIC[] = "CEANSW01";
constexpr std::size_t MAGIC_BYTES = 8;

constexpr uint64_t FNV_BASIS = 14695981039346656037ULL;

/// 64-bit FNV-1a of \p size bytes at \p data, continuing from \p hash.
uint64_t
Fnv1a(const void* data, std::size_t size, uint64_t hash = FNV_BASIS)
{
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i)
    {
        hash ^= bytes[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

/// 64-bit FNV-1a of a string's bytes, continuing from \p hash.
uint64_t
Fnv1a(const std::string& bytes, uint64_t hash = FNV_BASIS)
{
    return Fnv1a(bytes.data(), bytes.size(), hash);
}

/// \p hash continued over the bytes of one plain value.
template<typename T>
uint64_t
HashValue(const T& value, uint64_t hash)
{
    static_assert(std::is_trivially_copyable_v<T>);
    return Fnv1a(&value, sizeof(T), hash);
}

/// \p hash continued over the rows of a KV block (full rows of a row-major matrix: contiguous).
uint64_t
HashRows(const llm::ConstRowBlock& rows, uint64_t hash)
{
    hash = HashValue(rows.rows(), HashValue(rows.cols(), hash));
    return Fnv1a(rows.data(), sizeof(float) * rows.rows() * rows.cols(), hash);
}

std::string
Hex(uint64_t value)
{
    char text[17];
    std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(value));
    return text;
}

/// \return the whole file, or nothing if it does not exist
/// \throw llm::LlmError if it exists and cannot be read
std::optional<std::string>
ReadFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        std::error_code error;
        if (!fs::exists(path, error))
        {
            return std::nullopt;
        }
        throw llm::LlmError(path.string() + ": cannot be read");
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

/// Appends plain values in host byte order (a store is a cache of one machine's build).
class Writer
{
  public:
    template<typename T>
    void Put(T value)
    {
        static_assert(std::is_trivially_copyable_v<T>);
        m_bytes.append(reinterpret_cast<const char*>(&value), sizeof(T));
    }

    template<typename T>
    void PutVector(const std::vector<T>& values)
    {
        Put<uint64_t>(values.size());
        for (const T& value : values)
        {
            Put(value);
        }
    }

    void PutString(const std::string& text)
    {
        Put<uint64_t>(text.size());
        m_bytes += text;
    }

    const std::string& Bytes() const
    {
        return m_bytes;
    }

  private:
    std::string m_bytes;
};

/// Reads what Writer wrote; every shortfall is an error naming the file and the byte offset.
class Reader
{
  public:
    Reader(const std::string& bytes, std::string source, std::size_t base = 0)
        : m_bytes(bytes)
        , m_source(std::move(source))
        , m_base(base)
    {
    }

    template<typename T>
    T Get()
    {
        T value;
        std::memcpy(&value, Need(sizeof(T)), sizeof(T));
        m_offset += sizeof(T);
        return value;
    }

    template<typename T>
    std::vector<T> GetVector()
    {
        const auto count = Get<uint64_t>();
        if (count > (m_bytes.size() - m_offset) / sizeof(T))
        {
            Fail("a list of " + std::to_string(count) + " entries does not fit the file");
        }
        std::vector<T> values;
        values.reserve(count);
        for (uint64_t i = 0; i < count; ++i)
        {
            values.push_back(Get<T>());
        }
        return values;
    }

    std::string GetString()
    {
        const auto size = Get<uint64_t>();
        if (size > m_bytes.size() - m_offset)
        {
            Fail("a text of " + std::to_string(size) + " bytes does not fit the file");
        }
        std::string text = m_bytes.substr(m_offset, size);
        m_offset += size;
        return text;
    }

    std::size_t Offset() const
    {
        return m_offset;
    }

    /// \throw llm::LlmError unless every byte was read
    void End() const
    {
        if (m_offset != m_bytes.size())
        {
            Fail(std::to_string(m_bytes.size() - m_offset) + " unexpected trailing bytes");
        }
    }

    [[noreturn]] void Fail(const std::string& what) const
    {
        throw llm::LlmError(m_source + ": corrupt answer file at byte offset "
                            + std::to_string(m_base + m_offset) + ": " + what
                            + " (delete the file or the store to recompute)");
    }

  private:
    const char* Need(std::size_t bytes) const
    {
        if (bytes > m_bytes.size() - m_offset)
        {
            Fail("truncated (" + std::to_string(bytes) + " more bytes needed)");
        }
        return m_bytes.data() + m_offset;
    }

    const std::string& m_bytes;
    std::string m_source;
    std::size_t m_base;
    std::size_t m_offset{0};
};

void
PutScore(Writer& out, const llm::ContinuationScore& score)
{
    out.Put(score.nllNats);
    out.Put(score.tokens);
    out.Put(score.bytes);
    out.Put(score.greedyHits);
    out.PutVector(score.predictions);
    out.Put(score.cost.flops);
    out.Put(score.cost.weightBytes);
    out.Put(score.cost.kvReadBytes);
    out.Put(score.cost.kvWrittenBytes);
    out.Put(score.cost.outputBytes);
}

llm::ContinuationScore
GetScore(Reader& in)
{
    llm::ContinuationScore score;
    score.nllNats = in.Get<double>();
    score.tokens = in.Get<int64_t>();
    score.bytes = in.Get<int64_t>();
    score.greedyHits = in.Get<int64_t>();
    score.predictions = in.GetVector<llm::TokenId>();
    score.cost.flops = in.Get<double>();
    score.cost.weightBytes = in.Get<double>();
    score.cost.kvReadBytes = in.Get<double>();
    score.cost.kvWrittenBytes = in.Get<double>();
    score.cost.outputBytes = in.Get<double>();
    return score;
}

/// \return a hash of the file that holds the code at \p address (or "" if unknown)
std::string
FileHashOf(const void* address)
{
    Dl_info info{};
    if (dladdr(address, &info) == 0 || info.dli_fname == nullptr)
    {
        return "";
    }
    std::optional<std::string> bytes = ReadFile(info.dli_fname);
    return bytes ? Hex(Fnv1a(*bytes)) : "";
}

} // namespace

AnswerStore::AnswerStore(std::string directory)
    : m_directory(std::move(directory))
{
    std::error_code error;
    fs::create_directories(m_directory, error);
    if (!fs::is_directory(m_directory))
    {
        throw llm::LlmError("answer store '" + m_directory + "' cannot be created"
                            + (error ? ": " + error.message() : std::string()));
    }
}

const std::string&
AnswerStore::GetDirectory() const
{
    return m_directory;
}

const AnswerStore::Counters&
AnswerStore::GetCounters() const
{
    return m_counters;
}

std::string
AnswerStore::ModelFingerprint(const std::string& directory)
{
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory))
    {
        if (entry.is_regular_file())
        {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    uint64_t hash = FNV_BASIS;
    for (const fs::path& file : files)
    {
        hash = Fnv1a(file.filename().string() + '\0', hash);
        std::optional<std::string> bytes = ReadFile(file);
        if (!bytes)
        {
            throw llm::LlmError(file.string() + ": cannot be read");
        }
        hash = Fnv1a(*bytes, hash);
    }
    return Hex(hash);
}

std::string
AnswerStore::CacheFingerprint(const llm::KvCache& cache)
{
    uint64_t hash = HashValue(cache.EndLayer(), HashValue(cache.FirstLayer(), FNV_BASIS));
    for (int64_t l = cache.FirstLayer(); l < cache.EndLayer(); ++l)
    {
        const llm::KvLayer& layer = cache.Layer(l);
        hash = HashRows(layer.Keys(), hash);
        hash = HashRows(layer.RotatedKeys(), hash);
        hash = HashRows(layer.Values(), hash);
        hash = Fnv1a(layer.Positions().data(), sizeof(int32_t) * layer.Positions().size(), hash);
        hash = HashValue(layer.NextPosition(), hash);
        hash = HashValue(layer.FusedTokens(), hash);
        hash = HashValue(layer.FusionLogWeight(), hash);
    }
    return Hex(hash);
}

std::string
AnswerStore::CodeFingerprint()
{
    // The answers come from the kernel library and from ExecutedModel (this library); hashing
    // both files means any rebuild that changes their code invalidates every stored answer.
    static const std::string code =
        FileHashOf(reinterpret_cast<const void*>(&llm::KernelThreads::Get)) + '-'
        + FileHashOf(reinterpret_cast<const void*>(&AnswerStore::CodeFingerprint));
    return code + "-t" + std::to_string(llm::KernelThreads::Get());
}

std::string
AnswerStore::PathOf(const std::string& fullKey) const
{
    // Two FNV-1a hashes from different bases: 128 bits, so distinct keys share a file name
    // practically never, and when they do the stored key tells them apart.
    const uint64_t first = Fnv1a(fullKey);
    const uint64_t second = Fnv1a(fullKey, Fnv1a("ce-lslm answer store"));
    const std::string name = Hex(first) + Hex(second);
    return (fs::path(m_directory) / name.substr(0, 2) / name).string();
}

std::optional<AnswerStore::Stored>
AnswerStore::Read(const std::string& kind, const std::string& key)
{
    const std::string fullKey = kind + '\n' + CodeFingerprint() + '\n' + key;
    const std::string path = PathOf(fullKey);
    std::optional<std::string> file = ReadFile(path);
    if (!file)
    {
        ++m_counters.misses;
        return std::nullopt;
    }
    Reader in(*file, path);
    std::string magic(MAGIC_BYTES, '\0');
    for (char& c : magic)
    {
        c = in.Get<char>();
    }
    if (magic != std::string(MAGIC, MAGIC_BYTES))
    {
        in.Fail("not an answer file of this version (magic '" + std::string(MAGIC) + "')");
    }
    const std::string storedKey = in.GetString();
    Stored stored{"", path, in.Offset() + sizeof(uint64_t)};
    stored.value = in.GetString();
    const std::size_t checked = in.Offset();
    const auto checksum = in.Get<uint64_t>();
    in.End();
    if (checksum != Fnv1a(file->substr(0, checked)))
    {
        in.Fail("checksum mismatch");
    }
    if (storedKey != fullKey)
    {
        ++m_counters.misses; // another key with the same hash
        return std::nullopt;
    }
    ++m_counters.hits;
    return stored;
}

void
AnswerStore::Write(const std::string& kind, const std::string& key, const std::string& value)
{
    const std::string fullKey = kind + '\n' + CodeFingerprint() + '\n' + key;
    const fs::path path = PathOf(fullKey);
    Writer out;
    for (std::size_t i = 0; i < MAGIC_BYTES; ++i)
    {
        out.Put(MAGIC[i]);
    }
    out.PutString(fullKey);
    out.PutString(value);
    const uint64_t checksum = Fnv1a(out.Bytes());
    out.Put(checksum);

    // Unique temporary name per process and write, then an atomic rename.
    static std::atomic<uint64_t> writes{0};
    const fs::path temporary =
        path.string() + ".tmp" + std::to_string(getpid()) + "-" + std::to_string(writes++);
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    {
        std::ofstream file(temporary, std::ios::binary);
        file.write(out.Bytes().data(), static_cast<std::streamsize>(out.Bytes().size()));
        if (!file.flush())
        {
            fs::remove(temporary, error);
            throw llm::LlmError(temporary.string() + ": cannot be written");
        }
    }
    fs::rename(temporary, path, error);
    if (error)
    {
        fs::remove(temporary, error);
        throw llm::LlmError(path.string() + ": cannot be written: " + error.message());
    }
    ++m_counters.writes;
}

std::optional<ExecutedAnswer>
AnswerStore::LoadExecuted(const std::string& key)
{
    std::optional<Stored> stored = Read("executed", key);
    if (!stored)
    {
        return std::nullopt;
    }
    Reader in(stored->value, stored->path, stored->offset);
    ExecutedAnswer answer;
    answer.tokens = in.GetVector<llm::TokenId>();
    answer.score = GetScore(in);
    in.End();
    return answer;
}

void
AnswerStore::SaveExecuted(const std::string& key, const ExecutedAnswer& answer)
{
    Writer out;
    out.PutVector(answer.tokens);
    PutScore(out, answer.score);
    Write("executed", key, out.Bytes());
}

std::optional<llm::EarlyExitAnswer>
AnswerStore::LoadEarlyExit(const std::string& key)
{
    std::optional<Stored> stored = Read("early-exit", key);
    if (!stored)
    {
        return std::nullopt;
    }
    Reader in(stored->value, stored->path, stored->offset);
    llm::EarlyExitAnswer answer;
    const auto steps = in.Get<uint64_t>();
    for (uint64_t i = 0; i < steps; ++i)
    {
        llm::EarlyExitStep step;
        step.token = in.Get<llm::TokenId>();
        step.exitLayer = in.Get<int64_t>();
        step.confidence = in.Get<float>();
        answer.steps.push_back(step);
    }
    answer.score = GetScore(in);
    answer.scoreDeferred = in.Get<int64_t>();
    in.End();
    return answer;
}

void
AnswerStore::SaveEarlyExit(const std::string& key, const llm::EarlyExitAnswer& answer)
{
    Writer out;
    out.Put<uint64_t>(answer.steps.size());
    for (const llm::EarlyExitStep& step : answer.steps)
    {
        out.Put(step.token);
        out.Put(step.exitLayer);
        out.Put(step.confidence);
    }
    PutScore(out, answer.score);
    out.Put(answer.scoreDeferred);
    Write("early-exit", key, out.Bytes());
}

} // namespace ns3
