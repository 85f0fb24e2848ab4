/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_LINK_H
#define CE_LSLM_SIX_G_LINK_H

#include "six-g-harq-entity.h"
#include "six-g-tx-buffer.h"

#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"

namespace ns3
{

class SixGNetDevice;

/**
 * \ingroup ce-lslm
 * \brief One direction of one terminal's radio link: its transmit buffer, HARQ processes,
 * link adaptation state and served-rate average. The cell's MAC owns both directions of
 * every terminal; the terminal device also holds its uplink to fill the buffer.
 *
 * Link adaptation keeps the last channel report as a received power and an
 * interference-plus-noise power per resource block, so the SINR of any allocation size can
 * be derived from it: downlink power is spread over the whole carrier (the SINR does not
 * depend on the allocation), a terminal puts all its power into its own allocation (fewer
 * resource blocks, higher SINR). An outer loop (OLLA) adds a back-off in dB: up by Step after
 * a failed first transmission, down by Step x target / (1 - target) after a decoded one, never
 * below 0, so first transmissions converge to at most the target BLER.
 */
class SixGLink : public SimpleRefCount<SixGLink>
{
  public:
    /// Direction of a link.
    enum Direction
    {
        DOWNLINK, //!< base station to terminal
        UPLINK    //!< terminal to base station
    };

    /// Retransmission configuration shared by a cell's links.
    struct Parameters
    {
        uint32_t processes{16};        //!< HARQ processes per link
        uint8_t maxTransmissions{4};   //!< HARQ transmissions of a block at most
        uint32_t rttSlots{4};          //!< slots from a failure to the HARQ retransmission
        uint8_t arqRetransmissions{4}; //!< ARQ resends of a lost block's segments
    };

    /**
     * \param direction downlink or uplink
     * \param rnti the terminal's identifier in its cell
     * \param transmitter the sending device
     * \param receiver the receiving device
     * \param parameters retransmission configuration
     */
    SixGLink(Direction direction,
             uint32_t rnti,
             Ptr<SixGNetDevice> transmitter,
             Ptr<SixGNetDevice> receiver,
             const Parameters& parameters);

    /// \return the direction
    Direction GetDirection() const;
    /// \return the terminal's identifier in its cell
    uint32_t GetRnti() const;
    /// \return the sending device
    Ptr<SixGNetDevice> GetTransmitter() const;
    /// \return the receiving device
    Ptr<SixGNetDevice> GetReceiver() const;
    /// \return the transmit buffer
    SixGTxBuffer& GetBuffer();
    /// \return the HARQ processes
    SixGHarqEntity& GetHarq();

    /**
     * \brief Record a channel report.
     * \param receivedPowerW power received when the transmitter uses all its power for the
     * allocation, in W (fading included)
     * \param interferenceNoisePerRbW interference plus noise in one resource block, in W
     * \param now when it was measured
     * \param measured whether the interference was measured on a transmission (false: a
     * periodic refresh that carries the last measurement over)
     */
    void SetChannelReport(double receivedPowerW,
                          double interferenceNoisePerRbW,
                          Time now,
                          bool measured = true);
    /// \return whether the last report's interference was measured on a transmission (false:
    /// carried over by a periodic refresh)
    bool IsReportMeasured() const;
    /// \return when the last report was measured (-1 s if never)
    Time GetReportTime() const;
    /// \return the interference-plus-noise per resource block of the last report, in W
    double GetReportedInterferenceNoisePerRbW() const;
    /**
     * \param rbs resource blocks of the allocation
     * \param carrierRbs resource blocks of the carrier
     * \return the reported SINR of that allocation, in dB, before the OLLA back-off
     */
    double GetReportedSinrDb(uint32_t rbs, uint32_t carrierRbs) const;
    /**
     * \param carrierRbs resource blocks of the carrier
     * \param sinrDb a SINR the allocation must reach, in dB
     * \return the most resource blocks with at least that SINR (all of them in the downlink)
     */
    uint32_t GetMaxRbsAbove(uint32_t carrierRbs, double sinrDb) const;

    /// \return the OLLA back-off, in dB (negative: the link does better than it reports)
    double GetOllaOffsetDb() const;
    /**
     * \brief Outer-loop link adaptation: up by \p stepDb after a failed first transmission,
     * down by stepDb x target / (1 - target) after a decoded one, so that the first
     * transmissions fail at the target rate on average. The back-off may go negative (to
     * -30 dB): clamping it at 0 kept the BLER below target wherever the reported SINR falls
     * between two MCS thresholds.
     * \param decoded whether a first transmission was decoded
     * \param stepDb the up step, in dB (0 disables the loop)
     * \param target the first-transmission BLER target
     */
    void UpdateOlla(bool decoded, double stepDb, double target);
    /**
     * \brief Anti-windup: the back-off never exceeds what would push the link below the lowest
     * MCS (\p headroomDb, the reported SINR's margin over it; at least 0). Without this bound,
     * failures at the lowest MCS raised the back-off with no transmission ever coming to lower
     * it again, and the link starved.
     * \param headroomDb reported SINR minus the lowest MCS threshold, in dB
     */
    void LimitOllaOffset(double headroomDb);

    /**
     * \param now the current time
     * \param timeConstant averaging time constant
     * \return the average served rate, in bit/s
     */
    double GetAverageRate(Time now, Time timeConstant) const;
    /**
     * \brief Count served bits into the average rate.
     * \param now the current time
     * \param bits bits delivered
     * \param timeConstant averaging time constant
     */
    void AddServedBits(Time now, uint64_t bits, Time timeConstant);

    /// \return whether the link has data or HARQ blocks pending
    bool HasWork() const;

    /// Drop everything and release the devices (end of simulation).
    void Dispose();

  private:
    /**
     * \brief Buffer callback: the receiver gets a packet.
     * \param packet the packet
     * \param protocol its protocol number
     */
    void DeliverToReceiver(Ptr<Packet> packet, uint16_t protocol);
    /**
     * \brief Buffer callback: a packet was lost.
     * \param packet the packet
     */
    void ReportLoss(Ptr<const Packet> packet);
    /**
     * \brief Buffer callback: a packet left the transmitter.
     * \param packet the packet
     */
    void ReportSent(Ptr<const Packet> packet);

    Direction m_direction;            //!< downlink or uplink
    uint32_t m_rnti;                  //!< terminal identifier in the cell
    Ptr<SixGNetDevice> m_transmitter; //!< sending device
    Ptr<SixGNetDevice> m_receiver;    //!< receiving device
    SixGTxBuffer m_buffer;            //!< transmit buffer
    SixGHarqEntity m_harq;            //!< HARQ processes
    double m_reportPowerW{0};         //!< last report: received power
    double m_reportNoisePerRbW{0};    //!< last report: interference + noise per RB
    Time m_reportTime{Seconds(-1)};   //!< last report: when
    bool m_reportMeasured{false};     //!< last report: interference measured on a transmission
    double m_ollaOffsetDb{0};         //!< OLLA back-off
    double m_averageRateBps{0};       //!< served rate average at m_averageTime
    Time m_averageTime;               //!< when the average was last updated
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_LINK_H
