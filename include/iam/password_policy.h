// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// PasswordPolicy is data: the limits a tenant sets ("Account Settings"),
// starting from its profile's defaults. PasswordChecker compiles a policy once
// (character-class table, custom regex) and checks passwords against it,
// returning every unmet rule in a stable order.
//
//   iam::PasswordPolicy policy = iam::FindProfile("huawei")->password;
//   policy.max_repeat = 3;
//   auto checker = iam::PasswordChecker::Create(policy);
//   iam::Violations v = (*checker)->Check("A12345", {.username = "A12345"});
//   // v[0].reason == "password.equals_username"
//
// Thread-safety: a PasswordChecker is immutable and safe to share.
#ifndef IAM_PASSWORD_POLICY_H_
#define IAM_PASSWORD_POLICY_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/blocklist.h"
#include "iam/export.h"
#include "iam/violation.h"
#include "nlohmann/json.hpp"

namespace re2 {
class RE2;
}

namespace iam {

// Character classes, as a bit mask.
enum CharClass : uint8_t {
  kClassUpper = 1,
  kClassLower = 2,
  kClassDigit = 4,
  kClassSpecial = 8,
};

// How a password is normalized before checks and hashing.
enum class PasswordNormalization : uint8_t {
  kNone,  // bytes as given (ASCII-only profiles)
  kNfkc,  // Unicode NFKC, as NIST SP 800-63B recommends (see docs/SECURITY.md)
};

struct PasswordPolicy {
  // Length bounds, inclusive. Counted in code points when allow_unicode.
  int min_length = 6;
  int max_length = 32;
  // When second_factor is set (the tenant uses MFA) and mfa_min_length > 0,
  // mfa_min_length replaces min_length (NIST: 15 single-factor, 8 with MFA).
  int mfa_min_length = 0;
  bool second_factor = false;
  // At least this many of the four classes (0 = no composition rule).
  int min_classes = 2;
  // Classes that must each appear (bit mask of CharClass).
  uint8_t required_classes = 0;
  // The printable characters counted as "special"; any other byte is invalid
  // unless allow_unicode. Huawei's seed lists !"#$%&'()*+,-./:;<=>?@[]^`{_|}~
  // and space.
  std::string special_chars = " !\"#$%&'()*+,-./:;<=>?@[]^`{_|}~";
  // Accept any printable Unicode (and every printable ASCII byte).
  bool allow_unicode = false;
  PasswordNormalization normalization = PasswordNormalization::kNone;
  // Must not equal the username or its reversal, ignoring ASCII case.
  bool forbid_username = true;
  // Must not contain the email address or the mobile number.
  bool forbid_contact = true;
  // Longest run of one repeated character (0 = unlimited).
  int max_repeat = 0;
  // Common passwords to reject (may be null).
  std::shared_ptr<const Blocklist> blocklist;
  // An administrator's RE2 pattern the whole password must match ("" = none),
  // and the sentence shown when it does not.
  std::string custom_pattern;
  std::string custom_pattern_description;
  // Not one of the last N passwords (0 = no history rule).
  int history_count = 0;
  // A password may not be changed again before this age.
  absl::Duration min_age = absl::ZeroDuration();
  // Days a password stays valid (0 = unlimited: password_expires_at is null).
  int validity_days = 0;
};

// What a password is checked against besides the policy.
struct PasswordContext {
  absl::string_view username;
  absl::string_view email;
  absl::string_view phone;  // the national number; region code not included
};

class IAM_EXPORT PasswordChecker {
 public:
  // Validates the policy itself (bounds, regex syntax) and compiles it.
  static absl::StatusOr<std::shared_ptr<const PasswordChecker>> Create(PasswordPolicy policy);
  ~PasswordChecker();

  // Every unmet rule, in this order: encoding, too_short, too_long,
  // invalid_character, too_few_classes, missing_{uppercase,lowercase,digit,
  // special}, equals_username, reversed_username, contains_email,
  // contains_phone, too_many_repeats, blocklisted, pattern_mismatch.
  // The field of each violation is `field`.
  Violations Check(absl::string_view password, const PasswordContext& context,
                   absl::string_view field = "password") const;
  // True when Check() would return nothing; the fast path, no allocation.
  bool IsValid(absl::string_view password, const PasswordContext& context) const;
  // OK, or InvalidArgument with the first violation.
  absl::Status Validate(absl::string_view password, const PasswordContext& context,
                        absl::string_view field = "password") const;

  // The password as it is hashed and compared: NFKC under kNfkc, else as is.
  // InvalidArgument on invalid UTF-8.
  absl::StatusOr<std::string> Normalize(absl::string_view password) const;

  // When a password set at `set_at` expires, or absl::InfiniteFuture() when
  // the policy sets no validity period.
  absl::Time ExpiresAt(absl::Time set_at) const;

  const PasswordPolicy& policy() const { return policy_; }
  int effective_min_length() const { return min_length_; }
  // Class bits of a byte under this policy (0 = not allowed in ASCII mode).
  uint8_t ClassOf(unsigned char c) const { return class_of_[c]; }

 private:
  explicit PasswordChecker(PasswordPolicy policy);
  void CheckInto(absl::string_view password, const PasswordContext& context,
                 absl::string_view field, Violations* out) const;

  PasswordPolicy policy_;
  int min_length_ = 0;
  std::array<uint8_t, 256> class_of_{};
  std::unique_ptr<re2::RE2> custom_;
};

// Account Settings, in Huawei's names (GET/PUT .../password-policy): the
// policy's editable settings, each an integer within Huawei's bounds or a
// flag, as one table (password_policy.cc):
//   minimum_password_length, password_char_combination,
//   maximum_consecutive_identical_chars, number_of_recent_passwords_disallowed,
//   minimum_password_age (minutes), password_validity_period (days),
//   password_not_username_or_invert.
// The settings of `checker`'s policy, with iamcore's other rules beside them
// (maximum_password_length, password_not_contact, special_characters,
// blocklist, custom_pattern_description), read-only.
IAM_EXPORT nlohmann::json PasswordPolicyJson(const PasswordChecker& checker);
// Applies the settings `settings` holds (an object; any subset) to `policy`.
// kInvalidArgument naming "<prefix>.<name>" (reason password_policy.invalid)
// for an unknown or read-only member, a wrong JSON type or a value out of
// bounds; `policy` is then unchanged.
IAM_EXPORT absl::Status ApplyPasswordPolicySettings(const nlohmann::json& settings,
                                                    absl::string_view prefix,
                                                    PasswordPolicy* policy);

// Number of classes set in a mask.
inline int CountClasses(uint8_t mask) {
  return (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1) + ((mask >> 3) & 1);
}

}  // namespace iam

#endif  // IAM_PASSWORD_POLICY_H_
