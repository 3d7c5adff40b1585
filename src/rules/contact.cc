// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/contact.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/unicode.h"
#include "iam/error.h"

namespace iam {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view prefix, absl::string_view what,
                     absl::string_view message) {
  return InvalidField(field, absl::StrCat(prefix, ".", what), absl::StrCat(field, ": ", message));
}

// Valid UTF-8 text of at most `max` code points. `allow_newlines` admits tab,
// CR and LF; every other control or invisible code point is refused.
absl::Status ValidateText(absl::string_view text, int max, bool allow_newlines,
                          absl::string_view field, absl::string_view prefix) {
  const ptrdiff_t length = internal::CountCodePoints(text);
  if (length < 0) {
    return Invalid(field, prefix, "invalid_utf8", "is not valid UTF-8 or contains a NUL byte");
  }
  if (length > max) {
    return Invalid(field, prefix, "too_long", absl::StrCat("must be at most ", max, " characters"));
  }
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int32_t cp = c;
    if (c < 0x80) {
      ++i;
    } else {
      cp = internal::DecodeUtf8(text, &i);
    }
    const bool newline = cp == '\t' || cp == '\n' || cp == '\r';
    if ((cp < 0x20 && !(allow_newlines && newline)) || cp == 0x7f ||
        (cp >= 0x80 && internal::IsInvisibleOrControl(cp))) {
      return Invalid(field, prefix, "control_character",
                     "must not contain control or invisible characters");
    }
  }
  return absl::OkStatus();
}

bool AllDigits(absl::string_view s) {
  for (unsigned char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

absl::Status ValidateDomain(absl::string_view domain, absl::string_view field) {
  if (domain.empty() || domain.size() > 253) {
    return Invalid(field, "email", "invalid_domain", "has no valid domain");
  }
  size_t labels = 0;
  size_t start = 0;
  absl::string_view last;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == absl::string_view::npos) end = domain.size();
    const absl::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return Invalid(field, "email", "invalid_domain", "has an invalid domain");
    }
    for (unsigned char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') {
        return Invalid(field, "email", "invalid_domain", "has an invalid domain");
      }
    }
    ++labels;
    last = label;
    start = end + 1;
  }
  if (labels < 2 || last.size() < 2) {
    return Invalid(field, "email", "invalid_domain", "needs a domain such as example.com");
  }
  for (unsigned char c : last) {
    if (!absl::ascii_isalpha(c)) {
      return Invalid(field, "email", "invalid_domain", "has an invalid top-level domain");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEmail(const Profile& profile, absl::string_view email,
                           absl::string_view field) {
  const ContactRules& rules = profile.contact;
  if (email.empty()) return Invalid(field, "email", "empty", "is empty");
  if (internal::CountCodePoints(email) < 0) {
    return Invalid(field, "email", "invalid_utf8", "is not valid UTF-8 or contains a NUL byte");
  }
  if (email.size() > static_cast<size_t>(rules.email_max)) {
    return Invalid(field, "email", "too_long",
                   absl::StrCat("must be at most ", rules.email_max, " characters"));
  }
  const size_t at = email.rfind('@');
  if (at == absl::string_view::npos || at == 0) {
    return Invalid(field, "email", "invalid_format", "must look like name@example.com");
  }
  const absl::string_view local = email.substr(0, at);
  if (local.size() > static_cast<size_t>(rules.email_local_max)) {
    return Invalid(
        field, "email", "invalid_local_part",
        absl::StrCat("local part must be at most ", rules.email_local_max, " characters"));
  }
  for (unsigned char c : local) {
    if (!rules.email_local_chars(c)) {
      return Invalid(field, "email", "invalid_local_part",
                     "local part contains a character this service does not accept");
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != absl::string_view::npos) {
    return Invalid(field, "email", "invalid_local_part",
                   "local part must not start or end with '.' or contain '..'");
  }
  return ValidateDomain(email.substr(at + 1), field);
}

absl::Status ValidatePhoneRegion(const Profile& profile, absl::string_view region,
                                 absl::string_view field) {
  const ContactRules& rules = profile.contact;
  if (!AllDigits(region) || region.size() < static_cast<size_t>(rules.phone_region_min) ||
      region.size() > static_cast<size_t>(rules.phone_region_max)) {
    return Invalid(field, "phone_region", "invalid",
                   absl::StrCat("must be ", rules.phone_region_min, " to ", rules.phone_region_max,
                                " digits, without '+'"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePhoneNumber(const Profile& profile, absl::string_view number,
                                 absl::string_view field) {
  const ContactRules& rules = profile.contact;
  if (!AllDigits(number) || number.size() < static_cast<size_t>(rules.phone_min) ||
      number.size() > static_cast<size_t>(rules.phone_max)) {
    return Invalid(field, "phone", "invalid",
                   absl::StrCat("must be ", rules.phone_min, " to ", rules.phone_max, " digits"));
  }
  if (number.find_first_not_of('0') == absl::string_view::npos) {
    return Invalid(field, "phone", "invalid", "must not be only zeros");
  }
  return absl::OkStatus();
}

absl::Status ValidateDisplayName(const Profile& profile, absl::string_view name,
                                 absl::string_view field) {
  return ValidateText(name, profile.contact.display_name_max, false, field, "display_name");
}

absl::Status ValidateDescription(const Profile& profile, absl::string_view text,
                                 absl::string_view field) {
  return ValidateText(text, profile.contact.description_max, true, field, "description");
}

absl::Status ValidateExternalId(const Profile& profile, absl::string_view id,
                                absl::string_view field) {
  if (id.empty()) return Invalid(field, "external_id", "empty", "is empty");
  return ValidateText(id, profile.contact.external_id_max, false, field, "external_id");
}

std::string CanonicalEmail(absl::string_view email) {
  std::string out(email);
  absl::AsciiStrToLower(&out);
  return out;
}

namespace {

absl::string_view StripLeadingZeros(absl::string_view digits) {
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

}  // namespace

PhoneNumber CanonicalPhone(const Profile& profile, absl::string_view region,
                           absl::string_view number) {
  absl::string_view r = StripLeadingZeros(region);
  if (r.empty()) r = profile.default_phone_region;
  return {std::string(r), std::string(StripLeadingZeros(number))};
}

std::string PhoneIdentifierE164(const Profile& profile, absl::string_view id) {
  bool international = false;
  if (!id.empty() && id.front() == '+') {
    international = true;
    id.remove_prefix(1);
  } else if (absl::StartsWith(id, "00")) {
    international = true;
    id.remove_prefix(2);
  }
  const size_t sep = id.find_first_of(" :-");
  if (sep != absl::string_view::npos) {
    const absl::string_view region = id.substr(0, sep);
    const absl::string_view number = id.substr(sep + 1);
    if (region.empty() || !AllDigits(region) || !ValidatePhoneNumber(profile, number).ok()) {
      return "";
    }
    return CanonicalPhone(profile, region, number).e164();
  }
  if (id.empty() || !AllDigits(id)) return "";
  // "+8613800000000": country code and number already joined.
  if (international) return absl::StrCat("+", StripLeadingZeros(id));
  if (!ValidatePhoneNumber(profile, id).ok()) return "";
  return CanonicalPhone(profile, "", id).e164();
}

}  // namespace iam
