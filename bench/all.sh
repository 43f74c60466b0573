#!/usr/bin/env bash
# Roster's issue-9 benchmarks, one command: on SQLite and on PostgreSQL 15 (throw-away, fsync on), in Release,
#   accept  distinct people accepting one invitation link, 16 in flight (POST /api/v1/invitations/{token}/accept, each
#           request with the next person's bearer, bench/accept.lua): the max rate, then p99 at half that rate;
#   flat    on a seeded workspace of 100,000 members (plus 100,000 other workspaces) and on one of 10: the authorization
#           API (API key), the first members page (API and page) and the dashboard page; the median of each and the
#           ratio big/small;
# each beside /healthz of the same server in the same run, with the server's CPU per request (from /proc) and its
# resident memory (VmRSS sampled under load, VmHWM). The data is written by the seeding command (bench/Seed), not
# through the HTTP API. Prints a markdown table and puts it in docs/benchmarks.md (BENCH_WRITE=0: not) between the
# generated-section markers (the hand-written history below them is kept).
#
# Usage: bash bench/all.sh        (root on Debian 12, .NET 10 SDK, wrk; about 12 minutes)
#   The accept scenario alone, on SQLite:  BENCH_DATABASES=sqlite BENCH_SCENARIOS=accept bash bench/all.sh
#
# Tunables (environment):
#   BENCH_DATABASES   "sqlite postgresql" (default) or one of them
#   BENCH_SCENARIOS   "accept flat" (default) or one of them
#   BENCH_WARMUP      warm-up seconds per server, spread over its endpoints (20)
#   BENCH_DURATION    seconds per measurement (10 for accept, BENCH_FLAT_DURATION, 5, for each flat endpoint)
#   BENCH_JOIN_NOTICES on (default: the Admin is emailed "someone joined" for each accept, through the outbox) or off
#                     (the Admin turned those emails off, PUT .../notifications): the accept scenario's one setting
#   BENCH_PEOPLE      people seeded for the accept scenario (150000: enough for 2,500/s through the warm-up and runs)
#   BENCH_MEMBERS     members of the big workspace, and the number of other workspaces (100000)
#   BENCH_APP         a folder already published with `dotnet publish -c Release` (skips the publish step)
#   BENCH_WRITE       1 (default): write the table into docs/benchmarks.md; 0: only print it
#   BENCH_KEEP        a folder: keep each scenario's server log, wrk outputs and seed env files there
set -euo pipefail
export LC_ALL=C

DATABASES=${BENCH_DATABASES:-sqlite postgresql}
SCENARIOS=${BENCH_SCENARIOS:-accept flat}
WARMUP=${BENCH_WARMUP:-20}
DURATION=${BENCH_DURATION:-10}
FLAT_DURATION=${BENCH_FLAT_DURATION:-5}
PEOPLE=${BENCH_PEOPLE:-150000}
JOIN_NOTICES=${BENCH_JOIN_NOTICES:-on}
MEMBERS=${BENCH_MEMBERS:-100000}
ACCEPT_CONNECTIONS=16
THREADS=2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$(mktemp -d /tmp/roster-all.XXXXXX)
SERVER_PID=""
SAMPLER_PID=""
PG_DIR=""
PG_PORT=""
PG_BIN=/usr/lib/postgresql/15/bin

fail() { echo "bench: FAILED: $*" >&2; exit 1; }

stop_server() {
    [[ -n "$SAMPLER_PID" ]] && { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; }
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

stop_postgres() {
    if [[ -n "$PG_DIR" ]]; then
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
    PG_DIR=""
}

cleanup() {
    local status=$?
    stop_server
    if [[ $status -ne 0 && -f "$WORK/server.log" ]]; then
        echo "--- last lines of the server log ---" >&2
        tail -n 40 "$WORK/server.log" >&2 || true
    fi
    stop_postgres
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for database in $DATABASES; do
    [[ "$database" == sqlite || "$database" == postgresql ]] || fail "BENCH_DATABASES: sqlite or postgresql, not '$database'"
done
for scenario in $SCENARIOS; do
    [[ "$scenario" == accept || "$scenario" == flat ]] || fail "BENCH_SCENARIOS: accept or flat, not '$scenario'"
done

# 1. Tools.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[[ " $DATABASES " == *" postgresql "* && ! -x "$PG_BIN/initdb" ]] && missing+=(postgresql-15)
if (( ${#missing[@]} )); then
    command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
    echo "bench: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"

CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEMORY=$(awk '/^MemTotal:/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && COMMIT="$COMMIT (with uncommitted changes)"
STARTED=$(date -u +%Y-%m-%dT%H:%MZ)
echo "bench: machine: $(nproc) cores ($CPU_MODEL), $MEMORY, dotnet $(dotnet --version), commit $COMMIT, $STARTED"

free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
    done
    return 1
}

# 2. Publish the app and the seeding command in Release to the temp folder (never the repository's bin/obj).
if [[ -n "${BENCH_APP:-}" ]]; then
    APP=$(cd "$BENCH_APP" && pwd)
    [[ -f "$APP/Roster.dll" && -f "$APP/Roster.Bench.Seed.dll" ]] || fail "BENCH_APP=$BENCH_APP holds no Roster.dll and Roster.Bench.Seed.dll"
else
    APP=$WORK/app
    echo "bench: publishing src/Roster and bench/Seed (Release) to $APP"
    for project in "$ROOT/src/Roster" "$BENCH/Seed"; do
        dotnet publish "$project" -c Release -o "$APP" --artifacts-path "$WORK/artifacts" -nologo -v quiet >"$WORK/publish.log" 2>&1 \
            || { cat "$WORK/publish.log" >&2; fail "dotnet publish $project"; }
    done
fi

# 3. The database of one scenario: a fresh SQLite folder, or a fresh database in the throw-away PostgreSQL cluster
# (default durability: fsync and synchronous_commit on, as in production; only initdb's own files skip fsync).
start_postgres() {
    PG_DIR=$(mktemp -d /tmp/roster-all-pg.XXXXXX)
    chown postgres:postgres "$PG_DIR"
    PG_PORT=$(free_port) || fail "no free port for PostgreSQL"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; fail "initdb"; }
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR" start >/dev/null \
        || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start"; }
    echo "bench: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT" \
        "(fsync $(runuser -u postgres -- "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc 'show fsync'))"
}
DATABASE_ENV=()
new_database() { # database scenario -> sets DATABASE_ENV and DATA_FOLDER
    DATA_FOLDER=$WORK/data-$1-$2
    mkdir -p "$DATA_FOLDER"
    if [[ "$1" == postgresql ]]; then
        [[ -n "$PG_DIR" ]] || start_postgres
        runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "roster_$2"
        DATABASE_ENV=(Roster__Database__Provider=PostgreSql "ConnectionStrings__Roster=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=roster_$2")
    else
        DATABASE_ENV=()
    fi
}

seed() { # mode args... (the database from DATABASE_ENV and DATA_FOLDER)
    (cd "$APP" && env ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Roster__DataFolder="$DATA_FOLDER" \
        Roster__Plans__Default=Enterprise "${DATABASE_ENV[@]}" dotnet Roster.Bench.Seed.dll "$@") \
        >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log" >&2; fail "seeding ($1)"; }
    grep '^seed: ' "$WORK/seed.log" | sed 's/^/bench: /'
    grep -E '^(fail|crit)' "$WORK/seed.log" >&2 && fail "the seeding command logged an error"
    return 0
}

# 4. The server, on a free port, with the rate limits out of the way of a load generator on one address.
start_server() {
    PORT=$(free_port) || fail "no free port found"
    BASE="http://127.0.0.1:$PORT"
    (
        cd "$APP"
        exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$BASE" DOTNET_NOLOGO=1 \
            Roster__DataFolder="$DATA_FOLDER" Roster__PublicUrl="$BASE" \
            Roster__RateLimits__CredentialsPerAccountPerMinute=100000000 \
            Roster__RateLimits__CredentialsPerAddressPerMinute=100000000 \
            Roster__RateLimits__LinksPerAddressPerMinute=100000000 \
            Roster__Plans__Default=Enterprise Roster__Shutdown__DrainDelay=00:00:00 \
            "${DATABASE_ENV[@]}" dotnet Roster.dll
    ) >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for i in $(seq 1 120); do
        kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited during start"
        curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
        (( i == 120 )) && fail "/healthz did not answer within 60 s"
        sleep 0.5
    done
    echo "bench: server pid $SERVER_PID on $BASE"
}

keep() { # name: copies the server log into BENCH_KEEP
    [[ -n "${BENCH_KEEP:-}" ]] || return 0
    mkdir -p "$BENCH_KEEP"
    cp "$WORK/server.log" "$BENCH_KEEP/$1-server.log" 2>/dev/null || true
    cp "$WORK"/*.wrk "$BENCH_KEEP/" 2>/dev/null || true
}

# 5. Measuring: CPU from /proc (the server's, PostgreSQL's, and everyone else's share of the machine) and memory.
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
database_ticks() {
    [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" && "$CURRENT_DATABASE" == postgresql ]] || { echo 0; return; }
    local postmaster pids
    postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
    pids="$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"
    # A backend may exit between pgrep and the read: skip it (with pipefail, a failed read would end the run).
    for pid in $pids; do
        awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true
    done | awk '{ s += $1 } END { print s + 0 }'
}
cpu_snapshot() {
    read -r _ u n sy id io irq sirq st _ </proc/stat
    SNAP_BUSY=$(( u + n + sy + irq + sirq + st )); SNAP_IDLE=$(( id + io ))
    SNAP_SERVER=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$SERVER_PID/stat")
    SNAP_CHILDREN=$(awk '{ sub(/^.*\) /, ""); print $14 + $15 }' /proc/$$/stat)
    SNAP_DATABASE=$(database_ticks)
}
cpu_since() {
    local b0=$SNAP_BUSY i0=$SNAP_IDLE s0=$SNAP_SERVER c0=$SNAP_CHILDREN d0=$SNAP_DATABASE
    cpu_snapshot
    SERVER_TICKS=$(( SNAP_SERVER - s0 )) DATABASE_TICKS=$(( SNAP_DATABASE - d0 ))
    OTHER_PERCENT=$(awk -v busy=$(( SNAP_BUSY - b0 )) -v idle=$(( SNAP_IDLE - i0 )) \
        -v own=$(( SERVER_TICKS + SNAP_CHILDREN - c0 + DATABASE_TICKS )) \
        'BEGIN { other = busy - own; if (other < 0) other = 0; printf "%.0f", 100 * other / (busy + idle) }')
}
per_request_us() {
    awk -v t="$1" -v n="$2" -v us="$TICK_US" 'BEGIN { if (n > 0) printf "%.0f", t * us / n; else print "-" }'
}
to_ms() { # wrk latency (812.00us, 1.23ms, 1.01s) -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}
start_sampler() { # the server's VmRSS every 0.2 s, the largest kept in $WORK/rss
    echo 0 >"$WORK/rss"
    (
        peak=0
        while kill -0 "$SERVER_PID" 2>/dev/null; do
            rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
            (( rss > peak )) && { peak=$rss; echo "$peak" >"$WORK/rss"; }
            sleep 0.2
        done
    ) &
    SAMPLER_PID=$!
}
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; }

ROWS=()
BUSY=0
FAILED=0
# measure label name wrk-args... : runs wrk, adds a row: rate, p50, p99, non-2xx, CPU per request, peak RSS, VmHWM.
measure() {
    local label=$1 name=$2; shift 2
    local out="$WORK/$label.wrk" requests rss hwm
    cpu_snapshot
    start_sampler
    wrk --latency --timeout 10s "$@" >"$out" 2>&1 || { cat "$out" >&2; fail "wrk for $name"; }
    stop_sampler
    cpu_since
    requests=$(awk '/ requests in / {print $1}' "$out")
    M_RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
    [[ -n "$M_RPS" ]] || { cat "$out" >&2; fail "could not read wrk's output for $name"; }
    M_P50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    M_P99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    M_BAD=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out"); M_BAD=${M_BAD:-0}
    local sock; sock=$(sed -n 's/.*Socket errors: *//p' "$out")
    local app_us; app_us=$(per_request_us "$SERVER_TICKS" "$requests")
    local db_us; db_us=$([[ "$CURRENT_DATABASE" == postgresql ]] && per_request_us "$DATABASE_TICKS" "$requests" || echo "in app")
    rss=$(( $(cat "$WORK/rss") / 1024 ))
    hwm=$(( $(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status") / 1024 ))
    (( OTHER_PERCENT > 10 )) && BUSY=1
    if [[ "$M_BAD" != 0 || -n "$sock" ]] || grep -q 'Credentials exhausted' "$out"; then
        echo "bench: ERROR: $name: $M_BAD non-2xx answers; socket errors: ${sock:-none}; $(grep 'Credentials exhausted' "$out" || true)" >&2
        FAILED=1
    fi
    printf 'bench:   %-58s %7s req/s  p50 %8s ms  p99 %8s ms  CPU/request: app %s us, database %s  RSS %s MB (HWM %s)  non-2xx %s  others %s%%\n' \
        "$name" "$M_RPS" "$M_P50" "$M_P99" "$app_us" "$db_us" "$rss" "$hwm" "$M_BAD" "$OTHER_PERCENT"
    ROWS+=("| $CURRENT_DATABASE_NAME | \`$name\` | $M_RPS | $M_P50 | $M_P99 | $M_BAD | $app_us | $db_us | $rss / $hwm | $OTHER_PERCENT% |")
}

TARGETS=()
target() { # met? description
    TARGETS+=("| $CURRENT_DATABASE_NAME | $2 | $([[ "$1" == 1 ]] && echo '**met**' || echo '**missed**') |")
}

# 6. The accept scenario: healthz as the ceiling, the max rate at 16 in flight, then half of it, paced.
accept_scenario() {
    new_database "$CURRENT_DATABASE" accept
    echo "bench: [$CURRENT_DATABASE_NAME accept] seeding $PEOPLE people"
    seed people --count "$PEOPLE" --credentials "$WORK/people.txt" --env "$WORK/people.env"
    # shellcheck disable=SC1091
    source "$WORK/people.env"
    start_server
    if [[ "$JOIN_NOTICES" == off ]]; then
        # The Admin's own setting (Settings > Workspace, or this API): no "someone joined" email per accept.
        local notices
        notices=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
            -d '{"joinNotices":false}' "$BASE/api/v1/workspaces/$WORKSPACE_ID/notifications")
        [[ "$notices" == 200 ]] || fail "turning the Admin's join emails off answered $notices"
    fi
    # Disjoint slices of the people: a check, the warm-up, the max-rate run, the paced run.
    sed -n '1p' "$WORK/people.txt" >"$WORK/check.txt"
    local total; total=$(wc -l <"$WORK/people.txt")
    local slice=$(( (total - 1) / 3 ))
    sed -n "2,$(( 1 + slice ))p" "$WORK/people.txt" >"$WORK/warm.txt"
    sed -n "$(( 2 + slice )),$(( 1 + 2 * slice ))p" "$WORK/people.txt" >"$WORK/max.txt"
    sed -n "$(( 2 + 2 * slice )),\$p" "$WORK/people.txt" >"$WORK/paced.txt"
    local code
    code=$(curl -sS -o "$WORK/check.json" -w '%{http_code}' -X POST -H "Authorization: $(cat "$WORK/check.txt")" \
        "$BASE/api/v1/invitations/$INVITE_TOKEN/accept")
    [[ "$code" == 200 ]] || { cat "$WORK/check.json" >&2; fail "the first accept answered $code"; }
    export ACCEPT_TOKEN=$INVITE_TOKEN ACCEPT_THREADS=$THREADS
    echo "bench: [$CURRENT_DATABASE_NAME accept] warming up ${WARMUP} s"
    wrk -t1 -c4 -d2s "$BASE/healthz" >/dev/null
    ACCEPT_CREDENTIALS=$WORK/warm.txt wrk -t$THREADS -c$ACCEPT_CONNECTIONS -d"${WARMUP}s" -s "$BENCH/accept.lua" "$BASE" >"$WORK/warmup.wrk" 2>&1
    # A fast server may use up the warm-up's people before the time is up (the rest is then refused): that warms it up
    # all the same. Any other failure stops the run.
    if grep -q 'Non-2xx' "$WORK/warmup.wrk" && ! grep -q 'exhausted' "$WORK/warmup.wrk"; then
        cat "$WORK/warmup.wrk" >&2; fail "failed accepts during the warm-up"
    fi
    measure "$CURRENT_DATABASE-healthz-16" "GET /healthz (16 connections)" -t$THREADS -c$ACCEPT_CONNECTIONS -d"${DURATION}s" "$BASE/healthz"
    local healthz=$M_RPS
    ACCEPT_CREDENTIALS=$WORK/max.txt measure "$CURRENT_DATABASE-accept-max" "POST .../accept, 16 in flight, max rate (Admin join emails $JOIN_NOTICES)" \
        -t$THREADS -c$ACCEPT_CONNECTIONS -d"${DURATION}s" -s "$BENCH/accept.lua" "$BASE"
    local max=$M_RPS max_rss; max_rss=$(( $(cat "$WORK/rss") / 1024 ))
    local half=$(( max / 2 ))
    (( half > 0 )) || half=1
    ACCEPT_CREDENTIALS=$WORK/paced.txt ACCEPT_RATE=$half measure "$CURRENT_DATABASE-accept-half" "POST .../accept at half the max ($half/s)" \
        -t$THREADS -c$ACCEPT_CONNECTIONS -d"${DURATION}s" -s "$BENCH/accept.lua" "$BASE"
    local ratio; ratio=$(awk -v a="$max" -v b="$healthz" 'BEGIN { printf "%.3f", a / b }')
    echo "bench: [$CURRENT_DATABASE_NAME accept] max $max/s = $ratio of /healthz ($healthz/s); p99 at $half/s: $M_P99 ms"
    if [[ "$CURRENT_DATABASE" == sqlite ]]; then
        target "$(( max >= 2000 ))" "accept >= 2,000/s at 16 in flight: $max/s ($ratio of /healthz)"
        target "$(awk -v p="$M_P99" 'BEGIN { print (p <= 50) ? 1 : 0 }')" "accept p99 <= 50 ms at half the max rate: $M_P99 ms at $half/s"
    else
        target "$(( max >= 1000 ))" "accept >= 1,000/s at 16 in flight: $max/s ($ratio of /healthz)"
    fi
    local peak=$max_rss; (( $(cat "$WORK/rss") / 1024 > peak )) && peak=$(( $(cat "$WORK/rss") / 1024 ))
    target "$(( peak <= 300 ))" "resident memory <= 300 MB under the accept load: $peak MB"
    keep "$CURRENT_DATABASE-accept"
    stop_server
}

# 7. The flat-read scenario (bench/flat.sh).
# shellcheck source=bench/flat.sh
[[ " $SCENARIOS " == *" flat "* ]] && source "$BENCH/flat.sh"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: load average before measuring: $LOAD_BEFORE"
for CURRENT_DATABASE in $DATABASES; do
    case "$CURRENT_DATABASE" in sqlite) CURRENT_DATABASE_NAME=SQLite ;; postgresql) CURRENT_DATABASE_NAME=PostgreSQL ;; esac
    for scenario in $SCENARIOS; do
        "${scenario}_scenario"
    done
done
stop_postgres

# 8. The table.
TABLE=$WORK/table.md
{
    echo "Generated by \`bash bench/all.sh\` on $STARTED: $(nproc) cores ($CPU_MODEL), $MEMORY, dotnet $(dotnet --version)," \
        "commit $COMMIT; wrk on the same machine (127.0.0.1); load average before measuring: $LOAD_BEFORE." \
        "Warm-up ${WARMUP} s per server. Rates in requests/s; latencies in ms (wrk, from sending to the answer);" \
        "CPU per request in µs from /proc (the server's; PostgreSQL's processes separately); memory: the server's" \
        "largest VmRSS sampled during the load / its VmHWM so far, in MB; \"others\": the share of the machine other" \
        "processes used meanwhile (above 10%, the machine was not quiet)."
    echo
    echo "| database | measurement | requests/s | p50 | p99 | non-2xx | app CPU/request (µs) | database CPU/request (µs) | memory (MB) | others |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    if [[ -n "${FLAT_ROWS[*]:-}" ]]; then
        echo
        echo "Flat reads: the median (p50) on the ${MEMBERS}-member workspace against the 10-member one (the same server)."
        echo
        echo "| database | read | p50 big (ms) | p50 small (ms) | big / small | requests/s big | requests/s small |"
        echo "|---|---|---:|---:|---:|---:|---:|"
        printf '%s\n' "${FLAT_ROWS[@]}"
    fi
    echo
    echo "| database | target | result |"
    echo "|---|---|---|"
    printf '%s\n' "${TARGETS[@]}"
    echo
    echo "Reproduce: \`bash bench/all.sh\` (root on Debian 12 with the .NET 10 SDK; about 12 minutes; it writes this section)."
    (( BUSY )) && echo && echo "**The machine was not quiet**: other processes used more than 10% of the CPU during at least one measurement."
} >"$TABLE"
echo
cat "$TABLE"

if [[ "${BENCH_WRITE:-1}" == 1 ]]; then
    DOC=$ROOT/docs/benchmarks.md
    BEGIN='<!-- bench/all.sh: generated section begins -->'
    END='<!-- bench/all.sh: generated section ends -->'
    if ! grep -qF "$BEGIN" "$DOC"; then
        # First time: the section goes after the title, above the hand-written history.
        awk -v b="$BEGIN" -v e="$END" 'NR == 1 { print; print ""; print "## Latest run (generated)"; print ""; print b; print e; next } { print }' \
            "$DOC" >"$WORK/doc.md"
        cp "$WORK/doc.md" "$DOC"
    fi
    awk -v b="$BEGIN" -v e="$END" -v table="$TABLE" '
        $0 == b { print; while ((getline line < table) > 0) print line; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$DOC" >"$WORK/doc.md"
    cp "$WORK/doc.md" "$DOC"
    echo "bench: wrote the table into docs/benchmarks.md"
fi

(( BUSY )) && echo "bench: WARNING: other processes used more than 10% of the CPU during a measurement; these numbers are not from a quiet machine." >&2
(( FAILED == 0 )) || fail "some measured requests failed (see above); the numbers are not valid"
echo "bench: done"
