/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_CHANNEL_H
#define CE_LSLM_SIX_G_CHANNEL_H

#include "six-g-link.h"

#include "ns3/channel.h"
#include "ns3/nstime.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class ChannelConditionModel;
class PropagationLossModel;
class SixGFadingModel;
class SixGNetDevice;

/**
 * \ingroup ce-lslm
 * \brief One transmission in one slot on the 6G channel, as other cells see it.
 */
struct SixGTransmission
{
    uint32_t cellId{0};                 //!< cell of the transmitter
    const SixGNetDevice* transmitter{}; //!< sending device
    const SixGNetDevice* receiver{};    //!< receiving device
    uint32_t rbStart{0};                //!< first resource block
    uint32_t rbs{0};                    //!< resource blocks
    double powerPerRbW{0};              //!< transmit power in each resource block, in W
};

/**
 * \ingroup ce-lslm
 * \brief The 6G radio channel: one TDD carrier shared by every cell attached to it, its
 * propagation (TR 38.901 or sub-THz path loss with shadowing and LOS/NLOS condition, block
 * fading) and the record of who transmits in which slot, from which other cells'
 * interference is computed.
 *
 * The carrier has ResourceBlocks resource blocks of 12 subcarriers at 15 kHz x 2^Numerology
 * and slots of 1 ms / 2^Numerology. Every cell follows the same TddPattern from slot 0 (a
 * synchronized TDD network, so base stations never interfere with terminals): D is a
 * downlink slot, U an uplink slot, and S a special slot whose first SpecialSlotDlSymbols
 * symbols carry downlink data (the rest is the guard period and uplink control).
 *
 * The large-scale gain of a pair of devices (path loss and shadowing, without antenna gain)
 * is computed by the PropagationLossModel and kept for LargeScaleUpdatePeriod. Signals of
 * other cells arrive with 0 dBi antenna gains at both ends: their beams point at their own
 * terminals, so on average the victim sees neither beam.
 */
class SixGChannel : public Channel
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SixGChannel();
    ~SixGChannel() override;

    // Channel
    std::size_t GetNDevices() const override;
    Ptr<NetDevice> GetDevice(std::size_t i) const override;

    /// \param device a base-station or terminal device to attach
    void AddDevice(Ptr<SixGNetDevice> device);

    /// \return the carrier frequency, in Hz
    double GetFrequency() const;
    /// \return the resource blocks of the carrier
    uint32_t GetResourceBlocks() const;
    /// \return the subcarrier spacing, in Hz
    double GetSubcarrierSpacing() const;
    /// \return the slot duration
    Time GetSlotDuration() const;
    /**
     * \param time a time
     * \return the index of the slot it falls in
     */
    uint64_t GetSlotIndex(Time time) const;
    /**
     * \param slot a slot index
     * \return when it starts
     */
    Time GetSlotStart(uint64_t slot) const;
    /**
     * \param slot a slot index
     * \return whether it carries downlink or uplink data
     */
    SixGLink::Direction GetSlotDirection(uint64_t slot) const;
    /**
     * \param slot a slot index
     * \return OFDM symbols carrying data in it
     */
    uint32_t GetDataSymbols(uint64_t slot) const;
    /**
     * \param direction a direction
     * \return the overhead fraction (reference and control signals) in that direction
     */
    double GetOverhead(SixGLink::Direction direction) const;
    /// \return the TDD pattern
    std::string GetTddPattern() const;
    /// \param pattern the TDD pattern (D, S and U, at least one D or S and one U)
    void SetTddPattern(const std::string& pattern);

    /**
     * \param a one device
     * \param b another device
     * \return path loss and shadowing between them as a gain, in dB (negative), less any extra
     * loss set on either of them
     */
    double GetLargeScaleGainDb(const SixGNetDevice* a, const SixGNetDevice* b);
    /**
     * \brief Fault injection: every link of \p device loses \p lossDb more (a blockage of the
     * site; a very large loss is an outage), until set back to 0.
     * \param device a device of this channel (e.g. a base station)
     * \param lossDb extra path loss, in dB (>= 0)
     */
    void SetExtraLoss(const SixGNetDevice* device, double lossDb);
    /**
     * \param a one device
     * \param b another device
     * \return whether they are in line of sight (true when no condition model is set)
     */
    bool IsLineOfSight(const SixGNetDevice* a, const SixGNetDevice* b);
    /**
     * \param bs the base station
     * \param ue the terminal
     * \return the power gain of the fading of their link now (linear, mean 1)
     */
    double GetFadingGain(const SixGNetDevice* bs, const SixGNetDevice* ue);
    /**
     * \param rbs resource blocks
     * \param noiseFigureDb receiver noise figure
     * \return thermal noise power in that bandwidth, in W
     */
    double GetNoisePowerW(uint32_t rbs, double noiseFigureDb) const;

    /**
     * \brief Record a transmission, for the interference other cells see in that slot.
     * \param slot the slot
     * \param transmission the transmission
     */
    void AddTransmission(uint64_t slot, const SixGTransmission& transmission);
    /**
     * \param slot a slot
     * \param victim a transmission of that slot
     * \return the power that other cells' transmissions of the slot put into the victim's
     * resource blocks at its receiver, in W
     */
    double GetInterferenceW(uint64_t slot, const SixGTransmission& victim);

    /**
     * \param stream first stream index
     * \return the number of streams used (propagation, condition and fading models)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    /// Cached large-scale state of a pair of devices.
    struct LargeScale
    {
        double gainDb; //!< path loss and shadowing, in dB (negative)
        bool los;      //!< line of sight
        Time computed; //!< when
    };

    /**
     * \param a one device
     * \param b another device
     * \return their cached state, computed again when older than the update period
     */
    const LargeScale& GetLargeScale(const SixGNetDevice* a, const SixGNetDevice* b);

    std::vector<Ptr<SixGNetDevice>> m_devices;             //!< attached devices
    double m_frequency;                                    //!< Hz
    uint32_t m_numerology;                                 //!< mu
    uint32_t m_resourceBlocks;                             //!< carrier RBs
    std::string m_tddPattern;                              //!< D/S/U per slot
    uint32_t m_specialDlSymbols;                           //!< data symbols of S slots
    double m_dlOverhead;                                   //!< downlink overhead fraction
    double m_ulOverhead;                                   //!< uplink overhead fraction
    Time m_largeScalePeriod;                               //!< cache lifetime
    std::map<const SixGNetDevice*, double> m_extraLossDb;  //!< fault injection, per device
    Ptr<PropagationLossModel> m_pathLoss;                  //!< path loss and shadowing
    Ptr<ChannelConditionModel> m_condition;                //!< LOS/NLOS (may be null)
    Ptr<SixGFadingModel> m_fading;                         //!< small-scale fading
    std::unordered_map<uint64_t, LargeScale> m_largeScale; //!< per device pair
    std::map<uint64_t, std::vector<SixGTransmission>> m_transmissions; //!< per recent slot
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_CHANNEL_H
