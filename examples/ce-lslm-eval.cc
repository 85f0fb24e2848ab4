/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-eval: what the models' answers are worth, measured by the C++ kernel.
//
// Bits per byte (bpb) of byte-tokenizer models, teacher-forced, on either
//  - a request workload (JSONL, traces/README.md): each continuation scored after <bos> context
//    query ("with context") and after <bos> query ("without context"), the rule of the PyTorch
//    reference models/workload-bpb.json; or
//  - plain-text files (--text): every byte scored after <bos> and the bytes before it in its
//    window, windows of up to max_position_embeddings - 1 bytes ("with context") or of 128 bytes
//    ("without context"); a file is a document, and no window crosses two files.
// Models with early-exit heads also get each exit head's bpb, how often its top probability
// passes 0.8 and 0.9, and how often it agrees with the final head (the CE-CoLLM decision).
//
// Exit codes: 0 success, 1 runtime error, 2 bad command line, model, workload or text file.

#include "cli-support.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/kernel-threads.h"
#include "ns3/llm-error.h"
#include "ns3/transformer.h"
#include "ns3/workload-trace.h"

#include <array>
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace po = boost::program_options;
using namespace ns3::llm;
using ce_lslm_cli::ReadTextFile;
using ce_lslm_cli::UsageError;
using ns3::WorkloadItem;
using ns3::WorkloadTrace;

namespace
{

/// Exit-head confidence thresholds reported (CE-CoLLM's 0.8 and 0.9).
constexpr std::array<double, 2> THRESHOLDS = {0.8, 0.9};
/// JSON names of THRESHOLDS, as in models/workload-bpb.json.
constexpr std::array<const char*, 2> THRESHOLD_NAMES = {"threshold_0.8", "threshold_0.9"};
/// Default window of text mode without context, as in scripts/train_models.py's evaluation.
constexpr int64_t SHORT_WINDOW = 128;

/// What the command line asked for.
struct EvalOptions
{
    std::vector<std::string> models; //!< --model folders
    std::string workload;            //!< --workload file
    std::vector<std::string> texts;  //!< --text files (text mode when not empty)
    int64_t window = 0;              //!< --window bytes (0: max_position_embeddings - 1)
    int64_t stride = 0;              //!< --stride bytes (0: the window)
    int64_t shortWindow = 0;         //!< --short-window bytes
    int64_t limit = 0;               //!< --limit requests (0: all)
    bool noReuse = false;            //!< --no-reuse
    int threads = 1;                 //!< --threads
    std::string json;                //!< --json file ("-" for stdout)
};

/// Sums over the scored bytes of one head: the final head or an early-exit head.
struct HeadTally
{
    double bits = 0;                       //!< negative log2-likelihood of the true bytes
    int64_t bytes = 0;                     //!< bytes scored
    int64_t hits = 0;                      //!< argmax was the true byte
    int64_t agree = 0;                     //!< argmax was the final head's argmax
    std::array<int64_t, 2> passed{};       //!< top probability >= THRESHOLDS[i]
    std::array<int64_t, 2> passedAgreed{}; //!< ... and argmax was the final head's
};

/// One evaluation (a model in one mode): [0] the final head, then the exit heads.
struct Tally
{
    std::vector<HeadTally> heads; //!< per head
    int64_t tokensComputed = 0;   //!< tokens run through the model (prefix reuse saves some)
    double wallS = 0;             //!< wall time of the evaluation
};

/// What one row of logits says about the true next token.
struct RowStats
{
    double nllNats;        //!< -ln p(true token)
    Eigen::Index argmax;   //!< most likely token (the first of equal maxima)
    double topProbability; //!< its probability
};

RowStats
Analyse(const Matrix& logits, Eigen::Index row, TokenId target)
{
    RowStats stats{};
    const float top = logits.row(row).maxCoeff(&stats.argmax);
    // Double precision, as Evaluator: the sum over the vocabulary must not lose the tail.
    const double logSum =
        std::log((logits.row(row).cast<double>().array() - static_cast<double>(top)).exp().sum());
    stats.nllNats = logSum + top - logits(row, target);
    stats.topProbability = std::exp(-logSum);
    return stats;
}

double
Seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// Scores the inputs' continuation for every head.
class Scorer
{
  public:
    explicit Scorer(const Transformer& model)
        : m_model(model)
    {
        m_options.logits = ForwardOptions::Logits::ALL;
        m_options.exitHeads = !model.Config().earlyExitLayers.empty();
    }

    /// \return an empty tally with one entry per head
    Tally NewTally() const
    {
        Tally tally;
        tally.heads.resize(1 + m_model.Config().earlyExitLayers.size());
        return tally;
    }

    /**
     * Run inputs after what the cache holds; score the targets, predicted by the last
     * targets.size() inputs (target i is the token after input inputs.size() - targets.size()
     * + i). Only byte targets count, as in the PyTorch reference.
     */
    void Score(KvCache& cache,
               const TokenSequence& inputs,
               const TokenSequence& targets,
               Tally& tally) const
    {
        const ForwardResult result = m_model.Forward(inputs, cache, m_options);
        tally.tokensComputed += static_cast<int64_t>(inputs.size());
        const auto offset = static_cast<Eigen::Index>(inputs.size() - targets.size());
        const std::vector<int64_t>& exits = m_model.Config().earlyExitLayers;
        for (std::size_t i = 0; i < targets.size(); ++i)
        {
            const TokenId target = targets[i];
            if (target >= ByteTokenizer::BOS) // special tokens are not text
            {
                continue;
            }
            const Eigen::Index row = offset + static_cast<Eigen::Index>(i);
            const RowStats finalHead = Analyse(result.logits, row, target);
            Count(tally.heads[0], finalHead, target);
            for (std::size_t e = 0; e < exits.size(); ++e)
            {
                const RowStats exitHead = Analyse(result.exitLogits.at(exits[e]), row, target);
                HeadTally& head = tally.heads[1 + e];
                Count(head, exitHead, target);
                const bool agrees = exitHead.argmax == finalHead.argmax;
                head.agree += agrees ? 1 : 0;
                for (std::size_t t = 0; t < THRESHOLDS.size(); ++t)
                {
                    const bool passes = exitHead.topProbability >= THRESHOLDS[t];
                    head.passed[t] += passes ? 1 : 0;
                    head.passedAgreed[t] += passes && agrees ? 1 : 0;
                }
            }
        }
    }

  private:
    static void Count(HeadTally& head, const RowStats& stats, TokenId target)
    {
        head.bits += stats.nllNats / std::log(2.0);
        head.bytes += 1;
        head.hits += stats.argmax == target ? 1 : 0;
    }

    const Transformer& m_model;
    ForwardOptions m_options;
};

TokenSequence
Concat(TokenSequence head, const TokenSequence& tail)
{
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

/// The continuation's inputs after `prefix`: prefix + continuation without its last token.
TokenSequence
InputsBefore(const TokenSequence& prefix, const TokenSequence& continuation)
{
    TokenSequence inputs = prefix;
    inputs.insert(inputs.end(), continuation.begin(), continuation.end() - 1);
    return inputs;
}

/**
 * Workload: every request's continuation after <bos> context query (withContext) or <bos>
 * query. With context and reuse, each context is computed once and its KV cache copied for each
 * of its requests: the same logits as computing each request from <bos> (up to float rounding,
 * as the products run over other row counts) at a fraction of the work.
 */
Tally
EvaluateWorkload(const Transformer& model,
                 const WorkloadTrace& trace,
                 std::size_t requests,
                 bool withContext,
                 bool reuse)
{
    const auto start = std::chrono::steady_clock::now();
    const Scorer scorer(model);
    Tally tally = scorer.NewTally();
    const TokenSequence bos = {ByteTokenizer::BOS};
    // Requests grouped by context, contexts in order of first appearance, whatever the file
    // order; the sums do not depend on the order (up to rounding).
    std::vector<std::vector<const WorkloadItem*>> groups(trace.GetContexts().size());
    for (std::size_t i = 0; i < requests; ++i)
    {
        const WorkloadItem& item = trace.GetItems()[i];
        groups[item.context].push_back(&item);
    }
    for (std::size_t c = 0; c < groups.size(); ++c)
    {
        if (groups[c].empty())
        {
            continue;
        }
        const TokenSequence context =
            ByteTokenizer::Encode(trace.GetContext(static_cast<uint32_t>(c)).text, true);
        KvCache contextCache(model.Config());
        if (withContext && reuse)
        {
            ForwardOptions prefill;
            prefill.logits = ForwardOptions::Logits::NONE;
            model.Forward(context, contextCache, prefill);
            tally.tokensComputed += static_cast<int64_t>(context.size());
        }
        for (const WorkloadItem* item : groups[c])
        {
            const TokenSequence query = ByteTokenizer::Encode(item->query);
            const TokenSequence continuation = ByteTokenizer::Encode(item->continuation);
            if (withContext && reuse)
            {
                KvCache cache = contextCache;
                scorer.Score(cache, InputsBefore(query, continuation), continuation, tally);
            }
            else
            {
                KvCache cache(model.Config());
                const TokenSequence prefix = Concat(withContext ? context : bos, query);
                scorer.Score(cache, InputsBefore(prefix, continuation), continuation, tally);
            }
        }
    }
    tally.wallS = Seconds(start);
    return tally;
}

/**
 * Text: each document cut into windows that start every `stride` bytes and hold up to `window`
 * bytes after <bos>; each byte is scored once, in the first window that holds it, so with
 * stride < window every window but a document's first scores only its last `stride` bytes and
 * those see at least window - stride earlier bytes.
 */
Tally
EvaluateText(const Transformer& model,
             const std::vector<std::string>& documents,
             int64_t window,
             int64_t stride)
{
    const auto start = std::chrono::steady_clock::now();
    const Scorer scorer(model);
    Tally tally = scorer.NewTally();
    for (const std::string& text : documents)
    {
        const auto size = static_cast<int64_t>(text.size());
        int64_t scored = 0; // bytes [0, scored) already scored
        for (int64_t begin = 0; scored < size; begin += stride)
        {
            const int64_t end = std::min(size, begin + window);
            const TokenSequence bytes =
                ByteTokenizer::Encode(text.substr(static_cast<std::size_t>(begin),
                                                  static_cast<std::size_t>(end - begin)));
            const TokenSequence targets(bytes.begin() + (scored - begin), bytes.end());
            KvCache cache(model.Config());
            scorer.Score(cache, InputsBefore({ByteTokenizer::BOS}, bytes), targets, tally);
            scored = end;
        }
    }
    tally.wallS = Seconds(start);
    return tally;
}

/// A model and what was measured with it.
struct ModelReport
{
    std::string name;     //!< folder name (the path when two folders share a name)
    std::string path;     //!< folder
    ModelConfig config;   //!< its architecture
    int64_t window = 0;   //!< text mode: window used with context
    Tally withContext;    //!< with context
    Tally withoutContext; //!< without context
};

std::vector<std::string>
HeadNames(const ModelConfig& config)
{
    std::vector<std::string> names = {"final"};
    for (int64_t layer : config.earlyExitLayers)
    {
        names.push_back("exit" + std::to_string(layer));
    }
    return names;
}

double
Ratio(int64_t part, int64_t whole)
{
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

nlohmann::json
TallyJson(const Tally& tally, const ModelConfig& config)
{
    nlohmann::json out = nlohmann::json::object();
    const std::vector<std::string> names = HeadNames(config);
    for (std::size_t h = 0; h < tally.heads.size(); ++h)
    {
        const HeadTally& head = tally.heads[h];
        nlohmann::json entry = {{"bpb", head.bytes > 0 ? head.bits / head.bytes : 0.0},
                                {"bytes", head.bytes},
                                {"bits", head.bits},
                                {"accuracy", Ratio(head.hits, head.bytes)}};
        if (h > 0)
        {
            entry["agreement_all"] = Ratio(head.agree, head.bytes);
            for (std::size_t t = 0; t < THRESHOLDS.size(); ++t)
            {
                entry[THRESHOLD_NAMES[t]] = {
                    {"pass_rate", Ratio(head.passed[t], head.bytes)},
                    {"agreement_when_passing", Ratio(head.passedAgreed[t], head.passed[t])}};
            }
        }
        out[names[h]] = entry;
    }
    out["tokens_computed"] = tally.tokensComputed;
    out["wall_s"] = tally.wallS;
    return out;
}

void
PrintTally(const std::string& model, const char* mode, const Tally& tally, const ModelConfig& c)
{
    const std::vector<std::string> names = HeadNames(c);
    for (std::size_t h = 0; h < tally.heads.size(); ++h)
    {
        const HeadTally& head = tally.heads[h];
        std::printf("%-12s %-8s %-6s %7.4f %8lld %7.4f",
                    model.c_str(),
                    mode,
                    names[h].c_str(),
                    head.bytes > 0 ? head.bits / head.bytes : 0.0,
                    static_cast<long long>(head.bytes),
                    Ratio(head.hits, head.bytes));
        if (h > 0)
        {
            std::printf(" %7.4f", Ratio(head.agree, head.bytes));
            for (std::size_t t = 0; t < THRESHOLDS.size(); ++t)
            {
                std::printf(" %6.4f %6.4f",
                            Ratio(head.passed[t], head.bytes),
                            Ratio(head.passedAgreed[t], head.passed[t]));
            }
        }
        else
        {
            std::printf("   (%.1f s, %lld tokens computed)",
                        tally.wallS,
                        static_cast<long long>(tally.tokensComputed));
        }
        std::printf("\n");
    }
}

void
PrintTable(const std::vector<ModelReport>& reports)
{
    std::printf("%-12s %-8s %-6s %7s %8s %7s %7s %6s %6s %6s %6s\n",
                "model",
                "context",
                "head",
                "bpb",
                "bytes",
                "top1",
                "agree",
                "p@0.8",
                "a@0.8",
                "p@0.9",
                "a@0.9");
    for (const ModelReport& r : reports)
    {
        PrintTally(r.name, "with", r.withContext, r.config);
        PrintTally(r.name, "without", r.withoutContext, r.config);
    }
    std::printf("top1: argmax = true byte; agree: exit argmax = final argmax; p@x: top "
                "probability >= x; a@x: agreement when passing\n");
}

/// \return the positions a request takes: <bos> context query continuation, except the
/// continuation's last token, which is only predicted
int64_t
RequestPositions(const WorkloadTrace& trace, const WorkloadItem& item)
{
    return static_cast<int64_t>(1 + trace.GetContext(item.context).text.size() + item.query.size()
                                + item.continuation.size() - 1);
}

/// Checks that a model can run this evaluation before any work starts.
void
CheckModel(const std::string& path,
           const ModelConfig& config,
           const EvalOptions& o,
           const WorkloadTrace* trace,
           std::size_t requests)
{
    const std::string where = path + "/config.json";
    if (config.tokenizer != "byte")
    {
        throw UsageError(where + ": tokenizer: ce-lslm-eval scores bytes and needs \"byte\", got \""
                         + config.tokenizer + "\"");
    }
    const int64_t limit = config.maxPositions - 1; // <bos> takes one position
    if (trace)
    {
        for (std::size_t i = 0; i < requests; ++i)
        {
            const WorkloadItem& item = trace->GetItems()[i];
            if (RequestPositions(*trace, item) > config.maxPositions)
            {
                throw UsageError(trace->GetSource() + ": request id " + std::to_string(item.id)
                                 + " needs " + std::to_string(RequestPositions(*trace, item))
                                 + " positions, more than max_position_embeddings ("
                                 + std::to_string(config.maxPositions) + ") of " + where);
            }
        }
        return;
    }
    const std::string most = std::to_string(limit) + " bytes: max_position_embeddings - 1";
    if (o.window > limit || o.shortWindow > limit)
    {
        throw UsageError("--window and --short-window must be at most " + most + " of " + where);
    }
    const int64_t window = o.window > 0 ? o.window : limit;
    if (o.stride > window)
    {
        throw UsageError("--stride must not exceed the window (" + std::to_string(window)
                         + " bytes for " + where + ")");
    }
}

int64_t
ParsePositive(const po::variables_map& vm, const char* name)
{
    if (!vm.count(name))
    {
        return 0;
    }
    const int64_t value = vm[name].as<int64_t>();
    if (value < 1)
    {
        throw UsageError(std::string("--") + name + " must be >= 1, got " + std::to_string(value));
    }
    return value;
}

EvalOptions
ParseOptions(int argc, char** argv, bool& help)
{
    EvalOptions o;
    po::options_description d(
        "Usage: ce-lslm-eval [options]\n\nBits per byte of byte-level models measured by the "
        "transformer kernel,\non a request workload (default) or on plain-text files (--text)."
        "\n\nOptions");
    // clang-format off
    d.add_options()
        ("help,h", "print this help and exit")
        ("model,m", po::value(&o.models)->value_name("DIR"),
         "model folder, repeatable; default: " CE_LSLM_MODELS_DIR "/cloud-llm and "
         CE_LSLM_MODELS_DIR "/edge-slm")
        ("workload,w", po::value(&o.workload)->value_name("FILE"),
         "request workload (JSONL); default: " CE_LSLM_DEFAULT_WORKLOAD)
        ("text", po::value(&o.texts)->multitoken()->value_name("FILE..."),
         "instead of a workload, plain-text files, each a document of its own")
        ("window", po::value<int64_t>()->value_name("BYTES"),
         "text: bytes per window with context (default: max_position_embeddings - 1)")
        ("stride", po::value<int64_t>()->value_name("BYTES"),
         "text: a window starts every BYTES bytes (default: the window, no overlap)")
        ("short-window", po::value<int64_t>()->value_name("BYTES"),
         "text: bytes per window without context (default: 128)")
        ("limit", po::value<int64_t>()->value_name("N"), "workload: only the first N requests")
        ("no-reuse", po::bool_switch(&o.noReuse),
         "workload: compute every request's context again instead of reusing its KV cache "
         "(slower; the same figures)")
        ("threads", po::value(&o.threads)->default_value(1)->value_name("N"), "kernel threads")
        ("json", po::value(&o.json)->value_name("FILE"), "also write JSON (\"-\": stdout)");
    // clang-format on
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
    help = vm.count("help") > 0;
    if (help)
    {
        std::cout << d;
        return o;
    }
    if (!o.texts.empty() && !o.workload.empty())
    {
        throw UsageError("give --workload or --text, not both");
    }
    const bool textMode = !o.texts.empty();
    for (const char* name : {"window", "stride", "short-window"})
    {
        if (!textMode && vm.count(name))
        {
            throw UsageError(std::string("--") + name + " applies to --text only");
        }
    }
    if (textMode && (vm.count("limit") || o.noReuse))
    {
        throw UsageError("--limit and --no-reuse apply to a workload, not to --text");
    }
    o.window = ParsePositive(vm, "window");
    o.stride = ParsePositive(vm, "stride");
    o.shortWindow = vm.count("short-window") ? ParsePositive(vm, "short-window") : SHORT_WINDOW;
    o.limit = ParsePositive(vm, "limit");
    if (o.threads < 1)
    {
        throw UsageError("--threads must be >= 1, got " + std::to_string(o.threads));
    }
    if (o.models.empty())
    {
        o.models = {CE_LSLM_MODELS_DIR "/cloud-llm", CE_LSLM_MODELS_DIR "/edge-slm"};
    }
    if (!textMode && o.workload.empty())
    {
        o.workload = CE_LSLM_DEFAULT_WORKLOAD;
    }
    return o;
}

/// The model's name in the report: its folder's name, unless an earlier model took it.
std::string
ModelName(const std::string& path, const std::vector<ModelReport>& earlier)
{
    std::string name = std::filesystem::path(path).lexically_normal().filename().string();
    if (name.empty())
    {
        name = std::filesystem::path(path).lexically_normal().parent_path().filename().string();
    }
    for (const ModelReport& r : earlier)
    {
        if (r.name == name)
        {
            return path;
        }
    }
    return name;
}

/// Everything one run measures, for the table and the JSON.
struct Run
{
    EvalOptions options;                              //!< what was asked
    std::shared_ptr<const WorkloadTrace> trace;       //!< workload mode
    std::size_t requests = 0;                         //!< workload requests evaluated
    std::vector<std::string> documents;               //!< text mode
    int64_t textBytes = 0;                            //!< text mode
    std::vector<ModelReport> reports;                 //!< per model
    std::vector<std::unique_ptr<Transformer>> models; //!< loaded models, in report order
};

nlohmann::json
RunJson(const Run& run, double wallS)
{
    const EvalOptions& o = run.options;
    nlohmann::json out;
    if (run.trace)
    {
        std::set<uint32_t> contexts;
        for (std::size_t i = 0; i < run.requests; ++i)
        {
            contexts.insert(run.trace->GetItems()[i].context);
        }
        out["workload"] = o.workload;
        out["requests"] = run.requests;
        out["contexts"] = contexts.size();
        out["reuse_context_kv"] = !o.noReuse;
        out["rule"] = "bpb = NLL bits / bytes of the continuations; with_context: input <bos> "
                      "context query continuation; without_context: <bos> query continuation; "
                      "exit heads: pass = top probability >= threshold, agreement = same argmax "
                      "as the final head; C++ kernel, FP32 compute on the stored weights";
    }
    else
    {
        out["text"] = o.texts;
        out["documents"] = run.documents.size();
        out["bytes"] = run.textBytes;
        out["short_window"] = o.shortWindow;
        out["rule"] = "bpb = NLL bits / bytes; each file (document) cut into windows scored after "
                      "<bos>, every byte once: with_context windows of `window` bytes starting "
                      "every `stride` bytes (a byte is scored in the first window holding it), "
                      "without_context non-overlapping windows of `short_window` bytes; exit "
                      "heads: pass = top probability >= threshold, agreement = same argmax as "
                      "the final head; C++ kernel, FP32 compute on the stored weights";
    }
    out["threads"] = o.threads;
    out["wall_s"] = wallS;
    out["models"] = nlohmann::json::object();
    for (const ModelReport& r : run.reports)
    {
        nlohmann::json entry = {{"path", r.path},
                                {"with_context", TallyJson(r.withContext, r.config)},
                                {"without_context", TallyJson(r.withoutContext, r.config)}};
        if (!run.trace)
        {
            entry["window"] = r.window;
            entry["stride"] = o.stride > 0 ? o.stride : r.window;
        }
        out["models"][r.name] = entry;
    }
    return out;
}

/// Reads every input and loads every model; throws UsageError or LlmError on bad input.
Run
Prepare(const EvalOptions& o)
{
    Run run;
    run.options = o;
    if (o.texts.empty())
    {
        try
        {
            run.trace = WorkloadTrace::Load(o.workload);
        }
        catch (const ns3::WorkloadError& error)
        {
            throw UsageError(error.what());
        }
        run.requests = o.limit > 0 ? std::min<std::size_t>(static_cast<std::size_t>(o.limit),
                                                           run.trace->GetItems().size())
                                   : run.trace->GetItems().size();
    }
    else
    {
        for (const std::string& path : o.texts)
        {
            run.documents.push_back(ReadTextFile(path));
            run.textBytes += static_cast<int64_t>(run.documents.back().size());
        }
        if (run.textBytes == 0)
        {
            throw UsageError("the text files hold no bytes to score");
        }
    }
    for (const std::string& path : o.models)
    {
        auto model = std::make_unique<Transformer>(ModelWeights::Load(path));
        CheckModel(path, model->Config(), o, run.trace.get(), run.requests);
        ModelReport report;
        report.name = ModelName(path, run.reports);
        report.path = path;
        report.config = model->Config();
        report.window = o.window > 0 ? o.window : model->Config().maxPositions - 1;
        run.reports.push_back(report);
        run.models.push_back(std::move(model));
    }
    return run;
}

void
Evaluate(Run& run)
{
    const EvalOptions& o = run.options;
    for (std::size_t m = 0; m < run.models.size(); ++m)
    {
        const Transformer& model = *run.models[m];
        ModelReport& r = run.reports[m];
        if (run.trace)
        {
            r.withContext = EvaluateWorkload(model, *run.trace, run.requests, true, !o.noReuse);
            r.withoutContext = EvaluateWorkload(model, *run.trace, run.requests, false, true);
        }
        else
        {
            const int64_t stride = o.stride > 0 ? o.stride : r.window;
            r.withContext = EvaluateText(model, run.documents, r.window, stride);
            r.withoutContext = EvaluateText(model, run.documents, o.shortWindow, o.shortWindow);
        }
    }
}

} // namespace

int
main(int argc, char** argv)
{
    const auto start = std::chrono::steady_clock::now();
    Run run;
    try
    {
        bool help = false;
        const EvalOptions options = ParseOptions(argc, argv, help);
        if (help)
        {
            return 0;
        }
        KernelThreads::Set(options.threads);
        run = Prepare(options);
    }
    catch (const std::exception& e) // UsageError, LlmError, po::error: all bad input
    {
        std::cerr << "ce-lslm-eval: " << e.what() << "\n";
        return 2;
    }
    try
    {
        Evaluate(run);
    }
    catch (const std::exception& e)
    {
        std::cerr << "ce-lslm-eval: " << e.what() << "\n";
        return 1;
    }
    const double wallS = Seconds(start);
    if (run.trace)
    {
        std::printf("workload %s: %zu requests\n", run.options.workload.c_str(), run.requests);
    }
    else
    {
        std::printf("text: %zu files, %lld bytes; windows with context: ",
                    run.documents.size(),
                    static_cast<long long>(run.textBytes));
        for (const ModelReport& r : run.reports)
        {
            std::printf("%s %lld ", r.name.c_str(), static_cast<long long>(r.window));
        }
        std::printf("bytes; without: %lld bytes\n",
                    static_cast<long long>(run.options.shortWindow));
    }
    PrintTable(run.reports);
    std::printf("wall time %.1f s (%d kernel threads)\n", wallS, run.options.threads);
    if (!run.options.json.empty())
    {
        const std::string text = RunJson(run, wallS).dump(2) + "\n";
        if (run.options.json == "-")
        {
            std::cout << text;
        }
        else if (!(std::ofstream(run.options.json) << text))
        {
            std::cerr << "ce-lslm-eval: cannot write " << run.options.json << "\n";
            return 1;
        }
    }
    return 0;
}
