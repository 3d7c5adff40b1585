// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A Profile is every limit of one dialect (huawei, alibaba, tencent, nist) as a
// table: username and contact-field rules, id and access-key formats, the
// default password policy, and how errors map to the dialect's HTTP statuses
// and provider codes. Profiles are static data; look one up by name.
//
//   const iam::Profile* p = iam::FindProfile("alibaba");
//   p->username.max_length;  // 256 (seed 003)
//
// Thread-safety: profiles are immutable and live for the whole process.
#ifndef IAM_PROFILE_H_
#define IAM_PROFILE_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/password_policy.h"

namespace iam {

// A set of bytes, built from a string of its members.
struct CharSet {
  std::array<bool, 256> has{};
  static CharSet Of(absl::string_view members);
  bool operator()(unsigned char c) const { return has[c]; }
};

// Letters and digits, the base of most charsets below.
inline constexpr absl::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// The alphabets of generated ids: RFC 4648 base32 in lower case, hex, digits.
inline constexpr absl::string_view kLowerBase32 = "abcdefghijklmnopqrstuvwxyz234567";
inline constexpr absl::string_view kLowerHex = "0123456789abcdef";
inline constexpr absl::string_view kDigits = "0123456789";

struct UsernameRules {
  int min_length;
  int max_length;
  // Allowed ASCII bytes. Bytes >= 0x80 are allowed only when unicode is set.
  CharSet chars;
  bool no_leading_digit;
  // Accepts printable Unicode; the canonical form is then NFKC + case fold, and
  // invisible (Cf), control, private-use and unassigned code points are refused.
  bool unicode;
};

struct ContactRules {
  int display_name_max;  // code points
  int description_max;   // code points
  int external_id_max;   // code points
  int email_max;         // bytes of the whole address
  int email_local_max;   // bytes of the local part (RFC 5321: 64)
  CharSet email_local_chars;
  int phone_region_min;
  int phone_region_max;
  int phone_min;
  int phone_max;
};

// An identifier format: prefix + `length` characters of `alphabet`.
struct IdFormat {
  absl::string_view prefix;
  absl::string_view alphabet;
  int length;
};

struct AccessKeyFormat {
  IdFormat id;
  IdFormat secret;
};

// One row of a dialect's error table: an error reason (or, with an empty
// reason, any error of that canonical code) and what the dialect answers.
struct ErrorMapping {
  absl::StatusCode code;
  absl::string_view reason;  // "" matches every reason of `code`
  int http_status;
  absl::string_view provider_code;
};

struct Profile {
  absl::string_view name;
  absl::string_view description;
  UsernameRules username;
  ContactRules contact;
  IdFormat user_id;
  // Group, organizational-unit and policy ids; an empty alphabet = the kind's own
  // prefix (iam/names.h) and 26 lower-case base32 characters.
  IdFormat group_id = {};
  IdFormat ou_id = {};
  IdFormat policy_id = {};  // tenant policies' ids, the same way
  AccessKeyFormat access_key;
  PasswordPolicy password;
  int generated_password_length;
  // Characters a generated password draws its specials from (a subset of
  // password.special_chars that survives copy-paste and shells).
  absl::string_view generator_specials;
  bool requires_primary_ou;      // alibaba: PrimaryOrganizationalUnitId required
  bool requires_verified_flags;  // alibaba: *Verified required with Email/PhoneNumber
  // tencent (seed 001): a user with neither password nor access key is a
  // message recipient and needs an email or a mobile number. The others
  // (seeds 003, 004) ask only for the name.
  bool recipient_needs_contact = false;
  // The region of a mobile number given without one: 86 for the three
  // Chinese clouds of the seeds, 1 for nist.
  absl::string_view default_phone_region = "86";
  std::vector<ErrorMapping> errors;
};

// The profile named `name`, or null. Names: huawei, alibaba, tencent, nist.
IAM_EXPORT const Profile* FindProfile(absl::string_view name);
// Every profile, in a stable order.
IAM_EXPORT const std::vector<const Profile*>& AllProfiles();

// What a profile's API answers for an error.
struct HttpError {
  int http_status;
  std::string provider_code;
};
IAM_EXPORT HttpError MapError(const Profile& profile, const absl::Status& status);
// The same for a code and reason, without building a status.
IAM_EXPORT HttpError MapError(const Profile& profile, absl::StatusCode code,
                              absl::string_view reason);

}  // namespace iam

#endif  // IAM_PROFILE_H_
