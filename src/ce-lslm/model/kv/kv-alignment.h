#ifndef CE_LSLM_KV_ALIGNMENT_H
#define CE_LSLM_KV_ALIGNMENT_H

#include "kv-block.h"
#include "kv-stream.h"
#include "layer-mapping.h"
#include "linear-map.h"
#include "pca-basis.h"

#include "ns3/kv-cache.h"
#include "ns3/model-config.h"

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief The shape of a model that an alignment was fitted for, checked before it is used.
 */
struct AlignedModel
{
    std::string name;      //!< e.g. the model folder's name ("cloud-llm")
    int64_t layers = 0;    //!< decoder layers
    int64_t kvHeads = 0;   //!< KV heads
    int64_t headDim = 0;   //!< per-head width
    double ropeTheta = 0;  //!< RoPE base
    int64_t vocab = 0;     //!< vocabulary size
    std::string tokenizer; //!< "byte" or "ids"

    /// \return the shape of a model config
    static AlignedModel Of(const std::string& name, const llm::ModelConfig& config);
    /// \return kvHeads * headDim
    int64_t KvDim() const;
    /// \return what differs from config ("" if it matches; the name is not compared)
    std::string Differences(const llm::ModelConfig& config) const;
};

/**
 * \brief How one edge layer gets its context KV.
 */
struct LayerLink
{
    int64_t cloudLayer = -1;     //!< cloud layer whose KV this edge layer takes, -1: local
    LinearMap keyMap;            //!< cloud pre-RoPE keys -> edge pre-RoPE keys
    LinearMap valueMap;          //!< cloud values -> edge values
    float fusionLogWeight = 0.0; //!< see llm::KvLayer::SetContextFusion

    /// \return whether the edge computes this layer's context KV itself
    bool IsLocal() const
    {
        return cloudLayer < 0;
    }
};

/**
 * \brief Cross-model KV alignment: how a cloud model's context KV becomes an edge model's.
 *
 * For every edge layer that receives KV (see LayerMapping), the cloud layer it takes KV from,
 * the linear maps of keys (before RoPE; the edge rotates them with its own RoPE) and values into
 * the edge's KV space, and the fusion weight of the received context against the edge's locally
 * computed tokens. It also carries the PCA codebook of the aligned KV, which codecs with a pca
 * stage share between sender and receiver. Fitted by AlignmentFitter; saved to and loaded from
 * a versioned safetensors file.
 */
class KvAlignment
{
  public:
    /// The format name in a file's metadata.
    static constexpr const char* FORMAT = "ce-lslm-kv-alignment";
    /// The format version this code writes and reads.
    static constexpr int VERSION = 1;

    KvAlignment() = default;
    /**
     * \param cloud the sending model
     * \param edge the receiving model
     * \param mapping source layer of each edge layer
     * \param links one per edge layer (local ones need no maps)
     * Throws KvError on inconsistent shapes.
     */
    KvAlignment(AlignedModel cloud,
                AlignedModel edge,
                LayerMapping mapping,
                std::vector<LayerLink> links);
    /**
     * \return a model aligned with itself: every receiving layer takes its own KV through
     *         identity maps with fusion weight 0 (the reference the alignment path is tested
     *         against)
     */
    static KvAlignment Identity(const std::string& name,
                                const llm::ModelConfig& config,
                                int64_t localLayers);

    /// \return the sending model's shape
    const AlignedModel& Cloud() const;
    /// \return the receiving model's shape
    const AlignedModel& Edge() const;
    /// \return the layer mapping
    const LayerMapping& Mapping() const;
    /// \return edge layers that compute their own context KV (a prefix)
    int64_t LocalLayers() const;
    /// \return the link of an edge layer
    const LayerLink& Link(int64_t edgeLayer) const;
    /// \return the edge layers that receive KV, in order
    std::vector<int64_t> ReceivingLayers() const;

    /// Set the PCA bases of the aligned KV (by edge layer; must cover every receiving layer).
    void SetCodebook(KvCodebook codebook);
    /// \return the PCA bases (empty if none were fitted)
    const KvCodebook& Codebook() const;
    /// Record how the alignment was fitted (free text JSON, kept in the file).
    void SetProvenance(const std::string& json, const Eigen::MatrixXd& similarity);
    /// \return the recorded provenance JSON ("{}" if none)
    const std::string& Provenance() const;
    /// \return the layer similarity [edge x cloud] recorded at fitting (empty if none)
    const Eigen::MatrixXd& Similarity() const;
    /// Set the fusion log-weight of a receiving edge layer.
    void SetFusionLogWeight(int64_t edgeLayer, float logWeight);

    /// Throw KvError naming every difference unless the models match the fitted shapes.
    void CheckModels(const llm::ModelConfig& cloud, const llm::ModelConfig& edge) const;

    /**
     * Map context tokens [tokenBegin, tokenEnd) of a cloud cache into the edge's KV space.
     * \param cloud the cloud's cache of the context (all layers)
     * \return one block per receiving edge layer, in layer order
     */
    std::vector<KvBlock> Project(const llm::KvCache& cloud,
                                 int64_t tokenBegin,
                                 int64_t tokenEnd) const;

    /// \return the file contents (safetensors: maps, bases, metadata)
    std::vector<uint8_t> Serialize() const;
    /// Write the file (throws KvError naming the path on failure).
    void Save(const std::string& path) const;
    /// \return the alignment in a file (throws KvError naming the file and the key on any problem)
    static KvAlignment Load(const std::string& path);
    /// \return CRC-32C of Serialize(): the id a KV stream carries so a receiver can check that
    ///         it decodes with the alignment the sender used (computed once)
    uint32_t Id() const;
    /// \return the header of a KV stream for this alignment: the edge model's layers and kvDim,
    ///         and Id() (what a sender writes and a receiver expects)
    KvStreamHeader StreamHeader() const;

  private:
    AlignedModel m_cloud;                 //!< sender shape
    AlignedModel m_edge;                  //!< receiver shape
    LayerMapping m_mapping;               //!< sources
    std::vector<LayerLink> m_links;       //!< per edge layer
    KvCodebook m_codebook;                //!< PCA bases by edge layer
    std::string m_provenance = "{}";      //!< how it was fitted
    Eigen::MatrixXd m_similarity;         //!< [edge x cloud] similarity at fitting
    mutable std::optional<uint32_t> m_id; //!< Id(), computed once (every setter resets it)
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_KV_ALIGNMENT_H
