# Sourced by bench/all.sh: the flat-read scenario. On a database seeded with a workspace of BENCH_MEMBERS members
# and BENCH_MEMBERS other workspaces (each with its Admin) plus a 10-member workspace, each read is measured on the
# big and on the small workspace by the same server: the authorization API with the workspace's API key (about one
# of its members), the first members page (API, Admin's bearer; page, Admin's cookie) and the dashboard page. The
# median (wrk's p50 at 16 connections) of big against small is the figure: flat means within 1.5x. A first page
# holds 50 members on the big workspace and 10 on the small one, so the API is also measured at ?limit=10, where both
# answers carry the same number of rows and only the workspace's size differs.

flat_scenario() {
    new_database "$CURRENT_DATABASE" flat
    echo "bench: [$CURRENT_DATABASE_NAME flat] seeding a ${MEMBERS}-member workspace, a 10-member one and ${MEMBERS} others"
    seed large --members "$MEMBERS" --workspaces "$MEMBERS" --env "$WORK/large.env"
    # shellcheck disable=SC1091
    source "$WORK/large.env"
    start_server

    # read | method | path ({id}: the workspace) | credential (key, bearer, cookie) | body (POST)
    local reads=(
        "POST .../authorize (API key)|POST|/api/v1/workspaces/{id}/authorize|key|{\"userId\":\"{member}\",\"menu\":\"analytics\",\"grant\":\"read-only\"}"
        "GET .../members, first page (Admin's bearer)|GET|/api/v1/workspaces/{id}/members|bearer|"
        "GET .../members?limit=10 (the same 10 rows on both)|GET|/api/v1/workspaces/{id}/members?limit=10|bearer|"
        "Members page /w/{id}/settings/members (Admin's cookie)|GET|/w/{id}/settings/members|cookie|"
        "Dashboard page /w/{id} (Admin's cookie)|GET|/w/{id}|cookie|"
    )
    local each=$(( (WARMUP + 2 * ${#reads[@]} - 1) / (2 * ${#reads[@]}) ))
    (( each > 0 )) || each=1
    FLAT_ARGS=()
    flat_args() { # read size -> FLAT_ARGS: wrk arguments; also checks the read answers 200
        local name method path credential body id member header
        IFS='|' read -r name method path credential body <<<"$1"
        id=$(eval echo "\$${2}_WORKSPACE_ID"); member=$(eval echo "\$${2}_MEMBER_ID")
        path=${path//\{id\}/$id}; body=${body//\{member\}/$member}
        case "$credential" in
            key) header="Authorization: Bearer $(eval echo "\$${2}_API_KEY")" ;;
            bearer) header="Authorization: Bearer $(eval echo "\$${2}_ADMIN_TOKEN")" ;;
            cookie) header="Cookie: $COOKIE_NAME=$(eval echo "\$${2}_ADMIN_COOKIE")" ;;
        esac
        local check=(-sS -o "$WORK/check.out" -w '%{http_code}' -X "$method" -H "$header")
        FLAT_ARGS=(-H "$header")
        if [[ "$method" == POST ]]; then
            check+=(-H 'Content-Type: application/json' --data "$body")
            export WRK_BODY=$body
            FLAT_ARGS+=(-s "$BENCH/post.lua")
        fi
        local code; code=$(curl "${check[@]}" "$BASE$path")
        [[ "$code" == 200 ]] || { head -c 2000 "$WORK/check.out" >&2; echo >&2; fail "$name on the $2 workspace answered $code"; }
        if [[ "$credential" == key ]] && ! grep -q '"allowed":true' "$WORK/check.out"; then
            cat "$WORK/check.out" >&2; echo >&2; fail "$name: the member's read-only access was not allowed"
        fi
        FLAT_ARGS+=("$BASE$path")
    }

    echo "bench: [$CURRENT_DATABASE_NAME flat] warming up ${WARMUP} s (${each} s per read and size)"
    wrk -t1 -c4 -d2s "$BASE/healthz" >/dev/null
    for read in "${reads[@]}"; do
        for size in BIG SMALL; do
            flat_args "$read" "$size"
            wrk -t$THREADS -c$ACCEPT_CONNECTIONS -d"${each}s" "${FLAT_ARGS[@]}" >"$WORK/warmup.wrk" 2>&1
        done
    done

    measure "$CURRENT_DATABASE-flat-healthz" "GET /healthz (16 connections, flat-read server)" -t$THREADS -c$ACCEPT_CONNECTIONS -d"${FLAT_DURATION}s" "$BASE/healthz"
    local peak=0 all_flat=1 read_number=0
    for read in "${reads[@]}"; do
        local name=${read%%|*} p50_big rps_big
        for size in BIG SMALL; do
            flat_args "$read" "$size"
            measure "$CURRENT_DATABASE-flat-$size-$(( ++read_number ))" "$name, $([[ $size == BIG ]] && echo "${MEMBERS} members" || echo "10 members")" \
                -t$THREADS -c$ACCEPT_CONNECTIONS -d"${FLAT_DURATION}s" "${FLAT_ARGS[@]}"
            (( $(cat "$WORK/rss") / 1024 > peak )) && peak=$(( $(cat "$WORK/rss") / 1024 ))
            if [[ $size == BIG ]]; then p50_big=$M_P50 rps_big=$M_RPS; fi
        done
        local ratio; ratio=$(awk -v a="$p50_big" -v b="$M_P50" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
        FLAT_ROWS+=("| $CURRENT_DATABASE_NAME | \`$name\` | $p50_big | $M_P50 | ${ratio}x | $rps_big | $M_RPS |")
        awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }' || all_flat=0
        target "$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5) ? 1 : 0 }')" "flat: $name, median big/small <= 1.5x: ${ratio}x"
    done
    target "$(( peak <= 300 ))" "resident memory <= 300 MB under the flat-read loads: $peak MB"
    keep "$CURRENT_DATABASE-flat"
    stop_server
}
FLAT_ROWS=()
