#!/bin/sh
# `mpirun -np 2 bioxen sweep` writes the same files as a run on one machine, and resumes
# results it did not write itself (docs/SWEEPS.md). Run by CTest (cli.sweep_mpi) when the
# tool is built with MPI:
#   sweep_mpi_test.sh BIOXEN MPIEXEC SWEEP WORK_DIR
set -eu
bioxen=$1
mpiexec=$2
sweep=$3
work=$4
rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# As root (CI's containers), Open MPI wants to be told that it may run.
flags="--oversubscribe"
if [ "$(id -u)" = 0 ]; then flags="$flags --allow-run-as-root"; fi

"$bioxen" sweep "$sweep" --out local.csv --jsonl local.jsonl --jobs 2 --no-progress >local.txt ||
  fail "the local sweep exited with $?: $(cat local.txt)"
# shellcheck disable=SC2086 # $flags is a list of options
"$mpiexec" $flags -np 2 "$bioxen" sweep "$sweep" --out mpi.csv --jsonl mpi.jsonl --jobs 1 \
  --no-progress >mpi.txt 2>&1 || fail "mpirun -np 2 exited with $?: $(cat mpi.txt)"
grep -q "in each of 2 MPI processes" mpi.txt || fail "not run on 2 ranks: $(cat mpi.txt)"
cmp local.csv mpi.csv || fail "the CSV of 2 ranks differs from the local one"
cmp local.jsonl mpi.jsonl || fail "the JSON lines of 2 ranks differ from the local ones"

# Three ranks of two threads each (more threads than cores): rank 0 shares the points out as
# threads become free, and the files are the same bytes again.
# shellcheck disable=SC2086
"$mpiexec" $flags -np 3 "$bioxen" sweep "$sweep" --out mpi3.csv --jsonl mpi3.jsonl --jobs 2 \
  --no-progress >mpi3.txt 2>&1 || fail "mpirun -np 3 exited with $?: $(cat mpi3.txt)"
grep -q "in each of 3 MPI processes" mpi3.txt || fail "not run on 3 ranks: $(cat mpi3.txt)"
cmp local.csv mpi3.csv || fail "the CSV of 3 ranks differs from the local one"
cmp local.jsonl mpi3.jsonl || fail "the JSON lines of 3 ranks differ from the local ones"

# Resume under MPI: the header and four rows of the local run, as a killed sweep leaves them.
head -n 5 local.csv >part.csv
# shellcheck disable=SC2086
"$mpiexec" $flags -np 2 "$bioxen" sweep "$sweep" --out part.csv --resume --json >resume.json \
  2>resume.err || fail "mpirun --resume exited with $?: $(cat resume.err)"
grep -Eq '"resumed": ?4' resume.json || fail "not resumed from 4 rows: $(cat resume.json)"
cmp local.csv part.csv || fail "the resumed CSV differs from the local one"

# An error before anything runs is rank 0's one line, with the exit code of a local run.
echo '{"base": {}, "parameters": [,]}' >bad.json
set +e
# shellcheck disable=SC2086
"$mpiexec" $flags -np 2 "$bioxen" sweep bad.json >bad.out 2>bad.err
rc=$?
set -e
[ "$rc" = 3 ] || fail "a malformed sweep under mpirun exited with $rc, not 3"
[ "$(grep -c '^error \[BX005\]' bad.err)" = 1 ] || fail "not one error line: $(cat bad.err)"
echo "ok: 2 and 3 ranks wrote the local results, 2 resumed them and refused a bad sweep"
