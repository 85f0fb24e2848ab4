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
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Small-scale block fading of the 6G radio links: Rician on line-of-sight links,
 * Rayleigh otherwise, constant within a slot and correlated in time as in Clarke's model.
 *
 * The power gain of a link is |h|^2 with
 *
 *   h = sqrt(K / (K + 1)) + sqrt(1 / (K + 1)) g(t),   E|g|^2 = 1,   E|h|^2 = 1,
 *
 * K the Rician factor (linear; 0 on non-line-of-sight links). The diffuse part g(t) is a sum
 * of M = Sinusoids sinusoids with random phases and arrival angles (Zheng and Xiao, IEEE
 * Trans. Commun. 2003), whose autocorrelation is J0(2 pi f_D tau), f_D = v f_c / c the
 * maximum Doppler shift. g is a deterministic function of time once a link's phases are
 * drawn, so sampling a link only in the slots where it transmits is exact, and the values do
 * not depend on which slots those are. The Doppler shift is fixed when a link is first seen.
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
    /// The random parameters of one link's diffuse component.
    struct Link
    {
        double doppler;                //!< maximum Doppler shift, in Hz
        std::vector<double> realFreq;  //!< Doppler of each in-phase sinusoid, in Hz
        std::vector<double> realPhase; //!< phase of each in-phase sinusoid
        std::vector<double> imagFreq;  //!< Doppler of each quadrature sinusoid, in Hz
        std::vector<double> imagPhase; //!< phase of each quadrature sinusoid
    };

    /**
     * \param doppler maximum Doppler shift, in Hz
     * \return a new link's parameters
     */
    Link DrawLink(double doppler);

    bool m_enabled;                             //!< whether links fade at all
    double m_kFactorDb;                         //!< Rician K of line-of-sight links, in dB
    double m_speed;                             //!< least speed used for the Doppler shift, m/s
    uint32_t m_sinusoids;                       //!< sinusoids per component
    Ptr<UniformRandomVariable> m_uniform;       //!< phases and angles
    std::unordered_map<uint64_t, Link> m_links; //!< per link
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_FADING_MODEL_H
