// KvAlignment's file format: a safetensors file of FP32 tensors (maps, PCA bases, similarity)
// whose "__metadata__" holds the format name, its version and a JSON description of the models
// and the layer links. Load validates everything before anything is used.

#include "crc32c.h"
#include "kv-alignment.h"
#include "kv-error.h"

#include "ns3/llm-error.h"
#include "ns3/safetensors-file.h"
#include "ns3/safetensors-writer.h"

#include <nlohmann/json.hpp>

namespace ns3
{
namespace kv
{

namespace
{

using Json = nlohmann::json;

Json
ModelJson(const AlignedModel& m)
{
    return Json{{"name", m.name},
                {"layers", m.layers},
                {"kv_heads", m.kvHeads},
                {"head_dim", m.headDim},
                {"rope_theta", m.ropeTheta},
                {"vocab_size", m.vocab},
                {"tokenizer", m.tokenizer}};
}

AlignedModel
ModelFromJson(const Json& j)
{
    AlignedModel m;
    m.name = j.at("name").get<std::string>();
    m.layers = j.at("layers").get<int64_t>();
    m.kvHeads = j.at("kv_heads").get<int64_t>();
    m.headDim = j.at("head_dim").get<int64_t>();
    m.ropeTheta = j.at("rope_theta").get<double>();
    m.vocab = j.at("vocab_size").get<int64_t>();
    m.tokenizer = j.at("tokenizer").get<std::string>();
    if (m.layers < 1 || m.kvHeads < 1 || m.headDim < 1 || m.layers > 4096 || m.headDim > 4096)
    {
        throw KvError("model '" + m.name + "' has an impossible shape");
    }
    return m;
}

void
AddMatrix(llm::SafetensorsWriter& writer, const std::string& name, const Matrix& m)
{
    writer.Add(name, "F32", {m.rows(), m.cols()}, m.data());
}

void
AddVector(llm::SafetensorsWriter& writer, const std::string& name, const Vector& v)
{
    writer.Add(name, "F32", {v.size()}, v.data());
}

/// Reads tensors of an expected shape; every error names the file and the tensor.
class TensorSource
{
  public:
    explicit TensorSource(const llm::SafetensorsFile& file)
        : m_file(file)
    {
    }

    Matrix ReadMatrix(const std::string& name, int64_t rows, int64_t cols) const
    {
        Check(name, {rows, cols});
        Matrix m(rows, cols);
        m_file.ReadFloats(name, m.data());
        return m;
    }

    Vector ReadVector(const std::string& name, int64_t size) const
    {
        Check(name, {size});
        Vector v(size);
        m_file.ReadFloats(name, v.data());
        return v;
    }

    PcaBasis ReadBasis(const std::string& prefix, int64_t dim) const
    {
        const llm::SafetensorsTensor& t = m_file.Tensor(prefix + ".components");
        const int64_t rank = t.shape.size() == 2 ? t.shape[1] : 0;
        if (rank < 1 || rank > dim)
        {
            throw KvError(m_file.Path() + ": tensor " + prefix + ".components has shape "
                          + t.ShapeText() + ", expected [" + std::to_string(dim)
                          + ", rank <= " + std::to_string(dim) + "]");
        }
        return PcaBasis(ReadVector(prefix + ".mean", dim),
                        ReadMatrix(prefix + ".components", dim, rank),
                        ReadVector(prefix + ".variances", rank));
    }

  private:
    void Check(const std::string& name, const std::vector<int64_t>& shape) const
    {
        const llm::SafetensorsTensor& t = m_file.Tensor(name);
        if (t.shape != shape)
        {
            llm::SafetensorsTensor expected = t;
            expected.shape = shape;
            throw KvError(m_file.Path() + ": tensor " + name + " has shape " + t.ShapeText()
                          + ", expected " + expected.ShapeText());
        }
    }

    const llm::SafetensorsFile& m_file;
};

std::string
LinkName(int64_t edgeLayer, const char* what)
{
    return "link." + std::to_string(edgeLayer) + "." + what;
}

std::string
BasisName(int64_t edgeLayer, const char* what)
{
    return "pca." + std::to_string(edgeLayer) + "." + what;
}

} // namespace

std::vector<uint8_t>
KvAlignment::Serialize() const
{
    llm::SafetensorsWriter writer;
    Json links = Json::array();
    for (int64_t e : ReceivingLayers())
    {
        const LayerLink& link = Link(e);
        links.push_back({{"edge_layer", e},
                         {"cloud_layer", link.cloudLayer},
                         {"fusion_log_weight", link.fusionLogWeight}});
        AddMatrix(writer, LinkName(e, "key.weight"), link.keyMap.Weight());
        AddVector(writer, LinkName(e, "key.bias"), link.keyMap.Bias());
        AddMatrix(writer, LinkName(e, "value.weight"), link.valueMap.Weight());
        AddVector(writer, LinkName(e, "value.bias"), link.valueMap.Bias());
    }
    for (const auto& [e, bases] : m_codebook)
    {
        for (const auto& [what, basis] :
             {std::make_pair("keys", &bases.keys), std::make_pair("values", &bases.values)})
        {
            const std::string prefix = BasisName(e, what);
            AddVector(writer, prefix + ".mean", basis->Mean());
            AddMatrix(writer, prefix + ".components", basis->Components());
            AddVector(writer, prefix + ".variances", basis->Variances());
        }
    }
    if (m_similarity.size() > 0)
    {
        AddMatrix(writer, "similarity", m_similarity.cast<float>());
    }
    const Json description{{"cloud", ModelJson(m_cloud)},
                           {"edge", ModelJson(m_edge)},
                           {"local_layers", LocalLayers()},
                           {"links", links},
                           {"codebook_layers", static_cast<int64_t>(m_codebook.size())},
                           {"provenance", Json::parse(m_provenance)}};
    writer.AddMetadata("format", FORMAT);
    writer.AddMetadata("version", std::to_string(VERSION));
    writer.AddMetadata("alignment", description.dump());
    return writer.Serialize();
}

void
KvAlignment::Save(const std::string& path) const
{
    try
    {
        const std::vector<uint8_t> bytes = Serialize();
        FILE* file = std::fopen(path.c_str(), "wb");
        const bool ok = file && std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
        if (file)
        {
            std::fclose(file);
        }
        if (!ok)
        {
            throw KvError("cannot write KV alignment file " + path);
        }
    }
    catch (const llm::LlmError& error)
    {
        throw KvError(path + ": " + error.what());
    }
}

uint32_t
KvAlignment::Id() const
{
    if (!m_id)
    {
        const std::vector<uint8_t> bytes = Serialize();
        m_id = Crc32c(bytes.data(), bytes.size());
    }
    return *m_id;
}

KvStreamHeader
KvAlignment::StreamHeader() const
{
    KvStreamHeader header;
    header.layers = static_cast<uint16_t>(m_edge.layers);
    header.kvDim = static_cast<uint16_t>(m_edge.KvDim());
    header.alignmentId = Id();
    return header;
}

KvAlignment
KvAlignment::Load(const std::string& path)
{
    try
    {
        const llm::SafetensorsFile file(path);
        const auto& meta = file.Metadata();
        const auto format = meta.find("format");
        const auto version = meta.find("version");
        if (format == meta.end() || format->second != FORMAT || version == meta.end())
        {
            throw KvError(path + ": not a KV alignment file (metadata 'format' must be '"
                          + std::string(FORMAT) + "')");
        }
        if (version->second != std::to_string(VERSION))
        {
            throw KvError(path + ": KV alignment format version " + version->second
                          + ", this build reads version " + std::to_string(VERSION));
        }
        const auto description = meta.find("alignment");
        if (description == meta.end())
        {
            throw KvError(path + ": metadata key 'alignment' is missing");
        }
        const Json j = Json::parse(description->second);
        const AlignedModel cloud = ModelFromJson(j.at("cloud"));
        const AlignedModel edge = ModelFromJson(j.at("edge"));
        const TensorSource tensors(file);
        std::vector<int64_t> sources(static_cast<std::size_t>(edge.layers), -1);
        std::vector<LayerLink> links(static_cast<std::size_t>(edge.layers));
        for (const Json& entry : j.at("links"))
        {
            const int64_t e = entry.at("edge_layer").get<int64_t>();
            if (e < 0 || e >= edge.layers)
            {
                throw KvError(path + ": links: edge layer " + std::to_string(e) + " outside [0, "
                              + std::to_string(edge.layers) + ")");
            }
            sources[static_cast<std::size_t>(e)] = entry.at("cloud_layer").get<int64_t>();
            LayerLink& link = links[static_cast<std::size_t>(e)];
            link.fusionLogWeight = entry.at("fusion_log_weight").get<float>();
            link.keyMap = LinearMap(
                tensors.ReadMatrix(LinkName(e, "key.weight"), cloud.KvDim(), edge.KvDim()),
                tensors.ReadVector(LinkName(e, "key.bias"), edge.KvDim()));
            link.valueMap = LinearMap(
                tensors.ReadMatrix(LinkName(e, "value.weight"), cloud.KvDim(), edge.KvDim()),
                tensors.ReadVector(LinkName(e, "value.bias"), edge.KvDim()));
        }
        KvAlignment alignment(cloud, edge, LayerMapping(sources, cloud.layers), links);
        if (j.at("codebook_layers").get<int64_t>() > 0)
        {
            KvCodebook codebook;
            for (int64_t e : alignment.ReceivingLayers())
            {
                codebook[e] = LayerBases{tensors.ReadBasis(BasisName(e, "keys"), edge.KvDim()),
                                         tensors.ReadBasis(BasisName(e, "values"), edge.KvDim())};
            }
            alignment.SetCodebook(std::move(codebook));
        }
        Eigen::MatrixXd similarity;
        if (file.Has("similarity"))
        {
            similarity = tensors.ReadMatrix("similarity", edge.layers, cloud.layers).cast<double>();
        }
        alignment.SetProvenance(j.at("provenance").dump(), similarity);
        return alignment;
    }
    catch (const Json::exception& error)
    {
        throw KvError(path + ": metadata 'alignment': " + error.what());
    }
    catch (const llm::LlmError& error)
    {
        throw KvError(path + ": " + error.what());
    }
    catch (const KvError& error)
    {
        const std::string message = error.what();
        throw KvError(message.rfind(path, 0) == 0 ? message : path + ": " + message);
    }
}

} // namespace kv
} // namespace ns3
