/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_PRESET_H
#define CE_LSLM_SIX_G_PRESET_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A named set of numbers for the 6G radio: carrier, numerology, TDD pattern,
 * propagation scenario, powers, antenna gains, noise figures, layers and overheads.
 *
 * SixGHelper::SetPreset applies one; doc/ce-lslm.rst lists them with their sources.
 */
struct SixGPreset
{
    std::string name;        //!< e.g. "fr1-100mhz"
    std::string summary;     //!< one line for humans
    double frequencyHz;      //!< carrier frequency
    double bandwidthHz;      //!< nominal channel bandwidth
    uint32_t numerology;     //!< mu
    uint32_t resourceBlocks; //!< resource blocks of the carrier
    std::string tddPattern;  //!< slot directions
    std::string scenario;    //!< "uma", "umi-street-canyon", "inh-office" or "sub-thz"
    double bsHeightM;        //!< base-station antenna height
    double ueHeightM;        //!< terminal antenna height
    double bsTxPowerDbm;     //!< base-station transmit power
    double ueTxPowerDbm;     //!< terminal transmit power
    double bsAntennaGainDbi; //!< base-station antenna + beamforming gain
    double ueAntennaGainDbi; //!< terminal antenna + beamforming gain
    double bsNoiseFigureDb;  //!< base-station noise figure
    double ueNoiseFigureDb;  //!< terminal noise figure
    uint32_t dlLayers;       //!< downlink MIMO layers
    uint32_t ulLayers;       //!< uplink MIMO layers
    double dlOverhead;       //!< downlink overhead fraction
    double ulOverhead;       //!< uplink overhead fraction

    /// \return every preset, in the documented order
    static const std::vector<SixGPreset>& GetAll();
    /// \return the preset names, in the documented order
    static std::vector<std::string> GetNames();
    /**
     * \param name a preset name
     * \return the preset (aborts on an unknown name)
     */
    static const SixGPreset& Get(const std::string& name);

    /**
     * \param scenario a scenario name
     * \return the ns-3 TypeId name of its path loss model
     */
    static std::string GetPathLossModel(const std::string& scenario);
    /**
     * \param scenario a scenario name
     * \return the ns-3 TypeId name of its LOS/NLOS condition model
     */
    static std::string GetConditionModel(const std::string& scenario);
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_PRESET_H
