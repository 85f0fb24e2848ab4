/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-schema.h"

#include "fault-schema.h"
#include "mode-schema.h"
#include "six-g-preset.h"

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

/// A point-to-point link class: the access link (terminal-edge), the backhaul (edge-cloud) and
/// the edge-edge links; \p leading keys (e.g. a switch) come before the link parameters.
ConfigSchema
LinkSchema(const std::string& what, double rateMbps, double delayMs, S::Members leading = {})
{
    S::Members members = std::move(leading);
    members.insert(
        members.end(),
        {{"rate_mbps", S::Number(rateMbps, 0.001, 1e6, "Data rate of each direction, in Mbit/s")},
         {"delay_ms", S::Number(delayMs, 0, 1e4, "One-way propagation delay, in ms")},
         {"loss_rate",
          S::Number(0,
                    0,
                    0.5,
                    "Probability that a packet is lost on reception, in each direction "
                    "(0 = lossless; TCP retransmits what is lost)")},
         {"queue_packets",
          S::Integer(0,
                     0,
                     1000000,
                     "Transmit queue in front of each link device, in packets; a packet that "
                     "finds it full is dropped. 0: the link's bandwidth-delay product (rate x "
                     "2 x delay in 1500-byte packets, at least 100), the usual rule for a "
                     "router buffer")},
         {"queue_disc",
          S::Enum("fifo",
                  {"fifo", "fq-codel"},
                  "Queue discipline of that queue: fifo (drop-tail) or fq-codel (ns-3's "
                  "FqCoDelQueueDisc, the AQM Linux uses by default; 5 ms target)")}});
    return S::Object(what, std::move(members));
}

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

/// The radio section's own checks: distances in order, a usable TDD pattern.
void
CheckRadio(const ConfigJson& radio, const std::string& path)
{
    if (radio.at("min_distance_m").get<double>() > radio.at("max_distance_m").get<double>())
    {
        throw ConfigError(JoinConfigPath(path, "min_distance_m"),
                          "min_distance_m " + radio.at("min_distance_m").dump()
                              + " is larger than max_distance_m "
                              + radio.at("max_distance_m").dump());
    }
    std::string pattern = radio.at("tdd_pattern").get<std::string>();
    if (!pattern.empty()
        && (pattern.find_first_not_of("DSU") != std::string::npos
            || pattern.find('U') == std::string::npos
            || pattern.find_first_of("DS") == std::string::npos || pattern.size() > 640))
    {
        throw ConfigError(JoinConfigPath(path, "tdd_pattern"),
                          "'" + pattern
                              + "' must use only D, S and U (at most 640 slots), with at least "
                                "one U and one D or S");
    }
}

/// The 6G radio access: the default access network (topology.radio).
ConfigSchema
RadioSchema()
{
    return S::Object(
        "6G radio access (SixGHelper): each edge is a base station serving its terminals in one "
        "cell, instead of one point-to-point link per terminal",
        {{"enabled",
          S::Boolean(true,
                     "Use the 6G radio for the terminal-edge access; false: one point-to-point "
                     "link per terminal (topology.access)")},
         {"preset",
          S::Enum("fr1-100mhz",
                  SixGPreset::GetNames(),
                  "Carrier, propagation scenario and device parameters: fr1-100mhz (3.5 GHz, "
                  "UMa), fr3-400mhz (15 GHz, UMa), mmwave-800mhz (28 GHz, UMi street canyon), "
                  "subthz-2ghz (140 GHz, sub-THz model); numbers in doc/ce-lslm.rst")},
         {"scheduler",
          S::Enum("pf",
                  {"pf", "rr", "max-rate"},
                  "Per-slot MAC scheduler: pf (proportional fair), rr (round robin) or max-rate")},
         {"tdd_pattern",
          S::String("",
                    "Slot directions repeated from slot 0: D downlink, U uplink, S special "
                    "(mostly downlink); empty: the preset's (DDDSU)")},
         {"inter_site_distance_m",
          S::Number(200, 0, 1e5, "Distance between neighbouring base stations, in m", true)},
         {"min_distance_m",
          S::Number(10, 1, 1e5, "Least horizontal terminal-base station distance, in m")},
         {"max_distance_m",
          S::Number(100,
                    1,
                    1e5,
                    "Largest horizontal terminal-base station distance, in m (terminals are "
                    "dropped uniformly over the annulus)")},
         {"fading", S::Boolean(true, "Small-scale fading (Rician in line of sight, Rayleigh)")},
         {"terminal_speed_kmh",
          S::Number(3,
                    0,
                    500,
                    "Speed that sets the fading's Doppler spread, in km/h (terminals do not "
                    "move)")},
         {"blockage_rate_per_s",
          S::Number(0,
                    0,
                    1000,
                    "Blockage events per second of unblocked time on each link (line of sight "
                    "becomes non-line of sight); 0: none")},
         {"blockage_duration_ms",
          S::Number(300, 0, 1e6, "Mean duration of a blockage, in ms", true)},
         {"queue_packets",
          S::Integer(1000,
                     1,
                     1000000,
                     "Transmit buffer of each terminal at each end (base station: downlink, "
                     "terminal: uplink), in packets; a packet that finds it full is dropped")}},
        CheckRadio);
}

ConfigSchema
TopologySchema()
{
    return S::Object(
        "Nodes and links: terminals -> edge -> cloud",
        {{"terminals",
          S::Integer(4,
                     1,
                     10000,
                     "Number of terminals (users); each has its own access link, so run time "
                     "grows faster than linearly beyond about 1000 terminals per edge")},
         {"edges",
          S::Integer(1, 1, 1000, "Number of edge nodes; terminal i is served by edge i mod edges")},
         {"radio", RadioSchema()},
         {"access",
          LinkSchema("Terminal-edge point-to-point access link (one per terminal), used when "
                     "topology.radio.enabled is false",
                     100,
                     5)},
         {"backhaul", LinkSchema("Edge-cloud backhaul link (one per edge)", 1000, 10)},
         {"edge_links",
          LinkSchema("Edge-edge point-to-point links: edge i to edge (i + 1) mod edges (none "
                     "with one edge, one with two)",
                     10000,
                     0.5,
                     {{"enabled",
                       S::Boolean(false,
                                  "Connect neighbouring edges with point-to-point links (a "
                                  "ring; the edge-edge tier of the ce-lslm mode)")}})}});
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

ConfigSchema
TransportSchema()
{
    return S::Object(
        "TCP connections (terminal-edge, edge-cloud) and message framing",
        {{"tcp_variant",
          S::Enum("TcpCubic",
                  {"TcpCubic", "TcpNewReno", "TcpLinuxReno", "TcpBbr", "TcpVegas", "TcpDctcp"},
                  "ns-3 TCP congestion control (ns3::TcpL4Protocol::SocketType)")},
         {"segment_size_bytes",
          S::Integer(1448,
                     536,
                     1460,
                     "TCP maximum segment size, in bytes (at most the 1500-byte link MTU minus "
                     "IP and TCP headers, so segments are never fragmented)")},
         {"send_buffer_bytes",
          S::Integer(0,
                     0,
                     1073741824,
                     "TCP send buffer per socket, in bytes; 0: twice the largest "
                     "bandwidth-delay product of the scenario's links, at least 131072 (what "
                     "Linux's buffer autotuning reaches on such a path)")},
         {"recv_buffer_bytes",
          S::Integer(0,
                     0,
                     1073741824,
                     "TCP receive buffer (advertised window) per socket, in bytes; 0: as "
                     "send_buffer_bytes")},
         {"min_rto_ms",
          S::Number(1000,
                    1,
                    60000,
                    "Least TCP retransmission timeout, in ms (ns3::TcpSocketBase::MinRto; "
                    "RFC 6298: 1000). ns-3 floors SRTT + 4 RTTVAR at it, whereas Linux adds "
                    "its 200 ms to SRTT, so 200 here fires spuriously once a radio queue "
                    "builds up (doc/ce-lslm.rst)")},
         {"delayed_ack_ms",
          S::Number(40,
                    0,
                    500,
                    "Longest a TCP receiver delays an ACK, in ms (Linux: 40; ns-3's default of "
                    "200 equals the minimum RTO, so a lone segment's timer expires just as its "
                    "ACK leaves; ns3::TcpSocket::DelAckTimeout)")},
         {"max_frame_bytes",
          S::Integer(67108864,
                     1024,
                     2147483647,
                     "Largest message accepted from a peer, in bytes; a larger frame closes "
                     "the connection as a framing error")}},
        [](const ConfigJson& transport, const std::string& path)
        {
            for (const char* key : {"send_buffer_bytes", "recv_buffer_bytes"})
            {
                const int64_t bytes = transport.at(key).get<int64_t>();
                if (bytes != 0 && bytes < 4096)
                {
                    throw ConfigError(JoinConfigPath(path, key),
                                      "value " + std::to_string(bytes)
                                          + " is neither 0 (automatic) nor at least 4096");
                }
            }
        });
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
