# Every BioXen option and cache setting, declared here and nowhere else; README.md's "Build
# options" table lists the same names. Included from the top-level CMakeLists.txt right after
# project(), so each one exists before any other file reads it.
#
# As a subproject (add_subdirectory, FetchContent) BioXen is a guest: it builds only the
# library, installs nothing, never turns warnings into errors and follows the parent's
# BUILD_TESTING; each default below that says PROJECT_IS_TOP_LEVEL is how.
include_guard(GLOBAL)

# Debian multiarch: on a system whose compiler has a library architecture (Debian, Ubuntu:
# x86_64-linux-gnu, aarch64-linux-gnu, ...) the libraries, the CMake package and bioxen.pc go
# to lib/<triplet> for every prefix, as in Debian's own packages (GNUInstallDirs does this by
# itself only for the prefix /usr). The .deb packages need it; /usr/local/lib/<triplet> is on
# the default search paths of ld.so, pkg-config and find_package as well. Set
# CMAKE_INSTALL_LIBDIR (e.g. to lib) to choose otherwise.
if(PROJECT_IS_TOP_LEVEL AND NOT DEFINED CMAKE_INSTALL_LIBDIR AND CMAKE_LIBRARY_ARCHITECTURE
   AND EXISTS "/etc/debian_version")
  set(CMAKE_INSTALL_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}"
      CACHE PATH "Object code libraries (LIBDIR)")
endif()
include(GNUInstallDirs)  # CMAKE_INSTALL_LIBDIR, the base of the install directories below

# --- what is built ----------------------------------------------------------------------
# The tests are built only when BUILD_TESTING (include(CTest), ON unless set) is ON as well,
# so a parent project's BUILD_TESTING=OFF turns them off.
option(BIOXEN_BUILD_TESTS "Build the GoogleTest suite (when BUILD_TESTING is ON too)"
       ${PROJECT_IS_TOP_LEVEL})
option(BIOXEN_BUILD_EXAMPLES "Build examples/, each run by CTest when testing is on"
       ${PROJECT_IS_TOP_LEVEL})
option(BIOXEN_BUILD_CLI "Build the bioxen command-line tool" ${PROJECT_IS_TOP_LEVEL})
option(BIOXEN_BUILD_BENCHMARKS "Build the Google Benchmark suite in tests/benchmarks/" OFF)
option(BIOXEN_BUILD_DOCS "Add the bioxen_docs target (HTML API reference, needs Doxygen)" OFF)
# libFuzzer targets of tests/fuzz/ (clang only; the fuzz preset). Their regression replay is
# part of the test suite whatever this says.
option(BIOXEN_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz/ (clang only)" OFF)
# Line editing, history and Tab completion in `bioxen shell` through libedit (pkg-config
# module libedit, Debian's libedit-dev; BSD licence). AUTO: with it when it is found; ON: it
# must be found; OFF: without it (the shell then reads plain lines, and says so on a terminal).
set(BIOXEN_WITH_LINE_EDITOR AUTO
    CACHE STRING "Line editor of bioxen shell, libedit: AUTO (when found), ON or OFF")
set_property(CACHE BIOXEN_WITH_LINE_EDITOR PROPERTY STRINGS AUTO ON OFF)
# `bioxen sweep` across machines with MPI (Debian's libopenmpi-dev and openmpi-bin; docs/SWEEPS.md).
# AUTO: with it when CMake's FindMPI finds it; ON: it must be found; OFF: without it (a sweep
# then runs on one machine's threads). The sanitizer, fuzz, tidy and packaging presets build
# without it.
set(BIOXEN_WITH_MPI AUTO CACHE STRING "MPI for bioxen sweep: AUTO (when found), ON or OFF")
set_property(CACHE BIOXEN_WITH_MPI PROPERTY STRINGS AUTO ON OFF)

# The Python package `bioxen` (python/; docs/PYTHON.md): pybind11 (Debian's pybind11-dev) and
# Python 3 with its headers (python3-dev). AUTO: built when both are found, at top level only
# (as a subproject it is OFF); ON: they must be found; OFF: not built.
if(PROJECT_IS_TOP_LEVEL)
  set(_bioxen_python_default AUTO)
else()
  set(_bioxen_python_default OFF)
endif()
set(BIOXEN_BUILD_PYTHON ${_bioxen_python_default}
    CACHE STRING "The Python package (pybind11): AUTO (when found, top level), ON or OFF")
set_property(CACHE BIOXEN_BUILD_PYTHON PROPERTY STRINGS AUTO ON OFF)
# Where `cmake --install` puts the package, relative to the prefix (empty: the interpreter's
# own choice for the prefix, see python/CMakeLists.txt).
set(BIOXEN_PYTHON_INSTALL_DIR "" CACHE STRING
    "Where the Python package is installed, relative to the prefix (empty: automatic)")

# --- how it is built --------------------------------------------------------------------
# OFF by default: a release built with a newer compiler must not fail on a warning that
# compiler has just learnt. The dev, asan, tsan, clang, tidy and prerelease presets turn it on.
option(BIOXEN_WERROR "Treat compiler warnings as errors" OFF)

# --- install, packages, release ---------------------------------------------------------
option(BIOXEN_INSTALL
       "Generate the install rules, CMake package, pkg-config file and CPack packages"
       ${PROJECT_IS_TOP_LEVEL})
set(BIOXEN_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/bioxen"
    CACHE STRING "Where bioxenConfig.cmake is installed, relative to the prefix")
set(BIOXEN_PKGCONFIG_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where bioxen.pc is installed, relative to the prefix")
# The Maintainer of the Debian packages, "Name <address>". The project has no maintainer
# address to put here, so there is no default: without it cpack makes the .tar.gz packages
# only (and `cpack -G DEB` stops with an error naming this option). The release manager sets
# it; the pre-release validation passes its CONTACT setting here.
set(BIOXEN_PACKAGE_CONTACT "" CACHE STRING
    "Maintainer of the Debian packages, 'Name <address>' (empty: no .deb packages)")
# Needs BIOXEN_BUILD_TESTS and BIOXEN_INSTALL (the test is defined with the packaging tests).
option(BIOXEN_RELEASE_VALIDATION
       "Register the (slow) pre-release validation as a CTest test (label release)" OFF)

# Tool locations are cached too, by find_program() where they are used; set one to override
# the search: BIOXEN_CLANG_FORMAT (tests/CMakeLists.txt, the lint.clang_format test),
# BIOXEN_DPKG_SHLIBDEPS and BIOXEN_FILE_COMMAND (cmake/bioxenCPack.cmake, the .deb Depends).
