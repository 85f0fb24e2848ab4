#ifndef CE_LSLM_LAYER_MAPPING_H
#define CE_LSLM_LAYER_MAPPING_H

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Which cloud layer each edge layer takes its context KV from, or none.
 *
 * The first LocalLayers() edge layers compute their own context KV (CE-LSLM: shallow layers
 * local); every deeper edge layer receives the KV of one cloud layer. Two strategies:
 *   - proportional depth: edge layer e of E takes cloud layer round(e (C-1) / (E-1)) of C (first
 *     to first, last to last);
 *   - similarity: the assignment that maximizes the summed layer similarity (e.g. linear CKA of
 *     the two models' KV on calibration text) over the receiving layers, among assignments that
 *     never go back in depth (a deeper edge layer never takes a shallower cloud layer), found
 *     exactly by dynamic programming.
 */
class LayerMapping
{
  public:
    LayerMapping() = default;
    /**
     * \param sources per edge layer, the cloud layer or -1 (local)
     * \param cloudLayers layers of the cloud model (to validate sources)
     * Throws KvError unless the -1 entries are exactly a (possibly empty) prefix and every other
     * source is inside [0, cloudLayers).
     */
    LayerMapping(std::vector<int64_t> sources, int64_t cloudLayers);

    /// \return the proportional mapping
    static LayerMapping Proportional(int64_t edgeLayers, int64_t cloudLayers, int64_t localLayers);
    /**
     * \param similarity [edgeLayers x cloudLayers]
     * \param localLayers edge layers that compute their own KV
     * \return the best monotone mapping
     */
    static LayerMapping BySimilarity(const Eigen::MatrixXd& similarity, int64_t localLayers);
    /**
     * \param strategy "proportional" or "similarity"
     * \param similarity as for BySimilarity (its shape gives the layer counts)
     * \param localLayers edge layers that compute their own KV
     * \return the mapping (throws KvError on an unknown strategy or a bad localLayers)
     */
    static LayerMapping Make(const std::string& strategy,
                             const Eigen::MatrixXd& similarity,
                             int64_t localLayers);

    /// \return edge layers
    int64_t EdgeLayers() const;
    /// \return cloud layers
    int64_t CloudLayers() const;
    /// \return edge layers that compute their own context KV (a prefix)
    int64_t LocalLayers() const;
    /// \return the cloud layer edge layer `edgeLayer` takes KV from, -1 if local
    int64_t Source(int64_t edgeLayer) const;
    /// \return all sources
    const std::vector<int64_t>& Sources() const;
    /// \return e.g. "local,local,3,5"
    std::string ToString() const;

  private:
    std::vector<int64_t> m_sources; //!< per edge layer, -1 = local
    int64_t m_cloudLayers = 0;      //!< cloud model depth
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_LAYER_MAPPING_H
