# Pre-release validation, part 11 of 12: check "docs" — the Doxygen HTML builds and the API
# reference has no Doxygen warning.
include_guard(GLOBAL)

# ---------------------------------------------------------------------------------------
# 15. Documentation: the bioxen_docs target (Doxygen) builds the HTML, and the API reference
#     — the headers — has no Doxygen warning: a warning there is a garbled or wrong page.
#     The Markdown guides are written for GitHub and the source package, where they render
#     fully; Doxygen's Markdown is narrower (no heading anchors, HTML-like words such as
#     <name> taken for tags), so their warnings are counted and logged but do not fail the
#     check. Their links to files are checked by "structure".
# ---------------------------------------------------------------------------------------
check_begin(docs)
if(docs_RUN)
  if(NOT DOXYGEN)
    check_end(docs FAIL "doxygen not installed (sh cmake/setup-debian.sh --docs, or SKIP=docs)")
  elseif(NOT CONFIGURED)
    blocked(docs "configure failed")
  else()
    run(out rc COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target bioxen_docs)
    set(wlog "${BUILD_DIR}/docs/doxygen-warnings.log")
    set(n_api 0)
    set(n_md 0)
    set(api_text "")
    if(EXISTS "${wlog}")
      file(STRINGS "${wlog}" wlines)
      foreach(w IN LISTS wlines)
        if(NOT w MATCHES "(warning|error):")
          continue()  # continuation lines of a multi-line warning
        elseif(w MATCHES "\\.md:[0-9]+: ")
          math(EXPR n_md "${n_md} + 1")
        else()
          math(EXPR n_api "${n_api} + 1")
          string(APPEND api_text "${w}\n")
        endif()
      endforeach()
      file(READ "${wlog}" all)
      file(APPEND "${LOG}" "doxygen warnings:\n${all}\n")
    endif()
    file(GLOB_RECURSE pages "${BUILD_DIR}/docs/html/*.html")
    list(LENGTH pages n_pages)
    set(md_note "")
    if(n_md GREATER 0)
      set(md_note "; ${n_md} Markdown-rendering warning(s) in the guides, see log")
    endif()
    if(NOT rc EQUAL 0 OR NOT EXISTS "${BUILD_DIR}/docs/html/index.html")
      check_end(docs FAIL "bioxen_docs failed (${rc})")
    elseif(n_api GREATER 0)
      string(REGEX MATCH "[^\n]*(warning|error):[^\n]*" first "${api_text}")
      string(REPLACE "${SRC_DIR}/" "" first "${first}")
      check_end(docs FAIL "${n_api} Doxygen warning(s) in the API reference, first: ${first}")
    else()
      check_end(docs PASS "${n_pages} HTML pages, API reference without warnings${md_note}")
    endif()
  endif()
endif()
