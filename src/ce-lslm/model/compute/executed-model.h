/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_EXECUTED_MODEL_H
#define CE_LSLM_EXECUTED_MODEL_H

#include "ns3/answer-store.h"
#include "ns3/evaluator.h"
#include "ns3/transformer.h"

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief What the executed model did for one request: the answer it generated (greedy) and
 * the score of the true continuation after the same prompt.
 */
struct ExecutedAnswer
{
    llm::TokenSequence tokens;    //!< greedy answer tokens, as many as asked for
    llm::ContinuationScore score; //!< true continuation, teacher-forced after the prompt
};

/**
 * \ingroup ce-lslm
 * \brief The executed model of a simulation run: the real transformer that answers requests
 * of text workloads (byte tokenizer), shared by every node that runs it.
 *
 * A request's prompt is `<bos>` context query. The model prefills `<bos>` context and then the
 * query *always as two steps*, so that the answer does not depend on whether the context's
 * keys and values came from the host-side context cache or were just computed; greedy
 * generation and the continuation's score both start from the same prefill.
 *
 * Three caches keep large runs fast, and none changes any result: the context cache keeps
 * the prefilled KV of the most recently used contexts, the answer memo returns the stored
 * answer when identical work (same context, query, answer length and continuation) comes
 * again in the run, and an optional AnswerStore keeps answers on disk for later runs (a
 * sweep). All are host-side only: simulated time never depends on them.
 */
class ExecutedModel
{
  public:
    /// Host-side work counters (diagnostics; they never enter simulated time or results).
    struct Counters
    {
        uint64_t answers{0};       //!< Answer calls
        uint64_t memoHits{0};      //!< answers returned from the memo
        uint64_t storeHits{0};     //!< answers read from the answer store
        uint64_t contextHits{0};   //!< prefills that found the context in the context cache
        uint64_t contextMisses{0}; //!< prefills that computed the context
    };

    /**
     * \param name name used in messages and traces (e.g. "cloud-llm")
     * \param model the transformer; its tokenizer must be "byte"
     * \param fingerprint identifies the weights for an answer store (see Load); empty: the
     *        model cannot use one
     * \throw llm::LlmError if it is not
     */
    ExecutedModel(std::string name, llm::Transformer model, std::string fingerprint = "");

    /**
     * \param directory a model folder (config.json + safetensors); its name names the model and
     *        its files' bytes its fingerprint (AnswerStore::ModelFingerprint)
     * \return the loaded model
     * \throw llm::LlmError naming the file and what is wrong
     */
    static std::shared_ptr<ExecutedModel> Load(const std::string& directory);

    /// \return the model's name
    const std::string& GetName() const;
    /// \return the transformer
    const llm::Transformer& GetTransformer() const;

    /// \param memoize whether identical requests reuse the stored answer (default true)
    void SetMemoize(bool memoize);
    /**
     * \brief Also keep answers in (and take them from) a store shared across runs; answers
     * are identical either way.
     * \param store the store (null: none)
     * \throw llm::LlmError if the model has no fingerprint
     */
    void SetAnswerStore(std::shared_ptr<AnswerStore> store);
    /// \return the answer store, or null
    std::shared_ptr<AnswerStore> GetAnswerStore() const;
    /// \return the weights' fingerprint ("" when constructed without one)
    const std::string& GetFingerprint() const;

    /// \param contexts prefilled contexts kept on the host, least recently used evicted
    /// (default 16; 0 keeps none)
    void SetContextCacheSize(std::size_t contexts);

    /**
     * \brief Answer a request: generate \p answerTokens tokens greedily after `<bos>` context
     * query, and score \p continuation after the same prompt.
     * \param context shared context text (may be empty)
     * \param query the request's own text (not empty)
     * \param answerTokens tokens to generate (0: only score the continuation)
     * \param continuation the true continuation to score (not empty)
     * \return the answer
     * \throw llm::LlmError if the prompt, answer and continuation do not fit the model's
     * position limit
     */
    ExecutedAnswer Answer(const std::string& context,
                          const std::string& query,
                          uint32_t answerTokens,
                          const std::string& continuation);

    /**
     * \brief Answer a request whose context KV was assembled elsewhere (e.g. an edge model's
     * cache holding context KV loaded from the cloud): as Answer, from \p contextCache instead
     * of this model's own prefill of the context.
     * \param contextCache KV of `<bos>` context for this model (its positions continue from
     *        its last position)
     * \param contextKey identifies the cache's contents for this run's answer memo (two
     *        caches with the same key must be identical); empty: never memoized. The answer
     *        store keys on the cache's contents instead (AnswerStore::CacheFingerprint).
     * \param query the request's own text (not empty)
     * \param answerTokens tokens to generate
     * \param continuation the true continuation to score (not empty)
     * \return the answer
     * \throw llm::LlmError if the prompt, answer and continuation do not fit the model
     */
    ExecutedAnswer AnswerAfter(const llm::KvCache& contextCache,
                               const std::string& contextKey,
                               const std::string& query,
                               uint32_t answerTokens,
                               const std::string& continuation);

    /**
     * \param context context text
     * \return the KV cache of `<bos>` context, from the context cache or computed
     */
    llm::KvCache PrefillContext(const std::string& context);

    /// \return the host-side work counters
    const Counters& GetCounters() const;

  private:
    /**
     * \brief Check that a request fits the model's positions.
     * \param contextTokens tokens of `<bos>` context
     * \param query the query
     * \param answerTokens tokens to generate
     * \param continuation the continuation
     * \throw llm::LlmError if it does not
     */
    void CheckFits(int64_t contextTokens,
                   const std::string& query,
                   uint32_t answerTokens,
                   const std::string& continuation) const;

    /**
     * \brief Prefill the query after \p cache, score the continuation and generate greedily.
     * \param cache KV of `<bos>` context (consumed)
     * \param query the query
     * \param answerTokens tokens to generate
     * \param continuation the continuation
     * \return the answer
     */
    ExecutedAnswer Complete(llm::KvCache cache,
                            const std::string& query,
                            uint32_t answerTokens,
                            const std::string& continuation);

    /**
     * \param memoKey key in this run's memo ("" never matches)
     * \param storeKey key in the answer store ("" never matches)
     * \return the memoized (or stored) answer, or nothing
     */
    std::optional<ExecutedAnswer> Recall(const std::string& memoKey, const std::string& storeKey);

    /**
     * \brief Keep an answer in the memo (if memoizing) and the store (if any).
     * \param memoKey key in this run's memo ("" keeps it out)
     * \param storeKey key in the answer store ("" keeps it out)
     * \param answer the answer
     */
    void Remember(const std::string& memoKey,
                  const std::string& storeKey,
                  const ExecutedAnswer& answer);

    std::string m_name;                             //!< model name
    std::string m_fingerprint;                      //!< weights' fingerprint
    std::shared_ptr<AnswerStore> m_store;           //!< answers shared across runs
    llm::Transformer m_model;                       //!< the transformer
    bool m_memoize{true};                           //!< reuse identical answers
    std::size_t m_contextCacheSize{16};             //!< contexts kept
    std::list<std::string> m_contextOrder;          //!< most recently used first
    std::map<std::string, llm::KvCache> m_contexts; //!< context text -> its KV cache
    std::map<std::string, ExecutedAnswer> m_memo;   //!< request key -> answer
    Counters m_counters;                            //!< work counters
};

} // namespace ns3

#endif // CE_LSLM_EXECUTED_MODEL_H
