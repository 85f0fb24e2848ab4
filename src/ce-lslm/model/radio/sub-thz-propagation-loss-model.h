/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SUB_THZ_PROPAGATION_LOSS_MODEL_H
#define CE_LSLM_SUB_THZ_PROPAGATION_LOSS_MODEL_H

#include "ns3/channel-condition-model.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/random-variable-stream.h"

#include <unordered_map>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Path loss for 100-300 GHz (sub-THz): free-space loss plus molecular absorption, a
 * steeper close-in slope without line of sight, and log-normal shadowing.
 *
 * With d the 3D distance in m (at least 1 m), f the frequency, c the speed of light and
 * alpha(f) the specific attenuation of the atmosphere in dB/km:
 *
 *   PL_LOS(d)  = 20 log10(4 pi f / c) + 10 n_LOS log10(d) + alpha(f) d / 1000
 *   PL_NLOS(d) = max(PL_LOS(d), 20 log10(4 pi f / c) + 10 n_NLOS log10(d) + alpha(f) d / 1000)
 *
 * (the close-in free-space reference model; n_LOS = 2 is exactly free space). alpha(f) is
 * interpolated (log-linearly) in a table of the sea-level attenuation of oxygen and water
 * vapour of ITU-R P.676's standard atmosphere (7.5 g/m^3, 15 C, 1013 hPa), read off its
 * curve to about 30 %; AbsorptionCoefficient replaces it with a value of your own.
 *
 * Same interface as ns-3's ThreeGppPropagationLossModel: Frequency, ShadowingEnabled and
 * ChannelConditionModel attributes, and SetFrequency / SetChannelConditionModel. Shadowing is
 * one zero-mean Gaussian value per link and LOS/NLOS state, drawn again when the state
 * changes (no spatial correlation).
 */
class SubThzPropagationLossModel : public PropagationLossModel
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SubThzPropagationLossModel();
    ~SubThzPropagationLossModel() override;

    /// \param model decides line of sight (null: always line of sight)
    void SetChannelConditionModel(Ptr<ChannelConditionModel> model);
    /// \return the channel condition model
    Ptr<ChannelConditionModel> GetChannelConditionModel() const;
    /// \param frequencyHz carrier frequency, in Hz, within [100, 300] GHz
    void SetFrequency(double frequencyHz);
    /// \return the carrier frequency, in Hz
    double GetFrequency() const;

    /**
     * \param frequencyHz a frequency, in Hz, within [1, 450] GHz
     * \return the table's specific attenuation of the standard atmosphere, in dB/km
     */
    static double GetAbsorptionDbPerKm(double frequencyHz);

    /**
     * \param distance 3D distance, in m
     * \param lineOfSight whether the link is in line of sight
     * \return the path loss without shadowing, in dB
     */
    double GetLossDb(double distance, bool lineOfSight) const;

  private:
    double DoCalcRxPower(double txPowerDbm,
                         Ptr<MobilityModel> a,
                         Ptr<MobilityModel> b) const override;
    int64_t DoAssignStreams(int64_t stream) override;
    void DoDispose() override;

    /// \return the specific attenuation in use, in dB/km
    double GetAbsorption() const;

    /// A link's shadowing value and the LOS state it was drawn for.
    struct Shadowing
    {
        double valueDb; //!< shadowing, in dB
        bool los;       //!< drawn for line of sight
    };

    Ptr<ChannelConditionModel> m_conditionModel; //!< LOS/NLOS decision
    double m_frequency;                          //!< Hz
    bool m_shadowingEnabled;                     //!< whether to add shadowing
    double m_losExponent;                        //!< n_LOS
    double m_nlosExponent;                       //!< n_NLOS
    double m_losSigmaDb;                         //!< shadowing std deviation in LOS, dB
    double m_nlosSigmaDb;                        //!< shadowing std deviation in NLOS, dB
    double m_absorptionOverride;                 //!< dB/km; negative: use the table
    Ptr<NormalRandomVariable> m_normal;          //!< standard normal
    mutable std::unordered_map<uint64_t, Shadowing> m_shadowing; //!< per link
};

} // namespace ns3

#endif // CE_LSLM_SUB_THZ_PROPAGATION_LOSS_MODEL_H
