# Builds examples/ on its own against the installed package in PREFIX (as a user would:
# find_package(bioxen)) and runs the production deployment example from there.
# -DBIOXEN_SOURCE_DIR -DWORK_DIR -DPREFIX -DCXX -DGENERATOR
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
run("configure" "${CMAKE_COMMAND}" -S "${BIOXEN_SOURCE_DIR}/examples" -B "${WORK_DIR}/build"
    -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}")
run("build" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build" --target production_deployment -j 2)
# Never the user's ~/.bioxen: a configuration path of our own (missing, so the defaults apply).
set(ENV{BIOXEN_CONFIG} "${WORK_DIR}/config.json")
run("run" "${WORK_DIR}/build/production_deployment")
if(NOT run_output MATCHES "Production workflow completed successfully")
  message(FATAL_ERROR "production_deployment did not complete:\n${run_output}")
endif()
message(STATUS "production_deployment ran from the installed package")
