#include "model-config.h"

#include "llm-error.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ns3
{
namespace llm
{

namespace
{

using nlohmann::json;

/// Reads typed keys of one JSON object, every error naming the source file and key.
class KeyReader
{
  public:
    KeyReader(const json& object, const std::string& source)
        : m_object(object)
        , m_source(source)
    {
    }

    int64_t Integer(const std::string& key, int64_t minimum) const
    {
        const json& value = Required(key);
        if (!value.is_number_integer() || value.get<int64_t>() < minimum)
        {
            Fail(key, "must be an integer >= " + std::to_string(minimum), value);
        }
        return value.get<int64_t>();
    }

    double Positive(const std::string& key, double fallback) const
    {
        if (!Present(key))
        {
            return fallback;
        }
        const json& value = m_object.at(key);
        if (!value.is_number() || value.get<double>() <= 0)
        {
            Fail(key, "must be a positive number", value);
        }
        return value.get<double>();
    }

    bool Boolean(const std::string& key, bool fallback) const
    {
        if (!Present(key))
        {
            return fallback;
        }
        if (!m_object.at(key).is_boolean())
        {
            Fail(key, "must be true or false", m_object.at(key));
        }
        return m_object.at(key).get<bool>();
    }

    std::string Text(const std::string& key, const std::string& fallback) const
    {
        if (!Present(key))
        {
            return fallback;
        }
        if (!m_object.at(key).is_string())
        {
            Fail(key, "must be a string", m_object.at(key));
        }
        return m_object.at(key).get<std::string>();
    }

    /// \return whether the key exists and is not null
    bool Present(const std::string& key) const
    {
        return m_object.contains(key) && !m_object.at(key).is_null();
    }

    [[noreturn]] void Fail(const std::string& key, const std::string& why, const json& value) const
    {
        throw LlmError(m_source + ": key '" + key + "' " + why + " (got " + value.dump() + ")");
    }

    const json& Required(const std::string& key) const
    {
        if (!Present(key))
        {
            throw LlmError(m_source + ": missing required key '" + key + "'");
        }
        return m_object.at(key);
    }

  private:
    const json& m_object;
    const std::string& m_source;
};

RopeScaling
ParseRopeScaling(const KeyReader& config, const json& object, const std::string& source)
{
    RopeScaling scaling;
    if (!config.Present("rope_scaling"))
    {
        return scaling;
    }
    const json& value = object.at("rope_scaling");
    if (!value.is_object())
    {
        config.Fail("rope_scaling", "must be an object or null", value);
    }
    const KeyReader reader(value, source + ": rope_scaling");
    std::string type = reader.Text("rope_type", reader.Text("type", "default"));
    if (type == "default")
    {
        return scaling;
    }
    scaling.factor = reader.Positive("factor", 1.0);
    if (type == "linear")
    {
        scaling.type = RopeScaling::Type::LINEAR;
    }
    else if (type == "llama3")
    {
        scaling.type = RopeScaling::Type::LLAMA3;
        scaling.lowFreqFactor = reader.Positive("low_freq_factor", 1.0);
        scaling.highFreqFactor = reader.Positive("high_freq_factor", 4.0);
        scaling.originalMaxPositions = reader.Integer("original_max_position_embeddings", 1);
    }
    else
    {
        config.Fail("rope_scaling",
                    "has unsupported type '" + type + "' (default, linear, llama3)",
                    value);
    }
    return scaling;
}

void
RejectUnsupported(const KeyReader& reader)
{
    if (reader.Boolean("attention_bias", false) || reader.Boolean("mlp_bias", false))
    {
        reader.Fail("attention_bias", "/ mlp_bias: biased projections are not Llama-family", true);
    }
    const std::string act = reader.Text("hidden_act", "silu");
    if (act != "silu")
    {
        reader.Fail("hidden_act", "must be \"silu\" (SwiGLU)", act);
    }
}

} // namespace

int64_t
ModelConfig::QueryDim() const
{
    return numHeads * headDim;
}

int64_t
ModelConfig::KvDim() const
{
    return numKvHeads * headDim;
}

int64_t
ModelConfig::GroupSize() const
{
    return numHeads / numKvHeads;
}

int64_t
ModelConfig::ParameterCount() const
{
    const int64_t h = hiddenSize;
    const int64_t perLayer =
        2 * h + h * QueryDim() * 2 + 2 * h * KvDim() + 3 * h * intermediateSize;
    const int64_t head = tieWordEmbeddings ? 0 : vocabSize * h;
    const auto exits = static_cast<int64_t>(earlyExitLayers.size()) * (h + vocabSize * h);
    return vocabSize * h + numLayers * perLayer + h + head + exits;
}

void
ModelConfig::Validate(const std::string& source) const
{
    auto require = [&source](bool ok, const std::string& what)
    {
        if (!ok)
        {
            throw LlmError(source + ": " + what);
        }
    };
    require(hiddenSize > 0 && numLayers > 0 && numHeads > 0 && numKvHeads > 0 && headDim > 0
                && intermediateSize > 0 && vocabSize > 0 && maxPositions > 0,
            "hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, "
            "intermediate_size, vocab_size and max_position_embeddings must all be positive");
    require(numHeads % numKvHeads == 0,
            "num_attention_heads (" + std::to_string(numHeads)
                + ") must be a multiple of num_key_value_heads (" + std::to_string(numKvHeads)
                + ")");
    require(headDim % 2 == 0, "head_dim (" + std::to_string(headDim) + ") must be even for RoPE");
    require(rmsNormEps > 0 && ropeTheta > 0, "rms_norm_eps and rope_theta must be positive");
    require(tokenizer == "byte" || tokenizer == "ids",
            "tokenizer must be \"byte\" or \"ids\", got \"" + tokenizer + "\"");
    require(tokenizer != "byte" || vocabSize >= 260,
            "tokenizer \"byte\" needs vocab_size >= 260 (256 bytes + 4 special tokens)");
    for (std::size_t i = 0; i < earlyExitLayers.size(); ++i)
    {
        const int64_t layer = earlyExitLayers[i];
        require(layer >= 1 && layer < numLayers && (i == 0 || layer > earlyExitLayers[i - 1]),
                "early_exit_layers must be increasing layer counts in [1, "
                    + std::to_string(numLayers - 1) + "], got " + std::to_string(layer));
    }
}

ModelConfig
ModelConfig::Parse(const std::string& jsonText, const std::string& source)
{
    json object;
    try
    {
        object = json::parse(jsonText);
    }
    catch (const json::exception& e) // parse_error, or out_of_range for 1e999
    {
        throw LlmError(source + ": not valid JSON: " + e.what());
    }
    if (!object.is_object())
    {
        throw LlmError(source + ": must be a JSON object");
    }
    const KeyReader reader(object, source);
    RejectUnsupported(reader);
    ModelConfig config;
    config.hiddenSize = reader.Integer("hidden_size", 1);
    config.numLayers = reader.Integer("num_hidden_layers", 1);
    config.numHeads = reader.Integer("num_attention_heads", 1);
    config.numKvHeads = reader.Present("num_key_value_heads")
                            ? reader.Integer("num_key_value_heads", 1)
                            : config.numHeads;
    if (config.hiddenSize % config.numHeads != 0 && !reader.Present("head_dim"))
    {
        reader.Fail("hidden_size", "must be a multiple of num_attention_heads", config.hiddenSize);
    }
    config.headDim = reader.Present("head_dim") ? reader.Integer("head_dim", 2)
                                                : config.hiddenSize / config.numHeads;
    config.intermediateSize = reader.Integer("intermediate_size", 1);
    config.vocabSize = reader.Integer("vocab_size", 1);
    config.maxPositions = reader.Integer("max_position_embeddings", 1);
    config.ropeTheta = reader.Positive("rope_theta", 10000.0);
    config.rmsNormEps = reader.Positive("rms_norm_eps", 1e-6);
    config.tieWordEmbeddings = reader.Boolean("tie_word_embeddings", false);
    config.ropeScaling = ParseRopeScaling(reader, object, source);
    config.tokenizer = reader.Text("tokenizer", "ids");
    config.bosTokenId = reader.Present("bos_token_id") && object["bos_token_id"].is_number_integer()
                            ? object["bos_token_id"].get<int64_t>()
                            : -1;
    if (reader.Present("early_exit_layers"))
    {
        const json& exits = object.at("early_exit_layers");
        if (!exits.is_array())
        {
            reader.Fail("early_exit_layers", "must be an array of layer counts", exits);
        }
        for (const auto& layer : exits)
        {
            if (!layer.is_number_integer())
            {
                reader.Fail("early_exit_layers", "must be an array of layer counts", exits);
            }
            config.earlyExitLayers.push_back(layer.get<int64_t>());
        }
    }
    config.Validate(source);
    return config;
}

ModelConfig
ModelConfig::Load(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw LlmError(path + ": cannot open model config");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return Parse(text.str(), path);
}

std::string
ModelConfig::ToJson() const
{
    json object = {{"architectures", {"LlamaForCausalLM"}},
                   {"model_type", "llama"},
                   {"hidden_size", hiddenSize},
                   {"num_hidden_layers", numLayers},
                   {"num_attention_heads", numHeads},
                   {"num_key_value_heads", numKvHeads},
                   {"head_dim", headDim},
                   {"intermediate_size", intermediateSize},
                   {"vocab_size", vocabSize},
                   {"max_position_embeddings", maxPositions},
                   {"rope_theta", ropeTheta},
                   {"rms_norm_eps", rmsNormEps},
                   {"tie_word_embeddings", tieWordEmbeddings},
                   {"hidden_act", "silu"},
                   {"tokenizer", tokenizer}};
    if (bosTokenId >= 0)
    {
        object["bos_token_id"] = bosTokenId;
    }
    if (!earlyExitLayers.empty())
    {
        object["early_exit_layers"] = earlyExitLayers;
    }
    if (ropeScaling.type == RopeScaling::Type::LINEAR)
    {
        object["rope_scaling"] = {{"rope_type", "linear"}, {"factor", ropeScaling.factor}};
    }
    else if (ropeScaling.type == RopeScaling::Type::LLAMA3)
    {
        object["rope_scaling"] = {
            {"rope_type", "llama3"},
            {"factor", ropeScaling.factor},
            {"low_freq_factor", ropeScaling.lowFreqFactor},
            {"high_freq_factor", ropeScaling.highFreqFactor},
            {"original_max_position_embeddings", ropeScaling.originalMaxPositions}};
    }
    return object.dump(2) + "\n";
}

} // namespace llm
} // namespace ns3
