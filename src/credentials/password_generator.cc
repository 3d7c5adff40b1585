// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/password_generator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "iam/error.h"

namespace iam {

absl::StatusOr<Secret> GeneratePassword(const Profile& profile, const PasswordChecker& checker,
                                        const GenerateOptions& options) {
  const PasswordPolicy& policy = checker.policy();
  const int needed = std::max(policy.min_classes, CountClasses(policy.required_classes));
  // 0 = the profile's default, brought within the bounds of a tenant's policy
  // (Create() guarantees min <= max).
  const int length =
      options.length != 0
          ? options.length
          : std::clamp(profile.generated_password_length,
                       std::max(checker.effective_min_length(), needed), policy.max_length);
  if (length < checker.effective_min_length() || length > policy.max_length || length < needed) {
    return InvalidField(
        "length", "password.generate_length",
        absl::StrCat("length: must be between ", std::max(checker.effective_min_length(), needed),
                     " and ", policy.max_length));
  }
  // The alphabet: letters, digits, and the profile's generator specials that
  // the policy counts as special.
  // Built on the stack: no allocation per password.
  char alphabet_chars[256];
  size_t alphabet_size = kAlnum.size();
  kAlnum.copy(alphabet_chars, kAlnum.size());
  for (char c : profile.generator_specials) {
    if (alphabet_size < sizeof alphabet_chars &&
        checker.ClassOf(static_cast<unsigned char>(c)) == kClassSpecial) {
      alphabet_chars[alphabet_size++] = c;
    }
  }
  const absl::string_view alphabet(alphabet_chars, alphabet_size);
  uint8_t available = kClassUpper | kClassLower | kClassDigit;
  if (alphabet.size() > kAlnum.size()) available |= kClassSpecial;
  if ((policy.required_classes & ~available) != 0 || CountClasses(available) < needed) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "password_policy",
                     "password.generate_unsatisfiable",
                     "password_policy: requires characters the generator cannot draw");
  }
  RandomSource* random = options.random != nullptr ? options.random : SystemRandom();
  // Whole-password rejection sampling: each candidate is uniform over the
  // alphabet, and only accepted ones are returned, so the result is uniform
  // over the accepted passwords of this length.
  std::string candidate(static_cast<size_t>(length), '\0');
  for (int attempt = 0; attempt < 10000; ++attempt) {
    DrawFromAlphabet(*random, alphabet, candidate.size(), candidate.data());
    if (checker.IsValid(candidate, options.context)) return Secret(std::move(candidate));
  }
  WipeString(candidate);
  return MakeError(absl::StatusCode::kFailedPrecondition, "password_policy",
                   "password.generate_unsatisfiable",
                   "password_policy: no generated password satisfied the policy");
}

}  // namespace iam
