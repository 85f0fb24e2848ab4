/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONFIG_ERROR_H
#define CE_LSLM_CONFIG_ERROR_H

#include <stdexcept>
#include <string>

namespace ns3
{

/**
 * \brief A configuration error: names where it was found (file or command-line option), the
 * dotted JSON path at fault, and what is wrong with it.
 */
class ConfigError : public std::runtime_error
{
  public:
    /**
     * \param path dotted JSON path of the offending key ("" for the whole document)
     * \param detail what is wrong and, where possible, what is allowed
     * \param source where the value came from (a file name or "--set"); may be empty
     */
    ConfigError(std::string path, std::string detail, std::string source = "");

    /// \return the dotted JSON path of the offending key
    const std::string& GetPath() const;
    /// \return the explanation without source and path
    const std::string& GetDetail() const;
    /// \return where the value came from (file name or command-line option)
    const std::string& GetSource() const;
    /**
     * \param source where the value came from
     * \return the same error, attributed to \p source
     */
    ConfigError WithSource(const std::string& source) const;

  private:
    std::string m_path;   //!< dotted JSON path
    std::string m_detail; //!< explanation
    std::string m_source; //!< file name or option
};

} // namespace ns3

#endif // CE_LSLM_CONFIG_ERROR_H
