/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-bench: speed of the transformer kernel on this machine.
//
// For a model folder or a named random shape, and for each thread count: prefill tokens/s and
// achieved GFLOP/s next to what a plain Eigen float GEMM of the model's largest product shape
// reaches with the same build; decode tokens/s and achieved GB/s next to this machine's
// streaming read bandwidth over a buffer as large as the weights. Prints a table, and JSON with
// --json. Wall-clock numbers: they describe the host, never simulated time.
//
// Exit codes: 0 success, 1 runtime error, 2 bad command line or model.

#include "ns3/kernel-threads.h"
#include "ns3/llm-error.h"
#include "ns3/model-presets.h"
#include "ns3/transformer.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace po = boost::program_options;
using namespace ns3::llm;

namespace
{

/// What the command line asked for.
struct BenchOptions
{
    std::string model;         //!< --model folder
    std::string shape;         //!< --shape preset
    std::vector<int> threads;  //!< --threads
    int64_t prefillTokens = 0; //!< --prefill-tokens
    int64_t decodeTokens = 0;  //!< --decode-tokens
    int repeats = 0;           //!< --repeats
    std::string json;          //!< --json file ("-" for stdout)
};

/// One thread count's measurements.
struct BenchRow
{
    int threads = 0;
    double prefillTokensPerS = 0;
    double prefillGflops = 0;
    double gemmGflops = 0;
    double decodeTokensPerS = 0;
    double decodeGbPerS = 0;
    double streamGbPerS = 0;
};

double
Seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// Best (shortest) wall time of `repeats` runs of `work`.
template<class Work>
double
BestTime(int repeats, Work work)
{
    double best = 1e300;
    for (int i = 0; i < repeats; ++i)
    {
        const auto start = std::chrono::steady_clock::now();
        work();
        best = std::min(best, Seconds(start));
    }
    return best;
}

TokenSequence
BenchTokens(int64_t count, int64_t vocab)
{
    TokenSequence tokens;
    for (int64_t i = 0; i < count; ++i)
    {
        tokens.push_back(static_cast<TokenId>((i * 7919 + 13) % std::min<int64_t>(vocab, 256)));
    }
    return tokens;
}

/// GFLOP/s of plain Eigen for [tokens x hidden] x [hidden x intermediate], the MLP's shape.
double
GemmGflops(const ModelConfig& c, int64_t tokens, int repeats)
{
    const Matrix a = Matrix::Random(tokens, c.hiddenSize);
    const Matrix b = Matrix::Random(c.intermediateSize, c.hiddenSize);
    Matrix out(tokens, c.intermediateSize);
    const double seconds = BestTime(repeats,
                                    [&]
                                    {
                                        out.noalias() = a * b.transpose();
                                    });
    return 2.0 * tokens * c.hiddenSize * c.intermediateSize / seconds / 1e9;
}

/// GB/s of a streaming read (sum) over `bytes` of floats: the roof for decode.
double
StreamGbPerS(std::size_t bytes, int repeats)
{
    const Vector buffer = Vector::Ones(static_cast<Eigen::Index>(bytes / sizeof(float)));
    volatile float sink = 0;
    const double seconds = BestTime(repeats,
                                    [&]
                                    {
                                        sink = sink + buffer.sum();
                                    });
    return static_cast<double>(bytes) / seconds / 1e9;
}

/// Best time of decoding o.decodeTokens tokens after the prompt (the prefill is not timed).
double
DecodeSeconds(const Transformer& model,
              const TokenSequence& prompt,
              const BenchOptions& o,
              ForwardCost& cost)
{
    double best = 1e300;
    for (int r = 0; r < o.repeats; ++r)
    {
        KvCache cache(model.Config());
        model.Forward(prompt, cache);
        cost = ForwardCost();
        const auto start = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < o.decodeTokens; ++i)
        {
            cost += model.Forward({static_cast<TokenId>(i % 200)}, cache).cost;
        }
        best = std::min(best, Seconds(start));
    }
    return best;
}

BenchRow
Measure(const Transformer& model, const BenchOptions& o, int threads)
{
    KernelThreads::Set(threads);
    Eigen::setNbThreads(threads);
    BenchRow row;
    row.threads = threads;
    const TokenSequence prompt = BenchTokens(o.prefillTokens, model.Config().vocabSize);
    ForwardCost prefillCost;
    const double prefill = BestTime(o.repeats,
                                    [&]
                                    {
                                        KvCache cache(model.Config());
                                        prefillCost = model.Forward(prompt, cache).cost;
                                    });
    row.prefillTokensPerS = o.prefillTokens / prefill;
    row.prefillGflops = prefillCost.flops / prefill / 1e9;
    row.gemmGflops = GemmGflops(model.Config(), o.prefillTokens, o.repeats);

    ForwardCost decodeCost;
    const double decodeSeconds = DecodeSeconds(model, prompt, o, decodeCost);
    row.decodeTokensPerS = o.decodeTokens / decodeSeconds;
    row.decodeGbPerS = decodeCost.BytesRead() / decodeSeconds / 1e9;
    row.streamGbPerS = StreamGbPerS(model.Weights().StorageBytes(), o.repeats);
    return row;
}

nlohmann::json
ToJson(const Transformer& model,
       const std::string& name,
       const BenchOptions& o,
       const std::vector<BenchRow>& rows)
{
    nlohmann::json out = {{"model", name},
                          {"parameters", model.Config().ParameterCount()},
                          {"weight_bytes", model.Weights().StorageBytes()},
                          {"prefill_tokens", o.prefillTokens},
                          {"decode_tokens", o.decodeTokens},
                          {"repeats", o.repeats},
                          {"eigen_simd", Eigen::SimdInstructionSetsInUse()},
                          {"results", nlohmann::json::array()}};
    for (const BenchRow& r : rows)
    {
        out["results"].push_back({{"threads", r.threads},
                                  {"prefill_tokens_per_s", r.prefillTokensPerS},
                                  {"prefill_gflops", r.prefillGflops},
                                  {"eigen_gemm_gflops", r.gemmGflops},
                                  {"prefill_vs_gemm", r.prefillGflops / r.gemmGflops},
                                  {"decode_tokens_per_s", r.decodeTokensPerS},
                                  {"decode_gb_per_s", r.decodeGbPerS},
                                  {"stream_gb_per_s", r.streamGbPerS},
                                  {"decode_vs_stream", r.decodeGbPerS / r.streamGbPerS}});
    }
    return out;
}

void
PrintTable(const Transformer& model, const std::string& name, const std::vector<BenchRow>& rows)
{
    std::printf("model %s: %.2fM parameters, %.1f MB FP32 weights, SIMD: %s\n",
                name.c_str(),
                model.Config().ParameterCount() / 1e6,
                model.Weights().StorageBytes() / 1e6,
                Eigen::SimdInstructionSetsInUse());
    std::printf("%7s %14s %12s %12s %8s %13s %10s %10s %8s\n",
                "threads",
                "prefill tok/s",
                "prefill GF/s",
                "Eigen GF/s",
                "ratio",
                "decode tok/s",
                "decode GB/s",
                "stream GB/s",
                "ratio");
    for (const BenchRow& r : rows)
    {
        std::printf("%7d %14.0f %12.2f %12.2f %8.2f %13.0f %10.2f %10.2f %8.2f\n",
                    r.threads,
                    r.prefillTokensPerS,
                    r.prefillGflops,
                    r.gemmGflops,
                    r.prefillGflops / r.gemmGflops,
                    r.decodeTokensPerS,
                    r.decodeGbPerS,
                    r.streamGbPerS,
                    r.decodeGbPerS / r.streamGbPerS);
    }
}

std::vector<int>
ParseThreads(const std::string& text)
{
    std::vector<int> threads;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
    {
        std::size_t used = 0;
        const int value = std::stoi(item, &used);
        if (used != item.size() || value < 1)
        {
            throw std::invalid_argument(item);
        }
        threads.push_back(value);
    }
    return threads;
}

BenchOptions
ParseOptions(int argc, char** argv, bool& help)
{
    BenchOptions o;
    std::string threads;
    po::options_description d("Usage: ce-lslm-bench [options]\n\nMeasures the transformer "
                              "kernel's prefill and decode speed.\n\nOptions");
    d.add_options()("help,h", "print this help and exit")(
        "model,m",
        po::value(&o.model)->value_name("DIR"),
        "model folder (config.json + model.safetensors); default: the committed cloud "
        "model, " CE_LSLM_DEFAULT_MODEL)(
        "shape",
        po::value(&o.shape)->value_name("NAME"),
        "instead of a folder, a random-weight model of a named shape")(
        "threads",
        po::value(&threads)->default_value("1,2")->value_name("LIST"),
        "comma-separated thread counts")("prefill-tokens",
                                         po::value(&o.prefillTokens)->default_value(512),
                                         "prompt length")(
        "decode-tokens",
        po::value(&o.decodeTokens)->default_value(128),
        "tokens decoded")("repeats",
                          po::value(&o.repeats)->default_value(3),
                          "runs per figure (best is kept)")("json",
                                                            po::value(&o.json)->value_name("FILE"),
                                                            "also write JSON (\"-\": stdout)");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
    help = vm.count("help") > 0;
    if (help)
    {
        std::cout << d << "\nShapes: ";
        for (const std::string& name : ModelPresets::Names())
        {
            std::cout << name << " ";
        }
        std::cout << "\n";
    }
    if (!o.model.empty() && !o.shape.empty())
    {
        throw po::error("give --model or --shape, not both");
    }
    if (o.model.empty() && o.shape.empty())
    {
        o.model = CE_LSLM_DEFAULT_MODEL;
    }
    o.threads = ParseThreads(threads);
    if (o.prefillTokens < 1 || o.decodeTokens < 1 || o.repeats < 1)
    {
        throw po::error("--prefill-tokens, --decode-tokens and --repeats must be >= 1");
    }
    return o;
}

} // namespace

int
main(int argc, char** argv)
{
    BenchOptions options;
    std::unique_ptr<Transformer> model;
    std::string name;
    try
    {
        bool help = false;
        options = ParseOptions(argc, argv, help);
        if (help)
        {
            return 0;
        }
        name = options.model.empty() ? options.shape : options.model;
        model = std::make_unique<Transformer>(
            options.model.empty() ? ModelWeights::Random(ModelPresets::Get(options.shape), 1)
                                  : ModelWeights::Load(options.model));
    }
    catch (const std::exception& e)
    {
        std::cerr << "ce-lslm-bench: " << e.what() << "\n";
        return 2;
    }
    std::vector<BenchRow> rows;
    for (int threads : options.threads)
    {
        rows.push_back(Measure(*model, options, threads));
    }
    PrintTable(*model, name, rows);
    if (!options.json.empty())
    {
        const std::string text = ToJson(*model, name, options, rows).dump(2) + "\n";
        if (options.json == "-")
        {
            std::cout << text;
        }
        else if (!(std::ofstream(options.json) << text))
        {
            std::cerr << "ce-lslm-bench: cannot write " << options.json << "\n";
            return 1;
        }
    }
    return 0;
}
