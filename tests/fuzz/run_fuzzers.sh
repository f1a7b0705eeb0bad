#!/bin/sh
# CI: builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and fuzzes every target for
# BIOXEN_FUZZ_SECONDS seconds (default 60), two at a time; any crash, sanitizer report, leak or
# input slower than 5 s fails. Artifacts: build/fuzz/fuzz-work/artifacts/<target>/.
#   sh tests/fuzz/run_fuzzers.sh              # from anywhere in the repository
#   BIOXEN_FUZZ_SECONDS=3600 sh tests/fuzz/run_fuzzers.sh
set -eu
cd "$(dirname "$0")/../.."
seconds="${BIOXEN_FUZZ_SECONDS:-60}"
cmake --preset fuzz -DBIOXEN_FUZZ_SECONDS="$seconds"
cmake --build --preset fuzz
ctest --preset fuzz
