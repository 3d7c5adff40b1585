#!/usr/bin/env bash
# Installs the Debian 12 packages iamcore needs, only those missing. Non-interactive.
set -euo pipefail
packages=(
  cmake g++ make pkg-config git
  libabsl-dev libre2-dev libsodium-dev libutf8proc-dev libsqlite3-dev nlohmann-json3-dev rapidjson-dev libcli11-dev libssl-dev libcrypt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest
  abigail-tools  # abidw/abidiff: the C ABI baseline check (capi/abi/)
  libcpp-httplib-dev  # iamctl serve's HTTP host
  clang-14  # libFuzzer (fuzz/)
  spin  # the protocol model (model/)
  curl python3-openstackclient  # the end-to-end clients (tests/e2e; Node below)
  python3-keystone wrk  # the server benchmark and its peer (bench/server)
  postgresql pgbouncer libpq-dev  # PostgresStore and its tests (scripts/pg_cluster.sh)
  libcurl4-openssl-dev python3-aiosmtpd  # the delivering notifiers and their SMTP test server
  chromium fonts-liberation  # the console's browser tests (tests/e2e/console.test.mjs)
  # Benchmark peers (optional at configure time, installed so the figures reproduce).
  libpwquality-dev libzxcvbn-dev libcrack2-dev cracklib-runtime john-data
)
# `deps.sh bench` adds what bench/run.sh needs to draw its plots.
if [ "${1:-}" = bench ]; then
  packages+=(python3-matplotlib)
fi
# Node 20 with npm may come from elsewhere (NodeSource): Debian's only when absent.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
