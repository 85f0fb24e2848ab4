/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "config-error.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ConfigError");

ConfigError::ConfigError(std::string path, std::string detail, std::string source)
    : std::runtime_error((source.empty() ? "" : source + ": ")
                         + (path.empty() ? "" : "'" + path + "': ") + detail)
    , m_path(std::move(path))
    , m_detail(std::move(detail))
    , m_source(std::move(source))
{
}

const std::string&
ConfigError::GetPath() const
{
    return m_path;
}

const std::string&
ConfigError::GetDetail() const
{
    return m_detail;
}

const std::string&
ConfigError::GetSource() const
{
    return m_source;
}

ConfigError
ConfigError::WithSource(const std::string& source) const
{
    return ConfigError(m_path, m_detail, source);
}

} // namespace ns3
