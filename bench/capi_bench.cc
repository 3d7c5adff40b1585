// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The C ABI call the Python binding makes, called from native code: the
// baseline for bench/python_overhead.py's per-call overhead.
#include <benchmark/benchmark.h>

#include "iam/iam.h"
#include "iam/profile.h"
#include "iam/username.h"

namespace {

void BM_CApi_ValidateUsername(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam_validate_username("huawei", "alice.wong", nullptr));
  }
}
BENCHMARK(BM_CApi_ValidateUsername);

// The C++ call under it, for the cost of the C layer itself.
void BM_Cpp_ValidateUsername(benchmark::State& state) {
  const iam::Profile& huawei = *iam::FindProfile("huawei");
  for (auto _ : state) benchmark::DoNotOptimize(iam::ValidateUsername(huawei, "alice.wong"));
}
BENCHMARK(BM_Cpp_ValidateUsername);

}  // namespace

BENCHMARK_MAIN();
