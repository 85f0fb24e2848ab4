/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_TEST_UTILS_H
#define CE_LSLM_TEST_UTILS_H

// Small helpers shared by the GoogleTest suites: scratch directories, files, and running the
// built executables as a user would.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace ce_lslm_test
{

/// A fresh, empty directory for the current test (under build/test-tmp when run by CTest).
inline std::string
FreshTestDir()
{
    const char* root = std::getenv("CE_LSLM_TEST_TMP");
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::path dir = std::filesystem::path(root ? root : "/tmp/ce-lslm-test")
                                / (std::string(test->test_suite_name()) + "." + test->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

/// The whole content of \p path ("" if it cannot be read).
inline std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Write \p content to \p path.
inline void
WriteFile(const std::string& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
}

/// Exit status and combined stdout/stderr of a command.
struct CommandResult
{
    int exitCode;       //!< exit status (-1 if the command did not exit normally)
    std::string output; //!< what it printed
};

/// Run a shell command, capturing its output.
inline CommandResult
RunCommand(const std::string& command)
{
    CommandResult result{-1, ""};
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
    {
        return result;
    }
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    {
        result.output.append(buffer, n);
    }
    int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// Path of a built executable in build/bin.
inline std::string
Binary(const std::string& name)
{
    return std::string(CE_LSLM_BIN_DIR) + "/" + name;
}

/// Path of a file in the source tree.
inline std::string
SourcePath(const std::string& relative)
{
    return std::string(CE_LSLM_SOURCE_DIR) + "/" + relative;
}

} // namespace ce_lslm_test

#endif // CE_LSLM_TEST_UTILS_H
