#ifndef CE_LSLM_PRESET_NAMES_H
#define CE_LSLM_PRESET_NAMES_H

#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief The message for an unknown preset name, listing the known ones, shared by every
 * preset table (model shapes, declared models, devices) so they all answer alike.
 */
class PresetNames
{
  public:
    /**
     * \param kind what is looked up, e.g. "device profile"
     * \param name the unknown name
     * \param known the valid names
     * \return "unknown <kind> '<name>' (known: a, b, c)"
     */
    static std::string Unknown(const std::string& kind,
                               const std::string& name,
                               const std::vector<std::string>& known);
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_PRESET_NAMES_H
