/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-cell-mac.h"

#include "six-g-net-device.h"
#include "six-g-proportional-fair-scheduler.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGCellMac");

NS_OBJECT_ENSURE_REGISTERED(SixGCellMac);

namespace
{

constexpr uint64_t kNoSlot = std::numeric_limits<uint64_t>::max(); //!< "no slot"

/// \return the linear value of \p db
double
FromDb(double db)
{
    return std::pow(10.0, db / 10.0);
}

/// \return \p linear in dB
double
ToDb(double linear)
{
    return 10.0 * std::log10(std::max(linear, 1e-30));
}

} // namespace

TypeId
SixGCellMac::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SixGCellMac")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<SixGCellMac>()
            .AddAttribute("Scheduler",
                          "The scheduler sharing each slot's resource blocks.",
                          PointerValue(),
                          MakePointerAccessor(&SixGCellMac::m_scheduler),
                          MakePointerChecker<SixGScheduler>())
            .AddAttribute("HarqProcesses",
                          "HARQ processes per terminal and direction.",
                          UintegerValue(16),
                          MakeUintegerAccessor(&SixGCellMac::m_harqProcesses),
                          MakeUintegerChecker<uint32_t>(1, 32))
            .AddAttribute("MaxTransmissions",
                          "Transmissions of a transport block at most (first + HARQ).",
                          UintegerValue(4),
                          MakeUintegerAccessor(&SixGCellMac::m_maxTransmissions),
                          MakeUintegerChecker<uint32_t>(1, 16))
            .AddAttribute("HarqRttSlots",
                          "Slots from a failed transmission to its earliest retransmission.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&SixGCellMac::m_harqRttSlots),
                          MakeUintegerChecker<uint32_t>(1, 1000))
            .AddAttribute("ArqRetransmissions",
                          "Times the segments of a block lost after its last HARQ transmission "
                          "are queued again (acknowledged-mode RLC) before their packets are "
                          "lost; 0 turns every HARQ failure into packet loss.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&SixGCellMac::m_arqRetransmissions),
                          MakeUintegerChecker<uint32_t>(0, 32))
            .AddAttribute("RbgSize",
                          "Resource blocks per group, the allocation unit (0: TS 38.214 "
                          "Table 5.1.2.2.1-1, configuration 1: 2 to 16 by carrier size).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&SixGCellMac::m_rbgSize),
                          MakeUintegerChecker<uint32_t>(0, 275))
            .AddAttribute("CqiPeriod",
                          "A link's channel report is measured afresh when the last one is "
                          "older than this, in s (periodic CSI).",
                          TimeValue(MilliSeconds(5)),
                          MakeTimeAccessor(&SixGCellMac::m_cqiPeriod),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("OllaStep",
                          "Outer-loop link adaptation step after a failed first transmission, "
                          "in dB (0 disables the loop).",
                          DoubleValue(0.5),
                          MakeDoubleAccessor(&SixGCellMac::m_ollaStepDb),
                          MakeDoubleChecker<double>(0.0, 10.0))
            .AddAttribute("MultiLayerSinr",
                          "Reported SINR below which a link sends one MIMO layer, in dB; above "
                          "it the rank that carries most is chosen (SixGLinkAdaptation).",
                          DoubleValue(10.0),
                          MakeDoubleAccessor(&SixGCellMac::m_multiLayerSinrDb),
                          MakeDoubleChecker<double>())
            .AddAttribute("BlerTarget",
                          "First-transmission BLER the outer loop aims at.",
                          DoubleValue(0.1),
                          MakeDoubleAccessor(&SixGCellMac::m_blerTarget),
                          MakeDoubleChecker<double>(0.001, 0.5))
            .AddAttribute("PfTimeConstant",
                          "Time constant of the served-rate average used by proportional "
                          "fair, in s.",
                          TimeValue(MilliSeconds(100)),
                          MakeTimeAccessor(&SixGCellMac::m_pfTimeConstant),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddAttribute("ShannonGap",
                          "Distance of every MCS threshold (10 % BLER) from the Shannon "
                          "bound, in dB; read when the first block is scheduled.",
                          DoubleValue(2.0),
                          MakeDoubleAccessor(&SixGCellMac::m_gapDb),
                          MakeDoubleChecker<double>(0.0, 20.0))
            .AddAttribute("BlerSlope",
                          "Steepness of the BLER curve around each threshold, in 1/dB; read "
                          "when the first block is scheduled.",
                          DoubleValue(3.0),
                          MakeDoubleAccessor(&SixGCellMac::m_blerSlope),
                          MakeDoubleChecker<double>(0.01, 100.0))
            .AddTraceSource("TransportBlock",
                            "A transport block transmission was concluded (decoded or not).",
                            MakeTraceSourceAccessor(&SixGCellMac::m_tbTrace),
                            "ns3::SixGTransportBlockInfo::TracedCallback");
    return tid;
}

SixGCellMac::SixGCellMac()
    : m_scheduler(CreateObject<SixGProportionalFairScheduler>())
    , m_decode(CreateObject<UniformRandomVariable>())
    , m_harqProcesses(16)
    , m_maxTransmissions(4)
    , m_harqRttSlots(4)
    , m_arqRetransmissions(4)
    , m_rbgSize(0)
    , m_cqiPeriod(MilliSeconds(5))
    , m_ollaStepDb(0.5)
    , m_blerTarget(0.1)
    , m_pfTimeConstant(MilliSeconds(100))
    , m_gapDb(2.0)
    , m_blerSlope(3.0)
{
}

SixGCellMac::~SixGCellMac() = default;

void
SixGCellMac::DoDispose()
{
    m_boundary.Cancel();
    for (auto* links : {&m_downlinks, &m_uplinks})
    {
        for (auto& link : *links)
        {
            link->Dispose();
        }
        links->clear();
    }
    m_pending.clear();
    m_channel = nullptr;
    m_bs = nullptr;
    m_scheduler = nullptr;
    m_decode = nullptr;
    Object::DoDispose();
}

void
SixGCellMac::Configure(Ptr<SixGChannel> channel, Ptr<SixGNetDevice> bs, uint32_t cellId)
{
    m_channel = channel;
    m_bs = bs;
    m_cellId = cellId;
}

uint32_t
SixGCellMac::AddTerminal(Ptr<SixGNetDevice> ue)
{
    auto rnti = static_cast<uint32_t>(m_downlinks.size());
    SixGLink::Parameters parameters;
    parameters.processes = m_harqProcesses;
    parameters.maxTransmissions = static_cast<uint8_t>(m_maxTransmissions);
    parameters.rttSlots = m_harqRttSlots;
    parameters.arqRetransmissions = static_cast<uint8_t>(m_arqRetransmissions);
    m_downlinks.push_back(Create<SixGLink>(SixGLink::DOWNLINK, rnti, m_bs, ue, parameters));
    m_uplinks.push_back(Create<SixGLink>(SixGLink::UPLINK, rnti, ue, m_bs, parameters));
    return rnti;
}

uint32_t
SixGCellMac::GetTerminalCount() const
{
    return static_cast<uint32_t>(m_downlinks.size());
}

Ptr<SixGLink>
SixGCellMac::GetLink(uint32_t rnti, SixGLink::Direction direction) const
{
    return direction == SixGLink::DOWNLINK ? m_downlinks.at(rnti) : m_uplinks.at(rnti);
}

const SixGMcsTable&
SixGCellMac::GetMcsTable() const
{
    if (!m_table)
    {
        m_table = std::make_unique<SixGMcsTable>(m_gapDb, m_blerSlope);
    }
    return *m_table;
}

int64_t
SixGCellMac::AssignStreams(int64_t stream)
{
    m_decode->SetStream(stream);
    return 1;
}

uint32_t
SixGCellMac::GetRbgSize() const
{
    if (m_rbgSize > 0)
    {
        return m_rbgSize;
    }
    uint32_t rbs = m_channel->GetResourceBlocks();
    return rbs <= 36 ? 2 : rbs <= 72 ? 4 : rbs <= 144 ? 8 : 16;
}

void
SixGCellMac::NotifyBacklog()
{
    if (m_inBoundary || !m_channel)
    {
        return; // the running boundary plans the next one after scheduling
    }
    Time now = Simulator::Now();
    uint64_t slot = m_channel->GetSlotIndex(now);
    uint64_t first =
        std::max(m_channel->GetSlotStart(slot) == now ? slot : slot + 1, m_processedSlots);
    if (m_boundary.IsRunning() && m_boundarySlot <= first)
    {
        return; // a busy cell: the next boundary comes first anyway
    }
    uint64_t next = FindNextSlot(first);
    if (next != kNoSlot)
    {
        PlanBoundary(next);
    }
}

void
SixGCellMac::PlanBoundary(uint64_t slot)
{
    if (m_boundary.IsRunning() && m_boundarySlot <= slot)
    {
        return;
    }
    m_boundary.Cancel();
    m_boundarySlot = slot;
    m_boundary = Simulator::Schedule(m_channel->GetSlotStart(slot) - Simulator::Now(),
                                     &SixGCellMac::SlotBoundary,
                                     this,
                                     slot);
}

bool
SixGCellMac::HasWork(SixGLink::Direction direction, uint64_t slot) const
{
    const auto& links = direction == SixGLink::DOWNLINK ? m_downlinks : m_uplinks;
    for (const auto& link : links)
    {
        if ((link->GetBuffer().GetBacklogBytes() > 0 && link->GetHarq().FindFree() >= 0)
            || link->GetHarq().GetEarliestRetransmission() <= slot)
        {
            return true;
        }
    }
    return false;
}

uint64_t
SixGCellMac::FindNextSlot(uint64_t from) const
{
    uint64_t next = kNoSlot;
    std::size_t period = m_channel->GetTddPattern().size();
    for (auto direction : {SixGLink::DOWNLINK, SixGLink::UPLINK})
    {
        uint64_t earliest = kNoSlot;
        for (const auto& link : direction == SixGLink::DOWNLINK ? m_downlinks : m_uplinks)
        {
            if (link->GetBuffer().GetBacklogBytes() > 0 && link->GetHarq().FindFree() >= 0)
            {
                earliest = from;
                break;
            }
            uint64_t retransmission = link->GetHarq().GetEarliestRetransmission();
            if (retransmission != kNoSlot)
            {
                earliest = std::min(earliest, std::max(from, retransmission));
            }
        }
        for (uint64_t slot = earliest; earliest != kNoSlot && slot < earliest + period; ++slot)
        {
            if (m_channel->GetSlotDirection(slot) == direction)
            {
                next = std::min(next, slot);
                break;
            }
        }
    }
    return next;
}

void
SixGCellMac::SlotBoundary(uint64_t slot)
{
    m_inBoundary = true;
    m_processedSlots = slot + 1;
    if (!m_pending.empty())
    {
        ConcludeSlot(m_pendingSlot);
    }
    if (HasWork(m_channel->GetSlotDirection(slot), slot))
    {
        ScheduleSlot(slot);
    }
    m_inBoundary = false;
    uint64_t next = m_pending.empty() ? FindNextSlot(slot + 1) : slot + 1;
    if (next != kNoSlot)
    {
        PlanBoundary(next);
    }
}

void
SixGCellMac::ConcludeSlot(uint64_t /* slot */)
{
    std::vector<Pending> pending;
    pending.swap(m_pending);
    for (const Pending& transmission : pending)
    {
        Conclude(transmission);
    }
}

void
SixGCellMac::Conclude(const Pending& pending)
{
    SixGLink& link = *pending.link;
    SixGHarqEntity& harq = link.GetHarq();
    double interference = m_channel->GetInterferenceW(m_pendingSlot, pending.tx);
    // The transmitter's power is split over the block's layers: each sees 1 / layers of it.
    double sinr = pending.signalW / pending.layers / (pending.noiseW + interference);
    bool first = harq.Get(pending.process).transmissions == 0;
    double effective = harq.Combine(pending.process, sinr);
    const SixGHarqEntity::Process& process = harq.Get(pending.process);

    SixGTransportBlockInfo info;
    info.time = m_channel->GetSlotStart(m_pendingSlot);
    info.slot = m_pendingSlot;
    info.cellId = m_cellId;
    info.rnti = link.GetRnti();
    info.direction = link.GetDirection();
    info.rbStart = pending.tx.rbStart;
    info.rbs = pending.tx.rbs;
    info.symbols = process.symbols;
    info.layers = pending.layers;
    info.cqi = process.cqi;
    info.mcs = process.mcs;
    info.tbsBits = process.tbsBits;
    info.payloadBytes = process.payloadBytes;
    info.transmission = process.transmissions;
    info.sinrDb = ToDb(sinr);
    info.effectiveSinrDb = ToDb(effective);
    info.bler = GetMcsTable().GetBler(process.mcs, info.effectiveSinrDb);
    info.decoded = m_decode->GetValue() >= info.bler;

    link.SetChannelReport(pending.fullPowerW,
                          (pending.noiseW + interference) / pending.tx.rbs,
                          info.time);
    if (first)
    {
        link.UpdateOlla(info.decoded, m_ollaStepDb, m_blerTarget);
        GetAdaptation().LimitBackOff(link, m_channel->GetResourceBlocks());
    }
    std::vector<SixGTxBuffer::Segment> segments = process.segments;
    SixGHarqEntity::Outcome outcome = harq.Conclude(pending.process, info.decoded, info.slot);
    info.lost = outcome == SixGHarqEntity::LOST;
    m_tbTrace(info);
    if (outcome == SixGHarqEntity::DECODED)
    {
        link.AddServedBits(Simulator::Now(), info.payloadBytes * 8, m_pfTimeConstant);
        link.GetBuffer().Resolve(segments, true);
    }
    else if (outcome == SixGHarqEntity::LOST)
    {
        link.GetBuffer().Resolve(segments, false);
    }
}

void
SixGCellMac::ScheduleSlot(uint64_t slot)
{
    SixGLink::Direction direction = m_channel->GetSlotDirection(slot);
    uint32_t cursor = 0;
    PlaceRetransmissions(slot, direction, cursor);
    PlaceNewData(slot, direction, cursor);
}

void
SixGCellMac::PlaceRetransmissions(uint64_t slot, SixGLink::Direction direction, uint32_t& cursor)
{
    for (const auto& link : direction == SixGLink::DOWNLINK ? m_downlinks : m_uplinks)
    {
        for (uint32_t id : link->GetHarq().GetRetransmissions(slot))
        {
            uint32_t rbs = link->GetHarq().Get(id).rbs;
            if (cursor + rbs <= m_channel->GetResourceBlocks())
            {
                Transmit(slot, link, id, cursor);
                cursor += rbs;
            }
        }
    }
}

void
SixGCellMac::PlaceNewData(uint64_t slot, SixGLink::Direction direction, uint32_t& cursor)
{
    uint32_t carrier = m_channel->GetResourceBlocks();
    uint32_t free = carrier - cursor;
    std::vector<Ptr<SixGLink>> eligible;
    for (const auto& link : direction == SixGLink::DOWNLINK ? m_downlinks : m_uplinks)
    {
        if (free > 0 && link->GetBuffer().GetBacklogBytes() > 0 && link->GetHarq().FindFree() >= 0)
        {
            RefreshReport(*link);
            eligible.push_back(link);
        }
    }
    if (eligible.empty())
    {
        return;
    }
    // The uplink SINR depends on the allocation: rank terminals at an equal share.
    uint32_t share = std::max<uint32_t>(1, free / eligible.size());
    uint32_t symbols = m_channel->GetDataSymbols(slot);
    double lowestDb = GetMcsTable().GetMinimumSinrDb();
    std::vector<SixGSchedulingCandidate> candidates;
    std::vector<Ptr<SixGLink>> linksOf;
    for (const auto& link : eligible)
    {
        SixGSchedulingCandidate candidate;
        candidate.rnti = link->GetRnti();
        candidate.maxRbs =
            std::min(free, link->GetMaxRbsAbove(carrier, lowestDb + link->GetOllaOffsetDb()));
        uint32_t probe = direction == SixGLink::DOWNLINK ? free : std::min(share, candidate.maxRbs);
        SixGLinkAdaptation::Choice choice;
        if (probe == 0 || !Adapt(*link, probe, symbols, choice))
        {
            continue; // out of range: nothing can be sent this slot
        }
        candidate.backlogBits = link->GetBuffer().GetBacklogBytes() * 8;
        candidate.bitsPerRb = static_cast<double>(choice.tbsBits) / probe;
        candidate.averageRateBps = link->GetAverageRate(Simulator::Now(), m_pfTimeConstant);
        candidates.push_back(candidate);
        linksOf.push_back(link);
    }
    if (candidates.empty())
    {
        return;
    }
    std::vector<uint32_t> granted = m_scheduler->Allocate(candidates, free, GetRbgSize());
    for (std::size_t i = 0; i < granted.size(); ++i)
    {
        uint32_t rbs = std::min(granted[i], carrier - cursor);
        if (rbs > 0 && StartBlock(slot, linksOf[i], cursor, rbs) > 0)
        {
            cursor += rbs;
        }
    }
}

uint32_t
SixGCellMac::StartBlock(uint64_t slot, Ptr<SixGLink> link, uint32_t rbStart, uint32_t rbs)
{
    uint32_t symbols = m_channel->GetDataSymbols(slot);
    SixGLinkAdaptation::Choice choice;
    if (!Adapt(*link, rbs, symbols, choice))
    {
        return 0;
    }
    uint64_t payload = std::min<uint64_t>(choice.tbsBits / 8, link->GetBuffer().GetBacklogBytes());
    int id = link->GetHarq().FindFree();
    if (payload == 0 || id < 0)
    {
        return 0;
    }
    SixGHarqEntity::Process& process = link->GetHarq().Get(static_cast<uint32_t>(id));
    process.active = true;
    process.segments = link->GetBuffer().Dequeue(payload);
    process.tbsBits = choice.tbsBits;
    process.payloadBytes = payload;
    process.mcs = choice.mcs;
    process.cqi = choice.cqi;
    process.layers = choice.layers;
    process.rbs = rbs;
    process.symbols = symbols;
    Transmit(slot, link, static_cast<uint32_t>(id), rbStart);
    return rbs;
}

void
SixGCellMac::Transmit(uint64_t slot, Ptr<SixGLink> link, uint32_t process, uint32_t rbStart)
{
    SixGHarqEntity::Process& block = link->GetHarq().Get(process);
    block.inFlight = true;
    Ptr<SixGNetDevice> transmitter = link->GetTransmitter();
    Ptr<SixGNetDevice> receiver = link->GetReceiver();
    uint32_t carrier = m_channel->GetResourceBlocks();
    double txPowerW = FromDb(transmitter->GetTxPowerDbm() - 30.0);
    bool downlink = link->GetDirection() == SixGLink::DOWNLINK;

    Pending pending;
    pending.link = link;
    pending.process = process;
    pending.tx.cellId = m_cellId;
    pending.tx.transmitter = PeekPointer(transmitter);
    pending.tx.receiver = PeekPointer(receiver);
    pending.tx.rbStart = rbStart;
    pending.tx.rbs = block.rbs;
    // The base station spreads its power over the carrier; a terminal over its allocation.
    pending.tx.powerPerRbW = txPowerW / (downlink ? carrier : block.rbs);
    pending.fullPowerW = GetFullPowerW(*link);
    pending.signalW = pending.fullPowerW * (downlink ? double(block.rbs) / carrier : 1.0);
    pending.noiseW = m_channel->GetNoisePowerW(block.rbs, receiver->GetNoiseFigureDb());
    pending.layers = block.layers;
    m_channel->AddTransmission(slot, pending.tx);
    m_pending.push_back(pending);
    m_pendingSlot = slot;
}

double
SixGCellMac::GetFullPowerW(const SixGLink& link)
{
    const SixGNetDevice* transmitter = PeekPointer(link.GetTransmitter());
    const SixGNetDevice* receiver = PeekPointer(link.GetReceiver());
    bool downlink = link.GetDirection() == SixGLink::DOWNLINK;
    const SixGNetDevice* bs = downlink ? transmitter : receiver;
    const SixGNetDevice* ue = downlink ? receiver : transmitter;
    double gainDb = transmitter->GetAntennaGainDbi() + receiver->GetAntennaGainDbi()
                    + m_channel->GetLargeScaleGainDb(transmitter, receiver);
    return FromDb(transmitter->GetTxPowerDbm() - 30.0 + gainDb) * m_channel->GetFadingGain(bs, ue);
}

void
SixGCellMac::RefreshReport(SixGLink& link)
{
    Time now = Simulator::Now();
    Time reported = link.GetReportTime();
    if (!reported.IsNegative() && now - reported < m_cqiPeriod)
    {
        return;
    }
    // Fresh signal; the interference measured on the last transmission is the best guess of
    // the next one, for one period. After that (the link has not been served since) the guess
    // is noise alone, as a periodic interference measurement would find once the interferer is
    // gone: carried on for ever, one burst of strong interference would keep the link's CQI
    // below every MCS, so it would never be served again to measure anew.
    double noisePerRb = m_channel->GetNoisePowerW(1, link.GetReceiver()->GetNoiseFigureDb());
    double interferencePerRb =
        reported.IsNegative() || !link.IsReportMeasured()
            ? 0.0
            : std::max(0.0, link.GetReportedInterferenceNoisePerRbW() - noisePerRb);
    link.SetChannelReport(GetFullPowerW(link), noisePerRb + interferencePerRb, now, false);
    // A fresh report bounds the back-off again, so that a link the report says can be served
    // at the lowest MCS is served, however many failures came before.
    GetAdaptation().LimitBackOff(link, m_channel->GetResourceBlocks());
}

bool
SixGCellMac::Adapt(const SixGLink& link,
                   uint32_t rbs,
                   uint32_t symbols,
                   SixGLinkAdaptation::Choice& choice) const
{
    return GetAdaptation().Choose(link,
                                  link.GetTransmitter()->GetLayers(),
                                  m_multiLayerSinrDb,
                                  rbs,
                                  m_channel->GetResourceBlocks(),
                                  symbols,
                                  m_channel->GetOverhead(link.GetDirection()),
                                  choice);
}

const SixGLinkAdaptation&
SixGCellMac::GetAdaptation() const
{
    if (!m_adaptation)
    {
        m_adaptation = std::make_unique<SixGLinkAdaptation>(GetMcsTable());
    }
    return *m_adaptation;
}

} // namespace ns3
