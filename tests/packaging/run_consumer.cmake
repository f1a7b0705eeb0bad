# Configures, builds and runs one consumer project; fails loudly on any step.
# -DMODE=find_package|fetchcontent|pkg_config -DCONSUMER_DIR -DWORK_DIR -DCXX -DGENERATOR
# -DPREFIX -DLIBDIR -DBIOXEN_SOURCE_DIR
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

if(MODE STREQUAL "pkg_config")
  # Use a moved copy of the prefix: the .pc file must not depend on where it was installed.
  set(moved "${WORK_DIR}/moved-prefix")
  file(COPY "${PREFIX}/" DESTINATION "${moved}")
  set(ENV{PKG_CONFIG_PATH} "${moved}/${LIBDIR}/pkgconfig")
  # A shared build: the consumer runs with the moved prefix's libbioxen.so.
  set(ENV{LD_LIBRARY_PATH} "${moved}/${LIBDIR}")
  find_program(PKG_CONFIG pkg-config REQUIRED)
  run("pkg-config" "${PKG_CONFIG}" --cflags --libs bioxen)
  string(STRIP "${run_output}" flags)
  message(STATUS "pkg-config --cflags --libs bioxen: ${flags}")
  if(NOT flags MATCHES "moved-prefix")
    message(FATAL_ERROR "bioxen.pc is not relocatable: ${flags}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run("compile" "${CXX}" "${CONSUMER_DIR}/main.cpp" ${flags} -o "${WORK_DIR}/consumer")
else()
  run("configure" "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}"
      -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${PREFIX}"
      "-DBIOXEN_SOURCE_DIR=${BIOXEN_SOURCE_DIR}")
  run("build" "${CMAKE_COMMAND}" --build "${WORK_DIR}" -j 2)
endif()

run("run" "${WORK_DIR}/consumer")
message(STATUS "consumer printed: ${run_output}")
if(NOT run_output MATCHES "bioxen consumer ok")
  message(FATAL_ERROR "consumer output lacks 'bioxen consumer ok'")
endif()
