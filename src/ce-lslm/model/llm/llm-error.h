#ifndef CE_LSLM_LLM_ERROR_H
#define CE_LSLM_LLM_ERROR_H

#include <stdexcept>
#include <string>

namespace ns3
{
namespace llm
{

/**
 * \brief The one error type of the transformer kernel.
 *
 * Thrown for bad model files (config, safetensors), bad shapes and misuse of the API. The
 * message always names what is wrong: the file, the key or tensor, and the offending value, so
 * that a tool can print it as is and exit non-zero.
 */
class LlmError : public std::runtime_error
{
  public:
    /**
     * \param message the complete, self-explanatory message
     */
    explicit LlmError(const std::string& message);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_LLM_ERROR_H
