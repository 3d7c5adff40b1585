#!/usr/bin/env bash
# The C ABI of libiam.so against its recorded baseline (capi/abi/libiam.abi),
# with libabigail, the way DPDK's devtools/check-abi.sh does it.
#
#   check_abi.sh record ABIDW ABIDIFF BASELINE SUPPRESSIONS HEADER LIBRARY
#   check_abi.sh check  ABIDW ABIDIFF BASELINE SUPPRESSIONS HEADER LIBRARY
#
# Both modes describe the library with the same abidw options: C++ symbols are
# dropped (SUPPRESSIONS), and so are types not defined in HEADER (iam.h), so the
# record holds the C functions, their signatures, the callback tables and
# nothing of the library's internals. `check` then runs abidiff, whose exit
# status is a bit field: 1 error, 2 usage error, 4 ABI change, 8 incompatible
# change. Any change to what the baseline holds fails (a removed function, a
# changed signature or return type, a field inserted in or removed from a
# callback table); additions pass (a new function, a field appended to a
# callback table: abi/compatible.abignore), with a note to re-record:
# cmake --build <build dir> --target iam_abi_baseline.
set -uo pipefail
mode=$1 abidw=$2 abidiff=$3 baseline=$4 suppressions=$5 header=$6 lib=$7

describe() {
  "$abidw" --suppressions "$suppressions" --header-file "$header" --drop-private-types \
    --no-corpus-path --no-comp-dir-path --no-show-locs --drop-undefined-syms --no-architecture \
    --out-file "$1" "$lib"
}

case "$mode" in
  record)
    describe "$baseline" || { echo "FAIL: abidw could not describe $lib"; exit 1; }
    echo "Recorded the C ABI of $(basename "$lib") in $baseline"
    exit 0 ;;
  check) ;;
  *) echo "usage: $0 record|check ABIDW ABIDIFF BASELINE SUPPRESSIONS HEADER LIBRARY"; exit 2 ;;
esac

current=$(mktemp --suffix=.abi)
trap 'rm -f "$current"' EXIT
describe "$current" || { echo "FAIL: abidw could not describe $lib"; exit 1; }
# Added functions are compatible (--no-added-syms); so are fields appended to a
# callback table (compatible.abignore). Anything else abidiff reports fails.
report=$("$abidiff" --no-architecture --no-added-syms \
  --suppressions "$(dirname "$baseline")/compatible.abignore" "$baseline" "$current" 2>&1)
rc=$?
if (( rc & 3 )); then
  echo "FAIL: abidiff could not compare (exit $rc):"
  echo "$report"
  exit 1
fi
if (( rc & 12 )); then
  echo "FAIL: incompatible change to the C ABI against $(basename "$baseline"):"
  echo "$report"
  echo "Restore compatibility, or bump IAM_ABI_VERSION in include/iam/iam.h and re-record."
  exit 1
fi
added=$("$abidiff" --no-architecture "$baseline" "$current" 2>&1 | grep -E "^  \[A\] ")
if [ -n "$added" ]; then
  echo "OK, with additions (re-record with the iam_abi_baseline target):"
  echo "$added"
  exit 0
fi
echo "OK: the C ABI of $(basename "$lib") matches $(basename "$baseline")"
