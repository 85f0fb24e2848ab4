/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// ce-lslm-kv-eval: what the cloud's context KV is worth to the edge model, per codec.
//
// For every context of a request workload the cloud model prefills <bos> + context (keeping the
// attention each token receives), the alignment maps its KV into the edge model's space, and
// the edge model answers each request of that context (query, then the true continuation,
// teacher-forced) under these conditions:
//   none     no context: <bos> query
//   own      the edge's own full prefill of <bos> + context
//   aligned  the aligned cloud KV, uncompressed (FP32), with the edge's local layers computed
//   <spec>   the aligned cloud KV sent through a KV stream compressed with <spec> and decoded
// Reported per condition: bits per byte of the continuations, greedy accuracy, how often the
// greedy prediction equals the one after the edge's own prefill (agreement), and for the
// streams: payload bytes per context token, compression ratio against fp16, bases and framing
// bytes, and per receiving layer the relative reconstruction error against the uncompressed
// aligned KV (codec error) and against the edge's own KV (total error).
//
// Exit codes: 0 success, 1 runtime error, 2 bad command line, model, alignment or workload.

#include "cli-support.h"

#include "ns3/byte-tokenizer.h"
#include "ns3/context-assembler.h"
#include "ns3/evaluator.h"
#include "ns3/kernel-threads.h"
#include "ns3/kv-alignment.h"
#include "ns3/kv-error.h"
#include "ns3/kv-receiver.h"
#include "ns3/kv-sender.h"
#include "ns3/llm-error.h"
#include "ns3/token-importance.h"
#include "ns3/transformer.h"
#include "ns3/workload-trace.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace po = boost::program_options;
using namespace ns3::kv;
using ce_lslm_cli::UsageError;
using ns3::llm::ByteTokenizer;
using ns3::llm::KvCache;
using ns3::llm::TokenSequence;
using ns3::llm::Transformer;

namespace
{

/// The default codecs: the reference, quantization alone, PCA, pruning and their compositions.
const char* DEFAULT_SPECS = "fp16,q8,q4,q4+rans,q2,q2w16+rans,pca32+q8,pca16+q4,pca16+q4+rans,"
                            "top50+q4+rans,top50+pca16+q4+rans";

struct Options
{
    std::string cloud;
    std::string edge;
    std::string alignment;
    std::string workload;
    std::vector<std::string> specs;
    int64_t limit = 0;
    int threads = 1;
    std::string csv;
    std::string json;
};

/// What one condition accumulates over the workload.
struct Condition
{
    std::string name;                     //!< none, own, aligned, or the spec
    std::unique_ptr<KvSender> sender;     //!< for a spec
    double nats = 0;                      //!< continuation NLL
    int64_t bytes = 0;                    //!< continuation bytes
    int64_t tokens = 0;                   //!< continuation tokens
    int64_t hits = 0;                     //!< greedy hits
    int64_t sameAsOwn = 0;                //!< greedy predictions equal to the own prefill's
    uint64_t kvBytes = 0;                 //!< stream payload bytes of KV chunks
    uint64_t basisBytes = 0;              //!< BASIS payload bytes (once per layer)
    uint64_t framingBytes = 0;            //!< headers and CRCs
    int64_t keptTokens = 0;               //!< context tokens delivered (all receiving layers)
    std::map<int64_t, double> codecSq;    //!< per layer: sum of squared codec errors
    std::map<int64_t, double> totalSq;    //!< per layer: sum of squared errors against own KV
    std::map<int64_t, double> normSq;     //!< per layer: sum of squared norms of the reference
    std::map<int64_t, double> ownSq;      //!< per layer: sum of squared norms of own KV
    std::map<int64_t, int64_t> bases;     //!< PCA bases the receiver holds, as the sender knows
    std::unique_ptr<KvReceiver> receiver; //!< the edge: keeps the bases across streams
};

/// Context-level inputs shared by every condition.
struct ContextRun
{
    TokenSequence tokens;         //!< <bos> + context
    KvCache own;                  //!< the edge's own prefill
    std::vector<KvBlock> aligned; //!< the aligned cloud KV
    ns3::llm::Vector importance;  //!< mean attention each token received at the cloud
};

/// Add the error of a delivered block against reference rows of the same layer (row = position).
void
AddError(const KvBlock& got,
         const Eigen::Ref<const Matrix>& referenceKeys,
         const Eigen::Ref<const Matrix>& referenceValues,
         double& errorSq,
         double& normSq)
{
    for (int64_t i = 0; i < got.Tokens(); ++i)
    {
        const auto row = static_cast<Eigen::Index>(got.positions[static_cast<std::size_t>(i)]);
        errorSq += (got.keys.row(i) - referenceKeys.row(row)).cast<double>().squaredNorm()
                   + (got.values.row(i) - referenceValues.row(row)).cast<double>().squaredNorm();
        normSq += referenceKeys.row(row).cast<double>().squaredNorm()
                  + referenceValues.row(row).cast<double>().squaredNorm();
    }
}

class KvEvaluation
{
  public:
    KvEvaluation(const Options& o)
        : m_options(o)
        , m_cloud(Transformer::Load(o.cloud))
        , m_edge(Transformer::Load(o.edge))
        , m_alignment(KvAlignment::Load(o.alignment))
        , m_assembler(m_edge, m_alignment)
        , m_trace(ns3::WorkloadTrace::Load(o.workload))
    {
        m_alignment.CheckModels(m_cloud.Config(), m_edge.Config());
        for (const char* name : {"own", "none", "aligned"}) // own first: the others compare to it
        {
            m_conditions.emplace_back();
            m_conditions.back().name = name;
        }
        for (const std::string& spec : o.specs)
        {
            m_conditions.emplace_back();
            m_conditions.back().name = spec;
            m_conditions.back().sender =
                std::make_unique<KvSender>(m_alignment, KvCodec::Parse(spec));
            m_conditions.back().receiver = std::make_unique<KvReceiver>(m_alignment);
        }
    }

    void Run()
    {
        std::map<uint32_t, std::vector<const ns3::WorkloadItem*>> byContext;
        const auto& items = m_trace->GetItems();
        const std::size_t count = m_options.limit > 0
                                      ? std::min<std::size_t>(m_options.limit, items.size())
                                      : items.size();
        for (std::size_t i = 0; i < count; ++i)
        {
            byContext[items[i].context].push_back(&items[i]);
        }
        for (const auto& [context, requests] : byContext)
        {
            const ContextRun run = Prepare(m_trace->GetContext(context).text);
            m_contextTokens += static_cast<int64_t>(run.tokens.size());
            for (Condition& condition : m_conditions)
            {
                const KvCache cache = Build(condition, run);
                for (const ns3::WorkloadItem* item : requests)
                {
                    Score(condition, cache, *item);
                }
            }
            m_requests += static_cast<int64_t>(requests.size());
            ++m_contexts;
        }
    }

    nlohmann::json Json() const;
    void WriteCsv(std::ostream& out) const;
    void PrintTable() const;

  private:
    ContextRun Prepare(const std::string& text) const
    {
        ContextRun run;
        run.tokens = ByteTokenizer::Encode(text, true);
        const auto n = static_cast<int64_t>(run.tokens.size());
        ns3::llm::ForwardOptions options;
        options.logits = ns3::llm::ForwardOptions::Logits::NONE;
        options.attentionImportance = true;
        KvCache cloud(m_cloud.Config());
        run.importance =
            TokenImportance::FromPrefill(m_cloud.Forward(run.tokens, cloud, options), n);
        run.aligned = m_alignment.Project(cloud, 0, n);
        run.own = KvCache(m_edge.Config());
        options.attentionImportance = false;
        m_edge.Forward(run.tokens, run.own, options);
        return run;
    }

    KvCache Build(Condition& c, const ContextRun& run) const
    {
        if (c.name == "none")
        {
            return KvCache(m_edge.Config());
        }
        if (c.name == "own")
        {
            return run.own;
        }
        std::vector<KvBlock> delivered = run.aligned;
        if (c.sender)
        {
            const EncodedKv encoded = c.sender->Encode(run.aligned, &run.importance, c.bases);
            c.kvBytes += encoded.kvBytes;
            c.basisBytes += encoded.basisBytes;
            c.framingBytes += encoded.framingBytes;
            c.receiver->BeginStream();
            delivered = c.receiver->Feed(encoded.bytes.data(), encoded.bytes.size());
            c.receiver->Finish();
        }
        for (std::size_t b = 0; b < delivered.size(); ++b)
        {
            const KvBlock& block = delivered[b];
            const KvBlock& aligned = run.aligned[b]; // one block per layer, in the same order
            if (aligned.layer != block.layer)
            {
                throw KvError("the stream delivered layer " + std::to_string(block.layer)
                              + " where layer " + std::to_string(aligned.layer) + " was sent");
            }
            const ns3::llm::KvLayer& own = run.own.Layer(block.layer);
            c.keptTokens += block.Tokens();
            AddError(block,
                     aligned.keys,
                     aligned.values,
                     c.codecSq[block.layer],
                     c.normSq[block.layer]);
            AddError(block, own.Keys(), own.Values(), c.totalSq[block.layer], c.ownSq[block.layer]);
        }
        return m_assembler.Assemble(run.tokens, delivered, nullptr);
    }

    void Score(Condition& c, const KvCache& contextCache, const ns3::WorkloadItem& item)
    {
        KvCache cache = contextCache;
        TokenSequence prompt = ByteTokenizer::Encode(item.query, c.name == "none");
        const ns3::llm::ContinuationScore score =
            ns3::llm::Evaluator::ScoreAfterPrompt(m_edge,
                                                  cache,
                                                  prompt,
                                                  ByteTokenizer::Encode(item.continuation));
        c.nats += score.nllNats;
        c.bytes += score.bytes;
        c.tokens += score.tokens;
        c.hits += score.greedyHits;
        // The conditions run in order for each context, own first.
        ns3::llm::TokenSequence& own = m_ownPredictions[item.index];
        if (c.name == "own")
        {
            own = score.predictions;
        }
        for (std::size_t i = 0; i < own.size(); ++i)
        {
            c.sameAsOwn += own[i] == score.predictions[i] ? 1 : 0;
        }
    }

    const Condition* Reference() const
    {
        for (const Condition& c : m_conditions)
        {
            if (c.sender && c.sender->Codec().IsReference())
            {
                return &c;
            }
        }
        return nullptr;
    }

    Options m_options;
    Transformer m_cloud;
    Transformer m_edge;
    KvAlignment m_alignment;
    ContextAssembler m_assembler;
    std::shared_ptr<const ns3::WorkloadTrace> m_trace;
    std::vector<Condition> m_conditions;
    std::map<uint32_t, ns3::llm::TokenSequence> m_ownPredictions; //!< by request index
    int64_t m_contexts = 0;
    int64_t m_requests = 0;
    int64_t m_contextTokens = 0;
};

double
Bpb(const Condition& c)
{
    return c.bytes > 0 ? c.nats / std::log(2.0) / static_cast<double>(c.bytes) : 0.0;
}

double
LayerError(const std::map<int64_t, double>& errorSq,
           const std::map<int64_t, double>& normSq,
           int64_t layer)
{
    const auto e = errorSq.find(layer);
    const auto n = normSq.find(layer);
    return e == errorSq.end() || n->second <= 0 ? 0.0 : std::sqrt(e->second / n->second);
}

nlohmann::json
KvEvaluation::Json() const
{
    const Condition* reference = Reference();
    nlohmann::json conditions = nlohmann::json::array();
    for (const Condition& c : m_conditions)
    {
        nlohmann::json j{
            {"condition", c.sender ? "compressed" : c.name},
            {"spec", c.sender ? c.name : ""},
            {"bpb", Bpb(c)},
            {"accuracy", c.tokens ? double(c.hits) / double(c.tokens) : 0.0},
            {"agreement_with_own", c.tokens ? double(c.sameAsOwn) / double(c.tokens) : 0.0}};
        if (c.name != "none" && c.name != "own")
        {
            nlohmann::json codec = nlohmann::json::object();
            nlohmann::json total = nlohmann::json::object();
            for (int64_t layer : m_alignment.ReceivingLayers())
            {
                codec[std::to_string(layer)] = LayerError(c.codecSq, c.normSq, layer);
                total[std::to_string(layer)] = LayerError(c.totalSq, c.ownSq, layer);
            }
            j["codec_error"] = codec;
            j["total_error"] = total;
            const double layers = double(m_alignment.ReceivingLayers().size());
            j["kept_fraction"] = double(c.keptTokens) / (layers * double(m_contextTokens));
        }
        if (c.sender)
        {
            j["kv_bytes"] = c.kvBytes;
            j["basis_bytes"] = c.basisBytes;
            j["framing_bytes"] = c.framingBytes;
            j["bytes_per_context_token"] = double(c.kvBytes) / double(m_contextTokens);
            j["ratio_vs_fp16"] =
                reference && c.kvBytes ? double(reference->kvBytes) / double(c.kvBytes) : 0.0;
        }
        conditions.push_back(j);
    }
    nlohmann::json fusion = nlohmann::json::object();
    for (int64_t layer : m_alignment.ReceivingLayers())
    {
        fusion[std::to_string(layer)] = m_alignment.Link(layer).fusionLogWeight;
    }
    using ce_lslm_cli::SourceRelative;
    return {{"cloud", SourceRelative(m_options.cloud)},
            {"edge", SourceRelative(m_options.edge)},
            {"alignment",
             {{"path", SourceRelative(m_options.alignment)},
              {"mapping", m_alignment.Mapping().ToString()},
              {"fusion_log_weights", fusion}}},
            {"workload", SourceRelative(m_options.workload)},
            {"contexts", m_contexts},
            {"requests", m_requests},
            {"context_tokens", m_contextTokens},
            {"conditions", conditions}};
}

void
KvEvaluation::WriteCsv(std::ostream& out) const
{
    const nlohmann::json j = Json();
    const std::vector<int64_t> layers = m_alignment.ReceivingLayers();
    out << "condition,spec,bpb,accuracy,agreement_with_own,bytes_per_context_token,ratio_vs_fp16,"
           "kv_bytes,"
           "basis_bytes,framing_bytes,kept_fraction";
    for (const char* what : {"codec_error", "total_error"})
    {
        for (int64_t layer : layers)
        {
            out << "," << what << "_l" << layer;
        }
    }
    out << "\n";
    auto field = [](const nlohmann::json& row, const char* key)
    {
        return row.contains(key) ? row[key].dump() : std::string();
    };
    for (const nlohmann::json& row : j["conditions"])
    {
        out << row["condition"].get<std::string>() << "," << row["spec"].get<std::string>();
        for (const char* key : {"bpb",
                                "accuracy",
                                "agreement_with_own",
                                "bytes_per_context_token",
                                "ratio_vs_fp16",
                                "kv_bytes",
                                "basis_bytes",
                                "framing_bytes",
                                "kept_fraction"})
        {
            out << "," << field(row, key);
        }
        for (const char* what : {"codec_error", "total_error"})
        {
            for (int64_t layer : layers)
            {
                out << "," << (row.contains(what) ? row[what][std::to_string(layer)].dump() : "");
            }
        }
        out << "\n";
    }
}

void
KvEvaluation::PrintTable() const
{
    const nlohmann::json j = Json();
    std::printf("%lld requests over %lld contexts (%lld context tokens); alignment %s, edge "
                "layers <- cloud layers: %s\n",
                static_cast<long long>(m_requests),
                static_cast<long long>(m_contexts),
                static_cast<long long>(m_contextTokens),
                ce_lslm_cli::SourceRelative(m_options.alignment).c_str(),
                m_alignment.Mapping().ToString().c_str());
    std::puts("condition                  bpb    acc  agree  B/ctx-tok  x fp16   kept"
              "  codec err  total err");
    for (const nlohmann::json& row : j["conditions"])
    {
        const std::string name = row["spec"].get<std::string>().empty()
                                     ? row["condition"].get<std::string>()
                                     : row["spec"].get<std::string>();
        auto mean = [&row](const char* what)
        {
            double sum = 0;
            for (const auto& [layer, value] : row[what].items())
            {
                sum += value.get<double>();
            }
            return row[what].empty() ? 0.0 : sum / static_cast<double>(row[what].size());
        };
        std::printf("%-22s %7.4f %6.3f %6.3f",
                    name.c_str(),
                    row["bpb"].get<double>(),
                    row["accuracy"].get<double>(),
                    row["agreement_with_own"].get<double>());
        if (row.contains("kv_bytes"))
        {
            std::printf(" %10.1f %7.2f",
                        row["bytes_per_context_token"].get<double>(),
                        row["ratio_vs_fp16"].get<double>());
        }
        else
        {
            std::printf(" %10s %7s", "", "");
        }
        if (row.contains("codec_error"))
        {
            std::printf(" %6.3f %10.4f %10.4f",
                        row["kept_fraction"].get<double>(),
                        mean("codec_error"),
                        mean("total_error"));
        }
        std::printf("\n");
    }
}

std::vector<std::string>
SplitSpecs(const std::string& list)
{
    std::vector<std::string> specs;
    std::stringstream in(list);
    std::string spec;
    bool reference = false;
    while (std::getline(in, spec, ','))
    {
        if (spec.empty())
        {
            throw UsageError("--specs: empty spec in '" + list + "'");
        }
        // Parsing reports a bad spec before any work.
        reference = reference || KvCodec::Parse(spec).IsReference();
        specs.push_back(spec);
    }
    if (!reference)
    {
        specs.insert(specs.begin(), "fp16"); // the ratios are against it
    }
    return specs;
}

Options
ParseOptions(int argc, char** argv, bool& help)
{
    Options o;
    std::string specs;
    po::options_description d("Usage: ce-lslm-kv-eval [options]\n\nEdge bits per byte with the "
                              "cloud's context KV, aligned and compressed\nby each codec, on a "
                              "request workload.\n\nOptions");
    // clang-format off
    d.add_options()
        ("help,h", "print this help")
        ("cloud", po::value(&o.cloud)->default_value(CE_LSLM_MODELS_DIR "/cloud-llm"),
         "cloud model folder (sends its context KV)")
        ("edge", po::value(&o.edge)->default_value(CE_LSLM_MODELS_DIR "/edge-slm"),
         "edge model folder (receives it)")
        ("alignment", po::value(&o.alignment)->default_value(
             CE_LSLM_MODELS_DIR "/kv-alignment.safetensors"), "alignment file (ce-lslm-kv-align)")
        ("workload", po::value(&o.workload)->default_value(CE_LSLM_DEFAULT_WORKLOAD),
         "request workload (JSONL, traces/README.md)")
        ("specs", po::value(&specs)->default_value(DEFAULT_SPECS),
         "comma-separated codec specs (fp16 is added if missing)")
        ("limit", po::value(&o.limit)->default_value(0), "first N requests only (0: all)")
        ("threads", po::value(&o.threads)->default_value(1), "kernel threads")
        ("csv", po::value(&o.csv), "write one row per condition to this CSV file")
        ("json", po::value(&o.json), "write the results as JSON to this file (- for stdout)");
    // clang-format on
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
    if (vm.count("help"))
    {
        std::cout << d
                  << "\nColumns: bpb of the continuations; acc greedy accuracy; agree greedy "
                     "prediction equal to the one after the edge's own prefill; B/ctx-tok "
                     "KV payload bytes per context token (all receiving layers); x fp16 "
                     "compression against fp16; kept fraction of context tokens; codec err "
                     "relative error against the uncompressed aligned KV; total err against "
                     "the edge's own KV (means over receiving layers).\n";
        help = true;
        return o;
    }
    if (o.limit < 0 || o.threads < 1)
    {
        throw UsageError("--limit must be >= 0 and --threads >= 1");
    }
    o.specs = SplitSpecs(specs);
    return o;
}

bool
WriteOutput(const std::string& path, const std::string& text)
{
    if (path == "-")
    {
        std::cout << text;
        return true;
    }
    std::ofstream out(path);
    return static_cast<bool>(out << text);
}

} // namespace

int
main(int argc, char** argv)
{
    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<KvEvaluation> evaluation;
    Options options;
    try
    {
        bool help = false;
        options = ParseOptions(argc, argv, help);
        if (help)
        {
            return 0;
        }
        ns3::llm::KernelThreads::Set(options.threads);
        evaluation = std::make_unique<KvEvaluation>(options);
    }
    catch (const std::exception& e) // UsageError, KvError, LlmError, WorkloadError, po::error
    {
        std::cerr << "ce-lslm-kv-eval: " << e.what() << "\n";
        return 2;
    }
    try
    {
        evaluation->Run();
    }
    catch (const std::exception& e)
    {
        std::cerr << "ce-lslm-kv-eval: " << e.what() << "\n";
        return 1;
    }
    evaluation->PrintTable();
    std::printf("wall time %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::ostringstream csv;
    evaluation->WriteCsv(csv);
    if ((!options.csv.empty() && !WriteOutput(options.csv, csv.str()))
        || (!options.json.empty() && !WriteOutput(options.json, evaluation->Json().dump(2) + "\n")))
    {
        std::cerr << "ce-lslm-kv-eval: cannot write the output files\n";
        return 1;
    }
    return 0;
}
