/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "terminal-app-helper.h"

#include "ns3/string.h"
#include "ns3/terminal-app.h"
#include "ns3/uinteger.h"

#include <iomanip>
#include <sstream>

namespace ns3
{

namespace
{

// Random variables are given as attribute strings, not objects, so that every installed
// application gets its own instance (and its own stream).

/// \return a double printed so that it reads back exactly
std::string
Exact(double value)
{
    std::ostringstream os;
    os << std::setprecision(17) << value;
    return os.str();
}

/// Integers uniform in [min, max]: TerminalApp truncates draws from [min, max + 1).
std::string
UniformIntegers(uint32_t min, uint32_t max)
{
    if (min == max)
    {
        return "ns3::ConstantRandomVariable[Constant=" + std::to_string(min) + "]";
    }
    return "ns3::UniformRandomVariable[Min=" + std::to_string(min)
           + "|Max=" + std::to_string(max + 1) + "]";
}

} // namespace

TerminalAppHelper::TerminalAppHelper(const Address& edge)
    : CeAppHelper("ns3::TerminalApp")
{
    SetAttribute("Remote", AddressValue(edge));
}

void
TerminalAppHelper::SetArrivals(double ratePerSecond, bool poisson)
{
    NS_ASSERT_MSG(ratePerSecond > 0, "arrival rate must be positive");
    std::string mean = Exact(1.0 / ratePerSecond);
    SetAttribute("InterArrivalTime",
                 StringValue(poisson ? "ns3::ExponentialRandomVariable[Mean=" + mean + "|Bound=0]"
                                     : "ns3::ConstantRandomVariable[Constant=" + mean + "]"));
}

void
TerminalAppHelper::SetTokenCounts(uint32_t promptMin,
                                  uint32_t promptMax,
                                  uint32_t answerMin,
                                  uint32_t answerMax)
{
    SetAttribute("PromptTokens", StringValue(UniformIntegers(promptMin, promptMax)));
    SetAttribute("AnswerTokens", StringValue(UniformIntegers(answerMin, answerMax)));
}

ApplicationContainer
TerminalAppHelper::Install(Ptr<Node> node, uint32_t terminalId) const
{
    Ptr<Application> app = InstallPriv(node);
    app->SetAttribute("TerminalId", UintegerValue(terminalId));
    return ApplicationContainer(app);
}

int64_t
TerminalAppHelper::AssignStreams(ApplicationContainer apps, int64_t stream)
{
    int64_t used = 0;
    for (auto it = apps.Begin(); it != apps.End(); ++it)
    {
        Ptr<TerminalApp> terminal = DynamicCast<TerminalApp>(*it);
        if (terminal)
        {
            used += terminal->AssignStreams(stream + used);
        }
    }
    return used;
}

} // namespace ns3
