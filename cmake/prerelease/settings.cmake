# Pre-release validation, part 1 of 12 (cmake/pre_release_validation.cmake includes the
# parts in order, in one variable scope): its settings. Reads SOURCE_DIR and the -D options
# (or BIOXEN_VALIDATION_<NAME> from the environment); sets CHECKS and TITLE_<id>, SKIP,
# TESTS_BUILD, BENCH, VERSION and V_MAJOR/MINOR/PATCH, WORK_DIR (made afresh) and the paths
# inside it, and the clock T0.
include_guard(GLOBAL)

# ---------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------
foreach(opt SKIP FAST WORK_DIR KEEP JOBS CXX VERBOSE CONTACT)
  if(NOT DEFINED ${opt} AND DEFINED ENV{BIOXEN_VALIDATION_${opt}})
    set(${opt} "$ENV{BIOXEN_VALIDATION_${opt}}")
  endif()
endforeach()
if(NOT JOBS)
  set(JOBS 2)
endif()

# The checks, in the order they run. Their ids are what SKIP takes.
set(CHECKS structure git dependencies source_package configure build tests install
           find_package pkg_config fetchcontent packages deb_install versions docs)
set(TITLE_structure      "package structure: required files, docs index, links")
set(TITLE_git            "git checkout clean (release from a commit)")
set(TITLE_dependencies   "dependencies: Debian packages and tools present")
set(TITLE_source_package "source package: complete, no build output")
set(TITLE_configure      "clean configure of the source package (Release)")
set(TITLE_build          "build with warnings as errors")
set(TITLE_tests          "full test suite (ctest)")
set(TITLE_install        "install into a temporary prefix")
set(TITLE_find_package   "downstream find_package build from that prefix")
set(TITLE_pkg_config     "downstream pkg-config build from that prefix")
set(TITLE_fetchcontent   "downstream FetchContent build of the source")
set(TITLE_packages       "cpack: .tar.gz and .deb, names, Depends, contents, lintian")
set(TITLE_deb_install    "dpkg -i the .deb, build against /usr, dpkg -r")
set(TITLE_versions       "version strings agree")
set(TITLE_docs           "docs build (Doxygen HTML)")

string(REPLACE "," ";" SKIP "${SKIP}")
if(FAST)
  list(APPEND SKIP tests fetchcontent)
endif()
list(REMOVE_DUPLICATES SKIP)
# FAST leaves out what CI's other jobs compile anyway (dev: everything with -Werror; tsan:
# the tests at -O2): the test and benchmark sources are 40 % of the build.
set(TESTS_BUILD ON)
set(BENCH ON)
if(FAST)
  set(TESTS_BUILD OFF)
  set(BENCH OFF)
endif()
# The chain source package -> configure -> build -> install -> packages feeds every later
# check, so it cannot be skipped.
set(SKIPPABLE structure git dependencies tests find_package pkg_config fetchcontent
               deb_install versions docs)
foreach(id IN LISTS SKIP)
  if(NOT id IN_LIST SKIPPABLE)
    string(REPLACE ";" ", " known "${SKIPPABLE}")
    message(FATAL_ERROR "SKIP names '${id}', which cannot be skipped; these can: ${known}")
  endif()
endforeach()

# The one version number, read the way the top-level CMakeLists.txt reads it.
file(STRINGS "${SOURCE_DIR}/include/bioxen/version.hpp" _vlines
     REGEX "^#define BIOXEN_VERSION_(MAJOR|MINOR|PATCH) [0-9]+$")
foreach(part MAJOR MINOR PATCH)
  string(REGEX MATCH "BIOXEN_VERSION_${part} ([0-9]+)" _ "${_vlines}")
  set(V_${part} "${CMAKE_MATCH_1}")
endforeach()
set(VERSION "${V_MAJOR}.${V_MINOR}.${V_PATCH}")
if(NOT VERSION MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+$")
  message(FATAL_ERROR "cannot read the version from include/bioxen/version.hpp")
endif()

string(TIMESTAMP _stamp "%Y%m%d-%H%M%S")
if(NOT WORK_DIR)
  set(_tmp "$ENV{TMPDIR}")
  if(NOT _tmp)
    set(_tmp "/tmp")
  endif()
  set(WORK_DIR "${_tmp}/bioxen-prerelease-${VERSION}-${_stamp}")
endif()
get_filename_component(WORK_DIR "${WORK_DIR}" ABSOLUTE)
# A scratch directory inside the tree would be packed into the source package (and then
# into itself); build/ is excluded from the source package, so it is allowed.
string(FIND "${WORK_DIR}/" "${SOURCE_DIR}/" _in_src)
string(FIND "${WORK_DIR}/" "${SOURCE_DIR}/build/" _in_build)
if(_in_src EQUAL 0 AND NOT _in_build EQUAL 0)
  message(FATAL_ERROR "WORK_DIR must be outside the source tree or under build/: ${WORK_DIR}")
endif()
# WORK_DIR is emptied first; never empty a directory this script did not make (a typo such
# as WORK_DIR=$HOME must not delete anything).
file(GLOB _existing "${WORK_DIR}/*")
if(_existing AND NOT EXISTS "${WORK_DIR}/.bioxen-prerelease")
  message(FATAL_ERROR "WORK_DIR ${WORK_DIR} is not empty and was not made by this script; "
                      "choose a new or empty directory")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/logs" "${WORK_DIR}/dist")
file(WRITE "${WORK_DIR}/.bioxen-prerelease" "scratch directory of cmake/pre_release_validation.cmake\n")

# Paths inside the scratch directory.
set(STAGE_DIR "${WORK_DIR}/stage")      # configure of the working tree, for the source package
set(SRC_PARENT "${WORK_DIR}/src")       # the source package, extracted
set(SRC_DIR "${SRC_PARENT}/bioxen-${VERSION}-source")
set(BUILD_DIR "${WORK_DIR}/build")      # the clean Release build of the extracted source
set(PREFIX "${WORK_DIR}/prefix")        # cmake --install target
set(CONSUMERS "${WORK_DIR}/consumers")  # downstream projects
set(DIST "${WORK_DIR}/dist")            # the packages produced

# The clock and the counter of the checks.
string(TIMESTAMP T0 "%s")
list(LENGTH CHECKS N_CHECKS)
set(_index 0)
