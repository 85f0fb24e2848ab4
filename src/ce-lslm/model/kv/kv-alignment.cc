#include "kv-alignment.h"

#include "kv-error.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace ns3
{
namespace kv
{

AlignedModel
AlignedModel::Of(const std::string& name, const llm::ModelConfig& config)
{
    AlignedModel model;
    model.name = name;
    model.layers = config.numLayers;
    model.kvHeads = config.numKvHeads;
    model.headDim = config.headDim;
    model.ropeTheta = config.ropeTheta;
    model.vocab = config.vocabSize;
    model.tokenizer = config.tokenizer;
    return model;
}

int64_t
AlignedModel::KvDim() const
{
    return kvHeads * headDim;
}

std::string
AlignedModel::Differences(const llm::ModelConfig& config) const
{
    const AlignedModel other = Of(name, config);
    std::string text;
    auto compare = [&text](const char* key, const std::string& fitted, const std::string& given)
    {
        if (fitted != given)
        {
            text += std::string(text.empty() ? "" : ", ") + key + " " + given + " (fitted for "
                    + fitted + ")";
        }
    };
    compare("layers", std::to_string(layers), std::to_string(other.layers));
    compare("kv_heads", std::to_string(kvHeads), std::to_string(other.kvHeads));
    compare("head_dim", std::to_string(headDim), std::to_string(other.headDim));
    compare("rope_theta", std::to_string(ropeTheta), std::to_string(other.ropeTheta));
    compare("vocab_size", std::to_string(vocab), std::to_string(other.vocab));
    compare("tokenizer", tokenizer, other.tokenizer);
    return text;
}

KvAlignment::KvAlignment(AlignedModel cloud,
                         AlignedModel edge,
                         LayerMapping mapping,
                         std::vector<LayerLink> links)
    : m_cloud(std::move(cloud))
    , m_edge(std::move(edge))
    , m_mapping(std::move(mapping))
    , m_links(std::move(links))
{
    if (m_mapping.EdgeLayers() != m_edge.layers || m_mapping.CloudLayers() != m_cloud.layers
        || static_cast<int64_t>(m_links.size()) != m_edge.layers)
    {
        throw KvError("KV alignment: the mapping covers " + std::to_string(m_mapping.EdgeLayers())
                      + " edge and " + std::to_string(m_mapping.CloudLayers())
                      + " cloud layers and has " + std::to_string(m_links.size())
                      + " links, for models of " + std::to_string(m_edge.layers) + " and "
                      + std::to_string(m_cloud.layers) + " layers");
    }
    for (int64_t e = 0; e < m_edge.layers; ++e)
    {
        LayerLink& link = m_links[static_cast<std::size_t>(e)];
        link.cloudLayer = m_mapping.Source(e);
        if (link.IsLocal())
        {
            continue;
        }
        for (const LinearMap* map : {&link.keyMap, &link.valueMap})
        {
            if (map->Inputs() != m_cloud.KvDim() || map->Outputs() != m_edge.KvDim())
            {
                throw KvError("KV alignment: edge layer " + std::to_string(e) + " has a "
                              + std::to_string(map->Inputs()) + " x "
                              + std::to_string(map->Outputs()) + " map, expected "
                              + std::to_string(m_cloud.KvDim()) + " x "
                              + std::to_string(m_edge.KvDim()));
            }
        }
        if (!std::isfinite(link.fusionLogWeight))
        {
            throw KvError("KV alignment: edge layer " + std::to_string(e)
                          + " has a non-finite fusion weight");
        }
    }
}

KvAlignment
KvAlignment::Identity(const std::string& name, const llm::ModelConfig& config, int64_t localLayers)
{
    const int64_t layers = config.numLayers;
    std::vector<int64_t> sources(static_cast<std::size_t>(layers), -1);
    std::vector<LayerLink> links(static_cast<std::size_t>(layers));
    for (int64_t e = localLayers; e < layers; ++e)
    {
        sources[static_cast<std::size_t>(e)] = e;
        links[static_cast<std::size_t>(e)].keyMap = LinearMap::Identity(config.KvDim());
        links[static_cast<std::size_t>(e)].valueMap = LinearMap::Identity(config.KvDim());
    }
    const AlignedModel model = AlignedModel::Of(name, config);
    return KvAlignment(model, model, LayerMapping(sources, layers), links);
}

const AlignedModel&
KvAlignment::Cloud() const
{
    return m_cloud;
}

const AlignedModel&
KvAlignment::Edge() const
{
    return m_edge;
}

const LayerMapping&
KvAlignment::Mapping() const
{
    return m_mapping;
}

int64_t
KvAlignment::LocalLayers() const
{
    return m_mapping.LocalLayers();
}

const LayerLink&
KvAlignment::Link(int64_t edgeLayer) const
{
    if (edgeLayer < 0 || edgeLayer >= static_cast<int64_t>(m_links.size()))
    {
        throw KvError("KV alignment: edge layer " + std::to_string(edgeLayer) + " outside [0, "
                      + std::to_string(m_links.size()) + ")");
    }
    return m_links[static_cast<std::size_t>(edgeLayer)];
}

std::vector<int64_t>
KvAlignment::ReceivingLayers() const
{
    std::vector<int64_t> layers;
    for (int64_t e = LocalLayers(); e < m_edge.layers; ++e)
    {
        layers.push_back(e);
    }
    return layers;
}

void
KvAlignment::SetCodebook(KvCodebook codebook)
{
    for (int64_t e : ReceivingLayers())
    {
        const auto found = codebook.find(e);
        if (found == codebook.end() || found->second.keys.Dim() != m_edge.KvDim()
            || found->second.values.Dim() != m_edge.KvDim())
        {
            throw KvError("KV alignment: the codebook has no bases of width "
                          + std::to_string(m_edge.KvDim()) + " for receiving edge layer "
                          + std::to_string(e));
        }
    }
    m_codebook = std::move(codebook);
    m_id.reset();
}

const KvCodebook&
KvAlignment::Codebook() const
{
    return m_codebook;
}

void
KvAlignment::SetProvenance(const std::string& json, const Eigen::MatrixXd& similarity)
{
    if (!nlohmann::json::accept(json))
    {
        throw KvError("KV alignment: the provenance is not JSON: " + json.substr(0, 80));
    }
    if (similarity.size() > 0
        && (similarity.rows() != m_edge.layers || similarity.cols() != m_cloud.layers))
    {
        throw KvError("KV alignment: the similarity matrix must be " + std::to_string(m_edge.layers)
                      + " x " + std::to_string(m_cloud.layers));
    }
    m_provenance = json;
    m_id.reset();
    m_similarity = similarity;
}

const std::string&
KvAlignment::Provenance() const
{
    return m_provenance;
}

const Eigen::MatrixXd&
KvAlignment::Similarity() const
{
    return m_similarity;
}

void
KvAlignment::SetFusionLogWeight(int64_t edgeLayer, float logWeight)
{
    if (Link(edgeLayer).IsLocal() || !std::isfinite(logWeight))
    {
        throw KvError("KV alignment: edge layer " + std::to_string(edgeLayer)
                      + " takes no cloud KV or the fusion weight is not finite");
    }
    m_links[static_cast<std::size_t>(edgeLayer)].fusionLogWeight = logWeight;
    m_id.reset();
}

void
KvAlignment::CheckModels(const llm::ModelConfig& cloud, const llm::ModelConfig& edge) const
{
    const std::string cloudDiff = m_cloud.Differences(cloud);
    const std::string edgeDiff = m_edge.Differences(edge);
    if (!cloudDiff.empty() || !edgeDiff.empty())
    {
        throw KvError("KV alignment " + m_cloud.name + " -> " + m_edge.name
                      + " does not fit these models:"
                      + (cloudDiff.empty() ? "" : " cloud " + cloudDiff)
                      + (edgeDiff.empty() ? "" : " edge " + edgeDiff));
    }
}

std::vector<KvBlock>
KvAlignment::Project(const llm::KvCache& cloud, int64_t tokenBegin, int64_t tokenEnd) const
{
    if (cloud.KvDim() != m_cloud.KvDim() || cloud.FirstLayer() != 0
        || cloud.EndLayer() != m_cloud.layers)
    {
        throw KvError("KV alignment: the cloud cache (layers [" + std::to_string(cloud.FirstLayer())
                      + ", " + std::to_string(cloud.EndLayer()) + "), width "
                      + std::to_string(cloud.KvDim()) + ") is not of model " + m_cloud.name);
    }
    std::vector<KvBlock> blocks;
    for (int64_t e : ReceivingLayers())
    {
        const LayerLink& link = Link(e);
        const llm::KvLayer source = cloud.Layer(link.cloudLayer).Slice(tokenBegin, tokenEnd);
        KvBlock block;
        block.layer = e;
        block.positions = source.Positions();
        block.keys = link.keyMap.Apply(source.Keys());
        block.values = link.valueMap.Apply(source.Values());
        blocks.push_back(std::move(block));
    }
    return blocks;
}

} // namespace kv
} // namespace ns3
