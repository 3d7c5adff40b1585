// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The C ABI calls the Python binding makes, called from native code, for valid
// and invalid input: the baseline for bench/python_overhead.py's per-call
// overhead, and the C++ calls under them for the cost of the C layer itself.
#include <benchmark/benchmark.h>

#include "iam/iam.h"
#include "iam/password_policy.h"
#include "iam/profile.h"
#include "iam/username.h"

namespace {

constexpr const char* kValidName = "alice.wong";
constexpr const char* kInvalidName = "1alice wong";  // leading digit and a space
constexpr const char* kValidPassword = "Summer-Breeze7";
constexpr const char* kInvalidPassword = "54321a";  // reversed username, too short

// Without an error object: the verdict only.
void BM_CApi_ValidateUsername(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam_validate_username("huawei", kValidName, nullptr));
  }
}
BENCHMARK(BM_CApi_ValidateUsername);

void BM_CApi_ValidateUsername_Invalid(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam_validate_username("huawei", kInvalidName, nullptr));
  }
}
BENCHMARK(BM_CApi_ValidateUsername_Invalid);

// With an error object, reused across calls as a host would: the violation.
void BM_CApi_ValidateUsername_InvalidWithError(benchmark::State& state) {
  iam_error* err = nullptr;
  if (iam_error_create(&err) != IAM_OK) state.SkipWithError("iam_error_create");
  for (auto _ : state) benchmark::DoNotOptimize(iam_validate_username("huawei", kInvalidName, err));
  iam_error_destroy(err);
}
BENCHMARK(BM_CApi_ValidateUsername_InvalidWithError);

void BM_CApi_ValidatePassword(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam_validate_password("huawei", nullptr, kValidPassword, "A12345",
                                                   nullptr, nullptr, nullptr));
  }
}
BENCHMARK(BM_CApi_ValidatePassword);

void BM_CApi_ValidatePassword_Invalid(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam_validate_password("huawei", nullptr, kInvalidPassword, "A12345",
                                                   nullptr, nullptr, nullptr));
  }
}
BENCHMARK(BM_CApi_ValidatePassword_Invalid);

void BM_CApi_ValidatePassword_InvalidWithError(benchmark::State& state) {
  iam_error* err = nullptr;
  if (iam_error_create(&err) != IAM_OK) state.SkipWithError("iam_error_create");
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam_validate_password("huawei", nullptr, kInvalidPassword, "A12345",
                                                   nullptr, nullptr, err));
  }
  iam_error_destroy(err);
}
BENCHMARK(BM_CApi_ValidatePassword_InvalidWithError);

// The C++ calls under them.
void BM_Cpp_ValidateUsername(benchmark::State& state) {
  const iam::Profile& huawei = *iam::FindProfile("huawei");
  for (auto _ : state) benchmark::DoNotOptimize(iam::ValidateUsername(huawei, kValidName));
}
BENCHMARK(BM_Cpp_ValidateUsername);

void BM_Cpp_IsValidUsername_Invalid(benchmark::State& state) {
  const iam::Profile& huawei = *iam::FindProfile("huawei");
  for (auto _ : state) benchmark::DoNotOptimize(iam::IsValidUsername(huawei, kInvalidName));
}
BENCHMARK(BM_Cpp_IsValidUsername_Invalid);

}  // namespace

BENCHMARK_MAIN();
