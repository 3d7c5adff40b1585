#!/usr/bin/env bash
# The main job: install what is missing, build, and show iamctl at work.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIAM_BUILD_TESTS=OFF -DIAM_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build -j2 >/dev/null
iamctl=build/tools/iamctl
run() { echo "\$ iamctl $*"; "$iamctl" "$@" || true; echo; }
run check-username alice.wong
run check-username 1alice
run --profile alibaba check-username 'alice@example.com'
run check-password --username A12345 54321a
run check-password --username alice.wong --email alice@example.com 'Summer-Breeze7'
run generate-password
run --profile tencent generate-password
