# CPack: the release packages. Every file name carries the one version number
# (include/bioxen/version.hpp -> project(VERSION) -> here), so a package can never claim a
# version the headers do not have.
#
#   cpack                                    # in the build directory:
#     bioxen-<version>-Linux.tar.gz          #   everything `cmake --install` installs
#     libbioxen-dev_<version>_<arch>.deb     #   headers, library, CMake package, bioxen.pc
#     bioxen_<version>_<arch>.deb            #   the `bioxen` tool (+ the .so in shared builds)
#   cpack --config CPackSourceConfig.cmake
#     bioxen-<version>-source.tar.gz         #   the source tree without build output or .git
#
# Included from the top-level CMakeLists.txt when BIOXEN_INSTALL is on.
include_guard(GLOBAL)

# include(CPack) writes CPackConfig.cmake into the top-level build directory. When BioXen is
# a subproject that file belongs to the parent project, which may package itself: stay out.
if(NOT PROJECT_IS_TOP_LEVEL)
  return()
endif()

# Write every CPACK_* value into CPack(Source)Config.cmake exactly as set here (the ignore
# regexes below contain backslashes that would otherwise be re-interpreted).
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_PACKAGE_NAME "bioxen")
set(CPACK_PACKAGE_VENDOR "BioXen")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
# BIOXEN_PACKAGE_CONTACT (bioxenOptions.cmake): a release manager sets the real address.
set(CPACK_PACKAGE_CONTACT "${BIOXEN_PACKAGE_CONTACT}")
# <package>.sha256 next to each package: what FetchContent's URL_HASH and users check.
set(CPACK_PACKAGE_CHECKSUM SHA256)

# --- binary packages --------------------------------------------------------------------
set(CPACK_GENERATOR "TGZ;DEB")
# The tarball is one archive of the whole install; only the .deb is split by component.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_DEB_COMPONENT_INSTALL ON)

# Two Debian packages, by install COMPONENT (see bioxenInstall.cmake and src/cli):
#   bioxen_development (+ anything installed without a COMPONENT) -> libbioxen-dev
#   bioxen_runtime                                               -> bioxen
# Components join a package through a group; "Unspecified" is in the dev group so that an
# install() rule that forgets its COMPONENT still ships instead of becoming a third package.
include(CPackComponent)
cpack_add_component_group(development
  DESCRIPTION "Headers, library, CMake package and pkg-config file")
cpack_add_component_group(runtime DESCRIPTION "The bioxen command-line tool")
cpack_add_component(bioxen_development GROUP development)
cpack_add_component(Unspecified GROUP development)
cpack_add_component(bioxen_runtime GROUP runtime)
# A static build without the tool installs nothing into bioxen_runtime: no empty package.
get_target_property(_bioxen_type bioxen TYPE)
if(TARGET bioxen_cli OR _bioxen_type STREQUAL "SHARED_LIBRARY")
  set(CPACK_COMPONENTS_ALL bioxen_development Unspecified bioxen_runtime)
else()
  set(CPACK_COMPONENTS_ALL bioxen_development Unspecified)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Debian's own dpkg-shlibdeps computes the tool's shared-library Depends (libfmt9,
# libspdlog1.10, libstdc++6, ...), so they follow the distribution, not a hand-written list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
find_program(BIOXEN_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(BIOXEN_FILE_COMMAND file)
if(NOT BIOXEN_DPKG_SHLIBDEPS OR NOT BIOXEN_FILE_COMMAND)
  message(STATUS "bioxen: dpkg-shlibdeps or file not found: the bioxen .deb will lack its "
                 "shared-library Depends (sh cmake/setup-debian.sh --release installs them)")
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
endif()

# libbioxen-dev: what a downstream build needs. A header-mostly library makes the -dev
# packages of fmt, spdlog and nlohmann_json part of our API, so they are hard Depends; the
# versions are the ones bioxenConfig.cmake asks for with find_dependency.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME "libbioxen-dev")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY first as the synopsis; these are the extended
# descriptions (CPack indents them and turns empty lines into " .").
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "Development files. A header-mostly C++20 library: a host cell's ribosomes,
ATP and genome space are time-shared among guest genomes by a hypervisor
with a time-quantum scheduler.

This package holds the headers, the library, the CMake package
(find_package(bioxen)) and the pkg-config file (bioxen.pc).")
set(_bioxen_dev_depends "libfmt-dev (>= 9), libspdlog-dev (>= 1:1.10), nlohmann-json3-dev (>= 3.10)")
if(_bioxen_type STREQUAL "SHARED_LIBRARY")
  # The shared library itself lives in the runtime package.
  string(APPEND _bioxen_dev_depends ", bioxen (= ${PROJECT_VERSION})")
endif()
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "${_bioxen_dev_depends}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "bioxen")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION science)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "The bioxen command-line tool: the demo workflow, declarative scenarios,
an interactive shell and self-contained HTML reports.")

# --- source package ---------------------------------------------------------------------
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_PACKAGE_FILE_NAME "bioxen-${PROJECT_VERSION}-source")
# Regular expressions matched against absolute paths: anchor them at the source directory,
# so a checkout that itself lives under a directory named "build" is still packaged.
string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _bioxen_src_re "${PROJECT_SOURCE_DIR}")
set(CPACK_SOURCE_IGNORE_FILES
  "^${_bioxen_src_re}/\\.git/"
  "^${_bioxen_src_re}/\\.git$"
  "^${_bioxen_src_re}/build/"
  "^${_bioxen_src_re}/build-[^/]*/"
  "^${_bioxen_src_re}/out/"
  "^${_bioxen_src_re}/\\.cache/"
  "^${_bioxen_src_re}/\\.vscode/"
  "^${_bioxen_src_re}/\\.idea/"
  "^${_bioxen_src_re}/_CPack_Packages/"
  "^${_bioxen_src_re}/docs/(html|latex|xml)/"  # Doxygen output is never shipped as source
  "/CMakeFiles/"                              # in-source build leftovers, anywhere
  "/CMakeCache\\.txt$"
  "/compile_commands\\.json$"
  "\\.swp$"
  "~$")

include(CPack)
