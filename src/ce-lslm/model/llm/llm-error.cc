#include "llm-error.h"

namespace ns3
{
namespace llm
{

LlmError::LlmError(const std::string& message)
    : std::runtime_error(message)
{
}

} // namespace llm
} // namespace ns3
