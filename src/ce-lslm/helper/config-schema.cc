/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "config-schema.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ConfigSchema");

namespace
{

/// Format a bound the way users write it: integers without a fraction, others shortest.
std::string
FormatBound(double value)
{
    if (std::isinf(value))
    {
        return value > 0 ? "inf" : "-inf";
    }
    if (value == std::floor(value) && std::fabs(value) < 1e15)
    {
        return std::to_string(static_cast<int64_t>(value));
    }
    std::ostringstream os;
    os << value;
    return os.str();
}

/**
 * Throw ConfigError naming \p path and the first bad byte unless \p text is valid UTF-8. Text
 * from a JSON file was checked by the parser; text from the command line was not, and a string
 * that is not UTF-8 cannot be written to summary.json or even quoted in an error message.
 */
void
CheckUtf8(const std::string& text, const std::string& path)
{
    try
    {
        ConfigJson(text).dump();
    }
    catch (const ConfigJson::type_error& error)
    {
        // "[json.exception.type_error.316] invalid UTF-8 byte at index 3: 0xFF"
        const std::string what = error.what();
        const std::size_t start = what.find("invalid");
        throw ConfigError(path,
                          "is not valid UTF-8 text: "
                              + (start == std::string::npos ? what : what.substr(start)));
    }
}

/// The JSON type name of \p value as users know it.
std::string
JsonTypeName(const ConfigJson& value)
{
    if (value.is_number_integer())
    {
        return "integer";
    }
    if (value.is_number_float())
    {
        return "number";
    }
    return value.type_name();
}

} // namespace

std::string
JoinConfigPath(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::vector<std::string>
SplitConfigPath(const std::string& dottedPath)
{
    std::vector<std::string> keys;
    std::size_t start = 0;
    while (true)
    {
        std::size_t dot = dottedPath.find('.', start);
        keys.push_back(dottedPath.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos)
        {
            return keys;
        }
        start = dot + 1;
    }
}

std::size_t
EditDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
    {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i)
    {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

ConfigSchema
ConfigSchema::Object(std::string help, Members members, Validator validator)
{
    ConfigSchema node;
    node.m_kind = Kind::OBJECT;
    node.m_help = std::move(help);
    node.m_members = std::move(members);
    node.m_validator = std::move(validator);
    return node;
}

ConfigSchema
ConfigSchema::Boolean(bool defaultValue, std::string help)
{
    ConfigSchema node;
    node.m_kind = Kind::BOOLEAN;
    node.m_help = std::move(help);
    node.m_default = defaultValue;
    return node;
}

ConfigSchema
ConfigSchema::Integer(int64_t defaultValue, int64_t min, int64_t max, std::string help)
{
    ConfigSchema node;
    node.m_kind = Kind::INTEGER;
    node.m_help = std::move(help);
    node.m_default = defaultValue;
    node.m_min = static_cast<double>(min);
    node.m_max = static_cast<double>(max);
    return node;
}

ConfigSchema
ConfigSchema::Number(double defaultValue,
                     double min,
                     double max,
                     std::string help,
                     bool minExclusive)
{
    ConfigSchema node;
    node.m_kind = Kind::NUMBER;
    node.m_help = std::move(help);
    node.m_default = defaultValue;
    node.m_min = min;
    node.m_max = max;
    node.m_minExclusive = minExclusive;
    return node;
}

ConfigSchema
ConfigSchema::String(std::string defaultValue, std::string help, bool nonEmpty)
{
    ConfigSchema node;
    node.m_kind = Kind::STRING;
    node.m_help = std::move(help);
    node.m_default = std::move(defaultValue);
    node.m_nonEmpty = nonEmpty;
    return node;
}

ConfigSchema
ConfigSchema::Enum(std::string defaultValue, std::vector<std::string> values, std::string help)
{
    ConfigSchema node;
    node.m_kind = Kind::ENUM;
    node.m_help = std::move(help);
    node.m_default = std::move(defaultValue);
    node.m_choices = std::move(values);
    return node;
}

ConfigSchema::Kind
ConfigSchema::GetKind() const
{
    return m_kind;
}

const std::string&
ConfigSchema::GetHelp() const
{
    return m_help;
}

ConfigJson
ConfigSchema::GetDefault() const
{
    return m_default;
}

std::string
ConfigSchema::DescribeType() const
{
    switch (m_kind)
    {
        case Kind::OBJECT:
            return "object";
        case Kind::BOOLEAN:
            return "boolean";
        case Kind::INTEGER:
            return "integer";
        case Kind::NUMBER:
            return "number";
        case Kind::STRING:
            return "string";
        case Kind::ENUM:
            return "string";
    }
    return "?";
}

std::string
ConfigSchema::DescribeRange() const
{
    switch (m_kind)
    {
        case Kind::INTEGER:
        case Kind::NUMBER:
            return (m_minExclusive ? "(" : "[") + FormatBound(m_min) + ", " + FormatBound(m_max)
                   + "]";
        case Kind::BOOLEAN:
            return "true|false";
        case Kind::ENUM:
        {
            std::string all;
            for (const auto& choice : m_choices)
            {
                all += (all.empty() ? "" : "|") + choice;
            }
            return all;
        }
        case Kind::STRING:
            return m_nonEmpty ? "non-empty text" : "any text";
        case Kind::OBJECT:
            return "";
    }
    return "";
}

const ConfigSchema*
ConfigSchema::Member(const std::string& key) const
{
    for (const auto& [name, node] : m_members)
    {
        if (name == key)
        {
            return &node;
        }
    }
    return nullptr;
}

const ConfigSchema*
ConfigSchema::Find(const std::string& dottedPath) const
{
    const ConfigSchema* node = this;
    for (const auto& key : SplitConfigPath(dottedPath))
    {
        node = node->m_kind == Kind::OBJECT ? node->Member(key) : nullptr;
        if (!node)
        {
            return nullptr;
        }
    }
    return node;
}

void
ConfigSchema::CollectPaths(const std::string& prefix, std::vector<std::string>& out) const
{
    for (const auto& [name, node] : m_members)
    {
        std::string path = JoinConfigPath(prefix, name);
        out.push_back(path);
        node.CollectPaths(path, out);
    }
}

std::string
ConfigSchema::SuggestPath(const std::string& dottedPath) const
{
    // Compare whole paths, and also last components, so that both a typo ("topology.acess")
    // and a key put under the wrong parent ("workload.rate_mbps") find their way.
    std::vector<std::string> paths;
    CollectPaths("", paths);
    auto lastComponent = [](const std::string& path)
    {
        std::size_t dot = path.rfind('.');
        return dot == std::string::npos ? path : path.substr(dot + 1);
    };
    const std::string wantedLeaf = lastComponent(dottedPath);
    std::string best;
    std::size_t bestScore = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : paths)
    {
        std::size_t whole = EditDistance(dottedPath, candidate);
        std::size_t leaf = EditDistance(wantedLeaf, lastComponent(candidate));
        std::size_t limit = std::max<std::size_t>(2, wantedLeaf.size() / 3);
        if (whole > limit && leaf > limit)
        {
            continue;
        }
        std::size_t score = std::min(whole, leaf + 1);
        if (score < bestScore)
        {
            bestScore = score;
            best = candidate;
        }
    }
    return best;
}

void
ConfigSchema::ThrowUnknownKey(const std::string& key,
                              const std::string& path,
                              const ConfigSchema& root) const
{
    std::string full = JoinConfigPath(path, key);
    std::string detail = "unknown key";
    // Prefer a sibling: a typo is far more common than a misplaced key.
    std::string suggestion;
    std::size_t bestDistance = std::max<std::size_t>(2, key.size() / 3) + 1;
    for (const auto& [name, node] : m_members)
    {
        std::size_t distance = EditDistance(key, name);
        if (distance < bestDistance)
        {
            bestDistance = distance;
            suggestion = JoinConfigPath(path, name);
        }
    }
    if (suggestion.empty())
    {
        suggestion = root.SuggestPath(full);
    }
    if (!suggestion.empty())
    {
        detail += "; did you mean '" + suggestion + "'?";
    }
    else
    {
        std::string valid;
        for (const auto& [name, node] : m_members)
        {
            valid += (valid.empty() ? "" : ", ") + name;
        }
        detail += "; valid keys here: " + valid;
    }
    throw ConfigError(full, detail);
}

ConfigJson
ConfigSchema::Resolve(const ConfigJson& input, const std::string& path) const
{
    return ResolveUnder(input, path, *this);
}

ConfigJson
ConfigSchema::ResolveUnder(const ConfigJson& input,
                           const std::string& path,
                           const ConfigSchema& root) const
{
    if (m_kind != Kind::OBJECT)
    {
        return ResolveLeaf(input, path);
    }
    if (!input.is_object())
    {
        throw ConfigError(path, "expected an object, got " + JsonTypeName(input));
    }
    for (const auto& item : input.items())
    {
        if (!Member(item.key()))
        {
            ThrowUnknownKey(item.key(), path, root);
        }
    }
    ConfigJson resolved = ConfigJson::object();
    for (const auto& [name, node] : m_members)
    {
        std::string childPath = JoinConfigPath(path, name);
        bool present = input.contains(name);
        resolved[name] =
            present ? node.ResolveUnder(input.at(name), childPath, root) : node.Defaults();
    }
    if (m_validator)
    {
        m_validator(resolved, path);
    }
    return resolved;
}

ConfigError
ConfigSchema::TypeError(const ConfigJson& value, const std::string& path) const
{
    std::string expected = m_kind == Kind::BOOLEAN   ? "a boolean"
                           : m_kind == Kind::INTEGER ? "an integer"
                           : m_kind == Kind::NUMBER  ? "a number"
                                                     : "a string";
    return ConfigError(path,
                       "expected " + expected + ", got " + JsonTypeName(value) + " " + value.dump()
                           + " (allowed: " + DescribeRange() + ")");
}

ConfigJson
ConfigSchema::ResolveLeaf(const ConfigJson& value, const std::string& path) const
{
    bool numeric = m_kind == Kind::INTEGER || m_kind == Kind::NUMBER;
    bool textual = m_kind == Kind::STRING || m_kind == Kind::ENUM;
    bool typeMatches = (m_kind == Kind::BOOLEAN && value.is_boolean())
                       || (numeric && value.is_number()) || (textual && value.is_string());
    if (!typeMatches)
    {
        throw TypeError(value, path);
    }
    if (numeric)
    {
        return ResolveNumber(value, path);
    }
    if (m_kind == Kind::ENUM
        && std::find(m_choices.begin(), m_choices.end(), value.get<std::string>())
               == m_choices.end())
    {
        throw ConfigError(path,
                          value.dump() + " is not allowed; expected one of " + DescribeRange());
    }
    if (m_kind == Kind::STRING && m_nonEmpty && value.get<std::string>().empty())
    {
        throw ConfigError(path, "must not be empty");
    }
    return value;
}

ConfigJson
ConfigSchema::ResolveNumber(const ConfigJson& value, const std::string& path) const
{
    double number = value.get<double>();
    if (m_kind == Kind::INTEGER && number != std::floor(number))
    {
        throw TypeError(value, path);
    }
    bool belowMin = m_minExclusive ? !(number > m_min) : !(number >= m_min);
    if (belowMin || !(number <= m_max))
    {
        throw ConfigError(path, "value " + value.dump() + " is out of range " + DescribeRange());
    }
    if (m_kind == Kind::INTEGER)
    {
        return static_cast<int64_t>(number);
    }
    return number;
}

ConfigJson
ConfigSchema::Defaults() const
{
    if (m_kind != Kind::OBJECT)
    {
        return m_default;
    }
    ConfigJson resolved = ConfigJson::object();
    for (const auto& [name, node] : m_members)
    {
        resolved[name] = node.Defaults();
    }
    return resolved;
}

ConfigJson
ConfigSchema::ParseOverride(const std::string& text, const std::string& path) const
{
    if (m_kind == Kind::STRING || m_kind == Kind::ENUM)
    {
        if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        {
            ConfigJson value = ConfigJson::parse(text, nullptr, false);
            if (!value.is_string())
            {
                throw ConfigError(path, "cannot parse " + text + " as a JSON string");
            }
            return value;
        }
        CheckUtf8(text, path);
        return text;
    }
    ConfigJson value = ConfigJson::parse(text, nullptr, false);
    if (value.is_discarded())
    {
        throw ConfigError(
            path,
            "cannot parse '" + text + "' as "
                + (m_kind == Kind::OBJECT ? "a JSON object" : DescribeType())
                + (m_kind == Kind::OBJECT ? "" : " (allowed: " + DescribeRange() + ")"));
    }
    return value;
}

std::vector<ConfigSchema::ReferenceRow>
ConfigSchema::Reference() const
{
    std::vector<std::string> paths;
    CollectPaths("", paths);
    std::vector<ReferenceRow> rows;
    for (const auto& path : paths)
    {
        const ConfigSchema* node = Find(path);
        if (node->m_kind == Kind::OBJECT)
        {
            continue;
        }
        rows.push_back({path,
                        node->DescribeType(),
                        node->m_default.dump(),
                        node->DescribeRange(),
                        node->m_help});
    }
    return rows;
}

} // namespace ns3
