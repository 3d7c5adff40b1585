#!/usr/bin/env bash
# Installs the build in BUILD_DIR into a temporary prefix, then builds and runs
# a consumer with find_package(iam), and checks the pkg-config file.
set -euo pipefail
build_dir=$1
src_dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
cmake -S "$src_dir" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer-build" >/dev/null
LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:${LD_LIBRARY_PATH:-}" "$prefix/consumer-build/consumer" | grep -Eq '^[0-9a-f]{32}$'
PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib64/pkgconfig:$(find "$prefix" -name pkgconfig -type d | paste -sd:)" \
  pkg-config --cflags --libs iam | grep -q -- '-liam'
echo "install smoke test passed"
