#ifndef CE_LSLM_TOKEN_IMPORTANCE_H
#define CE_LSLM_TOKEN_IMPORTANCE_H

#include "kv-block.h"

#include "ns3/forward-options.h"

#include <cstdint>

namespace ns3
{
namespace kv
{

/**
 * \brief How important each context token is, for the "top" pruning stage of a codec.
 *
 * The sender sees only the context (the query is private to the edge), so importance comes from
 * the context's own prefill: the attention a token receives from the tokens after it, summed
 * over layers and heads, divided by the number of queries that can see it — a mean, so that
 * early tokens are not favoured just for being seen by more queries.
 */
class TokenImportance
{
  public:
    /**
     * \param prefill the result of the prefill of the context, run with
     *        ForwardOptions::attentionImportance
     * \param tokens context tokens (the prefill's, from position 0)
     * \return importance per token [tokens] (throws KvError if the prefill has no importance)
     */
    static Vector FromPrefill(const llm::ForwardResult& prefill, int64_t tokens);
};

} // namespace kv
} // namespace ns3

#endif // CE_LSLM_TOKEN_IMPORTANCE_H
