-- wrk: GET /v3/users/{id} with the token; arguments after `--`: TOKEN ID.
-- done() prints one JSON line (latencies in µs).
--   wrk -t1 -c1 -d5s -s get_user.lua URL -- TOKEN ID
function init(args)
  wrk.method = "GET"
  wrk.path = "/v3/users/" .. args[2]
  wrk.headers["X-Auth-Token"] = args[1]
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "non_2xx": %d, "socket_errors": %d, "requests_per_s": %.1f, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
