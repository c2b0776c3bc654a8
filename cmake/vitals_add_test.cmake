# vitals_add_test(name SOURCES a.cc b.cc DEPS lib… [LABELS unit|integration])
# Builds one doctest executable and registers each of its test cases with CTest.
function(vitals_add_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE vitals_test_main ${arg_DEPS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if(NOT arg_LABELS)
    set(arg_LABELS unit)
  endif()
  doctest_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES LABELS "${arg_LABELS}"
                         WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()
