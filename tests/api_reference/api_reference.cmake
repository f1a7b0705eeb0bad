# The reference documents cannot rot: the ```cpp blocks of docs/API_REFERENCE.md,
# CONFIGURATION.md and ERRORS.md are compiled (and run) as the test docs.api_reference, and
# docs.api_reference_names fails when a public name of the headers is missing from
# API_REFERENCE.md. A compile error in a snippet points at the document's line (#line).
get_filename_component(_bioxen_docs "${CMAKE_CURRENT_LIST_DIR}/../../docs" ABSOLUTE)
set(_bioxen_api_doc "${_bioxen_docs}/API_REFERENCE.md")
set(_bioxen_snippet_docs "${_bioxen_api_doc}")
foreach(_doc CONFIGURATION.md ERRORS.md)
  if(EXISTS "${_bioxen_docs}/${_doc}")
    list(APPEND _bioxen_snippet_docs "${_bioxen_docs}/${_doc}")
  endif()
endforeach()
get_filename_component(_bioxen_api_inc "${CMAKE_CURRENT_LIST_DIR}/../../include" ABSOLUTE)
if(EXISTS "${_bioxen_api_doc}")
  add_executable(bioxen_extract_snippets ${CMAKE_CURRENT_LIST_DIR}/extract_snippets.cpp)
  target_compile_features(bioxen_extract_snippets PRIVATE cxx_std_20)
  set(_bioxen_api_gen ${CMAKE_CURRENT_BINARY_DIR}/api_reference_snippets.cpp)
  add_custom_command(OUTPUT ${_bioxen_api_gen}
    COMMAND bioxen_extract_snippets extract ${_bioxen_api_gen} ${_bioxen_snippet_docs}
    DEPENDS bioxen_extract_snippets ${_bioxen_snippet_docs}
    COMMENT "Extracting the code snippets of the reference documents")
  add_executable(api_reference_snippets ${_bioxen_api_gen})
  target_link_libraries(api_reference_snippets PRIVATE bioxen::bioxen)
  if(COMMAND bioxen_set_warnings)
    bioxen_set_warnings(api_reference_snippets)
  endif()
  # Snippets name results to show them; they need not use every one.
  target_compile_options(api_reference_snippets PRIVATE
    $<$<NOT:$<CXX_COMPILER_ID:MSVC>>:-Wno-unused-variable -Wno-unused-but-set-variable>)
  add_test(NAME docs.api_reference COMMAND api_reference_snippets)
  set_tests_properties(docs.api_reference PROPERTIES LABELS docs)
  if(EXISTS "${_bioxen_api_inc}/bioxen")
    add_test(NAME docs.api_reference_names
      COMMAND bioxen_extract_snippets check-names ${_bioxen_api_doc} ${_bioxen_api_inc})
    set_tests_properties(docs.api_reference_names PROPERTIES LABELS docs)
  endif()
endif()
