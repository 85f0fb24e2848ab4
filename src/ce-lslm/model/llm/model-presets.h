#ifndef CE_LSLM_MODEL_PRESETS_H
#define CE_LSLM_MODEL_PRESETS_H

#include "model-config.h"

#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief Named architectures: small shapes for tests and benchmarks, and the shapes of common
 * real checkpoints (from their published config.json files).
 *
 * A preset is only a shape; with ModelWeights::Random it becomes an executable model with random
 * weights, which is all a cost or shape experiment needs.
 */
class ModelPresets
{
  public:
    /// \return the preset names, in a stable order
    static std::vector<std::string> Names();
    /// \return the config of a preset (throws LlmError listing the names if unknown)
    static ModelConfig Get(const std::string& name);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_MODEL_PRESETS_H
