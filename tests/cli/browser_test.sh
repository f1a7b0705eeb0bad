#!/bin/sh
# The HTML report in a real browser: bioxen writes a report, headless Chromium loads it,
# takes a screenshot and dumps the DOM; the test checks that every chart has data and that
# the page requests nothing from the network.
#
#   sh browser_test.sh BIOXEN SCENARIO_DIR WORK_DIR
#
# Exit 0 pass, 1 fail, 77 skipped (only when Chromium is not installed; install it with
# `sh cmake/setup-debian.sh --browser`). The report, DOM, screenshot (report.png) and logs
# stay in WORK_DIR for a look.
set -u

bioxen=$1
scenarios=$2
work=$3

. "$(dirname "$0")/browser_lib.sh"

rm -rf "$work"
mkdir -p "$work"
report="$work/report.html"

# 1. The report of a scenario with three VMs, a create, a stop and a destroy.
if ! "$bioxen" run "$scenarios/fair_share.json" --report "$report" >"$work/run.txt" 2>&1; then
  cat "$work/run.txt"
  echo "FAIL: bioxen run did not write the report"
  exit 1
fi
pass "bioxen wrote $(wc -c <"$report") bytes of HTML"

# 2. Static checks: nothing in the file could fetch anything.
static_checks "$report"

# 3. Load the report: DOM and screenshot; 4. nothing requested, nothing blocked.
load_page "$report" "$work/report.png" 2000

# 5. The checks can see a request: a copy that loads an image must be caught, by the net
#    log without the CSP and by the console with it.
probe='<img src="https://example.invalid/bioxen-probe.png" alt="">'
sed "s|<main>|<main>$probe|; s|<meta http-equiv=\"Content-Security-Policy\"[^>]*>||" "$report" \
  >"$work/probe-open.html"
sed "s|<main>|<main>$probe|" "$report" >"$work/probe-csp.html"
chrome probe-open "$work/probe-open.html" --dump-dom
case "$(page_requests "$work/probe-open.netlog")" in
  *example.invalid*) pass "control: a request from the page shows in the net log" ;;
  *) fail "control: the net log did not show the probe request" ;;
esac
chrome probe-csp "$work/probe-csp.html" --dump-dom
if grep -q "Content Security Policy" "$work/probe-csp.log" &&
  [ -z "$(page_requests "$work/probe-csp.netlog")" ]; then
  pass "control: the CSP blocks and logs the probe request"
else
  fail "control: the CSP did not block and log the probe request"
fi

# 6. DOM checks: each chart is there and has data for each VM (and the host).
dom="$work/dom.dom"

chart() { sed -n "/data-chart=\"$1\"/,/<\/svg>/p" "$dom" >"$work/chart-$1.svg"; }
for c in allocation schedule atp proteins host; do
  chart "$c"
  [ -s "$work/chart-$c.svg" ] || fail "chart $c is missing from the DOM"
done
vms=3
for c in allocation atp; do
  n=$(count '<path class="area" data-vm="[^"]*" data-points="[1-9][0-9]*"' "$work/chart-$c.svg")
  [ "$n" -eq "$vms" ] && pass "chart $c: $n areas with data" ||
    fail "chart $c: $n areas with data points, expected $vms"
done
n=$(count '<path class="line series" data-vm="[^"]*" data-points="[1-9][0-9]*"' "$work/chart-proteins.svg")
[ "$n" -eq "$vms" ] && pass "chart proteins: $n lines with data" ||
  fail "chart proteins: $n lines with data points, expected $vms"
for vm in ecoli syn3a minimal; do
  n=$(count "<rect class=\"slot\" data-vm=\"$vm\"" "$work/chart-schedule.svg")
  [ "$n" -ge 1 ] && pass "chart schedule: $n slots for $vm" || fail "chart schedule: no slot for $vm"
done
# The host's growth rate (the physiological work model, the default) and the host alone's.
n=$(count '<path class="line growth" data-line="growth" data-points="[1-9][0-9]*" d="M' "$work/chart-host.svg")
[ "$n" -eq 1 ] && pass "chart host: the growth rate has data" ||
  fail "chart host: no growth-rate line with data points"
n=$(count '<path class="line reference" data-line="reference" d="M' "$work/chart-host.svg")
[ "$n" -eq 1 ] && pass "chart host: the host alone's rate (dashed)" ||
  fail "chart host: no reference line"
grep -q '<h3>Host cell (physiological work model)</h3>' "$dom" || fail "no host cell table"
n=$(count 'class="marker" data-marker=' "$dom")
[ "$n" -ge 8 ] && pass "event markers: $n" || fail "event markers: $n, expected at least 8"
n=$(count '<table>' "$dom")
[ "$n" -ge 5 ] && pass "summary tables: $n" || fail "summary tables: $n, expected at least 5"
grep -q '<h3>Per-VM work (virtual time)</h3>' "$dom" || fail "no per-VM work table"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed; files in $work"
  exit 1
fi
echo "browser test passed; screenshot: $work/report.png"
exit 0
