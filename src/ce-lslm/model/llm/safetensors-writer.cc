#include "safetensors-writer.h"

#include "half-precision.h"
#include "llm-error.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace ns3
{
namespace llm
{

void
SafetensorsWriter::Add(const std::string& name,
                       const std::string& dtype,
                       const std::vector<int64_t>& shape,
                       const float* data)
{
    std::size_t count = 1;
    for (int64_t dim : shape)
    {
        count *= static_cast<std::size_t>(dim);
    }
    Entry entry{dtype, shape, {}};
    if (dtype == "F32")
    {
        entry.bytes.resize(count * 4);
        if (count > 0) // an empty tensor: both pointers may be null
        {
            std::memcpy(entry.bytes.data(), data, count * 4);
        }
    }
    else if (dtype == "F16" || dtype == "BF16")
    {
        entry.bytes.resize(count * 2);
        for (std::size_t i = 0; i < count; ++i)
        {
            const uint16_t bits = dtype == "F16" ? HalfPrecision::FloatToHalf(data[i])
                                                 : HalfPrecision::FloatToBf16(data[i]);
            entry.bytes[2 * i] = static_cast<uint8_t>(bits & 0xff);
            entry.bytes[2 * i + 1] = static_cast<uint8_t>(bits >> 8);
        }
    }
    else
    {
        throw LlmError("safetensors writer: tensor '" + name + "': unsupported dtype '" + dtype
                       + "' (use F32, F16 or BF16)");
    }
    m_entries[name] = std::move(entry);
}

void
SafetensorsWriter::AddMetadata(const std::string& key, const std::string& value)
{
    m_metadata[key] = value;
}

std::vector<uint8_t>
SafetensorsWriter::Serialize() const
{
    nlohmann::json header = nlohmann::json::object();
    if (!m_metadata.empty())
    {
        header["__metadata__"] = m_metadata;
    }
    std::size_t offset = 0;
    for (const auto& [name, entry] : m_entries)
    {
        header[name] = {{"dtype", entry.dtype},
                        {"shape", entry.shape},
                        {"data_offsets", {offset, offset + entry.bytes.size()}}};
        offset += entry.bytes.size();
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::vector<uint8_t> file(8 + text.size());
    for (int i = 0; i < 8; ++i)
    {
        file[i] = static_cast<uint8_t>((static_cast<uint64_t>(text.size()) >> (8 * i)) & 0xff);
    }
    std::memcpy(file.data() + 8, text.data(), text.size());
    for (const auto& entry : m_entries)
    {
        file.insert(file.end(), entry.second.bytes.begin(), entry.second.bytes.end());
    }
    return file;
}

void
SafetensorsWriter::Write(const std::string& path) const
{
    const std::vector<uint8_t> bytes = Serialize();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out)
    {
        throw LlmError(path + ": cannot write safetensors file");
    }
}

} // namespace llm
} // namespace ns3
