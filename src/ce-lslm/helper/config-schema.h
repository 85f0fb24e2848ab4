/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CONFIG_SCHEMA_H
#define CE_LSLM_CONFIG_SCHEMA_H

#include "config-error.h"

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// JSON type used for scenario configurations: keeps keys in schema order when printed.
using ConfigJson = nlohmann::ordered_json;

/**
 * \brief A configuration schema written in code: a tree of typed keys with defaults, allowed
 * ranges and help texts.
 *
 * Resolve() validates a user document against the schema and fills in every default, so the
 * rest of the simulator reads a complete, checked configuration. Unknown keys are rejected with
 * the closest valid key suggested; wrong types and out-of-range values are rejected with the
 * JSON path and the allowed range. The same tree generates the configuration reference.
 */
class ConfigSchema
{
  public:
    /// The type of a schema node.
    enum class Kind
    {
        OBJECT,
        BOOLEAN,
        INTEGER,
        NUMBER,
        STRING,
        ENUM
    };

    /// Extra check of a resolved object (e.g. min <= max); throws ConfigError.
    using Validator = std::function<void(const ConfigJson& resolved, const std::string& path)>;
    /// Named members of an object node, in the order they are documented and printed.
    using Members = std::vector<std::pair<std::string, ConfigSchema>>;

    /**
     * \param help one-line description
     * \param members the object's keys
     * \param validator optional cross-key check run on the resolved object
     * \return an object node
     */
    static ConfigSchema Object(std::string help, Members members, Validator validator = nullptr);
    /**
     * \param defaultValue value used when the key is absent
     * \param help description
     * \return a boolean node
     */
    static ConfigSchema Boolean(bool defaultValue, std::string help);
    /**
     * \param defaultValue value used when the key is absent
     * \param min smallest allowed value
     * \param max largest allowed value
     * \param help description, with the unit
     * \return an integer node
     */
    static ConfigSchema Integer(int64_t defaultValue, int64_t min, int64_t max, std::string help);
    /**
     * \param defaultValue value used when the key is absent
     * \param min smallest allowed value (excluded when \p minExclusive)
     * \param max largest allowed value
     * \param help description, with the unit
     * \param minExclusive whether \p min itself is rejected (for strictly positive values)
     * \return a number node
     */
    static ConfigSchema Number(double defaultValue,
                               double min,
                               double max,
                               std::string help,
                               bool minExclusive = false);
    /**
     * \param defaultValue value used when the key is absent
     * \param help description
     * \param nonEmpty whether the empty string is rejected
     * \return a free-text node
     */
    static ConfigSchema String(std::string defaultValue, std::string help, bool nonEmpty = false);
    /**
     * \param defaultValue value used when the key is absent (one of \p values)
     * \param values the allowed strings
     * \param help description
     * \return an enumeration node
     */
    static ConfigSchema Enum(std::string defaultValue,
                             std::vector<std::string> values,
                             std::string help);

    /**
     * \brief Validate \p input and return it with every default filled in.
     * \param input the user's document (or sub-document)
     * \param path dotted path of \p input, for error messages
     * \return the complete, checked configuration, keys in schema order
     * \throw ConfigError naming the path of the first problem found
     */
    ConfigJson Resolve(const ConfigJson& input, const std::string& path = "") const;

    /// \return the configuration made only of defaults
    ConfigJson Defaults() const;

    /**
     * \param dottedPath e.g. "topology.access.rate_mbps"
     * \return the node at that path, or nullptr when the path does not exist
     */
    const ConfigSchema* Find(const std::string& dottedPath) const;

    /**
     * \brief Parse the text of a command-line override for this node ("--set key=text").
     *
     * Strings and enumerations take the text as is (JSON-quoted text is unquoted); other kinds
     * parse it as JSON. The result is checked by Resolve() later, with the rest of the document.
     * \param text the value text
     * \param path dotted path, for error messages
     * \return the JSON value
     */
    ConfigJson ParseOverride(const std::string& text, const std::string& path) const;

    /**
     * \param dottedPath a path that does not exist
     * \return the most similar existing leaf or object path, or "" when nothing is close
     */
    std::string SuggestPath(const std::string& dottedPath) const;

    /// \return the node's kind
    Kind GetKind() const;
    /// \return the node's help text
    const std::string& GetHelp() const;
    /// \return a readable type name ("integer", "number", "one of a|b", ...)
    std::string DescribeType() const;
    /// \return the allowed range ("[1, 100]", "(0, 1e+06]", "true|false", ...), "" for objects
    std::string DescribeRange() const;
    /// \return the default value (null for objects)
    ConfigJson GetDefault() const;

    /// One row of the configuration reference.
    struct ReferenceRow
    {
        std::string path;         //!< dotted key
        std::string type;         //!< DescribeType()
        std::string defaultValue; //!< default as JSON text
        std::string range;        //!< DescribeRange()
        std::string help;         //!< help text
    };

    /// \return every leaf key, depth first in schema order
    std::vector<ReferenceRow> Reference() const;

  private:
    ConfigSchema() = default;

    /**
     * \brief Check a scalar value against this leaf node.
     * \param value the user's value
     * \param path its dotted path
     * \return the value, normalized (integral floats become integers)
     */
    ConfigJson ResolveLeaf(const ConfigJson& value, const std::string& path) const;
    /**
     * \brief Check a number against this integer or number node's range.
     * \param value the user's value (a JSON number)
     * \param path its dotted path
     * \return the value (integral floats become integers for integer nodes)
     */
    ConfigJson ResolveNumber(const ConfigJson& value, const std::string& path) const;
    /**
     * \param value a value of the wrong type for this node
     * \param path its dotted path
     * \return the error naming the expected type and the allowed values
     */
    ConfigError TypeError(const ConfigJson& value, const std::string& path) const;
    /**
     * \brief Resolve() below \p root, which is searched for suggestions.
     * \param input the user's (sub-)document
     * \param path its dotted path
     * \param root the schema root
     * \return the resolved document
     */
    ConfigJson ResolveUnder(const ConfigJson& input,
                            const std::string& path,
                            const ConfigSchema& root) const;
    /**
     * \brief Throw the error for an unknown key in this object, with a suggestion.
     * \param key the unknown key
     * \param path dotted path of this object
     * \param root the schema root, searched when no sibling key is close
     */
    [[noreturn]] void ThrowUnknownKey(const std::string& key,
                                      const std::string& path,
                                      const ConfigSchema& root) const;
    /**
     * \brief Collect every path under this node.
     * \param prefix path of this node
     * \param out receives "prefix.key" for every object and leaf
     */
    void CollectPaths(const std::string& prefix, std::vector<std::string>& out) const;
    /// \return the member named \p key, or nullptr
    const ConfigSchema* Member(const std::string& key) const;

    Kind m_kind{Kind::OBJECT};          //!< node type
    std::string m_help;                 //!< help text
    Members m_members;                  //!< object members
    Validator m_validator;              //!< object cross-check
    ConfigJson m_default;               //!< leaf default
    double m_min{0};                    //!< numeric lower bound
    double m_max{0};                    //!< numeric upper bound
    bool m_minExclusive{false};         //!< whether m_min is excluded
    bool m_nonEmpty{false};             //!< whether "" is rejected (strings)
    std::vector<std::string> m_choices; //!< enumeration values
};

/**
 * \param path dotted path of an object ("" for the root)
 * \param key a member name
 * \return "path.key", or "key" at the root
 */
std::string JoinConfigPath(const std::string& path, const std::string& key);

/**
 * \param dottedPath e.g. "topology.access.rate_mbps"
 * \return its components, e.g. {"topology", "access", "rate_mbps"}
 */
std::vector<std::string> SplitConfigPath(const std::string& dottedPath);

/**
 * \return the Levenshtein edit distance between \p a and \p b (for "did you mean" suggestions)
 */
std::size_t EditDistance(const std::string& a, const std::string& b);

} // namespace ns3

#endif // CE_LSLM_CONFIG_SCHEMA_H
