/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "fault-schema.h"

#include "fault-injector.h"

#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

using S = ConfigSchema;

/// Longest time a fault setting may name, in s.
constexpr double kMaxSeconds = 1e6;

/// \return the fault types, comma-separated, for help texts and errors
std::string
TypeList()
{
    std::string list;
    for (const auto& name : FaultEvent::TypeNames())
    {
        list += (list.empty() ? "" : ", ") + name;
    }
    return list;
}

/// Check faults.schedule and faults.random.types.
void
CheckFaults(const ConfigJson& faults, const std::string& path)
{
    try
    {
        FaultInjector::ParseSchedule(faults.at("schedule").get<std::string>());
    }
    catch (const std::invalid_argument& error)
    {
        throw ConfigError(path + ".schedule", error.what());
    }
    const ConfigJson& random = faults.at("random");
    std::stringstream types(random.at("types").get<std::string>());
    std::string type;
    std::size_t count = 0;
    while (std::getline(types, type, ','))
    {
        type.erase(0, type.find_first_not_of(' '));
        type.erase(type.find_last_not_of(' ') + 1);
        FaultEvent::Type parsed;
        if (!FaultEvent::ParseType(type, parsed))
        {
            throw ConfigError(path + ".random.types",
                              "unknown fault type '" + type + "' (known: " + TypeList() + ")");
        }
        ++count;
    }
    if (random.at("rate_per_s").get<double>() > 0 && count == 0)
    {
        throw ConfigError(path + ".random.types",
                          "random faults need at least one type (rate_per_s is set)");
    }
}

} // namespace

ConfigSchema
FaultsSchema()
{
    return S::Object(
        "Fault injection (doc/ce-lslm.rst, 'Faults and recovery'): what goes wrong and when",
        {{"schedule",
          S::String("",
                    "Faults at fixed times: entries TYPE@START+DURATION[:EDGE] separated by "
                    "';', times in s, EDGE an edge index (absent: every edge), e.g. "
                    "'edge-crash@2+1.5:0; backhaul-down@4+0.5'. Types: "
                        + TypeList())},
         {"random",
          S::Object("Faults at random times during the arrival window",
                    {{"types",
                      S::String("",
                                "Types to draw from, comma-separated (each fault: a type "
                                "drawn uniformly, at a uniformly drawn edge)")},
                     {"rate_per_s",
                      S::Number(0, 0, 1e3, "Mean number of faults per s (Poisson); 0: none")},
                     {"mean_duration_s",
                      S::Number(0.5,
                                0,
                                kMaxSeconds,
                                "Mean duration of a random fault (exponential), in s",
                                true)}})},
         {"backhaul_loss_rate",
          S::Number(0.05,
                    0,
                    1,
                    "backhaul-loss: probability that a backhaul packet is lost, in each "
                    "direction")},
         {"blockage_loss_db",
          S::Number(30, 0, 400, "radio-blockage: extra path loss of the cell's links, in dB")},
         {"overload_refusal",
          S::Number(1,
                    0,
                    1,
                    "cloud-overload: probability that the cloud refuses a new request, "
                    "context fetch or deferred token (error 'overloaded')")},
         {"kv_corruption",
          S::Number(0.5,
                    0,
                    1,
                    "kv-corruption: probability that a KV_DATA message from the cloud arrives "
                    "with a byte flipped (its CRC detects it; the layer is asked again)")},
         {"attack_interval_ms",
          S::Number(20,
                    0.001,
                    1e6,
                    "forgery, replay: time between two messages the attacker injects on the "
                    "edge's backhaul connection, in ms")}},
        CheckFaults);
}

ConfigSchema
RecoverySchema()
{
    return S::Object(
        "Recovery from faults: retries, reconnection, timeouts, fallbacks",
        {{"retries",
          S::Integer(3,
                     0,
                     100,
                     "Times a terminal sends a request again after a failure it may recover "
                     "from (lost connection, unreachable or overloaded upstream); 0: never, "
                     "and a terminal whose connection ended does not reconnect")},
         {"backoff_s",
          S::Number(0.2,
                    0,
                    kMaxSeconds,
                    "Backoff before a terminal's first retry, in s; it doubles with each retry "
                    "(times a jitter factor in [0.5, 1))")},
         {"max_backoff_s",
          S::Number(2, 0, kMaxSeconds, "Largest backoff between two attempts, in s")},
         {"reconnect_s",
          S::Number(0.5,
                    0,
                    kMaxSeconds,
                    "Delay before an edge opens a new backhaul connection after it ended or "
                    "failed to connect, in s; 0: never reconnect")},
         {"fetch_timeout_s",
          S::Number(0,
                    0,
                    kMaxSeconds,
                    "ce-lslm: a context KV fetch that receives nothing for this long fails "
                    "(then the fallback), in s; 0: no timeout")},
         {"kv_rerequests",
          S::Integer(2,
                     0,
                     100,
                     "ce-lslm: times a layer whose KV message fails its CRC is asked for again "
                     "before the fetch fails")},
         {"ce_lslm_fallback",
          S::Enum("edge-prefill",
                  {"edge-prefill", "cloud", "none"},
                  "ce-lslm: when a fetch fails, the edge computes the context's missing "
                  "layers itself (edge-prefill), hands the request over to the cloud LLM, "
                  "query included (cloud), or the request fails (none)")},
         {"cloud_timeout_s",
          S::Number(0,
                    0,
                    kMaxSeconds,
                    "ce-collm: a deferred token waiting this long for the cloud makes the "
                    "request fall back, in s; 0: no timeout")},
         {"ce_collm_fallback",
          S::Enum("standalone",
                  {"standalone", "none"},
                  "ce-collm: when the cloud fails a request (error, lost link, timeout), it "
                  "goes on at the edge alone (standalone), or fails (none)")}});
}

} // namespace ns3
