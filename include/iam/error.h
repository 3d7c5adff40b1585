// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The error model: a canonical absl::StatusCode plus two payloads, `field` (the
// request field at fault, may be empty) and `reason` (a stable machine string
// such as "username.too_short"). A profile maps an error to the HTTP status and
// provider error code its API documents (see MapError in iam/profile.h).
// WARNING: errors never carry secrets; never put a password or token in one.
//
//   absl::Status s = iam::InvalidField("user.name", "username.too_short",
//                                      "must be at least 5 characters");
//   iam::ErrorReason(s);  // "username.too_short"
#ifndef IAM_ERROR_H_
#define IAM_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"

namespace iam {

// Builds a status with a field and reason payload. `code` must not be kOk.
IAM_EXPORT absl::Status MakeError(absl::StatusCode code, absl::string_view field,
                                  absl::string_view reason, absl::string_view message);

// Shorthand for MakeError(kInvalidArgument, ...).
IAM_EXPORT absl::Status InvalidField(absl::string_view field, absl::string_view reason,
                                     absl::string_view message);

// The payloads of a status, or "" when absent.
IAM_EXPORT std::string ErrorField(const absl::Status& status);
IAM_EXPORT std::string ErrorReason(const absl::Status& status);

}  // namespace iam

#endif  // IAM_ERROR_H_
