# Runs one libFuzzer target for a bounded time (the fuzz.run.<target> tests; docs/TESTING.md).
#   cmake -DFUZZER=<exe> -DNAME=<target> -DSOURCE_DIR=<tests/fuzz> -DWORK_DIR=<dir>
#         -DDICT=<file> -DSECONDS=<n> -P run_fuzzer.cmake
# The corpus grows in <WORK_DIR>/corpus/<target> (kept between runs), seeded from
# tests/fuzz/corpus/<target>; crashes, leaks and timeouts land in <WORK_DIR>/artifacts/<target>/
# and fail the test. The regressions are replayed by fuzz.replay.<target> instead.
foreach(var FUZZER NAME SOURCE_DIR WORK_DIR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}= is required")
  endif()
endforeach()

# Inputs larger than this are not tried: JSON documents stay small, genomes may be longer.
set(max_len 65536)
if(NAME MATCHES "^(production_config|vm_config|chassis_profile|scenario)$")
  set(max_len 16384)
elseif(NAME STREQUAL "shell")
  set(max_len 4096)
endif()

set(corpus "${WORK_DIR}/corpus/${NAME}")
set(artifacts "${WORK_DIR}/artifacts/${NAME}")
file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
set(args -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=5 -max_len=${max_len}
         -artifact_prefix=${artifacts}/ -print_final_stats=1 -close_fd_mask=1)
if(DICT AND EXISTS "${DICT}")
  list(APPEND args -dict=${DICT})
endif()
if(DEFINED ENV{BIOXEN_FUZZ_ARGS})
  separate_arguments(extra UNIX_COMMAND "$ENV{BIOXEN_FUZZ_ARGS}")
  list(APPEND args ${extra})
endif()

set(log "${WORK_DIR}/${NAME}.log")
message(STATUS "fuzzing ${NAME} for ${SECONDS} s; log ${log}")
execute_process(COMMAND "${FUZZER}" ${args} "${corpus}" "${SOURCE_DIR}/corpus/${NAME}"
  RESULT_VARIABLE rc OUTPUT_FILE "${log}" ERROR_FILE "${log}")
file(STRINGS "${log}" stats REGEX "^(stat::|#[0-9]+.*DONE|Done )")
string(REPLACE ";" "\n" stats "${stats}")
message(STATUS "${stats}")
if(NOT rc EQUAL 0)
  file(READ "${log}" text)
  string(LENGTH "${text}" n)
  if(n GREATER 6000)
    math(EXPR from "${n} - 6000")
    string(SUBSTRING "${text}" ${from} -1 text)
  endif()
  file(GLOB found "${artifacts}/*")
  string(REPLACE ";" "\n  " found "${found}")
  message(FATAL_ERROR "${NAME}: libFuzzer exited with ${rc}; artifacts:\n  ${found}\n"
                      "--- end of ${log} ---\n${text}")
endif()
