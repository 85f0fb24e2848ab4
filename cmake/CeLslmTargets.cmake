# Compiler settings shared by every target built from this repository.

# ce_lslm_configure_target(<target>): warnings (errors for our code), sanitizers, and the
# ns-3 compile definitions that Debian's ns3Config.cmake does not export.
function(ce_lslm_configure_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(CE_LSLM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CE_LSLM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                                             -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(CE_LSLM_FUZZ)
    # Coverage for libFuzzer in every library a fuzz target reaches; the targets themselves add
    # the fuzzer's main (test/fuzz/CMakeLists.txt). A sanitizer report must stop the run, so
    # that libFuzzer saves the input.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                             -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# ce_lslm_add_executable(<name> <sources>...): an executable in build/bin linked to the module.
function(ce_lslm_add_executable name)
  add_executable(${name} ${ARGN})
  # --no-as-needed: keep the module linked even where no symbol is referenced directly, or
  # its TypeId registrations (static initializers) vanish.
  target_link_libraries(${name} PRIVATE -Wl,--no-as-needed ns3-ce-lslm -Wl,--as-needed)
  ce_lslm_configure_target(${name})
endfunction()
