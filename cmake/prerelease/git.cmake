# Pre-release validation, part 4 of 12: check "git" — the checkout is clean. Sets GIT,
# GIT_TRACKED (read by source_package.cmake) and GIT_DESC (the table's heading).
include_guard(GLOBAL)

# ---------------------------------------------------------------------------------------
# 2. A release is cut from a commit: no uncommitted changes, no untracked files (which the
#    source package would otherwise ship).
# ---------------------------------------------------------------------------------------
check_begin(git)
set(GIT_TRACKED "")
set(GIT_DESC "")
find_program(GIT git)
if(GIT AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" ls-files
    OUTPUT_VARIABLE _ls RESULT_VARIABLE _rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_rc EQUAL 0)
    string(REPLACE "\n" ";" GIT_TRACKED "${_ls}")
  endif()
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" describe --always --dirty --tags
    OUTPUT_VARIABLE GIT_DESC OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(git_RUN)
  if(NOT GIT OR NOT EXISTS "${SOURCE_DIR}/.git")
    check_end(git SKIP "n/a: not a git checkout")
  else()
    run(out rc COMMAND "${GIT}" -C "${SOURCE_DIR}" status --porcelain --untracked-files=all)
    string(STRIP "${out}" out)
    if(NOT rc EQUAL 0)
      check_end(git FAIL "git status failed (${rc})")
    elseif(out)
      string(REPLACE "\n" ";" dirty "${out}")
      list(LENGTH dirty n_dirty)
      list(GET dirty 0 first)
      check_end(git FAIL "${n_dirty} uncommitted or untracked file(s), first: '${first}'")
    else()
      check_end(git PASS "clean at ${GIT_DESC}")
    endif()
  endif()
endif()
