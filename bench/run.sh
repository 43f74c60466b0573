#!/usr/bin/env bash
# Roster HTTP benchmark. Publishes the app in Release to a temp folder and starts it on 127.0.0.1 with a
# throw-away database (SQLite by default; BENCH_DATABASE=postgresql starts a throw-away PostgreSQL 15 with fsync
# on). Through the API it creates an Admin, a workspace, a Viewer member (who joins by an invitation link) and a
# workspace API key, warms up, then measures each endpoint with wrk and prints a markdown table, each endpoint's
# rate as a ratio of /healthz's in the same run. Any non-2xx answer fails the run.
# Not part of the test suite. Usage: bash bench/run.sh   (root on Debian 12; needs the .NET 10 SDK)
#
# Tunables (environment):
#   BENCH_DATABASE     sqlite (default) or postgresql
#   BENCH_THREADS      wrk threads (2)             BENCH_CONNECTIONS  wrk connections (32)
#   BENCH_DURATION     seconds per endpoint (10)   BENCH_WARMUP       warm-up seconds per endpoint (6)
#   BENCH_ONLY         endpoints to measure, comma-separated keys (see ENDPOINTS below); /healthz is always measured
#   BENCH_APP          a folder already published with `dotnet publish -c Release` (skips the publish step)
#   BENCH_HOLD         a file: after creating the data, write the server's address, credentials and bodies there
#                      (shell assignments) and keep the server until interrupted, for measurements by hand
#   BENCH_PROFILE      after measuring, profile the server under wrk load of BENCH_PROFILE_ENDPOINT (authorize)
#                      for BENCH_PROFILE_SECONDS (20), into BENCH_PROFILE_DIR (a new folder under /tmp):
#                        trace  dotnet-trace (the repository's tool manifest), sampled managed stacks of every
#                               thread, waiting ones included; a speedscope file and the top functions
#                        perf   Linux perf (apt: linux-perf), CPU samples of the server's threads only, native code
#                               (SQLite, the kernel) included; the server starts with DOTNET_PerfMapEnabled=1 and
#                               DOTNET_EnableWriteXorExecute=0 so that JIT-compiled methods have names. Reports: by
#                               library, by function, and inclusive
set -euo pipefail
export LC_ALL=C

DATABASE=${BENCH_DATABASE:-sqlite}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-6}
ONLY=${BENCH_ONLY:-}
PROFILE=${BENCH_PROFILE:-}
PROFILE_ENDPOINT=${BENCH_PROFILE_ENDPOINT:-authorize}
PROFILE_SECONDS=${BENCH_PROFILE_SECONDS:-20}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$(mktemp -d /tmp/roster-bench.XXXXXX)
SERVER_PID=""
PG_DIR=""
PG_BIN=/usr/lib/postgresql/15/bin

fail() { echo "bench: FAILED: $*" >&2; exit 1; }

cleanup() {
    local status=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -f "$WORK/server.log" ]]; then
        echo "--- last lines of the server log ---" >&2
        tail -n 40 "$WORK/server.log" >&2 || true
    fi
    if [[ -n "$PG_DIR" ]]; then
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$DATABASE" in
    sqlite) DATABASE_NAME=SQLite ;;
    postgresql) DATABASE_NAME=PostgreSQL ;;
    *) fail "BENCH_DATABASE must be sqlite or postgresql, not '$DATABASE'" ;;
esac

# 1. Tools.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[[ "$DATABASE" == postgresql && ! -x "$PG_BIN/initdb" ]] && missing+=(postgresql-15)
[[ "$PROFILE" == perf ]] && ! command -v perf >/dev/null 2>&1 && missing+=(linux-perf)
case "$PROFILE" in ""|trace|perf) ;; *) fail "BENCH_PROFILE must be trace or perf, not '$PROFILE'" ;; esac
if (( ${#missing[@]} )); then
    command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
    echo "bench: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"

echo "bench: machine: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), dotnet $(dotnet --version), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "bench: $(wrk --version 2>&1 | head -n 1)"

free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$(( 20000 + RANDOM % 40000 ))
        # A refused connection means nothing listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
    done
    return 1
}

# 2. Publish to the temp folder (never the repository's bin/obj), unless given a published folder.
if [[ -n "${BENCH_APP:-}" ]]; then
    APP=$(cd "$BENCH_APP" && pwd)
    [[ -f "$APP/Roster.dll" ]] || fail "BENCH_APP=$BENCH_APP holds no Roster.dll"
    echo "bench: using the app published in $APP"
else
    APP=$WORK/app
    echo "bench: publishing src/Roster (Release) to $APP"
    dotnet publish "$ROOT/src/Roster" -c Release -o "$APP" --artifacts-path "$WORK/artifacts" \
        -nologo -v quiet >"$WORK/publish.log" 2>&1 || { cat "$WORK/publish.log" >&2; fail "dotnet publish"; }
fi

# 3. The database. PostgreSQL: a throw-away cluster with the default durability (fsync and synchronous_commit
# on, as in production); only initdb's own files skip fsync.
DATABASE_ENV=()
if [[ "$DATABASE" == postgresql ]]; then
    PG_DIR=$(mktemp -d /tmp/roster-bench-pg.XXXXXX)
    chown postgres:postgres "$PG_DIR"
    PG_PORT=$(free_port) || fail "no free port for PostgreSQL"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; fail "initdb"; }
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR" start >/dev/null \
        || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start"; }
    echo "bench: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, data in $PG_DIR" \
        "(fsync $(runuser -u postgres -- "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc 'show fsync'))"
    DATABASE_ENV=(Roster__Database__Provider=PostgreSql
        "ConnectionStrings__Roster=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres")
fi

# 4. The server.
PROFILE_ENV=()
# perf names JIT-compiled code from /tmp/perf-PID.map, which needs code outside W^X's double mapping.
[[ "$PROFILE" == perf ]] && PROFILE_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
PORT=$(free_port) || fail "no free port found"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data"
# New workspaces start on Enterprise: the bench's workspace uses an API key, which the shipped Free default plan locks.
(
    cd "$APP"
    exec env ASPNETCORE_ENVIRONMENT=Production \
        ASPNETCORE_URLS="$BASE" \
        DOTNET_NOLOGO=1 \
        Roster__DataFolder="$WORK/data" \
        Roster__PublicUrl="$BASE" \
        Roster__RateLimits__CredentialsPerAccountPerMinute=100000000 \
        Roster__RateLimits__CredentialsPerAddressPerMinute=100000000 \
        Roster__RateLimits__LinksPerAddressPerMinute=100000000 \
        Roster__Plans__Default=Enterprise \
        "${DATABASE_ENV[@]}" \
        "${PROFILE_ENV[@]}" \
        dotnet Roster.dll
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
echo "bench: server pid $SERVER_PID on $BASE, $DATABASE_NAME"

for i in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited during start"
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    (( i == 120 )) && fail "/healthz did not answer within 60 s"
    sleep 0.5
done
echo "bench: /healthz is up"

# 5. Data, through the API.
first_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }
api() { # token method path [body] -> prints the body; fails unless 2xx
    local token=$1 method=$2 path=$3 body=${4:-} out code
    out="$WORK/response.json"
    local args=(-sS -o "$out" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json')
    [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
    [[ -n "$body" ]] && args+=(--data "$body")
    code=$(curl "${args[@]}" "$BASE$path") || fail "$method $path: curl failed"
    [[ "$code" == 2* ]] || { cat "$out" >&2; echo >&2; fail "$method $path answered $code"; }
    cat "$out"
}
PASSWORD="bench mark passphrase 2026"
sign_up() { # email -> prints a bearer token
    api "" POST /api/v1/auth/register "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" >/dev/null
    api "" POST /api/v1/auth/login "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" | first_field accessToken
}
STAMP=$(date +%s)
ADMIN_TOKEN=$(sign_up "bench-admin-$STAMP@example.com")
[[ -n "$ADMIN_TOKEN" ]] || fail "login returned no accessToken"
WORKSPACE_ID=$(api "$ADMIN_TOKEN" POST /api/v1/workspaces '{"name":"Bench workspace"}' | first_field id)
[[ -n "$WORKSPACE_ID" ]] || fail "workspace creation returned no id"
LINK_URL=$(api "$ADMIN_TOKEN" POST "/api/v1/workspaces/$WORKSPACE_ID/invitation-links" '{"permission":"Viewer"}' | first_field url)
[[ -n "$LINK_URL" ]] || fail "invitation link creation returned no url"
INVITE_TOKEN=${LINK_URL##*/}
VIEWER_TOKEN=$(sign_up "bench-viewer-$STAMP@example.com")
[[ -n "$VIEWER_TOKEN" ]] || fail "the Viewer's login returned no accessToken"
VIEWER_ID=$(api "$VIEWER_TOKEN" GET /api/v1/me | first_field id)
api "$VIEWER_TOKEN" POST "/api/v1/invitations/$INVITE_TOKEN/accept" >/dev/null
API_KEY=$(api "$ADMIN_TOKEN" POST "/api/v1/workspaces/$WORKSPACE_ID/api-keys" '{"name":"bench"}' | first_field key)
[[ "$API_KEY" == roster_key_* ]] || fail "API key creation returned no key"
AUTHORIZE_BODY="{\"userId\":\"$VIEWER_ID\",\"menu\":\"analytics\",\"grant\":\"read-only\"}"
BATCH_BODY="{\"checks\":[$(for menu in ab-test feature-flag remote-config analytics data-management crm; do
    printf '{"userId":"%s","menu":"%s","grant":"read-only"},' "$VIEWER_ID" "$menu"; done | sed 's/,$//')]}"
echo "bench: workspace $WORKSPACE_ID: an Admin, a Viewer ($VIEWER_ID) who joined by an invitation link, an API key"

if [[ -n "${BENCH_HOLD:-}" ]]; then
    # Keep the server for measurements by hand: what they need, as shell assignments, then wait until interrupted.
    {
        printf 'BASE=%q\nSERVER_PID=%q\nWORKSPACE_ID=%q\nVIEWER_ID=%q\n' "$BASE" "$SERVER_PID" "$WORKSPACE_ID" "$VIEWER_ID"
        printf 'ADMIN_TOKEN=%q\nVIEWER_TOKEN=%q\nAPI_KEY=%q\n' "$ADMIN_TOKEN" "$VIEWER_TOKEN" "$API_KEY"
        printf 'AUTHORIZE_BODY=%q\nBATCH_BODY=%q\nINVITE_TOKEN=%q\n' "$AUTHORIZE_BODY" "$BATCH_BODY" "$INVITE_TOKEN"
    } >"$BENCH_HOLD"
    echo "bench: holding the server (BENCH_HOLD): its details are in $BENCH_HOLD; interrupt to stop it"
    wait "$SERVER_PID"
    exit 0
fi

# 6. The endpoints: key | name | method | path | credential (none, admin, viewer, key) | body (POST).
ENDPOINTS=(
    "healthz|GET /healthz|GET|/healthz|none|"
    "authorize|POST /api/v1/workspaces/{id}/authorize (API key)|POST|/api/v1/workspaces/$WORKSPACE_ID/authorize|key|$AUTHORIZE_BODY"
    "batch|POST .../authorize/batch, 6 checks (API key)|POST|/api/v1/workspaces/$WORKSPACE_ID/authorize/batch|key|$BATCH_BODY"
    "access|GET /api/v1/workspaces/{id}/access (Viewer's bearer)|GET|/api/v1/workspaces/$WORKSPACE_ID/access|viewer|"
    "preview|GET /api/v1/invitations/{token}|GET|/api/v1/invitations/$INVITE_TOKEN|none|"
    "me|GET /api/v1/me (Viewer's bearer)|GET|/api/v1/me|viewer|"
    "links|GET /api/v1/workspaces/{id}/invitation-links (Admin's bearer)|GET|/api/v1/workspaces/$WORKSPACE_ID/invitation-links|admin|"
)
KEYS=() NAMES=() METHODS=() PATHS=() CREDENTIALS=() BODIES=()
for entry in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name method path credential body <<<"$entry"
    if [[ -n "$ONLY" && "$key" != healthz && ",$ONLY," != *",$key,"* ]]; then continue; fi
    KEYS+=("$key") NAMES+=("$name") METHODS+=("$method") PATHS+=("$path") CREDENTIALS+=("$credential") BODIES+=("$body")
done
if [[ -n "$ONLY" && "$ONLY" != healthz ]] && (( ${#KEYS[@]} == 1 )); then fail "BENCH_ONLY=$ONLY names no endpoint"; fi

token_of() {
    case "$1" in
        admin) echo "$ADMIN_TOKEN" ;;
        viewer) echo "$VIEWER_TOKEN" ;;
        key) echo "$API_KEY" ;;
        *) echo "" ;;
    esac
}

run_wrk() { # index seconds outfile
    local i=$1 seconds=$2 out=$3 token
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency --timeout 5s)
    token=$(token_of "${CREDENTIALS[$i]}")
    [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
    [[ "${METHODS[$i]}" == POST ]] && args+=(-s "$BENCH/post.lua")
    WRK_BODY="${BODIES[$i]}" wrk "${args[@]}" "$BASE${PATHS[$i]}" >"$out" 2>&1 || { cat "$out" >&2; fail "wrk on ${NAMES[$i]}"; }
}

# Each endpoint must answer 200 before it is measured (wrk alone only counts non-2xx), and the authorization
# API must say "allowed" for the Viewer's read-only access: a denial would be measured as fast as a grant.
for i in "${!KEYS[@]}"; do
    args=(-sS -o "$WORK/check.json" -w '%{http_code}' -X "${METHODS[$i]}")
    token=$(token_of "${CREDENTIALS[$i]}")
    [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
    [[ "${METHODS[$i]}" == POST ]] && args+=(-H 'Content-Type: application/json' --data "${BODIES[$i]}")
    code=$(curl "${args[@]}" "$BASE${PATHS[$i]}")
    [[ "$code" == 200 ]] || { cat "$WORK/check.json" >&2; echo >&2; fail "${NAMES[$i]} answered $code, not 200"; }
    if [[ "${KEYS[$i]}" == authorize || "${KEYS[$i]}" == batch ]] && grep -q '"allowed":false' "$WORK/check.json"; then
        cat "$WORK/check.json" >&2; echo >&2; fail "${NAMES[$i]} denied the Viewer's read-only access"
    fi
done

echo "bench: warming up, ${WARMUP} s per endpoint"
for i in "${!KEYS[@]}"; do run_wrk "$i" "$WARMUP" "$WORK/warmup-$i.txt"; done

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.01s) -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# CPU accounting, to tell whether something else on the machine competed with the measurement: ticks of
# the whole machine (busy, idle), of the server, of PostgreSQL and of this shell's finished children (wrk, curl).
database_ticks() { # PostgreSQL's processes (the postmaster's children included) are part of the measurement
    [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]] || { echo 0; return; }
    local postmaster pids
    postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
    pids="$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"
    for pid in $pids; do
        [[ -r "/proc/$pid/stat" ]] && awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat"
    done | awk '{ s += $1 } END { print s + 0 }'
}
cpu_snapshot() {
    read -r _ u n sy id io irq sirq st _ </proc/stat
    SNAP_BUSY=$(( u + n + sy + irq + sirq + st )); SNAP_IDLE=$(( id + io ))
    SNAP_SERVER=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat")
    SNAP_CHILDREN=$(awk '{ sub(/^.*\) /, ""); print $14 + $15 }' /proc/$$/stat)
    SNAP_DATABASE=$(database_ticks)
}
cpu_since() { # snapshot before -> OTHER_PERCENT: % of all cores used by other processes since then;
    # SERVER_TICKS, DATABASE_TICKS: CPU used by the server and by PostgreSQL since then
    local b0=$SNAP_BUSY i0=$SNAP_IDLE s0=$SNAP_SERVER c0=$SNAP_CHILDREN d0=$SNAP_DATABASE
    cpu_snapshot
    SERVER_TICKS=$(( SNAP_SERVER - s0 )) DATABASE_TICKS=$(( SNAP_DATABASE - d0 ))
    OTHER_PERCENT=$(awk -v busy=$(( SNAP_BUSY - b0 )) -v idle=$(( SNAP_IDLE - i0 )) \
        -v own=$(( SERVER_TICKS + SNAP_CHILDREN - c0 + DATABASE_TICKS )) \
        'BEGIN { other = busy - own; if (other < 0) other = 0; printf "%.0f", 100 * other / (busy + idle) }')
}
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
per_request_us() { # ticks requests -> microseconds of CPU per request
    awk -v t="$1" -v n="$2" -v us="$TICK_US" 'BEGIN { if (n > 0) printf "%.0f", t * us / n; else print "-" }'
}

declare -a RPS P50 P99 BAD SOCK OTHER APP_US DB_US
errors=0
busy_machine=0
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: load average before measuring: $LOAD_BEFORE"
for i in "${!KEYS[@]}"; do
    out="$WORK/measure-$i.txt"
    echo "bench: measuring ${NAMES[$i]} (${DURATION} s, ${THREADS} threads, ${CONNECTIONS} connections)"
    cpu_snapshot
    run_wrk "$i" "$DURATION" "$out"
    cpu_since
    OTHER[$i]=$OTHER_PERCENT
    requests=$(awk '/ requests in / {print $1}' "$out")
    APP_US[$i]=$(per_request_us "$SERVER_TICKS" "$requests")
    DB_US[$i]=$([[ -n "$PG_DIR" ]] && per_request_us "$DATABASE_TICKS" "$requests" || echo "in app")
    (( OTHER[$i] > 10 )) && busy_machine=1
    RPS[$i]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    P50[$i]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    P99[$i]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    BAD[$i]=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out"); BAD[$i]=${BAD[$i]:-0}
    SOCK[$i]=$(sed -n 's/.*Socket errors: *//p' "$out"); SOCK[$i]=${SOCK[$i]:-none}
    [[ -n "${RPS[$i]}" ]] || { cat "$out" >&2; fail "could not read wrk's output for ${NAMES[$i]}"; }
    printf '  %-66s %10s req/s  p50 %7s ms  p99 %7s ms  CPU/request: app %s us, database %s  non-2xx %s  socket errors: %s  other processes: %s%% CPU\n' \
        "${NAMES[$i]}" "${RPS[$i]}" "${P50[$i]}" "${P99[$i]}" "${APP_US[$i]}" "${DB_US[$i]}" "${BAD[$i]}" "${SOCK[$i]}" "${OTHER[$i]}"
    if [[ "${BAD[$i]}" != 0 ]]; then
        echo "bench: ERROR: ${NAMES[$i]} returned ${BAD[$i]} non-2xx responses: these numbers measure error pages" >&2
        errors=1
    fi
    if [[ "${SOCK[$i]}" != none ]]; then
        echo "bench: ERROR: ${NAMES[$i]} had socket errors (${SOCK[$i]})" >&2
        errors=1
    fi
done

# 7. The table.
echo
echo "Roster, $(date -u +%Y-%m-%d), $(nproc) cores, dotnet $(dotnet --version), $DATABASE_NAME," \
    "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on 127.0.0.1 (same machine), load average before: $LOAD_BEFORE"
echo
echo "| endpoint | requests/s | p50 (ms) | p99 (ms) | non-2xx | vs /healthz | app CPU/request (µs) | database CPU/request (µs) | other processes' CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!KEYS[@]}"; do
    ratio=$(awk -v a="${RPS[$i]}" -v b="${RPS[0]}" 'BEGIN { printf "%.3f", a / b }')
    printf '| `%s` | %.0f | %s | %s | %s | %s | %s | %s | %s%% |\n' \
        "${NAMES[$i]}" "${RPS[$i]}" "${P50[$i]}" "${P99[$i]}" "${BAD[$i]}" "$ratio" "${APP_US[$i]}" "${DB_US[$i]}" "${OTHER[$i]}"
done
echo
if (( busy_machine )); then
    echo "bench: WARNING: other processes used more than 10% of the machine's CPU during a measurement;" >&2
    echo "bench: WARNING: these numbers are not from a quiet machine. Run again when it is idle." >&2
fi
(( errors == 0 )) || fail "some measured requests failed (see above); the numbers are not valid"

# 8. The profile (BENCH_PROFILE=trace or perf): samples of the server while wrk loads one endpoint.
if [[ -n "$PROFILE" ]]; then
    target=""
    for i in "${!KEYS[@]}"; do [[ "${KEYS[$i]}" == "$PROFILE_ENDPOINT" ]] && target=$i; done
    [[ -n "$target" ]] || fail "BENCH_PROFILE_ENDPOINT=$PROFILE_ENDPOINT is not among the measured endpoints"
    PROFILE_DIR=${BENCH_PROFILE_DIR:-$(mktemp -d "/tmp/roster-profile-$DATABASE-$PROFILE_ENDPOINT.XXXXXX")}
    mkdir -p "$PROFILE_DIR"
    echo "bench: profiling ${NAMES[$target]} ($PROFILE) for ${PROFILE_SECONDS} s into $PROFILE_DIR"
    run_wrk "$target" $(( PROFILE_SECONDS + 4 )) "$PROFILE_DIR/wrk.txt" &
    wrk_pid=$!
    sleep 1
    if [[ "$PROFILE" == trace ]]; then
        (cd "$ROOT" && dotnet tool restore >/dev/null) || fail "dotnet tool restore"
        trace() { (cd "$ROOT" && dotnet tool run dotnet-trace -- "$@"); }
        trace collect -p "$SERVER_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' "$PROFILE_SECONDS")" \
            -o "$PROFILE_DIR/trace.nettrace" >"$PROFILE_DIR/collect.log" 2>&1 \
            || { cat "$PROFILE_DIR/collect.log" >&2; fail "dotnet-trace collect"; }
        wait "$wrk_pid" || fail "wrk during the profile"
        trace convert "$PROFILE_DIR/trace.nettrace" --format speedscope -o "$PROFILE_DIR/trace" >/dev/null 2>&1 || true
        trace report "$PROFILE_DIR/trace.nettrace" topN -n 40 >"$PROFILE_DIR/top-exclusive.txt" 2>&1 || true
        trace report "$PROFILE_DIR/trace.nettrace" topN -n 80 --inclusive >"$PROFILE_DIR/top-inclusive.txt" 2>&1 || true
        files="trace.nettrace, trace.speedscope.json (speedscope.app), top-exclusive.txt, top-inclusive.txt"
    else
        perf record -F 999 -g -p "$SERVER_PID" -o "$PROFILE_DIR/perf.data" -- sleep "$PROFILE_SECONDS" \
            >"$PROFILE_DIR/record.log" 2>&1 || { cat "$PROFILE_DIR/record.log" >&2; fail "perf record"; }
        wait "$wrk_pid" || fail "wrk during the profile"
        perf report -i "$PROFILE_DIR/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null \
            | grep -v '^#' | grep -v '^$' | head -n 30 >"$PROFILE_DIR/by-library.txt" || true
        perf report -i "$PROFILE_DIR/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null \
            | grep -v '^#' | grep -v '^$' | head -n 80 >"$PROFILE_DIR/by-function.txt" || true
        perf report -i "$PROFILE_DIR/perf.data" --children --sort sym --stdio -g none 2>/dev/null \
            | grep -v '^#' | grep -v '^$' | head -n 150 >"$PROFILE_DIR/inclusive.txt" || true
        perf script -i "$PROFILE_DIR/perf.data" 2>/dev/null | gzip >"$PROFILE_DIR/stacks.txt.gz" || true
        files="perf.data, by-library.txt, by-function.txt, inclusive.txt, stacks.txt.gz (perf script)"
    fi
    grep -q 'Non-2xx' "$PROFILE_DIR/wrk.txt" && fail "non-2xx answers during the profile"
    echo "bench: profile of ${NAMES[$target]} at $(awk '/^Requests\/sec:/ {print $2}' "$PROFILE_DIR/wrk.txt") requests/s while profiling:"
    echo "bench:   $PROFILE_DIR: $files"
fi

echo "bench: done"
