# Pre-release validation, part 3 of 12: check "structure" — the files a release must have
# (REQUIRED_FILES, which source_package.cmake reads too), the MIT licence, no generated docs
# in the tree, the docs index, the headers docs/ARCHITECTURE.md lists, the Markdown links.
include_guard(GLOBAL)

# ---------------------------------------------------------------------------------------
# 1. Package structure: the files a release must have, the docs index and the links.
# ---------------------------------------------------------------------------------------
set(REQUIRED_FILES
  CMakeLists.txt CMakePresets.json LICENSE README.md CHANGELOG.md .gitignore .clang-format
  .ci/run
  cmake/bioxenConfig.cmake.in cmake/bioxen.pc.in cmake/bioxenInstall.cmake
  cmake/bioxenCPack.cmake cmake/bioxenDocs.cmake cmake/setup-debian.sh
  cmake/pre_release_validation.cmake
  packaging/copyright packaging/bioxen.1.in packaging/bioxen.bash-completion
  packaging/debian_changelog.cmake packaging/deb_post_build.cmake
  packaging/cpack_project_config.cmake src/libbioxen.map
  include/bioxen/bioxen.hpp include/bioxen/version.hpp include/bioxen/error.hpp
  src/CMakeLists.txt tests/CMakeLists.txt examples/CMakeLists.txt
  tests/packaging/packaging.cmake tests/packaging/run_consumer.cmake
  tests/packaging/install_prefix.cmake tests/packaging/consumer_main.cpp
  tests/packaging/find_package_consumer/CMakeLists.txt
  tests/packaging/fetchcontent_consumer/CMakeLists.txt
  docs/README.md docs/Doxyfile.in docs/ARCHITECTURE.md docs/MODEL.md docs/API_REFERENCE.md
  docs/CONFIGURATION.md docs/PERFORMANCE.md docs/PRODUCTION_DEPLOYMENT.md)

check_begin(structure)
if(structure_RUN)
  set(problems "")
  foreach(f IN LISTS REQUIRED_FILES)
    if(NOT EXISTS "${SOURCE_DIR}/${f}")
      list(APPEND problems "missing ${f}")
    endif()
  endforeach()
  file(STRINGS "${SOURCE_DIR}/LICENSE" _mit REGEX "MIT License")
  if(NOT _mit)
    list(APPEND problems "LICENSE is not the MIT licence")
  endif()
  # Generated documentation is build output (cmake/bioxenDocs.cmake writes to the build tree).
  foreach(d docs/html docs/latex docs/xml)
    if(EXISTS "${SOURCE_DIR}/${d}")
      list(APPEND problems "generated ${d}/ in the source tree")
    endif()
  endforeach()
  # docs/README.md is the index: it must name every guide.
  file(GLOB guides RELATIVE "${SOURCE_DIR}/docs" "${SOURCE_DIR}/docs/*.md")
  list(REMOVE_ITEM guides README.md)
  list(LENGTH guides n_guides)
  if(EXISTS "${SOURCE_DIR}/docs/README.md")
    file(READ "${SOURCE_DIR}/docs/README.md" index)
    foreach(g IN LISTS guides)
      string(FIND "${index}" "(${g})" pos)
      if(pos EQUAL -1)
        list(APPEND problems "docs/README.md does not link ${g}")
      endif()
    endforeach()
  endif()
  # Every public header that docs/ARCHITECTURE.md lists exists (the docs describe what ships).
  set(n_headers 0)
  if(EXISTS "${SOURCE_DIR}/docs/ARCHITECTURE.md")
    file(STRINGS "${SOURCE_DIR}/docs/ARCHITECTURE.md" rows REGEX "^\\| `[a-z_/]+\\.hpp` \\|")
    foreach(row IN LISTS rows)
      string(REGEX MATCH "`([a-z_/]+\\.hpp)`" _ "${row}")
      math(EXPR n_headers "${n_headers} + 1")
      if(NOT EXISTS "${SOURCE_DIR}/include/bioxen/${CMAKE_MATCH_1}")
        list(APPEND problems "docs/ARCHITECTURE.md lists include/bioxen/${CMAKE_MATCH_1}, which does not exist")
      endif()
    endforeach()
  endif()
  # Relative links of the top-level and docs/ Markdown files resolve.
  file(GLOB mds "${SOURCE_DIR}/*.md" "${SOURCE_DIR}/docs/*.md")
  set(n_links 0)
  foreach(md IN LISTS mds)
    md_links("${md}" targets)
    get_filename_component(md_dir "${md}" DIRECTORY)
    file(RELATIVE_PATH md_rel "${SOURCE_DIR}" "${md}")
    foreach(t IN LISTS targets)
      math(EXPR n_links "${n_links} + 1")
      if(NOT t STREQUAL "" AND NOT EXISTS "${md_dir}/${t}")
        list(APPEND problems "${md_rel} links ${t}, which does not exist")
      endif()
    endforeach()
  endforeach()
  list(LENGTH REQUIRED_FILES n_req)
  if(problems)
    string(REPLACE ";" "\n" _p "${problems}")
    file(APPEND "${LOG}" "${_p}\n")
    list(LENGTH problems n_p)
    list(GET problems 0 first)
    check_end(structure FAIL "${n_p} problem(s), first: ${first}")
  else()
    check_end(structure PASS
      "${n_req} required files, index names ${n_guides} guides, ${n_headers} documented headers exist, ${n_links} links resolve")
  endif()
endif()
