/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_FADING_MODEL_H
#define CE_LSLM_SIX_G_FADING_MODEL_H

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <cstdint>
#include <unordered_map>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Small-scale block fading of the 6G radio links: Rician on line-of-sight links,
 * Rayleigh otherwise, constant within a slot and correlated from slot to slot.
 *
 * The power gain of a link is |h|^2 with
 *
 *   h = sqrt(K / (K + 1)) + sqrt(1 / (K + 1)) g,   g ~ CN(0, 1),  E|h|^2 = 1,
 *
 * K the Rician factor (linear; 0 on non-line-of-sight links). The diffuse part g is a
 * Gauss-Markov process: after a time dt,
 *
 *   g' = rho g + sqrt(1 - rho^2) w,   rho = exp(-dt / Tc),   Tc = 0.423 / f_D,
 *
 * with f_D = v f_c / c the maximum Doppler shift and Tc the coherence time (Clarke's model,
 * 50 % correlation). The exponential correlation composes over any sequence of sampling
 * times, so sampling a link only in the slots where it transmits is exact.
 */
class SixGFadingModel : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SixGFadingModel();
    ~SixGFadingModel() override;

    /**
     * \param link an identifier of the link (same for both directions)
     * \param lineOfSight whether the link is in line of sight now (Rician) or not (Rayleigh)
     * \param now the time of the slot
     * \param frequencyHz carrier frequency, in Hz
     * \param speed relative speed of the terminal, in m/s (the attribute Speed if larger)
     * \return the power gain (linear, mean 1); 1 when the model is disabled
     */
    double GetGain(uint64_t link, bool lineOfSight, Time now, double frequencyHz, double speed);

    /**
     * \param stream first stream index
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    /// The diffuse component of one link.
    struct State
    {
        double real;  //!< real part of g
        double imag;  //!< imaginary part of g
        Time updated; //!< when g was last drawn
    };

    bool m_enabled;                     //!< whether links fade at all
    double m_kFactorDb;                 //!< Rician K of line-of-sight links, in dB
    double m_speed;                     //!< least speed used for the Doppler shift, in m/s
    Ptr<NormalRandomVariable> m_normal; //!< draws the Gaussian innovations
    std::unordered_map<uint64_t, State> m_states; //!< per link
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_FADING_MODEL_H
