#include "generator.h"

namespace ns3
{
namespace llm
{

Generation
Generator::Generate(const Transformer& model,
                    KvCache& cache,
                    const TokenSequence& prompt,
                    int64_t maxTokens,
                    Sampler& sampler,
                    TokenId stopToken)
{
    if (maxTokens <= 0)
    {
        return {};
    }
    const ForwardResult prefill = model.Forward(prompt, cache);
    Generation generation = GenerateAfter(model,
                                          cache,
                                          prefill.logits.row(0).transpose(),
                                          maxTokens,
                                          sampler,
                                          stopToken);
    generation.prefillCost = prefill.cost;
    return generation;
}

Generation
Generator::GenerateAfter(const Transformer& model,
                         KvCache& cache,
                         const Vector& nextLogits,
                         int64_t maxTokens,
                         Sampler& sampler,
                         TokenId stopToken)
{
    Generation generation;
    Vector logits = nextLogits;
    while (static_cast<int64_t>(generation.tokens.size()) < maxTokens)
    {
        const TokenId next = sampler.Sample(logits);
        generation.tokens.push_back(next);
        if (next == stopToken || static_cast<int64_t>(generation.tokens.size()) >= maxTokens)
        {
            break;
        }
        const ForwardResult step = model.Forward({next}, cache);
        generation.decodeCost += step.cost;
        logits = step.logits.row(0).transpose();
    }
    return generation;
}

} // namespace llm
} // namespace ns3
