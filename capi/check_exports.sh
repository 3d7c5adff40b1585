#!/usr/bin/env bash
# Checks the dynamic symbols of libiam.so (CTest c_api_exports):
#  - its SONAME is libiam.so.<IAM_ABI_VERSION>;
#  - every defined dynamic symbol is a C function of include/iam/iam.h (iam_*)
#    or belongs to the public C++ API (namespace iam, not iam::internal):
#    nothing of Abseil, RE2, libsodium, nlohmann::json or std:: leaks;
#  - every function iam.h declares is exported (none is missing a definition).
# Usage: check_exports.sh LIBRARY HEADER ABI_VERSION
set -euo pipefail
lib=$1
header=$2
abi=$3
nm=${NM:-nm}
readelf=${READELF:-readelf}
cxxfilt=${CXXFILT:-c++filt}

soname=$("$readelf" -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$soname" != "libiam.so.$abi" ]; then
  echo "FAIL: SONAME is '$soname', expected 'libiam.so.$abi'"
  exit 1
fi

# Names only, without the @@VERSION suffix.
raw=$("$nm" -D --defined-only "$lib" | awk 'NF >= 3 {print $3}' | sed 's/@.*//' | sort -u)
demangled=$(printf '%s\n' "$raw" | "$cxxfilt")
bad=()
c_count=0
cxx_count=0
while IFS=$'\t' read -r name pretty; do
  [ -n "$name" ] || continue
  case "$name" in
    IAM_[0-9]*) continue ;;  # the version node itself
    iam_*) c_count=$((c_count + 1)); continue ;;
  esac
  case "$pretty" in
    iam::internal::* | *" for iam::internal::"*) bad+=("$pretty") ;;
    iam::* | "typeinfo for iam::"* | "typeinfo name for iam::"* | "vtable for iam::"* | \
      "VTT for iam::"* | "guard variable for iam::"* | "non-virtual thunk to iam::"* | \
      "virtual thunk to iam::"*)
      cxx_count=$((cxx_count + 1)) ;;
    *) bad+=("$pretty") ;;
  esac
done < <(paste <(printf '%s\n' "$raw") <(printf '%s\n' "$demangled"))

if [ ${#bad[@]} -gt 0 ]; then
  echo "FAIL: ${#bad[@]} exported symbol(s) outside iam_* and namespace iam:"
  printf '  %s\n' "${bad[@]}" | head -50
  exit 1
fi

# Every function the header declares is exported, and no iam_* is exported
# that the header does not declare.
declared=$(grep -E '^IAM_EXPORT ' "$header" | grep -oE '\biam_[a-z0-9_]+\(' | tr -d '(' | sort -u)
exported=$(printf '%s\n' "$raw" | grep -E '^iam_' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
extra=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
if [ -n "$missing" ]; then
  echo "FAIL: declared in $(basename "$header") but not exported:"
  printf '  %s\n' $missing
  exit 1
fi
if [ -n "$extra" ]; then
  echo "FAIL: exported but not declared in $(basename "$header"):"
  printf '  %s\n' $extra
  exit 1
fi
if [ "$c_count" -eq 0 ] || [ "$cxx_count" -eq 0 ]; then
  echo "FAIL: expected both C ($c_count) and C++ ($cxx_count) exports"
  exit 1
fi
echo "OK: $soname exports $c_count C functions and $cxx_count C++ symbols of namespace iam, nothing else"
