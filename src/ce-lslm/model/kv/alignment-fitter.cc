#include "alignment-fitter.h"

#include "context-assembler.h"
#include "kv-error.h"
#include "linear-cka.h"

#include "ns3/evaluator.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace ns3
{
namespace kv
{

namespace
{

/// Relative Frobenius error of an estimate.
double
RelativeError(const Matrix& truth, const Matrix& estimate)
{
    const double norm = truth.cast<double>().norm();
    return norm > 0 ? (truth - estimate).cast<double>().norm() / norm : 0.0;
}

/**
 * The fusion fit's objective: the edge model's bits per byte on held-out continuations, each
 * after an aligned context and a prompt, as a function of the receiving layers' log-weights.
 */
class FusionObjective
{
  public:
    FusionObjective(const llm::Transformer& cloud,
                    const llm::Transformer& edge,
                    const KvAlignment& alignment,
                    const std::vector<llm::TokenSequence>& windows,
                    const AlignmentFitOptions& options)
        : m_edge(edge)
    {
        const ContextAssembler assembler(edge, alignment);
        llm::ForwardOptions contextOnly;
        contextOnly.logits = llm::ForwardOptions::Logits::NONE;
        for (const llm::TokenSequence& window : windows)
        {
            const auto n = static_cast<int64_t>(window.size());
            const auto context = static_cast<int64_t>(std::llround(options.contextFraction * n));
            const int64_t promptEnd = context + options.promptTokens;
            if (context < 1 || promptEnd + 1 >= n)
            {
                continue; // too short to hold a context, a prompt and a continuation
            }
            const llm::TokenSequence contextTokens(window.begin(), window.begin() + context);
            llm::KvCache cloudCache(cloud.Config());
            cloud.Forward(contextTokens, cloudCache, contextOnly);
            m_caches.push_back(assembler.Assemble(contextTokens,
                                                  alignment.Project(cloudCache, 0, context),
                                                  nullptr));
            m_prompts.emplace_back(window.begin() + context, window.begin() + promptEnd);
            m_continuations.emplace_back(window.begin() + promptEnd, window.end());
        }
    }

    /// \return bits per byte with these log-weights for the receiving layers
    double operator()(const std::vector<int64_t>& layers, const std::vector<float>& weights) const
    {
        double nats = 0;
        int64_t bytes = 0;
        for (std::size_t i = 0; i < m_caches.size(); ++i)
        {
            llm::KvCache cache = m_caches[i];
            for (std::size_t k = 0; k < layers.size(); ++k)
            {
                llm::KvLayer& layer = cache.Layer(layers[k]);
                layer.SetContextFusion(layer.FusedTokens(), weights[k]);
            }
            const llm::ContinuationScore score =
                llm::Evaluator::ScoreAfterPrompt(m_edge, cache, m_prompts[i], m_continuations[i]);
            nats += score.nllNats;
            bytes += score.bytes;
        }
        return bytes > 0 ? nats / std::log(2.0) / static_cast<double>(bytes) : 0.0;
    }

    bool Empty() const
    {
        return m_caches.empty();
    }

  private:
    const llm::Transformer& m_edge;
    std::vector<llm::KvCache> m_caches;
    std::vector<llm::TokenSequence> m_prompts;
    std::vector<llm::TokenSequence> m_continuations;
};

} // namespace

AlignmentFitter::AlignmentFitter(const llm::Transformer& cloud,
                                 std::string cloudName,
                                 const llm::Transformer& edge,
                                 std::string edgeName)
    : m_cloud(cloud)
    , m_cloudName(std::move(cloudName))
    , m_edge(edge)
    , m_edgeName(std::move(edgeName))
{
    const llm::ModelConfig& c = cloud.Config();
    const llm::ModelConfig& e = edge.Config();
    if (c.tokenizer != e.tokenizer || c.vocabSize != e.vocabSize)
    {
        throw KvError("KV alignment: " + m_cloudName + " and " + m_edgeName
                      + " must share a tokenizer and vocabulary to be paired token by token ("
                      + c.tokenizer + "/" + std::to_string(c.vocabSize) + " vs " + e.tokenizer + "/"
                      + std::to_string(e.vocabSize) + ")");
    }
}

Eigen::MatrixXd
AlignmentFitter::Similarity(const CalibrationKv& cloud, const CalibrationKv& edge) const
{
    Eigen::MatrixXd similarity(edge.Layers(), cloud.Layers());
    for (int64_t e = 0; e < edge.Layers(); ++e)
    {
        const Matrix edgeFeatures = edge.Features(e);
        for (int64_t c = 0; c < cloud.Layers(); ++c)
        {
            similarity(e, c) = LinearCka::Compute(cloud.Features(c), edgeFeatures);
        }
    }
    return similarity;
}

std::vector<LayerLink>
AlignmentFitter::FitLinks(const LayerMapping& mapping,
                          const CalibrationKv& cloud,
                          const CalibrationKv& edge,
                          double ridge) const
{
    std::vector<LayerLink> links(static_cast<std::size_t>(mapping.EdgeLayers()));
    for (int64_t e = mapping.LocalLayers(); e < mapping.EdgeLayers(); ++e)
    {
        const int64_t c = mapping.Source(e);
        LayerLink& link = links[static_cast<std::size_t>(e)];
        link.keyMap = LinearMap::FitRidge(cloud.Keys(c), edge.Keys(e), ridge);
        link.valueMap = LinearMap::FitRidge(cloud.Values(c), edge.Values(e), ridge);
    }
    return links;
}

KvCodebook
AlignmentFitter::FitCodebook(const KvAlignment& alignment, const CalibrationKv& cloud) const
{
    KvCodebook codebook;
    for (int64_t e : alignment.ReceivingLayers())
    {
        const LayerLink& link = alignment.Link(e);
        codebook[e] = LayerBases{PcaBasis::Fit(link.keyMap.Apply(cloud.Keys(link.cloudLayer))),
                                 PcaBasis::Fit(link.valueMap.Apply(cloud.Values(link.cloudLayer)))};
    }
    return codebook;
}

void
AlignmentFitter::MeasureErrors(const KvAlignment& alignment,
                               const std::vector<llm::TokenSequence>& heldOut,
                               AlignmentFitReport& report) const
{
    const CalibrationKv cloud = CalibrationKv::Collect(m_cloud, heldOut);
    const CalibrationKv edge = CalibrationKv::Collect(m_edge, heldOut);
    for (int64_t e : alignment.ReceivingLayers())
    {
        const LayerLink& link = alignment.Link(e);
        report.keyError.push_back(
            RelativeError(edge.Keys(e), link.keyMap.Apply(cloud.Keys(link.cloudLayer))));
        report.valueError.push_back(
            RelativeError(edge.Values(e), link.valueMap.Apply(cloud.Values(link.cloudLayer))));
    }
}

void
AlignmentFitter::FitFusion(KvAlignment& alignment,
                           const std::vector<llm::TokenSequence>& heldOut,
                           const AlignmentFitOptions& options,
                           AlignmentFitReport& report) const
{
    const std::vector<int64_t> layers = alignment.ReceivingLayers();
    std::vector<float> weights(layers.size(), 0.0f);
    const FusionObjective objective(m_cloud, m_edge, alignment, heldOut, options);
    if (objective.Empty() || layers.empty())
    {
        report.fusionLogWeights = weights;
        return;
    }
    report.bitsPerByteUnfused = objective(layers, weights);
    double best = report.bitsPerByteUnfused;
    // Coordinate descent: a coarse grid per layer, twice over the layers (the layers interact),
    // then a finer step around each weight.
    const std::vector<float> grid{-6, -3, -2, -1, -0.5, 0, 0.5, 1, 2};
    const std::vector<float> fine{-0.25, 0.25};
    for (int pass = 0; pass < 3; ++pass)
    {
        for (std::size_t k = 0; k < layers.size(); ++k)
        {
            const float centre = weights[k];
            for (float step : pass < 2 ? grid : fine)
            {
                std::vector<float> trial = weights;
                trial[k] = pass < 2 ? step : centre + step;
                const double value = objective(layers, trial);
                if (value < best - 1e-9)
                {
                    best = value;
                    weights = trial;
                }
            }
        }
    }
    for (std::size_t k = 0; k < layers.size(); ++k)
    {
        alignment.SetFusionLogWeight(layers[k], weights[k]);
    }
    report.fusionLogWeights = weights;
    report.bitsPerByteFused = best;
}

KvAlignment
AlignmentFitter::Fit(const std::vector<llm::TokenSequence>& windows,
                     const AlignmentFitOptions& options,
                     AlignmentFitReport* reportOut) const
{
    const auto count = static_cast<int64_t>(windows.size());
    const auto heldOutCount = static_cast<int64_t>(std::floor(options.heldOutFraction * count));
    if (count - heldOutCount < 2 || (options.fitFusion && heldOutCount < 1))
    {
        throw KvError("KV alignment: " + std::to_string(count)
                      + " calibration windows are too few (need at least 2 to fit and 1 held out)");
    }
    const std::vector<llm::TokenSequence> fitWindows(windows.begin(), windows.end() - heldOutCount);
    const std::vector<llm::TokenSequence> heldOut(windows.end() - heldOutCount, windows.end());
    const CalibrationKv cloudKv = CalibrationKv::Collect(m_cloud, fitWindows);
    const CalibrationKv edgeKv = CalibrationKv::Collect(m_edge, fitWindows);

    AlignmentFitReport report;
    report.similarity = Similarity(cloudKv, edgeKv);
    report.fitRows = cloudKv.Rows();
    report.heldOutWindows = heldOutCount;
    const int64_t edgeLayers = m_edge.Config().numLayers;
    const int64_t local = options.localLayers < 0 ? edgeLayers / 2 : options.localLayers;
    const LayerMapping mapping = LayerMapping::Make(options.strategy, report.similarity, local);
    KvAlignment alignment(AlignedModel::Of(m_cloudName, m_cloud.Config()),
                          AlignedModel::Of(m_edgeName, m_edge.Config()),
                          mapping,
                          FitLinks(mapping, cloudKv, edgeKv, options.ridge));
    report.receivingLayers = alignment.ReceivingLayers();
    if (options.fitCodebook && !report.receivingLayers.empty())
    {
        alignment.SetCodebook(FitCodebook(alignment, cloudKv));
    }
    if (heldOutCount > 0)
    {
        MeasureErrors(alignment, heldOut, report);
    }
    if (options.fitFusion)
    {
        FitFusion(alignment, heldOut, options, report);
    }
    const nlohmann::json provenance{{"strategy", options.strategy},
                                    {"ridge", options.ridge},
                                    {"fit_windows", count - heldOutCount},
                                    {"fit_tokens", report.fitRows},
                                    {"held_out_windows", heldOutCount},
                                    {"key_error", report.keyError},
                                    {"value_error", report.valueError},
                                    {"bpb_unfused", report.bitsPerByteUnfused},
                                    {"bpb_fused", report.bitsPerByteFused}};
    alignment.SetProvenance(provenance.dump(), report.similarity);
    if (reportOut)
    {
        *reportOut = report;
    }
    return alignment;
}

} // namespace kv
} // namespace ns3
