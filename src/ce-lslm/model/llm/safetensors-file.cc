#include "safetensors-file.h"

#include "half-precision.h"
#include "llm-error.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace ns3
{
namespace llm
{

namespace
{

/// Real headers are a few hundred kilobytes; anything far larger is corruption.
constexpr uint64_t MAX_HEADER_BYTES = 100u * 1024 * 1024;

std::size_t
DtypeBytes(const std::string& dtype)
{
    static const std::map<std::string, std::size_t> sizes = {{"F64", 8},
                                                             {"F32", 4},
                                                             {"F16", 2},
                                                             {"BF16", 2},
                                                             {"I64", 8},
                                                             {"I32", 4},
                                                             {"I16", 2},
                                                             {"I8", 1},
                                                             {"U8", 1},
                                                             {"BOOL", 1},
                                                             {"F8_E4M3", 1},
                                                             {"F8_E5M2", 1},
                                                             {"U16", 2},
                                                             {"U32", 4},
                                                             {"U64", 8}};
    const auto it = sizes.find(dtype);
    return it == sizes.end() ? 0 : it->second;
}

uint64_t
ReadLittleEndian64(const uint8_t* bytes)
{
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
    {
        value = (value << 8) | bytes[i];
    }
    return value;
}

/// Parse one [begin, end] or shape entry: non-negative integers only.
std::vector<uint64_t>
ReadUnsignedArray(const nlohmann::json& value, const std::string& what)
{
    if (!value.is_array())
    {
        throw LlmError(what + " must be an array of non-negative integers");
    }
    std::vector<uint64_t> numbers;
    for (const auto& item : value)
    {
        if (!item.is_number_unsigned())
        {
            throw LlmError(what + " must be an array of non-negative integers, got "
                           + value.dump());
        }
        numbers.push_back(item.get<uint64_t>());
    }
    return numbers;
}

} // namespace

int64_t
SafetensorsTensor::Elements() const
{
    int64_t count = 1;
    for (int64_t dim : shape)
    {
        count *= dim;
    }
    return count;
}

std::string
SafetensorsTensor::ShapeText() const
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
    {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

SafetensorsFile::SafetensorsFile(const std::string& path)
    : m_file(path)
{
    if (m_file.Size() < 8)
    {
        throw LlmError(path + ": file is " + std::to_string(m_file.Size())
                       + " bytes, too short for the 8-byte safetensors header length");
    }
    const uint64_t headerBytes = ReadLittleEndian64(m_file.Data());
    if (headerBytes > m_file.Size() - 8 || headerBytes > MAX_HEADER_BYTES)
    {
        throw LlmError(path + ": header length " + std::to_string(headerBytes)
                       + " at offset 0 points past the end of the file ("
                       + std::to_string(m_file.Size()) + " bytes)");
    }
    const std::string headerText(reinterpret_cast<const char*>(m_file.Data()) + 8,
                                 static_cast<std::size_t>(headerBytes));
    ParseHeader(headerText, 8 + static_cast<std::size_t>(headerBytes));
    CheckNoOverlap();
}

void
SafetensorsFile::ParseHeader(const std::string& headerText, std::size_t bufferOffset)
{
    const std::string& path = m_file.Path();
    nlohmann::json header;
    try
    {
        header = nlohmann::json::parse(headerText);
    }
    catch (const nlohmann::json::exception& e) // parse_error, or out_of_range for 1e999
    {
        throw LlmError(path + ": header (bytes 8.." + std::to_string(bufferOffset)
                       + ") is not valid JSON: " + e.what());
    }
    if (!header.is_object())
    {
        throw LlmError(path + ": header must be a JSON object");
    }
    const std::size_t bufferBytes = m_file.Size() - bufferOffset;
    for (const auto& [name, entry] : header.items())
    {
        const std::string what = path + ": tensor '" + name + "'";
        if (name == "__metadata__")
        {
            if (!entry.is_object())
            {
                throw LlmError(path + ": __metadata__ must be an object of strings");
            }
            for (const auto& [key, value] : entry.items())
            {
                m_metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
            }
            continue;
        }
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape")
            || !entry.contains("data_offsets"))
        {
            throw LlmError(what + ": entry must be an object with dtype, shape, data_offsets");
        }
        SafetensorsTensor tensor;
        tensor.name = name;
        tensor.dtype = entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "";
        tensor.elementBytes = DtypeBytes(tensor.dtype);
        if (tensor.elementBytes == 0)
        {
            throw LlmError(what + ": unknown dtype " + entry["dtype"].dump());
        }
        uint64_t elements = 1;
        for (uint64_t dim : ReadUnsignedArray(entry["shape"], what + ": shape"))
        {
            if (dim > 0 && elements > std::numeric_limits<uint64_t>::max() / 16 / dim)
            {
                throw LlmError(what + ": shape " + entry["shape"].dump() + " is too large");
            }
            elements *= dim;
            tensor.shape.push_back(static_cast<int64_t>(dim));
        }
        const auto offsets = ReadUnsignedArray(entry["data_offsets"], what + ": data_offsets");
        if (offsets.size() != 2 || offsets[0] > offsets[1])
        {
            throw LlmError(what + ": data_offsets must be [begin, end] with begin <= end, got "
                           + entry["data_offsets"].dump());
        }
        if (offsets[1] > bufferBytes)
        {
            throw LlmError(what + ": data_offsets " + entry["data_offsets"].dump()
                           + " point past the end of the file (data buffer is "
                           + std::to_string(bufferBytes) + " bytes from offset "
                           + std::to_string(bufferOffset) + ")");
        }
        if (offsets[1] - offsets[0] != elements * tensor.elementBytes)
        {
            throw LlmError(what + ": " + std::to_string(offsets[1] - offsets[0])
                           + " bytes of data, but dtype " + tensor.dtype + " and shape "
                           + tensor.ShapeText() + " need "
                           + std::to_string(elements * tensor.elementBytes));
        }
        tensor.fileOffset = bufferOffset + static_cast<std::size_t>(offsets[0]);
        tensor.byteCount = static_cast<std::size_t>(offsets[1] - offsets[0]);
        m_tensors.emplace(name, std::move(tensor));
    }
}

void
SafetensorsFile::CheckNoOverlap() const
{
    std::vector<const SafetensorsTensor*> byOffset;
    for (const auto& entry : m_tensors)
    {
        if (entry.second.byteCount > 0)
        {
            byOffset.push_back(&entry.second);
        }
    }
    std::sort(byOffset.begin(),
              byOffset.end(),
              [](const auto* a, const auto* b)
              {
                  return a->fileOffset < b->fileOffset;
              });
    for (std::size_t i = 1; i < byOffset.size(); ++i)
    {
        const auto* previous = byOffset[i - 1];
        if (byOffset[i]->fileOffset < previous->fileOffset + previous->byteCount)
        {
            throw LlmError(m_file.Path() + ": tensor '" + byOffset[i]->name + "' overlaps tensor '"
                           + previous->name + "' at file offset "
                           + std::to_string(byOffset[i]->fileOffset));
        }
    }
}

const std::string&
SafetensorsFile::Path() const
{
    return m_file.Path();
}

bool
SafetensorsFile::Has(const std::string& name) const
{
    return m_tensors.count(name) > 0;
}

const SafetensorsTensor&
SafetensorsFile::Tensor(const std::string& name) const
{
    const auto it = m_tensors.find(name);
    if (it == m_tensors.end())
    {
        throw LlmError(m_file.Path() + ": missing tensor '" + name + "'");
    }
    return it->second;
}

const std::map<std::string, SafetensorsTensor>&
SafetensorsFile::Tensors() const
{
    return m_tensors;
}

const std::map<std::string, std::string>&
SafetensorsFile::Metadata() const
{
    return m_metadata;
}

void
SafetensorsFile::ReadFloats(const std::string& name, float* out) const
{
    const SafetensorsTensor& tensor = Tensor(name);
    const uint8_t* data = m_file.Data() + tensor.fileOffset;
    const auto count = static_cast<std::size_t>(tensor.Elements());
    if (count == 0)
    {
        return; // out may be null then (an empty Eigen matrix's data()), memcpy's must not
    }
    if (tensor.dtype == "F32")
    {
        std::memcpy(out, data, count * sizeof(float));
        return;
    }
    if (tensor.dtype != "F16" && tensor.dtype != "BF16")
    {
        throw LlmError(m_file.Path() + ": tensor '" + name + "' has dtype " + tensor.dtype
                       + "; weights must be F32, F16 or BF16");
    }
    const bool isHalf = tensor.dtype == "F16";
    for (std::size_t i = 0; i < count; ++i)
    {
        const auto bits = static_cast<uint16_t>(data[2 * i] | (data[2 * i + 1] << 8));
        out[i] = isHalf ? HalfPrecision::HalfToFloat(bits) : HalfPrecision::Bf16ToFloat(bits);
    }
}

} // namespace llm
} // namespace ns3
