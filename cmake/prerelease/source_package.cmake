# Pre-release validation, part 6 of 12: check "source_package" — CPack's source package of
# the working tree, extracted to SRC_DIR, which every later check builds. Sets SOURCE_TGZ and
# HAVE_SOURCE.
include_guard(GLOBAL)

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
