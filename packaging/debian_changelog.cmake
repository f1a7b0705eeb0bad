# bioxen_debian_changelog(<out.gz>): writes the Debian changelog of this version's packages
# (/usr/share/doc/<package>/changelog.gz, its name in a native package): one entry, for
# PROJECT_VERSION, signed by BIOXEN_PACKAGE_CONTACT and dated from the version's CHANGELOG.md
# entry "## [x.y.z] - YYYY-MM-DD" (so the same source always gives the same file), compressed
# with gzip -9n as Debian's tools do. Included by cmake/bioxenCPack.cmake.
include_guard(GLOBAL)

function(bioxen_debian_changelog out)
  file(STRINGS "${PROJECT_SOURCE_DIR}/CHANGELOG.md" line
       REGEX "^## \\[${PROJECT_VERSION}\\] - [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$")
  if(NOT line MATCHES "([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9])$")
    message(FATAL_ERROR
      "bioxen: CHANGELOG.md has no entry '## [${PROJECT_VERSION}] - YYYY-MM-DD'; the Debian "
      "changelog of the .deb packages is dated from it (or leave BIOXEN_PACKAGE_CONTACT "
      "empty: no .deb packages)")
  endif()
  # Days since 1970-01-01 of the civil date (H. Hinnant's days_from_civil), in integers.
  set(y "${CMAKE_MATCH_1}")
  set(m "${CMAKE_MATCH_2}")
  set(d "${CMAKE_MATCH_3}")
  string(REGEX REPLACE "^0" "" m "${m}")
  string(REGEX REPLACE "^0" "" d "${d}")
  if(m LESS_EQUAL 2)
    math(EXPR y "${y} - 1")
  endif()
  math(EXPR era "${y} / 400")
  math(EXPR yoe "${y} - ${era} * 400")
  if(m GREATER 2)
    math(EXPR mp "${m} - 3")
  else()
    math(EXPR mp "${m} + 9")
  endif()
  math(EXPR doy "(153 * ${mp} + 2) / 5 + ${d} - 1")
  math(EXPR doe "${yoe} * 365 + ${yoe} / 4 - ${yoe} / 100 + ${doy}")
  math(EXPR days "${era} * 146097 + ${doe} - 719468")
  math(EXPR epoch "${days} * 86400")
  # string(TIMESTAMP) formats SOURCE_DATE_EPOCH when it is set.
  set(saved "$ENV{SOURCE_DATE_EPOCH}")
  set(ENV{SOURCE_DATE_EPOCH} "${epoch}")
  string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  set(ENV{SOURCE_DATE_EPOCH} "${saved}")

  set(text "bioxen (${PROJECT_VERSION}) unstable; urgency=medium\n\n")
  string(APPEND text "  * BioXen ${PROJECT_VERSION}. The changes are listed in\n")
  string(APPEND text "    /usr/share/doc/bioxen/CHANGELOG.md.\n\n")
  string(APPEND text " -- ${BIOXEN_PACKAGE_CONTACT}  ${date}\n")
  get_filename_component(dir "${out}" DIRECTORY)
  file(WRITE "${dir}/changelog" "${text}")
  find_program(BIOXEN_GZIP gzip)
  if(NOT BIOXEN_GZIP)
    message(FATAL_ERROR "bioxen: gzip not found; it compresses the Debian changelog")
  endif()
  execute_process(COMMAND "${BIOXEN_GZIP}" -9nc "${dir}/changelog" OUTPUT_FILE "${out}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bioxen: gzip failed (${rc}) on the Debian changelog")
  endif()
endfunction()
