/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FUZZ_SUPPORT_H
#define CE_LSLM_FUZZ_SUPPORT_H

// What every fuzz target does with a refusal: check that it explains itself, and print it when
// CE_LSLM_FUZZ_VERBOSE is set (to see what a corpus file is refused for).

#include <cstdlib>
#include <iostream>
#include <string>

namespace ce_lslm_fuzz
{

/// Trap unless message explains a refusal; print it if CE_LSLM_FUZZ_VERBOSE is set.
inline void
Refused(const std::string& message)
{
    static const bool verbose = std::getenv("CE_LSLM_FUZZ_VERBOSE") != nullptr;
    if (message.empty())
    {
        __builtin_trap(); // a refusal the user cannot act on
    }
    if (verbose)
    {
        std::cerr << "refused: " << message << "\n";
    }
}

} // namespace ce_lslm_fuzz

#endif // CE_LSLM_FUZZ_SUPPORT_H
