# bioxen_set_warnings(<target>): the project's warning set on one target; never global.
function(bioxen_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${BIOXEN_WERROR}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                             $<$<BOOL:${BIOXEN_WERROR}>:-Werror>)
  endif()
endfunction()
