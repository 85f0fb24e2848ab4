#ifndef CE_LSLM_ALIGNMENT_FITTER_H
#define CE_LSLM_ALIGNMENT_FITTER_H

#include "calibration-kv.h"
#include "kv-alignment.h"

#include "ns3/transformer.h"

#include <string>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Options of AlignmentFitter::Fit.
 */
struct AlignmentFitOptions
{
    std::string strategy = "similarity"; //!< layer mapping: "similarity" or "proportional"
    int64_t localLayers = -1;            //!< edge layers computed locally; -1: half, rounded down
    double ridge = 1e-3;                 //!< relative ridge of the K/V maps (LinearMap::FitRidge)
    double heldOutFraction = 0.25;       //!< last windows kept out of the map fit, for the
                                         //!< reported errors and the fusion fit
    double contextFraction = 0.75;       //!< of a held-out window: context; then prompt, then
                                         //!< the continuation that is scored
    int64_t promptTokens = 16;           //!< tokens between context and scored continuation
    bool fitFusion = true;               //!< fit the fusion weights (else all 0)
    bool fitCodebook = true;             //!< fit the PCA bases of the aligned KV
};

/**
 * \brief What fitting measured, for the record (the alignment file keeps it as provenance).
 */
struct AlignmentFitReport
{
    Eigen::MatrixXd similarity;           //!< linear CKA [edge x cloud] of [K|V] per layer
    std::vector<int64_t> receivingLayers; //!< edge layers that take cloud KV
    std::vector<double> keyError;         //!< per receiving layer: relative error of projected
                                          //!< keys on held-out windows (Frobenius)
    std::vector<double> valueError;       //!< the same for values
    std::vector<float> fusionLogWeights;  //!< per receiving layer
    double bitsPerByteUnfused = 0;        //!< edge bpb of held-out continuations, weights 0
    double bitsPerByteFused = 0;          //!< the same with the fitted weights
    int64_t fitRows = 0;                  //!< calibration tokens the maps were fitted on
    int64_t heldOutWindows = 0;           //!< windows used for errors and fusion
};

/**
 * \brief Fits a KvAlignment between a cloud and an edge model on calibration text.
 *
 * 1. Run both models on the calibration windows and keep every layer's pre-RoPE keys and
 *    values (CalibrationKv). 2. Layer similarity: linear CKA of [K|V] for every pair of layers.
 * 3. Mapping: proportional or similarity-based, with the shallow edge layers local.
 * 4. Per receiving layer, ridge-regression maps of keys and values from its cloud layer to the
 *    edge's own KV of the same tokens. 5. PCA bases of the projected KV (the codebook).
 * 6. Per receiving layer, the fusion log-weight that minimizes the edge model's loss on held-out
 *    continuations after an aligned context (coordinate descent on a grid, then refined).
 */
class AlignmentFitter
{
  public:
    /**
     * \param cloud sending model \param cloudName its name (e.g. "cloud-llm")
     * \param edge receiving model \param edgeName its name
     * Throws KvError if the models do not share a tokenizer and vocabulary.
     */
    AlignmentFitter(const llm::Transformer& cloud,
                    std::string cloudName,
                    const llm::Transformer& edge,
                    std::string edgeName);

    /**
     * \param windows calibration windows (at least 4, see CalibrationKv::Windows)
     * \param options fitting options
     * \param report if not null, receives what fitting measured
     * \return the fitted alignment, its provenance recorded
     */
    KvAlignment Fit(const std::vector<llm::TokenSequence>& windows,
                    const AlignmentFitOptions& options,
                    AlignmentFitReport* report = nullptr) const;

  private:
    Eigen::MatrixXd Similarity(const CalibrationKv& cloud, const CalibrationKv& edge) const;
    std::vector<LayerLink> FitLinks(const LayerMapping& mapping,
                                    const CalibrationKv& cloud,
                                    const CalibrationKv& edge,
                                    double ridge) const;
    KvCodebook FitCodebook(const KvAlignment& alignment, const CalibrationKv& cloud) const;
    void MeasureErrors(const KvAlignment& alignment,
                       const std::vector<llm::TokenSequence>& heldOut,
                       AlignmentFitReport& report) const;
    void FitFusion(KvAlignment& alignment,
                   const std::vector<llm::TokenSequence>& heldOut,
                   const AlignmentFitOptions& options,
                   AlignmentFitReport& report) const;

    const llm::Transformer& m_cloud; //!< sender
    std::string m_cloudName;         //!< its name
    const llm::Transformer& m_edge;  //!< receiver
    std::string m_edgeName;          //!< its name
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_ALIGNMENT_FITTER_H
