#!/bin/sh
# The sweep figures of docs/PERFORMANCE.md ("Sweeps"): points per second of a 4-guest, 1-hour
# scenario (tests/benchmarks/sweep_4guests.json, 1,600 points) on 1 and 2 threads and on 2 MPI
# ranks, each the median of REPEAT runs (default 3) of the whole command.
#   sh tests/benchmarks/sweep_perf.sh BIOXEN [MPIEXEC]
# BIOXEN: a Release build of the tool (with -DBIOXEN_WITH_MPI=ON for the MPI figure).
# MPIFLAGS: more options for MPIEXEC, e.g. "--mca pml ob1" (docs/SWEEPS.md: start-up).
set -eu
bioxen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mpiexec=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
sweep="$here/sweep_4guests.json"
repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Median wall-clock seconds of a command run $repeat times.
median() {
  i=0
  : >times
  while [ "$i" -lt "$repeat" ]; do
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || [ $? = 5 ]
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l >>times
    i=$((i + 1))
  done
  sort -n times | sed -n "$(((repeat + 1) / 2))p"
}

points=$("$bioxen" sweep "$sweep" --out p.csv --overwrite --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["points"])')
t1=$(median "$bioxen" sweep "$sweep" --out a.csv --overwrite --jobs 1 --no-progress)
t2=$(median "$bioxen" sweep "$sweep" --out b.csv --overwrite --jobs 2 --no-progress)
cmp a.csv b.csv
echo "points: $points (4 guests, 1 h of virtual time each)"
printf '1 thread : %.2f s, %.2f points/s\n' "$t1" "$(echo "$points / $t1" | bc -l)"
printf '2 threads: %.2f s, %.2f points/s, parallel efficiency %.1f %%\n' "$t2" \
  "$(echo "$points / $t2" | bc -l)" "$(echo "100 * $t1 / (2 * $t2)" | bc -l)"
if [ -n "$mpiexec" ]; then
  flags="--oversubscribe ${MPIFLAGS:-}"
  if [ "$(id -u)" = 0 ]; then flags="$flags --allow-run-as-root"; fi
  # shellcheck disable=SC2086
  tm=$(median "$mpiexec" $flags -np 2 "$bioxen" sweep "$sweep" --out m.csv --overwrite --jobs 1 --no-progress)
  cmp a.csv m.csv
  printf '2 MPI ranks x 1 thread%s: %.2f s, %.2f points/s, %.1f %% of 2 threads\n' "${MPIFLAGS:+ ($MPIFLAGS)}" \
    "$tm" "$(echo "$points / $tm" | bc -l)" "$(echo "100 * $t2 / $tm" | bc -l)"
fi
# The machinery's overhead per point is bench_sweep_machinery's (Google Benchmark, in process).
