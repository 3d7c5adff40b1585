// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Contact and descriptive fields: email, mobile number and region, display
// name, description, external id. Lengths count Unicode code points of valid
// UTF-8; invalid UTF-8 or an embedded NUL is always an error naming the field.
//
//   iam::ValidateEmail(*iam::FindProfile("alibaba"), "a+b@example.com");
//   // InvalidArgument, field "email", reason "email.invalid_local_part"
//
// Thread-safety: pure functions.
#ifndef IAM_CONTACT_H_
#define IAM_CONTACT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/profile.h"

namespace iam {

// Local part charset and length per profile; domain: dot-separated labels of
// letters, digits and inner hyphens (1-63 bytes each), a final label of
// letters, at least two labels.
IAM_EXPORT absl::Status ValidateEmail(const Profile& profile, absl::string_view email,
                                      absl::string_view field = "email");
// Digits only, no '+', within the profile's bounds.
IAM_EXPORT absl::Status ValidatePhoneRegion(const Profile& profile, absl::string_view region,
                                            absl::string_view field = "phone_region");
IAM_EXPORT absl::Status ValidatePhoneNumber(const Profile& profile, absl::string_view number,
                                            absl::string_view field = "phone");
// Printable text without control characters, at most display_name_max.
IAM_EXPORT absl::Status ValidateDisplayName(const Profile& profile, absl::string_view name,
                                            absl::string_view field = "display_name");
// Text (tab and newlines allowed), at most description_max.
IAM_EXPORT absl::Status ValidateDescription(const Profile& profile, absl::string_view text,
                                            absl::string_view field = "description");
// Printable text, at most external_id_max.
IAM_EXPORT absl::Status ValidateExternalId(const Profile& profile, absl::string_view id,
                                           absl::string_view field = "external_id");

// The canonical form of an email for uniqueness: lower case.
IAM_EXPORT std::string CanonicalEmail(absl::string_view email);

// A mobile number in one canonical form: the region without leading zeros
// ("086" -> "86"; the profile's default_phone_region when none is given) and
// the national number without its trunk prefix ("013800000000" ->
// "13800000000"). e164() is "+8613800000000", the form uniqueness and login
// compare.
struct PhoneNumber {
  std::string region;
  std::string number;
  std::string e164() const { return "+" + region + number; }
};
IAM_EXPORT PhoneNumber CanonicalPhone(const Profile& profile, absl::string_view region,
                                      absl::string_view number);
// The E.164 form of a login identifier that reads as a mobile number:
// "+86 138...", "0086-138...", "86:138...", "+8613800000000", or bare digits
// in the default region. Empty when it does not read as one.
IAM_EXPORT std::string PhoneIdentifierE164(const Profile& profile, absl::string_view identifier);

}  // namespace iam

#endif  // IAM_CONTACT_H_
