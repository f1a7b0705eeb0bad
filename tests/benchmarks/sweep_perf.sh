#!/bin/sh
# The sweep figures of docs/PERFORMANCE.md ("Sweeps"): points per second of a 4-guest, 1-hour
# scenario (tests/benchmarks/sweep_4guests.json, 16 points) on 1 and 2 threads and on 2 MPI
# ranks, and the per-point overhead of the sweep machinery against `bioxen run` of the same
# point. Each timing is the median of REPEAT runs (default 3) of the whole command.
#   sh tests/benchmarks/sweep_perf.sh BIOXEN [MPIEXEC]
# BIOXEN: a Release build of the tool (with -DBIOXEN_WITH_MPI=ON for the MPI figure).
set -eu
bioxen=$1
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

points=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(s['parameters'][0]['range']['steps'])" "$sweep")
t1=$(median "$bioxen" sweep "$sweep" --out a.csv --overwrite --jobs 1 --no-progress)
t2=$(median "$bioxen" sweep "$sweep" --out b.csv --overwrite --jobs 2 --no-progress)
cmp a.csv b.csv
echo "points: $points (4 guests, 1 h of virtual time each)"
printf '1 thread : %.2f s, %.2f points/s\n' "$t1" "$(echo "$points / $t1" | bc -l)"
printf '2 threads: %.2f s, %.2f points/s, parallel efficiency %.1f %%\n' "$t2" \
  "$(echo "$points / $t2" | bc -l)" "$(echo "100 * $t1 / (2 * $t2)" | bc -l)"
if [ -n "$mpiexec" ]; then
  flags="--oversubscribe"
  if [ "$(id -u)" = 0 ]; then flags="$flags --allow-run-as-root"; fi
  # shellcheck disable=SC2086
  tm=$(median "$mpiexec" $flags -np 2 "$bioxen" sweep "$sweep" --out m.csv --overwrite --jobs 1 --no-progress)
  cmp a.csv m.csv
  printf '2 MPI ranks x 1 thread: %.2f s, %.2f points/s, %.1f %% of 2 threads\n' "$tm" \
    "$(echo "$points / $tm" | bc -l)" "$(echo "100 * $t2 / $tm" | bc -l)"
fi
# The machinery's overhead per point: the sweep's time per point on one thread against the
# time of the same scenario run alone (`bioxen run`, its wall_seconds: the simulation only).
python3 - "$bioxen" "$sweep" "$t1" "$points" <<'PY'
import json, subprocess, sys, statistics
bioxen, sweep, t1, points = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
s = json.load(open(sweep))
base = s["base"]
runs = []
for units in range(4, 4 + points):
    base["vms"][0]["allocation"]["ribosomes"] = units
    out = subprocess.run([bioxen, "run", "-", "--json", "--no-progress"], input=json.dumps(base),
                         capture_output=True, text=True, check=True).stdout
    runs.append(json.loads(out)["wall_seconds"])
per_point = t1 / points
alone = statistics.mean(runs)
print(f"per point: {per_point * 1000:.1f} ms in the sweep, {alone * 1000:.1f} ms simulating alone "
      f"(bioxen run's wall_seconds); overhead {100 * (per_point - alone) / alone:+.2f} % "
      f"(process start, reading and checking the sweep, writing the files included)")
PY
