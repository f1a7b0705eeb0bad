# CPack: the release packages. Every file name carries the one version number
# (include/bioxen/version.hpp -> project(VERSION) -> here), so a package can never claim a
# version the headers do not have.
#
#   cpack                                    # in the build directory:
#     bioxen-<version>-Linux.tar.gz          #   everything `cmake --install` installs
#     libbioxen-dev_<version>_<arch>.deb     #   headers, CMake package, bioxen.pc (+ libbioxen.a)
#     libbioxen<so>_<version>_<arch>.deb     #   libbioxen.so.<so>, in shared builds only
#     bioxen_<version>_<arch>.deb            #   the `bioxen` tool, its manual page, completion
#                                            #   and guides
#   cpack --config CPackSourceConfig.cmake
#     bioxen-<version>-source.tar.gz         #   the source tree without build output or .git
#
# The .deb packages need BIOXEN_PACKAGE_CONTACT (their Maintainer); without it cpack makes
# the .tar.gz only. Each .deb holds /usr/share/doc/<package>/copyright (packaging/copyright,
# DEP-5) and its Debian changelog; its binaries are stripped; the library packages are
# Multi-Arch: same (packaging/deb_post_build.cmake adds the field, which CPack 3.25 cannot).
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
# BIOXEN_PACKAGE_CONTACT (bioxenOptions.cmake): the release manager's "Name <address>".
set(CPACK_PACKAGE_CONTACT "${BIOXEN_PACKAGE_CONTACT}")
set(_bioxen_deb ON)
if(BIOXEN_PACKAGE_CONTACT STREQUAL "")
  set(_bioxen_deb OFF)
  message(STATUS "bioxen: BIOXEN_PACKAGE_CONTACT is not set: cpack makes no .deb packages "
                 "(set it to the Maintainer, 'Name <address>', for them)")
elseif(NOT BIOXEN_PACKAGE_CONTACT MATCHES "^[^<>@]*[^<>@ ] <[^<>@ ]+@[^<>@ ]+\\.[^<>@ ]+>$")
  message(FATAL_ERROR "bioxen: BIOXEN_PACKAGE_CONTACT is '${BIOXEN_PACKAGE_CONTACT}', not "
                      "'Name <user@host.domain>' (the Maintainer field of the .deb packages)")
endif()
# <package>.sha256 next to each package: what FetchContent's URL_HASH and users check.
set(CPACK_PACKAGE_CHECKSUM SHA256)

# --- binary packages --------------------------------------------------------------------
set(CPACK_GENERATOR "TGZ")
if(_bioxen_deb)
  list(APPEND CPACK_GENERATOR DEB)
endif()
# `cpack -G DEB` without a Maintainer stops here, before CPack makes anything.
set(CPACK_BIOXEN_DEB_ENABLED "${_bioxen_deb}")
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_SOURCE_DIR}/packaging/cpack_project_config.cmake")
# Installed executables and shared libraries are stripped (lintian: unstripped-binary).
set(CPACK_STRIP_FILES ON)
# The tarball is one archive of the whole install; only the .deb is split by component.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_DEB_COMPONENT_INSTALL ON)

# The Debian packages, by install COMPONENT (see bioxenInstall.cmake and src/cli):
#   bioxen_development (+ anything installed without a COMPONENT) -> libbioxen-dev
#   bioxen_library (shared builds: libbioxen.so.<SOVERSION>)      -> libbioxen<SOVERSION>
#   bioxen_runtime (the tool, its manual page, completion, guides) -> bioxen
#   bioxen_python_deb (the Python package under /usr/lib/python3)  -> python3-bioxen
# Components join a package through a group; "Unspecified" is in the dev group so that an
# install() rule that forgets its COMPONENT still ships instead of becoming a fourth package.
include(CPackComponent)
get_target_property(_bioxen_type bioxen TYPE)
get_target_property(_bioxen_soversion bioxen SOVERSION)
# Debian policy 8.1: the shared library package is named after the SONAME, libbioxen.so.0.1
# -> libbioxen0.1.
set(BIOXEN_DEB_LIBRARY_PACKAGE "libbioxen${_bioxen_soversion}")
cpack_add_component_group(development
  DESCRIPTION "Headers, CMake package and pkg-config file")
cpack_add_component_group(library DESCRIPTION "The shared library")
cpack_add_component_group(runtime DESCRIPTION "The bioxen command-line tool")
cpack_add_component(bioxen_development GROUP development)
cpack_add_component(Unspecified GROUP development)
cpack_add_component(bioxen_library GROUP library)
cpack_add_component(bioxen_runtime GROUP runtime)
cpack_add_component_group(python DESCRIPTION "The Python package")
cpack_add_component(bioxen_python_deb GROUP python)
# Only the components that install something: no empty package.
set(CPACK_COMPONENTS_ALL bioxen_development Unspecified)
if(_bioxen_type STREQUAL "SHARED_LIBRARY")
  list(APPEND CPACK_COMPONENTS_ALL bioxen_library)
endif()
if(TARGET bioxen_cli)
  list(APPEND CPACK_COMPONENTS_ALL bioxen_runtime)
endif()
if(TARGET bioxen_python)
  list(APPEND CPACK_COMPONENTS_ALL bioxen_python_deb)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Debian's own dpkg-shlibdeps computes the shared-library Depends (libfmt9, libspdlog1.10,
# libstdc++6, ...), so they follow the distribution, not a hand-written list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
find_program(BIOXEN_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(BIOXEN_FILE_COMMAND file)
if(NOT BIOXEN_DPKG_SHLIBDEPS OR NOT BIOXEN_FILE_COMMAND)
  message(STATUS "bioxen: dpkg-shlibdeps or file not found: the .deb packages will lack their "
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
set(_bioxen_dev_what "the headers, the static library")
if(_bioxen_type STREQUAL "SHARED_LIBRARY")
  set(_bioxen_dev_what "the headers, the libbioxen.so link")
endif()
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "Development files. A header-mostly C++20 library: a host cell's ribosomes,
ATP and genome space are time-shared among guest genomes by a hypervisor
with a time-quantum scheduler.

This package holds ${_bioxen_dev_what}, the CMake package
(find_package(bioxen)) and the pkg-config file (bioxen.pc).")
set(_bioxen_dev_depends "libfmt-dev (>= 9), libspdlog-dev (>= 1:1.10), nlohmann-json3-dev (>= 3.10)")
if(_bioxen_type STREQUAL "SHARED_LIBRARY")
  string(APPEND _bioxen_dev_depends ", ${BIOXEN_DEB_LIBRARY_PACKAGE} (= ${PROJECT_VERSION})")
endif()
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "${_bioxen_dev_depends}")

# libbioxen<SOVERSION>: the shared library, with a shlibs file so that dpkg-shlibdeps gives
# the packages built against it a Depends on this one. ">=": a later patch release keeps the
# ABI of a SOVERSION (major.minor), so programs built against this version run with it.
set(CPACK_DEBIAN_LIBRARY_PACKAGE_NAME "${BIOXEN_DEB_LIBRARY_PACKAGE}")
set(CPACK_DEBIAN_LIBRARY_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBRARY_DESCRIPTION
    "The shared library. A header-mostly C++20 library: a host cell's ribosomes,
ATP and genome space are time-shared among guest genomes by a hypervisor
with a time-quantum scheduler.

This package holds libbioxen.so.${_bioxen_soversion}, the compiled part of the library.")
# (CPack 3.25 reads GENERATE_SHLIBS for all packages only; the library package is the only
# one with a shared object.)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "bioxen")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION science)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "The bioxen command-line tool: the demo workflow, declarative scenarios,
an interactive shell and self-contained HTML reports.")
if(_bioxen_type STREQUAL "SHARED_LIBRARY")
  # The tool links libbioxen.so.<SOVERSION> of this very build: dpkg-shlibdeps finds it in
  # the build tree (a private directory, whose libraries it asks no shlibs for) and the
  # Depends on its package is exact.
  get_target_property(_bioxen_lib_dir bioxen LIBRARY_OUTPUT_DIRECTORY)
  if(NOT _bioxen_lib_dir)
    set(_bioxen_lib_dir "${PROJECT_BINARY_DIR}/src")
  endif()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${_bioxen_lib_dir}")
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "${BIOXEN_DEB_LIBRARY_PACKAGE} (= ${PROJECT_VERSION})")
endif()

# python3-bioxen: the Python package for the system's Python 3 (its extension module is
# built for one minor version). NumPy is for Recorder.columns() only.
set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME "python3-bioxen")
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
set(CPACK_DEBIAN_PYTHON_DESCRIPTION
    "The Python package: import bioxen, the C++ API with Python exceptions,
NumPy time series and the GIL released around long runs, and
bioxen.legacy, the original BioXen Python library's API on the C++ engine.")
if(TARGET bioxen_python)
  math(EXPR _bioxen_py_next "${Python_VERSION_MINOR} + 1")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
      "python3 (>= ${Python_VERSION_MAJOR}.${Python_VERSION_MINOR}~), python3 (<< ${Python_VERSION_MAJOR}.${_bioxen_py_next})")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_RECOMMENDS "python3-numpy")
  if(_bioxen_type STREQUAL "SHARED_LIBRARY")
    string(APPEND CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
           ", ${BIOXEN_DEB_LIBRARY_PACKAGE} (= ${PROJECT_VERSION})")
  endif()
endif()

# /usr/share/doc/<package>/copyright and the Debian changelog in every .deb (Debian policy
# 12.5 and 12.7). The changelog is generated: one entry for this version, dated from its
# CHANGELOG.md entry, signed by the Maintainer, compressed with gzip -9n. The packages are
# native (version x.y.z, no Debian revision: the project makes them itself), and the Debian
# changelog of a native package is changelog.gz (lintian: changelog.Debian.gz there is
# wrong-name-for-changelog-of-native-package).
if(_bioxen_deb)
  include("${PROJECT_SOURCE_DIR}/packaging/debian_changelog.cmake")
  bioxen_debian_changelog("${PROJECT_BINARY_DIR}/debian/changelog.gz")
  set(_bioxen_deb_docs
    "libbioxen-dev\;bioxen_development"
    "${BIOXEN_DEB_LIBRARY_PACKAGE}\;bioxen_library"
    "bioxen\;bioxen_runtime"
    "python3-bioxen\;bioxen_python_deb")
  foreach(_pair IN LISTS _bioxen_deb_docs)
    list(GET _pair 0 _pkg)
    list(GET _pair 1 _comp)
    if(_comp IN_LIST CPACK_COMPONENTS_ALL)
      install(FILES "${PROJECT_SOURCE_DIR}/packaging/copyright"
                    "${PROJECT_BINARY_DIR}/debian/changelog.gz"
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_pkg} COMPONENT ${_comp})
    endif()
  endforeach()
  # Multi-Arch: same on the library packages (their files are identical across architectures
  # or under lib/<triplet>), and the ldconfig trigger in place of CPack's maintainer scripts
  # that call ldconfig, both after CPack has built them.
  set(CPACK_BIOXEN_MULTIARCH_SAME_PACKAGES "libbioxen-dev;${BIOXEN_DEB_LIBRARY_PACKAGE}")
  set(CPACK_POST_BUILD_SCRIPTS "${PROJECT_SOURCE_DIR}/packaging/deb_post_build.cmake")
endif()

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
