// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Username rules of a profile, and the canonical form used for uniqueness.
//
//   const iam::Profile& huawei = *iam::FindProfile("huawei");
//   iam::ValidateUsername(huawei, "1alice");   // username.leading_digit
//   iam::CanonicalUsername(huawei, "ALICE");   // "alice"
//
// Thread-safety: pure functions.
#ifndef IAM_USERNAME_H_
#define IAM_USERNAME_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/profile.h"
#include "iam/violation.h"

namespace iam {

// True when `name` satisfies every username rule. The hot path: a byte loop
// over the profile's table, no allocation.
IAM_EXPORT bool IsValidUsername(const Profile& profile, absl::string_view name);

// Every violated rule (reasons: username.empty, username.invalid_utf8,
// username.too_short, username.too_long, username.leading_digit,
// username.invalid_character, username.invisible_character, and under
// Unicode profiles username.mixed_script).
IAM_EXPORT Violations CheckUsername(const Profile& profile, absl::string_view name,
                                    absl::string_view field = "username");

// OK or the first violation as InvalidArgument.
IAM_EXPORT absl::Status ValidateUsername(const Profile& profile, absl::string_view name,
                                         absl::string_view field = "username");

// The form two usernames share when they name the same user: ASCII lower case
// under ASCII profiles; NFKC + Unicode case fold under Unicode profiles.
// Validates first.
IAM_EXPORT absl::StatusOr<std::string> CanonicalUsername(const Profile& profile,
                                                         absl::string_view name);

// The same form without the rules, for looking a user up: a name that a
// later rule refuses (created before it) is still found. kInvalidArgument
// only for invalid UTF-8 or an embedded NUL.
IAM_EXPORT absl::StatusOr<std::string> UsernameLookupKey(const Profile& profile,
                                                         absl::string_view name);

}  // namespace iam

#endif  // IAM_USERNAME_H_
