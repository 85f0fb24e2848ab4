/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_COLLM_EDGE_SERVER_H
#define CE_LSLM_CE_COLLM_EDGE_SERVER_H

#include "ce-collm-record.h"
#include "request-quality.h"
#include "request-server.h"
#include "workload-trace.h"

#include "ns3/early-exit-decoder.h"
#include "ns3/event-id.h"
#include "ns3/executed-model.h"
#include "ns3/model-profile.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The CE-CoLLM edge: the first layers of the cloud LLM with its early-exit heads. Each
 * answer token leaves at the first exit head confident enough; otherwise the hidden state at
 * the split layer goes to the cloud's context manager (CeCollmCloudServer), which runs the
 * remaining layers and returns the token. Standalone, the edge never defers.
 *
 * The executed model (llm::EarlyExitDecoder on the cloud LLM) decides every token when the
 * request arrives, as ModelServer does; the edge then replays its answer in simulated time
 * on the declared model cut at the same depth: per token, one job on the edge's engine runs
 * every edge layer and the exit heads below the split that the token reads (an exited token
 * still runs the rest, so that later tokens find its keys and values; a batched early-exit
 * server works per iteration the same way), and its token leaves when the job ends. A token
 * that reaches the split unexited has its hidden state uploaded at once; the exit head at the
 * split is read meanwhile (its roofline time on the edge's device), and the deferral follows
 * if that head is not confident. Uploads carry every position the cloud
 * does not hold yet (the prompt with the first, tokens that exited since the last, and the new
 * one), so the cloud's context stays complete; nothing is uploaded for a request whose tokens
 * all exit. Declared token i takes the decision of executed token i x BytesPerToken.
 */
class CeCollmEdgeServer : public RequestServer
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// What a request does when the cloud fails it (attribute Fallback).
    enum Fallback
    {
        FALLBACK_STANDALONE, //!< it goes on at the edge alone
        FALLBACK_NONE        //!< it fails
    };

    CeCollmEdgeServer();

    /**
     * \param llm the cloud LLM (with early-exit heads) whose first layers the edge runs
     * \throw llm::LlmError if the policy attributes do not fit it (split, exit layers,
     *        threshold, precision), naming the problem
     */
    void SetModel(std::shared_ptr<ExecutedModel> llm);
    /// \param workload the workload whose items and contexts requests name
    void SetWorkload(std::shared_ptr<const WorkloadTrace> workload);
    /**
     * \brief Set the declared cloud model; the edge's engine prices the same model cut at the
     * split (at the executed split's depth fraction). Call after SetModel.
     * \param full the declared cloud model
     */
    void SetDeclaredModel(const ModelProfile& full);
    /// \return the declared model the edge runs: the cloud's, cut at the split
    ModelProfile GetEdgeProfile() const;
    /// \return the executed model's policy (valid after SetModel)
    const llm::EarlyExitPolicy& GetPolicy() const;

    std::string GetModelName() const override;
    Ptr<ComputeEngine> GetEngine() const override;
    void Serve(const ServedRequest& request) override;
    void Cancel(uint64_t id) override;
    uint32_t GetActiveRequests() const override;
    bool NeedsLinks() const override;
    void SetLinks(const Links& links) override;
    bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message) override;
    void HandleConnectionClosed(Ptr<FramedConnection> connection) override;
    /// \brief A restart loses the contexts kept resident and the link to the cloud.
    void Restart() override;

    /**
     * TracedCallback signature for a finished request.
     * \param id request id
     * \param record where its tokens came from, what was uploaded, the cloud's work
     */
    typedef void (*CollabTracedCallback)(uint64_t id, const CeCollmRecord& record);

  protected:
    void DoDispose() override;

  private:
    /// What a request is waiting for.
    enum class Phase
    {
        STEP, //!< its token's job on the edge engine (layers and heads below the split)
        HEAD, //!< the exit head at the split, read while the states travel
        CLOUD //!< the cloud's token
    };

    /// A request being answered.
    struct Session
    {
        uint64_t id{0};                 //!< request id
        std::string text;               //!< the answer's text
        std::vector<int32_t> decisions; //!< per declared token: exit index, or -1 (cloud)
        uint32_t promptTokens{0};       //!< declared prompt tokens
        uint32_t cachedTokens{0};       //!< of which resident at the edge
        uint32_t context{0};            //!< context it names
        uint32_t index{0};              //!< declared token being computed
        bool currentSynced{false};      //!< whether the current token's positions went up
        Phase phase{Phase::STEP};       //!< what it waits for
        EventId headEvent;              //!< end of the head at the split
        EventId cloudTimer;             //!< HandleCloudTimeout of a deferral
        bool standalone{false};         //!< fell back: never defers again
        uint32_t synced{0};             //!< positions the cloud holds
        uint32_t unsynced{0};           //!< computed positions the cloud does not hold
        uint32_t cloudRun{0};           //!< positions the cloud has run its layers on
        CeCollmRecord record;           //!< the outcome so far
    };

    void BuildDecoder();
    /**
     * \param item the request
     * \param context its context
     * \return what the partitioned model does for it, from the model's answer store when one
     * is set and holds it (else computed, and kept there)
     */
    llm::EarlyExitAnswer Answer(const WorkloadItem& item, const WorkloadContext& context) const;
    /// Submit the current token's job (its layers and the exit heads below the split it reads).
    void StartToken(Session& s);
    /// The current token's job ended.
    void HandleStepDone(uint64_t id);
    /// The exit head at the split was read.
    void HandleHeadDone(uint64_t id);
    /// \param id a request whose deferral waited CloudTimeout
    void HandleCloudTimeout(uint64_t id);
    /**
     * \brief The cloud failed a request: go on standalone (Fallback "standalone") or fail it.
     * \param s the request
     * \param why for the log
     * \param code the failure reported when there is no fallback
     * \return whether it goes on
     */
    bool FallBack(Session& s,
                  const std::string& why,
                  ErrorHeader::Code code = ErrorHeader::UPSTREAM_UNAVAILABLE);
    /// \param id a request that fell back while its token waited for the cloud: emit it
    void ResumeStandalone(uint64_t id);
    /// \return how long the exit head at the split takes alone on the edge's device
    Time HeadTime() const;
    /// Upload the positions the cloud lacks; with \p defer, ask for the current token.
    void Upload(Session& s, bool defer);
    /// Emit the current token. \return whether more tokens follow
    bool Emit(Session& s);
    /// Emit the current token (counted as an edge exit when \p atEdge) and go on to the next.
    void EmitAndContinue(Session& s, bool atEdge);
    void Finish(uint64_t id);
    void Fail(uint64_t id, ErrorHeader::Code code);
    /// \return new positions of the current token (the uncached prompt for token 0, else 1)
    uint32_t NewPositions(const Session& s) const;
    /// \return positions before the current token's
    uint32_t PositionsBefore(const Session& s) const;
    /// \return the per-token decisions of the executed answer, on declared tokens
    std::vector<int32_t> Decisions(const llm::EarlyExitAnswer& answer, uint32_t tokens) const;
    /// \return the FLOPs of the whole declared model for a request
    double FullFlops(uint32_t promptTokens, uint32_t answerTokens, int32_t from) const;

    Ptr<ComputeEngine> m_engine;                        //!< the edge's accelerator
    std::shared_ptr<ExecutedModel> m_model;             //!< the cloud LLM (executed)
    std::shared_ptr<const WorkloadTrace> m_workload;    //!< items and contexts
    std::unique_ptr<llm::EarlyExitDecoder> m_decoder;   //!< the executed policy
    std::map<std::string, llm::EarlyExitAnswer> m_memo; //!< request text -> executed answer
    ModelProfile m_full;                                //!< declared cloud model
    int32_t m_split{0};                                 //!< declared split layer
    std::vector<int32_t> m_exits;                       //!< declared exit layers
    Ptr<FramedConnection> m_upstream;                   //!< to the cloud
    std::map<uint64_t, Session> m_sessions;             //!< requests being answered
    std::set<uint32_t> m_resident;                      //!< contexts resident at the edge

    int64_t m_splitLayer;     //!< attribute: executed split (-1: the deepest exit head)
    std::string m_exitLayers; //!< attribute: executed exit layers ("": all up to the split)
    double m_threshold;       //!< attribute: exit threshold
    bool m_standalone;        //!< attribute: never defer
    Fallback m_fallback;      //!< attribute: when the cloud fails a request
    Time m_cloudTimeout;      //!< attribute: deferral timeout (0: none)
    std::string m_precision;  //!< attribute: hidden-state precision
    bool m_contextCache;      //!< attribute: keep contexts resident
    uint32_t m_bytesPerToken; //!< attribute: text bytes per declared token

    TracedCallback<uint64_t, const RequestQuality&> m_scoredTrace; //!< answer computed
    TracedCallback<uint64_t, const CeCollmRecord&> m_collabTrace;  //!< request finished
    TracedCallback<uint64_t, const std::string&> m_fallbackTrace;  //!< went on standalone
};

} // namespace ns3

#endif // CE_LSLM_CE_COLLM_EDGE_SERVER_H
