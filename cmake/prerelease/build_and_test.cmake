# Pre-release validation, part 7 of 12: checks "configure", "build" and "tests" — a clean
# Release configure of the extracted source package, its build with warnings as errors and
# its test suite. Sets DOXYGEN, BUILD_DOCS, CONFIGURED and BUILT.
include_guard(GLOBAL)

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
  if(CONTACT)
    list(APPEND extra_args "-DBIOXEN_PACKAGE_CONTACT=${CONTACT}")
  endif()
  if(TESTS_BUILD)
    # Never the validation inside the validation (only a build with tests can register it).
    list(APPEND extra_args -DBIOXEN_RELEASE_VALIDATION=OFF)
  endif()
  run(out rc COMMAND "${CMAKE_COMMAND}" -S "${SRC_DIR}" -B "${BUILD_DIR}" ${extra_args}
      -DCMAKE_BUILD_TYPE=Release -DBIOXEN_WERROR=ON -DBIOXEN_BUILD_TESTS=${TESTS_BUILD}
      -DBIOXEN_BUILD_EXAMPLES=ON -DBIOXEN_BUILD_CLI=ON -DBIOXEN_INSTALL=ON -DBIOXEN_WITH_MPI=OFF
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
