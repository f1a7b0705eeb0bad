# bioxen_set_warnings(<target>): the project's warning set on one target; never global.
# -Werror (/WX) only when BIOXEN_WERROR is ON (bioxenOptions.cmake: OFF unless a preset asks).
include_guard(GLOBAL)
function(bioxen_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${BIOXEN_WERROR}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                             $<$<BOOL:${BIOXEN_WERROR}>:-Werror>)
    # GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string operator+ at
    # -O2 (GCC bug 105329, fixed in 13); they are not in our code.
    target_compile_options(${target} PRIVATE
      $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
  endif()
endfunction()
