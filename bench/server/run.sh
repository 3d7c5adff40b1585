#!/usr/bin/env bash
# The HTTP server benchmark: `iamctl serve` on a durable SQLite file, driven
# by wrk (token requests) and bench/server/signed_load (AK/SK requests), at 1
# and 16 connections, beside OpenStack Keystone's own POST /v3/users and GET
# /v3/users/{id} measured in the same run (bench/keystone_peer.py, in
# process). Writes docs/bench/server.json (IAM_BENCH_OUT overrides) and prints
# a table; fails if any request was not answered 2xx.
#
#   bench/server/run.sh [BUILD_DIR] [SECONDS]      # defaults: build-bench, 5
#
# The test command's smoke run: SECONDS=1, IAM_BENCH_OUT in /tmp.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-bench}
seconds=${2:-5}
iamctl=$build/tools/iamctl
signed_load=$build/bench/signed_load
for f in "$iamctl" "$signed_load"; do [ -x "$f" ] || { echo "missing $f (build with tools on)"; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)"; exit 1; }

scratch=$(mktemp -d /tmp/iam-serverbench.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

tenant=d78cbac186b744899480f25bd022f468
"$iamctl" --db "$scratch/iam.db" bootstrap --tenant "$tenant" --admin admin01 >"$scratch/boot.json"
"$iamctl" --db "$scratch/iam.db" serve --listen 127.0.0.1:0 --access-log /dev/null \
  >"$scratch/serve.out" 2>"$scratch/serve.err" &
server_pid=$!
for _ in $(seq 100); do [ -s "$scratch/serve.out" ] && break; sleep 0.1; done
address=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["listening"])' "$scratch/serve.out")
url=http://$address

read -r password ak sk admin_id < <(/usr/bin/python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
print(b["password"], b["access_key"]["id"], b["access_key"]["secret"], b["user"]["id"])' "$scratch/boot.json")
token=$(/usr/bin/python3 - "$url" "$tenant" "$password" <<'PY'
import json, sys, urllib.request
url, tenant, password = sys.argv[1:]
body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin01", "password": password, "domain": {"id": tenant}}}},
    "scope": {"domain": {"id": tenant}}}}
req = urllib.request.Request(url + "/v3/auth/tokens", json.dumps(body).encode(),
                             {"Content-Type": "application/json"})
print(urllib.request.urlopen(req).headers["X-Subject-Token"])
PY
)

results=$scratch/results.jsonl
run_wrk() {  # NAME CONNECTIONS THREADS SCRIPT ARGS...
  local name=$1 c=$2 t=$3 script=$4
  shift 4
  local line
  line=$(wrk -t"$t" -c"$c" -d"${seconds}s" -s "bench/server/$script" "$url" -- "$@" | tail -1)
  echo "{\"case\": \"$name\", \"connections\": $c, \"client\": \"wrk\", \"result\": $line}" >>"$results"
}
run_wrk create_no_password 1 1 create_users.lua "$token" c1
run_wrk create_no_password 16 2 create_users.lua "$token" c16
run_wrk get_user_token 1 1 get_user.lua "$token" "$admin_id"
run_wrk get_user_token 16 2 get_user.lua "$token" "$admin_id"
for c in 1 16; do
  line=$("$signed_load" "${address%:*}" "${address##*:}" "$ak" "$sk" "/v3/users/$admin_id" "$c" "$seconds")
  echo "{\"case\": \"get_user_signed\", \"connections\": $c, \"client\": \"signed_load\", \"result\": $line}" >>"$results"
done
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""

if [ "${IAM_BENCH_NO_PEER:-0}" != 1 ]; then
  /usr/bin/python3 bench/keystone_peer.py --seconds "$seconds" --json | tail -1 >"$scratch/keystone.json"
else
  echo '{}' >"$scratch/keystone.json"
fi

out=${IAM_BENCH_OUT:-docs/bench/server.json}
mkdir -p "$(dirname "$out")"
/usr/bin/python3 - "$results" "$scratch/keystone.json" "$seconds" "$out" <<'PY'
import json, sys
results_path, peer_path, seconds, out_path = sys.argv[1:]
rows = [json.loads(l) for l in open(results_path)]
peer = json.load(open(peer_path))
errors = [r for r in rows if r["result"].get("non_2xx", r["result"].get("errors", 0))]
out = {"seconds": float(seconds), "iamcore": rows, "keystone": peer}
if peer:
    c1 = next(r for r in rows if r["case"] == "create_no_password" and r["connections"] == 1)
    c16 = next(r for r in rows if r["case"] == "create_no_password" and r["connections"] == 16)
    g1 = next(r for r in rows if r["case"] == "get_user_token" and r["connections"] == 1)
    out["ratios"] = {
        "create_1conn_vs_keystone": c1["result"]["requests_per_s"] / peer["create_per_s"],
        "create_16conn_vs_keystone": c16["result"]["requests_per_s"] / peer["create_per_s"],
        "get_1conn_vs_keystone": g1["result"]["requests_per_s"] / peer["get_per_s"],
    }
json.dump(out, open(out_path, "w"), indent=1)
print("%-22s %5s %12s %9s %9s %9s" % ("case", "conns", "requests/s", "p50 us", "p90 us", "p99 us"))
for r in rows:
    x = r["result"]
    print("%-22s %5d %12.0f %9d %9d %9d" % (r["case"], r["connections"], x["requests_per_s"],
                                             x["p50_us"], x["p90_us"], x["p99_us"]))
if peer:
    print("%-22s %5d %12.1f %9d %9s %9d" % ("keystone create", 1, peer["create_per_s"],
                                             peer["create_p50_us"], "", peer["create_p99_us"]))
    print("%-22s %5d %12.1f %9d %9s %9d" % ("keystone get", 1, peer["get_per_s"],
                                             peer["get_p50_us"], "", peer["get_p99_us"]))
    print("ratios:", json.dumps({k: round(v, 1) for k, v in out["ratios"].items()}))
if errors:
    sys.exit("errors in: %s" % [(r["case"], r["connections"]) for r in errors])
PY
