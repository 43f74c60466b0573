-- wrk script for bench/run.sh: every request is a POST of the JSON body in the environment variable WRK_BODY.
-- The Authorization header comes from wrk's -H, as for the GET endpoints.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY") or error("WRK_BODY is not set")
wrk.headers["Content-Type"] = "application/json"
