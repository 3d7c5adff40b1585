// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The C ABI's foundations: errors, memory, versions and limits, profiles,
// password policies, and the pure rule checks.
#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "capi_internal.h"
#include "iam/contact.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/names.h"
#include "iam/password_generator.h"
#include "iam/token.h"
#include "iam/username.h"
#include "nlohmann/json.hpp"

#ifndef IAM_VERSION_STRING
#error "IAM_VERSION_STRING must be defined by the build"
#endif

namespace iam::capi {
namespace {

// iam_free needs the length to wipe a block: it sits in a header before the
// string, which keeps the string 16-byte aligned.
constexpr size_t kHeader = 16;

const Profile& Huawei() { return *FindProfile("huawei"); }

}  // namespace

absl::Status LookupProfile(const char* name, const Profile** out) {
  const Profile* p = FindProfile(name == nullptr ? absl::string_view("huawei") : name);
  if (p == nullptr) {
    return InvalidField(
        "profile", "profile.unknown",
        absl::StrCat("profile: unknown profile '", name, "' (huawei, alibaba, tencent, nist)"));
  }
  *out = p;
  return absl::OkStatus();
}

int CodeOf(const absl::Status& status) {
  if (status.ok()) return IAM_OK;
  if (ErrorReason(status) == kCallbackFailedReason) return IAM_CALLBACK_FAILED;
  return static_cast<int>(status.code());
}

int Ok(iam_error* err) {
  if (ErrorImpl* e = Impl(err); e != nullptr) {
    e->code = IAM_OK;
    e->field.clear();
    e->reason.clear();
    e->message.clear();
    e->http_status = 0;
    e->provider_code.clear();
  }
  return IAM_OK;
}

int Fill(iam_error* err, const absl::Status& status, const Profile* profile) {
  int code = IAM_INTERNAL;
  ErrorImpl* e = Impl(err);
  try {
    code = CodeOf(status);
    if (e == nullptr) return code;
    if (status.ok()) return Ok(err);
    Ok(err);
    e->code = code;
    e->field = ErrorField(status);
    e->reason = ErrorReason(status);
    e->message = std::string(status.message());
    HttpError mapped = MapError(profile != nullptr ? *profile : Huawei(), status);
    e->http_status = mapped.http_status;
    e->provider_code = std::move(mapped.provider_code);
  } catch (...) {
    if (e != nullptr) e->code = code;
  }
  return code;
}

int FillViolation(iam_error* err, const Violation& v, const Profile* profile) {
  ErrorImpl* e = Impl(err);
  if (e == nullptr) return IAM_INVALID_ARGUMENT;
  try {
    // Assigned into the error object's own strings: after its first use the
    // error path of a check allocates nothing but the provider code.
    e->code = IAM_INVALID_ARGUMENT;
    e->field.assign(v.field);
    e->reason.assign(v.reason);
    e->message.assign(v.field).append(": ").append(v.message);
    HttpError mapped = MapError(profile != nullptr ? *profile : Huawei(),
                                absl::StatusCode::kInvalidArgument, v.reason);
    e->http_status = mapped.http_status;
    e->provider_code.swap(mapped.provider_code);
  } catch (...) {
    e->code = IAM_INVALID_ARGUMENT;
  }
  return IAM_INVALID_ARGUMENT;
}

absl::Status StatusFromCallback(int code, const ErrorImpl& err, absl::string_view slot) {
  if (code == IAM_OK) return absl::OkStatus();
  const std::string message =
      err.message.empty() ? absl::StrCat("host callback ", slot, " failed") : err.message;
  if (code > IAM_OK && code <= IAM_UNAUTHENTICATED) {
    return MakeError(static_cast<absl::StatusCode>(code), err.field, err.reason, message);
  }
  return MakeError(absl::StatusCode::kInternal, err.field, kCallbackFailedReason, message);
}

char* NewString(absl::string_view s) {
  void* block = std::malloc(kHeader + s.size() + 1);
  if (block == nullptr) throw std::bad_alloc();
  const size_t size = s.size();
  std::memcpy(block, &size, sizeof size);
  char* p = static_cast<char*>(block) + kHeader;
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

void SetOut(char** out, absl::string_view s) {
  if (out != nullptr) *out = NewString(s);
}

absl::Status NullArgument(absl::string_view name) {
  return InvalidField(name, "api.null_argument", absl::StrCat(name, ": must not be NULL"));
}

int FromException(iam_error* err) noexcept {
  try {
    try {
      throw;
    } catch (const std::bad_alloc&) {
      return Fill(err, absl::ResourceExhaustedError("out of memory"));
    } catch (const std::exception& e) {
      return Fill(err, absl::InternalError(absl::StrCat("unexpected exception: ", e.what())));
    } catch (...) {
      return Fill(err, absl::InternalError("unexpected exception"));
    }
  } catch (...) {
    if (err != nullptr) Impl(err)->code = IAM_INTERNAL;
    return IAM_INTERNAL;
  }
}

namespace {

std::string Members(const CharSet& set) {
  std::string out;
  for (int c = 0; c < 256; ++c) {
    if (set.has[c]) out.push_back(static_cast<char>(c));
  }
  return out;
}

nlohmann::json IdFormatJson(const IdFormat& f) {
  return {{"prefix", std::string(f.prefix)},
          {"alphabet", std::string(f.alphabet)},
          {"length", f.length}};
}

nlohmann::json ViolationsJson(const Violations& violations) {
  nlohmann::json out = nlohmann::json::array();
  for (const Violation& v : violations) {
    out.push_back({{"field", v.field}, {"reason", v.reason}, {"message", v.message}});
  }
  return out;
}

// The compiled default policy of each profile, built once.
absl::StatusOr<std::shared_ptr<const PasswordChecker>> ProfileChecker(const Profile& profile) {
  static std::mutex mu;
  static auto* cache = new std::map<const Profile*, std::shared_ptr<const PasswordChecker>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(&profile);
  if (it != cache->end()) return it->second;
  auto checker = PasswordChecker::Create(profile.password);
  if (!checker.ok()) return checker.status();
  cache->emplace(&profile, *checker);
  return *checker;
}

}  // namespace

nlohmann::json PolicyJson(const PasswordPolicy& p) {
  return {{"min_length", p.min_length},
          {"max_length", p.max_length},
          {"mfa_min_length", p.mfa_min_length},
          {"second_factor", p.second_factor},
          {"min_classes", p.min_classes},
          {"required_classes", p.required_classes},
          {"special_chars", p.special_chars},
          {"allow_unicode", p.allow_unicode},
          {"normalization", p.normalization == PasswordNormalization::kNfkc ? "nfkc" : "none"},
          {"forbid_username", p.forbid_username},
          {"forbid_contact", p.forbid_contact},
          {"max_repeat", p.max_repeat},
          {"blocklist_size", p.blocklist != nullptr ? p.blocklist->size() : 0},
          {"custom_pattern", p.custom_pattern},
          {"custom_pattern_description", p.custom_pattern_description},
          {"history_count", p.history_count},
          {"min_age_seconds", absl::ToInt64Seconds(p.min_age)},
          {"validity_days", p.validity_days}};
}

std::string ViolationsText(const Violations& violations) {
  return ViolationsJson(violations).dump();
}

// The checker of `policy`, compiled once per configuration.
absl::StatusOr<std::shared_ptr<const PasswordChecker>> CheckerOf(const PolicyImpl* policy) {
  std::lock_guard<std::mutex> lock(policy->mu);
  if (policy->checker == nullptr) {
    auto checker = PasswordChecker::Create(policy->policy);
    if (!checker.ok()) return checker.status();
    policy->checker = *checker;
  }
  return policy->checker;
}

// The checker for a pure check: `policy` when given, else the profile's.
absl::StatusOr<std::shared_ptr<const PasswordChecker>> CheckerFor(const Profile& profile,
                                                                  const iam_policy* policy) {
  return policy != nullptr ? CheckerOf(Impl(policy)) : ProfileChecker(profile);
}

}  // namespace iam::capi

using iam::capi::Fill;
using iam::capi::Impl;
using iam::capi::Ok;
using iam::capi::SetOut;
using iam::capi::Str;
using iam::capi::View;

extern "C" {

// ---- errors ----------------------------------------------------------------

int iam_error_create(iam_error** out) {
  if (out == nullptr) return IAM_INVALID_ARGUMENT;
  *out = nullptr;
  try {
    *out = iam::capi::ToHandle<iam_error>(new iam::capi::ErrorImpl());
    return IAM_OK;
  } catch (...) {
    return IAM_RESOURCE_EXHAUSTED;
  }
}

void iam_error_destroy(iam_error* err) { delete Impl(err); }
void iam_error_clear(iam_error* err) { Ok(err); }
int iam_error_code(const iam_error* err) { return err == nullptr ? IAM_OK : Impl(err)->code; }
const char* iam_error_field(const iam_error* err) {
  return err == nullptr ? "" : Impl(err)->field.c_str();
}
const char* iam_error_reason(const iam_error* err) {
  return err == nullptr ? "" : Impl(err)->reason.c_str();
}
const char* iam_error_message(const iam_error* err) {
  return err == nullptr ? "" : Impl(err)->message.c_str();
}
int iam_error_http_status(const iam_error* err) {
  return err == nullptr ? 0 : Impl(err)->http_status;
}
const char* iam_error_provider_code(const iam_error* err) {
  return err == nullptr ? "" : Impl(err)->provider_code.c_str();
}

int iam_error_set(iam_error* err, int code, const char* field, const char* reason,
                  const char* message) {
  if (code == IAM_OK) code = IAM_UNKNOWN;
  iam::capi::ErrorImpl* e = Impl(err);
  if (e == nullptr) return code;
  try {
    Ok(err);
    e->code = code;
    e->field = Str(field);
    e->reason = Str(reason);
    e->message = Str(message);
  } catch (...) {
    e->code = code;
  }
  return code;
}

const char* iam_status_name(int code) {
  switch (code) {
    case IAM_OK:
      return "OK";
    case IAM_CANCELLED:
      return "CANCELLED";
    case IAM_UNKNOWN:
      return "UNKNOWN";
    case IAM_INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case IAM_DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case IAM_NOT_FOUND:
      return "NOT_FOUND";
    case IAM_ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case IAM_PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case IAM_RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case IAM_FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case IAM_ABORTED:
      return "ABORTED";
    case IAM_OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case IAM_UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case IAM_INTERNAL:
      return "INTERNAL";
    case IAM_UNAVAILABLE:
      return "UNAVAILABLE";
    case IAM_DATA_LOSS:
      return "DATA_LOSS";
    case IAM_UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case IAM_CALLBACK_FAILED:
      return "CALLBACK_FAILED";
    default:
      return "UNKNOWN";
  }
}

int iam_map_error(const char* profile, int code, const char* reason, int* http_status,
                  char** provider_code, iam_error* err) {
  if (provider_code != nullptr) *provider_code = nullptr;
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  absl::Status status;
  if (code == IAM_CALLBACK_FAILED) {
    status = iam::MakeError(absl::StatusCode::kInternal, "", View(reason), "callback failed");
  } else if (code > IAM_OK && code <= IAM_UNAUTHENTICATED) {
    status = iam::MakeError(static_cast<absl::StatusCode>(code), "", View(reason), "error");
  }
  iam::HttpError mapped = status.ok() ? iam::HttpError{200, ""} : iam::MapError(*p, status);
  if (http_status != nullptr) *http_status = mapped.http_status;
  SetOut(provider_code, mapped.provider_code);
  return Ok(err);
  IAM_API_END(err)
}

// ---- memory, versions, limits ----------------------------------------------

void iam_free(void* p) {
  if (p == nullptr) return;
  char* block = static_cast<char*>(p) - iam::capi::kHeader;
  size_t size = 0;
  std::memcpy(&size, block, sizeof size);
  sodium_memzero(block, iam::capi::kHeader + size + 1);
  std::free(block);
}

const char* iam_version(void) { return IAM_VERSION_STRING; }
int iam_abi_version(void) { return IAM_ABI_VERSION; }
size_t iam_token_bytes(void) { return iam::kTokenBytes; }
size_t iam_token_chars(void) { return (iam::kTokenBytes * 4 + 2) / 3; }
size_t iam_host_key_bytes(void) { return iam::kTokenKeyBytes; }
size_t iam_client_token_max(void) { return 64; }
int iam_page_size_max(void) { return 1000; }
int iam_batch_max_default(void) { return iam::EngineOptions().max_batch; }
int iam_store_methods_version(void) { return IAM_STORE_METHODS_VERSION; }
int iam_notifier_methods_version(void) { return IAM_NOTIFIER_METHODS_VERSION; }
int iam_authorizer_methods_version(void) { return IAM_AUTHORIZER_METHODS_VERSION; }

// ---- profiles ----------------------------------------------------------------

int iam_profile_names(char** out_json, iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out_json, err);
  nlohmann::json names = nlohmann::json::array();
  for (const iam::Profile* p : iam::AllProfiles()) names.push_back(std::string(p->name));
  SetOut(out_json, names.dump());
  return Ok(err);
  IAM_API_END(err)
}

int iam_profile_json(const char* profile, char** out_json, iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out_json, err);
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  const iam::ContactRules& c = p->contact;
  nlohmann::json errors = nlohmann::json::array();
  for (const iam::ErrorMapping& m : p->errors) {
    errors.push_back({{"code", iam_status_name(static_cast<int>(m.code))},
                      {"reason", std::string(m.reason)},
                      {"http_status", m.http_status},
                      {"provider_code", std::string(m.provider_code)}});
  }
  nlohmann::json j = {
      {"name", std::string(p->name)},
      {"description", std::string(p->description)},
      {"username",
       {{"min_length", p->username.min_length},
        {"max_length", p->username.max_length},
        {"chars", iam::capi::Members(p->username.chars)},
        {"no_leading_digit", p->username.no_leading_digit},
        {"unicode", p->username.unicode}}},
      {"contact",
       {{"display_name_max", c.display_name_max},
        {"description_max", c.description_max},
        {"external_id_max", c.external_id_max},
        {"email_max", c.email_max},
        {"email_local_max", c.email_local_max},
        {"email_local_chars", iam::capi::Members(c.email_local_chars)},
        {"phone_region_min", c.phone_region_min},
        {"phone_region_max", c.phone_region_max},
        {"phone_min", c.phone_min},
        {"phone_max", c.phone_max}}},
      {"user_id", iam::capi::IdFormatJson(p->user_id)},
      {"access_key",
       {{"id", iam::capi::IdFormatJson(p->access_key.id)},
        {"secret", iam::capi::IdFormatJson(p->access_key.secret)}}},
      {"password", iam::capi::PolicyJson(p->password)},
      {"generated_password_length", p->generated_password_length},
      {"generator_specials", std::string(p->generator_specials)},
      {"requires_primary_ou", p->requires_primary_ou},
      {"requires_verified_flags", p->requires_verified_flags},
      {"recipient_needs_contact", p->recipient_needs_contact},
      {"errors", errors},
  };
  SetOut(out_json, j.dump());
  return Ok(err);
  IAM_API_END(err)
}

// ---- policies ----------------------------------------------------------------

int iam_policy_create(const char* profile, iam_policy** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  auto policy = std::make_unique<iam::capi::PolicyImpl>();
  policy->policy = p->password;
  *out = iam::capi::ToHandle<iam_policy>(policy.release());
  return Ok(err);
  IAM_API_END(err)
}

int iam_policy_clone(const iam_policy* policy, iam_policy** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(policy, err);
  IAM_REQUIRE(out, err);
  auto copy = std::make_unique<iam::capi::PolicyImpl>();
  copy->policy = Impl(policy)->policy;
  *out = iam::capi::ToHandle<iam_policy>(copy.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_policy_destroy(iam_policy* policy) { delete Impl(policy); }

// Each policy setter changes one field and drops the compiled checker.
#define IAM_POLICY_SETTER(name, type, statement)              \
  int iam_policy_set_##name(iam_policy* handle, type value) { \
    IAM_SETTER_BEGIN(handle)                                  \
    iam::capi::PolicyImpl* policy = Impl(handle);             \
    std::lock_guard<std::mutex> lock(policy->mu);             \
    policy->checker.reset();                                  \
    statement;                                                \
    IAM_SETTER_END                                            \
  }

IAM_POLICY_SETTER(min_length, int, policy->policy.min_length = value)
IAM_POLICY_SETTER(max_length, int, policy->policy.max_length = value)
IAM_POLICY_SETTER(mfa_min_length, int, policy->policy.mfa_min_length = value)
IAM_POLICY_SETTER(second_factor, int, policy->policy.second_factor = value != 0)
IAM_POLICY_SETTER(min_classes, int, policy->policy.min_classes = value)
IAM_POLICY_SETTER(allow_unicode, int, policy->policy.allow_unicode = value != 0)
IAM_POLICY_SETTER(forbid_username, int, policy->policy.forbid_username = value != 0)
IAM_POLICY_SETTER(forbid_contact, int, policy->policy.forbid_contact = value != 0)
IAM_POLICY_SETTER(max_repeat, int, policy->policy.max_repeat = value)
IAM_POLICY_SETTER(history_count, int, policy->policy.history_count = value)
IAM_POLICY_SETTER(validity_days, int, policy->policy.validity_days = value)
IAM_POLICY_SETTER(min_age_seconds, int64_t, policy->policy.min_age = absl::Seconds(value))
IAM_POLICY_SETTER(special_chars, const char*, policy->policy.special_chars = Str(value))

#undef IAM_POLICY_SETTER

int iam_policy_set_required_classes(iam_policy* policy, int mask) {
  if (mask < 0 || mask > 15) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(policy)
  std::lock_guard<std::mutex> lock(Impl(policy)->mu);
  Impl(policy)->checker.reset();
  Impl(policy)->policy.required_classes = static_cast<uint8_t>(mask);
  IAM_SETTER_END
}

int iam_policy_set_normalization(iam_policy* policy, int normalization) {
  if (normalization != IAM_NORMALIZE_NONE && normalization != IAM_NORMALIZE_NFKC) {
    return IAM_INVALID_ARGUMENT;
  }
  IAM_SETTER_BEGIN(policy)
  std::lock_guard<std::mutex> lock(Impl(policy)->mu);
  Impl(policy)->checker.reset();
  Impl(policy)->policy.normalization = normalization == IAM_NORMALIZE_NFKC
                                           ? iam::PasswordNormalization::kNfkc
                                           : iam::PasswordNormalization::kNone;
  IAM_SETTER_END
}

int iam_policy_set_blocklist_file(iam_policy* policy, const char* path, iam_error* err) {
  IAM_API_BEGIN
  IAM_REQUIRE(policy, err);
  IAM_REQUIRE(path, err);
  auto list = iam::Blocklist::LoadFile(path);
  if (!list.ok()) return Fill(err, list.status());
  std::lock_guard<std::mutex> lock(Impl(policy)->mu);
  Impl(policy)->checker.reset();
  Impl(policy)->policy.blocklist = *list;
  return Ok(err);
  IAM_API_END(err)
}

int iam_policy_set_blocklist_entries(iam_policy* policy, const char* const* entries, size_t count) {
  if (count > 0 && entries == nullptr) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(policy)
  std::shared_ptr<const iam::Blocklist> list;
  if (count > 0) {
    std::vector<std::string> items;
    items.reserve(count);
    for (size_t i = 0; i < count; ++i) items.emplace_back(View(entries[i]));
    list = iam::Blocklist::FromEntries(items);
  }
  std::lock_guard<std::mutex> lock(Impl(policy)->mu);
  Impl(policy)->checker.reset();
  Impl(policy)->policy.blocklist = std::move(list);
  IAM_SETTER_END
}

int iam_policy_set_custom_pattern(iam_policy* policy, const char* pattern,
                                  const char* description) {
  IAM_SETTER_BEGIN(policy)
  std::lock_guard<std::mutex> lock(Impl(policy)->mu);
  Impl(policy)->checker.reset();
  Impl(policy)->policy.custom_pattern = Str(pattern);
  Impl(policy)->policy.custom_pattern_description = Str(description);
  IAM_SETTER_END
}

int iam_policy_validate(const iam_policy* policy, iam_error* err) {
  IAM_API_BEGIN
  IAM_REQUIRE(policy, err);
  return Fill(err, iam::capi::CheckerOf(Impl(policy)).status());
  IAM_API_END(err)
}

int iam_policy_json(const iam_policy* policy, char** out_json, iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(policy, err);
  IAM_REQUIRE(out_json, err);
  std::string text;
  {
    std::lock_guard<std::mutex> lock(Impl(policy)->mu);
    text = iam::capi::PolicyJson(Impl(policy)->policy).dump();
  }
  SetOut(out_json, text);
  return Ok(err);
  IAM_API_END(err)
}

// ---- rule checks -------------------------------------------------------------

int iam_validate_username(const char* profile, const char* name, iam_error* err) {
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(name, err);
  // The allocation-free verdict first; the violation only when it is asked for.
  if (iam::IsValidUsername(*p, name)) return Ok(err);
  if (err == nullptr) return IAM_INVALID_ARGUMENT;
  const iam::Violations v = iam::CheckUsername(*p, name);
  return v.empty() ? Ok(err) : iam::capi::FillViolation(err, v.front(), p);
  IAM_API_END(err)
}

int iam_check_username(const char* profile, const char* name, size_t* count, char** out_json,
                       iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(name, err);
  iam::Violations v = iam::CheckUsername(*p, name);
  if (count != nullptr) *count = v.size();
  SetOut(out_json, iam::capi::ViolationsText(v));
  return Ok(err);
  IAM_API_END(err)
}

int iam_canonical_username(const char* profile, const char* name, char** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(name, err);
  IAM_REQUIRE(out, err);
  absl::StatusOr<std::string> canonical = iam::CanonicalUsername(*p, name);
  if (!canonical.ok()) return Fill(err, canonical.status(), p);
  SetOut(out, *canonical);
  return Ok(err);
  IAM_API_END(err)
}

namespace {

// The fields iam_validate_field knows, each with its rule.
using FieldRule = absl::Status (*)(const iam::Profile& profile, absl::string_view value);
struct FieldRuleRow {
  absl::string_view field;
  FieldRule rule;
};
constexpr FieldRuleRow kFieldRules[] = {
    {"username",
     [](const iam::Profile& p, absl::string_view v) { return iam::ValidateUsername(p, v); }},
    {"email", [](const iam::Profile& p, absl::string_view v) { return iam::ValidateEmail(p, v); }},
    {"phone_region",
     [](const iam::Profile& p, absl::string_view v) { return iam::ValidatePhoneRegion(p, v); }},
    {"phone",
     [](const iam::Profile& p, absl::string_view v) { return iam::ValidatePhoneNumber(p, v); }},
    {"display_name",
     [](const iam::Profile& p, absl::string_view v) { return iam::ValidateDisplayName(p, v); }},
    {"description",
     [](const iam::Profile& p, absl::string_view v) { return iam::ValidateDescription(p, v); }},
    {"external_id",
     [](const iam::Profile& p, absl::string_view v) { return iam::ValidateExternalId(p, v); }},
    {"tenant", [](const iam::Profile&, absl::string_view v) { return iam::ValidateTenantId(v); }},
    {"policy",
     [](const iam::Profile&, absl::string_view v) { return iam::ValidatePolicyName(v, "policy"); }},
    {"client_token",
     [](const iam::Profile&, absl::string_view v) { return iam::ValidateClientToken(v); }},
    {"default_project_id",
     [](const iam::Profile&, absl::string_view v) { return iam::ValidateDefaultProjectId(v); }},
};

}  // namespace

int iam_validate_field(const char* profile, const char* field, const char* value, iam_error* err) {
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(field, err);
  IAM_REQUIRE(value, err);
  const absl::string_view f = field;
  for (const FieldRuleRow& row : kFieldRules) {
    if (row.field == f) return Fill(err, row.rule(*p, value), p);
  }
  return Fill(
      err,
      iam::InvalidField("field", "field.unknown", absl::StrCat("field: no rule for '", f, "'")), p);
  IAM_API_END(err)
}

int iam_canonical_email(const char* email, char** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(email, err);
  IAM_REQUIRE(out, err);
  SetOut(out, iam::CanonicalEmail(email));
  return Ok(err);
  IAM_API_END(err)
}

int iam_validate_password(const char* profile, const iam_policy* policy, const char* password,
                          const char* username, const char* email, const char* phone,
                          iam_error* err) {
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(password, err);
  auto checker = iam::capi::CheckerFor(*p, policy);
  if (!checker.ok()) return Fill(err, checker.status(), p);
  const iam::PasswordContext context{View(username), View(email), View(phone)};
  // The allocation-free verdict first; the violation only when it is asked for.
  if ((*checker)->IsValid(password, context)) return Ok(err);
  if (err == nullptr) return IAM_INVALID_ARGUMENT;
  const iam::Violations v = (*checker)->Check(password, context);
  return v.empty() ? Ok(err) : iam::capi::FillViolation(err, v.front(), p);
  IAM_API_END(err)
}

int iam_check_password(const char* profile, const iam_policy* policy, const char* password,
                       const char* username, const char* email, const char* phone, size_t* count,
                       char** out_json, iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(password, err);
  auto checker = iam::capi::CheckerFor(*p, policy);
  if (!checker.ok()) return Fill(err, checker.status(), p);
  iam::Violations v = (*checker)->Check(password, {View(username), View(email), View(phone)});
  if (count != nullptr) *count = v.size();
  SetOut(out_json, iam::capi::ViolationsText(v));
  return Ok(err);
  IAM_API_END(err)
}

int iam_generate_password(const char* profile, const iam_policy* policy, int length,
                          const char* username, const char* email, const char* phone, char** out,
                          iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  IAM_REQUIRE(out, err);
  auto checker = iam::capi::CheckerFor(*p, policy);
  if (!checker.ok()) return Fill(err, checker.status(), p);
  iam::GenerateOptions options;
  options.length = length;
  options.context = {View(username), View(email), View(phone)};
  absl::StatusOr<iam::Secret> password = iam::GeneratePassword(*p, **checker, options);
  if (!password.ok()) return Fill(err, password.status(), p);
  SetOut(out, password->view());
  return Ok(err);
  IAM_API_END(err)
}

// ---- principals and clocks ---------------------------------------------------

int iam_principal_create(const char* id, const char* tenant, iam_principal** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  auto principal = std::make_unique<iam::capi::PrincipalImpl>();
  principal->principal.id = Str(id);
  principal->principal.tenant = Str(tenant);
  *out = iam::capi::ToHandle<iam_principal>(principal.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_principal_destroy(iam_principal* principal) { delete Impl(principal); }

int iam_clock_create_fake(int64_t unix_seconds, iam_clock** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  auto clock = std::make_unique<iam::capi::ClockImpl>();
  clock->clock = std::make_shared<iam::FakeClock>(absl::FromUnixSeconds(unix_seconds));
  *out = iam::capi::ToHandle<iam_clock>(clock.release());
  return Ok(err);
  IAM_API_END(err)
}

int iam_clock_advance(iam_clock* clock, int64_t seconds) {
  IAM_SETTER_BEGIN(clock)
  Impl(clock)->clock->Advance(absl::Seconds(seconds));
  IAM_SETTER_END
}

void iam_clock_destroy(iam_clock* clock) { delete Impl(clock); }

// ---- buffers and notifications -----------------------------------------------

int iam_buffer_set(iam_buffer* buffer, const char* data, size_t size) {
  if (size > 0 && data == nullptr) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(buffer)
  Impl(buffer)->data.assign(data == nullptr ? "" : data, size);
  Impl(buffer)->set = true;
  IAM_SETTER_END
}

int64_t iam_notification_id(const iam_notification* n) {
  return n == nullptr || Impl(n)->n == nullptr ? 0 : Impl(n)->n->id;
}
#define IAM_NOTIFICATION_GETTER(name)                                             \
  const char* iam_notification_##name(const iam_notification* n) {                \
    return n == nullptr || Impl(n)->n == nullptr ? "" : Impl(n)->n->name.c_str(); \
  }
IAM_NOTIFICATION_GETTER(tenant)
IAM_NOTIFICATION_GETTER(user_id)
IAM_NOTIFICATION_GETTER(channel)
IAM_NOTIFICATION_GETTER(recipient)
IAM_NOTIFICATION_GETTER(kind)
IAM_NOTIFICATION_GETTER(body)
#undef IAM_NOTIFICATION_GETTER

int iam_notification_json(const iam_notification* n, char** out_json, iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(n, err);
  IAM_REQUIRE(out_json, err);
  const iam::Notification& x = *Impl(n)->n;
  nlohmann::json j = {{"id", x.id},           {"tenant", x.tenant},       {"user_id", x.user_id},
                      {"channel", x.channel}, {"recipient", x.recipient}, {"kind", x.kind},
                      {"body", x.body}};
  std::string text = j.dump();
  SetOut(out_json, text);
  iam::WipeString(text);
  return Ok(err);
  IAM_API_END(err)
}

}  // extern "C"
