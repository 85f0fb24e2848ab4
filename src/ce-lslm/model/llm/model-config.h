#ifndef CE_LSLM_MODEL_CONFIG_H
#define CE_LSLM_MODEL_CONFIG_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief RoPE frequency scaling, as HF's "rope_scaling" (none, "linear" or "llama3").
 */
struct RopeScaling
{
    /// The scaling rule.
    enum class Type
    {
        NONE,   //!< plain RoPE
        LINEAR, //!< positions divided by factor
        LLAMA3  //!< Llama 3.1/3.2 piecewise frequency scaling
    };

    Type type = Type::NONE;              //!< rule
    double factor = 1.0;                 //!< scaling factor
    double lowFreqFactor = 1.0;          //!< llama3: low-frequency wavelength factor
    double highFreqFactor = 4.0;         //!< llama3: high-frequency wavelength factor
    int64_t originalMaxPositions = 8192; //!< llama3: original context length
};

/**
 * \brief The architecture of a Llama-family decoder-only model.
 *
 * Mirrors an HF LlamaConfig (config.json). Parsed strictly: missing required keys, wrong types,
 * inconsistent shapes (hidden size not divisible by heads, KV heads not dividing heads) and
 * unsupported features (attention biases, activations other than SiLU, unknown RoPE scaling) are
 * errors naming the file and key. Unknown extra keys are ignored, so real checkpoints load as
 * they are.
 */
struct ModelConfig
{
    int64_t hiddenSize = 0;               //!< model width (hidden_size)
    int64_t numLayers = 0;                //!< decoder layers (num_hidden_layers)
    int64_t numHeads = 0;                 //!< query heads (num_attention_heads)
    int64_t numKvHeads = 0;               //!< key/value heads (num_key_value_heads), GQA if fewer
    int64_t headDim = 0;                  //!< per-head width (head_dim, default hidden/heads)
    int64_t intermediateSize = 0;         //!< SwiGLU width (intermediate_size)
    int64_t vocabSize = 0;                //!< vocabulary (vocab_size)
    int64_t maxPositions = 0;             //!< context limit (max_position_embeddings)
    double ropeTheta = 10000.0;           //!< RoPE base (rope_theta)
    double rmsNormEps = 1e-5;             //!< RMSNorm epsilon (rms_norm_eps)
    bool tieWordEmbeddings = false;       //!< LM head shares the embedding (tie_word_embeddings)
    RopeScaling ropeScaling;              //!< rope_scaling
    std::vector<int64_t> earlyExitLayers; //!< early_exit_layers: exit heads after l layers
    std::string tokenizer = "ids";        //!< "byte" (our byte tokenizer) or "ids" (pre-tokenized)
    int64_t bosTokenId = -1;              //!< bos_token_id, -1 if none

    /// \return numHeads * headDim, the width of the query projection
    int64_t QueryDim() const;
    /// \return numKvHeads * headDim, the width of one token's keys (or values) per layer
    int64_t KvDim() const;
    /// \return query heads per KV head
    int64_t GroupSize() const;
    /// \return the number of parameters (embedding, layers, norms, head unless tied, exit heads)
    int64_t ParameterCount() const;

    /**
     * Check internal consistency. Throws LlmError prefixed with source.
     * \param source where the config came from (file name or preset)
     */
    void Validate(const std::string& source) const;

    /**
     * Parse an HF config.json text.
     * \param jsonText the JSON
     * \param source file name for messages
     * \return the validated config
     */
    static ModelConfig Parse(const std::string& jsonText, const std::string& source);
    /// Read and parse a config.json file.
    static ModelConfig Load(const std::string& path);
    /// \return HF-style config.json text that Parse reads back to this config
    std::string ToJson() const;
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_MODEL_CONFIG_H
