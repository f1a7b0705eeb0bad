#!/bin/sh
# What including BioXen costs a user's translation unit: preprocessed lines and compile time
# (median of N runs, -O2 -c and -fsyntax-only) of three small files, against the headers
# of one source tree.
#
#   tests/benchmarks/compile_time.sh [include-dir] [runs]
#
# Results and the machine: docs/PERFORMANCE.md, section "Compile time".
set -eu
inc=${1:-"$(dirname "$0")/../../include"}
runs=${2:-5}
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/hypervisor_one_vm.cpp" <<'CPP'
#include <bioxen/hypervisor.hpp>
int main() {
  bioxen::BioXenHypervisor hv;
  hv.create_vm("vm1", "syn3a");
  hv.start_vm("vm1");
  hv.run_quanta(10);
  return hv.vm_count() == 1 ? 0 : 1;
}
CPP
printf '#include <bioxen/error.hpp>\n' > "$work/error_only.cpp"
printf '#include <bioxen/bioxen.hpp>\nint main() { return 0; }\n' > "$work/everything.cpp"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() {  # seconds of one compiler run
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

printf '%-22s %12s %12s %14s\n' "translation unit" "lines (-E)" "-O2 -c (s)" "-fsyntax-only (s)"
for tu in hypervisor_one_vm error_only everything; do
  src="$work/$tu.cpp"
  lines=$("$cxx" -std=c++20 -I"$inc" -E "$src" | wc -l)
  o2=$(i=0; while [ $i -lt "$runs" ]; do
         seconds "$cxx" -std=c++20 -O2 -I"$inc" -c "$src" -o "$work/x.o"; i=$((i + 1)); done | median)
  syn=$(i=0; while [ $i -lt "$runs" ]; do
          seconds "$cxx" -std=c++20 -I"$inc" -fsyntax-only "$src"; i=$((i + 1)); done | median)
  printf '%-22s %12s %12.2f %14.2f\n' "$tu" "$lines" "$o2" "$syn"
done
