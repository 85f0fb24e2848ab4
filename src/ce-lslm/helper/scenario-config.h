/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SCENARIO_CONFIG_H
#define CE_LSLM_SCENARIO_CONFIG_H

#include "config-schema.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \brief A complete, validated scenario configuration.
 *
 * Built from a JSON document (a file, or nothing for the default scenario) plus command-line
 * overrides; every key is checked against ScenarioSchema() and every default filled in, so the
 * simulator never reads a missing or out-of-range value. Errors are ConfigError exceptions
 * naming the file or option and the dotted key.
 */
class ScenarioConfig
{
  public:
    /// The default scenario: every key at its schema default.
    ScenarioConfig();

    /**
     * \brief Validate a document and fill in the defaults.
     * \param document the user's JSON (an object; null means empty)
     * \param source where it came from, named in error messages (e.g. the file name)
     * \throw ConfigError
     */
    ScenarioConfig(const ConfigJson& document, const std::string& source);

    /**
     * \brief Read and parse a JSON file (not yet validated).
     * \param path file to read
     * \return the document
     * \throw ConfigError naming the file, and the line and column of a syntax error
     */
    static ConfigJson ReadDocument(const std::string& path);

    /**
     * \brief Parse JSON text (not yet validated).
     * \param text JSON text
     * \param source name for error messages
     * \return the document
     * \throw ConfigError with the line and column of a syntax error
     */
    static ConfigJson ParseDocument(const std::string& text, const std::string& source);

    /**
     * \brief Apply one "dotted.key=value" override to a document before validation.
     *
     * The key must exist in the schema (else the closest key is suggested) and the value must
     * be valid for it; errors name the option as their source.
     * \param document the document to change
     * \param assignment "dotted.key=value"
     * \throw ConfigError
     */
    static void ApplyOverride(ConfigJson& document, const std::string& assignment);

    /**
     * \brief Set one key of a document from the text of a command-line value, checking it.
     * \param document the document to change
     * \param path dotted key
     * \param text value text (JSON, or plain text for string keys)
     * \param source name for error messages (e.g. "--run")
     * \throw ConfigError
     */
    static void SetText(ConfigJson& document,
                        const std::string& path,
                        const std::string& text,
                        const std::string& source);

    /**
     * \brief Set one key of a document before validation, checking the value.
     * \param document the document to change
     * \param path dotted key
     * \param value new value
     * \param source name for error messages (e.g. "--run")
     * \throw ConfigError
     */
    static void SetValue(ConfigJson& document,
                         const std::string& path,
                         const ConfigJson& value,
                         const std::string& source);

    /// \return the resolved configuration (every key present, schema order)
    const ConfigJson& GetJson() const;

    /**
     * \param path dotted key of a leaf, e.g. "topology.terminals"
     * \return the value
     * \throw std::logic_error if the key is not in the schema (a programming error)
     */
    const ConfigJson& Get(const std::string& path) const;
    /// \copydoc Get
    int64_t GetInt(const std::string& path) const;
    /// \copydoc Get
    double GetDouble(const std::string& path) const;
    /// \copydoc Get
    std::string GetString(const std::string& path) const;
    /// \copydoc Get
    bool GetBool(const std::string& path) const;

  private:
    ConfigJson m_json; //!< resolved configuration
};

} // namespace ns3

#endif // CE_LSLM_SCENARIO_CONFIG_H
