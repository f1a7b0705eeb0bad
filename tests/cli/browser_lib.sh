# Shared by the browser tests (sourced; needs $work): finds Chromium (exit 77 when it is not
# installed), pass/fail counters, chrome NAME FILE [flags] -> $work/NAME.{dom,log,netlog},
# page_requests NETLOG, count PATTERN FILE, static_checks HTML and load_page HTML PNG.
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$(command -v "$candidate")
    break
  fi
done
if [ -z "$browser" ]; then
  echo "SKIPPED: Chromium is not installed; run 'sh cmake/setup-debian.sh --browser' to install it"
  exit 77
fi

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() {
  echo "ok: $*"
}

# Runs Chromium on a file: chrome NAME FILE [extra flags...] -> $work/NAME.{dom,log,netlog}
chrome() {
  name=$1
  file=$2
  shift 2
  profile="$work/profile-$name"
  rm -rf "$profile"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --enable-logging=stderr --v=1 --log-net-log="$work/$name.netlog" "$@" "file://$file" \
    >"$work/$name.dom" 2>"$work/$name.log"
  status=$?
  rm -rf "$profile"
  return $status
}

# Requests the page itself made (Chromium's own update and account checks are not the
# page's: their network isolation key is not the file:// page).
page_requests() {
  grep '"network_isolation_key":"file://' "$1" | grep -o '"url":"[a-z]*:[^"]*"' |
    grep -v '"url":"\(file\|data\):' | sort -u
}

count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

# Nothing in the file could fetch anything: a CSP of default-src 'none', no src= or href=, no
# network URL, no script, link, iframe, object, embed or img element.
static_checks() {
  before=$failures
  grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'" "$1" ||
    fail "no Content-Security-Policy default-src 'none'"
  if grep -Eq '(src|href)=' "$1"; then fail "the HTML has src= or href= attributes"; fi
  if grep -Eiq '(https?|ftp|wss?):' "$1"; then fail "the HTML names a network URL"; fi
  if grep -Eiq '<(script|link|iframe|object|embed|img)' "$1"; then
    fail "the HTML has script, link, iframe, object, embed or img elements"
  fi
  [ "$failures" -eq "$before" ] && pass "no scripts, links, images or URLs; CSP default-src 'none'"
}

# Loads the page twice: its DOM into $work/dom.dom, a screenshot into PNG (1280 x HEIGHT);
# then checks that the page requested nothing (net log) and the CSP blocked nothing (console).
load_page() {
  chrome dom "$1" --dump-dom || fail "Chromium --dump-dom failed (see $work/dom.log)"
  chrome shot "$1" --window-size=1280,"$3" --hide-scrollbars --screenshot="$2" ||
    fail "Chromium --screenshot failed (see $work/shot.log)"
  if [ -s "$2" ] && [ "$(wc -c <"$2")" -gt 20000 ]; then
    pass "screenshot $2 ($(wc -c <"$2") bytes)"
  else
    fail "no screenshot (or a blank one) at $2"
  fi
  for run in dom shot; do
    requests=$(page_requests "$work/$run.netlog")
    [ -z "$requests" ] || fail "the page requested: $requests"
    if grep -q "Content Security Policy" "$work/$run.log"; then
      fail "the page tried to load something the CSP blocked: $(grep -m1 'Content Security Policy' "$work/$run.log")"
    fi
  done
  pass "the page made no network request (net log) and the CSP blocked nothing (console)"
}
