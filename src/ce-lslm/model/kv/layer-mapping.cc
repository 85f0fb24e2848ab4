#include "layer-mapping.h"

#include "kv-error.h"

#include <cmath>
#include <limits>

namespace ns3
{
namespace kv
{

namespace
{

void
CheckLocalLayers(int64_t localLayers, int64_t edgeLayers)
{
    if (localLayers < 0 || localLayers > edgeLayers || edgeLayers < 1)
    {
        throw KvError("layer mapping: local layers must be in [0, " + std::to_string(edgeLayers)
                      + "] (the edge model's depth), got " + std::to_string(localLayers));
    }
}

} // namespace

LayerMapping::LayerMapping(std::vector<int64_t> sources, int64_t cloudLayers)
    : m_sources(std::move(sources))
    , m_cloudLayers(cloudLayers)
{
    bool receiving = false;
    for (std::size_t e = 0; e < m_sources.size(); ++e)
    {
        const int64_t source = m_sources[e];
        const bool bad = source < -1 || source >= cloudLayers || (receiving && source == -1);
        if (bad)
        {
            throw KvError("layer mapping: edge layer " + std::to_string(e) + " has source "
                          + std::to_string(source) + "; sources must be -1 (local) for a prefix "
                          + "of the layers, then cloud layers in [0, " + std::to_string(cloudLayers)
                          + ")");
        }
        receiving = receiving || source >= 0;
    }
}

LayerMapping
LayerMapping::Proportional(int64_t edgeLayers, int64_t cloudLayers, int64_t localLayers)
{
    CheckLocalLayers(localLayers, edgeLayers);
    std::vector<int64_t> sources(static_cast<std::size_t>(edgeLayers), -1);
    for (int64_t e = localLayers; e < edgeLayers; ++e)
    {
        const double depth = edgeLayers == 1 ? 1.0 : static_cast<double>(e) / (edgeLayers - 1.0);
        sources[static_cast<std::size_t>(e)] = std::llround(depth * (cloudLayers - 1.0));
    }
    return LayerMapping(sources, cloudLayers);
}

LayerMapping
LayerMapping::BySimilarity(const Eigen::MatrixXd& similarity, int64_t localLayers)
{
    const int64_t edgeLayers = similarity.rows();
    const int64_t cloudLayers = similarity.cols();
    CheckLocalLayers(localLayers, edgeLayers);
    // best(e, c): the largest summed similarity of receiving layers localLayers..e with edge layer
    // e taking cloud layer c; from(e, c): the cloud layer of edge layer e-1 on that path.
    const double none = -std::numeric_limits<double>::infinity();
    Eigen::MatrixXd best = Eigen::MatrixXd::Constant(edgeLayers, cloudLayers, none);
    Eigen::MatrixXi from = Eigen::MatrixXi::Constant(edgeLayers, cloudLayers, -1);
    for (int64_t e = localLayers; e < edgeLayers; ++e)
    {
        double runningBest = e == localLayers ? 0.0 : none;
        int runningFrom = -1;
        for (int64_t c = 0; c < cloudLayers; ++c)
        {
            if (e > localLayers && best(e - 1, c) > runningBest)
            {
                runningBest = best(e - 1, c);
                runningFrom = static_cast<int>(c);
            }
            best(e, c) = runningBest + similarity(e, c);
            from(e, c) = runningFrom;
        }
    }
    std::vector<int64_t> sources(static_cast<std::size_t>(edgeLayers), -1);
    if (localLayers < edgeLayers)
    {
        Eigen::Index c = 0;
        best.row(edgeLayers - 1).maxCoeff(&c);
        for (int64_t e = edgeLayers - 1; e >= localLayers; --e)
        {
            sources[static_cast<std::size_t>(e)] = c;
            c = from(e, c);
        }
    }
    return LayerMapping(sources, cloudLayers);
}

LayerMapping
LayerMapping::Make(const std::string& strategy,
                   const Eigen::MatrixXd& similarity,
                   int64_t localLayers)
{
    if (strategy == "proportional")
    {
        return Proportional(similarity.rows(), similarity.cols(), localLayers);
    }
    if (strategy == "similarity")
    {
        return BySimilarity(similarity, localLayers);
    }
    throw KvError("layer mapping: unknown strategy '" + strategy
                  + "' (known: proportional, similarity)");
}

int64_t
LayerMapping::EdgeLayers() const
{
    return static_cast<int64_t>(m_sources.size());
}

int64_t
LayerMapping::CloudLayers() const
{
    return m_cloudLayers;
}

int64_t
LayerMapping::LocalLayers() const
{
    int64_t local = 0;
    while (local < EdgeLayers() && m_sources[static_cast<std::size_t>(local)] < 0)
    {
        ++local;
    }
    return local;
}

int64_t
LayerMapping::Source(int64_t edgeLayer) const
{
    if (edgeLayer < 0 || edgeLayer >= EdgeLayers())
    {
        throw KvError("layer mapping: edge layer " + std::to_string(edgeLayer) + " outside [0, "
                      + std::to_string(EdgeLayers()) + ")");
    }
    return m_sources[static_cast<std::size_t>(edgeLayer)];
}

const std::vector<int64_t>&
LayerMapping::Sources() const
{
    return m_sources;
}

std::string
LayerMapping::ToString() const
{
    std::string text;
    for (int64_t source : m_sources)
    {
        text += (text.empty() ? "" : ",")
                + (source < 0 ? std::string("local") : std::to_string(source));
    }
    return text;
}

} // namespace kv
} // namespace ns3
