#include "model-profile.h"

#include "ns3/llm-error.h"
#include "ns3/model-presets.h"
#include "ns3/preset-names.h"

#include <stdexcept>

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

llm::ForwardCost
ModelProfile::BatchCost(const std::vector<Work>& batch) const
{
    const llm::CostModel costs(shape, bytesPerWeight, bytesPerKv);
    int64_t tokens = 0;
    int64_t pairs = 0;
    int64_t keys = 0;
    int64_t logitRows = 0;
    for (const Work& work : batch)
    {
        tokens += work.newTokens;
        pairs += llm::CostModel::CausalPairs(work.newTokens, work.cachedTokens);
        keys += work.cachedTokens + work.newTokens;
        logitRows += work.logitRows;
    }
    llm::ForwardCost cost;
    if (tokens == 0)
    {
        return cost;
    }
    cost += costs.Embedding(tokens);
    const llm::ForwardCost layer = costs.Layer(tokens, pairs, keys);
    for (int64_t i = 0; i < shape.numLayers; ++i)
    {
        cost += layer;
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
