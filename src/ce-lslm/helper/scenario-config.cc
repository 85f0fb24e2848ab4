/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "scenario-config.h"

#include "scenario-schema.h"

#include "ns3/log.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ScenarioConfig");

namespace
{

/// "line L, column C" of byte \p offset (1-based, counted as nlohmann reports it) in \p text.
std::string
LineAndColumn(const std::string& text, std::size_t offset)
{
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i + 1 < offset && i < text.size(); ++i)
    {
        if (text[i] == '\n')
        {
            ++line;
            column = 1;
        }
        else
        {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/**
 * A parser callback that rejects a key named twice in one object (nlohmann would silently
 * keep the last value), naming the key's dotted path.
 */
ConfigJson::parser_callback_t
DuplicateKeyCheck(const std::string& source)
{
    struct Level
    {
        std::set<std::string> keys; //!< keys seen in this object
        std::string current;        //!< key being parsed
    };

    auto levels = std::make_shared<std::vector<Level>>();
    return [levels, source](int, ConfigJson::parse_event_t event, ConfigJson& parsed)
    {
        switch (event)
        {
            case ConfigJson::parse_event_t::object_start:
                levels->push_back({});
                break;
            case ConfigJson::parse_event_t::object_end:
                levels->pop_back();
                break;
            case ConfigJson::parse_event_t::key:
            {
                Level& level = levels->back();
                level.current = parsed.get<std::string>();
                if (!level.keys.insert(level.current).second)
                {
                    std::string path;
                    for (const auto& outer : *levels)
                    {
                        path = JoinConfigPath(path, outer.current);
                    }
                    throw ConfigError(path, "duplicate key (each key may appear once)", source);
                }
                break;
            }
            default:
                break;
        }
        return true;
    };
}

} // namespace

ScenarioConfig::ScenarioConfig()
    : m_json(ScenarioSchema().Defaults())
{
}

ScenarioConfig::ScenarioConfig(const ConfigJson& document, const std::string& source)
{
    try
    {
        m_json = ScenarioSchema().Resolve(document.is_null() ? ConfigJson::object() : document);
    }
    catch (const ConfigError& error)
    {
        throw error.GetSource().empty() ? error.WithSource(source) : error;
    }
}

ConfigJson
ScenarioConfig::ReadDocument(const std::string& path)
{
    if (std::filesystem::is_directory(path))
    {
        throw ConfigError("", "is a directory, not a config file", path);
    }
    std::ifstream file(path, std::ios::binary);
    if (!file)
    {
        throw ConfigError("",
                          std::string("cannot open config file: ") + std::strerror(errno),
                          path);
    }
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad())
    {
        throw ConfigError("", "cannot read config file", path);
    }
    return ParseDocument(text.str(), path);
}

ConfigJson
ScenarioConfig::ParseDocument(const std::string& text, const std::string& source)
{
    try
    {
        ConfigJson document = ConfigJson::parse(text, DuplicateKeyCheck(source));
        if (!document.is_object())
        {
            throw ConfigError("", "the document must be a JSON object", source);
        }
        return document;
    }
    catch (const ConfigJson::parse_error& error)
    {
        // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ...":
        // keep only the explanation after the last ": " and name the position ourselves.
        std::string what = error.what();
        std::size_t colon = what.rfind(": ");
        std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
        throw ConfigError("",
                          "invalid JSON at " + LineAndColumn(text, error.byte) + " (byte "
                              + std::to_string(error.byte) + "): " + reason,
                          source);
    }
    catch (const ConfigJson::out_of_range& error)
    {
        // A number no double holds (1e999): nlohmann names the number, not its position.
        // "[json.exception.out_of_range.406] number overflow parsing '1e999'"
        const std::string what = error.what();
        throw ConfigError("", "invalid JSON: " + what.substr(what.find("] ") + 2), source);
    }
}

void
ScenarioConfig::SetValue(ConfigJson& document,
                         const std::string& path,
                         const ConfigJson& value,
                         const std::string& source)
{
    const ConfigSchema& schema = ScenarioSchema();
    const ConfigSchema* node = schema.Find(path);
    if (!node)
    {
        std::string suggestion = schema.SuggestPath(path);
        throw ConfigError(path,
                          "unknown key"
                              + (suggestion.empty()
                                     ? std::string(" (see ce-lslm-sim --config-reference)")
                                     : "; did you mean '" + suggestion + "'?"),
                          source);
    }
    try
    {
        node->Resolve(value, path);
    }
    catch (const ConfigError& error)
    {
        throw error.WithSource(source);
    }
    std::vector<std::string> keys = SplitConfigPath(path);
    ConfigJson* target = &document;
    for (std::size_t i = 0; i + 1 < keys.size(); ++i)
    {
        ConfigJson& child = (*target)[keys[i]];
        if (!child.is_object())
        {
            child = ConfigJson::object();
        }
        target = &child;
    }
    (*target)[keys.back()] = value;
}

void
ScenarioConfig::ApplyOverride(ConfigJson& document, const std::string& assignment)
{
    const std::string source = "--set " + assignment;
    std::size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
    {
        throw ConfigError("", "expected dotted.key=value", source);
    }
    SetText(document, assignment.substr(0, equals), assignment.substr(equals + 1), source);
}

void
ScenarioConfig::SetText(ConfigJson& document,
                        const std::string& path,
                        const std::string& text,
                        const std::string& source)
{
    const ConfigSchema* node = ScenarioSchema().Find(path);
    ConfigJson value;
    if (node)
    {
        try
        {
            value = node->ParseOverride(text, path);
        }
        catch (const ConfigError& error)
        {
            throw error.WithSource(source);
        }
    }
    SetValue(document, path, value, source);
}

const ConfigJson&
ScenarioConfig::GetJson() const
{
    return m_json;
}

const ConfigJson&
ScenarioConfig::Get(const std::string& path) const
{
    const ConfigJson* node = &m_json;
    for (const auto& key : SplitConfigPath(path))
    {
        if (!node->is_object() || !node->contains(key))
        {
            throw std::logic_error("ScenarioConfig: no key '" + path + "' in the schema");
        }
        node = &node->at(key);
    }
    return *node;
}

int64_t
ScenarioConfig::GetInt(const std::string& path) const
{
    return Get(path).get<int64_t>();
}

double
ScenarioConfig::GetDouble(const std::string& path) const
{
    return Get(path).get<double>();
}

std::string
ScenarioConfig::GetString(const std::string& path) const
{
    return Get(path).get<std::string>();
}

bool
ScenarioConfig::GetBool(const std::string& path) const
{
    return Get(path).get<bool>();
}

} // namespace ns3
