# The Python package `bioxen` (BIOXEN_BUILD_PYTHON, bioxenOptions.cmake): finds pybind11 and
# Python, then adds python/. Sets BIOXEN_HAVE_PYTHON and, when on, Python_EXECUTABLE (the
# interpreter the tests run with).
include_guard(GLOBAL)

string(TOUPPER "${BIOXEN_BUILD_PYTHON}" _bioxen_python)
if(NOT _bioxen_python MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "BIOXEN_BUILD_PYTHON is '${BIOXEN_BUILD_PYTHON}': expected AUTO, ON or OFF")
endif()
set(BIOXEN_HAVE_PYTHON OFF)
if(NOT _bioxen_python STREQUAL "OFF")
  # Debian's python3-* packages (pybind11's Python side, NumPy, pytest) belong to the system
  # interpreter. A python3 earlier on PATH (pyenv, conda) does not see them, so on Debian the
  # system one is used unless Python_EXECUTABLE says otherwise.
  if(NOT DEFINED Python_EXECUTABLE AND EXISTS "/etc/debian_version" AND EXISTS "/usr/bin/python3")
    set(Python_EXECUTABLE "/usr/bin/python3" CACHE FILEPATH "The Python interpreter")
  endif()
  # pybind11's CMake package with CMake's own FindPython (Interpreter, Development.Module).
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 CONFIG QUIET)
  if(pybind11_FOUND AND Python_Development.Module_FOUND AND Python_Interpreter_FOUND)
    set(BIOXEN_HAVE_PYTHON ON)
  elseif(_bioxen_python STREQUAL "ON")
    message(FATAL_ERROR "BIOXEN_BUILD_PYTHON is ON but pybind11 or Python 3 with its headers "
                        "was not found (sh cmake/setup-debian.sh --python installs them)")
  else()
    message(STATUS "bioxen: pybind11 or Python 3 headers not found, building without the "
                   "Python package (BIOXEN_BUILD_PYTHON=AUTO; sh cmake/setup-debian.sh --python "
                   "installs them)")
  endif()
endif()

if(BIOXEN_HAVE_PYTHON)
  message(STATUS "bioxen: the Python package, for Python ${Python_VERSION} "
                 "(${Python_EXECUTABLE}) with pybind11 ${pybind11_VERSION}")
  add_subdirectory(python)
endif()
