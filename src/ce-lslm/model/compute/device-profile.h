#ifndef CE_LSLM_DEVICE_PROFILE_H
#define CE_LSLM_DEVICE_PROFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \brief The compute capability of a node's accelerator, for roofline timing.
 *
 * Peak numbers are the vendor's dense FP16 figures; `efficiency` is the fraction of both peaks
 * that inference kernels reach in practice. Presets carry the source of their numbers.
 */
struct DeviceProfile
{
    std::string name;           //!< preset name, e.g. "a100"
    double peakFlops = 0;       //!< dense FP16 peak, FLOP/s
    double memoryBandwidth = 0; //!< peak memory bandwidth, bytes/s
    double memoryBytes = 0;     //!< memory capacity, bytes
    double efficiency = 1;      //!< achieved fraction of both peaks, (0, 1]
    int64_t maxBatch = 1;       //!< most requests one iteration may hold
    std::string source;         //!< where the numbers come from

    /// \return seconds to execute `flops` and move `bytes` (the roofline: the slower of both)
    double Seconds(double flops, double bytes) const;
    /// Throws std::invalid_argument naming the field if a value is out of range.
    void Validate() const;

    /// \return the preset of this name (throws std::invalid_argument listing the names)
    static DeviceProfile Get(const std::string& name);
    /// \return the preset names
    static std::vector<std::string> Names();
};

} // namespace ns3

#endif // CE_LSLM_DEVICE_PROFILE_H
