/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "workload-trace.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace ns3
{

namespace
{

using nlohmann::json;

/// Largest answer_tokens accepted: far above any model's context, small enough to catch typos.
constexpr int64_t MAX_ANSWER_TOKENS = 1000000;

/// Longest excerpt of an offending value quoted in a message.
constexpr std::size_t MAX_QUOTE = 40;

/// The value as JSON text, shortened so that a whole passage never floods a message.
std::string
Quote(const json& value)
{
    std::string text = value.dump();
    if (text.size() > MAX_QUOTE)
    {
        text = text.substr(0, MAX_QUOTE) + "...";
    }
    return text;
}

/// Reads the keys of one request line; every error names the file, the line and the key.
class LineReader
{
  public:
    LineReader(const json& object, const std::string& source, std::size_t line)
        : m_object(object)
        , m_source(source)
        , m_line(line)
    {
    }

    /// \return "<file>:<line>: " + text
    std::string Where(const std::string& text) const
    {
        return m_source + ":" + std::to_string(m_line) + ": " + text;
    }

    [[noreturn]] void Fail(const std::string& key, const std::string& what) const
    {
        throw WorkloadError(Where(key + ": " + what));
    }

    /// \return whether the key is given (null counts as absent, as in the scenario config)
    bool Has(const std::string& key) const
    {
        auto it = m_object.find(key);
        return it != m_object.end() && !it->is_null();
    }

    const json& Required(const std::string& key) const
    {
        if (!Has(key))
        {
            Fail(key, "missing (every request needs it)");
        }
        return m_object.at(key);
    }

    int64_t Integer(const std::string& key, int64_t minimum, int64_t maximum) const
    {
        const json& value = Required(key);
        // Integers only: 3.0 is refused too, since a fractional id or count is a broken trace.
        bool inRange = false;
        if (value.is_number_unsigned())
        {
            // JSON parses every non-negative integer as unsigned.
            const uint64_t number = value.get<uint64_t>();
            inRange = number <= static_cast<uint64_t>(maximum)
                      && (minimum <= 0 || number >= static_cast<uint64_t>(minimum));
        }
        else if (value.is_number_integer())
        {
            inRange = value.get<int64_t>() >= minimum && value.get<int64_t>() <= maximum;
        }
        if (!inRange)
        {
            const std::string range = maximum == std::numeric_limits<int64_t>::max()
                                          ? "an integer >= " + std::to_string(minimum)
                                          : "an integer from " + std::to_string(minimum) + " to "
                                                + std::to_string(maximum);
            Fail(key, "must be " + range + ", got " + Quote(value));
        }
        return value.get<int64_t>();
    }

    std::string Text(const std::string& key, bool nonEmpty) const
    {
        const json& value = Required(key);
        if (!value.is_string())
        {
            Fail(key, "must be a string, got " + Quote(value));
        }
        if (nonEmpty && value.get_ref<const std::string&>().empty())
        {
            Fail(key, "must not be empty");
        }
        return value.get<std::string>();
    }

    double NonNegative(const std::string& key) const
    {
        const json& value = Required(key);
        if (!value.is_number() || !(value.get<double>() >= 0.0))
        {
            Fail(key, "must be a number >= 0 (seconds), got " + Quote(value));
        }
        return value.get<double>();
    }

  private:
    const json& m_object;
    const std::string& m_source;
    std::size_t m_line;
};

/**
 * A parser callback that rejects a key given twice in one object: nlohmann would silently keep
 * the last value, and a request with two different queries is a broken trace.
 */
json::parser_callback_t
DuplicateKeyCheck(const std::string& source, std::size_t line)
{
    auto levels = std::make_shared<std::vector<std::set<std::string>>>();
    return [levels, source, line](int, json::parse_event_t event, json& parsed)
    {
        if (event == json::parse_event_t::object_start)
        {
            levels->emplace_back();
        }
        else if (event == json::parse_event_t::object_end)
        {
            levels->pop_back();
        }
        else if (event == json::parse_event_t::key && !levels->empty()
                 && !levels->back().insert(parsed.get<std::string>()).second)
        {
            throw WorkloadError(source + ":" + std::to_string(line) + ": "
                                + parsed.get<std::string>()
                                + ": given twice (each key may appear once)");
        }
        return true;
    };
}

/// \return the line parsed as JSON, or a WorkloadError naming the file, line and column
json
ParseLine(const std::string& text, const std::string& source, std::size_t line)
{
    try
    {
        return json::parse(text, DuplicateKeyCheck(source, line));
    }
    catch (const json::parse_error& error)
    {
        // nlohmann's message starts with "[json.exception.parse_error.101] parse error at line
        // 1, column 7: ...": keep only the explanation and name the position ourselves.
        const std::string what = error.what();
        const std::size_t colon = what.rfind(": ");
        const std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
        throw WorkloadError(source + ":" + std::to_string(line) + ": invalid JSON at column "
                            + std::to_string(error.byte) + ": " + reason);
    }
    catch (const json::out_of_range& error)
    {
        // A number no double holds (1e999): nlohmann names the number, not its position.
        // "[json.exception.out_of_range.406] number overflow parsing '1e999'"
        const std::string what = error.what();
        throw WorkloadError(source + ":" + std::to_string(line)
                            + ": invalid JSON: " + what.substr(what.find("] ") + 2));
    }
}

/// \return whether the line holds only whitespace
bool
IsBlank(const std::string& text)
{
    return text.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

} // namespace

WorkloadTrace::WorkloadTrace(std::string source)
    : m_source(std::move(source))
{
}

std::shared_ptr<const WorkloadTrace>
WorkloadTrace::Load(const std::string& path)
{
    if (std::filesystem::is_directory(path))
    {
        throw WorkloadError(path + ": is a directory, not a workload file");
    }
    std::ifstream file(path, std::ios::binary);
    if (!file)
    {
        throw WorkloadError(path + ": cannot open workload file: " + std::strerror(errno));
    }
    return Parse(file, path);
}

std::shared_ptr<const WorkloadTrace>
WorkloadTrace::Parse(std::istream& in, const std::string& source)
{
    std::shared_ptr<WorkloadTrace> trace(new WorkloadTrace(source));
    std::map<std::string, std::pair<uint32_t, std::size_t>> contexts; // name -> index, line
    std::map<int64_t, std::size_t> ids;                               // id -> line
    std::size_t firstTimedLine = 0;   // line of the first request with arrival_s (0: none yet)
    std::size_t firstUntimedLine = 0; // line of the first request without it
    std::string text;
    for (std::size_t line = 1; std::getline(in, text); ++line)
    {
        if (IsBlank(text))
        {
            continue;
        }
        const json object = ParseLine(text, source, line);
        LineReader reader(object, source, line);
        if (!object.is_object())
        {
            throw WorkloadError(
                reader.Where("a request must be a JSON object, got " + Quote(object)));
        }
        if (trace->m_items.size() >= std::numeric_limits<uint32_t>::max())
        {
            throw WorkloadError(reader.Where("too many requests"));
        }

        WorkloadItem item;
        item.index = static_cast<uint32_t>(trace->m_items.size());
        item.id = reader.Integer("id",
                                 std::numeric_limits<int64_t>::min(),
                                 std::numeric_limits<int64_t>::max());
        auto [idAt, newId] = ids.emplace(item.id, line);
        if (!newId)
        {
            reader.Fail("id",
                        std::to_string(item.id) + " is already the id of the request on line "
                            + std::to_string(idAt->second));
        }
        const std::string contextName = reader.Text("context_id", true);
        std::string contextText = reader.Text("context", false);
        item.query = reader.Text("query", true);
        item.continuation = reader.Text("continuation", true);
        item.answerTokens =
            static_cast<uint32_t>(reader.Integer("answer_tokens", 1, MAX_ANSWER_TOKENS));
        if (reader.Has("arrival_s"))
        {
            item.arrivalS = reader.NonNegative("arrival_s");
        }
        if (reader.Has("terminal"))
        {
            item.terminal = static_cast<uint32_t>(
                reader.Integer("terminal", 0, std::numeric_limits<uint32_t>::max()));
        }

        // Either the trace times every request or the scenario times them all: a mixture has
        // no meaning, and silently ignoring some times would hide a broken trace.
        std::size_t& firstOfKind = item.arrivalS ? firstTimedLine : firstUntimedLine;
        if (firstOfKind == 0)
        {
            firstOfKind = line;
        }
        if (firstTimedLine != 0 && firstUntimedLine != 0)
        {
            reader.Fail("arrival_s",
                        "must be given on every request or none (line "
                            + std::to_string(firstTimedLine) + " has it, line "
                            + std::to_string(firstUntimedLine) + " does not)");
        }

        auto [known, isNew] =
            contexts.emplace(contextName,
                             std::make_pair(static_cast<uint32_t>(trace->m_contexts.size()), line));
        if (isNew)
        {
            trace->m_contexts.push_back({contextName, std::move(contextText)});
        }
        else if (trace->m_contexts[known->second.first].text != contextText)
        {
            reader.Fail("context",
                        "differs from the context of context_id '" + contextName + "' on line "
                            + std::to_string(known->second.second)
                            + " (requests sharing a context_id must share its text)");
        }
        item.context = known->second.first;
        trace->m_items.push_back(std::move(item));
    }
    if (in.bad())
    {
        throw WorkloadError(source + ": cannot read workload file");
    }
    if (trace->m_items.empty())
    {
        throw WorkloadError(source + ": no requests (the workload has no non-blank line)");
    }
    return trace;
}

const std::string&
WorkloadTrace::GetSource() const
{
    return m_source;
}

const std::vector<WorkloadItem>&
WorkloadTrace::GetItems() const
{
    return m_items;
}

const std::vector<WorkloadContext>&
WorkloadTrace::GetContexts() const
{
    return m_contexts;
}

const WorkloadItem&
WorkloadTrace::GetItem(uint32_t index) const
{
    if (index >= m_items.size())
    {
        throw WorkloadError(m_source + ": no request " + std::to_string(index) + " (it has "
                            + std::to_string(m_items.size()) + ")");
    }
    return m_items[index];
}

const WorkloadContext&
WorkloadTrace::GetContext(uint32_t index) const
{
    if (index >= m_contexts.size())
    {
        throw WorkloadError(m_source + ": no context " + std::to_string(index) + " (it has "
                            + std::to_string(m_contexts.size()) + ")");
    }
    return m_contexts[index];
}

bool
WorkloadTrace::IsTimed() const
{
    return !m_items.empty() && m_items.front().arrivalS.has_value();
}

} // namespace ns3
