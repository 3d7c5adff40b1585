// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/names.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/unicode.h"
#include "iam/error.h"
#include "iam/profile.h"

namespace iam {
namespace {

constexpr EntryKindInfo kKinds[] = {
    {EntryKind::kGroup, "group", "group", "grp_", "Group"},
    {EntryKind::kOrganizationalUnit, "ou", "organizational_unit", "ou_", "OrganizationalUnit"},
    {EntryKind::kCustomField, "custom_field", "custom_field", "cf_", "CustomField"},
    {EntryKind::kPolicy, "policy", "policy", "pol_", "Policy"},
    {EntryKind::kSetting, "setting", "setting", "set_", "Setting"},
};

constexpr absl::string_view kFieldTypes[] = {"string", "number", "boolean", "enum"};

absl::Status Invalid(absl::string_view field, absl::string_view reason, absl::string_view message) {
  return InvalidField(field, reason, absl::StrCat(field, ": ", message));
}

bool IsPrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

bool AllIn(absl::string_view s, const CharSet& chars) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return chars(static_cast<uint8_t>(c)); });
}

const CharSet& IdChars() {
  static const CharSet kSet = CharSet::Of(absl::StrCat(kAlnum, "_-."));
  return kSet;
}

const CharSet& PolicyChars() {
  static const CharSet kSet = CharSet::Of(absl::StrCat(kAlnum, "+=,.@_-:/* "));
  return kSet;
}

// Compiled custom-field patterns, shared by every engine: administrators
// define few, users match them often. Bounded: emptied when full.
class PatternCache {
 public:
  absl::StatusOr<std::shared_ptr<const re2::RE2>> Get(const std::string& pattern) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = patterns_.find(pattern);
    if (it != patterns_.end()) return it->second;
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(pattern, options);
    if (!re->ok()) return Invalid("pattern", "custom_field.invalid_pattern", re->error());
    if (patterns_.size() >= kMaxPatterns) patterns_.clear();
    patterns_.emplace(pattern, re);
    return re;
  }

 private:
  static constexpr size_t kMaxPatterns = 1024;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const re2::RE2>> patterns_;
};

PatternCache& Patterns() {
  static PatternCache* const kCache = new PatternCache();
  return *kCache;
}

}  // namespace

const EntryKindInfo& KindInfo(EntryKind kind) {
  for (const EntryKindInfo& info : kKinds) {
    if (info.kind == kind) return info;
  }
  return kKinds[0];
}

const EntryKindInfo* FindKind(absl::string_view json_name) {
  for (const EntryKindInfo& info : kKinds) {
    if (info.json_name == json_name) return &info;
  }
  return nullptr;
}

absl::Status ValidateTenantId(absl::string_view tenant) {
  if (tenant.empty() || tenant.size() > static_cast<size_t>(kNameRules.tenant_id_max)) {
    return Invalid("tenant", "tenant.invalid",
                   absl::StrCat("must be 1 to ", kNameRules.tenant_id_max, " characters"));
  }
  if (!AllIn(tenant, IdChars())) {
    return Invalid("tenant", "tenant.invalid", "may contain only letters, digits, '_', '-', '.'");
  }
  return absl::OkStatus();
}

absl::Status ValidatePolicyName(absl::string_view name, absl::string_view field) {
  if (name.empty() || name.size() > static_cast<size_t>(kNameRules.policy_name_max)) {
    return Invalid(field, "policy.invalid",
                   absl::StrCat("must be 1 to ", kNameRules.policy_name_max, " characters"));
  }
  if (!AllIn(name, PolicyChars())) {
    return Invalid(field, "policy.invalid", "contains a character not allowed in policy names");
  }
  // Huawei's system policies have inner spaces ("Security Administrator").
  if (name.front() == ' ' || name.back() == ' ' || absl::StrContains(name, "  ")) {
    return Invalid(field, "policy.invalid", "may not begin or end with a space or repeat one");
  }
  return absl::OkStatus();
}

absl::Status ValidateClientToken(absl::string_view token) {
  if (token.size() > static_cast<size_t>(kNameRules.client_token_max) || !IsPrintableAscii(token)) {
    return Invalid("client_token", "client_token.invalid",
                   absl::StrCat("must be at most ", kNameRules.client_token_max,
                                " printable ASCII characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateDefaultProjectId(absl::string_view id) {
  if (id.size() > static_cast<size_t>(kNameRules.default_project_id_max) || !IsPrintableAscii(id)) {
    return Invalid("default_project_id", "default_project_id.invalid",
                   absl::StrCat("must be at most ", kNameRules.default_project_id_max,
                                " printable ASCII characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEntry(const DirectoryEntry& e) {
  if (e.kind != EntryKind::kPolicy && !e.document.empty()) {
    return Invalid("document", "entry.unexpected_field", "only policies have a document");
  }
  if (e.kind != EntryKind::kGroup && !e.policies.empty()) {
    return Invalid("policies", "entry.unexpected_field", "only users and groups attach policies");
  }
  if (e.kind == EntryKind::kPolicy) {
    IAM_RETURN_IF_ERROR(ValidatePolicyName(e.name, "name"));
    if (e.document.empty() ||
        e.document.size() > static_cast<size_t>(kNameRules.policy_document_max)) {
      return Invalid("document", "policy.document_invalid",
                     absl::StrCat("must be 1 to ", kNameRules.policy_document_max, " bytes"));
    }
  }
  const ptrdiff_t name_length = internal::CountCodePoints(e.name);
  if (name_length < 1 || name_length > kNameRules.entry_name_max) {
    return Invalid(
        "name", "name.invalid",
        absl::StrCat("must be 1 to ", kNameRules.entry_name_max, " characters of valid UTF-8"));
  }
  for (size_t i = 0; i < e.name.size();) {
    const unsigned char c = static_cast<unsigned char>(e.name[i]);
    const int32_t cp = c < 0x80 ? (++i, c) : internal::DecodeUtf8(e.name, &i);
    if (cp < 0x20 || cp == 0x7f ||
        (cp >= 0x80 && (internal::IsInvisibleOrControl(cp) || internal::IsDefaultIgnorable(cp)))) {
      return Invalid("name", "name.invalid", "must not contain control or invisible characters");
    }
  }
  const ptrdiff_t description_length = internal::CountCodePoints(e.description);
  if (description_length < 0 || description_length > kNameRules.entry_description_max) {
    return Invalid(
        "description", "description.too_long",
        absl::StrCat("must be at most ", kNameRules.entry_description_max, " characters"));
  }
  if (e.kind != EntryKind::kCustomField) {
    if (!e.field_type.empty() || !e.allowed_values.empty() || !e.pattern.empty()) {
      return Invalid("type", "entry.unexpected_field", "only custom fields have a type");
    }
    return absl::OkStatus();
  }
  if (!AllIn(e.name, IdChars())) {
    return Invalid("name", "custom_field.invalid_name",
                   "a field name may contain only letters, digits, '_', '-', '.'");
  }
  const absl::string_view type =
      e.field_type.empty() ? absl::string_view("string") : absl::string_view(e.field_type);
  if (std::find(std::begin(kFieldTypes), std::end(kFieldTypes), type) == std::end(kFieldTypes)) {
    return Invalid("type", "custom_field.invalid_type", "must be string, number, boolean or enum");
  }
  if (e.max_length < 0 || e.max_length > kNameRules.custom_field_length_max) {
    return Invalid("max_length", "custom_field.invalid_max_length",
                   absl::StrCat("must be 0 to ", kNameRules.custom_field_length_max));
  }
  if (type == "enum" && e.allowed_values.empty()) {
    return Invalid("allowed_values", "custom_field.allowed_values_required",
                   "an enum field needs allowed values");
  }
  if (!e.pattern.empty()) return Patterns().Get(e.pattern).status();
  return absl::OkStatus();
}

absl::Status ValidateCustomFieldValue(const DirectoryEntry& def, absl::string_view value,
                                      absl::string_view field) {
  const ptrdiff_t length = internal::CountCodePoints(value);
  if (length < 0) return Invalid(field, "custom_field.invalid_utf8", "is not valid UTF-8");
  if (def.max_length > 0 && length > def.max_length) {
    return Invalid(field, "custom_field.too_long",
                   absl::StrCat("must be at most ", def.max_length, " characters"));
  }
  if (def.field_type == "number") {
    double d;
    if (!absl::SimpleAtod(value, &d)) {
      return Invalid(field, "custom_field.not_a_number", "must be a number");
    }
  } else if (def.field_type == "boolean") {
    if (value != "true" && value != "false") {
      return Invalid(field, "custom_field.not_a_boolean", "must be true or false");
    }
  } else if (def.field_type == "enum") {
    if (std::find(def.allowed_values.begin(), def.allowed_values.end(), value) ==
        def.allowed_values.end()) {
      return Invalid(field, "custom_field.not_allowed", "is not one of the allowed values");
    }
  }
  if (!def.pattern.empty()) {
    absl::StatusOr<std::shared_ptr<const re2::RE2>> re = Patterns().Get(def.pattern);
    if (!re.ok()) return re.status();
    if (!re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), **re)) {
      return Invalid(field, "custom_field.pattern_mismatch", "does not match the field's pattern");
    }
  }
  return absl::OkStatus();
}

}  // namespace iam
