-- wrk's done() for the server benchmark's scripts: one JSON line with the
-- request count, non-2xx answers, socket errors, requests/s and latency
-- percentiles in µs. Loaded with dofile() by create_users.lua and get_user.lua.
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "non_2xx": %d, "socket_errors": %d, "requests_per_s": %.1f, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
