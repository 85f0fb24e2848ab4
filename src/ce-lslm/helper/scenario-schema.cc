/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-schema.h"

#include "fault-schema.h"
#include "mode-schema.h"
#include "network-schema.h"

#include "ns3/device-profile.h"
#include "ns3/frame-header.h"
#include "ns3/inference-mode.h"
#include "ns3/log.h"
#include "ns3/message-authenticator.h"
#include "ns3/message-header.h"
#include "ns3/model-profile.h"
#include "ns3/request-header.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ScenarioSchema");

namespace
{

using S = ConfigSchema;

constexpr double kMaxSeconds = 1e6;
constexpr int64_t kMaxTokens = 1000000;

/// A token count drawn uniformly from [min, max] per request; min == max gives a constant.
ConfigSchema
TokenRangeSchema(const std::string& what, int64_t tokens)
{
    return S::Object(what + ", drawn uniformly per request from [min, max]",
                     {{"min", S::Integer(tokens, 1, kMaxTokens, "Smallest count, in tokens")},
                      {"max", S::Integer(tokens, 1, kMaxTokens, "Largest count, in tokens")}},
                     [](const ConfigJson& range, const std::string& path)
                     {
                         if (range.at("min").get<int64_t>() > range.at("max").get<int64_t>())
                         {
                             throw ConfigError(JoinConfigPath(path, "min"),
                                               "min " + range.at("min").dump()
                                                   + " is larger than max "
                                                   + range.at("max").dump());
                         }
                     });
}

/// One executed model and the profile whose cost is simulated.
ConfigSchema
ModelSchema(const std::string& what, const std::string& path, const std::string& profile)
{
    std::vector<std::string> profiles{"executed"};
    for (const auto& name : ModelProfile::Names())
    {
        profiles.push_back(name);
    }
    return S::Object(
        what,
        {{"path",
          S::String(path,
                    "Executed model folder (config.json + model.safetensors); a relative path "
                    "is looked up in the working directory, then in the ce-lslm source tree",
                    true)},
         {"profile",
          S::Enum(profile,
                  profiles,
                  "Declared model profile whose compute and KV size are simulated (numbers in "
                  "doc/compute.rst); executed: the executed model is its own profile")}});
}

ConfigSchema
ModelsSchema()
{
    return S::Object("The executed models and the declared profiles whose cost is simulated",
                     {{"cloud", ModelSchema("The cloud LLM", "models/cloud-llm", "llama-3-8b")},
                      {"edge", ModelSchema("The edge SLM", "models/edge-slm", "llama-3.2-1b")}});
}

/// A node that may run a model: its accelerator and compute engine, plus \p extra keys.
ConfigSchema
ServerSchema(const std::string& what, const std::string& device, S::Members extra)
{
    S::Members members{
        {"device",
         S::Enum(device,
                 DeviceProfile::Names(),
                 "Accelerator profile (peak FLOP/s, memory bandwidth and capacity; sources in "
                 "doc/compute.rst)")},
        {"max_batch",
         S::Integer(0,
                    0,
                    4096,
                    "Most requests in one continuous-batching iteration; 0: the device's")},
        {"prefill_chunk_tokens",
         S::Integer(512, 1, 1000000, "Prompt tokens prefilled per iteration, in tokens")},
        {"context_cache",
         S::Boolean(true,
                    "Keep a context's KV resident once prefilled, so later requests naming the "
                    "same context prefill only their query")},
        {"context_cache_mb",
         S::Number(0,
                   0,
                   1e9,
                   "Memory of that context cache, in MB of the declared model's KV, charged to "
                   "the device and emptied least recently used first; 0: half the memory the "
                   "weights leave (ModelServer::ContextCacheBytes)")}};
    for (auto& member : extra)
    {
        members.push_back(std::move(member));
    }
    return S::Object(what, std::move(members));
}

ConfigSchema
SimulationSchema()
{
    return S::Object(
        "Time and randomness",
        {{"duration_s",
          S::Number(20,
                    0.001,
                    kMaxSeconds,
                    "Arrival window: terminals issue requests during [0, duration_s), in s")},
         {"drain_s",
          S::Number(30,
                    0,
                    kMaxSeconds,
                    "Extra time after the arrival window for requests in flight to finish, "
                    "in s; requests still unfinished then count as failed")},
         {"seed", S::Integer(1, 1, 2147483647, "ns-3 RngSeed (--seed overrides it)")},
         {"run",
          S::Integer(1, 0, 2147483647, "ns-3 RngRun: the replica number (--run overrides it)")},
         {"kernel_cache",
          S::Boolean(true,
                     "Compute identical executed-model work (same model, context, query and "
                     "answer length) once per run and reuse it; results are identical either "
                     "way, only the run's wall time changes")},
         {"kernel_store",
          S::String("",
                    "Directory (created if missing) that keeps executed-model answers across "
                    "runs and processes, keyed by code, weights and request; runs sharing it "
                    "(a sweep) compute identical work once. Results are identical either way. "
                    "Empty: none")},
         {"kernel_threads",
          S::Integer(1,
                     1,
                     256,
                     "Host threads of the executed models' kernel (wall time only; simulated "
                     "time never depends on it)")}});
}

ConfigSchema
WorkloadSchema()
{
    return S::Object(
        "Requests issued by each terminal",
        {{"source",
          S::Enum("trace",
                  {"trace", "synthetic"},
                  "trace: requests are the items of workload.trace (real text: context, query, "
                  "true continuation); synthetic: token counts drawn from prompt_tokens and "
                  "answer_tokens, no text (network-only mode only)")},
         {"trace",
          S::String("traces/workloads/brown-test.jsonl",
                    "Workload trace (JSONL, format in traces/README.md); a relative path is "
                    "looked up in the working directory, then in the ce-lslm source tree",
                    true)},
         {"arrival",
          S::Enum("poisson",
                  {"poisson", "periodic", "trace"},
                  "Arrival process per terminal: poisson (exponential inter-arrival times), "
                  "periodic (constant inter-arrival time, each terminal at its own random "
                  "phase), or trace (each item at its arrival_s, by its terminal; needs a "
                  "timed trace)")},
         {"arrival_rate_per_s",
          S::Number(0.5, 0, 1e4, "Mean request rate of each terminal, in requests/s", true)},
         {"max_requests_per_terminal",
          S::Integer(0, 0, 100000000, "Stop after this many requests (0 = no limit)")},
         {"prompt_tokens", TokenRangeSchema("Prompt length", 128)},
         {"answer_tokens", TokenRangeSchema("Answer length", 32)},
         {"bytes_per_token",
          S::Integer(4,
                     1,
                     64,
                     "Text bytes per token of the declared models, in bytes: a text of B bytes "
                     "counts ceil(B / bytes_per_token) tokens of compute and one token message "
                     "carries that much answer text (the executed byte-level models still "
                     "process every byte); synthetic workloads: payload bytes per token")},
         {"deadline_s",
          S::Number(0,
                    0,
                    kMaxSeconds,
                    "Cancel a request not answered within this time (a CANCEL message goes to "
                    "whoever answers it; the request fails with reason 'deadline'), in s; 0: "
                    "no deadline")}});
}

/// security.hmac_key: empty, or an even number of hexadecimal digits, at least 32 of them.
void
CheckSecurity(const ConfigJson& security, const std::string& path)
{
    const std::string key = security.at("hmac_key").get<std::string>();
    if (key.empty())
    {
        return;
    }
    const std::size_t bad = key.find_first_not_of("0123456789abcdefABCDEF");
    if (bad != std::string::npos)
    {
        throw ConfigError(JoinConfigPath(path, "hmac_key"),
                          "character " + std::to_string(bad + 1) + " ('" + key[bad]
                              + "') is not a hexadecimal digit");
    }
    if (key.size() < 32 || key.size() % 2 != 0)
    {
        throw ConfigError(JoinConfigPath(path, "hmac_key"),
                          std::to_string(key.size())
                              + " hexadecimal digits; a key needs an even number, at least 32 "
                                "(16 bytes)");
    }
}

/// Authentication of the messages between edges and the cloud.
ConfigSchema
SecuritySchema()
{
    return S::Object(
        "Integrity and authentication of the edge-cloud and edge-edge messages (terminal-edge "
        "messages are not authenticated)",
        {{"authenticate",
          S::Boolean(true,
                     "Append a 64-bit sequence number and an HMAC-SHA256 tag (40 bytes) to "
                     "every edge-cloud and edge-edge message; forged or replayed messages are "
                     "dropped and counted, and the tags' CPU time is charged to the nodes")},
         {"hmac_key",
          S::String("",
                    "Shared HMAC key, as hexadecimal digits (at least 32, i.e. 16 bytes). "
                    "Empty: a 32-byte key derived with SHA-256 from simulation.seed and "
                    "simulation.run, so every run has its own")},
         {"hmac_bytes_per_s",
          S::Number(400e6,
                    1,
                    1e12,
                    "HMAC-SHA256 throughput of a node's CPU core, in bytes per second of "
                    "hashed data (400e6: one x86 core in software, without SHA extensions)",
                    true)},
         {"hmac_per_message_us",
          S::Number(1,
                    0,
                    1e6,
                    "Fixed CPU time of one tag or check on top of the per-byte time, in us")}},
        CheckSecurity);
}

ConfigSchema
OutputSchema()
{
    return S::Object(
        "Where results go and which opt-in traces are written",
        {{"dir",
          S::String("traces/latest",
                    "Output directory (created if missing; --out overrides it)",
                    true)},
         {"messages_trace",
          S::Boolean(false,
                     "Write messages.csv: one row per protocol message sent or received by "
                     "any application")},
         {"radio_trace",
          S::Boolean(false,
                     "Write radio-slots.csv: one row per transport block transmission (slot, "
                     "cell, terminal, direction, resource blocks, CQI, MCS, TBS, HARQ round, "
                     "SINR, decoded); needs topology.radio.enabled")},
         {"content_tags",
          S::Boolean(false,
                     "Tag every message's bytes with their content class (query, output, KV, "
                     "hidden, control) so that device traces can audit what crosses a link "
                     "(ContentClassTag); costs memory under packet loss")}});
}

/// Checks across sections: the workload suits the mode, every synthetic request fits in a frame,
/// and the radio trace needs the radio.
void
CheckScenario(const ConfigJson& scenario, const std::string& /* path */)
{
    if (scenario.at("output").at("radio_trace").get<bool>()
        && !scenario.at("topology").at("radio").at("enabled").get<bool>())
    {
        throw ConfigError("output.radio_trace",
                          "needs the radio access (topology.radio.enabled is false)");
    }
    const ConfigJson& workload = scenario.at("workload");
    const std::string source = workload.at("source").get<std::string>();
    const std::string mode = scenario.at("mode").get<std::string>();
    if (source == "synthetic" && mode != "network-only")
    {
        throw ConfigError("workload.source",
                          "synthetic requests carry no text for a model to answer; mode '" + mode
                              + "' needs source 'trace' (or use mode network-only)");
    }
    if (workload.at("arrival").get<std::string>() == "trace" && source != "trace")
    {
        throw ConfigError("workload.arrival", "'trace' needs workload.source 'trace'");
    }
    if (source == "trace")
    {
        return; // the trace's requests are checked against max_frame_bytes when it is loaded
    }
    // The edge passes a request on to the cloud with the authentication trailer added.
    int64_t largestRequest = FrameHeader::SERIALIZED_SIZE + MessageHeader::SERIALIZED_SIZE
                             + RequestHeader::SERIALIZED_SIZE
                             + workload.at("prompt_tokens").at("max").get<int64_t>()
                                   * workload.at("bytes_per_token").get<int64_t>()
                             + (scenario.at("security").at("authenticate").get<bool>()
                                    ? MessageAuthenticator::TRAILER_BYTES
                                    : 0);
    int64_t maxFrame = scenario.at("transport").at("max_frame_bytes").get<int64_t>();
    if (largestRequest > maxFrame)
    {
        throw ConfigError("transport.max_frame_bytes",
                          "value " + std::to_string(maxFrame)
                              + " is smaller than the largest request, "
                              + std::to_string(largestRequest)
                              + " bytes (workload.prompt_tokens.max x "
                                "workload.bytes_per_token + headers)");
    }
}

ConfigSchema
BuildScenarioSchema()
{
    return S::Object(
        "A ce-lslm scenario",
        {{"mode",
          S::Enum("cloud-only",
                  InferenceMode::Names(),
                  "Inference mode. cloud-only: the cloud LLM answers (centralized baseline); "
                  "edge-only: the edge SLM answers alone, with the context prefilled locally; "
                  "ce-lslm: the edge SLM answers with the context's deep-layer KV loaded from "
                  "the cloud LLM (or a neighbouring edge), the query never leaving the edge; "
                  "ce-collm: the edge runs the cloud LLM's first layers with early exits and "
                  "defers unconfident tokens to the cloud; ce-collm-edge: the same edge alone, "
                  "never deferring; "
                  "network-only: no model runs, the cloud streams one message per token "
                  "interval, to study the network alone")},
         {"simulation", SimulationSchema()},
         {"topology", TopologySchema()},
         {"workload", WorkloadSchema()},
         {"models", ModelsSchema()},
         {"cloud",
          ServerSchema("Cloud node",
                       "a100",
                       {{"token_interval_ms",
                         S::Number(20,
                                   0,
                                   1e5,
                                   "network-only mode: time between streamed answer tokens, in "
                                   "ms (a stand-in for decode time; the first token leaves one "
                                   "interval after the request arrives)")}})},
         {"edge",
          ServerSchema("Edge server at each base station",
                       "l4",
                       {{"slm_placement",
                         S::Enum("edge-server",
                                 {"edge-server", "terminal"},
                                 "edge-only mode: where the SLM runs: on the edge server, or "
                                 "on each terminal (requests then never touch the network)")}})},
         {"ce_lslm", CeLslmSchema()},
         {"ce_collm", CeCollmSchema()},
         {"terminal",
          ServerSchema("Terminal device (runs the SLM when edge.slm_placement is terminal)",
                       "phone-npu",
                       {})},
         {"transport", TransportSchema()},
         {"faults", FaultsSchema()},
         {"recovery", RecoverySchema()},
         {"security", SecuritySchema()},
         {"output", OutputSchema()}},
        CheckScenario);
}

} // namespace

const ConfigSchema&
ScenarioSchema()
{
    static const ConfigSchema schema = BuildScenarioSchema();
    return schema;
}

void
WriteScenarioReference(std::ostream& out)
{
    out << ".. Generated by `build/bin/ce-lslm-sim --config-reference`; do not edit by hand.\n"
           ".. A test fails when this file and the schema in scenario-schema.cc disagree.\n\n"
           "Configuration reference\n"
           "-----------------------\n\n"
           "Every key of a scenario file, with its default. A scenario file is a JSON object\n"
           "holding any subset of these keys (nested by their dotted path); ``--set key=value``\n"
           "overrides one key on the command line.\n\n"
           ".. list-table::\n"
           "   :header-rows: 1\n"
           "   :widths: 25 8 12 15 40\n\n"
           "   * - Key\n"
           "     - Type\n"
           "     - Default\n"
           "     - Allowed\n"
           "     - Meaning\n";
    for (const auto& row : ScenarioSchema().Reference())
    {
        out << "   * - ``" << row.path << "``\n"
            << "     - " << row.type << "\n"
            << "     - ``" << row.defaultValue << "``\n"
            << "     - " << row.range << "\n"
            << "     - " << row.help << "\n";
    }
}

} // namespace ns3
