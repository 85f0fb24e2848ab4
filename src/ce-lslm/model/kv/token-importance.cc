#include "token-importance.h"

#include "kv-error.h"

namespace ns3
{
namespace kv
{

Vector
TokenImportance::FromPrefill(const llm::ForwardResult& prefill, int64_t tokens)
{
    if (prefill.attentionImportance.empty())
    {
        throw KvError("token importance: the prefill was run without attentionImportance");
    }
    Vector importance = Vector::Zero(tokens);
    for (const auto& [layer, received] : prefill.attentionImportance)
    {
        if (received.size() < tokens)
        {
            throw KvError("token importance: layer " + std::to_string(layer) + " covers "
                          + std::to_string(received.size()) + " of " + std::to_string(tokens)
                          + " tokens");
        }
        importance += received.head(tokens);
    }
    for (int64_t i = 0; i < tokens; ++i)
    {
        importance[i] /= static_cast<float>(tokens - i); // the queries that can see token i
    }
    return importance;
}

} // namespace kv
} // namespace ns3
