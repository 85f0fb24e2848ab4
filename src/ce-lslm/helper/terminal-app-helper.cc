/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "terminal-app-helper.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/terminal-app.h"
#include "ns3/uinteger.h"

#include <iomanip>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TerminalAppHelper");

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

TerminalAppHelper::TerminalAppHelper()
    : CeAppHelper("ns3::TerminalApp")
{
}

TerminalAppHelper::TerminalAppHelper(const Address& edge)
    : CeAppHelper("ns3::TerminalApp")
{
    SetAttribute("Remote", AddressValue(edge));
}

void
TerminalAppHelper::SetArrivals(double ratePerSecond, bool poisson)
{
    NS_ABORT_MSG_UNLESS(ratePerSecond > 0, "arrival rate must be positive");
    std::string mean = Exact(1.0 / ratePerSecond);
    if (poisson)
    {
        SetAttribute("InterArrivalTime",
                     StringValue("ns3::ExponentialRandomVariable[Mean=" + mean + "|Bound=0]"));
        SetAttribute("FirstArrival", PointerValue());
        return;
    }
    SetAttribute("InterArrivalTime",
                 StringValue("ns3::ConstantRandomVariable[Constant=" + mean + "]"));
    SetAttribute("FirstArrival", StringValue("ns3::UniformRandomVariable[Min=0|Max=" + mean + "]"));
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

ApplicationContainer
TerminalAppHelper::Install(NodeContainer nodes, uint32_t firstTerminalId) const
{
    ApplicationContainer apps;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        apps.Add(Install(nodes.Get(i), firstTerminalId + i));
    }
    return apps;
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
