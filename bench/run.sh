#!/usr/bin/env bash
# Builds the benchmarks (Release) and runs them; writes docs/bench/*.json, the
# console output next to it, the plot and the summary table (bench/plot.py).
#
#   bench/run.sh                          # everything
#   bench/run.sh --benchmark_filter=username   # extra flags go to the programs
#
# BUILD_DIR (default build-bench) selects the build directory. See
# docs/PERFORMANCE.md.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/deps.sh bench
BUILD_DIR=${BUILD_DIR:-build-bench}
OUT_DIR=docs/bench

if [ ! -r /var/cache/cracklib/cracklib_dict.pwd ]; then
  echo "run.sh: no cracklib dictionary; the cracklib and pwquality-dict rows will be skipped" >&2
  echo "run.sh: (install it with: apt-get install -y cracklib-runtime)" >&2
fi

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DIAM_BUILD_BENCHMARKS=ON \
  -DIAM_BUILD_TESTS=OFF -DIAM_BUILD_TOOLS=ON
cmake --build "$BUILD_DIR" -j"$(nproc)"

mkdir -p "$OUT_DIR"
# The machine is shared: random interleaving spreads each benchmark's five
# repetitions over the whole run, so a burst of load elsewhere does not land on
# one implementation only and skew a ratio.
# Each program's JSON, console table and plot share one stem.
for name in validation engine capi wire policy; do
  program="$BUILD_DIR/bench/${name}_bench"
  [ -x "$program" ] || continue
  "$program" \
    --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true \
    --benchmark_enable_random_interleaving=true \
    --benchmark_out="$OUT_DIR/$name.json" \
    --benchmark_out_format=json \
    "$@" 2>&1 | tee "$OUT_DIR/$name.txt"
  /usr/bin/python3 bench/plot.py "$OUT_DIR/$name.json" "$OUT_DIR/$name.png"
done

# The Python binding's per-call overhead beside the C call measured above.
if [ -f "$OUT_DIR/capi.json" ]; then
  IAM_LIBRARY="$PWD/$BUILD_DIR/libiam.so" PYTHONPATH=bindings/python \
    /usr/bin/python3 bench/python_overhead.py "$OUT_DIR/capi.json" "$OUT_DIR/python_overhead.json" \
    | tee "$OUT_DIR/python_overhead.txt"
fi

# Bulk import through iamctl: rows/s and peak RSS, Argon2id rows beside the
# ceiling measured in the same run.
/usr/bin/python3 bench/import_bench.py --build "$BUILD_DIR" --out "$OUT_DIR/import.json" \
  | tee "$OUT_DIR/import.txt"

# Creates/s on one database from 1, 2 and 4 processes: SQLite, PostgreSQL, and
# PostgreSQL with a synchronous standby, pgbench on the same server beside.
/usr/bin/python3 bench/store_bench.py --build "$BUILD_DIR" --out "$OUT_DIR/store.json" \
  | tee "$OUT_DIR/store.txt"

# The HTTP server (wrk, the signed-request client) beside Keystone's own
# POST /v3/users, in the same run: docs/bench/server.json.
bash bench/server/run.sh "$BUILD_DIR" 5 | tee "$OUT_DIR/server.txt"
