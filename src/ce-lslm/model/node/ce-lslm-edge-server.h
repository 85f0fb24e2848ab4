/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_LSLM_EDGE_SERVER_H
#define CE_LSLM_CE_LSLM_EDGE_SERVER_H

#include "context-assembly.h"
#include "context-kv-store.h"
#include "context-pipeline.h"
#include "kv-fetch-client.h"
#include "kv-fetch-planner.h"
#include "kv-layer-sender.h"
#include "request-handover.h"
#include "request-quality.h"
#include "request-server.h"
#include "workload-trace.h"

#include "ns3/compute-engine.h"
#include "ns3/context-assembler.h"
#include "ns3/executed-model.h"
#include "ns3/kv-alignment.h"
#include "ns3/kv-receiver.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The edge of the CE-LSLM mode: the edge SLM answers its terminals, and the query never
 * leaves the edge domain. For the request's shared context it computes the shallow layers'
 * KV from the text and loads the deeper layers' KV: from its own context store, from a
 * neighbouring edge that holds the context (edge-edge tier), or from the cloud LLM, aligned
 * to the SLM and compressed. Only a context id and a codec spec go up to the cloud.
 *
 * Per request, KvFetchPlanner chooses the split between computed and loaded layers, the
 * source of each loaded layer, and (Codec = "adaptive") the cloud's codec, from the link
 * rates it has measured and the engine's queue. The context's KV comes together once per edge
 * in a ContextAssembly that every request of the context joins, and each request's
 * ContextPipeline uses each layer as soon as it is in (Schedule = overlapped) or after all
 * have arrived (sequential). Complete contexts stay in the edge's store (least recently used
 * out) and are announced to the neighbours with CONTEXT_HELD; neighbours' fetches are served
 * from it. Quality is real: the SLM answers from the assembled cache (lossy received KV
 * included) and is scored against the cloud LLM's choices.
 *
 * When a fetch fails, Fallback decides: the edge computes the missing layers itself
 * (edge-prefill), hands the context's waiting requests over to the cloud LLM, query included
 * (cloud; the assembly is abandoned), or fails them (none).
 */
class CeLslmEdgeServer : public RequestServer
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// What a request does when its context's KV fetch fails (attribute Fallback).
    enum Fallback
    {
        FALLBACK_EDGE_PREFILL, //!< the edge computes the missing layers itself
        FALLBACK_CLOUD,        //!< the request is handed over to the cloud LLM
        FALLBACK_NONE          //!< the request fails
    };

    CeLslmEdgeServer();

    /// \param model the edge's executed SLM
    void SetModel(std::shared_ptr<ExecutedModel> model);
    /// \param reference the cloud LLM that defines agreement
    void SetReference(std::shared_ptr<ExecutedModel> reference);
    /// \param alignment the cloud-to-edge KV alignment (also the KV streams' geometry)
    void SetAlignment(std::shared_ptr<const kv::KvAlignment> alignment);
    /// \param workload the workload
    void SetWorkload(std::shared_ptr<const WorkloadTrace> workload);
    /**
     * \brief What the planner assumes before it has measured anything.
     * \param cloud the backhaul's nominal rate and delay
     * \param neighbour an edge-edge link's nominal rate and delay
     * \param cloudPrefillPerToken how long the cloud takes to prefill a context it does not
     *        hold, per declared context token
     * \param layerBytes per codec spec: expected payload bytes of one layer's message per
     *        declared context token (measured on the executed models when the scenario is
     *        built), refined by what arrives
     */
    void SetNominal(const KvFetchPlanner::Link& cloud,
                    const KvFetchPlanner::Link& neighbour,
                    Time cloudPrefillPerToken,
                    const std::map<std::string, double>& layerBytes);

    /// \return the codec specs this server may ask for (Codec, or the ladder, and PeerCodec)
    std::vector<std::string> GetCodecs() const;

    Ptr<ComputeEngine> GetEngine() const override;
    std::string GetModelName() const override;
    /// \return the context KV store
    const ContextKvStore& GetStore() const;
    /// \return the fetches' client (its KvReceived trace source, its link estimates)
    Ptr<KvFetchClient> GetFetchClient() const;

    void Serve(const ServedRequest& request) override;
    void Cancel(uint64_t id) override;
    uint32_t GetActiveRequests() const override;
    bool NeedsLinks() const override;
    void SetLinks(const Links& links) override;
    bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message) override;
    void HandleConnectionClosed(Ptr<FramedConnection> connection) override;
    /// \brief A restart loses the KV store, the contexts being assembled, what the neighbours
    /// hold and the fetches in flight.
    void Restart() override;

    /**
     * TracedCallback signature for a request's plan: (request id, context id, layers
     * computed here, end of a neighbour's layers, the neighbour (-1: none), cloud codec
     * ("" none), source ("store", "joined" or "planned"), expected TTFT).
     */
    typedef void (*PlanTracedCallback)(uint64_t id,
                                       uint32_t context,
                                       uint32_t localLayers,
                                       uint32_t neighbourEnd,
                                       int32_t neighbour,
                                       const std::string& codec,
                                       const std::string& source,
                                       Time expectedTtft);

  protected:
    void DoDispose() override;

  private:
    /// A request being answered.
    struct Active
    {
        ServedRequest request;             //!< the request
        Ptr<ContextPipeline> pipeline;     //!< its work on the engine
        Ptr<ContextAssembly> assembly;     //!< its context's KV
        std::optional<std::string> answer; //!< the answer's text, once computed
    };

    /**
     * \return the assembly a new request of \p context joins (started if new); \p plan and
     * \p how receive what was chosen, for the trace
     */
    Ptr<ContextAssembly> AssemblyFor(uint32_t context,
                                     int64_t queryTokens,
                                     int64_t answerTokens,
                                     KvSourcePlan& plan,
                                     std::string& how);
    /// \return the planner's inputs for a request of \p context
    KvFetchPlanner::Inputs PlannerInputs(uint32_t context,
                                         int64_t queryTokens,
                                         int64_t answerTokens) const;
    /// \brief A context's KV is complete: keep it, tell the neighbours.
    void HandleAssembled(Ptr<ContextAssembly> assembly);
    /// \brief Tell every neighbour which layers of a context this edge holds.
    void Announce(uint32_t context, uint16_t layers);
    /// \brief A neighbour asks for a context's KV.
    void ServeNeighbour(Ptr<FramedConnection> from, const ProtocolMessage& message);
    /// \brief A token came out of a request's pipeline.
    void HandleToken(uint64_t id, uint32_t index, bool last);
    /// \brief The engine refused a request's stage.
    void HandleRefused(uint64_t id);
    /// \brief A fetch of \p assembly failed: fail it over, or give it up (Fallback = cloud).
    void HandleFetchFailed(Ptr<ContextAssembly> assembly);
    /// \brief Hand a request waiting for a failed context over to the cloud.
    void HandOverToCloud(uint64_t id);
    /// \brief Forget a request.
    void Drop(uint64_t id);
    /// \return expected payload bytes of one layer with \p codec for \p context
    double LayerBytes(const std::string& codec, uint32_t context) const;
    /// \return declared tokens of <bos> + the context
    int64_t ContextTokens(uint32_t context) const;

    // Attributes
    PipelineSchedule m_schedule; //!< overlapped or sequential
    int32_t m_localLayers;       //!< fixed split, or -1 (planned per request)
    std::string m_codec;         //!< cloud codec, or "adaptive"
    std::string m_ladder;        //!< adaptive: codecs, best quality first
    Time m_target;               //!< adaptive: TTFT target
    std::string m_peerCodec;     //!< codec of edge-edge transfers
    double m_storeBytes;         //!< store budget, bytes (0: device memory left)
    bool m_edgeEdge;             //!< fetch from neighbours
    Fallback m_fallback;         //!< when a fetch fails
    uint32_t m_bytesPerToken;    //!< text bytes per declared token

    // Models and configuration
    Ptr<ComputeEngine> m_engine;                        //!< the edge's accelerator
    std::shared_ptr<ExecutedModel> m_model;             //!< SLM
    std::shared_ptr<ExecutedModel> m_reference;         //!< LLM
    std::shared_ptr<const kv::KvAlignment> m_alignment; //!< cloud -> edge
    std::shared_ptr<const WorkloadTrace> m_workload;    //!< items and contexts
    std::unique_ptr<kv::ContextAssembler> m_assembler;  //!< places received KV
    std::optional<KvLayerSender> m_sender;              //!< serves neighbours
    uint32_t m_edge{0};                                 //!< this edge's index (Links::self)
    Links m_links;                                      //!< backhaul, neighbours
    Time m_cloudPrefill;                                //!< cloud's prefill per token

    // State
    ContextKvStore m_store;                                //!< contexts held
    std::map<uint32_t, Ptr<ContextAssembly>> m_held;       //!< complete, in the store
    std::map<uint32_t, Ptr<ContextAssembly>> m_assembling; //!< in progress
    std::map<uint64_t, Active> m_active;                   //!< requests
    Ptr<KvFetchClient> m_fetcher;                          //!< the fetches in flight
    RequestHandover m_handover;                            //!< requests handed to the cloud
    std::map<Ptr<FramedConnection>, std::map<int64_t, int64_t>> m_peerBases; //!< served peers
    std::map<uint32_t, std::set<uint32_t>> m_neighbourHolds; //!< neighbour -> contexts it holds
    std::set<uint32_t> m_fetchedFromCloud;                   //!< contexts the cloud has had

    // Trace sources
    TracedCallback<uint64_t, const RequestQuality&> m_scoredTrace; //!< answer computed
    TracedCallback<uint64_t,
                   uint32_t,
                   uint32_t,
                   uint32_t,
                   int32_t,
                   const std::string&,
                   const std::string&,
                   Time>
        m_planTrace;                                              //!< plan of a request
    TracedCallback<uint32_t, bool> m_lookupTrace;                 //!< store lookup
    TracedCallback<uint64_t, const std::string&> m_fallbackTrace; //!< answered by a fallback
};

} // namespace ns3

#endif // CE_LSLM_CE_LSLM_EDGE_SERVER_H
