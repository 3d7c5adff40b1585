// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The error model: canonical code plus field and reason payloads.
#include "iam/error.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace iam {
namespace {

TEST(MakeError, CarriesCodeFieldReasonAndMessage) {
  const absl::Status s = MakeError(absl::StatusCode::kAlreadyExists, "username",
                                   "username.duplicate", "username: already exists");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "username: already exists");
  EXPECT_EQ(ErrorField(s), "username");
  EXPECT_EQ(ErrorReason(s), "username.duplicate");
}

TEST(MakeError, EmptyPayloadsAreAbsent) {
  const absl::Status s = MakeError(absl::StatusCode::kInternal, "", "", "boom");
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorField(s), "");
  EXPECT_EQ(ErrorReason(s), "");
  const absl::Status only_reason = MakeError(absl::StatusCode::kNotFound, "", "user.not_found", "");
  EXPECT_EQ(ErrorField(only_reason), "");
  EXPECT_EQ(ErrorReason(only_reason), "user.not_found");
}

TEST(InvalidField, IsInvalidArgument) {
  const absl::Status s =
      InvalidField("user.name", "username.too_short", "must be at least 5 characters");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(s), "user.name");
  EXPECT_EQ(ErrorReason(s), "username.too_short");
  EXPECT_EQ(s.message(), "must be at least 5 characters");
}

TEST(ErrorPayloads, PlainStatusesHaveNone) {
  EXPECT_EQ(ErrorField(absl::OkStatus()), "");
  EXPECT_EQ(ErrorReason(absl::OkStatus()), "");
  EXPECT_EQ(ErrorField(absl::InvalidArgumentError("x")), "");
  EXPECT_EQ(ErrorReason(absl::InvalidArgumentError("x")), "");
}

TEST(ErrorPayloads, SurviveCopyAndStatusOr) {
  const absl::Status s = InvalidField("email", "email.invalid_format", "bad");
  const absl::Status copy = s;
  EXPECT_EQ(ErrorReason(copy), "email.invalid_format");
  const absl::StatusOr<std::string> wrapped = s;
  EXPECT_EQ(ErrorField(wrapped.status()), "email");
  EXPECT_EQ(s, copy);
  // Statuses with different reasons are different statuses.
  EXPECT_NE(s, InvalidField("email", "email.too_long", "bad"));
}

}  // namespace
}  // namespace iam
