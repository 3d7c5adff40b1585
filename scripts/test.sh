#!/usr/bin/env bash
# Every test: install what is missing, build (plain and ASan+UBSan), run the
# GoogleTest suites through CTest, the C program, the concurrency suites under
# TSan, the Python suites, and a smoke pass of the benchmarks. Exits non-zero on
# any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=${IAM_JOBS:-2}
start=$(date +%s)

# PostgreSQL for the suites that run against PostgresStore: a throwaway server
# on loopback (scripts/pg_cluster.sh) with PgBouncer in front in transaction
# pooling mode, stopped on exit, pass or fail. The failover test starts its own.
pg_dir=$(bash scripts/pg_cluster.sh start --pgbouncer)
trap 'bash scripts/pg_cluster.sh stop "$pg_dir"' EXIT
# shellcheck disable=SC1091
. "$pg_dir/env"
export IAM_TEST_PG_URL=$PG_URL IAM_TEST_PGBOUNCER_URL=$PG_BOUNCER_URL

# The test builds compile at -O1 with line tables only: half the compile time
# of -O2 -g on CI's two cores. Benchmarks figures come from bench/run.sh's own
# release build, never from these.
test_flags="-O1 -g1 -DNDEBUG"

echo "== build (RelWithDebInfo) [at $(( $(date +%s) - start ))s]"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$test_flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$test_flags" >/dev/null
cmake --build build-test -j"$jobs"
echo "== ctest [at $(( $(date +%s) - start ))s]"
ctest --test-dir build-test --output-on-failure -j"$jobs"
# CTest hides a passing test's output: the race's counts, into this log.
echo "== the 4-process PostgreSQL race, directly and through PgBouncer: counts"
build-test/tests/postgres_race_test --gtest_brief=1 | grep -E '^\[(direct|pgbouncer)\]'

if [ "${IAM_SKIP_SANITIZE:-0}" != 1 ]; then
  # clang-14: it compiles this build in 60% of gcc's time, and the same build
  # carries the libFuzzer targets (IAM_FUZZ: coverage instrumentation too), so
  # the fuzzers need no build of their own.
  echo "== build (ASan+UBSan, clang, with the fuzz targets) [at $(( $(date +%s) - start ))s]"
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIAM_SANITIZE=ON \
    -DIAM_FUZZ=ON -DIAM_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  echo "== ctest (ASan+UBSan) [at $(( $(date +%s) - start ))s]"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi

if [ "${IAM_SKIP_SANITIZE:-0}" != 1 ]; then
  # The suites with threads racing (engine, lifecycle, store contract) under
  # ThreadSanitizer; any report fails the run.
  echo "== build (TSan) and the concurrency suites [at $(( $(date +%s) - start ))s]"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAM_TSAN=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$test_flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$test_flags" \
    -DIAM_BUILD_BENCHMARKS=OFF -DIAM_BUILD_TOOLS=OFF -DIAM_INSTALL=OFF >/dev/null
  tsan_suites=(engine_test lifecycle_test store_contract_test wire_service_test import_test)
  cmake --build build-tsan -j"$jobs" --target "${tsan_suites[@]}"
  for suite in "${tsan_suites[@]}"; do
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "build-tsan/tests/$suite" --gtest_brief=1
  done
fi

if [ "${IAM_SKIP_SANITIZE:-0}" != 1 ]; then
  # The parsers under libFuzzer (clang-14, ASan+UBSan, from the ASan build),
  # 10 s each over the seed corpus; new inputs go to a scratch folder. Long
  # mode (an optimized build of its own): fuzz/README.md.
  echo "== fuzzing (libFuzzer, short mode) [at $(( $(date +%s) - start ))s]"
  fuzz_scratch=$(mktemp -d /tmp/iam-fuzz.XXXXXX)
  for target in signature_fuzz wire_fuzz policy_fuzz validators_fuzz capi_fuzz import_fuzz scim_fuzz; do
    mkdir -p "$fuzz_scratch/$target"
    (cd "$fuzz_scratch" && "$OLDPWD/build-asan/fuzz/$target" -max_total_time=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "$fuzz_scratch/$target" "$OLDPWD/fuzz/corpus/${target%_fuzz}" \
      >"$fuzz_scratch/$target.log" 2>&1) \
      || { tail -40 "$fuzz_scratch/$target.log"; echo "fuzzing $target found a failure"; exit 1; }
    grep -E "^stat::number_of_executed_units" "$fuzz_scratch/$target.log" || true
  done
  rm -rf "$fuzz_scratch"
fi

# The create / idempotency / outbox protocol, model-checked (spin), with
# mutants that must be caught.
echo "== protocol model (spin) [at $(( $(date +%s) - start ))s]"
bash model/check.sh

# pytest exits 5 when it collects no test: that must fail, not pass.
run_pytest() {
  set +e
  "$@"
  local rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "pytest failed (exit $rc; 5 means no tests were collected)"
    exit 1
  fi
}
echo "== iamctl (pytest) [at $(( $(date +%s) - start ))s]"
run_pytest env IAMCTL="$PWD/build-test/tools/iamctl" IAM_LIBRARY="$PWD/build-test/libiam.so" \
  /usr/bin/python3 -m pytest -q tests/cli
echo "== python bindings (pytest) [at $(( $(date +%s) - start ))s]"
run_pytest env IAM_LIBRARY="$PWD/build-test/libiam.so" /usr/bin/python3 -m pytest -q bindings/python/tests

# A primary and a standby of their own; SIGKILL, promotion, and the count of
# acknowledged creates lost with a synchronous and an asynchronous standby.
echo "== PostgreSQL failover (pytest; long mode: IAM_FAILOVER_ROUNDS) [at $(( $(date +%s) - start ))s]"
run_pytest env IAM_LIBRARY="$PWD/build-test/libiam.so" /usr/bin/python3 -m pytest -q -s tests/failover

echo "== end to end: iamctl serve with the Huawei SDK, the OpenStack client, curl, abuse [at $(( $(date +%s) - start ))s]"
bash tests/e2e/run.sh build-test
if [ "${IAM_SKIP_SANITIZE:-0}" != 1 ]; then
  # The same against the ASan+UBSan server: a report aborts it, and the run
  # (or its exit status on SIGTERM, leaks included) fails.
  echo "== end to end again, the server under ASan+UBSan [at $(( $(date +%s) - start ))s]"
  ASAN_OPTIONS=detect_leaks=1 bash tests/e2e/run.sh build-asan
fi

echo "== benchmark smoke run (each program runs; figures come from bench/run.sh) [at $(( $(date +%s) - start ))s]"
smoke() {
  local program=build-test/bench/$1 filter=$2
  [ -x "$program" ] || { echo "missing $program"; exit 1; }
  "$program" --benchmark_min_time=0.001 --benchmark_filter="$filter" >/tmp/iam_smoke.txt 2>&1 \
    || { cat /tmp/iam_smoke.txt; exit 1; }
  grep -Eq "^(BM_|username|password|blocklist|generate)" /tmp/iam_smoke.txt \
    || { echo "$1 ran no benchmark"; cat /tmp/iam_smoke.txt; exit 1; }
}
smoke validation_bench '^(username|password/iamcore|blocklist/iamcore|generate/iamcore)'
smoke engine_bench 'Memory_NoPassword|DuplicateRejected|ReplayAnswered|AuditCost'
smoke capi_bench '.'
smoke wire_bench '.'
smoke policy_bench '.'
smoke scim_bench 'BM_FilterUserNameEq/0/1000$'
/usr/bin/python3 bench/import_bench.py --build build-test --rows 2000 --hashed 4 --jobs 2 \
  --min-time 0.05 >/tmp/iam_smoke.txt 2>&1 || { cat /tmp/iam_smoke.txt; exit 1; }
IAM_LIBRARY="$PWD/build-test/libiam.so" /usr/bin/python3 bench/audit_read_bench.py \
  --user-events 5 --others-per-event 10 --reps 3 >/tmp/iam_smoke.txt 2>&1 || { cat /tmp/iam_smoke.txt; exit 1; }
# Creates/s on SQLite and PostgreSQL (primary, synchronous standby), pgbench beside.
/usr/bin/python3 bench/store_bench.py --build build-test --seconds 0.3 --procs 1 \
  >/tmp/iam_smoke.txt 2>&1 || { cat /tmp/iam_smoke.txt; exit 1; }
grep -q "pgbench TPC-B" /tmp/iam_smoke.txt || { cat /tmp/iam_smoke.txt; exit 1; }
# The server benchmark and its Keystone peer, one second per case.
IAM_BENCH_OUT=/tmp/iam_server_smoke.json bash bench/server/run.sh build-test 1 >/tmp/iam_smoke.txt 2>&1 \
  || { cat /tmp/iam_smoke.txt; exit 1; }

echo "== all tests passed in $(( $(date +%s) - start ))s"
