/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "request-record.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RequestRecord");

std::optional<Time>
RequestRecord::GetTtft() const
{
    if (!firstToken)
    {
        return std::nullopt;
    }
    return *firstToken - issued;
}

std::optional<Time>
RequestRecord::GetTpot() const
{
    if (outcome != COMPLETED || tokensReceived < 2 || !firstToken || !lastToken)
    {
        return std::nullopt;
    }
    return (*lastToken - *firstToken) / static_cast<int64_t>(tokensReceived - 1);
}

std::optional<Time>
RequestRecord::GetE2e() const
{
    if (outcome != COMPLETED || !ended)
    {
        return std::nullopt;
    }
    return *ended - issued;
}

std::string
RequestRecord::OutcomeName(Outcome outcome)
{
    switch (outcome)
    {
        case COMPLETED:
            return "completed";
        case FAILED:
            return "failed";
        case PENDING:
            return "pending";
    }
    return "?";
}

std::string
RequestRecord::GetOutcomeLabel() const
{
    if (outcome == COMPLETED && !fallback.empty())
    {
        return "completed_fallback";
    }
    return OutcomeName(outcome);
}

bool
RequestRecord::IsCompletedWithin(Time deadline) const
{
    const std::optional<Time> e2e = GetE2e();
    return e2e && (deadline.IsZero() || *e2e <= deadline);
}

} // namespace ns3
