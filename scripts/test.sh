#!/usr/bin/env bash
# Runs every test of Roster, installing what the tests need and is missing first.
# Ends with the line "N passed, N failed" (", N skipped" when any). Under CI=true a skipped test fails the run:
# a browser test skipped for want of Chromium would hide a broken flow.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

# Chromium for the browser tests (Debian's package; Playwright cannot download its own browser here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    log "Installing Chromium with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "Chromium is missing and this is not root: run 'sudo apt-get install chromium' (browser tests will be skipped)"
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "Restoring tools and packages"
dotnet tool restore >/dev/null
dotnet restore Roster.slnx >/dev/null

log "Checking formatting (dotnet format --verify-no-changes)"
dotnet format Roster.slnx --verify-no-changes --no-restore

log "Building (warnings are errors)"
dotnet build Roster.slnx --no-restore -nologo -clp:ErrorsOnly

log "Running the tests"
output=$(mktemp)
set +e
dotnet test --project tests/Roster.Tests --no-build 2>&1 | tee "$output" | grep -vE '^\s+(info|warn|dbug): |^\s{6,}\S' 
status=${PIPESTATUS[0]}
set -e

count() { awk -v key="$1" '$1 == key":" { value = $2 } END { print value + 0 }' "$output"; }
passed=$(count succeeded)
failed=$(count failed)
skipped=$(count skipped)
total=$(count total)
rm -f "$output"

if [ "$total" -eq 0 ]; then
  echo "No test ran."
  failed=$((failed + 1))
elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failing test (a crash, a fixture that could not start): count it.
  failed=1
fi
if [ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ]; then
  echo "CI=true: $skipped skipped test(s) count as failures."
  failed=$((failed + skipped))
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
