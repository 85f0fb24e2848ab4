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
    Generation generation;
    if (maxTokens <= 0)
    {
        return generation;
    }
    ForwardResult step = model.Forward(prompt, cache);
    generation.prefillCost = step.cost;
    while (true)
    {
        const TokenId next = sampler.Sample(step.logits.row(0).transpose());
        generation.tokens.push_back(next);
        if (next == stopToken || static_cast<int64_t>(generation.tokens.size()) >= maxTokens)
        {
            return generation;
        }
        step = model.Forward({next}, cache);
        generation.decodeCost += step.cost;
    }
}

} // namespace llm
} // namespace ns3
