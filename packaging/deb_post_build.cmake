# CPACK_POST_BUILD_SCRIPTS of cmake/bioxenCPack.cmake: run by cpack after each generator,
# before it copies the packages out and writes their .sha256 (CPACK_PACKAGE_FILES names the
# packages it built). For each package in CPACK_BIOXEN_MULTIARCH_SAME_PACKAGES it unpacks the
# .deb, changes its control part and rebuilds it with dpkg-deb (the files, their modes and
# md5sums stay as CPack made them):
#  - "Multi-Arch: same", a field CPack 3.25 does not know;
#  - a shared library's postinst and postrm, which CPack writes to call ldconfig, become the
#    trigger "activate-noawait ldconfig" that Debian uses instead (lintian:
#    maintscript-calls-ldconfig, lacks-ldconfig-trigger). Scripts that do anything else stop
#    the build.
foreach(deb IN LISTS CPACK_PACKAGE_FILES)
  if(NOT deb MATCHES "\\.deb$")
    continue()
  endif()
  get_filename_component(name "${deb}" NAME)
  string(REGEX REPLACE "_.*" "" package "${name}")
  if(NOT package IN_LIST CPACK_BIOXEN_MULTIARCH_SAME_PACKAGES)
    continue()
  endif()
  set(tree "${deb}.multiarch")
  file(REMOVE_RECURSE "${tree}")
  execute_process(COMMAND dpkg-deb -R "${deb}" "${tree}" RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bioxen: dpkg-deb -R ${name} failed: ${err}")
  endif()
  file(READ "${tree}/DEBIAN/control" control)
  if(NOT control MATCHES "(^|\n)Multi-Arch:")
    string(REGEX REPLACE "(^|\n)(Architecture: [^\n]*)" "\\1\\2\nMulti-Arch: same" control
           "${control}")
    if(NOT control MATCHES "(^|\n)Multi-Arch: same\n")
      message(FATAL_ERROR "bioxen: ${name} has no Architecture field to put Multi-Arch after")
    endif()
    file(WRITE "${tree}/DEBIAN/control" "${control}")
  endif()
  set(ldconfig_scripts FALSE)
  foreach(script postinst postrm)
    if(NOT EXISTS "${tree}/DEBIAN/${script}")
      continue()
    endif()
    file(READ "${tree}/DEBIAN/${script}" text)
    string(REGEX REPLACE "[ \t\n]" "" squeezed "${text}")
    if(NOT squeezed MATCHES "^#!/bin/shset-eif\\[\"\\$1\"=\"(configure|remove)\"\\];thenldconfigfi$")
      message(FATAL_ERROR "bioxen: ${name}: ${script} does more than call ldconfig:\n${text}")
    endif()
    file(REMOVE "${tree}/DEBIAN/${script}")
    set(ldconfig_scripts TRUE)
  endforeach()
  if(ldconfig_scripts)
    file(WRITE "${tree}/DEBIAN/triggers" "activate-noawait ldconfig\n")
  endif()
  execute_process(COMMAND dpkg-deb --root-owner-group -Zxz -b "${tree}" "${deb}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bioxen: dpkg-deb -b ${name} failed: ${err}")
  endif()
  file(REMOVE_RECURSE "${tree}")
  message(STATUS "bioxen: ${name}: Multi-Arch: same")
endforeach()
