/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CLI_SUPPORT_H
#define CE_LSLM_CLI_SUPPORT_H

// What the command-line tools (ce-lslm-eval, ce-lslm-kv-eval, ce-lslm-kv-align) share: the error
// that means "bad input, exit status 2", and reading a text file with a message naming it.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ce_lslm_cli
{

/// A bad command line or input file: the tools exit with status 2.
class UsageError : public std::runtime_error
{
  public:
    using runtime_error::runtime_error;
};

/// \return the whole content of a text file (throws UsageError naming it if it cannot be read)
inline std::string
ReadTextFile(const std::string& path)
{
    if (std::filesystem::is_directory(path))
    {
        throw UsageError(path + ": is a directory, not a text file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw UsageError(path + ": cannot open text file: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
    {
        throw UsageError(path + ": cannot read text file");
    }
    return text.str();
}

/// \return path relative to the source tree if it lies inside it (the tools' defaults do), so
///         that reports written by the tools do not depend on where the tree was checked out
inline std::string
SourceRelative(const std::string& path)
{
    const std::string root = std::string(CE_LSLM_SOURCE_DIR) + "/";
    return path.rfind(root, 0) == 0 ? path.substr(root.size()) : path;
}

} // namespace ce_lslm_cli

#endif // CE_LSLM_CLI_SUPPORT_H
