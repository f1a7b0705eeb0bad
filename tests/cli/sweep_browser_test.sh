#!/bin/sh
# The sweep report in a real browser: bioxen sweeps the growth-law example with the Scott et
# al. 2010 data beside it and writes the HTML report; headless Chromium loads it, takes a
# screenshot and dumps the DOM; the test checks the charts' lines, points and reference data
# and that the page requests nothing.
#
#   sh sweep_browser_test.sh BIOXEN EXAMPLES_SWEEPS_DIR WORK_DIR
#
# Exit 0 pass, 1 fail, 77 skipped (only when Chromium is not installed).
set -u

bioxen=$1
sweeps=$2
work=$3

. "$(dirname "$0")/browser_lib.sh"

rm -rf "$work"
mkdir -p "$work"
report="$work/sweep.html"

# 1. The growth-law sweep (3 host growth conditions x 7 guest shares) with the reference data.
if ! "$bioxen" sweep "$sweeps/growth_law.json" --out "$work/growth.csv" --no-progress \
  --report "$report" --report-x guest_translation_fraction \
  --report-metrics host_slowdown,host_growth_rate_per_h \
  --report-reference "$sweeps/scott2010_unneeded_protein.tsv" >"$work/sweep.txt" 2>&1; then
  cat "$work/sweep.txt"
  echo "FAIL: bioxen sweep did not write the report"
  exit 1
fi
pass "bioxen wrote $(wc -c <"$report") bytes of HTML"

static_checks "$report"

# 2. Load it: DOM and screenshot; nothing requested, nothing blocked.
load_page "$report" "$work/sweep.png" 1800

# 3. The DOM: two charts, each with one line of 7 points per growth condition.
dom="$work/dom.dom"
for metric in host_slowdown host_growth_rate_per_h; do
  sed -n "/data-metric=\"$metric\"/,/<\/svg>/p" "$dom" >"$work/chart-$metric.svg"
  [ -s "$work/chart-$metric.svg" ] || fail "chart $metric is missing from the DOM"
  for d in 24.0 46.1 68.1; do
    n=$(count "<path class=\"line\" data-line=\"$d\" data-points=\"7\"[^>]* d=\"M" \
      "$work/chart-$metric.svg")
    [ "$n" -eq 1 ] && pass "chart $metric: the line of host_doubling_alone_min $d has 7 points" ||
      fail "chart $metric: no line of 7 points for host_doubling_alone_min $d"
    n=$(count "<circle class=\"pt\" data-line=\"$d\"" "$work/chart-$metric.svg")
    [ "$n" -eq 7 ] || fail "chart $metric: $n points drawn for $d, expected 7"
  done
done
# The 32 Scott et al. points (13, 9 and 10 per medium: A, B and C) beside
# the slow-down, and none beside the growth rate (the reference has no such column).
rows=$(grep -vc '^#' "$sweeps/scott2010_unneeded_protein.tsv")
expected=$((rows - 1))
n=$(count '<circle class="ref"' "$work/chart-host_slowdown.svg")
[ "$n" -eq "$expected" ] && pass "chart host_slowdown: $n reference points" ||
  fail "chart host_slowdown: $n reference points, expected $expected"
for d in 24.0 46.1 68.1; do
  want=$(awk -F'\t' -v d="$d" '!/^#/ && $1 == d' "$sweeps/scott2010_unneeded_protein.tsv" | wc -l)
  n=$(count "<circle class=\"ref\" data-line=\"$d\"" "$work/chart-host_slowdown.svg")
  [ "$n" -eq "$want" ] || fail "chart host_slowdown: $n reference points on line $d, expected $want"
done
n=$(count '<circle class="ref"' "$work/chart-host_growth_rate_per_h.svg")
[ "$n" -eq 0 ] || fail "chart host_growth_rate_per_h: $n reference points, expected none"
n=$(count '<td class="num">' "$dom")
[ "$n" -ge 63 ] && pass "points table: $n numeric cells" || fail "points table: $n numeric cells"

# 4. A report column the results lack is a usage error before anything runs.
"$bioxen" sweep "$sweeps/growth_law.json" --report "$work/bad.html" --report-metrics nope \
  >"$work/bad.txt" 2>&1
status=$?
[ "$status" -eq 2 ] && grep -q "metric 'nope'" "$work/bad.txt" && [ ! -e "$work/bad.html" ] &&
  pass "an unknown column: exit 2, named, no report" ||
  fail "an unknown column: exit $status, $(cat "$work/bad.txt")"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed; files in $work"
  exit 1
fi
echo "sweep browser test passed; screenshot: $work/sweep.png"
exit 0
