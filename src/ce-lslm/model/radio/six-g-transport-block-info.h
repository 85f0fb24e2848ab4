/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_TRANSPORT_BLOCK_INFO_H
#define CE_LSLM_SIX_G_TRANSPORT_BLOCK_INFO_H

#include "six-g-link.h"

#include "ns3/nstime.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief One transmission of one transport block in one slot, as reported by the cell MAC's
 * TransportBlock trace source: who, where in the slot, with which MCS and SINR, and whether
 * it was decoded.
 */
struct SixGTransportBlockInfo
{
    Time time;                                         //!< start of the slot
    uint64_t slot{0};                                  //!< slot index
    uint32_t cellId{0};                                //!< cell
    uint32_t rnti{0};                                  //!< terminal within the cell
    SixGLink::Direction direction{SixGLink::DOWNLINK}; //!< direction
    uint32_t rbStart{0};                               //!< first resource block
    uint32_t rbs{0};                                   //!< resource blocks
    uint32_t symbols{0};                               //!< data symbols
    uint32_t layers{0};                                //!< MIMO layers
    uint8_t cqi{0};                                    //!< CQI the MCS was chosen from
    uint8_t mcs{0};                                    //!< MCS index
    uint64_t tbsBits{0};                               //!< transport block size, in bits
    uint64_t payloadBytes{0};                          //!< packet bytes carried
    uint8_t transmission{0};   //!< 1 for the first transmission, 2.. for HARQ
    double sinrDb{0};          //!< SINR of this transmission per layer, in dB
    double effectiveSinrDb{0}; //!< after chase combining, in dB
    double bler{0};            //!< block error probability at that SINR
    bool decoded{false};       //!< whether the receiver decoded it
    bool lost{false};          //!< not decoded after the last transmission

    /// \return the CSV header matching WriteCsv
    static std::string GetCsvHeader();
    /// \param out where to write one CSV row (with newline)
    void WriteCsv(std::ostream& out) const;

    /**
     * \brief TracedCallback signature.
     * \param info the transmission
     */
    typedef void (*TracedCallback)(const SixGTransportBlockInfo& info);
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_TRANSPORT_BLOCK_INFO_H
