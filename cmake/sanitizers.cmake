# VITALS_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer.
if(VITALS_SANITIZE)
  set(vitals_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                            -fno-sanitize-recover=undefined)
  add_compile_options(${vitals_sanitize_flags})
  add_link_options(${vitals_sanitize_flags})
  # g++ 12 reports false maybe-uninitialized warnings inside <regex> under the sanitizers.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
