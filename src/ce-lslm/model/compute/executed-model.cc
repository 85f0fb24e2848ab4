/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "executed-model.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/generator.h"
#include "ns3/llm-error.h"
#include "ns3/sampler.h"

#include <algorithm>

namespace ns3
{

ExecutedModel::ExecutedModel(std::string name, llm::Transformer model, std::string fingerprint)
    : m_name(std::move(name))
    , m_fingerprint(std::move(fingerprint))
    , m_model(std::move(model))
{
    if (m_model.Config().tokenizer != "byte")
    {
        throw llm::LlmError("model " + m_name + ": tokenizer is '" + m_model.Config().tokenizer
                            + "'; text workloads need the byte tokenizer (\"tokenizer\": "
                              "\"byte\" in config.json)");
    }
}

std::shared_ptr<ExecutedModel>
ExecutedModel::Load(const std::string& directory)
{
    std::string name = directory;
    while (name.size() > 1 && name.back() == '/')
    {
        name.pop_back();
    }
    name = name.substr(name.find_last_of('/') + 1);
    return std::make_shared<ExecutedModel>(name,
                                           llm::Transformer::Load(directory),
                                           AnswerStore::ModelFingerprint(directory));
}

const std::string&
ExecutedModel::GetName() const
{
    return m_name;
}

const llm::Transformer&
ExecutedModel::GetTransformer() const
{
    return m_model;
}

void
ExecutedModel::SetMemoize(bool memoize)
{
    m_memoize = memoize;
    if (!memoize)
    {
        m_memo.clear();
    }
}

void
ExecutedModel::SetAnswerStore(std::shared_ptr<AnswerStore> store)
{
    if (store && m_fingerprint.empty())
    {
        throw llm::LlmError("model " + m_name
                            + ": no fingerprint (not loaded from a folder), so its answers "
                              "cannot be kept in an answer store");
    }
    m_store = std::move(store);
}

std::shared_ptr<AnswerStore>
ExecutedModel::GetAnswerStore() const
{
    return m_store;
}

const std::string&
ExecutedModel::GetFingerprint() const
{
    return m_fingerprint;
}

void
ExecutedModel::SetContextCacheSize(std::size_t contexts)
{
    m_contextCacheSize = contexts;
    while (m_contextOrder.size() > m_contextCacheSize)
    {
        m_contexts.erase(m_contextOrder.back());
        m_contextOrder.pop_back();
    }
}

const ExecutedModel::Counters&
ExecutedModel::GetCounters() const
{
    return m_counters;
}

llm::KvCache
ExecutedModel::PrefillContext(const std::string& context)
{
    auto found = m_contexts.find(context);
    if (found != m_contexts.end())
    {
        ++m_counters.contextHits;
        m_contextOrder.remove(context);
        m_contextOrder.push_front(context);
        return found->second;
    }
    ++m_counters.contextMisses;
    llm::KvCache cache(m_model.Config());
    llm::ForwardOptions options;
    options.logits = llm::ForwardOptions::Logits::NONE; // the query's prefill gives the logits
    m_model.Forward(llm::ByteTokenizer::Encode(context, true), cache, options);
    if (m_contextCacheSize > 0)
    {
        m_contexts[context] = cache;
        m_contextOrder.push_front(context);
        SetContextCacheSize(m_contextCacheSize);
    }
    return cache;
}

void
ExecutedModel::CheckFits(int64_t contextTokens,
                         const std::string& query,
                         uint32_t answerTokens,
                         const std::string& continuation) const
{
    if (query.empty() || continuation.empty())
    {
        throw llm::LlmError("model " + m_name + ": a request needs a query and a continuation");
    }
    const int64_t answer = std::max<int64_t>(answerTokens, continuation.size());
    const int64_t needed = contextTokens + static_cast<int64_t>(query.size()) + answer;
    if (needed > m_model.Config().maxPositions)
    {
        throw llm::LlmError("model " + m_name + ": <bos> + context ("
                            + std::to_string(contextTokens - 1) + ") + query ("
                            + std::to_string(query.size()) + ") + answer (" + std::to_string(answer)
                            + ") tokens exceed max_position_embeddings "
                            + std::to_string(m_model.Config().maxPositions));
    }
}

std::optional<ExecutedAnswer>
ExecutedModel::Recall(const std::string& memoKey, const std::string& storeKey)
{
    if (m_memoize && !memoKey.empty())
    {
        auto found = m_memo.find(memoKey);
        if (found != m_memo.end())
        {
            ++m_counters.memoHits;
            return found->second;
        }
    }
    std::optional<ExecutedAnswer> stored;
    if (m_store && !storeKey.empty())
    {
        stored = m_store->LoadExecuted(m_fingerprint + '\n' + storeKey);
    }
    if (stored)
    {
        ++m_counters.storeHits;
        if (m_memoize && !memoKey.empty())
        {
            m_memo.emplace(memoKey, *stored);
        }
    }
    return stored;
}

void
ExecutedModel::Remember(const std::string& memoKey,
                        const std::string& storeKey,
                        const ExecutedAnswer& answer)
{
    if (m_memoize && !memoKey.empty())
    {
        m_memo.emplace(memoKey, answer);
    }
    if (m_store && !storeKey.empty())
    {
        m_store->SaveExecuted(m_fingerprint + '\n' + storeKey, answer);
    }
}

ExecutedAnswer
ExecutedModel::Complete(llm::KvCache cache,
                        const std::string& query,
                        uint32_t answerTokens,
                        const std::string& continuation)
{
    const llm::ForwardResult prompt = m_model.Forward(llm::ByteTokenizer::Encode(query), cache);
    const llm::Vector next = prompt.logits.row(0).transpose();

    ExecutedAnswer answer;
    llm::KvCache scoring = cache;
    answer.score = llm::Evaluator::ScoreAfter(m_model,
                                              scoring,
                                              next,
                                              llm::ByteTokenizer::Encode(continuation));
    llm::Sampler greedy;
    answer.tokens =
        llm::Generator::GenerateAfter(m_model, cache, next, answerTokens, greedy).tokens;
    return answer;
}

/// The memo key of a request: its parts, each prefixed by its length so keys never collide.
static std::string
MemoKey(const std::string& context,
        const std::string& query,
        uint32_t answerTokens,
        const std::string& continuation)
{
    return std::to_string(context.size()) + ':' + context + std::to_string(query.size()) + ':'
           + query + std::to_string(answerTokens) + ':' + continuation;
}

ExecutedAnswer
ExecutedModel::Answer(const std::string& context,
                      const std::string& query,
                      uint32_t answerTokens,
                      const std::string& continuation)
{
    ++m_counters.answers;
    CheckFits(1 + static_cast<int64_t>(context.size()), query, answerTokens, continuation);
    // The texts are the whole request: one key serves the memo and the store.
    const std::string key =
        m_memoize || m_store ? MemoKey(context, query, answerTokens, continuation) : "";
    if (std::optional<ExecutedAnswer> known = Recall(key, key))
    {
        return *known;
    }
    ExecutedAnswer answer = Complete(PrefillContext(context), query, answerTokens, continuation);
    Remember(key, key, answer);
    return answer;
}

ExecutedAnswer
ExecutedModel::AnswerAfter(const llm::KvCache& contextCache,
                           const std::string& contextKey,
                           const std::string& query,
                           uint32_t answerTokens,
                           const std::string& continuation)
{
    ++m_counters.answers;
    int32_t next = 0;
    for (int64_t l = contextCache.FirstLayer(); l < contextCache.EndLayer(); ++l)
    {
        next = std::max(next, contextCache.Layer(l).NextPosition());
    }
    CheckFits(next, query, answerTokens, continuation);
    // Answer's keys start with a digit: a leading NUL keeps the two kinds of keys apart.
    // Within a run the caller's context key names the cache's contents; across runs (the store)
    // only the contents themselves do: a context key may mean other KV in another scenario.
    const std::string memoKey =
        m_memoize && !contextKey.empty()
            ? std::string(1, '\0') + MemoKey(contextKey, query, answerTokens, continuation)
            : "";
    const std::string storeKey = m_store
                                     ? "after " + AnswerStore::CacheFingerprint(contextCache) + '\n'
                                           + MemoKey("", query, answerTokens, continuation)
                                     : "";
    if (std::optional<ExecutedAnswer> known = Recall(memoKey, storeKey))
    {
        return *known;
    }
    ExecutedAnswer answer = Complete(contextCache, query, answerTokens, continuation);
    Remember(memoKey, storeKey, answer);
    return answer;
}

} // namespace ns3
