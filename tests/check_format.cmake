# Fails when any C++ file of the project is not clang-formatted (prints the offenders).
#   cmake -DSOURCE_DIR=<src> -DCLANG_FORMAT=<clang-format> -P tests/check_format.cmake
if(NOT CLANG_FORMAT)
  message(FATAL_ERROR "clang-format not found: install it (sh cmake/setup-debian.sh --tests)")
endif()
file(GLOB_RECURSE files
  "${SOURCE_DIR}/include/*.hpp" "${SOURCE_DIR}/src/*.cpp" "${SOURCE_DIR}/src/*.hpp"
  "${SOURCE_DIR}/tests/*.cpp" "${SOURCE_DIR}/tests/*.hpp" "${SOURCE_DIR}/examples/*.cpp"
  "${SOURCE_DIR}/python/*.cpp" "${SOURCE_DIR}/python/*.hpp")
list(FILTER files EXCLUDE REGEX "/build/")
set(bad "")
foreach(f IN LISTS files)
  execute_process(COMMAND "${CLANG_FORMAT}" --dry-run -Werror "${f}"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
    list(APPEND bad "${rel}")
  endif()
endforeach()
list(LENGTH files n)
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "not clang-formatted (run clang-format -i):\n  ${bad}")
endif()
message(STATUS "clang-format: ${n} files clean")
