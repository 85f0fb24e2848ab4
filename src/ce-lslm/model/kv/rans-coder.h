#ifndef CE_LSLM_RANS_CODER_H
#define CE_LSLM_RANS_CODER_H

#include "byte-io.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace kv
{

/**
 * \brief Static byte-wise rANS entropy coder for symbols of an alphabet of up to 256.
 *
 * The symbol counts are normalized to frequencies summing to 2^12 (every symbol that occurs
 * gets at least 1); the coder keeps a 32-bit state in [2^23, 2^31) and emits whole bytes.
 *
 * Layout (nothing at all for zero symbols): the frequency table, for each symbol of the
 * alphabet in turn, as an LEB128 number of 1 or 2 bytes, a zero being followed by one byte
 * counting further absent symbols (a run); then the final encoder state (u32, little-endian);
 * then the renormalization bytes in the order the decoder reads them. The decoder ends in the
 * encoder's initial state, which checks the whole stream without a length field.
 */
class RansCoder
{
  public:
    static constexpr int SCALE_BITS = 12;               //!< frequencies sum to 2^SCALE_BITS
    static constexpr uint32_t TOTAL = 1u << SCALE_BITS; //!< sum of the frequencies
    static constexpr uint32_t STATE_LOW = 1u << 23;     //!< lower end of the state interval
    static constexpr int MAX_ALPHABET = 256;            //!< symbols are bytes

    /**
     * \param symbols each < alphabet
     * \param alphabet symbol count, 1..256
     * \return the coded stream (throws KvError on a symbol or alphabet out of range)
     */
    static std::vector<uint8_t> Encode(const std::vector<uint8_t>& symbols, int alphabet);
    /**
     * \param in positioned at a stream written by Encode; left just after it
     * \param count symbols to decode (the caller bounds it: it sizes the result)
     * \param alphabet as for Encode
     * \return the symbols (throws KvWireError on a bad frequency table, a state out of range,
     *         a truncated stream or one that does not end in the initial state)
     */
    static std::vector<uint8_t> Decode(ByteReader& in, std::size_t count, int alphabet);

    /// \return frequencies summing to TOTAL, >= 1 for every nonzero count (counts not all zero)
    static std::vector<uint32_t> Normalize(const std::vector<uint64_t>& counts);

  private:
    /// Append the frequency table.
    static void WriteTable(const std::vector<uint32_t>& frequencies, ByteWriter& out);
    /// \return the frequency table of an alphabet (throws KvWireError unless it sums to TOTAL)
    static std::vector<uint32_t> ReadTable(ByteReader& in, int alphabet);
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_RANS_CODER_H
