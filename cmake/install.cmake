# Installs the checkers library as a CMake package: find_package(vitals) gives vitals::checkers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS vitals_common vitals_checkers EXPORT vitalsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY common/include/ checkers/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT vitalsTargets NAMESPACE vitals:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vitals)

configure_package_config_file(cmake/vitals-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/vitals-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vitals)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/vitals-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/vitals-config.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/vitals-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vitals)
