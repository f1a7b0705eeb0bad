# Pre-release validation, part 2 of 12: the helpers every check uses — check_begin and
# check_end (a check's verdict), run (a logged command), blocked, cache_value, tail_of,
# md_links, tar_list, deb_field, dpkg_installed, consumer_args.
include_guard(GLOBAL)

# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

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
