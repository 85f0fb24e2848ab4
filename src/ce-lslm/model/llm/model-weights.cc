#include "model-weights.h"

#include "checkpoint-reader.h"
#include "llm-error.h"
#include "safetensors-writer.h"
#include "seeded-random.h"

#include <cmath>
#include <fstream>

namespace ns3
{
namespace llm
{

const Matrix&
ModelWeights::Head() const
{
    return config.tieWordEmbeddings ? embedding : lmHead;
}

std::size_t
ModelWeights::StorageBytes() const
{
    std::size_t floats = embedding.size() + finalNorm.size() + lmHead.size();
    for (const LayerWeights& l : layers)
    {
        floats += l.attentionNorm.size() + l.query.size() + l.key.size() + l.value.size()
                  + l.output.size() + l.mlpNorm.size() + l.gate.size() + l.up.size()
                  + l.down.size();
    }
    for (const ExitHeadWeights& exit : exitHeads)
    {
        floats += exit.norm.size() + exit.head.size();
    }
    return floats * sizeof(float);
}

std::vector<ModelWeights::Slot>
ModelWeights::AllocateSlots()
{
    const ModelConfig& c = config;
    const int64_t h = c.hiddenSize;
    std::vector<Slot> slots;
    auto matrix = [&slots](const std::string& name, Matrix& m, int64_t rows, int64_t cols)
    {
        m.resize(rows, cols);
        slots.push_back({name, {rows, cols}, m.data()});
    };
    auto vector = [&slots](const std::string& name, Vector& v, int64_t size)
    {
        v.resize(size);
        slots.push_back({name, {size}, v.data()});
    };
    matrix("model.embed_tokens.weight", embedding, c.vocabSize, h);
    layers.resize(static_cast<std::size_t>(c.numLayers));
    for (int64_t i = 0; i < c.numLayers; ++i)
    {
        LayerWeights& l = layers[static_cast<std::size_t>(i)];
        const std::string prefix = "model.layers." + std::to_string(i) + ".";
        vector(prefix + "input_layernorm.weight", l.attentionNorm, h);
        matrix(prefix + "self_attn.q_proj.weight", l.query, c.QueryDim(), h);
        matrix(prefix + "self_attn.k_proj.weight", l.key, c.KvDim(), h);
        matrix(prefix + "self_attn.v_proj.weight", l.value, c.KvDim(), h);
        matrix(prefix + "self_attn.o_proj.weight", l.output, h, c.QueryDim());
        vector(prefix + "post_attention_layernorm.weight", l.mlpNorm, h);
        matrix(prefix + "mlp.gate_proj.weight", l.gate, c.intermediateSize, h);
        matrix(prefix + "mlp.up_proj.weight", l.up, c.intermediateSize, h);
        matrix(prefix + "mlp.down_proj.weight", l.down, h, c.intermediateSize);
    }
    vector("model.norm.weight", finalNorm, h);
    if (!c.tieWordEmbeddings)
    {
        matrix("lm_head.weight", lmHead, c.vocabSize, h);
    }
    exitHeads.resize(c.earlyExitLayers.size());
    for (std::size_t j = 0; j < exitHeads.size(); ++j)
    {
        const std::string prefix = "early_exit." + std::to_string(j) + ".";
        exitHeads[j].layers = c.earlyExitLayers[j];
        vector(prefix + "norm.weight", exitHeads[j].norm, h);
        matrix(prefix + "lm_head.weight", exitHeads[j].head, c.vocabSize, h);
    }
    return slots;
}

ModelWeights
ModelWeights::Load(const std::string& directory)
{
    ModelWeights weights;
    weights.config = ModelConfig::Load(directory + "/config.json");
    const CheckpointReader reader(directory);
    for (const Slot& slot : weights.AllocateSlots())
    {
        if (slot.shape.size() == 2)
        {
            Eigen::Map<Matrix>(slot.data, slot.shape[0], slot.shape[1]) =
                reader.ReadMatrix(slot.name, slot.shape[0], slot.shape[1]);
        }
        else
        {
            Eigen::Map<Vector>(slot.data, slot.shape[0]) =
                reader.ReadVector(slot.name, slot.shape[0]);
        }
    }
    return weights;
}

ModelWeights
ModelWeights::Random(const ModelConfig& config, uint64_t seed)
{
    config.Validate("random model");
    ModelWeights weights;
    weights.config = config;
    SeededRandom random(seed);
    for (const Slot& slot : weights.AllocateSlots())
    {
        const int64_t count =
            slot.shape.size() == 2 ? slot.shape[0] * slot.shape[1] : slot.shape[0];
        const bool isNorm = slot.shape.size() == 1;
        // Embedding rows are read by index, so their scale is set by the width, like fan-in.
        const double scale = isNorm ? 0.1 : 1.0 / std::sqrt(static_cast<double>(slot.shape[1]));
        for (int64_t i = 0; i < count; ++i)
        {
            const double value = random.Normal() * scale;
            slot.data[i] = static_cast<float>(isNorm ? 1.0 + value : value);
        }
    }
    return weights;
}

void
ModelWeights::Save(const std::string& directory, const std::string& dtype) const
{
    ModelWeights copy = *this; // AllocateSlots resizes in place; keep this object const
    std::vector<Slot> slots = copy.AllocateSlots();
    // AllocateSlots kept the contents (resize to the same shape is a no-op).
    SafetensorsWriter writer;
    writer.AddMetadata("format", "pt");
    for (const Slot& slot : slots)
    {
        writer.Add(slot.name, dtype, slot.shape, slot.data);
    }
    writer.Write(directory + "/model.safetensors");
    std::ofstream out(directory + "/config.json", std::ios::trunc);
    out << config.ToJson();
    if (!out)
    {
        throw LlmError(directory + "/config.json: cannot write");
    }
}

} // namespace llm
} // namespace ns3
