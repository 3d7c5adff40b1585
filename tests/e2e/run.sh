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
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# The SDK, pinned by package-lock.json; npm ci only when it is not installed.
if [ ! -d "$here/node_modules/@huaweicloud/huaweicloud-sdk-iam" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

tenant=d78cbac186b744899480f25bd022f468
"$iamctl" --db "$scratch/iam.db" bootstrap --tenant "$tenant" --admin admin01 >"$scratch/boot.json"
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
env = {"IAM_URL": "http://" + ready["listening"], "IAM_TENANT": boot["tenant"],
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
echo "== e2e: all passed"
