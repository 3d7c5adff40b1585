-- wrk: GET /v3/users/{id} with the token; arguments after `--`: TOKEN ID.
-- done() prints one JSON line (latencies in µs).
--   wrk -t1 -c1 -d5s -s get_user.lua URL -- TOKEN ID
function init(args)
  wrk.method = "GET"
  wrk.path = "/v3/users/" .. args[2]
  wrk.headers["X-Auth-Token"] = args[1]
end

-- done(): the shared JSON report, from this script's folder.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
