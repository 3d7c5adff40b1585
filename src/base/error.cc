// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/error.h"

#include "absl/strings/cord.h"
#include "iam/violation.h"

namespace iam {
namespace {

constexpr absl::string_view kFieldUrl = "iamcore/field";
constexpr absl::string_view kReasonUrl = "iamcore/reason";

std::string Payload(const absl::Status& status, absl::string_view url) {
  auto value = status.GetPayload(url);
  return value ? std::string(*value) : std::string();
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, absl::string_view field, absl::string_view reason,
                       absl::string_view message) {
  absl::Status status(code, message);
  if (!field.empty()) status.SetPayload(kFieldUrl, absl::Cord(field));
  if (!reason.empty()) status.SetPayload(kReasonUrl, absl::Cord(reason));
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view reason,
                          absl::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, field, reason, message);
}

std::string ErrorField(const absl::Status& status) { return Payload(status, kFieldUrl); }
std::string ErrorReason(const absl::Status& status) { return Payload(status, kReasonUrl); }

absl::Status ToStatus(const Violations& violations) {
  if (violations.empty()) return absl::OkStatus();
  const Violation& first = violations.front();
  return InvalidField(first.field, first.reason, first.field + ": " + first.message);
}

}  // namespace iam
