/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "fault-injector.h"

#include "ns3/ce-lslm-edge-server.h"
#include "ns3/cloud-app.h"
#include "ns3/context-kv-server.h"
#include "ns3/double.h"
#include "ns3/edge-app.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/pointer.h"
#include "ns3/protocol-message.h"
#include "ns3/simulator.h"
#include "ns3/six-g-channel.h"
#include "ns3/six-g-ue-net-device.h"
#include "ns3/terminal-app.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FaultInjector");

NS_OBJECT_ENSURE_REGISTERED(FaultInjector);

namespace
{

/// Type names, in enum order.
const std::vector<std::string> kTypeNames{"radio-blockage",
                                          "radio-outage",
                                          "backhaul-loss",
                                          "backhaul-down",
                                          "edge-crash",
                                          "cloud-overload",
                                          "kv-corruption",
                                          "forgery",
                                          "replay"};

/// Extra path loss that silences a cell (an outage), in dB.
constexpr double kOutageLossDb = 400;

/// Streams of the injector's own random variables; error models take the ones after.
constexpr int64_t kOwnStreams = 5;
/// Streams reserved for error models created on use.
constexpr int64_t kErrorModelStreams = 1000;

/// \return \p text without leading and trailing blanks
std::string
Trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\n");
    if (first == std::string::npos)
    {
        return "";
    }
    return text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
}

/// \return \p text as a non-negative number of seconds \throw std::invalid_argument if not
double
ParseSeconds(const std::string& text, const std::string& entry, const char* what)
{
    std::size_t used = 0;
    double value = -1;
    try
    {
        value = std::stod(text, &used);
    }
    catch (const std::exception&)
    {
        used = 0;
    }
    if (used == 0 || used != text.size() || !(value >= 0) || value > 1e9)
    {
        throw std::invalid_argument("'" + entry + "': " + what + " '" + text
                                    + "' is not a number of seconds >= 0");
    }
    return value;
}

bool
IsCloudFault(FaultEvent::Type type)
{
    return type == FaultEvent::CLOUD_OVERLOAD || type == FaultEvent::KV_CORRUPTION;
}

} // namespace

std::string
FaultEvent::GetTypeName() const
{
    return kTypeNames.at(type);
}

bool
FaultEvent::ParseType(const std::string& name, Type& type)
{
    auto found = std::find(kTypeNames.begin(), kTypeNames.end(), name);
    if (found == kTypeNames.end())
    {
        return false;
    }
    type = static_cast<Type>(found - kTypeNames.begin());
    return true;
}

std::vector<std::string>
FaultEvent::TypeNames()
{
    return kTypeNames;
}

TypeId
FaultInjector::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FaultInjector")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<FaultInjector>()
            .AddAttribute("BackhaulLossRate",
                          "Probability that a packet is lost on a backhaul link during a "
                          "backhaul-loss fault, in [0, 1].",
                          DoubleValue(0.05),
                          MakeDoubleAccessor(&FaultInjector::m_backhaulLossRate),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("BlockageLoss",
                          "Extra path loss of every radio link of a cell during a "
                          "radio-blockage fault, in dB.",
                          DoubleValue(30),
                          MakeDoubleAccessor(&FaultInjector::m_blockageLossDb),
                          MakeDoubleChecker<double>(0, kOutageLossDb))
            .AddAttribute("OverloadRefusal",
                          "Probability that the cloud refuses a new piece of work during a "
                          "cloud-overload fault, in [0, 1].",
                          DoubleValue(1),
                          MakeDoubleAccessor(&FaultInjector::m_overloadRefusal),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("KvCorruption",
                          "Probability that a KV_DATA message from the cloud is corrupted "
                          "during a kv-corruption fault, in [0, 1].",
                          DoubleValue(0.5),
                          MakeDoubleAccessor(&FaultInjector::m_kvCorruption),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("AttackInterval",
                          "Time between two messages an attacker injects on a backhaul "
                          "connection during a forgery or replay fault, in s.",
                          TimeValue(MilliSeconds(20)),
                          MakeTimeAccessor(&FaultInjector::m_attackInterval),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddTraceSource("Fault",
                            "A fault starts or ends: (type, edge or -1, starts).",
                            MakeTraceSourceAccessor(&FaultInjector::m_faultTrace),
                            "ns3::FaultInjector::FaultTracedCallback");
    return tid;
}

FaultInjector::FaultInjector()
    : m_backhaulLossRate(0.05)
    , m_blockageLossDb(30)
    , m_overloadRefusal(1)
    , m_kvCorruption(0.5)
    , m_attackInterval(MilliSeconds(20))
    , m_gap(CreateObject<ExponentialRandomVariable>())
    , m_duration(CreateObject<ExponentialRandomVariable>())
    , m_pick(CreateObject<UniformRandomVariable>())
    , m_refusals(CreateObject<UniformRandomVariable>())
    , m_corruptions(CreateObject<UniformRandomVariable>())
{
}

FaultInjector::~FaultInjector() = default;

std::vector<FaultEvent>
FaultInjector::ParseSchedule(const std::string& text)
{
    std::vector<FaultEvent> events;
    std::stringstream entries(text);
    std::string entry;
    while (std::getline(entries, entry, ';'))
    {
        entry = Trim(entry);
        if (entry.empty())
        {
            continue;
        }
        const auto at = entry.find('@');
        const auto plus = entry.find('+', at == std::string::npos ? 0 : at);
        if (at == std::string::npos || plus == std::string::npos)
        {
            throw std::invalid_argument("'" + entry + "' is not TYPE@START+DURATION[:EDGE]");
        }
        FaultEvent event;
        const std::string type = Trim(entry.substr(0, at));
        if (!FaultEvent::ParseType(type, event.type))
        {
            std::string known;
            for (const auto& name : kTypeNames)
            {
                known += (known.empty() ? "" : ", ") + name;
            }
            throw std::invalid_argument("'" + entry + "': unknown fault type '" + type
                                        + "' (known: " + known + ")");
        }
        const auto colon = entry.find(':', plus);
        event.start =
            Seconds(ParseSeconds(Trim(entry.substr(at + 1, plus - at - 1)), entry, "start"));
        event.duration = Seconds(ParseSeconds(
            Trim(entry.substr(plus + 1,
                              colon == std::string::npos ? std::string::npos : colon - plus - 1)),
            entry,
            "duration"));
        if (colon != std::string::npos)
        {
            const std::string edge = Trim(entry.substr(colon + 1));
            if (edge.empty() || edge.size() > 6
                || edge.find_first_not_of("0123456789") != std::string::npos)
            {
                throw std::invalid_argument("'" + entry + "': edge '" + edge
                                            + "' is not an edge index");
            }
            event.edge = std::stoi(edge);
        }
        events.push_back(event);
    }
    return events;
}

void
FaultInjector::Install(const EdgeCloudTopologyHelper& topology,
                       const InferenceServiceHelper& service)
{
    m_topology = &topology;
    m_service = &service;
    ConnectEffects();
}

void
FaultInjector::Count(std::string what)
{
    ++m_effects[what];
}

void
FaultInjector::ConnectEffects()
{
    for (const char* what : {"messages_forged",
                             "messages_replayed",
                             "cloud_refusals",
                             "kv_corrupted",
                             "kv_rerequested",
                             "fetches_failed",
                             "edge_crashes",
                             "edge_restarts"})
    {
        m_effects[what] = 0;
    }
    Ptr<CeApplication> cloud = DynamicCast<CeApplication>(m_service->GetCloudApp().Get(0));
    cloud->TraceConnectWithoutContext("Refused", Counter<uint64_t>("cloud_refusals"));
    if (Ptr<RequestServer> server = cloud->GetServer())
    {
        server->TraceConnectWithoutContext("KvCorrupted",
                                           Counter<uint64_t, uint32_t, uint32_t>("kv_corrupted"));
    }
    ApplicationContainer edges = m_service->GetEdgeApps();
    for (uint32_t e = 0; e < edges.GetN(); ++e)
    {
        Ptr<EdgeApp> edge = DynamicCast<EdgeApp>(edges.Get(e));
        edge->TraceConnectWithoutContext("Crashed", Counter<uint32_t>("edge_crashes"));
        edge->TraceConnectWithoutContext("Restarted", Counter<uint32_t>("edge_restarts"));
        if (Ptr<CeLslmEdgeServer> server = DynamicCast<CeLslmEdgeServer>(edge->GetServer()))
        {
            Ptr<KvFetchClient> fetcher = server->GetFetchClient();
            fetcher->TraceConnectWithoutContext(
                "KvRerequested",
                Counter<uint64_t, uint32_t, uint32_t, int32_t, uint32_t>("kv_rerequested"));
            fetcher->TraceConnectWithoutContext(
                "FetchFailed",
                Counter<uint64_t, uint32_t, const std::string&>("fetches_failed"));
        }
    }
}

std::map<std::string, uint64_t>
FaultInjector::GetEffects() const
{
    return m_effects;
}

int64_t
FaultInjector::AssignStreams(int64_t stream)
{
    m_gap->SetStream(stream);
    m_duration->SetStream(stream + 1);
    m_pick->SetStream(stream + 2);
    m_refusals->SetStream(stream + 3);
    m_corruptions->SetStream(stream + 4);
    m_errorStream = stream + kOwnStreams;
    return kOwnStreams + kErrorModelStreams;
}

const std::vector<FaultEvent>&
FaultInjector::GetEvents() const
{
    return m_events;
}

void
FaultInjector::AddEvent(const FaultEvent& event)
{
    NS_ABORT_MSG_UNLESS(m_topology && m_service, "FaultInjector: Install it first");
    const uint32_t edges = m_topology->GetEdges().GetN();
    if (event.edge >= static_cast<int32_t>(edges) && !IsCloudFault(event.type))
    {
        throw std::invalid_argument(event.GetTypeName() + " at edge " + std::to_string(event.edge)
                                    + ": the scenario has " + std::to_string(edges) + " edge(s)");
    }
    if (event.type == FaultEvent::RADIO_BLOCKAGE && !m_topology->HasRadioAccess())
    {
        throw std::invalid_argument("radio-blockage needs radio access (topology.access.type)");
    }
    m_events.push_back(event);
    if (IsCloudFault(event.type))
    {
        m_events.back().edge = -1; // the cloud's: no edge
    }
    const std::vector<uint32_t> places = Places(event);
    for (uint32_t place : places)
    {
        const int32_t where = IsCloudFault(event.type) ? -1 : static_cast<int32_t>(place);
        Simulator::Schedule(event.start, &FaultInjector::Apply, this, event.type, where, true);
        Simulator::Schedule(event.start + event.duration,
                            &FaultInjector::Apply,
                            this,
                            event.type,
                            where,
                            false);
    }
}

void
FaultInjector::AddRandom(const std::vector<FaultEvent::Type>& types,
                         double ratePerS,
                         Time meanDuration,
                         Time begin,
                         Time end)
{
    NS_ABORT_MSG_IF(types.empty() || !(ratePerS > 0), "FaultInjector: no random faults to draw");
    const uint32_t edges = m_topology->GetEdges().GetN();
    m_gap->SetAttribute("Mean", DoubleValue(1.0 / ratePerS));
    m_duration->SetAttribute("Mean", DoubleValue(meanDuration.GetSeconds()));
    for (Time at = begin + Seconds(m_gap->GetValue()); at < end; at += Seconds(m_gap->GetValue()))
    {
        FaultEvent event;
        event.type =
            types[std::min<std::size_t>(m_pick->GetInteger(0, types.size() - 1), types.size() - 1)];
        event.edge = static_cast<int32_t>(m_pick->GetInteger(0, edges - 1));
        event.start = at;
        event.duration = Seconds(m_duration->GetValue());
        if (event.type == FaultEvent::RADIO_BLOCKAGE && !m_topology->HasRadioAccess())
        {
            event.type = FaultEvent::RADIO_OUTAGE; // the only radio fault a wired access has
        }
        AddEvent(event);
    }
}

std::vector<uint32_t>
FaultInjector::Places(const FaultEvent& event) const
{
    if (IsCloudFault(event.type))
    {
        return {0};
    }
    if (event.edge >= 0)
    {
        return {static_cast<uint32_t>(event.edge)};
    }
    std::vector<uint32_t> all(m_topology->GetEdges().GetN());
    for (uint32_t e = 0; e < all.size(); ++e)
    {
        all[e] = e;
    }
    return all;
}

uint32_t&
FaultInjector::Active(FaultEvent::Type type, int32_t edge)
{
    return m_active[{static_cast<int>(type), edge}];
}

void
FaultInjector::Apply(FaultEvent::Type type, int32_t edge, bool begins)
{
    uint32_t& active = Active(type, edge);
    active = begins ? active + 1 : active - 1;
    const bool first = begins && active == 1;
    const bool last = !begins && active == 0;
    m_faultTrace(kTypeNames.at(type), edge, begins);
    NS_LOG_INFO(Simulator::Now().As(Time::S)
                << " " << kTypeNames.at(type) << " at " << edge << (begins ? " begins" : " ends"));
    if (!first && !last)
    {
        return; // nested in another fault of the same kind at the same place
    }
    switch (type)
    {
        case FaultEvent::RADIO_BLOCKAGE:
        case FaultEvent::RADIO_OUTAGE:
            UpdateAccess(static_cast<uint32_t>(edge));
            break;
        case FaultEvent::BACKHAUL_LOSS:
        case FaultEvent::BACKHAUL_DOWN:
            UpdateBackhaul(static_cast<uint32_t>(edge));
            break;
        case FaultEvent::EDGE_CRASH:
        {
            Ptr<EdgeApp> app = DynamicCast<EdgeApp>(m_service->GetEdgeApps().Get(edge));
            begins ? app->Crash() : app->Restart();
            break;
        }
        case FaultEvent::CLOUD_OVERLOAD:
            DynamicCast<CloudApp>(m_service->GetCloudApp().Get(0))
                ->SetOverload(begins ? m_overloadRefusal : 0, m_refusals);
            break;
        case FaultEvent::KV_CORRUPTION:
        {
            Ptr<ContextKvServer> server = DynamicCast<ContextKvServer>(
                DynamicCast<CeApplication>(m_service->GetCloudApp().Get(0))->GetServer());
            if (server)
            {
                server->SetCorruption(begins ? m_kvCorruption : 0, m_corruptions);
            }
            break; // other modes send no KV: nothing to corrupt
        }
        case FaultEvent::FORGERY:
        case FaultEvent::REPLAY:
            if (begins)
            {
                Attack(type, static_cast<uint32_t>(edge));
            }
            else
            {
                m_attacks[{static_cast<int>(type), static_cast<uint32_t>(edge)}].Cancel();
            }
            break;
    }
}

void
FaultInjector::Attack(FaultEvent::Type type, uint32_t edge)
{
    Ptr<EdgeApp> app = DynamicCast<EdgeApp>(m_service->GetEdgeApps().Get(edge));
    if (Ptr<FramedConnection> backhaul = app->GetBackhaul())
    {
        if (type == FaultEvent::FORGERY)
        {
            // A well-formed message the attacker made up: without the key, its tag is wrong.
            backhaul->SendForged(MakeCancelMessage(TerminalApp::MakeRequestId(edge, 0)));
            Count("messages_forged");
        }
        else if (backhaul->ReplayLastFrame())
        {
            Count("messages_replayed");
        }
    }
    m_attacks[{static_cast<int>(type), edge}] =
        Simulator::Schedule(m_attackInterval, &FaultInjector::Attack, this, type, edge);
}

void
FaultInjector::UpdateBackhaul(uint32_t edge)
{
    const double rate = Active(FaultEvent::BACKHAUL_DOWN, edge) > 0   ? 1.0
                        : Active(FaultEvent::BACKHAUL_LOSS, edge) > 0 ? m_backhaulLossRate
                                                                      : 0.0;
    SetDropRate(m_topology->GetBackhaulDevices(edge), rate);
}

void
FaultInjector::UpdateAccess(uint32_t edge)
{
    const bool outage = Active(FaultEvent::RADIO_OUTAGE, edge) > 0;
    const bool blocked = Active(FaultEvent::RADIO_BLOCKAGE, edge) > 0;
    const NodeContainer terminals = m_topology->GetTerminals();
    for (uint32_t t = 0; t < terminals.GetN(); ++t)
    {
        if (m_topology->GetEdgeIndex(t) != edge)
        {
            continue;
        }
        const NetDeviceContainer access = m_topology->GetAccessDevices(t);
        if (!m_topology->HasRadioAccess())
        {
            SetDropRate(access, outage ? 1.0 : 0.0); // a wired access link: down or up
            continue;
        }
        // Radio: each terminal of the cell loses the extra path loss on its links (set on the
        // terminal only: on both ends it would count twice).
        for (uint32_t d = 0; d < access.GetN(); ++d)
        {
            Ptr<SixGUeNetDevice> device = DynamicCast<SixGUeNetDevice>(access.Get(d));
            if (device && device->GetSixGChannel())
            {
                device->GetSixGChannel()->SetExtraLoss(PeekPointer(device),
                                                       outage ? kOutageLossDb
                                                              : (blocked ? m_blockageLossDb : 0.0));
            }
        }
    }
}

void
FaultInjector::SetDropRate(const NetDeviceContainer& devices, double rate)
{
    for (uint32_t d = 0; d < devices.GetN(); ++d)
    {
        Ptr<NetDevice> device = devices.Get(d);
        Ptr<RateErrorModel>& model = m_errorModels[device];
        if (!model)
        {
            if (rate == 0)
            {
                continue; // never faulty: leave the device as it was
            }
            // A link configured lossy keeps its own loss outside the fault.
            PointerValue configured;
            device->GetAttribute("ReceiveErrorModel", configured);
            Ptr<RateErrorModel> own = configured.Get<RateErrorModel>();
            m_baseRate[device] = own ? own->GetRate() : 0.0;
            model = CreateObject<RateErrorModel>();
            model->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
            NS_ABORT_MSG_IF(m_errorStream < 0, "FaultInjector: AssignStreams was not called");
            model->AssignStreams(m_errorStream++);
            device->SetAttribute("ReceiveErrorModel", PointerValue(model));
        }
        model->SetRate(std::max(rate, m_baseRate[device]));
    }
}

void
FaultInjector::DoDispose()
{
    for (auto& [key, event] : m_attacks)
    {
        event.Cancel();
    }
    m_attacks.clear();
    m_errorModels.clear();
    m_baseRate.clear();
    m_topology = nullptr;
    m_service = nullptr;
    Object::DoDispose();
}

} // namespace ns3
