// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/password_policy.h"

#include <re2/re2.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/unicode.h"
#include "iam/error.h"

namespace iam {
namespace {

// The rules in the order Check() reports them.
enum class Rule : uint8_t {
  kInvalidUtf8,
  kTooShort,
  kTooLong,
  kInvalidCharacter,
  kTooFewClasses,
  kMissingUpper,
  kMissingLower,
  kMissingDigit,
  kMissingSpecial,
  kEqualsUsername,
  kReversedUsername,
  kContainsEmail,
  kContainsPhone,
  kTooManyRepeats,
  kBlocklisted,
  kPatternMismatch,
};

constexpr absl::string_view kReasons[] = {
    "password.invalid_utf8",      "password.too_short",         "password.too_long",
    "password.invalid_character", "password.too_few_classes",   "password.missing_uppercase",
    "password.missing_lowercase", "password.missing_digit",     "password.missing_special",
    "password.equals_username",   "password.reversed_username", "password.contains_email",
    "password.contains_phone",    "password.too_many_repeats",  "password.blocklisted",
    "password.pattern_mismatch",
};

bool EqualsIgnoreCase(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(internal::AsciiLower(a[i]) ^ internal::AsciiLower(b[i]));
  }
  return diff == 0;
}

bool EqualsReversedIgnoreCase(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  const size_t n = a.size();
  unsigned diff = 0;
  for (size_t i = 0; i < n; ++i) {
    diff |=
        static_cast<unsigned char>(internal::AsciiLower(a[i]) ^ internal::AsciiLower(b[n - 1 - i]));
  }
  return diff == 0;
}

bool ContainsIgnoreCase(absl::string_view haystack, absl::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  const char first = internal::AsciiLower(needle[0]);
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (internal::AsciiLower(haystack[i]) != first) continue;
    if (EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

// Longest run of one repeated character; a character is a lead byte and its
// UTF-8 continuation bytes, so "ééé" is a run of three, U+8000 (E8 80 80) none.
int LongestRunUtf8(absl::string_view s) {
  int longest = 0;
  int run = 0;
  absl::string_view previous;
  for (size_t i = 0; i < s.size();) {
    size_t next = i + 1;
    while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
    const absl::string_view current = s.substr(i, next - i);
    run = (current == previous) ? run + 1 : 1;
    if (run > longest) longest = run;
    previous = current;
    i = next;
  }
  return longest;
}

// LongestRunUtf8 with a fast path: while every byte is ASCII, a character is
// one byte, so the run is counted byte by byte; the first non-ASCII byte hands
// the whole string to LongestRunUtf8.
int LongestRun(absl::string_view s) {
  if (s.empty()) return 0;
  if (static_cast<unsigned char>(s[0]) >= 0x80) return LongestRunUtf8(s);
  int longest = 1;
  int run = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return LongestRunUtf8(s);
    run = (s[i] == s[i - 1]) ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return longest;
}

}  // namespace

PasswordChecker::PasswordChecker(PasswordPolicy policy) : policy_(std::move(policy)) {
  min_length_ = (policy_.second_factor && policy_.mfa_min_length > 0) ? policy_.mfa_min_length
                                                                      : policy_.min_length;
  for (int c = 'A'; c <= 'Z'; ++c) class_of_[c] = kClassUpper;
  for (int c = 'a'; c <= 'z'; ++c) class_of_[c] = kClassLower;
  for (int c = '0'; c <= '9'; ++c) class_of_[c] = kClassDigit;
  for (unsigned char c : policy_.special_chars) class_of_[c] = kClassSpecial;
  if (policy_.allow_unicode) {
    // Every printable ASCII character is accepted; the non-alphanumeric ones
    // count as special.
    for (int c = 0x20; c < 0x7f; ++c) {
      if (class_of_[c] == 0) class_of_[c] = kClassSpecial;
    }
  }
}

PasswordChecker::~PasswordChecker() = default;

absl::StatusOr<std::shared_ptr<const PasswordChecker>> PasswordChecker::Create(
    PasswordPolicy policy) {
  auto bad = [](absl::string_view field, absl::string_view message) {
    return InvalidField(absl::StrCat("password_policy.", field), "password_policy.invalid",
                        absl::StrCat("password_policy.", field, ": ", message));
  };
  if (policy.min_length < 1 || policy.min_length > 4096) {
    return bad("min_length", "must be between 1 and 4096");
  }
  if (policy.max_length < policy.min_length || policy.max_length > 4096) {
    return bad("max_length", "must be between min_length and 4096");
  }
  if (policy.mfa_min_length < 0 || policy.mfa_min_length > policy.max_length) {
    return bad("mfa_min_length", "must be between 0 and max_length");
  }
  if (policy.min_classes < 0 || policy.min_classes > 4) {
    return bad("min_classes", "must be between 0 and 4");
  }
  if (policy.required_classes > 0xF) return bad("required_classes", "unknown class bit");
  if (std::max(policy.min_classes, CountClasses(policy.required_classes)) > policy.max_length) {
    return bad("min_classes", "more classes than max_length characters");
  }
  for (unsigned char c : policy.special_chars) {
    if (c < 0x20 || c >= 0x7f || absl::ascii_isalnum(c)) {
      return bad("special_chars", "must be printable ASCII punctuation or space");
    }
  }
  if (policy.max_repeat < 0) return bad("max_repeat", "must be 0 (unlimited) or more");
  if (policy.history_count < 0 || policy.history_count > 64) {
    return bad("history_count", "must be between 0 and 64");
  }
  if (policy.min_age < absl::ZeroDuration()) return bad("min_age", "must not be negative");
  if (policy.validity_days < 0) return bad("validity_days", "must be 0 (unlimited) or more");
  std::unique_ptr<re2::RE2> custom;
  if (!policy.custom_pattern.empty()) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    custom = std::make_unique<re2::RE2>(policy.custom_pattern, options);
    if (!custom->ok()) return bad("custom_pattern", absl::StrCat("invalid: ", custom->error()));
  }
  auto checker = std::shared_ptr<PasswordChecker>(new PasswordChecker(std::move(policy)));
  checker->custom_ = std::move(custom);
  return std::shared_ptr<const PasswordChecker>(std::move(checker));
}

absl::StatusOr<std::string> PasswordChecker::Normalize(absl::string_view password) const {
  if (policy_.normalization == PasswordNormalization::kNone) return std::string(password);
  absl::StatusOr<std::string> out = internal::Nfkc(password);
  if (!out.ok()) return InvalidField("password", kReasons[0], "password: is not valid UTF-8");
  return out;
}

// Runs every rule over `password`, calling sink(rule) for each failure; stops
// early when the sink returns false. Shared by Check() and IsValid() so both
// apply exactly the same rules.
template <typename Sink>
static void RunRules(const PasswordChecker& checker, const PasswordPolicy& policy,
                     const re2::RE2* custom, absl::string_view password,
                     const PasswordContext& context, Sink&& sink) {
  std::string normalized;
  size_t length = password.size();
  uint8_t classes = 0;
  bool invalid = false;
  bool ascii = true;
  for (unsigned char c : password) {
    const uint8_t k = checker.ClassOf(c);
    classes |= k;
    invalid |= (k == 0);
    ascii &= (c < 0x80);
  }
  if (policy.allow_unicode && !ascii) {
    // Unicode: validate, normalize (ASCII is NFKC-invariant), count code points.
    if (internal::CountCodePoints(password) < 0) {
      sink(Rule::kInvalidUtf8);
      return;
    }
    if (policy.normalization == PasswordNormalization::kNfkc) {
      absl::StatusOr<std::string> n = internal::Nfkc(password);
      if (!n.ok()) {
        sink(Rule::kInvalidUtf8);
        return;
      }
      normalized = std::move(*n);
      password = normalized;
    }
    length = 0;
    invalid = false;
    classes = 0;
    for (size_t i = 0; i < password.size();) {
      const unsigned char c = static_cast<unsigned char>(password[i]);
      if (c < 0x80) {
        classes |= checker.ClassOf(c);
        invalid |= checker.ClassOf(c) == 0;
        ++i;
      } else {
        const int32_t cp = internal::DecodeUtf8(password, &i);
        invalid |= cp < 0 || (cp < 0xA0) || internal::IsInvisibleOrControl(cp);
      }
      ++length;
    }
  }
  if (length < static_cast<size_t>(checker.effective_min_length()) && !sink(Rule::kTooShort)) {
    return;
  }
  if (length > static_cast<size_t>(policy.max_length) && !sink(Rule::kTooLong)) return;
  if (invalid && !sink(Rule::kInvalidCharacter)) return;
  if (policy.min_classes > 0 && CountClasses(classes) < policy.min_classes &&
      !sink(Rule::kTooFewClasses)) {
    return;
  }
  const uint8_t missing = policy.required_classes & ~classes;
  if (missing != 0) {
    if ((missing & kClassUpper) && !sink(Rule::kMissingUpper)) return;
    if ((missing & kClassLower) && !sink(Rule::kMissingLower)) return;
    if ((missing & kClassDigit) && !sink(Rule::kMissingDigit)) return;
    if ((missing & kClassSpecial) && !sink(Rule::kMissingSpecial)) return;
  }
  if (policy.forbid_username && !context.username.empty()) {
    if (EqualsIgnoreCase(password, context.username)) {
      if (!sink(Rule::kEqualsUsername)) return;
    } else if (EqualsReversedIgnoreCase(password, context.username) &&
               !sink(Rule::kReversedUsername)) {
      return;
    }
  }
  if (policy.forbid_contact) {
    if (!context.email.empty() && ContainsIgnoreCase(password, context.email) &&
        !sink(Rule::kContainsEmail)) {
      return;
    }
    if (!context.phone.empty() && password.find(context.phone) != absl::string_view::npos &&
        !sink(Rule::kContainsPhone)) {
      return;
    }
  }
  if (policy.max_repeat > 0 && LongestRun(password) > policy.max_repeat &&
      !sink(Rule::kTooManyRepeats)) {
    return;
  }
  if (policy.blocklist != nullptr && policy.blocklist->Contains(password) &&
      !sink(Rule::kBlocklisted)) {
    return;
  }
  if (custom != nullptr &&
      !re2::RE2::FullMatch(re2::StringPiece(password.data(), password.size()), *custom))
    sink(Rule::kPatternMismatch);
}

void PasswordChecker::CheckInto(absl::string_view password, const PasswordContext& context,
                                absl::string_view field, Violations* out) const {
  const PasswordPolicy& p = policy_;
  auto message = [&](Rule rule) -> std::string {
    switch (rule) {
      case Rule::kInvalidUtf8:
        return "is not valid UTF-8 or contains a NUL byte";
      case Rule::kTooShort:
      case Rule::kTooLong:
        return absl::StrCat("must be ", min_length_, " to ", p.max_length, " characters long");
      case Rule::kInvalidCharacter:
        return p.allow_unicode
                   ? "must not contain control or invisible characters"
                   : absl::StrCat("may contain only letters, digits and the special characters ",
                                  p.special_chars);
      case Rule::kTooFewClasses:
        return absl::StrCat("must contain at least ", p.min_classes,
                            " of: uppercase letters, lowercase letters, digits, special "
                            "characters");
      case Rule::kMissingUpper:
        return "must contain an uppercase letter";
      case Rule::kMissingLower:
        return "must contain a lowercase letter";
      case Rule::kMissingDigit:
        return "must contain a digit";
      case Rule::kMissingSpecial:
        return absl::StrCat("must contain a special character (", p.special_chars, ")");
      case Rule::kEqualsUsername:
        return "must not be the username";
      case Rule::kReversedUsername:
        return "must not be the username spelled backwards";
      case Rule::kContainsEmail:
        return "must not contain the email address";
      case Rule::kContainsPhone:
        return "must not contain the mobile number";
      case Rule::kTooManyRepeats:
        return absl::StrCat("must not repeat one character more than ", p.max_repeat,
                            " times in a row");
      case Rule::kBlocklisted:
        return "is a commonly used password";
      case Rule::kPatternMismatch:
        return p.custom_pattern_description.empty()
                   ? std::string("does not match the administrator's password rule")
                   : p.custom_pattern_description;
    }
    return "";
  };
  RunRules(*this, p, custom_.get(), password, context, [&](Rule rule) {
    out->push_back(
        {std::string(field), std::string(kReasons[static_cast<int>(rule)]), message(rule)});
    return true;
  });
}

Violations PasswordChecker::Check(absl::string_view password, const PasswordContext& context,
                                  absl::string_view field) const {
  Violations out;
  CheckInto(password, context, field, &out);
  return out;
}

bool PasswordChecker::IsValid(absl::string_view password, const PasswordContext& context) const {
  bool ok = true;
  RunRules(*this, policy_, custom_.get(), password, context, [&](Rule) { return ok = false; });
  return ok;
}

absl::Status PasswordChecker::Validate(absl::string_view password, const PasswordContext& context,
                                       absl::string_view field) const {
  if (IsValid(password, context)) return absl::OkStatus();
  return ToStatus(Check(password, context, field));
}

absl::Time PasswordChecker::ExpiresAt(absl::Time set_at) const {
  if (policy_.validity_days <= 0) return absl::InfiniteFuture();
  return set_at + absl::Hours(24) * policy_.validity_days;
}

namespace {

// One editable setting: its bounds and how it reads and writes the policy.
struct PolicySetting {
  absl::string_view name;
  int64_t min, max;  // a flag is 0..1
  bool flag;
  int64_t (*get)(const PasswordPolicy&);
  void (*set)(PasswordPolicy&, int64_t);
};

constexpr PolicySetting kPolicySettings[] = {
    {"minimum_password_length", 1, 4096, false,
     [](const PasswordPolicy& p) -> int64_t { return p.min_length; },
     [](PasswordPolicy& p, int64_t v) { p.min_length = static_cast<int>(v); }},
    {"password_char_combination", 0, 4, false,
     [](const PasswordPolicy& p) -> int64_t { return p.min_classes; },
     [](PasswordPolicy& p, int64_t v) { p.min_classes = static_cast<int>(v); }},
    {"maximum_consecutive_identical_chars", 0, 32, false,
     [](const PasswordPolicy& p) -> int64_t { return p.max_repeat; },
     [](PasswordPolicy& p, int64_t v) { p.max_repeat = static_cast<int>(v); }},
    {"number_of_recent_passwords_disallowed", 0, 24, false,
     [](const PasswordPolicy& p) -> int64_t { return p.history_count; },
     [](PasswordPolicy& p, int64_t v) { p.history_count = static_cast<int>(v); }},
    {"minimum_password_age", 0, 1440, false,
     [](const PasswordPolicy& p) -> int64_t { return absl::ToInt64Minutes(p.min_age); },
     [](PasswordPolicy& p, int64_t v) { p.min_age = absl::Minutes(v); }},
    {"password_validity_period", 0, 180, false,
     [](const PasswordPolicy& p) -> int64_t { return p.validity_days; },
     [](PasswordPolicy& p, int64_t v) { p.validity_days = static_cast<int>(v); }},
    {"password_not_username_or_invert", 0, 1, true,
     [](const PasswordPolicy& p) -> int64_t { return p.forbid_username ? 1 : 0; },
     [](PasswordPolicy& p, int64_t v) { p.forbid_username = v != 0; }},
};

}  // namespace

nlohmann::json PasswordPolicyJson(const PasswordChecker& checker) {
  const PasswordPolicy& p = checker.policy();
  nlohmann::json j = nlohmann::json::object();
  for (const PolicySetting& s : kPolicySettings) {
    const int64_t v = s.get(p);
    j[std::string(s.name)] = s.flag ? nlohmann::json(v != 0) : nlohmann::json(v);
  }
  j["minimum_password_length"] = checker.effective_min_length();
  j["maximum_password_length"] = p.max_length;
  j["password_not_contact"] = p.forbid_contact;
  j["special_characters"] = p.special_chars;
  j["blocklist"] = p.blocklist != nullptr;
  j["custom_pattern_description"] = p.custom_pattern_description;
  return j;
}

absl::Status ApplyPasswordPolicySettings(const nlohmann::json& settings, absl::string_view prefix,
                                         PasswordPolicy* policy) {
  const auto invalid = [&](absl::string_view name, absl::string_view message) {
    const std::string field = prefix.empty() || name.empty() ? absl::StrCat(prefix, name)
                                                             : absl::StrCat(prefix, ".", name);
    return InvalidField(field, "password_policy.invalid", absl::StrCat(field, ": ", message));
  };
  if (!settings.is_object()) return invalid("", "must be an object");
  PasswordPolicy changed = *policy;
  for (const auto& [key, value] : settings.items()) {
    const PolicySetting* setting = nullptr;
    for (const PolicySetting& s : kPolicySettings) {
      if (s.name == key) setting = &s;
    }
    if (setting == nullptr) return invalid(key, "is not a setting that can be changed");
    int64_t v = 0;
    if (setting->flag) {
      if (!value.is_boolean()) return invalid(key, "must be true or false");
      v = value.get<bool>() ? 1 : 0;
    } else {
      if (!value.is_number_integer()) return invalid(key, "must be an integer");
      v = value.get<int64_t>();
      if (v < setting->min || v > setting->max) {
        return invalid(key, absl::StrCat("must be ", setting->min, " to ", setting->max));
      }
    }
    setting->set(changed, v);
  }
  if (changed.min_length > changed.max_length) {
    return invalid("minimum_password_length",
                   absl::StrCat("must be at most the maximum length, ", changed.max_length));
  }
  *policy = std::move(changed);
  return absl::OkStatus();
}

}  // namespace iam
