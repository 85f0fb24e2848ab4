/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-fading-model.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGFadingModel");

NS_OBJECT_ENSURE_REGISTERED(SixGFadingModel);

namespace
{

constexpr double kSpeedOfLight = 299792458.0; //!< m/s

} // namespace

TypeId
SixGFadingModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SixGFadingModel")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<SixGFadingModel>()
            .AddAttribute("Enabled",
                          "Whether links fade; false makes every gain 1 (large-scale only).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&SixGFadingModel::m_enabled),
                          MakeBooleanChecker())
            .AddAttribute("RicianKFactor",
                          "Rician K factor of line-of-sight links, in dB (TR 38.901 gives a "
                          "mean of 9 dB for UMi and UMa line of sight); non-line-of-sight links "
                          "are Rayleigh.",
                          DoubleValue(9.0),
                          MakeDoubleAccessor(&SixGFadingModel::m_kFactorDb),
                          MakeDoubleChecker<double>(-100.0, 100.0))
            .AddAttribute("Speed",
                          "Least relative speed used for the Doppler shift, in m/s (a terminal "
                          "moving faster uses its own speed); 0 with still terminals freezes "
                          "each link's fading.",
                          DoubleValue(3.0 / 3.6),
                          MakeDoubleAccessor(&SixGFadingModel::m_speed),
                          MakeDoubleChecker<double>(0.0));
    return tid;
}

SixGFadingModel::SixGFadingModel()
    : m_normal(CreateObject<NormalRandomVariable>())
{
    m_normal->SetAttribute("Mean", DoubleValue(0.0));
    m_normal->SetAttribute("Variance", DoubleValue(0.5)); // each part of CN(0, 1)
}

SixGFadingModel::~SixGFadingModel() = default;

void
SixGFadingModel::DoDispose()
{
    m_states.clear();
    m_normal = nullptr;
    Object::DoDispose();
}

double
SixGFadingModel::GetGain(uint64_t link,
                         bool lineOfSight,
                         Time now,
                         double frequencyHz,
                         double speed)
{
    if (!m_enabled)
    {
        return 1.0;
    }
    auto it = m_states.find(link);
    if (it == m_states.end())
    {
        it = m_states.emplace(link, State{m_normal->GetValue(), m_normal->GetValue(), now}).first;
    }
    State& state = it->second;
    Time elapsed = now - state.updated;
    double doppler = std::max(speed, m_speed) * frequencyHz / kSpeedOfLight;
    if (elapsed.IsStrictlyPositive() && doppler > 0)
    {
        double coherence = 0.423 / doppler;
        double rho = std::exp(-elapsed.GetSeconds() / coherence);
        double innovation = std::sqrt(std::max(0.0, 1.0 - rho * rho));
        state.real = rho * state.real + innovation * m_normal->GetValue();
        state.imag = rho * state.imag + innovation * m_normal->GetValue();
        state.updated = now;
    }
    double k = lineOfSight ? std::pow(10.0, m_kFactorDb / 10.0) : 0.0;
    double specular = std::sqrt(k / (k + 1.0));
    double diffuse = std::sqrt(1.0 / (k + 1.0));
    double real = specular + diffuse * state.real;
    double imag = diffuse * state.imag;
    return real * real + imag * imag;
}

int64_t
SixGFadingModel::AssignStreams(int64_t stream)
{
    m_normal->SetStream(stream);
    return 1;
}

} // namespace ns3
