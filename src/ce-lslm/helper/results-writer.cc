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
    // network-only mode executes no model and declares no profile; later modes fill these.
    const std::string executedModel = "none";
    const std::string declaredProfile = "none";
    out << "request_id,terminal,edge,mode,executed_model,declared_profile,issued_s,"
           "prompt_tokens,answer_tokens,tokens_received,outcome,failure_reason,ttft_ms,"
           "tpot_ms,e2e_ms,uplink_bytes,downlink_bytes,backhaul_bytes\n";
    for (const auto& r : results.requests)
    {
        out << r.id << ',' << r.terminal << ',' << r.edge << ',' << mode << ',' << executedModel
            << ',' << declaredProfile << ',' << Fixed(r.issued.GetSeconds(), 9) << ','
            << r.promptTokens << ',' << r.answerTokens << ',' << r.tokensReceived << ','
            << RequestRecord::OutcomeName(r.outcome) << ',' << r.failureReason << ','
            << Milliseconds(r.GetTtft()) << ',' << Milliseconds(r.GetTpot()) << ','
            << Milliseconds(r.GetE2e()) << ',' << r.uplinkBytes << ',' << r.downlinkBytes << ','
            << r.backhaulBytes << '\n';
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
    out << "requests    arrived " << requests.at("arrived") << " | completed "
        << requests.at("completed") << " | failed " << requests.at("failed");
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
        << Bytes(bytes.at("downlink")) << " | backhaul " << Bytes(bytes.at("backhaul")) << "\n";
}

} // namespace ns3
