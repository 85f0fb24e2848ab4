#include "byte-tokenizer.h"

namespace ns3
{
namespace llm
{

TokenSequence
ByteTokenizer::Encode(const std::string& text, bool addBos)
{
    TokenSequence tokens;
    tokens.reserve(text.size() + 1);
    if (addBos)
    {
        tokens.push_back(BOS);
    }
    for (unsigned char byte : text)
    {
        tokens.push_back(static_cast<TokenId>(byte));
    }
    return tokens;
}

std::string
ByteTokenizer::Decode(const TokenSequence& tokens)
{
    std::string text;
    for (TokenId token : tokens)
    {
        if (token >= 0 && token < 256)
        {
            text.push_back(static_cast<char>(token));
        }
    }
    return text;
}

} // namespace llm
} // namespace ns3
