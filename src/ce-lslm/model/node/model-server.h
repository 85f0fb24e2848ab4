/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_MODEL_SERVER_H
#define CE_LSLM_MODEL_SERVER_H

#include "context-kv-store.h"
#include "request-quality.h"
#include "request-server.h"
#include "workload-trace.h"

#include "ns3/compute-engine.h"
#include "ns3/executed-model.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Answers text requests with a real model: the executed model produces the tokens
 * (greedy) and scores the true continuation; the node's ComputeEngine decides when each token
 * is ready, from the declared model and device profiles.
 *
 * A request's prompt is `<bos>` + the context it names + its query. In simulated tokens of the
 * declared model, a text of B bytes counts ceil(B / BytesPerToken) tokens, and the answer's
 * bytes are streamed BytesPerToken at a time, one token message each. With ContextCache, a
 * context's keys and values stay resident once a request has prefilled it, so later requests
 * naming the same context prefill only their query (prefix caching, as serving systems do).
 * Resident contexts are charged to the engine's memory (ComputeEngine::SetCacheBytes) within a
 * budget (ContextCacheBytes), least recently used out first; the requests that find their
 * context resident reserve memory for their own tokens only.
 */
class ModelServer : public RequestServer
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ModelServer();

    /// \param model the executed model that answers
    void SetModel(std::shared_ptr<ExecutedModel> model);
    /// \param reference the cloud LLM whose next-token choices define agreement; null (or the
    /// model itself) means this model is the reference
    void SetReference(std::shared_ptr<ExecutedModel> reference);
    /// \param workload the workload whose items and contexts requests name
    void SetWorkload(std::shared_ptr<const WorkloadTrace> workload);
    /// \return the context cache's bookkeeping (hits, misses, evictions, bytes)
    const ContextKvStore& GetContextCache() const;
    /// \return the executed model's name ("" before SetModel)
    std::string GetModelName() const override;
    /// \return the node's compute engine (configure its profiles and attributes here)
    Ptr<ComputeEngine> GetEngine() const override;
    /**
     * \brief Compute on another server's engine instead of an own one (a node whose
     * accelerator serves two kinds of work, e.g. a cloud that also answers requests next to
     * its context KV service). Job ids must not collide: this server uses request ids.
     * \param engine the engine (configured by its owner)
     */
    void SetEngine(Ptr<ComputeEngine> engine);

    void Serve(const ServedRequest& request) override;
    void Cancel(uint64_t id) override;
    uint32_t GetActiveRequests() const override;

    /**
     * \param workload the workload
     * \param request a request
     * \param bytesPerToken text bytes per declared token
     * \return why a model cannot answer it ("" if it can): it must name an item of the
     * workload, that item's context and query, more prompt tokens than its context's, and
     * some answer tokens
     */
    static std::string CheckItem(const WorkloadTrace& workload,
                                 const ServedRequest& request,
                                 uint32_t bytesPerToken);

    /**
     * \param answer an executed model's answer
     * \param reference the cloud LLM (null, or the answering model itself: full agreement)
     * \param answering the model that answered
     * \param context the item's context text
     * \param item the workload item
     * \return the answer's quality, with agreement against the reference's next-token choices
     */
    static RequestQuality Assess(const ExecutedAnswer& answer,
                                 const std::shared_ptr<ExecutedModel>& reference,
                                 const std::shared_ptr<ExecutedModel>& answering,
                                 const std::string& context,
                                 const WorkloadItem& item);

    /**
     * TracedCallback signature for an answer computed by the executed model.
     * \param id request id
     * \param quality the answer's quality
     */
    typedef void (*ScoredTracedCallback)(uint64_t id, const RequestQuality& quality);

    /// \brief A restart loses the contexts kept resident.
    void Restart() override;

  protected:
    void DoDispose() override;

  private:
    /**
     * \brief Forward a token the engine produced, with its slice of the answer's text.
     * \param id request id
     * \param index token index
     * \param last whether it is the last
     */
    void HandleToken(uint64_t id, uint32_t index, bool last);
    /// Keep \p context's KV resident (evicting the least recently used ones it needs room of)
    /// and charge the cache to the engine.
    void Keep(uint32_t context);

    /// An answer being computed.
    struct Active
    {
        std::string text;    //!< the whole answer's text
        uint32_t context{0}; //!< context it names
    };

    Ptr<ComputeEngine> m_engine;                     //!< the node's accelerator
    std::shared_ptr<ExecutedModel> m_model;          //!< answers
    std::shared_ptr<ExecutedModel> m_reference;      //!< defines agreement
    std::shared_ptr<const WorkloadTrace> m_workload; //!< items and contexts
    bool m_contextCache;                             //!< keep prefilled contexts resident
    uint32_t m_bytesPerToken;                        //!< text bytes per declared-model token
    ContextKvStore m_resident;                       //!< contexts whose KV is resident
    double m_cacheBudget;                            //!< ContextCacheBytes attribute
    std::map<uint64_t, Active> m_active;             //!< answers in progress
    TracedCallback<uint64_t, const RequestQuality&> m_scoredTrace; //!< answer computed
};

} // namespace ns3

#endif // CE_LSLM_MODEL_SERVER_H
