#!/bin/sh
# What including BioXen costs a user's translation unit: preprocessed lines and compile time
# (the compiler's CPU time, user + system, median of N runs, -O2 -c and -fsyntax-only) of
# three small files, against the headers of one source tree. CPU time rather than wall time,
# so that other work on the machine changes the figures less.
#
#   tests/benchmarks/compile_time.sh [include-dir] [runs]
#
# Needs GNU time (/usr/bin/time, Debian package "time"). Results and the machine:
# docs/PERFORMANCE.md, section "Compile time".
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
  hv.create_vm("vm1", "syn3a_recoded");
  hv.start_vm("vm1");
  hv.run_quanta(10);
  return hv.vm_count() == 1 ? 0 : 1;
}
CPP
printf '#include <bioxen/error.hpp>\n' > "$work/error_only.cpp"
printf '#include <bioxen/bioxen.hpp>\nint main() { return 0; }\n' > "$work/everything.cpp"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() {  # CPU seconds (user + system) of one compiler run and its children
  /usr/bin/time -f '%U %S' -o "$work/time" "$@" > /dev/null 2>&1
  awk '{print $1 + $2}' "$work/time"
}

printf '%-22s %12s %14s %20s\n' "translation unit" "lines (-E)" "-O2 -c (CPU s)" "-fsyntax-only (CPU s)"
for tu in hypervisor_one_vm error_only everything; do
  src="$work/$tu.cpp"
  lines=$("$cxx" -std=c++20 -I"$inc" -E "$src" | wc -l)
  o2=$(i=0; while [ $i -lt "$runs" ]; do
         seconds "$cxx" -std=c++20 -O2 -I"$inc" -c "$src" -o "$work/x.o"; i=$((i + 1)); done | median)
  syn=$(i=0; while [ $i -lt "$runs" ]; do
          seconds "$cxx" -std=c++20 -I"$inc" -fsyntax-only "$src"; i=$((i + 1)); done | median)
  printf '%-22s %12s %14.2f %20.2f\n' "$tu" "$lines" "$o2" "$syn"
done
