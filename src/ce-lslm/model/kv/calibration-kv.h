#ifndef CE_LSLM_CALIBRATION_KV_H
#define CE_LSLM_CALIBRATION_KV_H

#include "kv-block.h"

#include "ns3/transformer.h"

#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief A model's per-layer pre-RoPE keys and values over calibration text, rows concatenated.
 *
 * Each window is run from position 0 on its own, as a context would be; row r of every layer
 * belongs to the same token, so two models' CalibrationKv on the same windows (same tokenizer)
 * are paired row by row, which is what layer similarity and the ridge fits need.
 */
class CalibrationKv
{
  public:
    /**
     * \param model the model
     * \param windows token windows (e.g. <bos> and a passage), each at least one token
     * \return the KV of every layer
     */
    static CalibrationKv Collect(const llm::Transformer& model,
                                 const std::vector<llm::TokenSequence>& windows);
    /**
     * Cut texts into windows: each text into consecutive pieces of windowBytes bytes (the last
     * piece of a text only if it is at least half a window), then maxWindows of them evenly
     * spread over all pieces, each as <bos> + bytes.
     * \return the windows (throws KvError if there is no text)
     */
    static std::vector<llm::TokenSequence> Windows(const std::vector<std::string>& texts,
                                                   int64_t windowBytes,
                                                   int64_t maxWindows);

    /// \return layers covered
    int64_t Layers() const;
    /// \return rows (tokens of all windows)
    int64_t Rows() const;
    /// \return pre-RoPE keys of a layer [rows x kvDim]
    const Matrix& Keys(int64_t layer) const;
    /// \return values of a layer [rows x kvDim]
    const Matrix& Values(int64_t layer) const;
    /// \return keys and values side by side [rows x 2 kvDim]: the layer's representation
    Matrix Features(int64_t layer) const;

  private:
    std::vector<Matrix> m_keys;   //!< per layer
    std::vector<Matrix> m_values; //!< per layer
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_CALIBRATION_KV_H
