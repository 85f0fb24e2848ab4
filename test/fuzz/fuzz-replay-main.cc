/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// The main of a fuzz target outside a libFuzzer build: runs LLVMFuzzerTestOneInput once on
// every file named on the command line or found (recursively) in a directory named there, so
// that CTest replays the committed corpus in the ordinary and the sanitizer builds. A finding
// aborts the run (crash, sanitizer report, or an exception the target lets through), as it would
// under libFuzzer.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace
{

/// \return the files named by argument: itself, or every regular file below it, sorted
std::vector<std::filesystem::path>
InputsOf(const std::filesystem::path& argument)
{
    if (!std::filesystem::is_directory(argument))
    {
        return {argument};
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argument))
    {
        if (entry.is_regular_file())
        {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// \return the bytes of a file (exits naming it if it cannot be read)
std::vector<uint8_t>
ReadInput(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        std::cerr << "fuzz replay: cannot read " << path << "\n";
        std::exit(2);
    }
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>());
}

} // namespace

int
main(int argc, char** argv)
{
    if (argc < 2)
    {
        std::cerr << "usage: " << argv[0] << " FILE_OR_DIRECTORY...\n"
                  << "Runs the fuzz target once on every input (a directory: every file in it).\n";
        return 2;
    }
    std::size_t inputs = 0;
    for (int i = 1; i < argc; ++i)
    {
        for (const std::filesystem::path& path : InputsOf(argv[i]))
        {
            const std::vector<uint8_t> bytes = ReadInput(path);
            // Announced first, so that the input of a crash is the last line printed.
            std::cerr << "running " << path.string() << " (" << bytes.size() << " bytes)\n";
            LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            ++inputs;
        }
    }
    if (inputs == 0)
    {
        std::cerr << "fuzz replay: no input found\n";
        return 1;
    }
    std::cout << "fuzz replay: " << inputs << " inputs ran without a finding\n";
    return 0;
}
