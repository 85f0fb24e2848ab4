/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-fading-model.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

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
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("Sinusoids",
                          "Sinusoids per component of the sum-of-sinusoids generator (more: "
                          "closer to Gaussian, slower).",
                          UintegerValue(16),
                          MakeUintegerAccessor(&SixGFadingModel::m_sinusoids),
                          MakeUintegerChecker<uint32_t>(4, 256));
    return tid;
}

SixGFadingModel::SixGFadingModel()
    : m_enabled(true)
    , m_kFactorDb(9.0)
    , m_speed(3.0 / 3.6)
    , m_sinusoids(16)
    , m_uniform(CreateObject<UniformRandomVariable>())
{
}

SixGFadingModel::~SixGFadingModel() = default;

void
SixGFadingModel::DoDispose()
{
    m_links.clear();
    m_uniform = nullptr;
    Object::DoDispose();
}

SixGFadingModel::Link
SixGFadingModel::DrawLink(double doppler)
{
    // Zheng and Xiao: arrival angles alpha_n = (2 pi n - pi + theta) / (4 M), one random theta
    // per link, and independent uniform phases for each sinusoid.
    Link link;
    link.doppler = doppler;
    double theta = m_uniform->GetValue(-M_PI, M_PI);
    for (uint32_t n = 1; n <= m_sinusoids; ++n)
    {
        double alpha = (2.0 * M_PI * n - M_PI + theta) / (4.0 * m_sinusoids);
        link.realFreq.push_back(doppler * std::cos(alpha));
        link.imagFreq.push_back(doppler * std::sin(alpha));
        link.realPhase.push_back(m_uniform->GetValue(-M_PI, M_PI));
        link.imagPhase.push_back(m_uniform->GetValue(-M_PI, M_PI));
    }
    return link;
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
    auto it = m_links.find(link);
    if (it == m_links.end())
    {
        double doppler = std::max(speed, m_speed) * frequencyHz / kSpeedOfLight;
        it = m_links.emplace(link, DrawLink(doppler)).first;
    }
    const Link& state = it->second;
    double t = now.GetSeconds();
    double real = 0;
    double imag = 0;
    for (std::size_t n = 0; n < state.realFreq.size(); ++n)
    {
        real += std::cos(2.0 * M_PI * state.realFreq[n] * t + state.realPhase[n]);
        imag += std::cos(2.0 * M_PI * state.imagFreq[n] * t + state.imagPhase[n]);
    }
    // Each sum has variance M / 2: scale to CN(0, 1).
    double scale = 1.0 / std::sqrt(static_cast<double>(state.realFreq.size()));
    double k = lineOfSight ? std::pow(10.0, m_kFactorDb / 10.0) : 0.0;
    double diffuse = std::sqrt(1.0 / (k + 1.0)) * scale;
    double re = std::sqrt(k / (k + 1.0)) + diffuse * real;
    double im = diffuse * imag;
    return re * re + im * im;
}

int64_t
SixGFadingModel::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

} // namespace ns3
