#!/usr/bin/env python3
# Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
"""Per-call overhead of the ctypes binding, beside the same call made from C.

Runs under /usr/bin/python3 with IAM_LIBRARY pointing at libiam.so and
PYTHONPATH=bindings/python; `c_ns` comes from capi_bench's JSON (the same C
function called from native code in the same run of bench/run.sh).

    python_overhead.py CAPI_BENCH_JSON OUT_JSON
"""
import json
import statistics
import sys
import timeit

import iam
from iam import _ffi

NAME = "alice.wong"


def median_ns(stmt, number=200_000, repeat=5):
    runs = timeit.repeat(stmt, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1e9


def c_median(path, name):
    with open(path) as f:
        data = json.load(f)
    for b in data["benchmarks"]:
        if b["name"] == name + "_median":
            return b["cpu_time"]  # ns
    raise SystemExit("no %s in %s" % (name, path))


def main():
    capi_json, out = sys.argv[1], sys.argv[2]
    lib = _ffi.lib
    profile, name = b"huawei", NAME.encode()
    def invalid_username():
        try:
            iam.validate_username("1alice wong")
        except iam.InvalidParameter:
            pass

    def invalid_password():
        try:
            iam.check_password("54321a", username="A12345")
        except iam.InvalidParameter:
            pass

    # Each Python row beside the C call it makes, from capi_bench in this run.
    rows = {
        # The bare ctypes call: argument conversion, errcheck, no error object.
        "ctypes_raw_call": (lambda: lib.iam_validate_username(profile, name, None),
                            "BM_CApi_ValidateUsername", 200_000),
        # The package's function: str -> bytes, the call, the fast path.
        "python_validate_username": (lambda: iam.validate_username(NAME),
                                     "BM_CApi_ValidateUsername", 200_000),
        # The same with an error object per call, as most wrappers do.
        "python_call_with_error_box": (lambda: _ffi.call(lib.iam_validate_username, profile, name),
                                       "BM_CApi_ValidateUsername", 100_000),
        # Invalid input: the verdict, then the violation, raised as an exception.
        "python_validate_username_invalid": (invalid_username,
                                             "BM_CApi_ValidateUsername_InvalidWithError", 50_000),
        "python_check_password": (lambda: iam.check_password("Summer-Breeze7", username="A12345"),
                                  "BM_CApi_ValidatePassword", 50_000),
        "python_check_password_invalid": (invalid_password,
                                          "BM_CApi_ValidatePassword_InvalidWithError", 20_000),
    }
    result = {"c_call_ns": c_median(capi_json, "BM_CApi_ValidateUsername")}
    for k, (stmt, c_name, number) in rows.items():
        v = median_ns(stmt, number=number)
        c_ns = c_median(capi_json, c_name)
        result[k + "_ns"] = v
        result[k + "_c_ns"] = c_ns
        result[k + "_overhead_ns"] = v - c_ns
        result[k + "_ratio"] = v / c_ns
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    for k, v in result.items():
        print("%-45s %12.1f" % (k, v))


if __name__ == "__main__":
    main()
