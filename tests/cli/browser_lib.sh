# Shared by the browser tests (sourced; needs $work): finds Chromium (exit 77 when it is not
# installed), pass/fail counters, chrome NAME FILE [flags] -> $work/NAME.{dom,log,netlog},
# page_requests NETLOG and count PATTERN FILE.
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
