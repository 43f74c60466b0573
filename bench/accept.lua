-- wrk script for the accept scenario (bench/all.sh): distinct people accepting one invitation link.
-- Every request is POST /api/v1/invitations/{ACCEPT_TOKEN}/accept with the next person's Authorization value from
-- ACCEPT_CREDENTIALS (one value per line, written by bench/Seed `people`). wrk's threads take alternate lines
-- (thread t of ACCEPT_THREADS takes lines t, t + threads, ...), so no person is sent twice; someone sent twice would
-- be answered 409, and a run that uses up its lines sends "Bearer exhausted" (401): wrk counts both as non-2xx.
--
-- ACCEPT_RATE (requests per second, all threads together; unset or 0: as fast as the connections go) paces the
-- requests: each thread gives its requests start times ACCEPT_THREADS / ACCEPT_RATE seconds apart (wrk's delay(),
-- with LuaJIT's ffi to clock_gettime for a millisecond clock). wrk's latencies are from sending to the answer.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } roster_timespec;
int clock_gettime(int clock, roster_timespec *tp);
]]
local clock_spec = ffi.new("roster_timespec")
local function now_ms()
    ffi.C.clock_gettime(1, clock_spec) -- CLOCK_MONOTONIC
    return tonumber(clock_spec.tv_sec) * 1000 + tonumber(clock_spec.tv_nsec) / 1e6
end

local next_thread = 0
local threads = {}

function setup(thread)
    thread:set("index", next_thread)
    next_thread = next_thread + 1
    table.insert(threads, thread)
end

local credentials = {}
local position = 1
local path
local interval
local next_slot
exhausted = 0

function init(args)
    local token = os.getenv("ACCEPT_TOKEN") or error("ACCEPT_TOKEN is not set")
    local file = os.getenv("ACCEPT_CREDENTIALS") or error("ACCEPT_CREDENTIALS is not set")
    local count = tonumber(os.getenv("ACCEPT_THREADS") or error("ACCEPT_THREADS is not set"))
    path = "/api/v1/invitations/" .. token .. "/accept"
    local line_number = 0
    for line in io.lines(file) do
        if line_number % count == index then
            credentials[#credentials + 1] = line
        end
        line_number = line_number + 1
    end

    local rate = tonumber(os.getenv("ACCEPT_RATE") or "0")
    if rate > 0 then
        interval = 1000 * count / rate
        next_slot = now_ms()
    end
end

function delay()
    if interval == nil then
        return 0
    end
    local now = now_ms()
    if next_slot < now then
        next_slot = now -- behind schedule: no burst to catch up, the next request goes now
    end
    local wait = next_slot - now
    next_slot = next_slot + interval
    return wait
end

function request()
    local credential = credentials[position]
    if credential == nil then
        exhausted = exhausted + 1
        credential = "Bearer exhausted"
    else
        position = position + 1
    end
    return wrk.format("POST", path, { ["Authorization"] = credential, ["Content-Length"] = "0" })
end

function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do
        total = total + (thread:get("exhausted") or 0)
    end
    if total > 0 then
        io.write(string.format("Credentials exhausted: %d requests had no person left\n", total))
    end
end
