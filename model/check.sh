#!/usr/bin/env bash
# Checks model/create_protocol.pml with spin: an exhaustive search of both
# scenarios (safety: assertions and invalid end states), then one mutant per
# property that must be caught (a model that cannot fail proves nothing).
#   model/check.sh          what scripts/test.sh runs (a few seconds)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/iam-spin.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

# verify FILE [-DFLAG]: prints the search's figures; exit 1 on any error.
verify() {
  spin -a "${@:2}" "$1" >/dev/null
  gcc -O2 -DSAFETY -DCOLLAPSE -o pan pan.c
  ./pan -m200000 >pan.out 2>&1 || true
  grep -E "errors:|states, stored" pan.out | sed 's/^ */  /'
  grep -q "errors: 0" pan.out
}

for scenario in "" -DMISUSE; do
  echo "create_protocol.pml ${scenario:-(same username, another token)}"
  verify "$here/create_protocol.pml" $scenario || { cat pan.out; exit 1; }
done

# Each mutant breaks one rule the protocol relies on and must be refuted.
mutant() {
  sed "$2" "$here/create_protocol.pml" >mutant.pml
  if verify mutant.pml $3 >/dev/null; then
    echo "mutant not caught: $1"; exit 1
  fi
  echo "mutant caught: $1"
}
mutant "the commit does not check the username" \
  's/:: record_user\[tok\] != 0 || owner\[name\] != 0 -> out = 255/:: record_user[tok] != 0 -> out = 255/' ""
mutant "a replay ignores the fingerprint" \
  's/:: record_user\[tok\] != 0 \&\& record_print\[tok\] != name -> out = 0/:: record_user[tok] != 0 \&\& record_print[tok] != name -> out = record_user[tok]/' -DMISUSE
mutant "a message is completed without being delivered" \
  's/delivered\[m\]++;  \/\* Send/skip;  \/* Send/' ""
