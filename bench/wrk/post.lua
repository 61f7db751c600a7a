-- wrk POST script: the same request every client in bench/run.sh sends (the wire's limit on this machine).
--   BENCH_BODY  file with the exact JSON body
--   BENCH_AUTH  base64 of "login:password" (never printed)
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.path = "/v1/line/send/message/"
wrk.body = body
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_AUTH")
