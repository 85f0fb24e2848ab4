#include "calibration-kv.h"

#include "kv-error.h"

#include "ns3/byte-tokenizer.h"

namespace ns3
{
namespace kv
{

CalibrationKv
CalibrationKv::Collect(const llm::Transformer& model,
                       const std::vector<llm::TokenSequence>& windows)
{
    const int64_t layers = model.Config().numLayers;
    const int64_t kvDim = model.Config().KvDim();
    int64_t rows = 0;
    for (const llm::TokenSequence& window : windows)
    {
        rows += static_cast<int64_t>(window.size());
    }
    CalibrationKv kv;
    kv.m_keys.assign(static_cast<std::size_t>(layers), Matrix(rows, kvDim));
    kv.m_values.assign(static_cast<std::size_t>(layers), Matrix(rows, kvDim));
    llm::ForwardOptions options;
    options.logits = llm::ForwardOptions::Logits::NONE;
    int64_t row = 0;
    for (const llm::TokenSequence& window : windows)
    {
        llm::KvCache cache(model.Config());
        model.Forward(window, cache, options);
        const auto n = static_cast<int64_t>(window.size());
        for (int64_t layer = 0; layer < layers; ++layer)
        {
            const auto l = static_cast<std::size_t>(layer);
            kv.m_keys[l].middleRows(row, n) = cache.Layer(layer).Keys();
            kv.m_values[l].middleRows(row, n) = cache.Layer(layer).Values();
        }
        row += n;
    }
    return kv;
}

std::vector<llm::TokenSequence>
CalibrationKv::Windows(const std::vector<std::string>& texts,
                       int64_t windowBytes,
                       int64_t maxWindows)
{
    if (windowBytes < 2 || maxWindows < 1)
    {
        throw KvError("calibration: need windows of at least 2 bytes and at least one window");
    }
    std::vector<std::string> pieces;
    for (const std::string& text : texts)
    {
        const auto size = static_cast<int64_t>(text.size());
        for (int64_t begin = 0; begin < size; begin += windowBytes)
        {
            const int64_t length = std::min(windowBytes, size - begin);
            if (2 * length >= windowBytes)
            {
                pieces.push_back(text.substr(begin, length));
            }
        }
    }
    if (pieces.empty())
    {
        throw KvError("calibration: no text of at least " + std::to_string(windowBytes / 2)
                      + " bytes to cut into windows");
    }
    const auto available = static_cast<int64_t>(pieces.size());
    const int64_t count = std::min(maxWindows, available);
    std::vector<llm::TokenSequence> windows;
    for (int64_t i = 0; i < count; ++i)
    {
        // Evenly spread: piece floor(i * available / count), so every part of the text is used.
        windows.push_back(llm::ByteTokenizer::Encode(pieces[i * available / count], true));
    }
    return windows;
}

int64_t
CalibrationKv::Layers() const
{
    return static_cast<int64_t>(m_keys.size());
}

int64_t
CalibrationKv::Rows() const
{
    return m_keys.empty() ? 0 : m_keys.front().rows();
}

const Matrix&
CalibrationKv::Keys(int64_t layer) const
{
    return m_keys.at(static_cast<std::size_t>(layer));
}

const Matrix&
CalibrationKv::Values(int64_t layer) const
{
    return m_values.at(static_cast<std::size_t>(layer));
}

Matrix
CalibrationKv::Features(int64_t layer) const
{
    Matrix features(Rows(), 2 * Keys(layer).cols());
    features << Keys(layer), Values(layer);
    return features;
}

} // namespace kv
} // namespace ns3
