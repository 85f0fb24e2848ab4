/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "sub-thz-propagation-loss-model.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SubThzPropagationLossModel");

NS_OBJECT_ENSURE_REGISTERED(SubThzPropagationLossModel);

namespace
{

constexpr double kSpeedOfLight = 299792458.0; //!< m/s

/// One point of the attenuation curve.
struct AbsorptionPoint
{
    double frequencyGhz; //!< GHz
    double dbPerKm;      //!< specific attenuation, dB/km
};

// Sea-level specific attenuation (oxygen + water vapour) of ITU-R P.676's standard atmosphere,
// read off its curve: the oxygen complex near 60 GHz and line at 119 GHz, the water lines at
// 22 and 183 GHz, and the water-vapour continuum rising above 200 GHz. About 30 % accurate.
const AbsorptionPoint kAbsorption[] = {
    {1, 0.0054}, {10, 0.013},   {15, 0.03},  {20, 0.10},    {22.2, 0.18}, {25, 0.13},  {30, 0.10},
    {40, 0.12},  {50, 0.45},    {55, 5.0},   {60, 15.0},    {65, 1.5},    {70, 0.45},  {80, 0.30},
    {90, 0.35},  {100, 0.40},   {110, 0.60}, {118.75, 2.2}, {125, 0.90},  {140, 0.95}, {150, 1.2},
    {170, 2.5},  {183.3, 28.0}, {195, 5.0},  {200, 3.5},    {220, 3.8},   {250, 5.0},  {280, 7.0},
    {300, 8.5},  {325, 35.0},   {350, 12.0}, {380, 60.0},   {400, 22.0},  {450, 40.0},
};

/// An identifier of the link between two nodes, the same in both directions.
uint64_t
LinkKey(Ptr<MobilityModel> a, Ptr<MobilityModel> b)
{
    Ptr<Node> nodeA = a->GetObject<Node>();
    Ptr<Node> nodeB = b->GetObject<Node>();
    NS_ABORT_MSG_UNLESS(nodeA && nodeB,
                        "SubThzPropagationLossModel: mobility models must belong to nodes");
    uint64_t low = std::min(nodeA->GetId(), nodeB->GetId());
    uint64_t high = std::max(nodeA->GetId(), nodeB->GetId());
    return (high << 32) | low;
}

} // namespace

TypeId
SubThzPropagationLossModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SubThzPropagationLossModel")
            .SetParent<PropagationLossModel>()
            .SetGroupName("CeLslm")
            .AddConstructor<SubThzPropagationLossModel>()
            .AddAttribute("Frequency",
                          "Carrier frequency, in Hz (100 to 300 GHz).",
                          DoubleValue(140e9),
                          MakeDoubleAccessor(&SubThzPropagationLossModel::SetFrequency,
                                             &SubThzPropagationLossModel::GetFrequency),
                          MakeDoubleChecker<double>())
            .AddAttribute("ShadowingEnabled",
                          "Whether to add log-normal shadowing.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&SubThzPropagationLossModel::m_shadowingEnabled),
                          MakeBooleanChecker())
            .AddAttribute(
                "ChannelConditionModel",
                "Decides line of sight (null: always line of sight).",
                PointerValue(),
                MakePointerAccessor(&SubThzPropagationLossModel::SetChannelConditionModel,
                                    &SubThzPropagationLossModel::GetChannelConditionModel),
                MakePointerChecker<ChannelConditionModel>())
            .AddAttribute("LosExponent",
                          "Path loss exponent in line of sight (2 = free space).",
                          DoubleValue(2.0),
                          MakeDoubleAccessor(&SubThzPropagationLossModel::m_losExponent),
                          MakeDoubleChecker<double>(1.0, 6.0))
            .AddAttribute("NlosExponent",
                          "Path loss exponent without line of sight.",
                          DoubleValue(3.0),
                          MakeDoubleAccessor(&SubThzPropagationLossModel::m_nlosExponent),
                          MakeDoubleChecker<double>(1.0, 6.0))
            .AddAttribute("LosShadowingStd",
                          "Standard deviation of the shadowing in line of sight, in dB.",
                          DoubleValue(2.0),
                          MakeDoubleAccessor(&SubThzPropagationLossModel::m_losSigmaDb),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("NlosShadowingStd",
                          "Standard deviation of the shadowing without line of sight, in dB.",
                          DoubleValue(8.0),
                          MakeDoubleAccessor(&SubThzPropagationLossModel::m_nlosSigmaDb),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("AbsorptionCoefficient",
                          "Specific attenuation of the atmosphere, in dB/km; negative: the "
                          "standard-atmosphere table at the carrier frequency.",
                          DoubleValue(-1.0),
                          MakeDoubleAccessor(&SubThzPropagationLossModel::m_absorptionOverride),
                          MakeDoubleChecker<double>());
    return tid;
}

SubThzPropagationLossModel::SubThzPropagationLossModel()
    : m_frequency(140e9)
    , m_shadowingEnabled(true)
    , m_losExponent(2.0)
    , m_nlosExponent(3.0)
    , m_losSigmaDb(2.0)
    , m_nlosSigmaDb(8.0)
    , m_absorptionOverride(-1.0)
    , m_normal(CreateObject<NormalRandomVariable>())
{
}

SubThzPropagationLossModel::~SubThzPropagationLossModel() = default;

void
SubThzPropagationLossModel::DoDispose()
{
    m_conditionModel = nullptr;
    m_shadowing.clear();
    PropagationLossModel::DoDispose();
}

void
SubThzPropagationLossModel::SetChannelConditionModel(Ptr<ChannelConditionModel> model)
{
    m_conditionModel = model;
}

Ptr<ChannelConditionModel>
SubThzPropagationLossModel::GetChannelConditionModel() const
{
    return m_conditionModel;
}

void
SubThzPropagationLossModel::SetFrequency(double frequencyHz)
{
    NS_ABORT_MSG_IF(frequencyHz < 100e9 || frequencyHz > 300e9,
                    "SubThzPropagationLossModel: frequency " << frequencyHz
                                                             << " Hz outside [100, 300] GHz");
    m_frequency = frequencyHz;
}

double
SubThzPropagationLossModel::GetFrequency() const
{
    return m_frequency;
}

double
SubThzPropagationLossModel::GetAbsorptionDbPerKm(double frequencyHz)
{
    double ghz = frequencyHz / 1e9;
    const AbsorptionPoint* first = std::begin(kAbsorption);
    const AbsorptionPoint* last = std::end(kAbsorption) - 1;
    NS_ABORT_MSG_IF(ghz < first->frequencyGhz || ghz > last->frequencyGhz,
                    "SubThzPropagationLossModel: no absorption data at " << ghz << " GHz");
    const AbsorptionPoint* upper = std::lower_bound(first,
                                                    last + 1,
                                                    ghz,
                                                    [](const AbsorptionPoint& p, double f)
                                                    {
                                                        return p.frequencyGhz < f;
                                                    });
    if (upper == first)
    {
        return first->dbPerKm;
    }
    const AbsorptionPoint* lower = upper - 1;
    // Linear in frequency, geometric in attenuation: the curve spans four decades.
    double t = (ghz - lower->frequencyGhz) / (upper->frequencyGhz - lower->frequencyGhz);
    return std::exp(std::log(lower->dbPerKm)
                    + t * (std::log(upper->dbPerKm) - std::log(lower->dbPerKm)));
}

double
SubThzPropagationLossModel::GetAbsorption() const
{
    return m_absorptionOverride >= 0 ? m_absorptionOverride : GetAbsorptionDbPerKm(m_frequency);
}

double
SubThzPropagationLossModel::GetLossDb(double distance, bool lineOfSight) const
{
    double d = std::max(distance, 1.0);
    double reference = 20.0 * std::log10(4.0 * M_PI * m_frequency / kSpeedOfLight);
    double absorption = GetAbsorption() * d / 1000.0;
    double los = reference + 10.0 * m_losExponent * std::log10(d) + absorption;
    if (lineOfSight)
    {
        return los;
    }
    return std::max(los, reference + 10.0 * m_nlosExponent * std::log10(d) + absorption);
}

double
SubThzPropagationLossModel::DoCalcRxPower(double txPowerDbm,
                                          Ptr<MobilityModel> a,
                                          Ptr<MobilityModel> b) const
{
    bool los = !m_conditionModel || m_conditionModel->GetChannelCondition(a, b)->IsLos();
    double loss = GetLossDb(a->GetDistanceFrom(b), los);
    if (m_shadowingEnabled)
    {
        uint64_t key = LinkKey(a, b);
        auto it = m_shadowing.find(key);
        if (it == m_shadowing.end() || it->second.los != los)
        {
            double sigma = los ? m_losSigmaDb : m_nlosSigmaDb;
            m_shadowing[key] = Shadowing{sigma * m_normal->GetValue(), los};
        }
        loss += m_shadowing[key].valueDb;
    }
    return txPowerDbm - loss;
}

int64_t
SubThzPropagationLossModel::DoAssignStreams(int64_t stream)
{
    m_normal->SetStream(stream);
    return 1;
}

} // namespace ns3
