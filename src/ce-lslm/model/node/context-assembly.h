/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONTEXT_ASSEMBLY_H
#define CE_LSLM_CONTEXT_ASSEMBLY_H

#include "context-pipeline.h"
#include "kv-fetch-planner.h"

#include "ns3/compute-engine.h"
#include "ns3/context-assembler.h"
#include "ns3/kv-alignment.h"
#include "ns3/kv-block.h"
#include "ns3/kv-cache.h"
#include "ns3/kv-data-header.h"
#include "ns3/object.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A shared context's KV coming together at a CE-LSLM edge: its shallow layers computed
 * from the text (one prefill-only job on the edge's engine), its deeper layers arriving from
 * the cloud or a neighbouring edge. Every request of the context at this edge waits on the same
 * assembly, so the context is computed and loaded once.
 *
 * Simulated side: which layers are available, announced to the requests' pipelines (a layer
 * as soon as its KV is in, the local layers when their job ends). Overlapped, the local job
 * starts at once; sequential, after every loaded layer has arrived. If a fetch fails, the
 * layers it should have brought are computed here instead (a second job), so a request never
 * waits for KV that will not come. Executed side: the edge model's real cache of the context,
 * local layers computed by the kernel, received blocks placed with their fusion weights.
 */
class ContextAssembly : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// Called when every layer is available: (the assembly).
    using CompleteCallback = Callback<void, Ptr<ContextAssembly>>;

    /// Everything an assembly needs.
    struct Setup
    {
        uint32_t context{0};                            //!< context id
        std::string text;                               //!< context text
        int64_t contextTokens{0};                       //!< declared tokens of <bos> + context
        KvSourcePlan plan;                              //!< where each layer comes from
        PipelineSchedule schedule{PIPELINE_OVERLAPPED}; //!< overlapped or sequential
        Ptr<ComputeEngine> engine;                      //!< the edge's engine
        const llm::Transformer* model{nullptr};         //!< the edge's executed model
        const kv::ContextAssembler* assembler{nullptr}; //!< places received blocks
        const kv::KvAlignment* alignment{nullptr};      //!< fusion weights of aligned KV
        CompleteCallback onComplete;                    //!< all layers available
    };

    /// Job ids of context jobs: this bit and the next set, the context id below.
    static constexpr uint64_t CONTEXT_JOB = uint64_t{3} << 62;

    /**
     * \brief Begin (host: compute the local layers' KV; simulated: start or defer their job).
     * \param setup the assembly's setup
     */
    void Start(const Setup& setup);

    /**
     * \brief A loaded layer's KV arrived (decoded).
     * \param layer the layer
     * \param blocks its blocks
     * \param origin where it came from (sets its fusion weight)
     * \param signature identifies the bytes it came in (for the answer memo)
     */
    void Deliver(uint32_t layer,
                 const std::vector<kv::KvBlock>& blocks,
                 KvDataHeader::Origin origin,
                 const std::string& signature);

    /// \brief The fetch of some layers failed: compute every layer not yet in locally.
    void FailOver();

    /**
     * \brief Give the context up (its requests go elsewhere): stop its jobs, stop announcing,
     * ignore whatever still arrives. A later request of the context starts a new assembly.
     */
    void Abandon();

    /**
     * \brief Announce this assembly's layers to a request's pipeline: those available now at
     * once, the others as they become available.
     * \param pipeline the pipeline (its plan has localLayers = 0)
     */
    void Attach(Ptr<ContextPipeline> pipeline);
    /// \param pipeline a pipeline to stop announcing to
    void Detach(Ptr<ContextPipeline> pipeline);

    /// \return whether every layer is available
    bool IsComplete() const;
    /// \return the context id
    uint32_t GetContext() const;
    /// \return the plan
    const KvSourcePlan& GetPlan() const;
    /// \return the assembled cache (complete assemblies only)
    const llm::KvCache& GetCache() const;
    /// \return what the cache's contents are made of (memo key; complete assemblies only)
    const std::string& GetKey() const;
    /// \return where each layer's KV came from (COMPUTED or ALIGNED), per layer
    const std::vector<KvDataHeader::Origin>& GetOrigins() const;
    /// \return whether the fetch failed over to local computation
    bool HasFailedOver() const;
    /// \return whether the assembly was abandoned
    bool IsAbandoned() const;

  protected:
    void DoDispose() override;

  private:
    /**
     * \brief Submit a context job over layers [begin, end) of the executed model.
     * \param begin first layer
     * \param end one past the last
     * \param failover whether it computes layers a failed fetch did not bring
     */
    void SubmitLocal(uint32_t begin, uint32_t end, bool failover);
    /// \brief A context job finished.
    void HandleLocalDone(uint64_t job);
    /// \brief Mark a layer available and tell the pipelines.
    void MakeAvailable(uint32_t layer);
    /// \return whether every loaded layer has arrived
    bool AllLoaded() const;
    /// \brief If every layer is available: finish the cache, report completion.
    void CheckComplete();
    /// \brief Take this assembly's jobs off the engine (their callbacks would come too late).
    void CancelJobs();

    Setup m_setup;                                 //!< setup
    std::optional<llm::KvCache> m_cache;           //!< the context's KV (executed model)
    std::vector<bool> m_available;                 //!< per layer
    std::vector<bool> m_arrived;                   //!< per loaded layer: KV in
    std::vector<KvDataHeader::Origin> m_origins;   //!< per layer
    std::vector<Ptr<ContextPipeline>> m_pipelines; //!< waiting requests
    std::string m_key;                             //!< contents, for the memo
    uint32_t m_localEnd{0};                        //!< layers [0, m_localEnd) computed here
    bool m_localSubmitted{false};                  //!< the local job was submitted
    bool m_failedOver{false};                      //!< FailOver called
    bool m_abandoned{false};                       //!< Abandon called
    bool m_complete{false};                        //!< every layer available
};

} // namespace ns3

#endif // CE_LSLM_CONTEXT_ASSEMBLY_H
