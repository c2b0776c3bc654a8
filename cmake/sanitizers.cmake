# VITALS_SANITIZE=ON (or address) builds everything with AddressSanitizer +
# UndefinedBehaviorSanitizer; VITALS_SANITIZE=thread with ThreadSanitizer, for the agent's
# concurrent parts (scheduler, loop, snapshots, SQLite writer, notifier).
if(VITALS_SANITIZE STREQUAL "thread")
  set(vitals_sanitize_flags -fsanitize=thread -fno-omit-frame-pointer)
elseif(VITALS_SANITIZE)
  set(vitals_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                            -fno-sanitize-recover=undefined)
endif()
if(vitals_sanitize_flags)
  add_compile_options(${vitals_sanitize_flags})
  add_link_options(${vitals_sanitize_flags})
  # g++ 12 reports false maybe-uninitialized warnings inside <regex> under the sanitizers.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
