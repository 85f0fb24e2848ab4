/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-summary.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ScenarioSummary");

std::optional<SampleStatistics>
SampleStatistics::Compute(std::vector<double> samples)
{
    if (samples.empty())
    {
        return std::nullopt;
    }
    std::sort(samples.begin(), samples.end());
    SampleStatistics statistics;
    statistics.count = samples.size();
    statistics.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size();
    statistics.p50 = Quantile(samples, 0.50);
    statistics.p95 = Quantile(samples, 0.95);
    statistics.p99 = Quantile(samples, 0.99);
    return statistics;
}

double
SampleStatistics::Quantile(const std::vector<double>& sorted, double q)
{
    double position = q * (sorted.size() - 1);
    auto below = static_cast<std::size_t>(position);
    if (below + 1 >= sorted.size())
    {
        return sorted.back();
    }
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

namespace
{

/// {count, mean, p50, p95, p99} in ms of one latency metric, over the requests for which it is
/// defined (TTFT: a token arrived; TPOT and E2E: completed).
ConfigJson
LatencyJson(const std::vector<RequestRecord>& requests,
            std::optional<Time> (RequestRecord::*metric)() const)
{
    std::vector<double> samples;
    for (const auto& request : requests)
    {
        if (std::optional<Time> value = (request.*metric)())
        {
            samples.push_back(value->GetSeconds() * 1e3);
        }
    }
    std::optional<SampleStatistics> statistics = SampleStatistics::Compute(samples);
    ConfigJson json = ConfigJson::object();
    json["count"] = samples.size();
    json["mean"] = statistics ? ConfigJson(statistics->mean) : ConfigJson();
    json["p50"] = statistics ? ConfigJson(statistics->p50) : ConfigJson();
    json["p95"] = statistics ? ConfigJson(statistics->p95) : ConfigJson();
    json["p99"] = statistics ? ConfigJson(statistics->p99) : ConfigJson();
    return json;
}

/// Request counts: arrived, how they ended (arrived is always the sum of by_outcome), why they
/// failed, which fallbacks answered them, retries, and stability (completed within the
/// deadline / arrived).
ConfigJson
RequestCountsJson(const std::vector<RequestRecord>& requests, Time deadline)
{
    std::map<std::string, std::size_t> outcomes{{"completed", 0},
                                                {"completed_fallback", 0},
                                                {"failed", 0}};
    std::map<std::string, std::size_t> reasons;
    std::map<std::string, std::size_t> fallbacks;
    std::size_t stable = 0;
    std::size_t retries = 0;
    std::size_t retried = 0;
    for (const auto& request : requests)
    {
        // Finish() has ended every request, so a pending one is a bug in the collector.
        NS_ABORT_MSG_IF(request.outcome == RequestRecord::PENDING,
                        "request " << request.id << " has no outcome");
        ++outcomes[request.GetOutcomeLabel()];
        if (request.outcome == RequestRecord::FAILED)
        {
            ++reasons[request.failureReason];
        }
        if (request.outcome == RequestRecord::COMPLETED && !request.fallback.empty())
        {
            ++fallbacks[request.fallback];
        }
        stable += request.IsCompletedWithin(deadline) ? 1 : 0;
        retries += request.retries;
        retried += request.retries > 0 ? 1 : 0;
    }
    ConfigJson json = ConfigJson::object();
    json["arrived"] = requests.size();
    json["completed"] = outcomes["completed"] + outcomes["completed_fallback"];
    json["failed"] = outcomes["failed"];
    json["by_outcome"] = {{"completed", outcomes["completed"]},
                          {"completed_fallback", outcomes["completed_fallback"]},
                          {"failed", outcomes["failed"]}};
    json["failure_reasons"] = ConfigJson::object();
    for (const auto& [reason, count] : reasons)
    {
        json["failure_reasons"][reason] = count;
    }
    json["fallbacks"] = ConfigJson::object();
    for (const auto& [fallback, count] : fallbacks)
    {
        json["fallbacks"][fallback] = count;
    }
    json["retried"] = retried;
    json["retries"] = retries;
    json["stability"] =
        requests.empty() ? ConfigJson() : ConfigJson(static_cast<double>(stable) / requests.size());
    return json;
}

ConfigJson
ThroughputJson(const ScenarioResults& results)
{
    // Window: the arrival window, stretched to the last completion when the backlog drains
    // later, so that an overloaded system reports its capacity, not the offered load.
    Time window = results.arrivalWindowEnd;
    std::size_t completed = 0;
    uint64_t tokens = 0;
    for (const auto& request : results.requests)
    {
        tokens += request.tokensReceived;
        if (request.outcome == RequestRecord::COMPLETED)
        {
            ++completed;
            window = std::max(window, *request.ended);
        }
    }
    ConfigJson json = ConfigJson::object();
    json["requests_per_s"] = completed / window.GetSeconds();
    json["tokens_per_s"] = tokens / window.GetSeconds();
    json["window_s"] = window.GetSeconds();
    return json;
}

ConfigJson
LinksJson(const ScenarioResults& results)
{
    ConfigJson json = ConfigJson::object();
    for (std::size_t i = 0; i < results.links.size(); ++i)
    {
        const LinkCounters& link = results.links[i];
        ConfigJson counters = ConfigJson::object();
        counters["app_bytes_sent"] = link.appBytesSent;
        counters["app_bytes_received"] = link.appBytesReceived;
        counters["wire_bytes"] = link.wireBytes;
        counters["wire_packets"] = link.wirePackets;
        counters["dropped_packets"] = link.droppedPackets;
        counters["tcp_retransmissions"] = link.retransmissions;
        counters["tcp_timeouts"] = link.timeouts;
        json[RequestStatsCollector::LinkName(static_cast<RequestStatsCollector::Link>(i))] =
            counters;
    }
    return json;
}

/// Quality over the completed requests a model answered: bits per byte of their true
/// continuations (total bits / total bytes) and next-token agreement with the cloud LLM
/// (agreeing positions / positions); null when no model answered.
ConfigJson
QualityJson(const std::vector<RequestRecord>& requests)
{
    double bits = 0;
    uint64_t bytes = 0;
    uint64_t agreeing = 0;
    uint64_t positions = 0;
    std::size_t scored = 0;
    for (const auto& request : requests)
    {
        if (request.outcome == RequestRecord::COMPLETED && request.quality)
        {
            bits += request.quality->bits;
            bytes += request.quality->bytes;
            agreeing += request.quality->agreeing;
            positions += request.quality->positions;
            ++scored;
        }
    }
    ConfigJson json = ConfigJson::object();
    json["bpb"] = bytes > 0 ? ConfigJson(bits / bytes) : ConfigJson();
    json["agreement"] =
        positions > 0 ? ConfigJson(static_cast<double>(agreeing) / positions) : ConfigJson();
    json["requests"] = scored;
    json["bytes"] = bytes;
    return json;
}

/// The ce-lslm mode's counters plus, over every request an edge planned: how it got its
/// context KV, the split and the cloud codec chosen, and how many used a neighbour.
ConfigJson
CeLslmJson(const ScenarioResults& results)
{
    ConfigJson json = results.ceLslm;
    std::map<std::string, uint64_t> plans;
    std::map<std::string, uint64_t> splits;
    std::map<std::string, uint64_t> codecs;
    uint64_t neighbourFetches = 0;
    for (const auto& request : results.requests)
    {
        if (request.kvPlan.empty())
        {
            continue;
        }
        ++plans[request.kvPlan];
        if (request.kvPlan == "planned")
        {
            ++splits[std::to_string(*request.localLayers)];
            ++codecs[request.kvCodec.empty() ? "none" : request.kvCodec];
            neighbourFetches += *request.kvNeighbour >= 0 ? 1 : 0;
        }
    }
    json["plans"] = plans;
    json["local_layers"] = splits;
    json["codecs"] = codecs;
    json["neighbour_fetches"] = neighbourFetches;
    return json;
}

/// Over the requests a CE-CoLLM edge finished: where their tokens came from, what went up and
/// the share of the whole model's FLOPs the cloud did not run; null when there are none.
ConfigJson
CeCollmJson(const std::vector<RequestRecord>& requests)
{
    CeCollmRecord sum;
    uint64_t finished = 0;
    for (const auto& request : requests)
    {
        if (!request.collm)
        {
            continue;
        }
        ++finished;
        sum += *request.collm;
    }
    if (finished == 0)
    {
        return ConfigJson();
    }
    return {{"requests", finished},
            {"edge_tokens", sum.edgeTokens},
            {"cloud_tokens", sum.cloudTokens},
            {"edge_token_share", sum.EdgeShare()},
            {"uploads", sum.uploads},
            {"uploaded_positions", sum.positions},
            {"hidden_bytes", sum.hiddenBytes},
            {"cloud_flops_saved", sum.CloudSaved()},
            {"edge_work_share", sum.EdgeWorkShare()}};
}

} // namespace

ConfigJson
BuildScenarioSummary(const ScenarioResults& results)
{
    const auto& links = results.links;
    ConfigJson summary = ConfigJson::object();
    summary["mode"] = results.config.GetString("mode");
    summary["requests"] =
        RequestCountsJson(results.requests,
                          Seconds(results.config.GetDouble("workload.deadline_s")));
    summary["latency_ms"] = {{"ttft", LatencyJson(results.requests, &RequestRecord::GetTtft)},
                             {"tpot", LatencyJson(results.requests, &RequestRecord::GetTpot)},
                             {"e2e", LatencyJson(results.requests, &RequestRecord::GetE2e)}};
    summary["throughput"] = ThroughputJson(results);
    summary["bytes"] = {{"uplink", links[RequestStatsCollector::UPLINK].appBytesSent},
                        {"downlink", links[RequestStatsCollector::DOWNLINK].appBytesSent},
                        {"backhaul", links[RequestStatsCollector::BACKHAUL].appBytesSent},
                        {"edge_edge", links[RequestStatsCollector::EDGE_EDGE].appBytesSent}};
    summary["links"] = LinksJson(results);
    summary["quality"] = QualityJson(results.requests);
    summary["compute"] = {{"edge_s", results.edgeComputeS},
                          {"cloud_s", results.cloudComputeS},
                          {"terminal_s", results.terminalComputeS}};
    summary["protocol_errors"] = results.protocolErrors;
    if (!results.faults.is_null())
    {
        summary["faults"] = results.faults;
    }
    const SecurityResults& security = results.security;
    summary["security"] = {{"authenticated", security.authenticated},
                           {"messages_tagged", security.messagesTagged},
                           {"messages_verified", security.messagesVerified},
                           {"rejected_forged", security.rejectedForged},
                           {"rejected_replayed", security.rejectedReplayed},
                           {"edge_s", security.edgeS},
                           {"cloud_s", security.cloudS}};
    summary["context_cache"] = results.contextCaches;
    if (!results.ceLslm.is_null())
    {
        summary["ce_lslm"] = CeLslmJson(results);
    }
    if (ConfigJson collm = CeCollmJson(results.requests); !collm.is_null())
    {
        summary["ce_collm"] = collm;
    }
    summary["simulation"] = {{"arrival_window_s", results.arrivalWindowEnd.GetSeconds()},
                             {"end_s", results.end.GetSeconds()}};
    summary["config"] = results.config.GetJson();
    return summary;
}

} // namespace ns3
