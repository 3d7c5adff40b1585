-- wrk: POST /v3/users without a password, a new name per request, with the
-- token and a run tag (unique per run: names must not repeat) after `--`.
-- done() prints one JSON line (latencies in µs).
--   wrk -t1 -c1 -d5s -s create_users.lua URL -- TOKEN TAG
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.path = "/v3/users"
  wrk.headers["X-Auth-Token"] = args[1]
  wrk.headers["Content-Type"] = "application/json"
  tag = args[2]
end

function request()
  counter = counter + 1
  local body = string.format('{"user": {"name": "b%st%dn%d"}}', tag, tid, counter)
  return wrk.format(nil, nil, nil, body)
end

-- done(): the shared JSON report, from this script's folder.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
