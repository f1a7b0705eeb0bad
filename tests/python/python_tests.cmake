# The Python package's pytest suite (tests/python/test_*.py, label python), one CTest per
# file, run by the interpreter the package was built for (Python_EXECUTABLE) against the
# package in the build tree. Included from tests/CMakeLists.txt when the package is built.

# pytest and NumPy are what the suite needs (Debian python3-pytest, python3-numpy): say so
# at configure time, not as a failing test.
foreach(_bioxen_py_mod pytest numpy)
  execute_process(COMMAND "${Python_EXECUTABLE}" -c "import ${_bioxen_py_mod}"
                  RESULT_VARIABLE _bioxen_py_rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT _bioxen_py_rc EQUAL 0)
    message(FATAL_ERROR "bioxen: the Python tests need the module '${_bioxen_py_mod}' for "
                        "${Python_EXECUTABLE} (sh cmake/setup-debian.sh --tests installs it), or "
                        "configure with -DBIOXEN_BUILD_PYTHON=OFF")
  endif()
endforeach()

# Under AddressSanitizer the interpreter itself is not instrumented: the sanitizer runtimes
# are preloaded, and leak checking is off (the interpreter keeps its objects at exit).
set(BIOXEN_PYTHON_TEST_ENV "PYTHONPATH=${BIOXEN_PYTHON_DIR}" "PYTHONDONTWRITEBYTECODE=1")
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address")
  set(_bioxen_preload "")
  foreach(_rt libasan.so libubsan.so)
    execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -print-file-name=${_rt}
                    OUTPUT_VARIABLE _path OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(IS_ABSOLUTE "${_path}")
      list(APPEND _bioxen_preload "${_path}")
    endif()
  endforeach()
  list(JOIN _bioxen_preload ":" _bioxen_preload)
  list(APPEND BIOXEN_PYTHON_TEST_ENV "LD_PRELOAD=${_bioxen_preload}"
       "ASAN_OPTIONS=detect_leaks=0")
endif()
set(BIOXEN_PYTHON_TEST_ENV "${BIOXEN_PYTHON_TEST_ENV}" PARENT_SCOPE)

file(GLOB _bioxen_py_tests CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/test_*.py")
foreach(_test IN LISTS _bioxen_py_tests)
  get_filename_component(_name "${_test}" NAME_WE)
  add_test(NAME python.${_name}
    COMMAND "${Python_EXECUTABLE}" -m pytest -q -p no:cacheprovider "${_test}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  set_tests_properties(python.${_name} PROPERTIES LABELS python
    ENVIRONMENT "${BIOXEN_PYTHON_TEST_ENV}")
endforeach()

# pip install from the source tree with only Debian packages (label python;slow: a build of
# its own, without this build's flags, so the sanitizer builds leave it to the dev build).
# python3-venv is what creates the virtual environment.
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=")
  return()
endif()
execute_process(COMMAND "${Python_EXECUTABLE}" -c "import venv, ensurepip, setuptools, wheel"
                RESULT_VARIABLE _bioxen_venv_rc OUTPUT_QUIET ERROR_QUIET)
if(NOT _bioxen_venv_rc EQUAL 0)
  message(FATAL_ERROR "bioxen: the pip install test needs venv, ensurepip, setuptools and wheel "
                      "for ${Python_EXECUTABLE} (sh cmake/setup-debian.sh --tests installs them)")
endif()
add_test(NAME python.pip_install
  COMMAND "${CMAKE_COMMAND}" -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/pip_install -DPYTHON=${Python_EXECUTABLE}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_LIST_DIR}/pip_install.cmake)
set_tests_properties(python.pip_install PROPERTIES LABELS "python;slow" TIMEOUT 1500
  ENVIRONMENT "CMAKE_BUILD_PARALLEL_LEVEL=2")
