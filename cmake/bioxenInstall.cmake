# Install rules, the CMake package (config + version file + targets), the build-tree export
# and the pkg-config file, into BIOXEN_CMAKE_INSTALL_DIR and BIOXEN_PKGCONFIG_INSTALL_DIR
# (bioxenOptions.cmake).
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

# A shared libbioxen.so.<SOVERSION> is its own component, bioxen_library (the Debian package
# libbioxen<SOVERSION>); its namelink libbioxen.so belongs to the development files.
install(TARGETS bioxen EXPORT bioxenTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT bioxen_development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT bioxen_library
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
# A shared build's users compile with BIOXEN_SHARED, as the CMake target tells its own.
get_target_property(_bioxen_type bioxen TYPE)
set(BIOXEN_PC_EXTRA_CFLAGS "")
if(_bioxen_type STREQUAL "SHARED_LIBRARY")
  set(BIOXEN_PC_EXTRA_CFLAGS " -DBIOXEN_SHARED")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/bioxen.pc.in" "${PROJECT_BINARY_DIR}/bioxen.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/bioxen.pc"
  DESTINATION ${BIOXEN_PKGCONFIG_INSTALL_DIR}
  COMPONENT bioxen_development)

# The guides, in share/doc/bioxen: the ones `bioxen --help` and bioxen(1) point to, with the
# tool when it is built, else with the development files.
if(TARGET bioxen_cli)
  set(_bioxen_docs_component bioxen_runtime)
else()
  set(_bioxen_docs_component bioxen_development)
endif()
install(FILES
    "${PROJECT_SOURCE_DIR}/README.md"
    "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
    "${PROJECT_SOURCE_DIR}/docs/CLI.md"
    "${PROJECT_SOURCE_DIR}/docs/CONFIGURATION.md"
    "${PROJECT_SOURCE_DIR}/docs/ERRORS.md"
    "${PROJECT_SOURCE_DIR}/docs/GENOME_FORMATS.md"
    "${PROJECT_SOURCE_DIR}/docs/MODEL.md"
    "${PROJECT_SOURCE_DIR}/docs/MONITORING.md"
    "${PROJECT_SOURCE_DIR}/docs/PRODUCTION_DEPLOYMENT.md"
    "${PROJECT_SOURCE_DIR}/docs/SWEEPS.md"
    "${PROJECT_SOURCE_DIR}/docs/VALIDATION.md"
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT ${_bioxen_docs_component})

# The tool's manual page (written by hand: packaging/bioxen.1.in, see the comment there),
# compressed as Debian installs manual pages (gzip -n: no name or time stamp, so the same
# source gives the same file), and its bash completion.
if(TARGET bioxen_cli)
  find_program(BIOXEN_GZIP gzip)
  if(NOT BIOXEN_GZIP)
    message(FATAL_ERROR "bioxen: gzip not found; it compresses the manual page bioxen.1")
  endif()
  # The manual's date: this version's entry in CHANGELOG.md, "## [x.y.z] - YYYY-MM-DD".
  file(STRINGS "${PROJECT_SOURCE_DIR}/CHANGELOG.md" _bioxen_release_line
       REGEX "^## \\[${PROJECT_VERSION}\\] - [0-9]+-[0-9]+-[0-9]+$")
  if(_bioxen_release_line MATCHES "([0-9]+-[0-9]+-[0-9]+)$")
    set(BIOXEN_RELEASE_DATE "${CMAKE_MATCH_1}")
  else()
    set(BIOXEN_RELEASE_DATE "unreleased")
  endif()
  configure_file("${PROJECT_SOURCE_DIR}/packaging/bioxen.1.in" "${PROJECT_BINARY_DIR}/bioxen.1"
                 @ONLY)
  execute_process(COMMAND "${BIOXEN_GZIP}" -9nc "${PROJECT_BINARY_DIR}/bioxen.1"
    OUTPUT_FILE "${PROJECT_BINARY_DIR}/bioxen.1.gz" RESULT_VARIABLE _bioxen_gzip_rc)
  if(NOT _bioxen_gzip_rc EQUAL 0)
    message(FATAL_ERROR "bioxen: gzip failed (${_bioxen_gzip_rc}) on bioxen.1")
  endif()
  install(FILES "${PROJECT_BINARY_DIR}/bioxen.1.gz"
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT bioxen_runtime)
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/bioxen.bash-completion"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    RENAME bioxen COMPONENT bioxen_runtime)
endif()
