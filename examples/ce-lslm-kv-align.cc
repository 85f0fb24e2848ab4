/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-kv-align: fit the KV alignment between a cloud and an edge model on calibration text
// and save it (the file ce-lslm-kv-eval and the simulator load).
//
// The committed models/kv-alignment.safetensors was made with the defaults on the Brown
// validation split (doc/kv-layer.rst):
//   /usr/bin/python3 scripts/train_models.py corpus && /usr/bin/python3 scripts/train_models.py
//   text build/bin/ce-lslm-kv-align --text build/corpus/validation/*.txt
//
// Exit codes: 0 success, 1 runtime error, 2 bad command line, model or text file.

#include "cli-support.h"

#include "ns3/alignment-fitter.h"
#include "ns3/kernel-threads.h"
#include "ns3/kv-error.h"
#include "ns3/llm-error.h"
#include "ns3/transformer.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;
using namespace ns3::kv;
using ce_lslm_cli::UsageError;
using ns3::llm::Transformer;

namespace
{

struct Options
{
    std::string cloud;
    std::string edge;
    std::vector<std::string> texts;
    std::string output;
    int64_t windowBytes = 512;
    int64_t windows = 96;
    int threads = 1;
    AlignmentFitOptions fit;
};

Options
ParseOptions(int argc, char** argv, bool& help)
{
    Options o;
    po::options_description d("Usage: ce-lslm-kv-align --text FILES... [options]\n\nFit the KV "
                              "alignment of a cloud and an edge model on calibration text.\n\n"
                              "Options");
    // clang-format off
    d.add_options()
        ("help,h", "print this help")
        ("cloud", po::value(&o.cloud)->default_value(CE_LSLM_MODELS_DIR "/cloud-llm"),
         "cloud model folder (sends KV)")
        ("edge", po::value(&o.edge)->default_value(CE_LSLM_MODELS_DIR "/edge-slm"),
         "edge model folder (receives KV)")
        ("text", po::value(&o.texts)->multitoken(), "calibration text files (one document each)")
        ("output,o", po::value(&o.output)->default_value(
             CE_LSLM_MODELS_DIR "/kv-alignment.safetensors"), "alignment file to write")
        ("strategy", po::value(&o.fit.strategy)->default_value("similarity"),
         "layer mapping: similarity (linear CKA) or proportional")
        ("local-layers", po::value(&o.fit.localLayers)->default_value(-1),
         "edge layers that compute their own context KV (-1: half)")
        ("ridge", po::value(&o.fit.ridge)->default_value(1e-3), "relative ridge of the K/V maps")
        ("window", po::value(&o.windowBytes)->default_value(512), "calibration window, bytes")
        ("windows", po::value(&o.windows)->default_value(96),
         "calibration windows, spread over the text (the last quarter held out)")
        ("no-fusion", "keep every fusion weight at 0")
        ("threads", po::value(&o.threads)->default_value(1), "kernel threads");
    // clang-format on
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
    if (vm.count("help"))
    {
        std::cout << d;
        help = true;
        return o;
    }
    if (o.texts.empty())
    {
        throw UsageError("--text: give at least one calibration text file");
    }
    if (o.windowBytes < 16 || o.windows < 4 || o.threads < 1 || o.fit.ridge < 0)
    {
        throw UsageError("need --window >= 16, --windows >= 4, --threads >= 1, --ridge >= 0");
    }
    o.fit.fitFusion = vm.count("no-fusion") == 0;
    return o;
}

void
PrintReport(const KvAlignment& alignment, const AlignmentFitReport& report)
{
    std::printf("linear CKA of [K|V], edge layer (rows) x cloud layer (columns):\n");
    for (Eigen::Index e = 0; e < report.similarity.rows(); ++e)
    {
        std::printf("  edge %lld:", static_cast<long long>(e));
        for (Eigen::Index c = 0; c < report.similarity.cols(); ++c)
        {
            std::printf(" %.3f", report.similarity(e, c));
        }
        std::printf("\n");
    }
    std::printf("mapping (edge layer <- cloud layer): %s\n",
                alignment.Mapping().ToString().c_str());
    for (std::size_t k = 0; k < report.receivingLayers.size(); ++k)
    {
        std::printf("  edge layer %lld <- cloud layer %lld: held-out relative error keys %.4f, "
                    "values %.4f, fusion log-weight %.2f\n",
                    static_cast<long long>(report.receivingLayers[k]),
                    static_cast<long long>(alignment.Link(report.receivingLayers[k]).cloudLayer),
                    report.keyError[k],
                    report.valueError[k],
                    report.fusionLogWeights.empty() ? 0.0 : report.fusionLogWeights[k]);
    }
    std::printf("held-out edge bpb after an aligned context: %.4f unfused, %.4f fused\n",
                report.bitsPerByteUnfused,
                report.bitsPerByteFused);
    std::printf("fitted on %lld calibration tokens, %lld windows held out\n",
                static_cast<long long>(report.fitRows),
                static_cast<long long>(report.heldOutWindows));
}

} // namespace

int
main(int argc, char** argv)
{
    const auto start = std::chrono::steady_clock::now();
    Options o;
    std::vector<std::string> texts;
    try
    {
        bool help = false;
        o = ParseOptions(argc, argv, help);
        if (help)
        {
            return 0;
        }
        for (const std::string& path : o.texts)
        {
            texts.push_back(ce_lslm_cli::ReadTextFile(path));
        }
        ns3::llm::KernelThreads::Set(o.threads);
        const Transformer cloud = Transformer::Load(o.cloud);
        const Transformer edge = Transformer::Load(o.edge);
        const AlignmentFitter fitter(cloud,
                                     std::filesystem::path(o.cloud).filename().string(),
                                     edge,
                                     std::filesystem::path(o.edge).filename().string());
        const auto windows = CalibrationKv::Windows(texts, o.windowBytes, o.windows);
        AlignmentFitReport report;
        const KvAlignment alignment = fitter.Fit(windows, o.fit, &report);
        alignment.Save(o.output);
        PrintReport(alignment, report);
        std::printf(
            "wrote %s (id %08x) in %.1f s\n",
            o.output.c_str(),
            alignment.Id(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    catch (const std::exception& e) // UsageError, KvError, LlmError, po::error
    {
        std::cerr << "ce-lslm-kv-align: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
