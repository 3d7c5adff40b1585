// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Violations and their conversion to a status.
#include "iam/violation.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

TEST(ToStatus, EmptyIsOk) { EXPECT_TRUE(ToStatus({}).ok()); }

TEST(ToStatus, FirstViolationWins) {
  const Violations v = {
      {"password", "password.too_short", "must be 6 to 32 characters long"},
      {"password", "password.too_few_classes", "must contain at least 2 of ..."},
  };
  const absl::Status s = ToStatus(v);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(s), "password");
  EXPECT_EQ(ErrorReason(s), "password.too_short");
  EXPECT_EQ(s.message(), "password: must be 6 to 32 characters long");
}

TEST(Violation, Equality) {
  const Violation a{"f", "r", "m"};
  EXPECT_EQ(a, (Violation{"f", "r", "m"}));
  EXPECT_FALSE(a == (Violation{"g", "r", "m"}));
  EXPECT_FALSE(a == (Violation{"f", "s", "m"}));
  EXPECT_FALSE(a == (Violation{"f", "r", "n"}));
}

}  // namespace
}  // namespace iam
