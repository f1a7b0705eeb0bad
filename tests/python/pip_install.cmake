# `pip install --no-build-isolation .` from a copy of the source tree, in a virtual environment
# that sees the system's packages (Debian's setuptools and wheel), then the installed package
# is imported outside any build tree and must print the project's version.
#   cmake -DSOURCE_DIR=<src> -DWORK_DIR=<dir> -DPYTHON=<python3> -DVERSION=<x.y.z> -P pip_install.cmake
foreach(v SOURCE_DIR WORK_DIR PYTHON VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "pip_install.cmake: ${v} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/src")
# What setup.py's CMake build reads (no tests, examples, tool or docs are built).
foreach(item CMakeLists.txt CMakePresets.json LICENSE README.md setup.py pyproject.toml cmake
             include src python packaging)
  if(IS_DIRECTORY "${SOURCE_DIR}/${item}")
    file(COPY "${SOURCE_DIR}/${item}" DESTINATION "${WORK_DIR}/src"
         PATTERN "__pycache__" EXCLUDE PATTERN "*.egg-info" EXCLUDE)
  else()
    file(COPY "${SOURCE_DIR}/${item}" DESTINATION "${WORK_DIR}/src")
  endif()
endforeach()

function(step)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

step("${PYTHON}" -m venv --system-site-packages "${WORK_DIR}/venv")
# A Debug build of the module: this checks the packaging, not the optimiser, in a third of
# the time (CMAKE_ARGS is what setup.py passes on to CMake).
step("${CMAKE_COMMAND}" -E env "CMAKE_ARGS=-DCMAKE_BUILD_TYPE=Debug" --unset=PYTHONPATH
     "${WORK_DIR}/venv/bin/pip" install --no-build-isolation --no-index --no-cache-dir
     "${WORK_DIR}/src")
# (A file, not -c: a CMake list would split the program at its semicolons.)
file(WRITE "${WORK_DIR}/check.py" [=[
import bioxen
import bioxen.legacy
print(bioxen.__version__)
print(bioxen.__file__)
hv = bioxen.BioXenHypervisor()
hv.create_vm("a", "ecoli")
print(hv.vm_count())
]=])
step("${CMAKE_COMMAND}" -E env --unset=PYTHONPATH "${WORK_DIR}/venv/bin/python"
     "${WORK_DIR}/check.py")
if(NOT out MATCHES "^${VERSION}\n[^\n]*/venv/lib/python[0-9.]+/site-packages/bioxen/__init__.py\n1\n")
  message(FATAL_ERROR "the pip-installed package gave:\n${out}")
endif()
message(STATUS "pip install --no-build-isolation: bioxen ${VERSION} imported from the venv")
