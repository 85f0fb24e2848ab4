/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "results-writer.h"

#include "ns3/log.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ResultsWriter");

namespace
{

/// Fixed-point text of \p value with \p decimals digits, "" for nullopt.
std::string
Fixed(std::optional<double> value, int decimals)
{
    if (!value)
    {
        return "";
    }
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, *value);
    return text;
}

/// \p text as one RFC 4180 field: quoted, with its quotes doubled, when it holds a comma, a
/// quote or a line break (a declared profile such as "llama-3-8b[0,21)" does).
std::string
Csv(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
    {
        return text;
    }
    std::string quoted = "\"";
    for (char c : text)
    {
        quoted += c;
        if (c == '"')
        {
            quoted += '"';
        }
    }
    return quoted + '"';
}

/// A duration in ms with ns resolution, "" for nullopt.
std::string
Milliseconds(std::optional<Time> value)
{
    return value ? Fixed(value->GetSeconds() * 1e3, 6) : "";
}

/// A JSON number (or null) as fixed-point text for the summary table.
std::string
Cell(const ConfigJson& value, int decimals)
{
    return value.is_number() ? Fixed(value.get<double>(), decimals) : "-";
}

/// Bytes with a binary-free SI unit for the summary table.
std::string
Bytes(uint64_t bytes)
{
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1000 && unit + 1 < std::size(units))
    {
        value /= 1000;
        ++unit;
    }
    return Fixed(value, unit == 0 ? 0 : 2) + " " + units[unit];
}

} // namespace

ResultsWriter::ResultsWriter(std::string directory)
    : m_directory(std::move(directory))
{
    std::error_code error;
    std::filesystem::create_directories(m_directory, error);
    if (error)
    {
        throw std::runtime_error("cannot create output directory '" + m_directory
                                 + "': " + error.message());
    }
}

std::string
ResultsWriter::GetPath(const std::string& file) const
{
    return (std::filesystem::path(m_directory) / file).string();
}

std::ofstream
ResultsWriter::OpenFile(const std::string& file) const
{
    std::string path = GetPath(file);
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    if (!stream)
    {
        throw std::runtime_error("cannot open '" + path + "' for writing: " + std::strerror(errno));
    }
    return stream;
}

void
ResultsWriter::RemoveFile(const std::string& file) const
{
    std::error_code error;
    std::filesystem::remove(GetPath(file), error);
    if (error)
    {
        throw std::runtime_error("cannot remove stale '" + GetPath(file) + "': " + error.message());
    }
}

void
ResultsWriter::CloseChecked(std::ofstream& stream, const std::string& path)
{
    stream.close();
    if (stream.fail())
    {
        throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
    }
}

void
ResultsWriter::WriteSummary(const ConfigJson& summary) const
{
    std::ofstream out = OpenFile("summary.json");
    out << summary.dump(2) << '\n';
    CloseChecked(out, GetPath("summary.json"));
}

void
ResultsWriter::WriteRequests(const ScenarioResults& results) const
{
    std::ofstream out = OpenFile("requests.csv");
    WriteRequestsCsv(out, results);
    CloseChecked(out, GetPath("requests.csv"));
}

void
ResultsWriter::WriteRequestsCsv(std::ostream& out, const ScenarioResults& results)
{
    const std::string mode = results.config.GetString("mode");
    out << "request_id,terminal,edge,mode,executed_model,declared_profile,issued_s,"
           "prompt_tokens,answer_tokens,tokens_received,outcome,failure_reason,ttft_ms,"
           "tpot_ms,e2e_ms,uplink_bytes,downlink_bytes,backhaul_bytes,item,context,served_by,"
           "queue_ms,compute_ms,scored_bytes,bpb,agreement,kv_plan,local_layers,kv_neighbour,"
           "kv_codec,edge_tokens,cloud_tokens,hidden_bytes,cloud_saved,fallback,retries,"
           "tcp_retransmissions\n";
    auto optional = [](const std::optional<uint32_t>& value)
    {
        return value ? std::to_string(*value) : std::string();
    };
    for (const auto& r : results.requests)
    {
        out << r.id << ',' << r.terminal << ',' << r.edge << ',' << Csv(mode) << ','
            << Csv(r.executedModel) << ',' << Csv(r.declaredProfile) << ','
            << Fixed(r.issued.GetSeconds(), 9) << ',' << r.promptTokens << ',' << r.answerTokens
            << ',' << r.tokensReceived << ',' << r.GetOutcomeLabel() << ',' << Csv(r.failureReason)
            << ',' << Milliseconds(r.GetTtft()) << ',' << Milliseconds(r.GetTpot()) << ','
            << Milliseconds(r.GetE2e()) << ',' << r.uplinkBytes << ',' << r.downlinkBytes << ','
            << r.backhaulBytes << ',' << optional(r.item) << ',' << optional(r.context) << ','
            << Csv(r.servedBy) << ',' << Milliseconds(r.queueing) << ',' << Milliseconds(r.compute)
            << ',';
        if (r.quality && r.quality->bytes > 0 && r.quality->positions > 0)
        {
            out << r.quality->bytes << ',' << Fixed(r.quality->bits / r.quality->bytes, 6) << ','
                << Fixed(static_cast<double>(r.quality->agreeing) / r.quality->positions, 6);
        }
        else
        {
            out << ",,";
        }
        out << ',' << Csv(r.kvPlan) << ',' << optional(r.localLayers) << ','
            << (r.kvNeighbour ? std::to_string(*r.kvNeighbour) : std::string()) << ','
            << Csv(r.kvCodec) << ',';
        if (r.collm)
        {
            out << r.collm->edgeTokens << ',' << r.collm->cloudTokens << ',' << r.collm->hiddenBytes
                << ',' << Fixed(r.collm->CloudSaved(), 6);
        }
        else
        {
            out << ",,,";
        }
        out << ',' << Csv(r.fallback) << ',' << r.retries << ',' << r.tcpRetransmissions << '\n';
    }
}

void
ResultsWriter::PrintSummaryTable(std::ostream& out, const ConfigJson& summary)
{
    const ConfigJson& config = summary.at("config");
    const ConfigJson& requests = summary.at("requests");
    const ConfigJson& throughput = summary.at("throughput");
    const ConfigJson& bytes = summary.at("bytes");
    out << "mode " << summary.at("mode").get<std::string>() << " | "
        << config.at("topology").at("terminals") << " terminals, "
        << config.at("topology").at("edges") << " edge(s) | run "
        << config.at("simulation").at("run") << ", seed " << config.at("simulation").at("seed")
        << " | simulated " << Cell(summary.at("simulation").at("end_s"), 3) << " s\n";
    const ConfigJson& outcomes = requests.at("by_outcome");
    out << "requests    arrived " << requests.at("arrived") << " | completed "
        << outcomes.at("completed") << " | via fallback " << outcomes.at("completed_fallback")
        << " | failed " << outcomes.at("failed") << " | stability "
        << Cell(requests.at("stability"), 4);
    for (const auto& [reason, count] : requests.at("failure_reasons").items())
    {
        out << " (" << reason << ": " << count << ")";
    }
    out << "\n\nlatency (ms)" << std::setw(12) << "mean" << std::setw(12) << "p50" << std::setw(12)
        << "p95" << std::setw(12) << "p99" << std::setw(9) << "count"
        << "\n";
    for (const char* metric : {"ttft", "tpot", "e2e"})
    {
        const ConfigJson& m = summary.at("latency_ms").at(metric);
        out << "  " << std::left << std::setw(10) << metric << std::right << std::setw(12)
            << Cell(m.at("mean"), 3) << std::setw(12) << Cell(m.at("p50"), 3) << std::setw(12)
            << Cell(m.at("p95"), 3) << std::setw(12) << Cell(m.at("p99"), 3) << std::setw(9)
            << m.at("count").get<std::size_t>() << "\n";
    }
    out << "\nthroughput  " << Cell(throughput.at("requests_per_s"), 3) << " requests/s | "
        << Cell(throughput.at("tokens_per_s"), 1) << " tokens/s (over "
        << Cell(throughput.at("window_s"), 3) << " s)\n";
    out << "bytes       uplink " << Bytes(bytes.at("uplink")) << " | downlink "
        << Bytes(bytes.at("downlink")) << " | backhaul " << Bytes(bytes.at("backhaul"))
        << " | edge-edge " << Bytes(bytes.at("edge_edge")) << "\n";
    const ConfigJson& quality = summary.at("quality");
    const ConfigJson& compute = summary.at("compute");
    out << "quality     bpb " << Cell(quality.at("bpb"), 4) << " | agreement "
        << Cell(quality.at("agreement"), 4) << " (" << quality.at("requests") << " requests)\n";
    out << "compute     cloud " << Cell(compute.at("cloud_s"), 3) << " s | edge "
        << Cell(compute.at("edge_s"), 3) << " s | terminal " << Cell(compute.at("terminal_s"), 3)
        << " s busy\n";
    const ConfigJson& security = summary.at("security");
    out << "security    ";
    if (!security.at("authenticated").get<bool>())
    {
        out << "edge-cloud messages not authenticated\n";
        return;
    }
    out << security.at("messages_tagged") << " messages tagged | rejected "
        << security.at("rejected_forged") << " forged, " << security.at("rejected_replayed")
        << " replayed | HMAC CPU cloud " << Cell(security.at("cloud_s").get<double>() * 1e3, 3)
        << " ms, edge " << Cell(security.at("edge_s").get<double>() * 1e3, 3) << " ms\n";
}

void
ResultsWriter::PrintComparisonTable(std::ostream& out,
                                    const std::vector<ConfigJson>& summaries,
                                    const std::vector<std::string>& labels)
{
    // Each row: label, path into the summary, decimals.
    struct Row
    {
        const char* label;
        std::vector<const char*> path;
        int decimals;
    };

    const std::vector<Row> rows{
        {"requests completed", {"requests", "completed"}, 0},
        {"  via fallback", {"requests", "by_outcome", "completed_fallback"}, 0},
        {"requests failed", {"requests", "failed"}, 0},
        {"stability", {"requests", "stability"}, 4},
        {"ttft mean (ms)", {"latency_ms", "ttft", "mean"}, 3},
        {"ttft p95 (ms)", {"latency_ms", "ttft", "p95"}, 3},
        {"tpot mean (ms)", {"latency_ms", "tpot", "mean"}, 3},
        {"e2e mean (ms)", {"latency_ms", "e2e", "mean"}, 3},
        {"e2e p95 (ms)", {"latency_ms", "e2e", "p95"}, 3},
        {"requests/s", {"throughput", "requests_per_s"}, 3},
        {"tokens/s", {"throughput", "tokens_per_s"}, 1},
        {"uplink bytes", {"bytes", "uplink"}, 0},
        {"downlink bytes", {"bytes", "downlink"}, 0},
        {"backhaul bytes", {"bytes", "backhaul"}, 0},
        {"edge-edge bytes", {"bytes", "edge_edge"}, 0},
        {"ce-collm edge tokens", {"ce_collm", "edge_token_share"}, 4},
        {"ce-collm hidden bytes", {"ce_collm", "hidden_bytes"}, 0},
        {"quality bpb", {"quality", "bpb"}, 4},
        {"agreement with LLM", {"quality", "agreement"}, 4},
        {"cloud busy (s)", {"compute", "cloud_s"}, 3},
        {"edge busy (s)", {"compute", "edge_s"}, 3},
        {"terminal busy (s)", {"compute", "terminal_s"}, 3}};
    constexpr int kLabel = 22;
    int column = 16;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < summaries.size(); ++i)
    {
        names.push_back(i < labels.size() ? labels[i] : summaries[i].at("mode").get<std::string>());
        column = std::max(column, static_cast<int>(names.back().size()) + 2);
    }
    out << std::left << std::setw(kLabel) << "" << std::right;
    for (const auto& name : names)
    {
        out << std::setw(column) << name;
    }
    out << "\n";
    for (const Row& row : rows)
    {
        out << std::left << std::setw(kLabel) << row.label << std::right;
        for (const auto& summary : summaries)
        {
            // A mode without the row's section (e.g. ce_collm) shows a dash.
            const ConfigJson* value = &summary;
            for (const char* key : row.path)
            {
                value = value->contains(key) ? &value->at(key) : nullptr;
                if (!value)
                {
                    break;
                }
            }
            out << std::setw(column) << (value ? Cell(*value, row.decimals) : std::string("-"));
        }
        out << "\n";
    }
}

} // namespace ns3
