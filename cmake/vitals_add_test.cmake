# vitals_add_test(name SOURCES a.cc b.cc DEPS lib… [LABELS unit|integration|e2e] [TIMEOUT s])
# Builds one doctest executable and registers each of its test cases with CTest. TIMEOUT
# overrides ctest's --timeout for a test known to take minutes.
function(vitals_add_test name)
  cmake_parse_arguments(arg "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE vitals_test_main ${arg_DEPS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if(NOT arg_LABELS)
    set(arg_LABELS unit)
  endif()
  foreach(label ${arg_LABELS})
    vitals_label_needs(${label} ${name})
  endforeach()
  set(properties LABELS "${arg_LABELS}")
  if(arg_TIMEOUT)
    list(APPEND properties TIMEOUT ${arg_TIMEOUT})
  endif()
  # Under a sanitizer, a report in the output fails the test even when a child process the test
  # started wrote it to the test's stderr: a child killed at the end of its test never gets to
  # exit with the sanitizer's exit code. (An agent's stderr goes into a pipe its test reads;
  # scripts/test's TSan pass collects every process's reports from files instead.)
  if(VITALS_SANITIZE)
    list(APPEND properties FAIL_REGULAR_EXPRESSION
         "(WARNING|ERROR): ThreadSanitizer:|ERROR: (Address|Leak)Sanitizer:")
  endif()
  doctest_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES ${properties}
                         WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()

# vitals_label_needs(label target): the target vitals_<label>_tests builds `target`, so
# `VITALS_TARGETS=vitals_unit_tests scripts/build` builds what `ctest -L unit` runs and no more.
function(vitals_label_needs label target)
  if(NOT TARGET vitals_${label}_tests)
    add_custom_target(vitals_${label}_tests)
  endif()
  add_dependencies(vitals_${label}_tests ${target})
endfunction()
