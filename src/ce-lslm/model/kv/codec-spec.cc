#include "codec-spec.h"

#include "kv-error.h"

#include <vector>

namespace ns3
{
namespace kv
{

namespace
{

/// Where a stage must appear in a spec: stages come in this order, each at most once.
enum class StageSlot
{
    TOP = 0,
    PCA = 1,
    VALUES = 2, // fp16 or q<B>
    RANS = 3,
};

/// Reading more digits than this saturates, so a huge number is reported as out of range
/// rather than overflowing.
constexpr int MAX_DIGITS = 12;

/// Throws the KvError of a spec that does not parse, naming the spec and the stage.
[[noreturn]] void
Fail(const std::string& spec, const std::string& stage, const std::string& problem)
{
    throw KvError("codec spec '" + spec + "': stage '" + stage + "': " + problem);
}

/// \return the '+'-separated stages of spec, empty ones included (so that "q4+" is refused)
std::vector<std::string>
SplitStages(const std::string& spec)
{
    std::vector<std::string> stages(1);
    for (char c : spec)
    {
        if (c == '+')
        {
            stages.emplace_back();
        }
        else
        {
            stages.back() += c;
        }
    }
    return stages;
}

/**
 * Read a decimal number at text[pos], advancing pos past its digits.
 * \return whether there was at least one digit (value saturates past MAX_DIGITS digits)
 */
bool
ReadNumber(const std::string& text, std::size_t& pos, int64_t& value)
{
    const std::size_t start = pos;
    value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
    {
        if (pos - start < MAX_DIGITS)
        {
            value = value * 10 + (text[pos] - '0');
        }
        ++pos;
    }
    return pos > start;
}

/// \return the number that makes up all of text after prefix, or -1 if text is not that
int64_t
NumberAfter(const std::string& text, std::size_t prefix)
{
    std::size_t pos = prefix;
    int64_t value = 0;
    return (ReadNumber(text, pos, value) && pos == text.size()) ? value : -1;
}

/// Parse "q<B>[g<G>][w<W>]" into spec (stage starts with 'q').
void
ParseQuantizer(const std::string& full, const std::string& stage, CodecSpec& spec)
{
    std::size_t pos = 1;
    int64_t bits = 0;
    bool ok = ReadNumber(stage, pos, bits);
    if (ok && pos < stage.size() && stage[pos] == 'g')
    {
        ++pos;
        ok = ReadNumber(stage, pos, spec.group);
    }
    if (ok && pos < stage.size() && stage[pos] == 'w')
    {
        ++pos;
        ok = ReadNumber(stage, pos, spec.recent);
    }
    if (!ok || pos != stage.size())
    {
        Fail(full, stage, "malformed quantization stage, expected q<B>[g<G>][w<W>]");
    }
    if (bits != 8 && bits != 4 && bits != 3 && bits != 2)
    {
        Fail(full, stage, "bits must be 8, 4, 3 or 2");
    }
    if (spec.group < 1 || spec.group > CodecSpec::MAX_GROUP)
    {
        Fail(full, stage, "group size must be 1.." + std::to_string(CodecSpec::MAX_GROUP));
    }
    if (spec.recent > CodecSpec::MAX_RECENT)
    {
        Fail(full, stage, "recent window must be 0.." + std::to_string(CodecSpec::MAX_RECENT));
    }
    spec.bits = static_cast<int>(bits);
}

/// Parse one stage into spec. \return the slot it occupies
StageSlot
ParseStage(const std::string& full, const std::string& stage, CodecSpec& spec)
{
    if (stage.empty())
    {
        Fail(full, stage, "empty stage");
    }
    if (stage == "fp16")
    {
        return StageSlot::VALUES;
    }
    if (stage == "rans")
    {
        spec.rans = true;
        return StageSlot::RANS;
    }
    if (stage[0] == 'q' && stage.size() > 1 && stage[1] >= '0' && stage[1] <= '9')
    {
        ParseQuantizer(full, stage, spec);
        return StageSlot::VALUES;
    }
    if (stage.rfind("top", 0) == 0)
    {
        const int64_t percent = NumberAfter(stage, 3);
        if (percent < 1 || percent > 100)
        {
            Fail(full, stage, "percent of tokens kept must be 1..100");
        }
        spec.keepPercent = static_cast<int>(percent);
        return StageSlot::TOP;
    }
    if (stage.rfind("pca", 0) == 0)
    {
        spec.pcaRank = NumberAfter(stage, 3);
        if (spec.pcaRank < 1 || spec.pcaRank > CodecSpec::MAX_PCA_RANK)
        {
            Fail(full, stage, "rank must be 1.." + std::to_string(CodecSpec::MAX_PCA_RANK));
        }
        return StageSlot::PCA;
    }
    Fail(full, stage, "unknown stage, expected top<P>, pca<R>, fp16, q<B>[g<G>][w<W>] or rans");
}

} // namespace

CodecSpec
CodecSpec::Parse(const std::string& spec)
{
    CodecSpec parsed;
    int last = -1;
    for (const std::string& stage : SplitStages(spec))
    {
        const int slot = static_cast<int>(ParseStage(spec, stage, parsed));
        if (slot == last)
        {
            Fail(spec, stage, "duplicate stage (top, pca, fp16 or q, and rans at most once each)");
        }
        if (slot < last)
        {
            Fail(spec, stage, "out of order, stages go top, pca, fp16 or q, rans");
        }
        last = slot;
    }
    if (parsed.rans && !parsed.Quantized())
    {
        Fail(spec, "rans", "needs a q<B> stage before it (FP16 values are not entropy-coded)");
    }
    return parsed;
}

std::string
CodecSpec::ToString() const
{
    std::vector<std::string> stages;
    if (keepPercent != NO_PRUNING)
    {
        stages.push_back("top" + std::to_string(keepPercent));
    }
    if (pcaRank > 0)
    {
        stages.push_back("pca" + std::to_string(pcaRank));
    }
    if (Quantized())
    {
        std::string q = "q" + std::to_string(bits);
        q += group != DEFAULT_GROUP ? "g" + std::to_string(group) : "";
        q += recent != 0 ? "w" + std::to_string(recent) : "";
        stages.push_back(q);
    }
    else if (stages.empty())
    {
        stages.push_back("fp16");
    }
    if (rans)
    {
        stages.push_back("rans");
    }
    std::string text = stages[0];
    for (std::size_t i = 1; i < stages.size(); ++i)
    {
        text += "+" + stages[i];
    }
    return text;
}

bool
CodecSpec::Quantized() const
{
    return bits != FP16_BITS;
}

} // namespace kv
} // namespace ns3
