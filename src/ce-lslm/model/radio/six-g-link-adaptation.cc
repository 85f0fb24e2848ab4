/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "six-g-link-adaptation.h"

#include <cmath>

namespace ns3
{

namespace
{

/// \return the size of one rank's transport block, 0 when no MCS serves it
uint64_t
RankBits(const SixGMcsTable& table,
         double sinrDb,
         double backOffDb,
         SixGLink::Direction direction,
         uint32_t layers,
         uint32_t rbs,
         uint32_t symbols,
         double overhead,
         uint8_t& mcs)
{
    const double perLayerDb = sinrDb - 10 * std::log10(layers);
    mcs = table.SinrToMcs(perLayerDb - backOffDb,
                          direction == SixGLink::UPLINK ? SixGMcsTable::UPLINK_MAX_MODULATION_ORDER
                                                        : 10);
    if (mcs == SixGMcsTable::NO_MCS)
    {
        return 0;
    }
    const uint64_t tbs = SixGMcsTable::GetTbsBits(rbs,
                                                  symbols,
                                                  layers,
                                                  table.GetMcs(mcs).spectralEfficiency,
                                                  overhead);
    const double perLayerSinr = std::pow(10.0, perLayerDb / 10);
    return std::min(tbs, SixGMcsTable::GetShannonBits(rbs, symbols, layers, perLayerSinr));
}

} // namespace

SixGLinkAdaptation::SixGLinkAdaptation(const SixGMcsTable& table)
    : m_table(table)
{
}

bool
SixGLinkAdaptation::Choose(const SixGLink& link,
                           uint32_t maxLayers,
                           double multiLayerSinrDb,
                           uint32_t rbs,
                           uint32_t carrierRbs,
                           uint32_t symbols,
                           double overhead,
                           Choice& choice) const
{
    const double sinrDb = link.GetReportedSinrDb(rbs, carrierRbs);
    choice = Choice{};
    const uint32_t ranks = sinrDb >= multiLayerSinrDb ? maxLayers : 1;
    for (uint32_t layers = 1; layers <= ranks; ++layers)
    {
        uint8_t mcs = 0;
        const uint64_t bits = RankBits(m_table,
                                       sinrDb,
                                       link.GetOllaOffsetDb(),
                                       link.GetDirection(),
                                       layers,
                                       rbs,
                                       symbols,
                                       overhead,
                                       mcs);
        if (bits > choice.tbsBits) // strictly more: ties keep the lower rank
        {
            choice.tbsBits = bits;
            choice.mcs = mcs;
            choice.layers = layers;
            choice.cqi = m_table.SinrToCqi(sinrDb - 10 * std::log10(layers));
        }
    }
    return choice.tbsBits > 0;
}

void
SixGLinkAdaptation::LimitBackOff(SixGLink& link, uint32_t carrierRbs) const
{
    link.LimitOllaOffset(link.GetReportedSinrDb(1, carrierRbs) - m_table.GetMinimumSinrDb());
}

} // namespace ns3
