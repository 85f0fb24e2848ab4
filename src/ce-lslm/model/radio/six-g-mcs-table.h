/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_MCS_TABLE_H
#define CE_LSLM_SIX_G_MCS_TABLE_H

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Link abstraction of the 6G radio: CQI and MCS tables up to 1024-QAM, the SINR each
 * entry needs, the BLER curve, the transport block size and the Shannon bound.
 *
 * The entries follow 3GPP TS 38.214 Rel-17: the 4-bit CQI table with 1024-QAM and the MCS
 * index table with 1024-QAM (27 entries, QPSK 120/1024 to 1024-QAM 948/1024). Each entry's
 * SINR threshold is where its first transmission has a 10 % block error rate, modelled as a
 * fixed gap from the Shannon bound:
 *
 *   threshold_dB(SE) = 10 log10(2^SE - 1) + gap_dB
 *
 * and the block error rate is a logistic curve in dB through 10 % at the threshold:
 *
 *   BLER(sinr_dB) = 1 / (1 + 9 exp(slope (sinr_dB - threshold_dB)))
 *
 * A plain class without ns-3 state, so it can be unit-tested on its own.
 */
class SixGMcsTable
{
  public:
    /// One row of the CQI or MCS table.
    struct Entry
    {
        uint8_t modulationOrder;   //!< bits per symbol (2 QPSK ... 10 1024-QAM)
        double codeRate;           //!< target code rate (x1024 in the 3GPP tables)
        double spectralEfficiency; //!< modulationOrder x codeRate, in bit/s/Hz per layer
        double thresholdDb;        //!< SINR with a 10 % first-transmission BLER, in dB
    };

    /// Number of CQI values (0 = out of range, 1..15 usable).
    static constexpr uint8_t CQI_COUNT = 16;
    /// SinrToMcs() below every MCS.
    static constexpr uint8_t NO_MCS = 255;
    /// Highest modulation of the uplink: 256-QAM (TS 38.214 defines no 1024-QAM PUSCH table).
    static constexpr uint8_t UPLINK_MAX_MODULATION_ORDER = 8;
    /// First-transmission BLER at an entry's threshold.
    static constexpr double THRESHOLD_BLER = 0.1;
    /// Resource elements per resource block and OFDM symbol (subcarriers).
    static constexpr uint32_t SUBCARRIERS_PER_RB = 12;
    /// OFDM symbols per slot (normal cyclic prefix).
    static constexpr uint32_t SYMBOLS_PER_SLOT = 14;

    /**
     * \param gapDb distance of every threshold from the Shannon bound, in dB (>= 0)
     * \param blerSlopePerDb steepness of the BLER curve, in 1/dB (> 0)
     */
    explicit SixGMcsTable(double gapDb = 2.0, double blerSlopePerDb = 3.0);

    /// \return the number of MCS indices (27)
    uint8_t GetMcsCount() const;
    /**
     * \param mcs MCS index, below GetMcsCount()
     * \return its row
     */
    const Entry& GetMcs(uint8_t mcs) const;
    /**
     * \param cqi CQI index, 1..15
     * \return its row
     */
    const Entry& GetCqi(uint8_t cqi) const;

    /**
     * \param sinrDb wideband SINR, in dB
     * \return the highest CQI whose threshold is at most \p sinrDb, or 0 (out of range)
     */
    uint8_t SinrToCqi(double sinrDb) const;
    /**
     * \brief Link adaptation's choice for a SINR: the highest MCS whose threshold (10 % BLER)
     * is at most \p sinrDb and whose modulation the direction allows. The choice is made from
     * the SINR itself, not through the 15 CQI steps, so every MCS is reachable (MCS 0 lies
     * between CQI 1 and CQI 2).
     * \param sinrDb the SINR the block should meet, in dB (after the outer loop's back-off)
     * \param maxModulationOrder highest bits per symbol allowed: 10 (1024-QAM, downlink) or
     * UPLINK_MAX_MODULATION_ORDER
     * \return the MCS, or NO_MCS below MCS 0's threshold
     */
    uint8_t SinrToMcs(double sinrDb, uint8_t maxModulationOrder = 10) const;

    /// \return the lowest SINR at which some MCS is selected (MCS 0's threshold), in dB
    double GetMinimumSinrDb() const;

    /**
     * \param mcs MCS index
     * \param sinrDb (effective) SINR of the transmission, in dB
     * \return the probability that the transport block is not decoded
     */
    double GetBler(uint8_t mcs, double sinrDb) const;

    /**
     * \param spectralEfficiency bit/s/Hz per layer
     * \return the SINR at which a code of that efficiency has a 10 % BLER, in dB
     */
    double GetThresholdDb(double spectralEfficiency) const;

    /**
     * \brief Transport block size, as in TS 38.306's peak-rate formula:
     * RBs x 12 subcarriers x symbols x layers x SE x (1 - overhead), rounded down.
     * \param rbs resource blocks
     * \param symbols OFDM symbols carrying data
     * \param layers MIMO layers
     * \param spectralEfficiency bit/s/Hz per layer
     * \param overhead fraction of resource elements used by reference and control signals
     * \return bits
     */
    static uint64_t GetTbsBits(uint32_t rbs,
                               uint32_t symbols,
                               uint32_t layers,
                               double spectralEfficiency,
                               double overhead);

    /**
     * \brief Shannon capacity of an allocation: bandwidth x time x layers x log2(1 + SINR),
     * with bandwidth x time = RBs x 12 x 15 kHz x 2^mu x symbols x (1 ms / 2^mu) / 14, that is
     * RBs x 12 x symbols x 15/14 (the cyclic prefix takes the last 1/15), at any numerology.
     * \param rbs resource blocks
     * \param symbols OFDM symbols
     * \param layers MIMO layers
     * \param sinr linear SINR
     * \return bits, rounded down
     */
    static uint64_t GetShannonBits(uint32_t rbs, uint32_t symbols, uint32_t layers, double sinr);

  private:
    /**
     * \param modulationOrder bits per symbol
     * \param rateTimes1024 target code rate x 1024
     * \return the row, with its threshold
     */
    Entry MakeEntry(uint8_t modulationOrder, double rateTimes1024) const;

    double m_gapDb;           //!< gap from Shannon at 10 % BLER, in dB
    double m_slopePerDb;      //!< BLER curve steepness, in 1/dB
    std::vector<Entry> m_mcs; //!< MCS table
    std::vector<Entry> m_cqi; //!< CQI table, index 0 unused
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_MCS_TABLE_H
