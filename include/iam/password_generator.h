// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Generated passwords: uniform over the passwords of the requested length that
// the active policy accepts (whole-password rejection sampling over one bulk
// random draw), never on the blocklist.
//
//   auto checker = iam::PasswordChecker::Create(profile.password);
//   absl::StatusOr<iam::Secret> pw = iam::GeneratePassword(profile, **checker);
//
// Thread-safety: safe when `random` is.
#ifndef IAM_PASSWORD_GENERATOR_H_
#define IAM_PASSWORD_GENERATOR_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/password_policy.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "iam/secret.h"

namespace iam {

struct GenerateOptions {
  // 0 = the profile's default (huawei: 10, seed 000).
  int length = 0;
  // Checked too, so the password never equals the username or contains the
  // contacts when these are known.
  PasswordContext context;
  // Not owned; null = SystemRandom().
  RandomSource* random = nullptr;
};

// InvalidArgument (field "length") when the length is outside the policy's
// bounds or too short to hold the required classes; FailedPrecondition when the
// policy cannot be met by the profile's alphabet.
IAM_EXPORT absl::StatusOr<Secret> GeneratePassword(const Profile& profile,
                                                   const PasswordChecker& checker,
                                                   const GenerateOptions& options = {});

}  // namespace iam

#endif  // IAM_PASSWORD_GENERATOR_H_
