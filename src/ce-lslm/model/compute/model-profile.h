#ifndef CE_LSLM_MODEL_PROFILE_H
#define CE_LSLM_MODEL_PROFILE_H

#include "ns3/forward-cost.h"
#include "ns3/model-config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \brief A declared model: the architecture whose cost a node is simulated to pay.
 *
 * The executed model (a real kernel run) produces tokens and KV; the declared profile prices
 * them (design brief, "Fidelity"). Its FLOPs and bytes come from the kernel's CostModel applied
 * to the declared shape and element sizes, so executed and declared costs use one set of
 * formulas.
 */
struct ModelProfile
{
    std::string name;          //!< e.g. "llama-3-8b"
    llm::ModelConfig shape;    //!< architecture
    double bytesPerWeight = 2; //!< stored weight element size (2: FP16/BF16)
    double bytesPerKv = 2;     //!< stored KV element size

    /**
     * \brief One request's share of a batched iteration.
     *
     * Its tokens pass through the decoder layers [layerBegin, layerEnd) only (a pipeline stage
     * whose other layers' KV comes from elsewhere); the embedding is read only when layerBegin
     * is 0. The LM head takes logitRows rows whatever the range.
     */
    struct Work
    {
        int64_t newTokens = 0;    //!< tokens this request processes now
        int64_t cachedTokens = 0; //!< tokens already in its KV cache
        int64_t logitRows = 0;    //!< rows through the LM head (1 for a decode step)
        int32_t layerBegin = 0;   //!< first decoder layer the tokens pass through
        int32_t layerEnd = -1;    //!< one past the last layer; -1: the model's last layer
    };

    /// \return the weight bytes resident on the device
    double WeightBytes() const;
    /// \return the KV bytes one token occupies (all layers, keys and values)
    double KvBytesPerToken() const;
    /// \return \p layerEnd, or the number of decoder layers if it is -1
    int64_t LayerEnd(int32_t layerEnd) const;
    /**
     * \return whether [\p layerBegin, LayerEnd(\p layerEnd)) is a non-empty range of this model's
     * decoder layers (layerEnd -1 standing for the last)
     */
    bool IsLayerRange(int32_t layerBegin, int32_t layerEnd) const;
    /**
     * \return whether \p work can be priced: a layer range of this model, or an empty range at
     * a layer boundary with head rows (a head read alone, e.g. an early exit)
     */
    bool IsPriceable(const Work& work) const;
    /**
     * \return the cost of one iteration that advances every listed request together: FLOPs add
     * up, each layer's weights are read once if any request passes through it (a layer none
     * passes through costs nothing), each request reads its own KV in its layers
     *
     * Throws std::invalid_argument if a work is not priceable (IsPriceable).
     */
    llm::ForwardCost BatchCost(const std::vector<Work>& batch) const;

    /// \return the profile of a named real model (throws std::invalid_argument listing names)
    static ModelProfile Get(const std::string& name);
    /// \return the names of the presets
    static std::vector<std::string> Names();
    /// \return an executed model as its own profile, stored in FP16 as a deployment would
    static ModelProfile FromExecuted(const std::string& name, const llm::ModelConfig& shape);
};

} // namespace ns3

#endif // CE_LSLM_MODEL_PROFILE_H
