# Pre-release validation: one command that says whether this tree can be released.
#
#   cmake -P cmake/pre_release_validation.cmake
#   cmake -DFAST=ON -P cmake/pre_release_validation.cmake              # CI: see below
#   cmake -DSKIP=docs,deb_install -DWORK_DIR=<dir> -DKEEP=ON -P cmake/pre_release_validation.cmake
#
# (-D options go before -P.) It builds the *source package* — not the working tree — so what
# is validated is exactly what would be shipped, then tests, installs, packages and consumes
# it the three ways users do. Every check runs the real command; its output goes to
# <WORK_DIR>/logs/<check>.log. The result is a ✓/✗ table; any ✗ makes the exit status
# non-zero. A check is shown as "–" only when SKIP names it or it cannot apply (no git
# checkout) — never as ✓.
#
# Options (also read from the environment as BIOXEN_VALIDATION_<NAME>, for CTest presets):
#   SKIP      checks to leave out, comma-separated ids from the table (e.g. docs,deb_install);
#             the build chain (source_package configure build install packages) cannot be
#   FAST      ON: SKIP tests,fetchcontent and build neither tests nor benchmarks — for CI,
#             whose dev, asan and tsan jobs build and run them (packaging tests included)
#   WORK_DIR  scratch directory (default: a fresh one under $TMPDIR or /tmp); must not be
#             inside the source tree except under build/
#   KEEP      ON: keep the scratch builds (the packages in <WORK_DIR>/dist are always kept)
#   JOBS      parallel build and test jobs (default 2)
#   CXX       C++ compiler for every build (default: CMake's choice)
#   VERBOSE   ON: echo every command's output while it runs
#
# The deb_install check installs the freshly built .deb files with dpkg (root only), builds a
# consumer against /usr and removes them again. If it is interrupted, restore the machine
# with `dpkg -r bioxen libbioxen-dev`.
cmake_minimum_required(VERSION 3.25)

# ---------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------
get_filename_component(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
foreach(opt SKIP FAST WORK_DIR KEEP JOBS CXX VERBOSE)
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
set(TITLE_packages       "cpack: .tar.gz and .deb, names, Depends, contents")
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

# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------
string(TIMESTAMP T0 "%s")
list(LENGTH CHECKS N_CHECKS)
set(_index 0)

# check_begin(<id>): announces a check; returns FALSE in <id>_RUN when it is skipped.
macro(check_begin id)
  math(EXPR _index "${_index} + 1")
  set(LOG "${WORK_DIR}/logs/${id}.log")
  string(TIMESTAMP _t_${id} "%s")
  message(NOTICE "[${_index}/${N_CHECKS}] ${TITLE_${id}} ...")
  if("${id}" IN_LIST SKIP)
    set(${id}_RUN FALSE)
    if(FAST AND "${id}" MATCHES "^(tests|fetchcontent)$")
      check_end(${id} SKIP "skipped: FAST (CI's test jobs run it)")
    else()
      check_end(${id} SKIP "skipped: SKIP names it")
    endif()
  else()
    set(${id}_RUN TRUE)
  endif()
endmacro()

# check_end(<id> PASS|FAIL|SKIP <detail>): records the outcome shown in the table.
function(check_end id status detail)
  string(TIMESTAMP now "%s")
  math(EXPR secs "${now} - ${_t_${id}}")
  set_property(GLOBAL PROPERTY STATUS_${id} "${status}")
  set_property(GLOBAL PROPERTY DETAIL_${id} "${detail}")
  set_property(GLOBAL PROPERTY SECS_${id} "${secs}")
  if(status STREQUAL "PASS")
    message(NOTICE "    ✓ ${detail} (${secs} s)")
  elseif(status STREQUAL "FAIL")
    message(NOTICE "    ✗ ${detail} (${secs} s; log: logs/${id}.log)")
  else()
    message(NOTICE "    – ${detail}")
  endif()
endfunction()

# run(<out-var> <rc-var> [WD <dir>] COMMAND <cmd>...): runs a command, appends the command
# line and its merged stdout/stderr to the current check's log.
function(run out_var rc_var)
  cmake_parse_arguments(a "" "WD" "COMMAND" ${ARGN})
  if(NOT a_WD)
    set(a_WD "${WORK_DIR}")
  endif()
  string(JOIN " " cmdline ${a_COMMAND})
  file(APPEND "${LOG}" "\n$ ${cmdline}\n")
  set(echo "")
  if(VERBOSE)
    set(echo ECHO_OUTPUT_VARIABLE ECHO_ERROR_VARIABLE)
  endif()
  execute_process(COMMAND ${a_COMMAND} WORKING_DIRECTORY "${a_WD}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out ${echo})
  file(APPEND "${LOG}" "${out}\n[exit status ${rc}]\n")
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${rc_var} "${rc}" PARENT_SCOPE)
endfunction()

# blocked(<id> <reason>): a check that cannot run because an earlier one failed is a ✗.
function(blocked id reason)
  check_end(${id} FAIL "not run: ${reason}")
endfunction()

# cache_value(<build-dir> <name> <out-var>): a value from a build's CMakeCache.txt.
function(cache_value dir name out_var)
  file(STRINGS "${dir}/CMakeCache.txt" line REGEX "^${name}:[A-Z]+=")
  string(REGEX REPLACE "^${name}:[A-Z]+=" "" value "${line}")
  set(${out_var} "${value}" PARENT_SCOPE)
endfunction()

# tail_of(<file> <n> <out-var>): the last <n> lines of a file, for the failure report.
function(tail_of file n out_var)
  if(NOT EXISTS "${file}")
    set(${out_var} "" PARENT_SCOPE)
    return()
  endif()
  file(READ "${file}" text)
  string(REPLACE ";" "\\;" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  list(LENGTH lines len)
  if(len GREATER n)
    math(EXPR from "${len} - ${n}")
    list(SUBLIST lines ${from} ${n} lines)
  endif()
  list(JOIN lines "\n      " text)
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# md_links(<file> <out-var>): relative link targets of a Markdown file, outside code.
function(md_links file out_var)
  # Split into lines by hand: a CMake list treats '[' ... ']' as grouping and ';' as a
  # separator, which Markdown text is full of; hide them until a line is on its own.
  file(READ "${file}" content)
  string(ASCII 1 lb)
  string(ASCII 2 rb)
  string(ASCII 3 semi)
  string(REPLACE ";" "${semi}" content "${content}")
  string(REPLACE "[" "${lb}" content "${content}")
  string(REPLACE "]" "${rb}" content "${content}")
  string(REPLACE "\n" ";" lines "${content}")
  set(in_fence FALSE)
  set(targets "")
  foreach(line IN LISTS lines)
    string(REPLACE "${lb}" "[" line "${line}")
    string(REPLACE "${rb}" "]" line "${line}")
    string(REPLACE "${semi}" "" line "${line}")
    if(line MATCHES "^[ \t]*```")
      if(in_fence)
        set(in_fence FALSE)
      else()
        set(in_fence TRUE)
      endif()
      continue()
    endif()
    if(in_fence)
      continue()
    endif()
    string(REGEX REPLACE "`[^`]*`" "" line "${line}")  # inline code is not a link
    # "](" becomes a marker: a list element may not start with "](" (CMake would not split).
    string(REPLACE "](" "${lb}" line "${line}")
    string(REGEX MATCHALL "${lb}[^) \t]+\\)" links "${line}")
    foreach(l IN LISTS links)
      string(REGEX REPLACE "^${lb}(.*)\\)$" "\\1" target "${l}")
      if(target MATCHES "^(https?|mailto|ftp):" OR target MATCHES "^#")
        continue()
      endif()
      string(REGEX REPLACE "#.*$" "" target "${target}")
      list(APPEND targets "${target}")
    endforeach()
  endforeach()
  set(${out_var} "${targets}" PARENT_SCOPE)
endfunction()

# tar_list(<archive> <out-var>): member paths below the archive's top directory.
function(tar_list archive out_var)
  run(out rc COMMAND "${CMAKE_COMMAND}" -E tar tf "${archive}")
  if(NOT rc EQUAL 0)
    set(${out_var} "" PARENT_SCOPE)
    return()
  endif()
  string(REPLACE "\n" ";" entries "${out}")
  set(files "")
  foreach(e IN LISTS entries)
    if(e STREQUAL "" OR e MATCHES "/$")
      continue()
    endif()
    # Drop the top directory (REGEX REPLACE with ^ would strip every level, not one).
    string(FIND "${e}" "/" slash)
    math(EXPR slash "${slash} + 1")
    string(SUBSTRING "${e}" ${slash} -1 e)
    list(APPEND files "${e}")
  endforeach()
  set(${out_var} "${files}" PARENT_SCOPE)
endfunction()

# deb_field(<deb> <field> <out-var>)
function(deb_field deb field out_var)
  run(out rc COMMAND dpkg-deb -f "${deb}" "${field}")
  string(STRIP "${out}" out)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# dpkg_installed(<package> <out-var>): TRUE when dpkg lists the package as installed.
function(dpkg_installed pkg out_var)
  execute_process(COMMAND dpkg-query -W "-f=\${Status} \${Version}" "${pkg}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_QUIET)
  if(rc EQUAL 0 AND out MATCHES "install ok installed")
    set(${out_var} TRUE PARENT_SCOPE)
  else()
    set(${out_var} FALSE PARENT_SCOPE)
  endif()
endfunction()

# Common arguments of tests/packaging/run_consumer.cmake (filled in after configure).
macro(consumer_args)
  cache_value("${BUILD_DIR}" CMAKE_CXX_COMPILER _cxx)
  cache_value("${BUILD_DIR}" CMAKE_GENERATOR _gen)
  cache_value("${BUILD_DIR}" CMAKE_INSTALL_LIBDIR _libdir)
  set(CONSUMER_COMMON "-DCXX=${_cxx}" "-DGENERATOR=${_gen}" "-DLIBDIR=${_libdir}"
                      "-DBIOXEN_SOURCE_DIR=${SRC_DIR}")
endmacro()

message(NOTICE "BioXen ${VERSION} pre-release validation")
message(NOTICE "  source: ${SOURCE_DIR}")
message(NOTICE "  work:   ${WORK_DIR} (logs/ has every command and its output)")
if(SKIP)
  string(REPLACE ";" ", " _skips "${SKIP}")
  message(NOTICE "  skip:   ${_skips}")
endif()

# ---------------------------------------------------------------------------------------
# 1. Package structure: the files a release must have, the docs index and the links.
# ---------------------------------------------------------------------------------------
set(REQUIRED_FILES
  CMakeLists.txt CMakePresets.json LICENSE README.md CHANGELOG.md .gitignore .clang-format
  .ci/run
  cmake/bioxenConfig.cmake.in cmake/bioxen.pc.in cmake/bioxenInstall.cmake
  cmake/bioxenCPack.cmake cmake/bioxenDocs.cmake cmake/setup-debian.sh
  cmake/pre_release_validation.cmake
  include/bioxen/bioxen.hpp include/bioxen/version.hpp include/bioxen/error.hpp
  src/CMakeLists.txt tests/CMakeLists.txt examples/CMakeLists.txt
  tests/packaging/packaging.cmake tests/packaging/run_consumer.cmake
  tests/packaging/install_prefix.cmake tests/packaging/consumer_main.cpp
  tests/packaging/find_package_consumer/CMakeLists.txt
  tests/packaging/fetchcontent_consumer/CMakeLists.txt
  docs/README.md docs/Doxyfile.in docs/ARCHITECTURE.md docs/MODEL.md docs/API_REFERENCE.md
  docs/CONFIGURATION.md docs/PERFORMANCE.md docs/PRODUCTION_DEPLOYMENT.md)

check_begin(structure)
if(structure_RUN)
  set(problems "")
  foreach(f IN LISTS REQUIRED_FILES)
    if(NOT EXISTS "${SOURCE_DIR}/${f}")
      list(APPEND problems "missing ${f}")
    endif()
  endforeach()
  file(STRINGS "${SOURCE_DIR}/LICENSE" _mit REGEX "MIT License")
  if(NOT _mit)
    list(APPEND problems "LICENSE is not the MIT licence")
  endif()
  # Generated documentation is build output (cmake/bioxenDocs.cmake writes to the build tree).
  foreach(d docs/html docs/latex docs/xml)
    if(EXISTS "${SOURCE_DIR}/${d}")
      list(APPEND problems "generated ${d}/ in the source tree")
    endif()
  endforeach()
  # docs/README.md is the index: it must name every guide.
  file(GLOB guides RELATIVE "${SOURCE_DIR}/docs" "${SOURCE_DIR}/docs/*.md")
  list(REMOVE_ITEM guides README.md)
  list(LENGTH guides n_guides)
  if(EXISTS "${SOURCE_DIR}/docs/README.md")
    file(READ "${SOURCE_DIR}/docs/README.md" index)
    foreach(g IN LISTS guides)
      string(FIND "${index}" "(${g})" pos)
      if(pos EQUAL -1)
        list(APPEND problems "docs/README.md does not link ${g}")
      endif()
    endforeach()
  endif()
  # Every public header that docs/ARCHITECTURE.md lists exists (the docs describe what ships).
  set(n_headers 0)
  if(EXISTS "${SOURCE_DIR}/docs/ARCHITECTURE.md")
    file(STRINGS "${SOURCE_DIR}/docs/ARCHITECTURE.md" rows REGEX "^\\| `[a-z_/]+\\.hpp` \\|")
    foreach(row IN LISTS rows)
      string(REGEX MATCH "`([a-z_/]+\\.hpp)`" _ "${row}")
      math(EXPR n_headers "${n_headers} + 1")
      if(NOT EXISTS "${SOURCE_DIR}/include/bioxen/${CMAKE_MATCH_1}")
        list(APPEND problems "docs/ARCHITECTURE.md lists include/bioxen/${CMAKE_MATCH_1}, which does not exist")
      endif()
    endforeach()
  endif()
  # Relative links of the top-level and docs/ Markdown files resolve.
  file(GLOB mds "${SOURCE_DIR}/*.md" "${SOURCE_DIR}/docs/*.md")
  set(n_links 0)
  foreach(md IN LISTS mds)
    md_links("${md}" targets)
    get_filename_component(md_dir "${md}" DIRECTORY)
    file(RELATIVE_PATH md_rel "${SOURCE_DIR}" "${md}")
    foreach(t IN LISTS targets)
      math(EXPR n_links "${n_links} + 1")
      if(NOT t STREQUAL "" AND NOT EXISTS "${md_dir}/${t}")
        list(APPEND problems "${md_rel} links ${t}, which does not exist")
      endif()
    endforeach()
  endforeach()
  list(LENGTH REQUIRED_FILES n_req)
  if(problems)
    string(REPLACE ";" "\n" _p "${problems}")
    file(APPEND "${LOG}" "${_p}\n")
    list(LENGTH problems n_p)
    list(GET problems 0 first)
    check_end(structure FAIL "${n_p} problem(s), first: ${first}")
  else()
    check_end(structure PASS
      "${n_req} required files, index names ${n_guides} guides, ${n_headers} documented headers exist, ${n_links} links resolve")
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 2. A release is cut from a commit: no uncommitted changes, no untracked files (which the
#    source package would otherwise ship).
# ---------------------------------------------------------------------------------------
check_begin(git)
set(GIT_TRACKED "")
set(GIT_DESC "")
find_program(GIT git)
if(GIT AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" ls-files
    OUTPUT_VARIABLE _ls RESULT_VARIABLE _rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_rc EQUAL 0)
    string(REPLACE "\n" ";" GIT_TRACKED "${_ls}")
  endif()
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" describe --always --dirty --tags
    OUTPUT_VARIABLE GIT_DESC OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(git_RUN)
  if(NOT GIT OR NOT EXISTS "${SOURCE_DIR}/.git")
    check_end(git SKIP "n/a: not a git checkout")
  else()
    run(out rc COMMAND "${GIT}" -C "${SOURCE_DIR}" status --porcelain --untracked-files=all)
    string(STRIP "${out}" out)
    if(NOT rc EQUAL 0)
      check_end(git FAIL "git status failed (${rc})")
    elseif(out)
      string(REPLACE "\n" ";" dirty "${out}")
      list(LENGTH dirty n_dirty)
      list(GET dirty 0 first)
      check_end(git FAIL "${n_dirty} uncommitted or untracked file(s), first: '${first}'")
    else()
      check_end(git PASS "clean at ${GIT_DESC}")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 3. Dependencies: the Debian packages setup-debian.sh names for tests, release and docs, and
#    the tools the later checks call.
# ---------------------------------------------------------------------------------------
check_begin(dependencies)
if(dependencies_RUN)
  # What the checks that will run need: the test suite needs GoogleTest, clang-format (lint)
  # and chromium (the HTML report test); packaging needs dpkg-dev; docs need doxygen.
  set(flags --check --release)
  if(TESTS_BUILD)
    list(APPEND flags --tests)
  endif()
  if(NOT "tests" IN_LIST SKIP)
    list(APPEND flags --browser)
  endif()
  if(NOT "docs" IN_LIST SKIP)
    list(APPEND flags --docs)
  endif()
  run(out rc COMMAND sh "${SOURCE_DIR}/cmake/setup-debian.sh" ${flags})
  set(problems "")
  if(NOT rc EQUAL 0)
    string(REGEX MATCH "missing packages:[^\n]*" miss "${out}")
    list(APPEND problems "${miss}")
  endif()
  foreach(tool dpkg-deb dpkg-query pkg-config)
    find_program(_tool_${tool} ${tool})
    if(NOT _tool_${tool})
      list(APPEND problems "no ${tool}")
    endif()
  endforeach()
  if(CMAKE_VERSION VERSION_LESS 3.25)
    list(APPEND problems "CMake ${CMAKE_VERSION} < 3.25 (presets v6)")
  endif()
  string(REPLACE ";" " " flags_s "${flags}")
  if(problems)
    list(JOIN problems "; " p)
    check_end(dependencies FAIL "${p} (sh cmake/setup-debian.sh ${flags_s} as root)")
  else()
    string(REPLACE "--check " "" flags_s "${flags_s}")
    check_end(dependencies PASS "setup-debian.sh ${flags_s}: all present; CMake ${CMAKE_VERSION}")
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 4. The source package, made by CPack from the working tree, extracted; the rest of the
#    validation builds this extracted copy.
# ---------------------------------------------------------------------------------------
set(SOURCE_TGZ "${DIST}/bioxen-${VERSION}-source.tar.gz")
set(HAVE_SOURCE FALSE)
check_begin(source_package)
# The source package is needed by everything after it, so it is made even when its checks
# are skipped; only the verdict is then not shown.
run(out rc COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${STAGE_DIR}"
    -DBIOXEN_BUILD_TESTS=OFF -DBIOXEN_BUILD_EXAMPLES=OFF -DBIOXEN_BUILD_CLI=OFF
    -DBIOXEN_BUILD_BENCHMARKS=OFF -DBIOXEN_INSTALL=ON)
set(_src_problem "")
if(NOT rc EQUAL 0)
  set(_src_problem "configuring the working tree failed")
else()
  run(out rc WD "${STAGE_DIR}" COMMAND "${CMAKE_CPACK_COMMAND}" --config CPackSourceConfig.cmake -B "${DIST}")
  if(NOT rc EQUAL 0 OR NOT EXISTS "${SOURCE_TGZ}")
    set(_src_problem "cpack --config CPackSourceConfig.cmake did not make bioxen-${VERSION}-source.tar.gz")
  else()
    file(MAKE_DIRECTORY "${SRC_PARENT}")
    run(out rc WD "${SRC_PARENT}" COMMAND "${CMAKE_COMMAND}" -E tar xzf "${SOURCE_TGZ}")
    if(NOT rc EQUAL 0 OR NOT EXISTS "${SRC_DIR}/CMakeLists.txt")
      set(_src_problem "the source package does not extract to bioxen-${VERSION}-source/")
    else()
      set(HAVE_SOURCE TRUE)
    endif()
  endif()
endif()
file(REMOVE_RECURSE "${DIST}/_CPack_Packages")
if(source_package_RUN)
  if(_src_problem)
    check_end(source_package FAIL "${_src_problem}")
  else()
    tar_list("${SOURCE_TGZ}" shipped)
    set(problems "")
    foreach(f IN LISTS shipped)
      if(f MATCHES "(^|/)\\.git(/|$)|^build/|^build-|(^|/)CMakeFiles/|(^|/)CMakeCache\\.txt$|^docs/(html|latex|xml)/|^_CPack_Packages/")
        list(APPEND problems "ships ${f}")
      endif()
    endforeach()
    foreach(f IN LISTS REQUIRED_FILES)
      if(NOT f IN_LIST shipped AND EXISTS "${SOURCE_DIR}/${f}")
        list(APPEND problems "lacks ${f}")
      endif()
    endforeach()
    # Every committed file must ship (an over-broad ignore pattern would drop it).
    foreach(f IN LISTS GIT_TRACKED)
      if(EXISTS "${SOURCE_DIR}/${f}" AND NOT IS_DIRECTORY "${SOURCE_DIR}/${f}"
         AND NOT f IN_LIST shipped)
        list(APPEND problems "lacks committed file ${f}")
      endif()
    endforeach()
    list(LENGTH shipped n_files)
    file(SIZE "${SOURCE_TGZ}" size)
    math(EXPR kib "${size} / 1024")
    if(problems)
      string(REPLACE ";" "\n" _p "${problems}")
      file(APPEND "${LOG}" "${_p}\n")
      list(LENGTH problems n_p)
      list(GET problems 0 first)
      check_end(source_package FAIL "${n_p} problem(s), first: ${first}")
    else()
      check_end(source_package PASS "bioxen-${VERSION}-source.tar.gz: ${n_files} files, ${kib} KiB")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 5. Clean configure of the extracted source package: Release, warnings as errors,
#    everything on — what users get and what the packages contain.
# ---------------------------------------------------------------------------------------
find_program(DOXYGEN doxygen)
set(BUILD_DOCS OFF)
if(DOXYGEN AND NOT "docs" IN_LIST SKIP)
  set(BUILD_DOCS ON)
endif()
set(CONFIGURED FALSE)
check_begin(configure)
if(NOT HAVE_SOURCE)
  blocked(configure "no source package")
else()
  set(extra_args "")
  if(CXX)
    list(APPEND extra_args "-DCMAKE_CXX_COMPILER=${CXX}")
  endif()
  if(TESTS_BUILD)
    # Never the validation inside the validation (the option lives in tests/).
    list(APPEND extra_args -DBIOXEN_RELEASE_VALIDATION=OFF)
  endif()
  run(out rc COMMAND "${CMAKE_COMMAND}" -S "${SRC_DIR}" -B "${BUILD_DIR}" ${extra_args}
      -DCMAKE_BUILD_TYPE=Release -DBIOXEN_WERROR=ON -DBIOXEN_BUILD_TESTS=${TESTS_BUILD}
      -DBIOXEN_BUILD_EXAMPLES=ON -DBIOXEN_BUILD_CLI=ON -DBIOXEN_INSTALL=ON
      -DBIOXEN_BUILD_BENCHMARKS=${BENCH} -DBIOXEN_BUILD_DOCS=${BUILD_DOCS})
  # A clean configure prints no CMake warnings either (they are how CMake says "wrong").
  string(REGEX MATCHALL "CMake (Warning|Error)[^\n]*(\n  [^\n]+)?" warns "${out}")
  list(LENGTH warns n_warns)
  if(NOT rc EQUAL 0)
    check_end(configure FAIL "cmake exited ${rc}")
  elseif(n_warns GREATER 0)
    set(CONFIGURED TRUE)  # it did configure: later checks still tell what else is wrong
    list(GET warns 0 first)
    string(REGEX REPLACE "[ \n]+" " " first "${first}")
    check_end(configure FAIL "${n_warns} CMake warning(s), first: ${first}")
  else()
    set(CONFIGURED TRUE)
    cache_value("${BUILD_DIR}" CMAKE_CXX_COMPILER cxx)
    get_filename_component(cxx "${cxx}" NAME)
    check_end(configure PASS
      "Release, BIOXEN_WERROR=ON, ${cxx}, tests ${TESTS_BUILD}, benchmarks ${BENCH}, docs ${BUILD_DOCS}")
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 6. Build. -Werror turns compiler warnings into errors; anything else that says
#    "warning:" (linker, archiver) fails the check too.
# ---------------------------------------------------------------------------------------
set(BUILT FALSE)
check_begin(build)
if(NOT CONFIGURED)
  blocked(build "configure failed")
else()
  run(out rc COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" -j ${JOBS})
  string(REGEX MATCHALL "[^\n]*warning:[^\n]*" warns "${out}")
  list(LENGTH warns n_warns)
  if(NOT rc EQUAL 0)
    # The first compiler or linker diagnostic says most; make's own "Error 1" lines least.
    string(REGEX MATCH "[^\n]*(error:|undefined reference)[^\n]*" first "${out}")
    if(NOT first)
      string(REGEX MATCH "[^\n]*Error [0-9]+[^\n]*" first "${out}")
    endif()
    string(REPLACE "${SRC_DIR}/" "" first "${first}")
    check_end(build FAIL "build failed: ${first}")
  elseif(n_warns GREATER 0)
    set(BUILT TRUE)
    list(GET warns 0 first)
    check_end(build FAIL "${n_warns} warning(s), first: ${first}")
  else()
    set(BUILT TRUE)
    check_end(build PASS "0 warnings, -j ${JOBS}")
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 7. The full test suite of the built source package. The FetchContent consumer test has its
#    own row (check 11); the "release" label is this validation itself.
# ---------------------------------------------------------------------------------------
check_begin(tests)
if(tests_RUN)
  if(NOT BUILT)
    blocked(tests "build failed")
  else()
    run(out rc COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${BUILD_DIR}" -j ${JOBS} --output-on-failure
        --no-tests=error -LE "^release$" -E "^package\\.fetchcontent$")
    string(REGEX MATCH "([0-9]+)% tests passed, ([0-9]+) tests failed out of ([0-9]+)" summary "${out}")
    set(n_failed "${CMAKE_MATCH_2}")
    set(n_total "${CMAKE_MATCH_3}")
    string(REGEX MATCH "Total Test time \\(real\\) = +([0-9.]+) sec" _ "${out}")
    set(t_real "${CMAKE_MATCH_1}")
    if(rc EQUAL 0 AND n_total GREATER 0)
      check_end(tests PASS "${n_total} tests passed")
    elseif(summary)
      string(REGEX MATCH "The following tests FAILED:\n[^\n]*" first "${out}")
      string(REGEX REPLACE "^[^\n]*\n[ \t]*" "" first "${first}")
      check_end(tests FAIL "${n_failed} of ${n_total} failed, first: ${first}")
    else()
      check_end(tests FAIL "ctest exited ${rc}")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 8. Install into a temporary prefix (tests/packaging/install_prefix.cmake checks the
#    layout); the installed CMake and pkg-config files must not name the build machine's
#    paths, or the package would not be relocatable.
# ---------------------------------------------------------------------------------------
set(INSTALLED FALSE)
check_begin(install)
if(NOT BUILT)
  blocked(install "build failed")
else()
  run(out rc COMMAND "${CMAKE_COMMAND}" -DBUILD_DIR=${BUILD_DIR} -DPREFIX=${PREFIX}
      -P "${SRC_DIR}/tests/packaging/install_prefix.cmake")
  if(NOT rc EQUAL 0)
    string(REGEX MATCH "CMake Error[^\n]*\n[^\n]*" first "${out}")
    check_end(install FAIL "install failed: ${first}")
  else()
    set(INSTALLED TRUE)
    file(GLOB_RECURSE meta "${PREFIX}/*.cmake" "${PREFIX}/*.pc")
    set(leaks "")
    foreach(f IN LISTS meta)
      file(READ "${f}" text)
      foreach(p "${WORK_DIR}" "${SOURCE_DIR}")
        string(FIND "${text}" "${p}" pos)
        if(NOT pos EQUAL -1)
          file(RELATIVE_PATH rel "${PREFIX}" "${f}")
          list(APPEND leaks "${rel}")
        endif()
      endforeach()
    endforeach()
    file(GLOB_RECURSE all_files "${PREFIX}/*")
    list(LENGTH all_files n_files)
    if(leaks)
      list(REMOVE_DUPLICATES leaks)
      list(JOIN leaks ", " l)
      check_end(install FAIL "absolute build paths in ${l}")
    else()
      check_end(install PASS "${n_files} files; CMake and .pc files relocatable")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 9–11. The three ways users consume BioXen, with the consumers of tests/packaging/.
# ---------------------------------------------------------------------------------------
set(CONSUMER_VERSION "")
check_begin(find_package)
if(NOT find_package_RUN)
elseif(NOT INSTALLED)
  blocked(find_package "install failed")
else()
  consumer_args()
  run(out rc COMMAND "${CMAKE_COMMAND}" ${CONSUMER_COMMON} -DMODE=find_package
      -DPREFIX=${PREFIX} -DCONSUMER_DIR=${SRC_DIR}/tests/packaging/find_package_consumer
      -DWORK_DIR=${CONSUMERS}/find_package -P "${SRC_DIR}/tests/packaging/run_consumer.cmake")
  string(REGEX MATCH "version ([0-9]+\\.[0-9]+\\.[0-9]+)" _ "${out}")
  set(CONSUMER_VERSION "${CMAKE_MATCH_1}")
  if(rc EQUAL 0)
    cache_value("${CONSUMERS}/find_package" bioxen_DIR dir)
    file(RELATIVE_PATH dir "${WORK_DIR}" "${dir}")
    check_end(find_package PASS "consumer built and ran (bioxen_DIR=<work>/${dir})")
  else()
    string(REGEX MATCH "(configure|build|run) failed[^\n]*" first "${out}")
    check_end(find_package FAIL "${first}")
  endif()
endif()

check_begin(pkg_config)
if(NOT pkg_config_RUN)
elseif(NOT INSTALLED)
  blocked(pkg_config "install failed")
else()
  consumer_args()
  run(out rc COMMAND "${CMAKE_COMMAND}" ${CONSUMER_COMMON} -DMODE=pkg_config
      -DPREFIX=${PREFIX} -DCONSUMER_DIR=${SRC_DIR}/tests/packaging/pkg_config_consumer
      -DWORK_DIR=${CONSUMERS}/pkg_config -P "${SRC_DIR}/tests/packaging/run_consumer.cmake")
  if(rc EQUAL 0)
    check_end(pkg_config PASS "compiled, linked and ran from a moved copy of the prefix")
  else()
    string(REGEX MATCH "CMake Error[^\n]*\n[^\n]*" first "${out}")
    check_end(pkg_config FAIL "${first}")
  endif()
endif()

check_begin(fetchcontent)
if(fetchcontent_RUN)
  if(NOT CONFIGURED)
    blocked(fetchcontent "configure failed")
  else()
    # The registered CTest test: FetchContent of the extracted source, as a subproject.
    run(out rc COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${BUILD_DIR}" --output-on-failure --no-tests=error
        -R "^package\\.fetchcontent$")
    if(rc EQUAL 0)
      check_end(fetchcontent PASS "package.fetchcontent: subproject built no tests/tool, consumer ran")
    else()
      check_end(fetchcontent FAIL "ctest -R package.fetchcontent exited ${rc}")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 12. Binary packages: cpack in the build directory.
# ---------------------------------------------------------------------------------------
set(DEB_DEV "")
set(DEB_TOOL "")
set(PACKAGE_FILES "")
check_begin(packages)
if(NOT BUILT)
  blocked(packages "build failed")
else()
  run(out rc WD "${BUILD_DIR}" COMMAND "${CMAKE_CPACK_COMMAND}" -B "${DIST}")
  file(REMOVE_RECURSE "${DIST}/_CPack_Packages")
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE arch
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  cache_value("${BUILD_DIR}" CMAKE_SYSTEM_NAME sysname)
  if(NOT sysname)
    set(sysname "${CMAKE_HOST_SYSTEM_NAME}")
  endif()
  set(BIN_TGZ "${DIST}/bioxen-${VERSION}-${sysname}.tar.gz")
  set(DEB_DEV "${DIST}/libbioxen-dev_${VERSION}_${arch}.deb")
  set(DEB_TOOL "${DIST}/bioxen_${VERSION}_${arch}.deb")
  set(problems "")
  if(NOT rc EQUAL 0)
    string(REGEX MATCH "CPack Error[^\n]*" first "${out}")
    list(APPEND problems "cpack exited ${rc}: ${first}")
  endif()
  foreach(f "${BIN_TGZ}" "${DEB_DEV}" "${DEB_TOOL}")
    get_filename_component(name "${f}" NAME)
    if(NOT EXISTS "${f}")
      list(APPEND problems "no ${name}")
    else()
      list(APPEND PACKAGE_FILES "${name}")
    endif()
  endforeach()
  # Anything else CPack made (a package of an unexpected component) is a packaging bug.
  file(GLOB made RELATIVE "${DIST}" "${DIST}/*.deb" "${DIST}/*.tar.gz")
  foreach(m IN LISTS made)
    if(NOT m IN_LIST PACKAGE_FILES AND NOT m STREQUAL "bioxen-${VERSION}-source.tar.gz")
      list(APPEND problems "unexpected package ${m}")
    endif()
  endforeach()
  if(EXISTS "${DEB_DEV}")
    deb_field("${DEB_DEV}" Package p)
    deb_field("${DEB_DEV}" Depends d)
    if(NOT p STREQUAL "libbioxen-dev")
      list(APPEND problems "dev .deb is named '${p}'")
    endif()
    foreach(dep libfmt-dev libspdlog-dev nlohmann-json3-dev)
      if(NOT d MATCHES "(^|, )${dep}( |,|$)")
        list(APPEND problems "libbioxen-dev does not depend on ${dep}")
      endif()
    endforeach()
    run(out rc COMMAND dpkg-deb -c "${DEB_DEV}")
    foreach(f "include/bioxen/bioxen.hpp" "include/bioxen/version.hpp"
              "/cmake/bioxen/bioxenConfig.cmake" "/cmake/bioxen/bioxenConfigVersion.cmake"
              "/cmake/bioxen/bioxenTargets.cmake" "/pkgconfig/bioxen.pc" "/libbioxen\\.(a|so)")
      if(NOT out MATCHES "${f}")
        list(APPEND problems "libbioxen-dev lacks ${f}")
      endif()
    endforeach()
  endif()
  if(EXISTS "${DEB_TOOL}")
    deb_field("${DEB_TOOL}" Depends d)
    run(out rc COMMAND dpkg-deb -c "${DEB_TOOL}")
    if(NOT out MATCHES "/usr/bin/bioxen\n")
      list(APPEND problems "the bioxen .deb lacks /usr/bin/bioxen")
    endif()
    # dpkg-shlibdeps ran: it always finds the C and C++ runtimes of a C++ program (and adds
    # libfmt9, libspdlog1.x, ... for whatever else the binary links).
    foreach(dep libc6 libstdc\\+\\+6)
      if(NOT d MATCHES "(^|, )${dep}")
        list(APPEND problems "the bioxen .deb does not depend on ${dep}: dpkg-shlibdeps did not run (dpkg-dev and file installed?)")
      endif()
    endforeach()
  endif()
  if(EXISTS "${BIN_TGZ}")
    tar_list("${BIN_TGZ}" members)
    foreach(f include/bioxen/bioxen.hpp bin/bioxen)
      if(NOT f IN_LIST members)
        list(APPEND problems "the binary .tar.gz lacks ${f}")
      endif()
    endforeach()
  endif()
  if(problems)
    string(REPLACE ";" "\n" _p "${problems}")
    file(APPEND "${LOG}" "${_p}\n")
    list(LENGTH problems n_p)
    list(GET problems 0 first)
    check_end(packages FAIL "${n_p} problem(s), first: ${first}")
  else()
    list(JOIN PACKAGE_FILES ", " names)
    check_end(packages PASS "${names}")
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 13. The .deb on this machine: dpkg -i, a downstream build against /usr (find_package and
#     pkg-config with no prefix given), the installed tool, then dpkg -r. Only as root, and
#     only when the packages were not installed before — a version we did not build could
#     not be put back.
# ---------------------------------------------------------------------------------------
set(DEB_TOOL_VERSION "")
check_begin(deb_install)
if(deb_install_RUN)
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  dpkg_installed(libbioxen-dev had_dev)
  dpkg_installed(bioxen had_tool)
  if(NOT EXISTS "${DEB_DEV}" OR NOT EXISTS "${DEB_TOOL}")
    blocked(deb_install "no .deb files")
  elseif(NOT uid STREQUAL "0")
    check_end(deb_install FAIL "needs root for dpkg -i (or SKIP=deb_install)")
  elseif(had_dev OR had_tool)
    check_end(deb_install FAIL
      "bioxen or libbioxen-dev is installed already; remove it (dpkg -r bioxen libbioxen-dev) first")
  else()
    message(NOTICE "    installing the .deb files (if interrupted: dpkg -r bioxen libbioxen-dev)")
    set(problems "")
    run(out rc COMMAND dpkg -i "${DEB_DEV}" "${DEB_TOOL}")
    if(NOT rc EQUAL 0)
      list(APPEND problems "dpkg -i failed (${rc})")
    else()
      # find_package with no hint: the consumer must find the package in /usr.
      consumer_args()
      run(out rc COMMAND "${CMAKE_COMMAND}" -E env --unset=CMAKE_PREFIX_PATH
          "${CMAKE_COMMAND}" ${CONSUMER_COMMON} -DMODE=find_package -DPREFIX=
          -DCONSUMER_DIR=${SRC_DIR}/tests/packaging/find_package_consumer
          -DWORK_DIR=${CONSUMERS}/deb_find_package
          -P "${SRC_DIR}/tests/packaging/run_consumer.cmake")
      cache_value("${CONSUMERS}/deb_find_package" bioxen_DIR found_dir)
      if(NOT rc EQUAL 0)
        list(APPEND problems "find_package consumer against /usr failed")
      elseif(NOT found_dir MATCHES "^/usr/")
        list(APPEND problems "the consumer found bioxen in '${found_dir}', not /usr")
      endif()
      # pkg-config with its default search path.
      file(MAKE_DIRECTORY "${CONSUMERS}/deb_pkg_config")
      run(flags rc COMMAND "${CMAKE_COMMAND}" -E env --unset=PKG_CONFIG_PATH
          pkg-config --cflags --libs bioxen)
      string(STRIP "${flags}" flags)
      separate_arguments(flags UNIX_COMMAND "${flags}")
      run(out rc2 COMMAND "${_cxx}" "${SRC_DIR}/tests/packaging/consumer_main.cpp" ${flags}
          -o "${CONSUMERS}/deb_pkg_config/consumer")
      if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0)
        list(APPEND problems "pkg-config consumer against /usr failed")
      else()
        run(out rc COMMAND "${CONSUMERS}/deb_pkg_config/consumer")
        if(NOT out MATCHES "bioxen consumer ok")
          list(APPEND problems "pkg-config consumer against /usr did not run")
        endif()
      endif()
      run(out rc COMMAND /usr/bin/bioxen --version)
      string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" DEB_TOOL_VERSION "${out}")
      if(NOT rc EQUAL 0)
        list(APPEND problems "/usr/bin/bioxen --version exited ${rc}")
      endif()
    endif()
    # Restore the machine whatever happened above.
    run(out rc COMMAND dpkg -r bioxen libbioxen-dev)
    dpkg_installed(libbioxen-dev still_dev)
    dpkg_installed(bioxen still_tool)
    if(still_dev OR still_tool OR EXISTS "/usr/include/bioxen/bioxen.hpp")
      list(APPEND problems "dpkg -r did not remove the packages: run dpkg -r bioxen libbioxen-dev")
    endif()
    if(problems)
      list(JOIN problems "; " p)
      check_end(deb_install FAIL "${p}")
    else()
      check_end(deb_install PASS
        "installed, find_package + pkg-config consumers built against /usr, bioxen --version ran, removed")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 14. One version everywhere: header, CMake, package version file (and its compatibility
#     rule), pkg-config, bioxen::version() at run time, the tool, package names and control
#     fields, the CHANGELOG's top entry and a release tag if HEAD has one.
# ---------------------------------------------------------------------------------------
check_begin(versions)
if(versions_RUN)
  set(seen "version.hpp=${VERSION}")
  set(problems "")
  # agree(<what> <value>): records a version string that must equal VERSION.
  macro(agree what value)
    if("${value}" STREQUAL "")
      list(APPEND problems "${what}: not found")
    elseif(NOT "${value}" STREQUAL "${VERSION}")
      list(APPEND problems "${what} says ${value}")
    else()
      list(APPEND seen "${what}")
    endif()
  endmacro()

  if(CONFIGURED)
    cache_value("${BUILD_DIR}" CMAKE_PROJECT_VERSION v)
    agree("project()" "${v}")
  else()
    list(APPEND problems "no build to read project() from")
  endif()

  if(INSTALLED)
    file(GLOB_RECURSE vf "${PREFIX}/*/bioxenConfigVersion.cmake")
    file(STRINGS "${vf}" line REGEX "set\\(PACKAGE_VERSION \"")
    string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" v "${line}")
    agree("ConfigVersion" "${v}")
    # The compatibility rule of docs/PRODUCTION_DEPLOYMENT.md: SameMinorVersion while 0.x.
    math(EXPR next_minor "${V_MINOR} + 1")
    math(EXPR next_major "${V_MAJOR} + 1")
    set(expect "${V_MAJOR}.${V_MINOR}=TRUE;${VERSION}=TRUE;${V_MAJOR}.${next_minor}=FALSE;${next_major}.0=FALSE")
    if(V_PATCH GREATER 0)
      math(EXPR prev_patch "${V_PATCH} - 1")
      list(APPEND expect "${V_MAJOR}.${V_MINOR}.${prev_patch}=TRUE")
    endif()
    set(CMAKE_SIZEOF_VOID_P 8)
    foreach(e IN LISTS expect)
      string(REPLACE "=" ";" e "${e}")
      list(GET e 0 PACKAGE_FIND_VERSION)
      list(GET e 1 want)
      string(REPLACE "." ";" _parts "${PACKAGE_FIND_VERSION}.0.0")
      list(GET _parts 0 PACKAGE_FIND_VERSION_MAJOR)
      list(GET _parts 1 PACKAGE_FIND_VERSION_MINOR)
      list(GET _parts 2 PACKAGE_FIND_VERSION_PATCH)
      set(PACKAGE_VERSION_COMPATIBLE FALSE)
      include("${vf}")
      if(NOT PACKAGE_VERSION_COMPATIBLE STREQUAL want)
        list(APPEND problems "find_package(bioxen ${PACKAGE_FIND_VERSION}) compatible=${PACKAGE_VERSION_COMPATIBLE}, policy says ${want}")
      endif()
    endforeach()

    file(GLOB_RECURSE pc "${PREFIX}/*/bioxen.pc")
    file(STRINGS "${pc}" line REGEX "^Version:")
    string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" v "${line}")
    agree("bioxen.pc" "${v}")
    get_filename_component(pcdir "${pc}" DIRECTORY)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pcdir}"
      pkg-config --modversion bioxen OUTPUT_VARIABLE v OUTPUT_STRIP_TRAILING_WHITESPACE)
    agree("pkg-config" "${v}")

    if(EXISTS "${PREFIX}/bin/bioxen")
      execute_process(COMMAND "${PREFIX}/bin/bioxen" --version OUTPUT_VARIABLE out
        ERROR_VARIABLE out)
      string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" v "${out}")
      agree("bioxen --version" "${v}")
    else()
      list(APPEND problems "bioxen --version: the tool was not installed")
    endif()
  else()
    list(APPEND problems "no install to read the package files from")
  endif()

  if(CONSUMER_VERSION)
    agree("bioxen::version()" "${CONSUMER_VERSION}")
  elseif(NOT "find_package" IN_LIST SKIP)
    list(APPEND problems "bioxen::version(): the consumer did not print it")
  endif()
  if(DEB_TOOL_VERSION)
    agree("/usr/bin/bioxen" "${DEB_TOOL_VERSION}")
  endif()

  # The packages were looked up under the names the version implies; they exist or not.
  if(EXISTS "${SOURCE_TGZ}" AND PACKAGE_FILES)
    list(APPEND seen "package file names")
  else()
    list(APPEND problems "package file names: not all packages with this version exist")
  endif()
  foreach(deb "${DEB_DEV}" "${DEB_TOOL}")
    if(deb AND EXISTS "${deb}")
      deb_field("${deb}" Version v)
      get_filename_component(n "${deb}" NAME)
      string(REGEX REPLACE "_.*" "" n "${n}")
      agree("${n}.deb" "${v}")
    endif()
  endforeach()

  # CHANGELOG: the first released entry "## [x.y.z] - YYYY-MM-DD" is this version.
  file(STRINGS "${SOURCE_DIR}/CHANGELOG.md" entries REGEX "^## \\[[0-9]+\\.[0-9]+\\.[0-9]+\\]")
  list(GET entries 0 top)
  string(REGEX MATCH "^## \\[([0-9.]+)\\] - ([0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9])$" _ "${top}")
  if(NOT CMAKE_MATCH_2)
    list(APPEND problems "CHANGELOG top entry '${top}' lacks ' - YYYY-MM-DD'")
  endif()
  agree("CHANGELOG.md" "${CMAKE_MATCH_1}")

  if(GIT AND EXISTS "${SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" tag --points-at HEAD
      OUTPUT_VARIABLE tags OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    string(REPLACE "\n" ";" tags "${tags}")
    foreach(t IN LISTS tags)
      if(t MATCHES "^v[0-9]")
        string(REGEX REPLACE "^v" "" t "${t}")
        agree("git tag v${t}" "${t}")
      endif()
    endforeach()
  endif()

  list(LENGTH seen n_seen)
  if(problems)
    string(REPLACE ";" "\n" _p "${problems}")
    file(APPEND "${LOG}" "${_p}\n")
    list(JOIN problems "; " p)
    check_end(versions FAIL "${p}")
  else()
    list(REMOVE_AT seen 0)
    string(REPLACE ";" ", " _s "${seen}")
    check_end(versions PASS "${VERSION} in version.hpp = ${_s}; SameMinorVersion holds")
  endif()
endif()

# ---------------------------------------------------------------------------------------
# 15. Documentation: the bioxen_docs target (Doxygen) builds the HTML, and the API reference
#     — the headers — has no Doxygen warning: a warning there is a garbled or wrong page.
#     The Markdown guides are written for GitHub and the source package, where they render
#     fully; Doxygen's Markdown is narrower (no heading anchors, HTML-like words such as
#     <name> taken for tags), so their warnings are counted and logged but do not fail the
#     check. Their links to files are checked by "structure".
# ---------------------------------------------------------------------------------------
check_begin(docs)
if(docs_RUN)
  if(NOT DOXYGEN)
    check_end(docs FAIL "doxygen not installed (sh cmake/setup-debian.sh --docs, or SKIP=docs)")
  elseif(NOT CONFIGURED)
    blocked(docs "configure failed")
  else()
    run(out rc COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target bioxen_docs)
    set(wlog "${BUILD_DIR}/docs/doxygen-warnings.log")
    set(n_api 0)
    set(n_md 0)
    set(api_text "")
    if(EXISTS "${wlog}")
      file(STRINGS "${wlog}" wlines)
      foreach(w IN LISTS wlines)
        if(NOT w MATCHES "(warning|error):")
          continue()  # continuation lines of a multi-line warning
        elseif(w MATCHES "\\.md:[0-9]+: ")
          math(EXPR n_md "${n_md} + 1")
        else()
          math(EXPR n_api "${n_api} + 1")
          string(APPEND api_text "${w}\n")
        endif()
      endforeach()
      file(READ "${wlog}" all)
      file(APPEND "${LOG}" "doxygen warnings:\n${all}\n")
    endif()
    file(GLOB_RECURSE pages "${BUILD_DIR}/docs/html/*.html")
    list(LENGTH pages n_pages)
    set(md_note "")
    if(n_md GREATER 0)
      set(md_note "; ${n_md} Markdown-rendering warning(s) in the guides, see log")
    endif()
    if(NOT rc EQUAL 0 OR NOT EXISTS "${BUILD_DIR}/docs/html/index.html")
      check_end(docs FAIL "bioxen_docs failed (${rc})")
    elseif(n_api GREATER 0)
      string(REGEX MATCH "[^\n]*(warning|error):[^\n]*" first "${api_text}")
      string(REPLACE "${SRC_DIR}/" "" first "${first}")
      check_end(docs FAIL "${n_api} Doxygen warning(s) in the API reference, first: ${first}")
    else()
      check_end(docs PASS "${n_pages} HTML pages, API reference without warnings${md_note}")
    endif()
  endif()
endif()

# ---------------------------------------------------------------------------------------
# The table.
# ---------------------------------------------------------------------------------------
string(TIMESTAMP T1 "%s")
math(EXPR total "${T1} - ${T0}")
math(EXPR total_min "${total} / 60")
math(EXPR total_sec "${total} % 60")
set(n_fail 0)
set(n_skip 0)
set(table "")
string(APPEND table "\nBioXen ${VERSION} pre-release validation")
if(GIT_DESC)
  string(APPEND table " (${GIT_DESC})")
endif()
string(APPEND table "\n\n      check            time  result\n")
set(i 0)
foreach(id IN LISTS CHECKS)
  math(EXPR i "${i} + 1")
  get_property(status GLOBAL PROPERTY STATUS_${id})
  get_property(detail GLOBAL PROPERTY DETAIL_${id})
  get_property(secs GLOBAL PROPERTY SECS_${id})
  if(status STREQUAL "PASS")
    set(mark "✓")
  elseif(status STREQUAL "SKIP")
    set(mark "–")
    math(EXPR n_skip "${n_skip} + 1")
  else()
    set(mark "✗")
    math(EXPR n_fail "${n_fail} + 1")
    if(NOT status)
      set(detail "did not report (validation script bug)")
    endif()
  endif()
  # One line per check: long details are cut here; the log has them whole.
  string(LENGTH "${detail}" ld)
  if(ld GREATER 240)
    string(SUBSTRING "${detail}" 0 237 detail)
    string(APPEND detail "...")
  endif()
  string(LENGTH "${i}" li)
  string(LENGTH "${id}" lid)
  string(LENGTH "${secs}" ls)
  math(EXPR pad_i "2 - ${li}")
  math(EXPR pad_id "15 - ${lid}")
  math(EXPR pad_s "5 - ${ls}")
  string(REPEAT " " ${pad_i} s1)
  string(REPEAT " " ${pad_id} s2)
  string(REPEAT " " ${pad_s} s3)
  string(APPEND table " ${s1}${i} ${mark}  ${id}${s2}${s3}${secs} s  ${detail}\n")
endforeach()
string(APPEND table "\n  total ${total_min} min ${total_sec} s; logs and packages in ${WORK_DIR}\n")

# Failures: the end of each failed check's log, so CI output alone tells what went wrong.
set(failures "")
foreach(id IN LISTS CHECKS)
  get_property(status GLOBAL PROPERTY STATUS_${id})
  if(status STREQUAL "FAIL")
    tail_of("${WORK_DIR}/logs/${id}.log" 25 t)
    if(t)
      string(APPEND failures "\n--- ${id}: last lines of logs/${id}.log\n      ${t}\n")
    endif()
  endif()
endforeach()
file(WRITE "${WORK_DIR}/logs/summary.txt" "${table}")

# Keep the packages and logs; drop the large scratch builds unless KEEP or a failure asks
# for them to be inspected.
if(n_fail EQUAL 0 AND NOT KEEP)
  file(REMOVE_RECURSE "${STAGE_DIR}" "${SRC_PARENT}" "${BUILD_DIR}" "${PREFIX}" "${CONSUMERS}")
endif()

message(NOTICE "${failures}${table}")
if(n_fail GREATER 0)
  message(NOTICE "NOT READY: ${n_fail} check(s) failed, ${n_skip} skipped.")
  # FATAL_ERROR is how cmake -P exits non-zero.
  message(FATAL_ERROR "pre-release validation failed")
elseif(n_skip GREATER 0)
  message(NOTICE "PASSED with ${n_skip} check(s) skipped — not a full release validation.")
else()
  message(NOTICE "READY TO RELEASE bioxen ${VERSION}: packages in ${DIST}")
endif()
