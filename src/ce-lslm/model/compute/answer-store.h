/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_ANSWER_STORE_H
#define CE_LSLM_ANSWER_STORE_H

#include "ns3/early-exit-decoder.h"
#include "ns3/evaluator.h"
#include "ns3/kv-cache.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ns3
{

struct ExecutedAnswer;

/**
 * \ingroup ce-lslm
 * \brief Keeps the executed model's answers on disk across runs and processes, so that a sweep
 * computes identical kernel work (same code, weights and request) once.
 *
 * Host-side only, like the in-run answer memo: simulated time and every result are the same with
 * or without it. Each answer is one file named after a 128-bit hash of its key. A file is
 * written under a temporary name and renamed, so runs sharing a directory never see a partial
 * file. Each file holds its whole key, so a hash collision is a miss, never a wrong answer.
 *
 * Keys are built by the callers from the request and a model fingerprint
 * (ModelFingerprint()); the store adds CodeFingerprint(), so answers computed by another build
 * of the kernel are never reused. A file that does not parse raises llm::LlmError naming the
 * file and the byte offset.
 */
class AnswerStore
{
  public:
    /// Host-side counters (diagnostics only).
    struct Counters
    {
        uint64_t hits{0};   //!< answers read from the store
        uint64_t misses{0}; //!< lookups without a stored answer
        uint64_t writes{0}; //!< answers written
    };

    /**
     * \param directory where the answers are kept; created (with its parents) if missing
     * \throw llm::LlmError naming the directory if it cannot be created or is not a directory
     */
    explicit AnswerStore(std::string directory);

    /// \return the directory
    const std::string& GetDirectory() const;

    /**
     * \param key the request's key (its model fingerprint, kind and text)
     * \return the stored answer, or nothing
     * \throw llm::LlmError naming the file and offset if the file is corrupt
     */
    std::optional<ExecutedAnswer> LoadExecuted(const std::string& key);
    /**
     * \param key the request's key
     * \param answer the answer to keep
     * \throw llm::LlmError naming the file if it cannot be written
     */
    void SaveExecuted(const std::string& key, const ExecutedAnswer& answer);

    /// As LoadExecuted, for an early-exit (CE-CoLLM) answer.
    /// \param key the request's key \return the stored answer, or nothing
    std::optional<llm::EarlyExitAnswer> LoadEarlyExit(const std::string& key);
    /// As SaveExecuted, for an early-exit (CE-CoLLM) answer.
    /// \param key the request's key \param answer the answer to keep
    void SaveEarlyExit(const std::string& key, const llm::EarlyExitAnswer& answer);

    /// \return the counters
    const Counters& GetCounters() const;

    /**
     * \param directory a model folder
     * \return a hash of the names and bytes of its regular files (hex)
     * \throw llm::LlmError naming a file that cannot be read
     */
    static std::string ModelFingerprint(const std::string& directory);

    /**
     * \param cache a KV cache
     * \return a hash of everything an answer after it depends on: per layer the keys (pre-RoPE
     * and rotated), values, positions, next position and context fusion (hex)
     */
    static std::string CacheFingerprint(const llm::KvCache& cache);

    /**
     * \return a hash of the loaded code that computes answers (the libraries, or the program,
     * holding the kernel and ExecutedModel) and of the kernel's thread count (hex)
     */
    static std::string CodeFingerprint();

  private:
    /// The encoded answer of a file and where it starts in it (for error offsets).
    struct Stored
    {
        std::string value;  //!< the encoded answer
        std::string path;   //!< the file
        std::size_t offset; //!< byte offset of the value in the file
    };

    /**
     * \param kind which answer type ("executed", "early-exit")
     * \param key the caller's key
     * \return the stored answer of that key, or nothing
     * \throw llm::LlmError naming the file and offset if the file is corrupt
     */
    std::optional<Stored> Read(const std::string& kind, const std::string& key);
    /**
     * \param kind which answer type
     * \param key the caller's key
     * \param value the encoded answer
     */
    void Write(const std::string& kind, const std::string& key, const std::string& value);
    /**
     * \param fullKey kind, code fingerprint and key
     * \return the file that holds it
     */
    std::string PathOf(const std::string& fullKey) const;

    std::string m_directory; //!< where the files are
    Counters m_counters;     //!< counters
};

} // namespace ns3

#endif // CE_LSLM_ANSWER_STORE_H
