#include "rans-coder.h"

#include "kv-error.h"

#include <algorithm>
#include <string>

namespace ns3
{
namespace kv
{

namespace
{

/// Longest run of absent symbols one run byte counts (after the zero itself).
constexpr uint32_t MAX_RUN = 255;

/// \return cumulative frequencies: start of each symbol's slot range
std::vector<uint32_t>
Cumulative(const std::vector<uint32_t>& frequencies)
{
    std::vector<uint32_t> starts(frequencies.size(), 0);
    uint32_t sum = 0;
    for (std::size_t s = 0; s < frequencies.size(); ++s)
    {
        starts[s] = sum;
        sum += frequencies[s];
    }
    return starts;
}

/// Throw KvError unless the alphabet has 1..256 symbols.
void
CheckAlphabet(int alphabet)
{
    if (alphabet < 1 || alphabet > RansCoder::MAX_ALPHABET)
    {
        throw KvError("rANS alphabet of " + std::to_string(alphabet) + " symbols, not 1..256");
    }
}

} // namespace

std::vector<uint32_t>
RansCoder::Normalize(const std::vector<uint64_t>& counts)
{
    uint64_t total = 0;
    for (uint64_t count : counts)
    {
        total += count;
    }
    if (total == 0 || counts.size() > TOTAL)
    {
        throw KvError("rANS frequencies need some symbols and at most " + std::to_string(TOTAL)
                      + " of them");
    }
    std::vector<uint32_t> frequencies(counts.size(), 0);
    uint32_t sum = 0;
    for (std::size_t s = 0; s < counts.size(); ++s)
    {
        if (counts[s] > 0)
        {
            frequencies[s] =
                static_cast<uint32_t>(std::max<uint64_t>(1, counts[s] * TOTAL / total));
            sum += frequencies[s];
        }
    }
    // Rounding down leaves slots over: they go to the most frequent symbol, where they cost
    // least. Raising rare symbols to 1 may overshoot: the largest frequencies give slots back
    // (they cannot all be 1, since there are fewer symbols than slots).
    const auto largest = [&frequencies]()
    {
        return static_cast<std::size_t>(std::max_element(frequencies.begin(), frequencies.end())
                                        - frequencies.begin());
    };
    if (sum < TOTAL)
    {
        frequencies[largest()] += TOTAL - sum;
    }
    while (sum > TOTAL)
    {
        const std::size_t s = largest();
        const uint32_t take = std::min(sum - TOTAL, frequencies[s] - 1);
        frequencies[s] -= take;
        sum -= take;
    }
    return frequencies;
}

void
RansCoder::WriteTable(const std::vector<uint32_t>& frequencies, ByteWriter& out)
{
    for (std::size_t s = 0; s < frequencies.size(); ++s)
    {
        const uint32_t f = frequencies[s];
        if (f == 0)
        {
            uint32_t run = 0;
            while (run < MAX_RUN && s + 1 < frequencies.size() && frequencies[s + 1] == 0)
            {
                ++run;
                ++s;
            }
            out.PutU8(0);
            out.PutU8(static_cast<uint8_t>(run));
        }
        else if (f < 0x80)
        {
            out.PutU8(static_cast<uint8_t>(f));
        }
        else
        {
            out.PutU8(static_cast<uint8_t>(0x80 | (f & 0x7f)));
            out.PutU8(static_cast<uint8_t>(f >> 7));
        }
    }
}

std::vector<uint32_t>
RansCoder::ReadTable(ByteReader& in, int alphabet)
{
    std::vector<uint32_t> frequencies(alphabet, 0);
    uint32_t sum = 0;
    for (int s = 0; s < alphabet; ++s)
    {
        uint32_t f = in.GetU8("rANS frequency");
        if (f == 0)
        {
            const int run = in.GetU8("rANS run of absent symbols");
            if (s + run >= alphabet)
            {
                in.Fail("rANS run of " + std::to_string(run) + " absent symbols after symbol "
                        + std::to_string(s) + " passes the alphabet of "
                        + std::to_string(alphabet));
            }
            s += run;
            continue;
        }
        if (f & 0x80)
        {
            const uint32_t high = in.GetU8("rANS frequency");
            if (high == 0 || high > (TOTAL >> 7))
            {
                in.Fail("rANS frequency byte " + std::to_string(high) + " is not a 2-byte number");
            }
            f = (f & 0x7f) | (high << 7);
        }
        frequencies[s] = f;
        sum += f; // at most 256 * 4096: no overflow
    }
    if (sum != TOTAL)
    {
        in.Fail("rANS frequencies sum to " + std::to_string(sum) + ", not "
                + std::to_string(TOTAL));
    }
    return frequencies;
}

std::vector<uint8_t>
RansCoder::Encode(const std::vector<uint8_t>& symbols, int alphabet)
{
    CheckAlphabet(alphabet);
    if (symbols.empty())
    {
        return {};
    }
    std::vector<uint64_t> counts(alphabet, 0);
    for (uint8_t symbol : symbols)
    {
        if (symbol >= alphabet)
        {
            throw KvError("rANS symbol " + std::to_string(symbol) + " outside the alphabet of "
                          + std::to_string(alphabet));
        }
        ++counts[symbol];
    }
    const std::vector<uint32_t> frequencies = Normalize(counts);
    const std::vector<uint32_t> starts = Cumulative(frequencies);

    // rANS is last in, first out: encode backwards so that the decoder reads forwards.
    std::vector<uint8_t> backwards;
    uint32_t state = STATE_LOW;
    for (auto it = symbols.rbegin(); it != symbols.rend(); ++it)
    {
        const uint32_t f = frequencies[*it];
        const uint32_t limit = ((STATE_LOW >> SCALE_BITS) << 8) * f;
        while (state >= limit)
        {
            backwards.push_back(static_cast<uint8_t>(state));
            state >>= 8;
        }
        state = ((state / f) << SCALE_BITS) + state % f + starts[*it];
    }
    ByteWriter out;
    WriteTable(frequencies, out);
    out.PutU32(state);
    out.PutBytes(std::vector<uint8_t>(backwards.rbegin(), backwards.rend()));
    return out.Take();
}

std::vector<uint8_t>
RansCoder::Decode(ByteReader& in, std::size_t count, int alphabet)
{
    CheckAlphabet(alphabet);
    if (count == 0)
    {
        return {};
    }
    const std::vector<uint32_t> frequencies = ReadTable(in, alphabet);
    const std::vector<uint32_t> starts = Cumulative(frequencies);
    std::vector<uint8_t> slotSymbol(TOTAL);
    for (int s = 0; s < alphabet; ++s)
    {
        std::fill_n(slotSymbol.begin() + starts[s], frequencies[s], static_cast<uint8_t>(s));
    }
    uint32_t state = in.GetU32("rANS state");
    if (state < STATE_LOW || state >= (STATE_LOW << 8))
    {
        in.Fail("rANS state " + std::to_string(state) + " outside [2^23, 2^31)");
    }
    std::vector<uint8_t> symbols(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        // state >= 2^23 here, so the new state is >= 2^11 and at most two bytes renormalize it
        // back into [2^23, 2^31): the loop ends whatever the bytes.
        const uint32_t slot = state & (TOTAL - 1);
        const uint8_t s = slotSymbol[slot];
        symbols[i] = s;
        state = frequencies[s] * (state >> SCALE_BITS) + slot - starts[s];
        while (state < STATE_LOW)
        {
            state = (state << 8) | in.GetU8("rANS stream");
        }
    }
    if (state != STATE_LOW)
    {
        in.Fail("rANS stream does not end in the initial state (corrupted)");
    }
    return symbols;
}

} // namespace kv
} // namespace ns3
