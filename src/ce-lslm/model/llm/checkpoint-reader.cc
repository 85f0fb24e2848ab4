#include "checkpoint-reader.h"

#include "llm-error.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/stat.h>

namespace ns3
{
namespace llm
{

namespace
{

bool
FileExists(const std::string& path)
{
    struct stat info;
    return ::stat(path.c_str(), &info) == 0;
}

/// The shard file names of an HF index ("weight_map": tensor -> file), validated.
std::set<std::string>
ReadShardNames(const std::string& indexPath)
{
    std::ifstream in(indexPath);
    nlohmann::json index;
    try
    {
        in >> index;
    }
    catch (const nlohmann::json::exception& e)
    {
        throw LlmError(indexPath + ": not valid JSON: " + e.what());
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    {
        throw LlmError(indexPath + ": missing object 'weight_map'");
    }
    std::set<std::string> shards;
    for (const auto& [tensor, file] : index["weight_map"].items())
    {
        if (!file.is_string() || file.get<std::string>().find('/') != std::string::npos)
        {
            throw LlmError(indexPath + ": weight_map['" + tensor
                           + "'] must be a file name in the model folder");
        }
        shards.insert(file.get<std::string>());
    }
    return shards;
}

} // namespace

CheckpointReader::CheckpointReader(const std::string& directory)
{
    const std::string single = directory + "/model.safetensors";
    const std::string index = directory + "/model.safetensors.index.json";
    std::vector<std::string> paths;
    if (FileExists(single))
    {
        paths.push_back(single);
    }
    else if (FileExists(index))
    {
        for (const std::string& shard : ReadShardNames(index))
        {
            paths.push_back(directory + "/" + shard);
        }
    }
    else
    {
        throw LlmError(directory + ": no model.safetensors (or model.safetensors.index.json)");
    }
    for (const std::string& path : paths)
    {
        m_files.push_back(std::make_unique<SafetensorsFile>(path));
        for (const auto& entry : m_files.back()->Tensors())
        {
            if (!m_fileOfTensor.emplace(entry.first, m_files.size() - 1).second)
            {
                throw LlmError(path + ": tensor '" + entry.first + "' also appears in "
                               + m_files[m_fileOfTensor[entry.first]]->Path());
            }
        }
    }
}

bool
CheckpointReader::Has(const std::string& name) const
{
    return m_fileOfTensor.count(name) > 0;
}

const SafetensorsFile&
CheckpointReader::FileOf(const std::string& name) const
{
    const auto it = m_fileOfTensor.find(name);
    if (it == m_fileOfTensor.end())
    {
        throw LlmError(m_files.front()->Path() + ": missing tensor '" + name + "'");
    }
    return *m_files[it->second];
}

void
CheckpointReader::CheckShape(const std::string& name, const std::vector<int64_t>& expected) const
{
    const SafetensorsTensor& tensor = FileOf(name).Tensor(name);
    if (tensor.shape != expected)
    {
        SafetensorsTensor wanted = tensor;
        wanted.shape = expected;
        throw LlmError(FileOf(name).Path() + ": tensor '" + name + "' has shape "
                       + tensor.ShapeText() + ", the config needs " + wanted.ShapeText());
    }
}

Matrix
CheckpointReader::ReadMatrix(const std::string& name, int64_t rows, int64_t cols) const
{
    CheckShape(name, {rows, cols});
    Matrix matrix(rows, cols);
    FileOf(name).ReadFloats(name, matrix.data());
    return matrix;
}

Vector
CheckpointReader::ReadVector(const std::string& name, int64_t size) const
{
    CheckShape(name, {size});
    Vector vector(size);
    FileOf(name).ReadFloats(name, vector.data());
    return vector;
}

} // namespace llm
} // namespace ns3
