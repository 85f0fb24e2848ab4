#ifndef CE_LSLM_MODEL_WEIGHTS_H
#define CE_LSLM_MODEL_WEIGHTS_H

#include "model-config.h"
#include "tensor-types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief The weights of one decoder layer, HF layout ([out x in] projections).
 */
struct LayerWeights
{
    Vector attentionNorm; //!< input_layernorm.weight [hidden]
    Matrix query;         //!< self_attn.q_proj.weight [heads*headDim x hidden]
    Matrix key;           //!< self_attn.k_proj.weight [kvHeads*headDim x hidden]
    Matrix value;         //!< self_attn.v_proj.weight [kvHeads*headDim x hidden]
    Matrix output;        //!< self_attn.o_proj.weight [hidden x heads*headDim]
    Vector mlpNorm;       //!< post_attention_layernorm.weight [hidden]
    Matrix gate;          //!< mlp.gate_proj.weight [intermediate x hidden]
    Matrix up;            //!< mlp.up_proj.weight [intermediate x hidden]
    Matrix down;          //!< mlp.down_proj.weight [hidden x intermediate]
};

/**
 * \brief An early-exit head: its own norm and LM head, reading the hidden state after `layers`
 * decoder layers (CE-CoLLM).
 */
struct ExitHeadWeights
{
    int64_t layers = 0; //!< hidden state after this many layers
    Vector norm;        //!< early_exit.{j}.norm.weight [hidden]
    Matrix head;        //!< early_exit.{j}.lm_head.weight [vocab x hidden]
};

/**
 * \brief All weights of a Llama-family model, in FP32, plus its config.
 *
 * Loaded from a model folder (config.json + safetensors with HF Llama tensor names; F32, F16 or
 * BF16, converted to FP32 once at load), or created with seeded random weights for any shape.
 * Save writes a folder that Load, and PyTorch/HF, read back.
 */
class ModelWeights
{
  public:
    ModelConfig config;                     //!< architecture
    Matrix embedding;                       //!< model.embed_tokens.weight [vocab x hidden]
    std::vector<LayerWeights> layers;       //!< model.layers.{i}
    Vector finalNorm;                       //!< model.norm.weight [hidden]
    Matrix lmHead;                          //!< lm_head.weight, empty when tied
    std::vector<ExitHeadWeights> exitHeads; //!< early_exit.{j}, one per config.earlyExitLayers

    /// \return the LM head (the embedding when tied)
    const Matrix& Head() const;
    /// \return the bytes of FP32 weights held
    std::size_t StorageBytes() const;

    /**
     * Load config.json and model.safetensors (or its sharded index) from a folder.
     * Unused tensors (e.g. rotary inv_freq buffers) are ignored; missing or misshapen ones are
     * errors naming the tensor.
     */
    static ModelWeights Load(const std::string& directory);
    /**
     * Random weights for a shape: matrices N(0, 1/fan_in) (embedding: 1/hidden), norm weights
     * 1 + 0.1 N(0, 1). Same config and seed, same weights, on every platform.
     */
    static ModelWeights Random(const ModelConfig& config, uint64_t seed);
    /**
     * Write config.json and model.safetensors to an existing folder.
     * \param directory destination
     * \param dtype "F32", "F16" or "BF16"
     */
    void Save(const std::string& directory, const std::string& dtype) const;

  private:
    /// \brief One tensor's name, expected shape and FP32 storage.
    struct Slot
    {
        std::string name;           //!< HF tensor name
        std::vector<int64_t> shape; //!< expected shape
        float* data;                //!< storage (already sized)
    };

    /// Size every tensor for config and list them, in one place for load, random and save.
    std::vector<Slot> AllocateSlots();
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_MODEL_WEIGHTS_H
