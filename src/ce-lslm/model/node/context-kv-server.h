/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONTEXT_KV_SERVER_H
#define CE_LSLM_CONTEXT_KV_SERVER_H

#include "context-kv-store.h"
#include "kv-layer-sender.h"
#include "model-server.h"
#include "request-server.h"
#include "workload-trace.h"

#include "ns3/compute-engine.h"
#include "ns3/executed-model.h"
#include "ns3/kv-alignment.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The cloud of the CE-LSLM mode: a context KV service. It answers CONTEXT_FETCH
 * messages from edges with the cloud LLM's KV of the shared context, aligned to the edge model
 * and compressed, one KV_DATA message per layer. It never sees a query: a REQUEST reaching it
 * is refused, unless the edges may fall back to the cloud (SetAnswerer): then the cloud LLM
 * answers the requests an edge hands over, on the same engine as the context prefills.
 *
 * Context KV store: the cloud prefills a context once (a prefill-only job on its compute
 * engine, priced with the declared cloud model) and keeps its KV while it fits the store's
 * budget (least recently used evicted), so the many users of a context cost one prefill.
 * Fetches of a context whose prefill is running wait for it instead of starting another.
 * Encoding takes no simulated time.
 */
class ContextKvServer : public RequestServer
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ContextKvServer();

    /// \param model the cloud's executed LLM
    void SetModel(std::shared_ptr<ExecutedModel> model);
    /// \param alignment how its KV becomes the edge model's (checked against the model)
    void SetAlignment(std::shared_ptr<const kv::KvAlignment> alignment);
    /// \param workload the workload whose contexts fetches name
    void SetWorkload(std::shared_ptr<const WorkloadTrace> workload);
    /// \param declaredEdge the edge's declared model (sizes the KV on the wire)
    void SetDeclaredEdge(const ModelProfile& declaredEdge);

    /**
     * \brief Answer the REQUEST messages edges send when they fall back to the cloud (CE-LSLM's
     * cloud-only fallback), with \p answerer computing on this server's engine. Without an
     * answerer, a REQUEST is refused (REJECTED).
     * \param answerer the cloud LLM's model server
     */
    void SetAnswerer(Ptr<ModelServer> answerer);
    /// \return the answerer, or null
    Ptr<ModelServer> GetAnswerer() const;

    /// \return the cloud's compute engine (configure its profiles here)
    Ptr<ComputeEngine> GetEngine() const override;
    std::string GetModelName() const override;
    /// \return the context KV store
    const ContextKvStore& GetStore() const;
    /// \return context prefills run so far
    uint64_t GetPrefills() const;

    void Serve(const ServedRequest& request) override;
    void Cancel(uint64_t id) override;
    uint32_t GetActiveRequests() const override;
    bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message) override;
    void HandleConnectionClosed(Ptr<FramedConnection> connection) override;
    /// \brief A restart loses the answerer's resident contexts (the KV store is kept: the
    /// cloud does not crash in this model).
    void Restart() override;

    /**
     * \param model an executed model
     * \param context a context text
     * \return the importance of each token of `<bos>` context in the model's prefill (the mean
     * attention it receives; what a codec's top stage keeps)
     */
    static kv::Vector ImportanceOf(const ExecutedModel& model, const std::string& context);

    /// Job ids of context prefills: this bit set, the context id below (never a request id).
    static constexpr uint64_t CONTEXT_JOB = uint64_t{1} << 63;

    /// TracedCallback signature for a lookup: (context id, whether the store held it).
    typedef void (*LookupTracedCallback)(uint32_t context, bool hit);
    /**
     * TracedCallback signature for a KV_DATA message sent: (fetch id, context id, layer,
     * KV-stream bytes, payload bytes on the wire).
     */
    typedef void (*KvSentTracedCallback)(uint64_t fetch,
                                         uint32_t context,
                                         uint32_t layer,
                                         uint32_t streamBytes,
                                         uint32_t wireBytes);

    /**
     * \brief Fault injection: corrupt each KV_DATA message with a probability (see
     * KvLayerSender::SetCorruption).
     * \param probability chance per message, in [0, 1]
     * \param random draws the chance and the byte
     */
    void SetCorruption(double probability, Ptr<UniformRandomVariable> random);

    /**
     * TracedCallback signature for a KV_DATA message corrupted by fault injection.
     * \param fetch the fetch it answers
     * \param context the context
     * \param layer the layer
     */
    typedef void (*KvCorruptedTracedCallback)(uint64_t fetch, uint32_t context, uint32_t layer);

  protected:
    void DoDispose() override;

  private:
    /// A fetch waiting for its context's prefill.
    struct Fetch
    {
        Ptr<FramedConnection> from; //!< the edge
        uint64_t id{0};             //!< fetch id
        uint32_t context{0};        //!< context
        uint16_t begin{0};          //!< first layer
        uint16_t end{0};            //!< one past the last layer
        std::string codec;          //!< codec spec
        bool refresh{false};        //!< the edge lost what it held for these layers
    };

    /// \return why \p fetch cannot be served ("" if it can)
    std::string Check(const Fetch& fetch) const;
    /// \brief Prefill a context on the engine.
    void StartPrefill(uint32_t context);
    /// \brief A context's prefill finished: store it, answer its waiting fetches.
    void HandlePrefilled(uint64_t job);
    /// \brief Send the layers a fetch asks for.
    void Answer(const Fetch& fetch);
    /// \return the context's KV projected into the edge model's space (host-side, cached)
    const std::vector<kv::KvBlock>& Projected(uint32_t context);
    /// \return the context's token importance for pruning codecs (host-side, cached)
    const kv::Vector& Importance(uint32_t context);
    /// \return bytes of the declared cloud model's KV of the context
    double StoredBytes(uint32_t context) const;

    Ptr<ComputeEngine> m_engine;                              //!< the cloud's accelerator
    std::shared_ptr<ExecutedModel> m_model;                   //!< cloud LLM
    std::shared_ptr<const kv::KvAlignment> m_alignment;       //!< cloud -> edge
    std::shared_ptr<const WorkloadTrace> m_workload;          //!< contexts
    std::optional<KvLayerSender> m_sender;                    //!< encodes and sends layers
    double m_corruption{0};                                   //!< fault: chance per message
    Ptr<UniformRandomVariable> m_corruptionRandom;            //!< fault: its draws
    Ptr<ModelServer> m_answerer;                              //!< fallback answers, or null
    ModelProfile m_declaredEdge;                              //!< sizes KV on the wire
    uint32_t m_bytesPerToken;                                 //!< text bytes per declared token
    double m_storeBytes;                                      //!< StoreBytes attribute
    ContextKvStore m_store;                                   //!< contexts held
    uint64_t m_prefills{0};                                   //!< prefills run
    std::map<uint32_t, std::vector<Fetch>> m_waiting;         //!< context -> fetches awaiting it
    std::map<uint32_t, std::vector<kv::KvBlock>> m_projected; //!< host KV of held contexts
    std::map<uint32_t, kv::Vector> m_importance;              //!< host importance
    std::map<Ptr<FramedConnection>, std::map<int64_t, int64_t>> m_bases; //!< per edge
    TracedCallback<uint32_t, bool> m_lookupTrace;                        //!< store lookup
    TracedCallback<uint64_t, uint32_t, uint32_t> m_corruptedTrace;       //!< fault injected
    TracedCallback<uint32_t> m_prefilledTrace;                           //!< prefill done
    TracedCallback<uint64_t, const RequestQuality&> m_scoredTrace;       //!< fallback answer
    TracedCallback<uint64_t, uint32_t, uint32_t, uint32_t, uint32_t> m_kvSentTrace; //!< sent
};

} // namespace ns3

#endif // CE_LSLM_CONTEXT_KV_SERVER_H
