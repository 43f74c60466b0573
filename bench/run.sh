#!/usr/bin/env bash
# Roster HTTP benchmark: publishes the app in Release to a temp folder, starts it on 127.0.0.1 with a
# throw-away SQLite data folder, creates a user, a workspace and an invitation link through the API,
# warms up, then measures four GET endpoints with wrk and prints a markdown table.
# Not part of the test suite. Usage: bash bench/run.sh   (root on Debian 12; needs the .NET 10 SDK)
# Tunables (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_DURATION (10, seconds per
# endpoint), BENCH_WARMUP (6, seconds per endpoint; 4 endpoints, so 24 s in all).
set -euo pipefail
export LC_ALL=C

THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-6}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/roster-bench.XXXXXX)
SERVER_PID=""

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
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Tools.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if (( ${#missing[@]} )); then
    command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
    echo "bench: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"

echo "bench: machine: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), dotnet $(dotnet --version), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "bench: $(wrk --version 2>&1 | head -n 1)"

# 2. Publish to the temp folder (never the repository's bin/obj) and start the server.
echo "bench: publishing src/Roster (Release) to $WORK/app"
dotnet publish "$ROOT/src/Roster" -c Release -o "$WORK/app" --artifacts-path "$WORK/artifacts" \
    -nologo -v quiet >"$WORK/publish.log" 2>&1 || { cat "$WORK/publish.log" >&2; fail "dotnet publish"; }

PORT=""
for _ in $(seq 1 50); do
    candidate=$(( 20000 + RANDOM % 40000 ))
    # A refused connection means nothing listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then PORT=$candidate; break; fi
done
[[ -n "$PORT" ]] || fail "no free port found"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data"

(
    cd "$WORK/app"
    exec env ASPNETCORE_ENVIRONMENT=Production \
        ASPNETCORE_URLS="$BASE" \
        DOTNET_NOLOGO=1 \
        Roster__DataFolder="$WORK/data" \
        Roster__PublicUrl="$BASE" \
        Roster__SensitiveRequestsPerMinute=100000000 \
        dotnet Roster.dll
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
echo "bench: server pid $SERVER_PID on $BASE, data in $WORK/data"

for i in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited during start"
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    (( i == 120 )) && fail "/healthz did not answer within 60 s"
    sleep 0.5
done
echo "bench: /healthz is up"

# 3. Data, through the API.
EMAIL="bench-$(date +%s)@example.com"
PASSWORD="bench mark passphrase 2026"
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
api() { # method path [body] -> prints the body; fails unless 2xx
    local method=$1 path=$2 body=${3:-} out code
    out="$WORK/response.json"
    local args=(-sS -o "$out" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json')
    [[ -n "${TOKEN:-}" ]] && args+=(-H "Authorization: Bearer $TOKEN")
    [[ -n "$body" ]] && args+=(--data "$body")
    code=$(curl "${args[@]}" "$BASE$path") || fail "$method $path: curl failed"
    [[ "$code" == 2* ]] || { cat "$out" >&2; echo >&2; fail "$method $path answered $code"; }
    cat "$out"
}
TOKEN=""
api POST /api/v1/auth/register "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
TOKEN=$(api POST /api/v1/auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json_field accessToken)
[[ -n "$TOKEN" ]] || fail "login returned no accessToken"
WORKSPACE_ID=$(api POST /api/v1/workspaces '{"name":"Bench workspace"}' | json_field id)
[[ -n "$WORKSPACE_ID" ]] || fail "workspace creation returned no id"
LINK_URL=$(api POST "/api/v1/workspaces/$WORKSPACE_ID/invitation-links" '{"permission":"Viewer"}' | json_field url)
[[ -n "$LINK_URL" ]] || fail "invitation link creation returned no url"
INVITE_TOKEN=${LINK_URL##*/}
echo "bench: user $EMAIL, workspace $WORKSPACE_ID, invitation link created"

# 4-5. The endpoints: name | path | needs the bearer header.
NAMES=("GET /healthz" "GET /api/v1/invitations/{token}" "GET /api/v1/me" "GET /api/v1/workspaces/{id}/invitation-links")
PATHS=("/healthz" "/api/v1/invitations/$INVITE_TOKEN" "/api/v1/me" "/api/v1/workspaces/$WORKSPACE_ID/invitation-links")
BEARER=(no no yes yes)

run_wrk() { # index seconds outfile
    local i=$1 seconds=$2 out=$3
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency --timeout 5s)
    [[ "${BEARER[$i]}" == yes ]] && args+=(-H "Authorization: Bearer $TOKEN")
    wrk "${args[@]}" "$BASE${PATHS[$i]}" >"$out" 2>&1 || { cat "$out" >&2; fail "wrk on ${NAMES[$i]}"; }
}

# Each endpoint must answer 200 before it is measured: wrk alone only counts 4xx/5xx.
for i in "${!PATHS[@]}"; do
    auth=(); [[ "${BEARER[$i]}" == yes ]] && auth=(-H "Authorization: Bearer $TOKEN")
    code=$(curl -sS -o /dev/null -w '%{http_code}' "${auth[@]}" "$BASE${PATHS[$i]}")
    [[ "$code" == 200 ]] || fail "${NAMES[$i]} answered $code, not 200"
done

echo "bench: warming up, ${WARMUP} s per endpoint"
for i in "${!PATHS[@]}"; do run_wrk "$i" "$WARMUP" "$WORK/warmup-$i.txt"; done

to_ms() { # wrk latency (e.g. 812.00us, 1.23ms, 1.01s) -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# CPU accounting, to tell whether something else on the machine competed with the measurement: ticks of
# the whole machine (busy, idle), of the server, and of this shell's finished children (wrk, curl).
cpu_snapshot() {
    read -r _ u n sy id io irq sirq st _ </proc/stat
    SNAP_BUSY=$(( u + n + sy + irq + sirq + st )); SNAP_IDLE=$(( id + io ))
    SNAP_SERVER=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat")
    SNAP_CHILDREN=$(awk '{ sub(/^.*\) /, ""); print $14 + $15 }' /proc/$$/stat)
}
other_cpu_percent() { # snapshot before -> % of all cores used by other processes since then
    local b0=$SNAP_BUSY i0=$SNAP_IDLE s0=$SNAP_SERVER c0=$SNAP_CHILDREN
    cpu_snapshot
    awk -v busy=$(( SNAP_BUSY - b0 )) -v idle=$(( SNAP_IDLE - i0 )) -v own=$(( SNAP_SERVER - s0 + SNAP_CHILDREN - c0 )) \
        'BEGIN { other = busy - own; if (other < 0) other = 0; printf "%.0f", 100 * other / (busy + idle) }'
}

declare -a RPS P50 P99 BAD SOCK OTHER
errors=0
busy_machine=0
echo "bench: load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!PATHS[@]}"; do
    out="$WORK/measure-$i.txt"
    echo "bench: measuring ${NAMES[$i]} (${DURATION} s, ${THREADS} threads, ${CONNECTIONS} connections)"
    cpu_snapshot
    run_wrk "$i" "$DURATION" "$out"
    OTHER[$i]=$(other_cpu_percent)
    (( OTHER[$i] > 10 )) && busy_machine=1
    RPS[$i]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    P50[$i]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    P99[$i]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    BAD[$i]=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out"); BAD[$i]=${BAD[$i]:-0}
    SOCK[$i]=$(sed -n 's/.*Socket errors: *//p' "$out"); SOCK[$i]=${SOCK[$i]:-none}
    [[ -n "${RPS[$i]}" ]] || { cat "$out" >&2; fail "could not read wrk's output for ${NAMES[$i]}"; }
    printf '  %-48s %10s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s  socket errors: %s  other processes: %s%% CPU\n' \
        "${NAMES[$i]}" "${RPS[$i]}" "${P50[$i]}" "${P99[$i]}" "${BAD[$i]}" "${SOCK[$i]}" "${OTHER[$i]}"
    if [[ "${BAD[$i]}" != 0 ]]; then
        echo "bench: ERROR: ${NAMES[$i]} returned ${BAD[$i]} non-2xx responses: these numbers measure error pages" >&2
        errors=1
    fi
    if [[ "${SOCK[$i]}" != none ]]; then
        echo "bench: ERROR: ${NAMES[$i]} had socket errors (${SOCK[$i]})" >&2
        errors=1
    fi
done

# 6. The table.
echo
echo "Roster, $(date -u +%Y-%m-%d), $(nproc) cores, dotnet $(dotnet --version), SQLite, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on 127.0.0.1 (same machine)"
echo
echo "| endpoint | requests/s | p50 (ms) | p99 (ms) | non-2xx | vs /healthz | other processes' CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for i in "${!PATHS[@]}"; do
    ratio=$(awk -v a="${RPS[$i]}" -v b="${RPS[0]}" 'BEGIN { printf "%.2f", a / b }')
    printf '| `%s` | %.0f | %s | %s | %s | %s× | %s%% |\n' "${NAMES[$i]}" "${RPS[$i]}" "${P50[$i]}" "${P99[$i]}" "${BAD[$i]}" "$ratio" "${OTHER[$i]}"
done
echo
if (( busy_machine )); then
    echo "bench: WARNING: other processes used more than 10% of the machine's CPU during a measurement;" >&2
    echo "bench: WARNING: these numbers are not from a quiet machine. Run again when it is idle." >&2
fi

(( errors == 0 )) || fail "some measured requests failed (see above); the numbers are not valid"
echo "bench: done"
