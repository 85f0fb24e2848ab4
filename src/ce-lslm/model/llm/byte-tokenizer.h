#ifndef CE_LSLM_BYTE_TOKENIZER_H
#define CE_LSLM_BYTE_TOKENIZER_H

#include "tensor-types.h"

#include <string>

namespace ns3
{
namespace llm
{

/**
 * \brief The default tokenizer: one token per UTF-8 byte, plus four special tokens.
 *
 * Ids 0..255 are bytes; 256 <bos>, 257 <eos>, 258 <pad>, 259 <sep>. Byte-level tokens make
 * bits per byte and bits per token the same number and need no vocabulary file. Models with
 * other tokenizers take pre-tokenized ids instead (config "tokenizer": "ids").
 */
class ByteTokenizer
{
  public:
    static constexpr TokenId BOS = 256;   //!< beginning of sequence
    static constexpr TokenId EOS = 257;   //!< end of sequence
    static constexpr TokenId PAD = 258;   //!< padding
    static constexpr TokenId SEP = 259;   //!< separator (e.g. between context and query)
    static constexpr int64_t VOCAB = 260; //!< vocabulary size

    /**
     * \param text bytes to encode
     * \param addBos whether to start with <bos>
     * \return one id per byte
     */
    static TokenSequence Encode(const std::string& text, bool addBos = false);
    /// \return the bytes of the byte tokens; special tokens are dropped
    static std::string Decode(const TokenSequence& tokens);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_BYTE_TOKENIZER_H
