// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/username.h"

#include <utf8proc.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/unicode.h"
#include "iam/error.h"

namespace iam {
namespace {

bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Letters, marks and numbers of any script.
bool IsUnicodeNameChar(int32_t cp) {
  if (internal::IsLetter(cp)) return true;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

std::string LengthMessage(const UsernameRules& rules) {
  return absl::StrCat("must be ", rules.min_length, " to ", rules.max_length, " characters long");
}

std::string AllowedMessage(const Profile& profile) {
  std::string allowed;
  for (int c = 0x21; c < 0x7f; ++c) {
    if (profile.username.chars(static_cast<unsigned char>(c)) &&
        !absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      allowed.push_back(static_cast<char>(c));
    }
  }
  return absl::StrCat("may contain only ",
                      profile.username.unicode ? "letters, digits" : "ASCII letters, digits",
                      allowed.empty() ? "" : " and ", allowed);
}

}  // namespace

bool IsValidUsername(const Profile& profile, absl::string_view name) {
  const UsernameRules& rules = profile.username;
  if (name.empty()) return false;
  if (rules.no_leading_digit && IsAsciiDigit(static_cast<unsigned char>(name[0]))) return false;
  if (!rules.unicode) {
    const size_t n = name.size();
    if (n < static_cast<size_t>(rules.min_length) || n > static_cast<size_t>(rules.max_length)) {
      return false;
    }
    // Branch-free over the bytes: AND of the table's verdicts.
    bool ok = true;
    for (unsigned char c : name) ok &= rules.chars.has[c];
    return ok;
  }
  return CheckUsername(profile, name).empty();
}

namespace {

// CheckUsername's body. For a unicode profile, a name without violations
// leaves its NFKC case fold (the canonical form, measured against the limit)
// in `*folded` when that is not null: create folds once, not twice.
Violations Check(const Profile& profile, absl::string_view name, absl::string_view field,
                 std::string* folded) {
  const UsernameRules& rules = profile.username;
  Violations out;
  auto add = [&](absl::string_view reason, std::string message) {
    out.push_back({std::string(field), std::string(reason), std::move(message)});
  };
  if (name.empty()) {
    add("username.empty", "is required");
    return out;
  }
  const ptrdiff_t length = internal::CountCodePoints(name);
  if (length < 0) {
    add("username.invalid_utf8", "is not valid UTF-8 or contains a NUL byte");
    return out;
  }
  if (length < rules.min_length) add("username.too_short", LengthMessage(rules));
  if (length > rules.max_length) add("username.too_long", LengthMessage(rules));
  if (rules.no_leading_digit && IsAsciiDigit(static_cast<unsigned char>(name[0]))) {
    add("username.leading_digit", "must not start with a digit");
  }
  bool bad_char = false;
  bool invisible = false;
  for (size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (!rules.chars(c)) {
        if (c < 0x20 || c == 0x7f) {
          invisible = true;
        } else {
          bad_char = true;
        }
      }
      ++i;
      continue;
    }
    const int32_t cp = internal::DecodeUtf8(name, &i);
    if (!rules.unicode) {
      bad_char = true;
    } else if (internal::IsInvisibleOrControl(cp) || internal::IsDefaultIgnorable(cp)) {
      invisible = true;
    } else if (!IsUnicodeNameChar(cp)) {
      bad_char = true;
    }
  }
  if (bad_char) add("username.invalid_character", AllowedMessage(profile));
  if (rules.unicode && !bad_char && !internal::IsSingleScript(name)) {
    add("username.mixed_script",
        "must not mix letters of different scripts (such as Latin and Cyrillic), which lets one "
        "name pass for another");
  }
  if (invisible) {
    add("username.invisible_character",
        "must not contain control or invisible characters (such as U+200B)");
  }
  // NFKC and case folding can lengthen a name (U+FDFA becomes 18 code points,
  // "ß" becomes "ss"): what validates must also fit once normalized, so that
  // every valid name can be created (CanonicalUsername).
  if (rules.unicode && out.empty()) {
    absl::StatusOr<std::string> fold = internal::NfkcCaseFold(name);
    if (!fold.ok()) {
      add("username.invalid_utf8", "is not valid UTF-8 or contains a NUL byte");
    } else if (internal::CountCodePoints(*fold) > rules.max_length) {
      add("username.too_long",
          absl::StrCat("must be at most ", rules.max_length, " characters once normalized"));
    } else if (folded != nullptr) {
      *folded = std::move(*fold);
    }
  }
  return out;
}

}  // namespace

Violations CheckUsername(const Profile& profile, absl::string_view name, absl::string_view field) {
  return Check(profile, name, field, nullptr);
}

absl::Status ValidateUsername(const Profile& profile, absl::string_view name,
                              absl::string_view field) {
  if (!profile.username.unicode && IsValidUsername(profile, name)) return absl::OkStatus();
  return ToStatus(CheckUsername(profile, name, field));
}

namespace {

// The canonical form of a name known to be valid UTF-8 without NUL.
absl::StatusOr<std::string> Fold(const Profile& profile, absl::string_view name) {
  if (!profile.username.unicode) {
    std::string out(name);
    for (char& c : out) c = internal::AsciiLower(c);
    return out;
  }
  absl::StatusOr<std::string> folded = internal::NfkcCaseFold(name);
  if (!folded.ok()) {
    return InvalidField("username", "username.invalid_utf8", "is not valid UTF-8");
  }
  return folded;
}

}  // namespace

absl::StatusOr<std::string> CanonicalUsername(const Profile& profile, absl::string_view name) {
  if (!profile.username.unicode) {
    if (absl::Status s = ValidateUsername(profile, name); !s.ok()) return s;
    return Fold(profile, name);
  }
  // Validation folds the name to measure it: that fold is the canonical form.
  std::string folded;
  if (Violations v = Check(profile, name, "username", &folded); !v.empty()) return ToStatus(v);
  return folded;
}

absl::StatusOr<std::string> UsernameLookupKey(const Profile& profile, absl::string_view name) {
  if (internal::CountCodePoints(name) < 0) {
    return InvalidField("username", "username.invalid_utf8", "is not valid UTF-8");
  }
  return Fold(profile, name);
}

}  // namespace iam
