/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_WORKLOAD_TRACE_H
#define CE_LSLM_WORKLOAD_TRACE_H

// Plain C++17 on purpose (no ns-3 header): the kernel's tools (ce-lslm-eval) read workloads
// with the same code, and the same validation, as the simulator.

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A shared context of the workload (the cloud-held passage whose KV cache is reused).
 */
struct WorkloadContext
{
    std::string name; //!< "context_id" of the requests that share it
    std::string text; //!< "context": the passage itself (may be empty)
};

/**
 * \ingroup ce-lslm
 * \brief One request of the workload.
 */
struct WorkloadItem
{
    uint32_t index = 0;               //!< 0-based order among the requests of the file
    int64_t id = 0;                   //!< "id" key (unique in the file)
    uint32_t context = 0;             //!< index into WorkloadTrace::GetContexts()
    std::string query;                //!< "query": the user's private prompt
    std::string continuation;         //!< "continuation": the true text after the query
    uint32_t answerTokens = 0;        //!< "answer_tokens": tokens to generate
    std::optional<double> arrivalS;   //!< "arrival_s": trace-timed arrival, seconds (>= 0)
    std::optional<uint32_t> terminal; //!< "terminal": which terminal issues the request
};

/**
 * \ingroup ce-lslm
 * \brief A workload file that cannot be used; the message is "<file>:<line>: <key>: <what>".
 */
class WorkloadError : public std::runtime_error
{
  public:
    using runtime_error::runtime_error;
};

/**
 * \ingroup ce-lslm
 * \brief A request workload read from a JSONL file (format in traces/README.md).
 *
 * One JSON object per line, blank lines skipped. Every line is validated when the file is read,
 * so a simulation never starts on a trace it would fail on half-way; the first problem is
 * thrown as a WorkloadError naming the file, the line and the key. Contexts are numbered densely
 * in order of first appearance, and requests naming the same context_id must carry the same
 * context text. Immutable once read, hence shared as a pointer to const between the
 * applications of a simulation.
 */
class WorkloadTrace
{
  public:
    /**
     * Read a workload file.
     * \param path the JSONL file
     * \return the workload; throws WorkloadError on any problem
     */
    static std::shared_ptr<const WorkloadTrace> Load(const std::string& path);

    /**
     * Read a workload from a stream.
     * \param in JSONL text
     * \param source the name used in error messages (e.g. the file name)
     * \return the workload; throws WorkloadError on any problem
     */
    static std::shared_ptr<const WorkloadTrace> Parse(std::istream& in, const std::string& source);

    /// \return the file (or source name) the workload was read from
    const std::string& GetSource() const;
    /// \return the requests, in file order
    const std::vector<WorkloadItem>& GetItems() const;
    /// \return the shared contexts, in order of first appearance
    const std::vector<WorkloadContext>& GetContexts() const;
    /// \return request `index` (throws WorkloadError when out of range)
    const WorkloadItem& GetItem(uint32_t index) const;
    /// \return context `index` (throws WorkloadError when out of range)
    const WorkloadContext& GetContext(uint32_t index) const;
    /// \return whether the requests carry their arrival times (arrival_s on every request)
    bool IsTimed() const;

  private:
    /// \param source name for messages
    explicit WorkloadTrace(std::string source);

    std::string m_source;                    //!< file name
    std::vector<WorkloadItem> m_items;       //!< requests
    std::vector<WorkloadContext> m_contexts; //!< contexts
};

} // namespace ns3

#endif // CE_LSLM_WORKLOAD_TRACE_H
