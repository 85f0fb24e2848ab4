#include "preset-names.h"

namespace ns3
{
namespace llm
{

std::string
PresetNames::Unknown(const std::string& kind,
                     const std::string& name,
                     const std::vector<std::string>& known)
{
    std::string list;
    for (const std::string& entry : known)
    {
        list += (list.empty() ? "" : ", ") + entry;
    }
    return "unknown " + kind + " '" + name + "' (known: " + list + ")";
}

} // namespace llm
} // namespace ns3
