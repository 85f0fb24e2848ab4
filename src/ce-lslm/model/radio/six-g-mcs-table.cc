/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-mcs-table.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SixGMcsTable");

namespace
{

/// A table row as the standard writes it: modulation order, code rate x 1024.
struct Row
{
    uint8_t modulationOrder; //!< bits per symbol
    double rateTimes1024;    //!< code rate x 1024
};

/// TS 38.214 Rel-17 MCS index table with 1024-QAM (PDSCH), MCS 0..26.
const Row kMcsRows[] = {
    {2, 120},   {2, 193},   {2, 449},    {4, 378},  {4, 490},    {4, 616},  {6, 466},
    {6, 517},   {6, 567},   {6, 616},    {6, 666},  {6, 719},    {6, 772},  {6, 822},
    {6, 873},   {8, 682.5}, {8, 711},    {8, 754},  {8, 797},    {8, 841},  {8, 885},
    {8, 916.5}, {8, 948},   {10, 805.5}, {10, 853}, {10, 900.5}, {10, 948},
};

/// TS 38.214 Rel-17 4-bit CQI table with 1024-QAM, CQI 1..15.
const Row kCqiRows[] = {
    {2, 78},
    {2, 193},
    {2, 449},
    {4, 378},
    {4, 616},
    {6, 567},
    {6, 666},
    {6, 772},
    {6, 873},
    {8, 711},
    {8, 797},
    {8, 885},
    {8, 948},
    {10, 853},
    {10, 948},
};

} // namespace

SixGMcsTable::SixGMcsTable(double gapDb, double blerSlopePerDb)
    : m_gapDb(gapDb)
    , m_slopePerDb(blerSlopePerDb)
{
    NS_ABORT_MSG_IF(gapDb < 0 || blerSlopePerDb <= 0,
                    "SixGMcsTable: the gap must be >= 0 dB and the slope > 0 per dB");
    for (const Row& row : kMcsRows)
    {
        m_mcs.push_back(MakeEntry(row.modulationOrder, row.rateTimes1024));
    }
    m_cqi.push_back(Entry{0, 0, 0, 0}); // CQI 0: out of range
    for (const Row& row : kCqiRows)
    {
        m_cqi.push_back(MakeEntry(row.modulationOrder, row.rateTimes1024));
    }
}

SixGMcsTable::Entry
SixGMcsTable::MakeEntry(uint8_t modulationOrder, double rateTimes1024) const
{
    Entry entry;
    entry.modulationOrder = modulationOrder;
    entry.codeRate = rateTimes1024 / 1024.0;
    entry.spectralEfficiency = modulationOrder * entry.codeRate;
    entry.thresholdDb = GetThresholdDb(entry.spectralEfficiency);
    return entry;
}

uint8_t
SixGMcsTable::GetMcsCount() const
{
    return static_cast<uint8_t>(m_mcs.size());
}

const SixGMcsTable::Entry&
SixGMcsTable::GetMcs(uint8_t mcs) const
{
    NS_ABORT_MSG_IF(mcs >= m_mcs.size(), "SixGMcsTable: no MCS " << +mcs);
    return m_mcs[mcs];
}

const SixGMcsTable::Entry&
SixGMcsTable::GetCqi(uint8_t cqi) const
{
    NS_ABORT_MSG_IF(cqi == 0 || cqi >= CQI_COUNT, "SixGMcsTable: no CQI " << +cqi);
    return m_cqi[cqi];
}

uint8_t
SixGMcsTable::SinrToCqi(double sinrDb) const
{
    uint8_t cqi = 0;
    while (cqi + 1 < CQI_COUNT && m_cqi[cqi + 1u].thresholdDb <= sinrDb)
    {
        ++cqi;
    }
    return cqi;
}

uint8_t
SixGMcsTable::SinrToMcs(double sinrDb, uint8_t maxModulationOrder) const
{
    uint8_t mcs = NO_MCS;
    for (std::size_t i = 0; i < m_mcs.size(); ++i)
    {
        if (m_mcs[i].thresholdDb <= sinrDb && m_mcs[i].modulationOrder <= maxModulationOrder)
        {
            mcs = static_cast<uint8_t>(i); // thresholds rise with the index
        }
    }
    return mcs;
}

double
SixGMcsTable::GetMinimumSinrDb() const
{
    return m_mcs.front().thresholdDb;
}

double
SixGMcsTable::GetBler(uint8_t mcs, double sinrDb) const
{
    double margin = sinrDb - GetMcs(mcs).thresholdDb;
    // 1 / (1 + 9 e^{k m}) is 0.1 at m = 0; clamp the exponent so the result stays finite.
    double exponent = std::min(m_slopePerDb * margin, 700.0);
    return 1.0 / (1.0 + (1.0 / THRESHOLD_BLER - 1.0) * std::exp(exponent));
}

double
SixGMcsTable::GetThresholdDb(double spectralEfficiency) const
{
    return 10.0 * std::log10(std::pow(2.0, spectralEfficiency) - 1.0) + m_gapDb;
}

uint64_t
SixGMcsTable::GetTbsBits(uint32_t rbs,
                         uint32_t symbols,
                         uint32_t layers,
                         double spectralEfficiency,
                         double overhead)
{
    double bits = static_cast<double>(rbs) * SUBCARRIERS_PER_RB * symbols * layers
                  * spectralEfficiency * (1.0 - overhead);
    return static_cast<uint64_t>(std::floor(bits + 1e-9));
}

uint64_t
SixGMcsTable::GetShannonBits(uint32_t rbs, uint32_t symbols, uint32_t layers, double sinr)
{
    double degreesOfFreedom =
        static_cast<double>(rbs) * SUBCARRIERS_PER_RB * symbols * 15.0 / SYMBOLS_PER_SLOT;
    return static_cast<uint64_t>(
        std::floor(degreesOfFreedom * layers * std::log2(1.0 + std::max(sinr, 0.0))));
}

} // namespace ns3
