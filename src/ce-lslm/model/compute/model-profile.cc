#include "model-profile.h"

#include "ns3/llm-error.h"
#include "ns3/model-presets.h"
#include "ns3/preset-names.h"

#include <stdexcept>
#include <string>

namespace ns3
{

namespace
{

/// Declared presets: real models in FP16/BF16 with FP16 KV, as commonly served.
const char* const PRESET_NAMES[] = {"smollm2-135m",
                                    "smollm2-360m",
                                    "qwen2.5-0.5b",
                                    "tinyllama-1.1b",
                                    "llama-3.2-1b",
                                    "llama-3-8b"};

} // namespace

double
ModelProfile::WeightBytes() const
{
    return static_cast<double>(shape.ParameterCount()) * bytesPerWeight;
}

double
ModelProfile::KvBytesPerToken() const
{
    return 2.0 * static_cast<double>(shape.numLayers * shape.KvDim()) * bytesPerKv;
}

int64_t
ModelProfile::LayerEnd(int32_t layerEnd) const
{
    return layerEnd == -1 ? shape.numLayers : layerEnd;
}

bool
ModelProfile::IsLayerRange(int32_t layerBegin, int32_t layerEnd) const
{
    return layerBegin >= 0 && layerEnd >= -1 && LayerEnd(layerEnd) <= shape.numLayers
           && layerBegin < LayerEnd(layerEnd);
}

bool
ModelProfile::IsPriceable(const Work& work) const
{
    const bool headAlone = work.layerBegin > 0 && work.layerBegin == LayerEnd(work.layerEnd)
                           && work.layerBegin <= shape.numLayers && work.logitRows > 0;
    return headAlone || IsLayerRange(work.layerBegin, work.layerEnd);
}

llm::ForwardCost
ModelProfile::BatchCost(const std::vector<Work>& batch) const
{
    const llm::CostModel costs(shape, bytesPerWeight, bytesPerKv);
    int64_t tokens = 0;
    int64_t embedded = 0;
    int64_t logitRows = 0;
    for (const Work& work : batch)
    {
        if (!IsPriceable(work))
        {
            throw std::invalid_argument("ModelProfile '" + name + "': layer range ["
                                        + std::to_string(work.layerBegin) + ", "
                                        + std::to_string(work.layerEnd) + ") is not within its "
                                        + std::to_string(shape.numLayers) + " layers");
        }
        tokens += work.newTokens;
        embedded += work.layerBegin == 0 ? work.newTokens : 0;
        logitRows += work.logitRows;
    }
    llm::ForwardCost cost;
    if (tokens == 0)
    {
        return cost;
    }
    cost += costs.Embedding(embedded);
    // Each layer is priced for exactly the requests that pass through it, so a batch of stages
    // of different ranges reads a layer's weights once and only if some stage needs them.
    for (int64_t layer = 0; layer < shape.numLayers; ++layer)
    {
        int64_t layerTokens = 0;
        int64_t pairs = 0;
        int64_t keys = 0;
        for (const Work& work : batch)
        {
            if (layer >= work.layerBegin && layer < LayerEnd(work.layerEnd))
            {
                layerTokens += work.newTokens;
                pairs += llm::CostModel::CausalPairs(work.newTokens, work.cachedTokens);
                keys += work.cachedTokens + work.newTokens;
            }
        }
        if (layerTokens > 0)
        {
            cost += costs.Layer(layerTokens, pairs, keys);
        }
    }
    cost += costs.Head(logitRows);
    return cost;
}

ModelProfile
ModelProfile::Get(const std::string& name)
{
    for (const char* preset : PRESET_NAMES)
    {
        if (name == preset)
        {
            return ModelProfile{name, llm::ModelPresets::Get(name), 2, 2};
        }
    }
    throw std::invalid_argument(llm::PresetNames::Unknown("model profile", name, Names()));
}

std::vector<std::string>
ModelProfile::Names()
{
    return std::vector<std::string>(std::begin(PRESET_NAMES), std::end(PRESET_NAMES));
}

ModelProfile
ModelProfile::FromExecuted(const std::string& name, const llm::ModelConfig& shape)
{
    return ModelProfile{name, shape, 2, 2};
}

} // namespace ns3
