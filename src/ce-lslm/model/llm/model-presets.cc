#include "model-presets.h"

#include "llm-error.h"
#include "preset-names.h"

#include <map>

namespace ns3
{
namespace llm
{

namespace
{

/// One preset: name, shape, and where the numbers come from.
struct Preset
{
    const char* name;
    int64_t hidden, layers, heads, kvHeads, intermediate, vocab, maxPositions;
    double ropeTheta, eps;
    bool tied;
    const char* tokenizer;
};

// Real models: numbers from each model's config.json on the Hugging Face hub.
const Preset PRESETS[] = {
    // ~5M parameters, the size class of the trained default cloud model; byte vocabulary.
    {"tiny-5m", 256, 6, 8, 2, 704, 260, 2048, 10000.0, 1e-5, true, "byte"},
    // ~0.5M parameters, the size class of the trained default edge model.
    {"tiny-1m", 128, 4, 4, 2, 352, 260, 2048, 10000.0, 1e-5, true, "byte"},
    // HuggingFaceTB/SmolLM2-135M
    {"smollm2-135m", 576, 30, 9, 3, 1536, 49152, 8192, 100000.0, 1e-5, true, "ids"},
    // HuggingFaceTB/SmolLM2-360M
    {"smollm2-360m", 960, 32, 15, 5, 2560, 49152, 8192, 100000.0, 1e-5, true, "ids"},
    // Qwen/Qwen2.5-0.5B (its q/k/v biases are not modelled: a shape for cost, not execution)
    {"qwen2.5-0.5b", 896, 24, 14, 2, 4864, 151936, 32768, 1000000.0, 1e-6, true, "ids"},
    // TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T
    {"tinyllama-1.1b", 2048, 22, 32, 4, 5632, 32000, 2048, 10000.0, 1e-5, false, "ids"},
    // meta-llama/Llama-3.2-1B (without its llama3 RoPE scaling, which only matters > 8K tokens)
    {"llama-3.2-1b", 2048, 16, 32, 8, 8192, 128256, 131072, 500000.0, 1e-5, true, "ids"},
    // meta-llama/Meta-Llama-3-8B
    {"llama-3-8b", 4096, 32, 32, 8, 14336, 128256, 8192, 500000.0, 1e-5, false, "ids"},
};

} // namespace

std::vector<std::string>
ModelPresets::Names()
{
    std::vector<std::string> names;
    for (const Preset& preset : PRESETS)
    {
        names.emplace_back(preset.name);
    }
    return names;
}

ModelConfig
ModelPresets::Get(const std::string& name)
{
    for (const Preset& p : PRESETS)
    {
        if (name == p.name)
        {
            ModelConfig config;
            config.hiddenSize = p.hidden;
            config.numLayers = p.layers;
            config.numHeads = p.heads;
            config.numKvHeads = p.kvHeads;
            config.headDim = p.hidden / p.heads;
            config.intermediateSize = p.intermediate;
            config.vocabSize = p.vocab;
            config.maxPositions = p.maxPositions;
            config.ropeTheta = p.ropeTheta;
            config.rmsNormEps = p.eps;
            config.tieWordEmbeddings = p.tied;
            config.tokenizer = p.tokenizer;
            config.Validate("preset '" + name + "'");
            return config;
        }
    }
    throw LlmError(PresetNames::Unknown("model shape", name, Names()));
}

} // namespace llm
} // namespace ns3
