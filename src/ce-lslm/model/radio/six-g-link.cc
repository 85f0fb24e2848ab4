/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-link.h"

#include "six-g-net-device.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGLink");

namespace
{

constexpr double kMaxOllaOffsetDb = 30.0; //!< the loop never backs off further than this

} // namespace

SixGLink::SixGLink(Direction direction,
                   uint32_t rnti,
                   Ptr<SixGNetDevice> transmitter,
                   Ptr<SixGNetDevice> receiver,
                   const Parameters& parameters)
    : m_direction(direction)
    , m_rnti(rnti)
    , m_transmitter(transmitter)
    , m_receiver(receiver)
    , m_buffer(transmitter->GetQueueSize(), parameters.arqRetransmissions)
    , m_harq(parameters.processes, parameters.maxTransmissions, parameters.rttSlots)
{
    m_buffer.SetCallbacks(MakeCallback(&SixGLink::DeliverToReceiver, this),
                          MakeCallback(&SixGLink::ReportLoss, this),
                          MakeCallback(&SixGLink::ReportSent, this));
}

SixGLink::Direction
SixGLink::GetDirection() const
{
    return m_direction;
}

uint32_t
SixGLink::GetRnti() const
{
    return m_rnti;
}

Ptr<SixGNetDevice>
SixGLink::GetTransmitter() const
{
    return m_transmitter;
}

Ptr<SixGNetDevice>
SixGLink::GetReceiver() const
{
    return m_receiver;
}

SixGTxBuffer&
SixGLink::GetBuffer()
{
    return m_buffer;
}

SixGHarqEntity&
SixGLink::GetHarq()
{
    return m_harq;
}

void
SixGLink::SetChannelReport(double receivedPowerW,
                           double interferenceNoisePerRbW,
                           Time now,
                           bool measured)
{
    m_reportMeasured = measured;
    m_reportPowerW = receivedPowerW;
    m_reportNoisePerRbW = interferenceNoisePerRbW;
    m_reportTime = now;
}

bool
SixGLink::IsReportMeasured() const
{
    return m_reportMeasured;
}

Time
SixGLink::GetReportTime() const
{
    return m_reportTime;
}

double
SixGLink::GetReportedInterferenceNoisePerRbW() const
{
    return m_reportNoisePerRbW;
}

double
SixGLink::GetReportedSinrDb(uint32_t rbs, uint32_t carrierRbs) const
{
    // Downlink: the base station's power per resource block is fixed, so the SINR is the same
    // for any allocation. Uplink: the terminal's whole power goes into its rbs.
    double share = m_direction == DOWNLINK ? static_cast<double>(rbs) / carrierRbs : 1.0;
    double sinr = m_reportPowerW * share / (rbs * m_reportNoisePerRbW);
    return 10.0 * std::log10(std::max(sinr, 1e-30));
}

uint32_t
SixGLink::GetMaxRbsAbove(uint32_t carrierRbs, double sinrDb) const
{
    if (m_direction == DOWNLINK)
    {
        return carrierRbs;
    }
    double needed = std::pow(10.0, sinrDb / 10.0);
    double rbs = m_reportPowerW / (m_reportNoisePerRbW * needed);
    return static_cast<uint32_t>(std::min<double>(std::floor(rbs), carrierRbs));
}

double
SixGLink::GetOllaOffsetDb() const
{
    return m_ollaOffsetDb;
}

void
SixGLink::UpdateOlla(bool decoded, double stepDb, double target)
{
    m_ollaOffsetDb += decoded ? -stepDb * target / (1.0 - target) : stepDb;
    m_ollaOffsetDb = std::clamp(m_ollaOffsetDb, -kMaxOllaOffsetDb, kMaxOllaOffsetDb);
}

void
SixGLink::LimitOllaOffset(double headroomDb)
{
    m_ollaOffsetDb = std::min(m_ollaOffsetDb, std::max(0.0, headroomDb));
}

double
SixGLink::GetAverageRate(Time now, Time timeConstant) const
{
    double elapsed = (now - m_averageTime).GetSeconds();
    return m_averageRateBps * std::exp(-elapsed / timeConstant.GetSeconds());
}

void
SixGLink::AddServedBits(Time now, uint64_t bits, Time timeConstant)
{
    // Exponential average of the served rate: each delivery adds bits / T_c and the sum
    // decays as exp(-t / T_c), so a steady rate R converges to R.
    m_averageRateBps = GetAverageRate(now, timeConstant) + bits / timeConstant.GetSeconds();
    m_averageTime = now;
}

bool
SixGLink::HasWork() const
{
    return m_buffer.GetBacklogBytes() > 0 || m_harq.IsBusy();
}

void
SixGLink::DeliverToReceiver(Ptr<Packet> packet, uint16_t protocol)
{
    m_receiver->Deliver(packet, protocol, m_transmitter->GetAddress());
}

void
SixGLink::ReportLoss(Ptr<const Packet> packet)
{
    m_receiver->NotifyReceptionLoss(packet);
}

void
SixGLink::ReportSent(Ptr<const Packet> packet)
{
    m_transmitter->NotifyTransmitted(packet);
}

void
SixGLink::Dispose()
{
    m_buffer.Clear();
    m_transmitter = nullptr;
    m_receiver = nullptr;
}

} // namespace ns3
