# Pre-release validation, part 8 of 12: checks "install", "find_package", "pkg_config" and
# "fetchcontent" — the install into PREFIX and the three ways users consume BioXen. Sets
# INSTALLED and CONSUMER_VERSION.
include_guard(GLOBAL)

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
