#include "sampler.h"

#include "llm-error.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace ns3
{
namespace llm
{

Sampler::Sampler(const SamplingParams& params)
    : m_params(params)
    , m_random(params.seed)
{
    if (params.temperature < 0 || params.topK < 0 || params.topP <= 0 || params.topP > 1)
    {
        throw LlmError("sampling: need temperature >= 0, top_k >= 0 and 0 < top_p <= 1");
    }
}

TokenId
Sampler::Argmax(const Vector& logits)
{
    Eigen::Index best = 0;
    logits.maxCoeff(&best); // Eigen returns the first maximum
    return static_cast<TokenId>(best);
}

Vector
Sampler::Softmax(const Vector& logits)
{
    const Eigen::ArrayXd shifted = (logits.cast<double>().array() - logits.maxCoeff());
    const Eigen::ArrayXd weights = shifted.exp();
    return (weights / weights.sum()).cast<float>().matrix();
}

TokenId
Sampler::Sample(const Vector& logits)
{
    if (m_params.temperature == 0.0)
    {
        return Argmax(logits);
    }
    std::vector<int64_t> order(static_cast<std::size_t>(logits.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(),
                     order.end(),
                     [&logits](int64_t a, int64_t b)
                     {
                         return logits[a] > logits[b];
                     });
    std::size_t keep = order.size();
    if (m_params.topK > 0)
    {
        keep = std::min(keep, static_cast<std::size_t>(m_params.topK));
    }
    std::vector<double> weights(keep);
    const double top = logits[order[0]];
    for (std::size_t i = 0; i < keep; ++i)
    {
        weights[i] = std::exp((logits[order[i]] - top) / m_params.temperature);
    }
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    // Nucleus: the shortest prefix whose probability reaches top_p.
    double cumulative = 0;
    std::size_t nucleus = 0;
    while (nucleus < keep && (nucleus == 0 || cumulative < m_params.topP * total))
    {
        cumulative += weights[nucleus++];
    }
    double draw = m_random.Uniform() * cumulative;
    for (std::size_t i = 0; i < nucleus; ++i)
    {
        draw -= weights[i];
        if (draw < 0)
        {
            return static_cast<TokenId>(order[i]);
        }
    }
    return static_cast<TokenId>(order[nucleus - 1]);
}

} // namespace llm
} // namespace ns3
