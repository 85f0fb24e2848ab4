#include "device-profile.h"

#include "ns3/preset-names.h"

#include <algorithm>
#include <stdexcept>

namespace ns3
{

namespace
{

constexpr double TERA = 1e12;
constexpr double GIGA = 1e9;

/// Presets. Efficiency 0.6 for datacenter and edge GPUs and 0.5 for embedded and phone parts,
/// the typical fraction of peak that LLM inference kernels reach (e.g. Vidur, MLSys'24 traces).
const DeviceProfile PRESETS[] = {
    {"h100",
     989 * TERA,
     3350 * GIGA,
     80 * GIGA,
     0.6,
     256,
     "NVIDIA H100 SXM5 datasheet: 989 TFLOP/s dense FP16 tensor, 3.35 TB/s HBM3, 80 GB"},
    {"a100",
     312 * TERA,
     2039 * GIGA,
     80 * GIGA,
     0.6,
     256,
     "NVIDIA A100 SXM4 80GB datasheet: 312 TFLOP/s dense FP16 tensor, 2,039 GB/s HBM2e, 80 GB"},
    {"l4",
     121 * TERA,
     300 * GIGA,
     24 * GIGA,
     0.6,
     64,
     "NVIDIA L4 datasheet: 121 TFLOP/s dense FP16 tensor (242 with sparsity), 300 GB/s GDDR6, "
     "24 GB"},
    {"jetson-orin",
     42.5 * TERA,
     204.8 * GIGA,
     64 * GIGA,
     0.5,
     16,
     "NVIDIA Jetson AGX Orin 64GB module data sheet: 85 TFLOP/s sparse FP16 tensor (42.5 dense), "
     "204.8 GB/s LPDDR5, 64 GB"},
    {"phone-npu",
     17 * TERA,
     77 * GIGA,
     12 * GIGA,
     0.5,
     4,
     "flagship phone SoC (Snapdragon 8 Gen 3 class): no FP16 figure is published; assumed "
     "17 TFLOP/s, about 40 % of the ~45 INT8 TOPS reported for its NPU; LPDDR5X-9600 on a "
     "64-bit bus = 76.8 GB/s; 12 GB of which a model may use"},
};

} // namespace

double
DeviceProfile::Seconds(double flops, double bytes) const
{
    return std::max(flops / (peakFlops * efficiency), bytes / (memoryBandwidth * efficiency));
}

void
DeviceProfile::Validate() const
{
    auto require = [this](bool ok, const std::string& what)
    {
        if (!ok)
        {
            throw std::invalid_argument("device profile '" + name + "': " + what);
        }
    };
    require(peakFlops > 0, "peak FLOP/s must be positive");
    require(memoryBandwidth > 0, "memory bandwidth must be positive");
    require(memoryBytes > 0, "memory capacity must be positive");
    require(efficiency > 0 && efficiency <= 1, "efficiency must be in (0, 1]");
    require(maxBatch >= 1, "max batch must be at least 1");
}

DeviceProfile
DeviceProfile::Get(const std::string& name)
{
    for (const DeviceProfile& preset : PRESETS)
    {
        if (preset.name == name)
        {
            return preset;
        }
    }
    throw std::invalid_argument(llm::PresetNames::Unknown("device profile", name, Names()));
}

std::vector<std::string>
DeviceProfile::Names()
{
    std::vector<std::string> names;
    for (const DeviceProfile& preset : PRESETS)
    {
        names.push_back(preset.name);
    }
    return names;
}

} // namespace ns3
