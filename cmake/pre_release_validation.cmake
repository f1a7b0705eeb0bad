# Pre-release validation: one command that says whether this tree can be released.
#
#   cmake -P cmake/pre_release_validation.cmake
#   cmake -DFAST=ON -P cmake/pre_release_validation.cmake              # CI: see below
#   cmake -DSKIP=docs,deb_install -DWORK_DIR=<dir> -DKEEP=ON -P cmake/pre_release_validation.cmake
#
# (-D options go before -P.) It builds the *source package* — not the working tree — so what
# is validated is exactly what would be shipped, then tests, installs, packages and consumes
# it the three ways users do. Every check runs the real command; its output goes to
# <WORK_DIR>/logs/<check>.log. The result is a ✓/✗ table; any ✗ makes the exit status
# non-zero. A check is shown as "–" only when SKIP names it or it cannot apply (no git
# checkout) — never as ✓.
#
# Options (also read from the environment as BIOXEN_VALIDATION_<NAME>, for CTest presets):
#   SKIP      checks to leave out, comma-separated ids from the table (e.g. docs,deb_install);
#             the build chain (source_package configure build install packages) cannot be
#   FAST      ON: SKIP tests,fetchcontent and build neither tests nor benchmarks — for CI,
#             whose dev, asan and tsan jobs build and run them (packaging tests included)
#   WORK_DIR  scratch directory (default: a fresh one under $TMPDIR or /tmp); must not be
#             inside the source tree except under build/
#   KEEP      ON: keep the scratch builds (the packages in <WORK_DIR>/dist are always kept)
#   JOBS      parallel build and test jobs (default 2)
#   CXX       C++ compiler for every build (default: CMake's choice)
#   VERBOSE   ON: echo every command's output while it runs
#   CONTACT   the Maintainer of the .deb packages, "Name <address>" (BIOXEN_PACKAGE_CONTACT of
#             the build); required: without it the packages check fails, as the project has
#             no address of its own to put there
#
# The deb_install check installs the freshly built .deb files with dpkg (root only), builds a
# consumer against /usr and removes them again. If it is interrupted, restore the machine
# with `dpkg -r bioxen libbioxen-dev`.
#
# The checks live in cmake/prerelease/, one file per family, included below in the order they
# run; they share this script's variable scope.
cmake_minimum_required(VERSION 3.25)

get_filename_component(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_bioxen_prerelease_dir "${CMAKE_CURRENT_LIST_DIR}/prerelease")

include("${_bioxen_prerelease_dir}/settings.cmake")  # options, check list, version, WORK_DIR
include("${_bioxen_prerelease_dir}/helpers.cmake")   # check_begin, check_end, run, ...

message(NOTICE "BioXen ${VERSION} pre-release validation")
message(NOTICE "  source: ${SOURCE_DIR}")
message(NOTICE "  work:   ${WORK_DIR} (logs/ has every command and its output)")
if(SKIP)
  string(REPLACE ";" ", " _skips "${SKIP}")
  message(NOTICE "  skip:   ${_skips}")
endif()

include("${_bioxen_prerelease_dir}/structure.cmake")              # 1
include("${_bioxen_prerelease_dir}/git.cmake")                    # 2
include("${_bioxen_prerelease_dir}/dependencies.cmake")           # 3
include("${_bioxen_prerelease_dir}/source_package.cmake")         # 4
include("${_bioxen_prerelease_dir}/build_and_test.cmake")         # 5-7
include("${_bioxen_prerelease_dir}/install_and_consumers.cmake")  # 8-11
include("${_bioxen_prerelease_dir}/packages.cmake")               # 12-13
include("${_bioxen_prerelease_dir}/versions.cmake")               # 14
include("${_bioxen_prerelease_dir}/docs.cmake")                   # 15
include("${_bioxen_prerelease_dir}/summary.cmake")                # the table, the exit status
