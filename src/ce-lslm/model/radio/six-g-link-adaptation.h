/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_LINK_ADAPTATION_H
#define CE_LSLM_SIX_G_LINK_ADAPTATION_H

#include "six-g-link.h"
#include "six-g-mcs-table.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Link adaptation of a 6G link for one allocation: the MIMO rank, the MCS and the
 * transport block size, from the link's channel report and its outer-loop back-off.
 *
 * - **Power split.** The transmitter splits its power equally over the layers, so each of r
 *   layers sees the reported SINR / r.
 * - **Rank adaptation.** Below a SINR threshold (SixGCellMac's MultiLayerSinr, 10 dB by
 *   default) a link sends one layer. Above it, every rank from 1 to the transmitter's layers
 *   is priced and the one whose transport block is largest wins (ties: the lower rank). The
 *   threshold stands for what the model leaves out, the channel's own rank (spatial
 *   correlation): pricing ranks by the SINR alone, the MCS steps make two half-power layers
 *   win now and then even at 0 dB, where no real channel supports them.
 * - **MCS.** The highest MCS whose threshold the per-layer SINR, less the back-off, reaches
 *   (SixGMcsTable::SinrToMcs), with at most 256-QAM on the uplink.
 * - **Size.** TS 38.306's formula for that rank and MCS, capped by the Shannon bits of the
 *   rank's per-layer SINR.
 */
class SixGLinkAdaptation
{
  public:
    /// What the adaptation chose for an allocation.
    struct Choice
    {
        uint8_t cqi{0};      //!< the per-layer CQI the receiver reports at that rank
        uint8_t mcs{0};      //!< MCS of every layer
        uint32_t layers{1};  //!< rank
        uint64_t tbsBits{0}; //!< transport block size, in bits
    };

    /// \param table the MCS table (outlives this object)
    explicit SixGLinkAdaptation(const SixGMcsTable& table);

    /**
     * \param link the link (its report and back-off)
     * \param maxLayers the transmitter's layers
     * \param multiLayerSinrDb the reported SINR below which the link sends one layer, in dB
     * \param rbs resource blocks of the allocation
     * \param carrierRbs resource blocks of the carrier
     * \param symbols data symbols of the slot
     * \param overhead fraction of resource elements for reference and control signals
     * \param[out] choice the rank, MCS and size
     * \return false when no MCS serves the link at any rank (nothing can be sent)
     */
    bool Choose(const SixGLink& link,
                uint32_t maxLayers,
                double multiLayerSinrDb,
                uint32_t rbs,
                uint32_t carrierRbs,
                uint32_t symbols,
                double overhead,
                Choice& choice) const;

    /**
     * \brief Bound \p link's outer-loop back-off by its reported headroom over the lowest MCS
     * on its best allocation (SixGLink::LimitOllaOffset): one resource block, one layer.
     * \param link the link
     * \param carrierRbs resource blocks of the carrier
     */
    void LimitBackOff(SixGLink& link, uint32_t carrierRbs) const;

  private:
    const SixGMcsTable& m_table; //!< the MCS table
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_LINK_ADAPTATION_H
