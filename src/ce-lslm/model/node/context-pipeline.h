/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONTEXT_PIPELINE_H
#define CE_LSLM_CONTEXT_PIPELINE_H

#include "ns3/callback.h"
#include "ns3/compute-engine.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief How an edge that loads part of a context's KV orders loading and computing.
 */
enum PipelineSchedule
{
    PIPELINE_OVERLAPPED, //!< compute local layers at once; use each loaded layer as it arrives
    PIPELINE_SEQUENTIAL  //!< wait until every loaded layer has arrived, then compute (baseline)
};

/**
 * \ingroup ce-lslm
 * \brief One request's work at an edge that computes the shallow layers of its context and
 * loads the KV of the deeper ones (CE-LSLM).
 *
 * The executed model has L layers; layers [0, localLayers) of the context are computed here,
 * the context KV of layers [localLayers, L) is loaded (from the cloud, a neighbouring edge or
 * the edge's own store) and announced with LayerAvailable. Executed layer l stands for the
 * declared layers [floor(l * Ld / L), floor((l + 1) * Ld / L)) of the engine's declared model
 * (Ld layers), which is what the engine prices.
 *
 * Stages, each one ComputeJob with the pipeline's job id, submitted one after the other:
 * - the local stage: context and query tokens through the local layers (none when
 *   localLayers = 0);
 * - one stage per run of consecutive loaded layers that are available when it is submitted:
 *   the query tokens through those layers, attending to the cached context tokens; the stage
 *   that reaches the last layer also produces the answer tokens (decode steps run every layer).
 *
 * Overlapped, the local stage is submitted at Start and each later stage as soon as the
 * previous one has finished and its first layer is available, so computing overlaps loading
 * and layer l is used while layers after it are still in flight. Sequential, nothing is
 * submitted before every loaded layer is available. Both do the same work; only the waiting
 * differs. With localLayers = L (nothing loaded) both are one job, as the edge-only mode.
 */
class ContextPipeline : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// What one request needs.
    struct Plan
    {
        uint64_t jobId{0};        //!< id of every stage's job (the request id)
        uint32_t layers{0};       //!< L: layers of the executed model (>= 1)
        uint32_t localLayers{0};  //!< context layers computed here, in [0, L]
        int64_t contextTokens{0}; //!< declared tokens of <bos> + context (>= 0)
        int64_t queryTokens{0};   //!< declared tokens of the query (>= 1)
        int64_t answerTokens{0};  //!< tokens to produce (>= 1)
        PipelineSchedule schedule{PIPELINE_OVERLAPPED}; //!< overlapped or sequential
    };

    /// Token produced: (job id, 0-based index, whether it is the last).
    using TokenCallback = Callback<void, uint64_t, uint32_t, bool>;
    /// The engine refused a stage (it can never fit): (job id).
    using FailureCallback = Callback<void, uint64_t>;

    ContextPipeline();

    /**
     * \param engine the edge's compute engine (its declared model prices the stages)
     * \param plan the request's plan (checked: aborts on a plan outside the ranges above)
     * \param onToken where produced tokens go
     * \param onFailure where a refused stage is reported
     */
    void Configure(Ptr<ComputeEngine> engine,
                   const Plan& plan,
                   TokenCallback onToken,
                   FailureCallback onFailure);

    /// \brief Begin: submit what can run now (at most once).
    void Start();

    /**
     * \brief A loaded layer's context KV has arrived and been decoded. Layers may arrive in
     * any order, before or after Start; repeated or local layers are ignored.
     * \param layer executed layer in [localLayers, L)
     */
    void LayerAvailable(uint32_t layer);

    /// \brief Stop: cancel the running stage; no callback is called afterwards.
    void Cancel();

    /// \return whether every stage has finished (the last token was produced)
    bool IsDone() const;

    /**
     * \param layer executed layer in [0, L]
     * \param layers L
     * \param declaredLayers Ld
     * \return floor(layer * Ld / L): the first declared layer executed layer \p layer stands for
     */
    static int32_t DeclaredLayer(uint32_t layer, uint32_t layers, int32_t declaredLayers);

    /**
     * \brief Time to first token of a plan run alone on an idle engine (no batching with other
     * requests), for the planner: the same stages priced by the engine's profiles.
     * \param model the declared model
     * \param device the device
     * \param plan the plan
     * \param arrival for each executed layer l in [localLayers, L), when its KV is expected to be
     *        available, relative to now (size L - localLayers)
     * \param startDelay expected wait before the engine takes the first stage
     * \return the expected time to first token, relative to now
     */
    static Time EstimateTtft(const ModelProfile& model,
                             const DeviceProfile& device,
                             const Plan& plan,
                             const std::vector<Time>& arrival,
                             Time startDelay);

    /**
     * TracedCallback signature for a stage: (job id, first executed layer, one past the last,
     * whether it carries the context's local tokens).
     */
    typedef void (*StageTracedCallback)(uint64_t id,
                                        uint32_t layerBegin,
                                        uint32_t layerEnd,
                                        bool local);

  protected:
    void DoDispose() override;

  private:
    /// Submit the next stage if its layers allow.
    void Advance();
    /// A stage's job finished.
    void HandleStageDone(uint64_t id);
    /// A token came out of the last stage.
    void HandleToken(uint64_t id, uint32_t index, bool last);

    Ptr<ComputeEngine> m_engine;   //!< the edge's engine
    Plan m_plan;                   //!< the request
    TokenCallback m_onToken;       //!< tokens
    FailureCallback m_onFailure;   //!< refused stage
    std::vector<bool> m_available; //!< per executed layer: context KV present
    uint32_t m_nextLayer{0};       //!< first layer not yet submitted
    bool m_started{false};         //!< Start called
    bool m_running{false};         //!< a stage is in the engine
    bool m_done{false};            //!< last stage finished
    bool m_cancelled{false};       //!< Cancel called
    TracedCallback<uint64_t, uint32_t, uint32_t, bool> m_stageTrace; //!< stage submitted
};

} // namespace ns3

#endif // CE_LSLM_CONTEXT_PIPELINE_H
