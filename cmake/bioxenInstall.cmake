# Install rules, the CMake package (config + version file + targets), the build-tree export
# and the pkg-config file, into BIOXEN_CMAKE_INSTALL_DIR and BIOXEN_PKGCONFIG_INSTALL_DIR
# (bioxenOptions.cmake).
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

install(TARGETS bioxen EXPORT bioxenTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT bioxen_development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT bioxen_runtime
          NAMELINK_COMPONENT bioxen_development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT bioxen_runtime
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/bioxen"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT bioxen_development)

install(EXPORT bioxenTargets
  NAMESPACE bioxen::
  DESTINATION ${BIOXEN_CMAKE_INSTALL_DIR}
  COMPONENT bioxen_development)

# Build-tree export: the same target set, usable with bioxen_DIR=<build dir>.
export(EXPORT bioxenTargets NAMESPACE bioxen:: FILE "${PROJECT_BINARY_DIR}/bioxenTargets.cmake")

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/bioxenConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/bioxenConfig.cmake"
  INSTALL_DESTINATION ${BIOXEN_CMAKE_INSTALL_DIR})
# While the major version is 0, a new minor version may break the API: SameMinorVersion.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/bioxenConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/bioxenConfig.cmake"
              "${PROJECT_BINARY_DIR}/bioxenConfigVersion.cmake"
  DESTINATION ${BIOXEN_CMAKE_INSTALL_DIR}
  COMPONENT bioxen_development)

# pkg-config: relocatable (prefix computed from the .pc file's own location).
file(RELATIVE_PATH BIOXEN_PC_PREFIX_FROM_PCDIR
     "/${BIOXEN_PKGCONFIG_INSTALL_DIR}" "/")
string(REGEX REPLACE "/$" "" BIOXEN_PC_PREFIX_FROM_PCDIR "${BIOXEN_PC_PREFIX_FROM_PCDIR}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/bioxen.pc.in" "${PROJECT_BINARY_DIR}/bioxen.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/bioxen.pc"
  DESTINATION ${BIOXEN_PKGCONFIG_INSTALL_DIR}
  COMPONENT bioxen_development)

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/README.md"
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT bioxen_development)
