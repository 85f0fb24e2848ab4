/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-channel.h"

#include "six-g-fading-model.h"
#include "six-g-net-device.h"

#include "ns3/channel-condition-model.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGChannel");

NS_OBJECT_ENSURE_REGISTERED(SixGChannel);

namespace
{

constexpr double kBoltzmannDbmPerHz = -174.0; //!< thermal noise density at 290 K, dBm/Hz

/// An identifier of the pair of nodes of two devices, the same in both directions.
uint64_t
PairKey(const SixGNetDevice* a, const SixGNetDevice* b)
{
    uint64_t idA = a->GetNode()->GetId();
    uint64_t idB = b->GetNode()->GetId();
    return (std::max(idA, idB) << 32) | std::min(idA, idB);
}

/// \return the linear value of \p db
double
FromDb(double db)
{
    return std::pow(10.0, db / 10.0);
}

} // namespace

TypeId
SixGChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SixGChannel")
            .SetParent<Channel>()
            .SetGroupName("CeLslm")
            .AddConstructor<SixGChannel>()
            .AddAttribute("Frequency",
                          "Carrier frequency, in Hz.",
                          DoubleValue(3.5e9),
                          MakeDoubleAccessor(&SixGChannel::m_frequency),
                          MakeDoubleChecker<double>(0.5e9, 450e9))
            .AddAttribute("Numerology",
                          "NR numerology mu: subcarrier spacing 15 kHz x 2^mu, slot 1 ms / 2^mu.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&SixGChannel::m_numerology),
                          MakeUintegerChecker<uint32_t>(0, 6))
            .AddAttribute("ResourceBlocks",
                          "Resource blocks of the carrier (12 subcarriers each).",
                          UintegerValue(273),
                          MakeUintegerAccessor(&SixGChannel::m_resourceBlocks),
                          MakeUintegerChecker<uint32_t>(1, 3300))
            .AddAttribute(
                "TddPattern",
                "Slot directions, repeated from slot 0: D downlink, U uplink, S "
                "special (downlink data in its first SpecialSlotDlSymbols symbols).",
                StringValue("DDDSU"),
                MakeStringAccessor(&SixGChannel::SetTddPattern, &SixGChannel::GetTddPattern),
                MakeStringChecker())
            .AddAttribute("SpecialSlotDlSymbols",
                          "OFDM symbols of a special (S) slot that carry downlink data.",
                          UintegerValue(10),
                          MakeUintegerAccessor(&SixGChannel::m_specialDlSymbols),
                          MakeUintegerChecker<uint32_t>(1, 14))
            .AddAttribute("DlOverhead",
                          "Fraction of downlink resource elements taken by reference and "
                          "control signals (TS 38.306: 0.14 in FR1, 0.18 in FR2).",
                          DoubleValue(0.14),
                          MakeDoubleAccessor(&SixGChannel::m_dlOverhead),
                          MakeDoubleChecker<double>(0.0, 0.9))
            .AddAttribute("UlOverhead",
                          "Fraction of uplink resource elements taken by reference and control "
                          "signals (TS 38.306: 0.08 in FR1, 0.10 in FR2).",
                          DoubleValue(0.08),
                          MakeDoubleAccessor(&SixGChannel::m_ulOverhead),
                          MakeDoubleChecker<double>(0.0, 0.9))
            .AddAttribute("LargeScaleUpdatePeriod",
                          "How long a computed path loss (with shadowing and LOS state) is "
                          "reused, in s; movement and blockage take effect at this "
                          "granularity.",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&SixGChannel::m_largeScalePeriod),
                          MakeTimeChecker(Time(0)))
            .AddAttribute("PropagationLossModel",
                          "Path loss and shadowing (e.g. a TR 38.901 model).",
                          PointerValue(),
                          MakePointerAccessor(&SixGChannel::m_pathLoss),
                          MakePointerChecker<PropagationLossModel>())
            .AddAttribute("ChannelConditionModel",
                          "LOS/NLOS condition, for the fading's Rician factor; give it the "
                          "same object as the path loss model (null: line of sight).",
                          PointerValue(),
                          MakePointerAccessor(&SixGChannel::m_condition),
                          MakePointerChecker<ChannelConditionModel>())
            .AddAttribute("FadingModel",
                          "Small-scale block fading.",
                          PointerValue(),
                          MakePointerAccessor(&SixGChannel::m_fading),
                          MakePointerChecker<SixGFadingModel>());
    return tid;
}

SixGChannel::SixGChannel()
    : m_frequency(3.5e9)
    , m_numerology(1)
    , m_resourceBlocks(273)
    , m_tddPattern("DDDSU")
    , m_specialDlSymbols(10)
    , m_dlOverhead(0.14)
    , m_ulOverhead(0.08)
    , m_largeScalePeriod(MilliSeconds(1))
    , m_fading(CreateObject<SixGFadingModel>())
{
}

SixGChannel::~SixGChannel() = default;

void
SixGChannel::DoDispose()
{
    m_devices.clear();
    m_pathLoss = nullptr;
    m_condition = nullptr;
    m_fading = nullptr;
    m_largeScale.clear();
    m_transmissions.clear();
    Channel::DoDispose();
}

std::size_t
SixGChannel::GetNDevices() const
{
    return m_devices.size();
}

Ptr<NetDevice>
SixGChannel::GetDevice(std::size_t i) const
{
    return m_devices.at(i);
}

void
SixGChannel::AddDevice(Ptr<SixGNetDevice> device)
{
    m_devices.push_back(device);
}

double
SixGChannel::GetFrequency() const
{
    return m_frequency;
}

uint32_t
SixGChannel::GetResourceBlocks() const
{
    return m_resourceBlocks;
}

double
SixGChannel::GetSubcarrierSpacing() const
{
    return 15e3 * (1u << m_numerology);
}

Time
SixGChannel::GetSlotDuration() const
{
    return NanoSeconds(1000000 >> m_numerology);
}

uint64_t
SixGChannel::GetSlotIndex(Time time) const
{
    return static_cast<uint64_t>(time.GetNanoSeconds() / GetSlotDuration().GetNanoSeconds());
}

Time
SixGChannel::GetSlotStart(uint64_t slot) const
{
    return NanoSeconds(static_cast<int64_t>(slot) * GetSlotDuration().GetNanoSeconds());
}

void
SixGChannel::SetTddPattern(const std::string& pattern)
{
    bool valid = !pattern.empty() && pattern.find_first_not_of("DSU") == std::string::npos
                 && pattern.find('U') != std::string::npos
                 && pattern.find_first_of("DS") != std::string::npos;
    NS_ABORT_MSG_UNLESS(valid,
                        "SixGChannel: TDD pattern '"
                            << pattern
                            << "' must use only D, S and U, with at least one U and one D or S");
    m_tddPattern = pattern;
}

std::string
SixGChannel::GetTddPattern() const
{
    return m_tddPattern;
}

SixGLink::Direction
SixGChannel::GetSlotDirection(uint64_t slot) const
{
    return m_tddPattern[slot % m_tddPattern.size()] == 'U' ? SixGLink::UPLINK : SixGLink::DOWNLINK;
}

uint32_t
SixGChannel::GetDataSymbols(uint64_t slot) const
{
    return m_tddPattern[slot % m_tddPattern.size()] == 'S' ? m_specialDlSymbols : 14;
}

double
SixGChannel::GetOverhead(SixGLink::Direction direction) const
{
    return direction == SixGLink::DOWNLINK ? m_dlOverhead : m_ulOverhead;
}

const SixGChannel::LargeScale&
SixGChannel::GetLargeScale(const SixGNetDevice* a, const SixGNetDevice* b)
{
    Time now = Simulator::Now();
    uint64_t key = PairKey(a, b);
    auto it = m_largeScale.find(key);
    if (it != m_largeScale.end() && now - it->second.computed < m_largeScalePeriod)
    {
        return it->second;
    }
    NS_ABORT_MSG_UNLESS(m_pathLoss, "SixGChannel: no PropagationLossModel set");
    Ptr<MobilityModel> ma = a->GetMobility();
    Ptr<MobilityModel> mb = b->GetMobility();
    LargeScale state;
    state.gainDb = m_pathLoss->CalcRxPower(0.0, ma, mb);
    state.los = !m_condition || m_condition->GetChannelCondition(ma, mb)->IsLos();
    state.computed = now;
    return m_largeScale[key] = state;
}

double
SixGChannel::GetLargeScaleGainDb(const SixGNetDevice* a, const SixGNetDevice* b)
{
    double gainDb = GetLargeScale(a, b).gainDb;
    for (const SixGNetDevice* device : {a, b})
    {
        auto extra = m_extraLossDb.find(device);
        gainDb -= extra != m_extraLossDb.end() ? extra->second : 0.0;
    }
    return gainDb;
}

void
SixGChannel::SetExtraLoss(const SixGNetDevice* device, double lossDb)
{
    if (lossDb > 0)
    {
        m_extraLossDb[device] = lossDb;
    }
    else
    {
        m_extraLossDb.erase(device);
    }
}

bool
SixGChannel::IsLineOfSight(const SixGNetDevice* a, const SixGNetDevice* b)
{
    return GetLargeScale(a, b).los;
}

double
SixGChannel::GetFadingGain(const SixGNetDevice* bs, const SixGNetDevice* ue)
{
    if (!m_fading)
    {
        return 1.0;
    }
    double speed = ue->GetMobility()->GetRelativeSpeed(bs->GetMobility());
    return m_fading->GetGain(PairKey(bs, ue),
                             IsLineOfSight(bs, ue),
                             Simulator::Now(),
                             m_frequency,
                             speed);
}

double
SixGChannel::GetNoisePowerW(uint32_t rbs, double noiseFigureDb) const
{
    double bandwidth = rbs * 12.0 * GetSubcarrierSpacing();
    return FromDb(kBoltzmannDbmPerHz + noiseFigureDb - 30.0) * bandwidth;
}

void
SixGChannel::AddTransmission(uint64_t slot, const SixGTransmission& transmission)
{
    // Only the current and the previous slot can still be asked for.
    while (!m_transmissions.empty() && m_transmissions.begin()->first + 1 < slot)
    {
        m_transmissions.erase(m_transmissions.begin());
    }
    m_transmissions[slot].push_back(transmission);
}

double
SixGChannel::GetInterferenceW(uint64_t slot, const SixGTransmission& victim)
{
    auto it = m_transmissions.find(slot);
    if (it == m_transmissions.end())
    {
        return 0.0;
    }
    double interference = 0.0;
    uint32_t victimEnd = victim.rbStart + victim.rbs;
    for (const SixGTransmission& other : it->second)
    {
        if (other.cellId == victim.cellId)
        {
            continue; // OFDMA: a cell's own transmissions do not overlap
        }
        uint32_t start = std::max(victim.rbStart, other.rbStart);
        uint32_t end = std::min(victimEnd, other.rbStart + other.rbs);
        if (end <= start)
        {
            continue;
        }
        double gain = FromDb(GetLargeScaleGainDb(other.transmitter, victim.receiver));
        interference += other.powerPerRbW * (end - start) * gain;
    }
    return interference;
}

int64_t
SixGChannel::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    if (m_pathLoss)
    {
        used += m_pathLoss->AssignStreams(stream + used);
    }
    if (m_condition)
    {
        used += m_condition->AssignStreams(stream + used);
    }
    if (m_fading)
    {
        used += m_fading->AssignStreams(stream + used);
    }
    return used;
}

} // namespace ns3
