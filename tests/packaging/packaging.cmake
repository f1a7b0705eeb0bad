# Packaging tests (label "packaging"): the three ways users consume BioXen.
#   package.install       installs this build into a temporary prefix (fixture)
#   package.find_package  a consumer with find_package(bioxen CONFIG REQUIRED) from that prefix
#   package.fetchcontent  a consumer that pulls this source tree with FetchContent
#   package.pkg_config    `pkg-config --cflags --libs bioxen` compiles and links a program,
#                         from a copy of the prefix moved elsewhere (the .pc is relocatable)
set(_pkg_work "${CMAKE_CURRENT_BINARY_DIR}/packaging")
set(_pkg_prefix "${_pkg_work}/prefix")
set(_pkg_common
  -DCXX=${CMAKE_CXX_COMPILER}
  -DGENERATOR=${CMAKE_GENERATOR}
  -DPREFIX=${_pkg_prefix}
  -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
  -DBIOXEN_SOURCE_DIR=${PROJECT_SOURCE_DIR})

add_test(NAME package.install
  COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR} -DPREFIX=${_pkg_prefix}
          -DCONFIG=$<CONFIG> -P ${CMAKE_CURRENT_SOURCE_DIR}/packaging/install_prefix.cmake)
set_tests_properties(package.install PROPERTIES FIXTURES_SETUP bioxen_prefix)

foreach(mode find_package fetchcontent pkg_config)
  add_test(NAME package.${mode}
    COMMAND ${CMAKE_COMMAND} ${_pkg_common} -DMODE=${mode}
            -DCONSUMER_DIR=${CMAKE_CURRENT_SOURCE_DIR}/packaging/${mode}_consumer
            -DWORK_DIR=${_pkg_work}/${mode}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/packaging/run_consumer.cmake)
endforeach()
set_tests_properties(package.find_package package.pkg_config
  PROPERTIES FIXTURES_REQUIRED bioxen_prefix)
set_tests_properties(package.install package.find_package package.fetchcontent package.pkg_config
  PROPERTIES LABELS packaging TIMEOUT 900)
# The FetchContent consumer compiles the library again: keep it from competing with others.
set_tests_properties(package.fetchcontent PROPERTIES RUN_SERIAL ON)

# The tool's manual page and bash completion (tests/packaging/tool_files_test.sh): the
# completion completes, and both name every command and option of the tool's --help; then
# what the install put in the prefix, and the installed tool's --help naming its guide.
find_program(BIOXEN_BASH bash)
if(TARGET bioxen_cli AND BIOXEN_BASH)
  add_test(NAME package.completion
    COMMAND ${BIOXEN_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/packaging/tool_files_test.sh completion
            ${PROJECT_SOURCE_DIR}/packaging/bioxen.bash-completion $<TARGET_FILE:bioxen_cli>
            ${PROJECT_BINARY_DIR}/bioxen.1)
  add_test(NAME package.installed_tool
    COMMAND ${BIOXEN_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/packaging/tool_files_test.sh installed
            ${_pkg_prefix} ${CMAKE_INSTALL_BINDIR} ${CMAKE_INSTALL_MANDIR}
            ${CMAKE_INSTALL_DATADIR} ${CMAKE_INSTALL_DOCDIR} ${CMAKE_INSTALL_LIBDIR})
  set_tests_properties(package.installed_tool PROPERTIES FIXTURES_REQUIRED bioxen_prefix)
  set_tests_properties(package.completion package.installed_tool PROPERTIES
    LABELS packaging FAIL_REGULAR_EXPRESSION "FAIL:" TIMEOUT 120)
endif()

# The examples built on their own against the installed package; runs production_deployment.
if(EXISTS "${PROJECT_SOURCE_DIR}/examples/production_deployment.cpp")
  add_test(NAME package.examples
    COMMAND ${CMAKE_COMMAND} ${_pkg_common} -DWORK_DIR=${_pkg_work}/examples
            -P ${CMAKE_CURRENT_SOURCE_DIR}/packaging/installed_examples.cmake)
  set_tests_properties(package.examples PROPERTIES FIXTURES_REQUIRED bioxen_prefix
    LABELS packaging TIMEOUT 900)
endif()

# The pre-release validation (label "release"): builds the source package from scratch, runs
# the whole suite, makes and installs the packages. It takes many minutes, so it is only
# registered when asked for — `cmake --workflow --preset prerelease` (or prerelease-ci, which
# sets BIOXEN_VALIDATION_FAST) — and never runs in the default dev suite. The option is
# declared in cmake/bioxenOptions.cmake.
if(BIOXEN_RELEASE_VALIDATION)
  add_test(NAME release.validation
    COMMAND ${CMAKE_COMMAND} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/release-validation
            -P ${PROJECT_SOURCE_DIR}/cmake/pre_release_validation.cmake)
  # RUN_SERIAL: it uses every core it is given (BIOXEN_VALIDATION_JOBS, default 2).
  set_tests_properties(release.validation PROPERTIES LABELS release TIMEOUT 3600 RUN_SERIAL ON)
endif()
