# docs.readme_fetchcontent_pin: the FetchContent snippet of README.md pins a GIT_TAG that this
# repository has (a commit or a tag), and FetchContent of that pin from this repository gives
# a library target. Run as: cmake -DSOURCE_DIR=<repo> -DGIT=<git> -DWORK_DIR=<dir> -P <this>
file(READ "${SOURCE_DIR}/README.md" readme)
string(REGEX MATCH "FetchContent_Declare\\(bioxen GIT_REPOSITORY [^\n]+[ \n]+GIT_TAG ([0-9A-Za-z._-]+)\\)"
       decl "${readme}")
if(NOT decl)
  message(FATAL_ERROR "README.md has no FetchContent_Declare(bioxen GIT_REPOSITORY ... GIT_TAG ...)")
endif()
set(pin "${CMAKE_MATCH_1}")
execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" cat-file -e "${pin}^{commit}"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "README.md pins GIT_TAG ${pin}, which this repository does not have: ${err}")
endif()
# The pinned tree must be a CMake project named bioxen that declares the bioxen library.
execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" show "${pin}:CMakeLists.txt"
                OUTPUT_VARIABLE top RESULT_VARIABLE rc)
execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" show "${pin}:src/CMakeLists.txt"
                OUTPUT_VARIABLE lib RESULT_VARIABLE rc2)
if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0 OR NOT top MATCHES "project\\(\n  bioxen"
   OR NOT lib MATCHES "add_library\\(bioxen::bioxen ALIAS bioxen\\)")
  message(FATAL_ERROR "README.md pins GIT_TAG ${pin}, which is not a BioXen source tree")
endif()
message(STATUS "README.md pins GIT_TAG ${pin}: present, a BioXen source tree")
