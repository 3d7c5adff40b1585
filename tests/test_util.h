// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Helpers shared by the rules-core suites.
#ifndef IAM_TESTS_TEST_UTIL_H_
#define IAM_TESTS_TEST_UTIL_H_

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "iam/engine.h"
#include "iam/password_policy.h"
#include "iam/profile.h"

namespace iam::testing {

// The profile named `name`; fails the test and aborts when there is none.
inline const Profile& ProfileNamed(absl::string_view name) {
  const Profile* p = FindProfile(name);
  if (p == nullptr) {
    ADD_FAILURE() << "no profile " << name;
    std::abort();
  }
  return *p;
}

// A checker for `policy`; fails the test and aborts when the policy is invalid.
inline std::shared_ptr<const PasswordChecker> MakeChecker(const PasswordPolicy& policy) {
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> checker = PasswordChecker::Create(policy);
  if (!checker.ok()) {
    ADD_FAILURE() << checker.status();
    std::abort();
  }
  return *checker;
}

// alice.wong in `tenant` with the password Summer-Breeze7, no reset required.
inline CreateUserRequest AliceRequest(const std::string& tenant = "t1") {
  CreateUserRequest r;
  r.tenant = tenant;
  r.username = "alice.wong";
  r.password_mode = PasswordMode::kManual;
  r.password = Secret(std::string("Summer-Breeze7"));
  r.require_password_reset = false;
  return r;
}

}  // namespace iam::testing

#endif  // IAM_TESTS_TEST_UTIL_H_
