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
  set(properties LABELS "${arg_LABELS}")
  if(arg_TIMEOUT)
    list(APPEND properties TIMEOUT ${arg_TIMEOUT})
  endif()
  doctest_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES ${properties}
                         WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()
