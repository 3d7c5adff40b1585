#!/usr/bin/env bash
# End-to-end: starts `iamctl serve` on loopback with a bootstrapped tenant,
# runs the real clients against it (the Huawei Node SDK, Debian's OpenStack
# client, curl) and the bounded abuse run, then stops the server with SIGTERM
# and checks it exited 0 and logged no secret. The server is stopped and the
# scratch directory removed even when a suite fails.
#
#   tests/e2e/run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
iamctl=$build/tools/iamctl
scratch=$(mktemp -d /tmp/iam-e2e.XXXXXX)
server_pid=""
action_pids=()
stop() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$server_pid"
  for pid in "${action_pids[@]}"; do stop "$pid"; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# The SDKs and playwright-core, pinned by package-lock.json; npm ci only when
# one is not installed. The browser is Debian's chromium (scripts/deps.sh).
if [ ! -d "$here/node_modules/@huaweicloud/huaweicloud-sdk-iam" ] ||
   [ ! -d "$here/node_modules/playwright-core" ] ||
   [ ! -d "$here/node_modules/tencentcloud-sdk-nodejs" ] ||
   [ ! -d "$here/node_modules/@alicloud/pop-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

tenant=d78cbac186b744899480f25bd022f468
"$iamctl" --db "$scratch/iam.db" bootstrap --tenant "$tenant" --admin admin01 >"$scratch/boot.json"
# A second tenant on the same server: the console test signs in as its
# administrator and must see nothing of the first.
tenant2=0a1b2c3d4e5f60718293a4b5c6d7e8f9
"$iamctl" --db "$scratch/iam.db" bootstrap --tenant "$tenant2" --admin admin02 >"$scratch/boot2.json"
"$iamctl" --db "$scratch/iam.db" serve --listen 127.0.0.1:0 --access-log "$scratch/access.log" \
  --timeout 3 >"$scratch/serve.out" 2>"$scratch/serve.err" &
server_pid=$!
for _ in $(seq 100); do [ -s "$scratch/serve.out" ] && break; sleep 0.1; done
[ -s "$scratch/serve.out" ] || { echo "iamctl serve did not print its ready line"; cat "$scratch/serve.err"; exit 1; }

eval "$(/usr/bin/python3 - "$scratch" <<'PY'
import json, shlex, sys
scratch = sys.argv[1]
ready = json.loads(open(scratch + "/serve.out").readline())
boot = json.load(open(scratch + "/boot.json"))
boot2 = json.load(open(scratch + "/boot2.json"))
env = {"IAM_URL": "http://" + ready["listening"], "IAM_TENANT": boot["tenant"],
       "IAM_TENANT2": boot2["tenant"], "IAM_ADMIN2": boot2["user"]["name"],
       "IAM_PASSWORD2": boot2["password"],
       "IAM_ADMIN": boot["user"]["name"], "IAM_ADMIN_ID": boot["user"]["id"],
       "IAM_PASSWORD": boot["password"], "IAM_AK": boot["access_key"]["id"],
       "IAM_SK": boot["access_key"]["secret"]}
for k, v in env.items():
    print("export %s=%s" % (k, shlex.quote(v)))
PY
)"
export IAMCTL=$iamctl HOME=$scratch/home IAM_SERVER_PID=$server_pid IAM_ACCESS_LOG=$scratch/access.log
mkdir -p "$HOME"
echo "e2e: iamctl serve at $IAM_URL (pid $server_pid)"

echo "== e2e: the Huawei Node SDK (node --test)"
(cd "$here" && node --test huawei_sdk.test.mjs)

echo "== e2e: the console in headless Chromium (node --test, playwright-core)"
export IAM_SCREENSHOTS=${IAM_SCREENSHOTS:-$build/console-screenshots}
(cd "$here" && node --test console.test.mjs)
echo "console screenshots: $IAM_SCREENSHOTS"

echo "== e2e: OpenStack client, curl, abuse (pytest)"
set +e
(cd "$here" && /usr/bin/python3 -m pytest -q -p no:cacheprovider test_openstack_client.py \
  test_curl_statuses.py test_abuse.py)
rc=$?
set -e
[ "$rc" -eq 0 ] || { echo "pytest failed (exit $rc; 5 means no tests were collected)"; exit 1; }

echo "== e2e: SIGTERM stops the server cleanly"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || { echo "iamctl serve exited $status on SIGTERM"; cat "$scratch/serve.err"; exit 1; }
# The access log: one JSON object per request, and no secret anywhere in it.
/usr/bin/python3 - "$scratch/access.log" "$IAM_PASSWORD" "$IAM_SK" <<'PY'
import json, sys
path, *secrets = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) > 1000, "expected an access-log line per request, got %d" % len(lines)
for line in lines:
    entry = json.loads(line)
    for key in ("method", "path", "status", "duration_ms", "request_id", "principal"):
        assert key in entry, (key, line)
    assert "?" not in entry["path"], line
for secret in secrets:
    assert secret not in open(path).read(), "a secret reached the access log"
print("access log: %d lines, all JSON, no query strings, no secrets" % len(lines))
PY
# The action APIs: one server per profile, each bootstrapped with its own key.
# start_action_server PROFILE TENANT: prints the server's URL and the
# bootstrap output's path; the server is stopped by cleanup.
start_action_server() {
  local dir=$scratch/$1
  mkdir -p "$dir"
  "$iamctl" --profile "$1" --db "$dir/iam.db" bootstrap --tenant "$2" --admin admin01 >"$dir/boot.json"
  if [ "$1" = alibaba ]; then
    "$iamctl" --profile alibaba --db "$dir/iam.db" create-custom-field --tenant "$2" --name age \
      --type number >/dev/null
    "$iamctl" --profile alibaba --db "$dir/iam.db" create-ou --tenant "$2" --name sales >"$dir/ou.json"
  fi
  "$iamctl" --profile "$1" --db "$dir/iam.db" serve --listen 127.0.0.1:0 \
    --access-log "$dir/access.log" --timeout 3 >"$dir/serve.out" 2>"$dir/serve.err" &
  action_pids+=($!)
  for _ in $(seq 100); do [ -s "$dir/serve.out" ] && break; sleep 0.1; done
  [ -s "$dir/serve.out" ] || { echo "iamctl serve ($1) did not start"; cat "$dir/serve.err"; exit 1; }
}
start_action_server tencent 100000000001
start_action_server alibaba idaas_e2etest01
eval "$(/usr/bin/python3 - "$scratch" <<'PY'
import json, shlex, sys
scratch = sys.argv[1]
def load(profile, name):
    return json.load(open("%s/%s/%s" % (scratch, profile, name)))
def url(profile):
    return "http://" + json.loads(open("%s/%s/serve.out" % (scratch, profile)).readline())["listening"]
t, a = load("tencent", "boot.json"), load("alibaba", "boot.json")
env = {"TC_URL": url("tencent"), "TC_AK": t["access_key"]["id"], "TC_SK": t["access_key"]["secret"],
       "ALI_URL": url("alibaba"), "ALI_INSTANCE": a["tenant"], "ALI_AK": a["access_key"]["id"],
       "ALI_SK": a["access_key"]["secret"], "ALI_OU": a["user"]["primary_ou"],
       "ALI_OU2": load("alibaba", "ou.json")["ou"]["id"]}
for k, v in env.items():
    print("export %s=%s" % (k, shlex.quote(v)))
PY
)"
echo "== e2e: the Tencent CAM and Alibaba EIAM SDKs (node --test)"
(cd "$here" && node --test tencent_sdk.test.mjs alibaba_sdk.test.mjs)
for profile in tencent alibaba; do
  pid=${action_pids[0]}
  action_pids=("${action_pids[@]:1}")
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || { echo "iamctl serve ($profile) exited $status"; exit 1; }
  # RPC parameters, the password among them, travel in the URL: never logged.
  if grep -q -e "Pa55word" -e "P@ssw0rd" -e '?' "$scratch/$profile/access.log"; then
    echo "a query string or a password reached the $profile access log"; exit 1
  fi
  echo "$profile access log: $(wc -l <"$scratch/$profile/access.log") lines, no query, no password"
done
echo "== e2e: all passed"
