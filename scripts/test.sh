#!/usr/bin/env bash
# Runs every test of Roster, installing what the tests need and is missing first (Chromium's headless shell, PostgreSQL, axe-core),
# and starting a throw-away PostgreSQL server. The suite runs twice: on SQLite, then on PostgreSQL.
# Ends with the line "N passed, N failed" (", N skipped" when any). Under CI=true a skipped test fails the
# run: a browser or PostgreSQL test skipped for want of its server would hide a broken flow.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }
is_root() { [ "$(id -u)" = "0" ]; }
apt_updated=false
apt_install() {
  if ! $apt_updated; then apt-get update -qq; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Chromium for the browser tests (Debian's packages; Playwright cannot download its own browser here): the old
# headless shell, which the tests prefer (the same Blink at about half the processor time), else the whole browser.
if [ ! -x /usr/lib/chromium/chromium-headless-shell ]; then
  if is_root; then
    log "Installing Chromium's headless shell with apt-get"
    apt_install chromium-headless-shell
  elif [ ! -x /usr/bin/chromium ]; then
    log "Chromium is missing and this is not root: run 'sudo apt-get install chromium-headless-shell' (browser tests will be skipped)"
  fi
fi

# The tests' JavaScript tools (tests/js: axe-core, which checks every page the browser tests visit), from npm at
# the versions in its package-lock.json. Node.js from Debian's packages when it is missing.
if ! command -v npm >/dev/null 2>&1 && is_root; then
  log "Installing Node.js and npm with apt-get"
  apt_install nodejs npm
fi
if [ ! -d tests/js/node_modules ]; then
  if command -v npm >/dev/null 2>&1; then
    log "Installing the tests' JavaScript tools (npm ci in tests/js)"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  else
    log "npm is missing and this is not root: run 'sudo apt-get install nodejs npm' (browser tests will be skipped)"
  fi
fi

# PostgreSQL server binaries for the second run.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] && is_root; then
  log "Installing PostgreSQL with apt-get"
  apt_install postgresql
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "Restoring tools and packages"
dotnet tool restore >/dev/null
dotnet restore Roster.slnx >/dev/null

# Formatting and the order of usings; the build below enforces the analyzers and the code style at warning level
# (EnforceCodeStyleInBuild, warnings as errors), so a whole "dotnet format" would only check them a second time. The
# order of usings is checked by "dotnet format style" whatever rules it is given: it is given one (the placement of
# usings), which takes about 35 s instead of 55 s for every rule.
log "Checking formatting (dotnet format whitespace and style --verify-no-changes)"
dotnet format whitespace Roster.slnx --verify-no-changes --no-restore
dotnet format style Roster.slnx --verify-no-changes --no-restore --diagnostics IDE0065

log "Building (warnings are errors)"
dotnet build Roster.slnx --no-restore -nologo -clp:ErrorsOnly

# A throw-away PostgreSQL: its own folder, a free port on 127.0.0.1, no fsync; gone when this script ends.
pg_dir=""
stop_postgres() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
}
trap stop_postgres EXIT
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() {
  for port in $(seq 55432 55632); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  return 1
}
postgres=""
if [ -n "$(pg_bin)" ]; then
  pg_dir=$(mktemp -d)
  is_root && chown postgres:postgres "$pg_dir"
  port=$(free_port)
  log "Starting a throw-away PostgreSQL on 127.0.0.1:$port"
  as_pg "$(pg_bin)/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  if as_pg "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c max_connections=300 -c fsync=off" start >/dev/null; then
    postgres="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  else
    cat "$pg_dir/log" || true
  fi
fi

passed=0 failed=0 skipped=0
run_suite() {
  local name=$1 database=$2 output status total
  output=$(mktemp)
  log "Running the tests on $name"
  set +e
  ROSTER_TEST_DATABASE=$database ROSTER_TEST_POSTGRES=$postgres dotnet test --project tests/Roster.Tests --no-build 2>&1 \
    | tee "$output" | grep -vE '^\s+(info|warn|dbug|fail): |^\s{6,}\S'
  status=${PIPESTATUS[0]}
  set -e
  count() { awk -v key="$1" '$1 == key":" { value = $2 } END { print value + 0 }' "$output"; }
  total=$(count total)
  local run_passed run_failed run_skipped
  run_passed=$(count succeeded) run_failed=$(count failed) run_skipped=$(count skipped)
  rm -f "$output"
  if [ "$total" -eq 0 ]; then
    log "$name: no test ran"
    run_failed=$((run_failed + 1))
  elif [ "$status" -ne 0 ] && [ "$run_failed" -eq 0 ]; then
    # The runner failed without a failing test (a crash, a fixture that could not start): count it.
    run_failed=1
  fi
  log "$name: $run_passed of $total tests passed ($run_failed failing, $run_skipped skipped)"
  passed=$((passed + run_passed)) failed=$((failed + run_failed)) skipped=$((skipped + run_skipped))
  last_total=$total
}

last_total=0
run_suite SQLite sqlite
if [ -n "$postgres" ]; then
  run_suite PostgreSQL postgresql
else
  log "PostgreSQL could not be started: the PostgreSQL run is skipped"
  skipped=$((skipped + last_total))
fi

if [ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ]; then
  log "CI=true: $skipped skipped test(s) count as failures"
  failed=$((failed + skipped))
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
