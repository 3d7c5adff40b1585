#!/usr/bin/env bash
# The main job: install what is missing, build, and show iamctl at work — the
# rules, then a user created, read, logged in and given an access key, in a
# fresh SQLite database under build/demo/ — and then the HTTP APIs: `iamctl
# serve` on another SQLite file, a bootstrapped tenant, a Keystone token from
# POST /v3/auth/tokens, then with curl a user created, read, refused as a
# duplicate (409 "1109"), deleted and not found; each exchange printed, the
# server stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAM_BUILD_TESTS=OFF -DIAM_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build -j2 >/dev/null
iamctl=$PWD/build/tools/iamctl
demo=build/demo
rm -rf "$demo" && mkdir -p "$demo"
export IAM_NOTIFY_FILE=$PWD/$demo/notifications.jsonl
run() { echo "\$ iamctl $*"; "$iamctl" --db "$demo/iam.db" "$@" || true; echo; }
run_in() { local input=$1; shift; echo "\$ iamctl $*   (stdin: a password)"; printf '%s\n' "$input" | "$iamctl" --db "$demo/iam.db" "$@" || true; echo; }

echo "== the rules (huawei profile unless --profile)"
run check-username alice.wong
run check-username 1alice
run --profile alibaba check-username 'alice@example.com'
run check-password --username A12345 54321a
run generate-password
run --profile tencent generate-password

echo "== a user, end to end (SQLite file $demo/iam.db)"
run create-group --tenant acme --name Developers
run create-user --tenant acme --username alice.wong --email alice@example.com \
    --generate-password --access-key --group developers --client-token demo-1
run create-user --tenant acme --username ALICE.WONG --generate-password
run_in 'Summer-Breeze7' create-user --tenant acme --username bob.smith --password - --no-reset
run_in 'Summer-Breeze7' login --tenant acme --identifier bob.smith --password -
run list-users --tenant acme

echo "== the HTTP APIs: iamctl serve on $demo/http.db, called with curl"
http_db=$demo/http.db
tenant=d78cbac186b744899480f25bd022f468
echo "\$ iamctl bootstrap --tenant $tenant --admin admin01"
"$iamctl" --db "$http_db" bootstrap --tenant "$tenant" --admin admin01 | tee "$demo/bootstrap.json"
echo
"$iamctl" --db "$http_db" serve --listen 127.0.0.1:0 --access-log "$demo/access.log" >"$demo/serve.out" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$demo/serve.out" ] && break; sleep 0.1; done
echo "\$ iamctl serve --listen 127.0.0.1:0 &"
cat "$demo/serve.out"
url=http://$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["listening"])' "$demo/serve.out")
field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(d)' "$@"; }
password=$(field "$demo/bootstrap.json" password)
exchange() {  # prints the curl command, then the response (status line, headers, body)
  echo
  echo "\$ curl -i -X $1 $url$2${token:+ -H 'X-Auth-Token: $token'}${3:+ -H 'Content-Type: application/json' -d '$3'}"
  if [ -n "${3:-}" ]; then
    curl -s -i -X "$1" "$url$2" -H "Content-Type: application/json" ${token:+-H "X-Auth-Token: $token"} -d "$3"
  else
    curl -s -i -X "$1" "$url$2" ${token:+-H "X-Auth-Token: $token"}
  fi | tee "$demo/last.txt"
  echo
}
token=""
login=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"auth": {"identity": {"methods": ["password"],
  "password": {"user": {"name": "admin01", "password": sys.argv[2], "domain": {"id": sys.argv[1]}}}},
  "scope": {"domain": {"id": sys.argv[1]}}}}))' "$tenant" "$password")
exchange POST /v3/auth/tokens "$login"
token=$(grep -i '^X-Subject-Token:' "$demo/last.txt" | cut -d' ' -f2 | tr -d '\r')
exchange POST /v3/users '{"user": {"name": "jamesdoe", "description": "made over HTTP", "enabled": true}}'
user_id=$(tail -1 "$demo/last.txt" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
exchange GET "/v3/users/$user_id"
exchange POST /v3/users '{"user": {"name": "jamesdoe"}}'
exchange DELETE "/v3/users/$user_id"
exchange GET "/v3/users/$user_id"
kill -TERM "$server" && wait "$server"
trap - EXIT
echo "== server stopped (exit 0); its access log: $demo/access.log"
