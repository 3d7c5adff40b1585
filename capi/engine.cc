// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The engine behind the C ABI: options, requests, and every Engine operation.
// Structured results are returned as JSON rendered by iam/json.h (the
// shapes documented in include/iam/iam.h).
#include <sodium.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "capi_internal.h"
#include "iam/error.h"
#include "iam/import.h"
#include "iam/json.h"
#include "iam/memory_store.h"
#include "iam/secret.h"

namespace iam::capi {
namespace {

using nlohmann::json;

const Principal& CallerOf(const iam_principal* caller) {
  static const Principal* const kAnonymous = new Principal();
  return caller != nullptr ? Impl(caller)->principal : *kAnonymous;
}

absl::Status CreateOnly(absl::string_view field) {
  return InvalidField(field, "request.create_only",
                      absl::StrCat(field, ": applies to a create, not an update"));
}

absl::Status ToCreate(const RequestImpl& r, CreateUserRequest* out) {
  out->tenant = r.tenant;
  out->username = r.username.value_or(r.user.value_or(""));
  out->display_name = r.display_name.value_or("");
  out->description = r.description.value_or("");
  out->email = r.email.value_or("");
  out->email_verified = r.email_verified;
  out->phone_region = r.phone_region.value_or("");
  out->phone = r.phone.value_or("");
  out->phone_verified = r.phone_verified;
  out->external_id = r.external_id.value_or("");
  out->enabled = r.enabled.value_or(true);
  out->default_project_id = r.default_project_id.value_or("");
  out->primary_ou = r.primary_ou.value_or("");
  if (r.ous) out->ous = *r.ous;
  if (r.groups) out->groups = *r.groups;
  if (r.custom_fields) out->custom_fields = *r.custom_fields;
  if (r.policies) out->policies = *r.policies;
  out->sms_login_verification = r.sms_login_verification.value_or(false);
  out->require_password_reset = r.require_password_reset;
  out->password_mode = r.password_mode.value_or(PasswordMode::kNone);
  out->password = Secret(r.password.view());
  out->password_hash = Secret(r.password_hash.view());
  out->generated_password_length = r.generated_password_length.value_or(0);
  out->access_key = r.access_key.value_or(false);
  if (r.notify) out->notify = *r.notify;
  out->quick_create = r.quick_create.value_or(false);
  out->client_token = r.client_token.value_or("");
  return absl::OkStatus();
}

absl::Status ToUpdate(const RequestImpl& r, UpdateUserRequest* out) {
  if (r.password_mode || !r.password.empty()) return CreateOnly("password");
  if (!r.password_hash.empty()) return CreateOnly("password_hash");
  if (r.generated_password_length) return CreateOnly("generated_password_length");
  if (r.access_key) return CreateOnly("access_key");
  if (r.notify) return CreateOnly("notify");
  if (r.quick_create) return CreateOnly("quick_create");
  if (r.client_token) return CreateOnly("client_token");
  out->tenant = r.tenant;
  out->user = r.user.value_or(r.username.value_or(""));
  out->expected_version = r.expected_version;
  out->enabled = r.enabled;
  out->display_name = r.display_name;
  out->description = r.description;
  out->email = r.email;
  out->email_verified = r.email_verified;
  out->phone_region = r.phone_region;
  out->phone = r.phone;
  out->phone_verified = r.phone_verified;
  out->external_id = r.external_id;
  out->default_project_id = r.default_project_id;
  out->primary_ou = r.primary_ou;
  out->ous = r.ous;
  out->groups = r.groups;
  out->custom_fields = r.custom_fields;
  out->policies = r.policies;
  out->sms_login_verification = r.sms_login_verification;
  out->password_reset_required = r.require_password_reset;
  return absl::OkStatus();
}

bool ValidKind(int kind) {
  return kind == IAM_ENTRY_GROUP || kind == IAM_ENTRY_ORGANIZATIONAL_UNIT ||
         kind == IAM_ENTRY_CUSTOM_FIELD || kind == IAM_ENTRY_POLICY;
}

absl::Status BadKind() {
  return InvalidField("kind", "entry.invalid_kind",
                      "kind: must be IAM_ENTRY_GROUP, IAM_ENTRY_ORGANIZATIONAL_UNIT, "
                      "IAM_ENTRY_CUSTOM_FIELD or IAM_ENTRY_POLICY");
}

}  // namespace
}  // namespace iam::capi

using iam::capi::Fill;
using iam::capi::Impl;
using iam::capi::Ok;
using iam::capi::SetOut;
using iam::capi::Str;
using iam::capi::View;

namespace iam::capi {
namespace {

// A create whose one-time secrets would be lost (no output asked for).
absl::Status SecretsNeedAnOutput(const CreateUserRequest& r, const char* const* out) {
  if (out != nullptr || (r.password_mode != PasswordMode::kGenerated && !r.access_key)) {
    return absl::OkStatus();
  }
  return InvalidField("out_json", "api.secret_unreturned",
                      "out_json: must not be NULL when a generated password or an access key is "
                      "asked for: its one-time secret could never be shown");
}

// kInvalidArgument naming the first NULL among required arguments.
absl::Status Required(std::initializer_list<std::pair<const void*, const char*>> arguments) {
  for (const auto& [value, name] : arguments) {
    if (value == nullptr) return NullArgument(name);
  }
  return absl::OkStatus();
}

absl::string_view TextOf(const std::string& s) { return s; }
absl::string_view TextOf(const Secret& s) { return s.view(); }

// The one body of every engine call that answers a value: no exception
// escapes, `*out` (may be NULL) is cleared first, `call` runs on the engine
// and returns a StatusOr, a failure is mapped with the engine's profile, and
// on success render(engine, value) (JSON text, or a Secret holding it) is
// handed over in `*out` when asked for.
template <typename Call, typename Render>
int EngineCall(iam_engine* engine, char** out, iam_error* err, Call call, Render render) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(engine, err);
  Engine& e = *Impl(engine)->engine;
  auto result = call(e);
  if (!result.ok()) return Fill(err, result.status(), &e.profile());
  if (out != nullptr) SetOut(out, TextOf(render(e, *result)));
  return Ok(err);
  IAM_API_END(err)
}

// The same for an engine call that answers only a status.
template <typename Call>
int EngineStatusCall(iam_engine* engine, iam_error* err, Call call) {
  IAM_API_BEGIN
  IAM_REQUIRE(engine, err);
  Engine& e = *Impl(engine)->engine;
  const absl::Status s = call(e);
  if (!s.ok()) return Fill(err, s, &e.profile());
  return Ok(err);
  IAM_API_END(err)
}

std::string UserText(const Engine& e, const User& u) { return ToJson(u, e.SelfLink(u.id)).dump(); }

template <typename T>
std::string ArrayText(const std::vector<T>& items) {
  nlohmann::json j = nlohmann::json::array();
  for (const T& item : items) j.push_back(ToJson(item));
  return j.dump();
}

}  // namespace
}  // namespace iam::capi

using iam::capi::EngineCall;
using iam::capi::EngineStatusCall;
using iam::capi::Required;
using iam::capi::UserText;

extern "C" {

// ---- options -----------------------------------------------------------------

int iam_options_create(iam_options** out, iam_error* err) {
  return iam::capi::CreateDefaultHandle(out, err);
}

void iam_options_destroy(iam_options* options) {
  if (options == nullptr) return;
  iam::capi::OptionsImpl* o = Impl(options);
  iam::WipeString(o->options.host_key);
  for (auto& [id, key] : o->options.previous_host_keys) iam::WipeString(key);
  delete o;
}

int iam_options_set_profile(iam_options* options, const char* profile, iam_error* err) {
  IAM_API_BEGIN
  IAM_REQUIRE(options, err);
  const iam::Profile* p = nullptr;
  if (absl::Status s = iam::capi::LookupProfile(profile, &p); !s.ok()) return Fill(err, s);
  Impl(options)->options.profile = p;
  return Ok(err);
  IAM_API_END(err)
}

int iam_options_set_argon2_preset(iam_options* options, int preset) {
  if (preset != IAM_ARGON2_OWASP && preset != IAM_ARGON2_SODIUM_INTERACTIVE &&
      preset != IAM_ARGON2_TESTS) {
    return IAM_INVALID_ARGUMENT;
  }
  IAM_SETTER_BEGIN(options)
  Impl(options)->options.argon2 = preset == IAM_ARGON2_TESTS ? iam::Argon2Params::ForTests()
                                  : preset == IAM_ARGON2_SODIUM_INTERACTIVE
                                      ? iam::Argon2Params::SodiumInteractive()
                                      : iam::Argon2Params::Owasp();
  IAM_SETTER_END
}

int iam_options_set_argon2(iam_options* options, uint64_t ops_limit, size_t mem_limit_bytes) {
  IAM_SETTER_BEGIN(options)
  Impl(options)->options.argon2.ops_limit = ops_limit;
  Impl(options)->options.argon2.mem_limit = mem_limit_bytes;
  IAM_SETTER_END
}

int iam_options_set_host_key(iam_options* options, const unsigned char* key, size_t size,
                             const char* key_id) {
  if (size > 0 && key == nullptr) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(options)
  iam::WipeString(Impl(options)->options.host_key);
  Impl(options)->options.host_key.assign(reinterpret_cast<const char*>(key), size);
  if (key_id != nullptr && *key_id != '\0') Impl(options)->options.host_key_id = key_id;
  IAM_SETTER_END
}

int iam_options_add_previous_host_key(iam_options* options, const char* key_id,
                                      const unsigned char* key, size_t size) {
  if (key_id == nullptr || (size > 0 && key == nullptr)) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(options)
  std::string& slot = Impl(options)->options.previous_host_keys[key_id];
  iam::WipeString(slot);
  slot.assign(reinterpret_cast<const char*>(key), size);
  IAM_SETTER_END
}

int iam_options_set_notifier(iam_options* options, iam_notifier* notifier) {
  IAM_SETTER_BEGIN(options)
  Impl(options)->notifier = notifier != nullptr ? Impl(notifier)->notifier : nullptr;
  IAM_SETTER_END
}

int iam_options_set_authorizer(iam_options* options, iam_authorizer* authorizer) {
  IAM_SETTER_BEGIN(options)
  Impl(options)->authorizer = authorizer != nullptr ? Impl(authorizer)->authorizer : nullptr;
  if (authorizer != nullptr) Impl(options)->allow_all = false;
  IAM_SETTER_END
}

int iam_options_set_allow_all(iam_options* options, int allow_all) {
  IAM_SETTER_BEGIN(options)
  Impl(options)->allow_all = allow_all != 0;
  if (allow_all != 0) Impl(options)->authorizer = nullptr;
  IAM_SETTER_END
}

int iam_options_set_clock(iam_options* options, iam_clock* clock) {
  IAM_SETTER_BEGIN(options)
  Impl(options)->clock = clock != nullptr ? Impl(clock)->clock : nullptr;
  IAM_SETTER_END
}

#define IAM_OPTIONS_SETTER(name, type, statement)                \
  int iam_options_set_##name(iam_options* options, type value) { \
    IAM_SETTER_BEGIN(options)                                    \
    iam::EngineOptions& o = Impl(options)->options;              \
    statement;                                                   \
    IAM_SETTER_END                                               \
  }

IAM_OPTIONS_SETTER(idempotency_window_seconds, int64_t, o.idempotency_window = absl::Seconds(value))
IAM_OPTIONS_SETTER(audit, int, o.audit = (value & 1) != 0; o.audit_to_outbox = (value & 2) != 0)
IAM_OPTIONS_SETTER(outbox_max_attempts, int, o.outbox_max_attempts = value)
IAM_OPTIONS_SETTER(dispatch_interval_ms, int64_t, o.dispatch_interval = absl::Milliseconds(value))
IAM_OPTIONS_SETTER(login_link_ttl_seconds, int64_t, o.login_link_ttl = absl::Seconds(value))
IAM_OPTIONS_SETTER(reset_token_ttl_seconds, int64_t, o.reset_token_ttl = absl::Seconds(value))
IAM_OPTIONS_SETTER(max_batch, int, o.max_batch = value)
IAM_OPTIONS_SETTER(require_registered_tenant, int, o.require_registered_tenant = value != 0)
IAM_OPTIONS_SETTER(admin_policy, const char*, o.admin_policy = Str(value))
IAM_OPTIONS_SETTER(base_url, const char*, o.base_url = Str(value))
IAM_OPTIONS_SETTER(max_access_keys_per_user, int, o.max_access_keys_per_user = value)
IAM_OPTIONS_SETTER(max_failed_logins, int, o.max_failed_logins = value)
IAM_OPTIONS_SETTER(lockout_seconds, int64_t, o.lockout_duration = absl::Seconds(value))
IAM_OPTIONS_SETTER(dispatch_after_commit, int, o.dispatch_after_commit = value != 0)

#undef IAM_OPTIONS_SETTER

int iam_options_set_outbox_backoff_seconds(iam_options* options, int64_t initial, int64_t max) {
  if (initial < 0 || max < initial) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(options)
  Impl(options)->options.outbox_backoff_initial = absl::Seconds(initial);
  Impl(options)->options.outbox_backoff_max = absl::Seconds(max);
  IAM_SETTER_END
}

// ---- requests ----------------------------------------------------------------

int iam_request_create(iam_request** out, iam_error* err) {
  return iam::capi::CreateDefaultHandle(out, err);
}

void iam_request_destroy(iam_request* request) { delete Impl(request); }

int iam_request_reset(iam_request* request) {
  IAM_SETTER_BEGIN(request)
  *Impl(request) = iam::capi::RequestImpl();
  IAM_SETTER_END
}

#define IAM_REQUEST_STRING(name)                                        \
  int iam_request_set_##name(iam_request* request, const char* value) { \
    IAM_SETTER_BEGIN(request)                                           \
    Impl(request)->name = std::string(View(value));                     \
    IAM_SETTER_END                                                      \
  }
#define IAM_REQUEST_BOOL(name)                                  \
  int iam_request_set_##name(iam_request* request, int value) { \
    IAM_SETTER_BEGIN(request)                                   \
    Impl(request)->name = value != 0;                           \
    IAM_SETTER_END                                              \
  }
#define IAM_REQUEST_LIST(plural, singular)                                  \
  int iam_request_add_##singular(iam_request* request, const char* value) { \
    if (value == nullptr) return IAM_INVALID_ARGUMENT;                      \
    IAM_SETTER_BEGIN(request)                                               \
    if (!Impl(request)->plural) Impl(request)->plural.emplace();            \
    Impl(request)->plural->emplace_back(value);                             \
    IAM_SETTER_END                                                          \
  }                                                                         \
  int iam_request_clear_##plural(iam_request* request) {                    \
    IAM_SETTER_BEGIN(request)                                               \
    Impl(request)->plural.emplace();                                        \
    IAM_SETTER_END                                                          \
  }

IAM_REQUEST_STRING(tenant)
IAM_REQUEST_STRING(username)
IAM_REQUEST_STRING(user)
IAM_REQUEST_STRING(display_name)
IAM_REQUEST_STRING(description)
IAM_REQUEST_STRING(email)
IAM_REQUEST_STRING(phone_region)
IAM_REQUEST_STRING(phone)
IAM_REQUEST_STRING(external_id)
IAM_REQUEST_STRING(default_project_id)
IAM_REQUEST_STRING(primary_ou)
IAM_REQUEST_STRING(client_token)
IAM_REQUEST_BOOL(email_verified)
IAM_REQUEST_BOOL(phone_verified)
IAM_REQUEST_BOOL(enabled)
IAM_REQUEST_BOOL(sms_login_verification)
IAM_REQUEST_BOOL(require_password_reset)
IAM_REQUEST_BOOL(access_key)
IAM_REQUEST_BOOL(quick_create)
IAM_REQUEST_LIST(ous, ou)
IAM_REQUEST_LIST(groups, group)
IAM_REQUEST_LIST(policies, policy)

#undef IAM_REQUEST_STRING
#undef IAM_REQUEST_BOOL
#undef IAM_REQUEST_LIST

int iam_request_set_expected_version(iam_request* request, int64_t version) {
  if (version < 0) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(request)
  Impl(request)->expected_version = version;
  IAM_SETTER_END
}

int iam_request_add_custom_field(iam_request* request, const char* name, const char* value) {
  if (name == nullptr || value == nullptr) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(request)
  if (!Impl(request)->custom_fields) Impl(request)->custom_fields.emplace();
  Impl(request)->custom_fields->push_back({name, value});
  IAM_SETTER_END
}

int iam_request_clear_custom_fields(iam_request* request) {
  IAM_SETTER_BEGIN(request)
  Impl(request)->custom_fields.emplace();
  IAM_SETTER_END
}

int iam_request_set_password_mode(iam_request* request, int mode) {
  if (mode < IAM_PASSWORD_NONE || mode > IAM_PASSWORD_IMPORTED_HASH) {
    return IAM_INVALID_ARGUMENT;
  }
  IAM_SETTER_BEGIN(request)
  Impl(request)->password_mode = static_cast<iam::PasswordMode>(mode);
  IAM_SETTER_END
}

int iam_request_set_password(iam_request* request, const char* password) {
  IAM_SETTER_BEGIN(request)
  Impl(request)->password = iam::Secret(View(password));
  Impl(request)->password_mode = iam::PasswordMode::kManual;
  IAM_SETTER_END
}

int iam_request_set_password_hash(iam_request* request, const char* password_hash) {
  IAM_SETTER_BEGIN(request)
  Impl(request)->password_hash = iam::Secret(View(password_hash));
  Impl(request)->password_mode = iam::PasswordMode::kImportedHash;
  IAM_SETTER_END
}

int iam_request_set_generated_password_length(iam_request* request, int length) {
  if (length < 0) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(request)
  Impl(request)->generated_password_length = length;
  IAM_SETTER_END
}

int iam_request_add_notify(iam_request* request, int channel) {
  if (channel != IAM_CHANNEL_EMAIL && channel != IAM_CHANNEL_SMS) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(request)
  if (!Impl(request)->notify) Impl(request)->notify.emplace();
  Impl(request)->notify->push_back(channel == IAM_CHANNEL_SMS ? iam::Channel::kSms
                                                              : iam::Channel::kEmail);
  IAM_SETTER_END
}

// ---- list requests -----------------------------------------------------------

int iam_list_request_create(iam_list_request** out, iam_error* err) {
  return iam::capi::CreateDefaultHandle(out, err);
}

void iam_list_request_destroy(iam_list_request* request) { delete Impl(request); }

#define IAM_LIST_STRING(name, member)                                             \
  int iam_list_request_set_##name(iam_list_request* request, const char* value) { \
    IAM_SETTER_BEGIN(request)                                                     \
    Impl(request)->request.member = Str(value);                                   \
    IAM_SETTER_END                                                                \
  }
IAM_LIST_STRING(tenant, tenant)
IAM_LIST_STRING(page_token, page_token)
IAM_LIST_STRING(name_prefix, name_prefix)
IAM_LIST_STRING(group, group)
IAM_LIST_STRING(ou, ou)
#undef IAM_LIST_STRING

int iam_list_request_set_page_size(iam_list_request* request, int size) {
  IAM_SETTER_BEGIN(request)
  Impl(request)->request.page_size = size;
  IAM_SETTER_END
}

int iam_list_request_set_enabled(iam_list_request* request, int enabled) {
  IAM_SETTER_BEGIN(request)
  if (enabled < 0) {
    Impl(request)->request.enabled.reset();
  } else {
    Impl(request)->request.enabled = enabled != 0;
  }
  IAM_SETTER_END
}

// ---- directory entries -------------------------------------------------------

int iam_entry_create(int kind, iam_entry** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  if (!iam::capi::ValidKind(kind)) return Fill(err, iam::capi::BadKind());
  auto entry = std::make_unique<iam::capi::EntryImpl>();
  entry->entry.kind = static_cast<iam::EntryKind>(kind);
  *out = iam::capi::ToHandle<iam_entry>(entry.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_entry_destroy(iam_entry* entry) { delete Impl(entry); }

#define IAM_ENTRY_STRING(name, member)                            \
  int iam_entry_set_##name(iam_entry* entry, const char* value) { \
    IAM_SETTER_BEGIN(entry)                                       \
    Impl(entry)->entry.member = Str(value);                       \
    IAM_SETTER_END                                                \
  }
IAM_ENTRY_STRING(tenant, tenant)
IAM_ENTRY_STRING(name, name)
IAM_ENTRY_STRING(field_type, field_type)
IAM_ENTRY_STRING(pattern, pattern)
#undef IAM_ENTRY_STRING

int iam_entry_set_description(iam_entry* entry, const char* description) {
  IAM_SETTER_BEGIN(entry)
  Impl(entry)->entry.description = Str(description);
  Impl(entry)->description_set = true;
  IAM_SETTER_END
}

int iam_entry_set_document(iam_entry* entry, const char* document) {
  IAM_SETTER_BEGIN(entry)
  Impl(entry)->entry.document = Str(document);
  Impl(entry)->document_set = true;
  IAM_SETTER_END
}

int iam_entry_add_policy(iam_entry* entry, const char* policy) {
  if (policy == nullptr) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(entry)
  Impl(entry)->entry.policies.emplace_back(policy);
  Impl(entry)->policies_set = true;
  IAM_SETTER_END
}

int iam_entry_clear_policies(iam_entry* entry) {
  IAM_SETTER_BEGIN(entry)
  Impl(entry)->entry.policies.clear();
  Impl(entry)->policies_set = true;
  IAM_SETTER_END
}

int iam_entry_set_max_length(iam_entry* entry, int max_length) {
  IAM_SETTER_BEGIN(entry)
  Impl(entry)->entry.max_length = max_length;
  IAM_SETTER_END
}

int iam_entry_add_allowed_value(iam_entry* entry, const char* value) {
  if (value == nullptr) return IAM_INVALID_ARGUMENT;
  IAM_SETTER_BEGIN(entry)
  Impl(entry)->entry.allowed_values.emplace_back(value);
  IAM_SETTER_END
}

// ---- the engine --------------------------------------------------------------

int iam_engine_create(const iam_options* options, iam_store* store, iam_engine** out,
                      iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(out, err);
  auto impl = std::make_unique<iam::capi::EngineImpl>();
  iam::EngineOptions o;
  bool allow_all = false;
  if (options != nullptr) {
    o = Impl(options)->options;
    impl->notifier = Impl(options)->notifier;
    impl->authorizer = Impl(options)->authorizer;
    impl->clock = Impl(options)->clock;
    allow_all = Impl(options)->allow_all;
  }
  // A malformed host key would fail every later call; refuse it here.
  auto bad_key = [](const std::string& id, const std::string& key) {
    return key.size() != iam_host_key_bytes() || id.empty() || id.find(':') != std::string::npos;
  };
  bool keys_ok = o.host_key.empty() || !bad_key(o.host_key_id, o.host_key);
  for (const auto& [id, key] : o.previous_host_keys) keys_ok = keys_ok && !bad_key(id, key);
  if (!keys_ok) {
    iam::WipeString(o.host_key);
    return Fill(err, iam::InvalidField("host_key", "host_key.invalid",
                                       "host_key: each key must be iam_host_key_bytes() bytes "
                                       "with a non-empty id without ':'"));
  }
  impl->store = store != nullptr ? Impl(store)->store : std::make_shared<iam::MemoryStore>();
  o.notifier = impl->notifier.get();
  // No host authorizer: the policy evaluator, unless every call is allowed by name.
  o.authorizer = impl->authorizer != nullptr ? impl->authorizer.get()
                 : allow_all                 ? iam::AllowAllAuthorizer()
                                             : nullptr;
  o.clock = impl->clock.get();
  impl->engine = std::make_unique<iam::Engine>(std::move(o), impl->store.get());
  iam::WipeString(o.host_key);
  *out = iam::capi::ToHandle<iam_engine>(impl.release());
  return Ok(err);
  IAM_API_END(err)
}

void iam_engine_destroy(iam_engine* engine) { delete Impl(engine); }

int iam_engine_profile(const iam_engine* engine, char** out, iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(engine, err);
  IAM_REQUIRE(out, err);
  SetOut(out, Impl(engine)->engine->profile().name);
  return Ok(err);
  IAM_API_END(err)
}

int iam_engine_set_password_policy(iam_engine* engine, const char* tenant, const iam_policy* policy,
                                   iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {policy, "policy"}}));
    iam::PasswordPolicy copy;
    {
      std::lock_guard<std::mutex> lock(Impl(policy)->mu);
      copy = Impl(policy)->policy;
    }
    return e.SetPasswordPolicy(tenant, std::move(copy));
  });
}

int iam_engine_password_policy(iam_engine* engine, const char* tenant, iam_policy** out,
                               iam_error* err) {
  if (out != nullptr) *out = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(engine, err);
  IAM_REQUIRE(tenant, err);
  IAM_REQUIRE(out, err);
  auto checker = Impl(engine)->engine->PasswordCheckerFor(tenant);
  auto policy = std::make_unique<iam::capi::PolicyImpl>();
  policy->policy = checker->policy();
  policy->checker = checker;
  *out = iam::capi::ToHandle<iam_policy>(policy.release());
  return Ok(err);
  IAM_API_END(err)
}

int iam_engine_check_password(iam_engine* engine, const char* tenant, const char* password,
                              const char* username, const char* email, const char* phone,
                              size_t* count, char** out_json, iam_error* err) {
  if (out_json != nullptr) *out_json = nullptr;
  IAM_API_BEGIN
  IAM_REQUIRE(engine, err);
  IAM_REQUIRE(tenant, err);
  IAM_REQUIRE(password, err);
  auto checker = Impl(engine)->engine->PasswordCheckerFor(tenant);
  iam::Violations v = checker->Check(password, {View(username), View(email), View(phone)});
  if (count != nullptr) *count = v.size();
  SetOut(out_json, iam::capi::ViolationsText(v));
  return Ok(err);
  IAM_API_END(err)
}

int iam_engine_register_tenant(iam_engine* engine, const char* tenant, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}}));
    return e.RegisterTenant(tenant);
  });
}

int iam_engine_create_user(iam_engine* engine, const iam_principal* caller,
                           const iam_request* request, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::CreateUserResult> {
        IAM_RETURN_IF_ERROR(Required({{request, "request"}}));
        iam::CreateUserRequest r;
        r.caller = iam::capi::CallerOf(caller);
        IAM_RETURN_IF_ERROR(iam::capi::ToCreate(*Impl(request), &r));
        IAM_RETURN_IF_ERROR(iam::capi::SecretsNeedAnOutput(r, out_json));
        return e.CreateUser(r);
      },
      [](const iam::Engine&, const iam::CreateUserResult& r) { return iam::ToSecretJson(r); });
}

int iam_engine_batch_create_users(iam_engine* engine, const iam_principal* caller,
                                  iam_request* const* requests, size_t count, char** out_json,
                                  iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::BatchCreateResult> {
        if (count > 0) IAM_RETURN_IF_ERROR(Required({{requests, "requests"}}));
        std::vector<iam::CreateUserRequest> batch(count);
        for (size_t i = 0; i < count; ++i) {
          if (requests[i] == nullptr) {
            return iam::capi::NullArgument(absl::StrCat("requests[", i, "]"));
          }
          batch[i].caller = iam::capi::CallerOf(caller);
          IAM_RETURN_IF_ERROR(iam::capi::ToCreate(*Impl(requests[i]), &batch[i]));
          IAM_RETURN_IF_ERROR(iam::capi::SecretsNeedAnOutput(batch[i], out_json));
        }
        return e.BatchCreateUsers(batch);
      },
      [](const iam::Engine& e, const iam::BatchCreateResult& r) {
        return iam::ToSecretJson(r, e.profile());
      });
}

int iam_engine_import_users(iam_engine* engine, const iam_principal* caller, const char* tenant,
                            const char* path, const char* text, size_t text_size, int format,
                            int jobs, int batch_size, iam_import_progress_fn progress,
                            void* progress_ctx, char** out_json, iam_error* err) {
  struct Outcome {
    iam::ImportSummary summary;
    std::vector<iam::ImportRowError> errors;
    std::vector<iam::ImportedSecret> secrets;
  };
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<Outcome> {
        IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {out_json, "out_json"}}));
        if (path == nullptr && text == nullptr && text_size > 0) {
          return iam::capi::NullArgument("text");
        }
        if (format < IAM_IMPORT_AUTO || format > IAM_IMPORT_JSON_LINES) {
          return iam::InvalidField(
              "format", "import.invalid_format",
              "format: IAM_IMPORT_AUTO, IAM_IMPORT_CSV or IAM_IMPORT_JSON_LINES");
        }
        if (jobs < 0 || batch_size < 0) {
          return iam::InvalidField(jobs < 0 ? "jobs" : "batch_size", "import.invalid_option",
                                   "jobs and batch_size: 0 or more");
        }
        Outcome outcome;
        iam::ImportOptions o;
        o.caller = iam::capi::CallerOf(caller);
        o.tenant = tenant;
        o.format = static_cast<iam::ImportFormat>(format);
        o.jobs = jobs;
        o.batch_size = batch_size;
        if (progress != nullptr) {
          o.progress = [&](const iam::ImportProgress& p) {
            const iam_import_progress c{p.rows_done, p.rows_total,
                                        p.created,   p.already_present,
                                        p.failed,    absl::ToDoubleSeconds(p.elapsed)};
            progress(progress_ctx, &c);
          };
        }
        o.on_error = [&](const iam::ImportRowError& e) { outcome.errors.push_back(e); };
        o.on_secret = [&](iam::ImportedSecret&& s) { outcome.secrets.push_back(std::move(s)); };
        absl::StatusOr<iam::ImportSummary> done =
            path != nullptr ? iam::ImportUsers(e, path, o)
                            : iam::ImportUsersFromText(
                                  e, absl::string_view(text != nullptr ? text : "", text_size), o);
        if (!done.ok()) return done.status();
        outcome.summary = std::move(*done);
        return outcome;
      },
      [](const iam::Engine&, const Outcome& r) {
        return iam::ToSecretJson(r.summary, r.errors, r.secrets);
      });
}

int iam_engine_get_user(iam_engine* engine, const iam_principal* caller, const char* tenant,
                        const char* id_or_username, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::User> {
        IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {id_or_username, "id_or_username"}}));
        return e.GetUser(iam::capi::CallerOf(caller), tenant, id_or_username);
      },
      UserText);
}

int iam_engine_list_users(iam_engine* engine, const iam_principal* caller,
                          const iam_list_request* request, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::ListUsersResult> {
        IAM_RETURN_IF_ERROR(Required({{request, "request"}}));
        iam::ListUsersRequest r = Impl(request)->request;
        r.caller = iam::capi::CallerOf(caller);
        return e.ListUsers(r);
      },
      [](const iam::Engine& e, const iam::ListUsersResult& page) {
        return iam::ToJson(page, e).dump();
      });
}

int iam_engine_update_user(iam_engine* engine, const iam_principal* caller,
                           const iam_request* request, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::User> {
        IAM_RETURN_IF_ERROR(Required({{request, "request"}}));
        iam::UpdateUserRequest r;
        r.caller = iam::capi::CallerOf(caller);
        IAM_RETURN_IF_ERROR(iam::capi::ToUpdate(*Impl(request), &r));
        return e.UpdateUser(r);
      },
      UserText);
}

int iam_engine_delete_user(iam_engine* engine, const iam_principal* caller, const char* tenant,
                           const char* id_or_username, int64_t expected_version, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {id_or_username, "id_or_username"}}));
    return e.DeleteUser(iam::capi::CallerOf(caller), tenant, id_or_username, expected_version);
  });
}

int iam_engine_authenticate(iam_engine* engine, const char* tenant, const char* identifier,
                            const char* password, int* outcome, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::AuthResult> {
        IAM_RETURN_IF_ERROR(
            Required({{tenant, "tenant"}, {identifier, "identifier"}, {password, "password"}}));
        absl::StatusOr<iam::AuthResult> result = e.Authenticate(tenant, identifier, password);
        if (result.ok() && outcome != nullptr) *outcome = static_cast<int>(result->outcome);
        return result;
      },
      [](const iam::Engine&, const iam::AuthResult& r) { return iam::ToJson(r).dump(); });
}

// The shared body of iam_engine_redeem_login_link and iam_engine_complete_reset.
static int SetPasswordByToken(iam_engine* engine, const char* token, const char* new_password,
                              bool reset, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::User> {
        IAM_RETURN_IF_ERROR(Required({{token, "token"}, {new_password, "new_password"}}));
        return reset ? e.CompleteReset(token, new_password)
                     : e.RedeemLoginLink(token, new_password);
      },
      UserText);
}

int iam_engine_redeem_login_link(iam_engine* engine, const char* token, const char* new_password,
                                 char** out_json, iam_error* err) {
  return SetPasswordByToken(engine, token, new_password, /*reset=*/false, out_json, err);
}

int iam_engine_start_password_reset(iam_engine* engine, const char* tenant, const char* identifier,
                                    int channel, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {identifier, "identifier"}}));
    if (channel != IAM_CHANNEL_EMAIL && channel != IAM_CHANNEL_SMS) {
      return iam::InvalidField("channel", "channel.invalid",
                               "channel: must be IAM_CHANNEL_EMAIL or IAM_CHANNEL_SMS");
    }
    return e.StartPasswordReset(
        tenant, identifier, channel == IAM_CHANNEL_SMS ? iam::Channel::kSms : iam::Channel::kEmail);
  });
}

int iam_engine_complete_reset(iam_engine* engine, const char* token, const char* new_password,
                              char** out_json, iam_error* err) {
  return SetPasswordByToken(engine, token, new_password, /*reset=*/true, out_json, err);
}

int iam_engine_change_password(iam_engine* engine, const char* tenant, const char* id_or_username,
                               const char* old_password, const char* new_password, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"},
                                  {id_or_username, "id_or_username"},
                                  {old_password, "old_password"},
                                  {new_password, "new_password"}}));
    return e.ChangePassword(tenant, id_or_username, old_password, new_password);
  });
}

int iam_engine_create_access_key(iam_engine* engine, const iam_principal* caller,
                                 const char* tenant, const char* id_or_username, char** out_json,
                                 iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::IssuedAccessKey> {
        IAM_RETURN_IF_ERROR(Required(
            {{tenant, "tenant"}, {id_or_username, "id_or_username"}, {out_json, "out_json"}}));
        return e.CreateAccessKey(iam::capi::CallerOf(caller), tenant, id_or_username);
      },
      [](const iam::Engine&, const iam::IssuedAccessKey& key) { return iam::ToSecretJson(key); });
}

int iam_engine_list_access_keys(iam_engine* engine, const iam_principal* caller, const char* tenant,
                                const char* id_or_username, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<std::vector<iam::AccessKeyInfo>> {
        IAM_RETURN_IF_ERROR(Required(
            {{tenant, "tenant"}, {id_or_username, "id_or_username"}, {out_json, "out_json"}}));
        return e.ListAccessKeys(iam::capi::CallerOf(caller), tenant, id_or_username);
      },
      [](const iam::Engine&, const std::vector<iam::AccessKeyInfo>& keys) {
        return iam::capi::ArrayText(keys);
      });
}

int iam_engine_set_access_key_enabled(iam_engine* engine, const iam_principal* caller,
                                      const char* tenant, const char* access_key_id, int enabled,
                                      iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {access_key_id, "access_key_id"}}));
    return e.SetAccessKeyEnabled(iam::capi::CallerOf(caller), tenant, access_key_id, enabled != 0);
  });
}

int iam_engine_delete_access_key(iam_engine* engine, const iam_principal* caller,
                                 const char* tenant, const char* access_key_id, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {access_key_id, "access_key_id"}}));
    return e.DeleteAccessKey(iam::capi::CallerOf(caller), tenant, access_key_id);
  });
}

int iam_engine_verify_access_key(iam_engine* engine, const char* access_key_id, const char* secret,
                                 int* valid, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::AccessKeyVerification> {
        IAM_RETURN_IF_ERROR(Required({{access_key_id, "access_key_id"}, {secret, "secret"}}));
        absl::StatusOr<iam::AccessKeyVerification> v = e.VerifyAccessKey(access_key_id, secret);
        if (v.ok() && valid != nullptr) *valid = v->valid ? 1 : 0;
        return v;
      },
      [](const iam::Engine&, const iam::AccessKeyVerification& v) {
        return iam::ToJson(v).dump();
      });
}

int iam_engine_access_key_secret(iam_engine* engine, const char* access_key_id, char** out_secret,
                                 iam_error* err) {
  return EngineCall(
      engine, out_secret, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::Secret> {
        IAM_RETURN_IF_ERROR(
            Required({{access_key_id, "access_key_id"}, {out_secret, "out_secret"}}));
        return e.AccessKeySecret(access_key_id);
      },
      [](const iam::Engine&, const iam::Secret& secret) { return iam::Secret(secret.view()); });
}

int iam_engine_create_entry(iam_engine* engine, const iam_principal* caller, const iam_entry* entry,
                            char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::DirectoryEntry> {
        IAM_RETURN_IF_ERROR(Required({{entry, "entry"}}));
        return e.CreateEntry(iam::capi::CallerOf(caller), Impl(entry)->entry);
      },
      [](const iam::Engine&, const iam::DirectoryEntry& created) {
        return iam::ToJson(created).dump();
      });
}

int iam_engine_list_entries(iam_engine* engine, const iam_principal* caller, int kind,
                            const char* tenant, const char* keyword, char** out_json,
                            iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<std::vector<iam::DirectoryEntry>> {
        IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {out_json, "out_json"}}));
        if (!iam::capi::ValidKind(kind)) return iam::capi::BadKind();
        return e.ListEntries(iam::capi::CallerOf(caller), static_cast<iam::EntryKind>(kind), tenant,
                             View(keyword));
      },
      [](const iam::Engine&, const std::vector<iam::DirectoryEntry>& entries) {
        return iam::capi::ArrayText(entries);
      });
}

int iam_engine_get_entry(iam_engine* engine, const iam_principal* caller, int kind,
                         const char* tenant, const char* id_or_name, char** out_json,
                         iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::DirectoryEntry> {
        IAM_RETURN_IF_ERROR(
            Required({{tenant, "tenant"}, {id_or_name, "id_or_name"}, {out_json, "out_json"}}));
        if (!iam::capi::ValidKind(kind)) return iam::capi::BadKind();
        return e.GetEntry(iam::capi::CallerOf(caller), static_cast<iam::EntryKind>(kind), tenant,
                          id_or_name);
      },
      [](const iam::Engine&, const iam::DirectoryEntry& found) {
        return iam::ToJson(found).dump();
      });
}

int iam_engine_update_entry(iam_engine* engine, const iam_principal* caller,
                            const iam_entry* changes, const char* id_or_name,
                            int64_t expected_version, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::DirectoryEntry> {
        IAM_RETURN_IF_ERROR(Required({{changes, "changes"}, {id_or_name, "id_or_name"}}));
        const iam::capi::EntryImpl& c = *Impl(changes);
        iam::EntryUpdate u;
        u.caller = iam::capi::CallerOf(caller);
        u.kind = c.entry.kind;
        u.tenant = c.entry.tenant;
        u.id_or_name = id_or_name;
        if (c.description_set) u.description = c.entry.description;
        if (c.document_set) u.document = c.entry.document;
        if (c.policies_set) u.policies = c.entry.policies;
        if (expected_version != 0) u.expected_version = expected_version;
        return e.UpdateEntry(u);
      },
      [](const iam::Engine&, const iam::DirectoryEntry& updated) {
        return iam::ToJson(updated).dump();
      });
}

int iam_engine_delete_entry(iam_engine* engine, const iam_principal* caller, int kind,
                            const char* tenant, const char* id_or_name, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    IAM_RETURN_IF_ERROR(Required({{tenant, "tenant"}, {id_or_name, "id_or_name"}}));
    if (!iam::capi::ValidKind(kind)) return iam::capi::BadKind();
    return e.DeleteEntry(iam::capi::CallerOf(caller), static_cast<iam::EntryKind>(kind), tenant,
                         id_or_name);
  });
}

int iam_engine_list_audit_events(iam_engine* engine, const iam_principal* caller,
                                 const char* query_json, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err,
      [&](iam::Engine& e) -> absl::StatusOr<iam::AuditPage> {
        IAM_RETURN_IF_ERROR(Required({{query_json, "query_json"}}));
        IAM_ASSIGN_OR_RETURN(iam::AuditQuery q, iam::AuditQueryFromJson(query_json));
        return e.ListAuditEvents(iam::capi::CallerOf(caller), std::move(q));
      },
      [](const iam::Engine&, const iam::AuditPage& page) { return iam::ToJson(page).dump(); });
}

int iam_engine_prune_audit_events(iam_engine* engine, int64_t retention_seconds, int64_t* pruned,
                                  iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    absl::StatusOr<int64_t> n = e.PruneAuditEvents(absl::Seconds(retention_seconds));
    if (n.ok() && pruned != nullptr) *pruned = *n;
    return n.status();
  });
}

int iam_engine_dead_letters(iam_engine* engine, int limit, char** out_json, iam_error* err) {
  return EngineCall(
      engine, out_json, err, [&](iam::Engine& e) { return e.DeadLetters(limit); },
      [](const iam::Engine&, const std::vector<iam::OutboxMessage>& dead) {
        nlohmann::json j = nlohmann::json::array();
        for (const iam::OutboxMessage& m : dead) j.push_back(iam::ToJson(m));
        return nlohmann::json{{"dead_letters", std::move(j)}}.dump();
      });
}

int iam_engine_redrive(iam_engine* engine, int64_t id, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) { return e.RedriveDeadLetter(id); });
}

int iam_engine_dispatch_outbox(iam_engine* engine, int* delivered, iam_error* err) {
  return EngineStatusCall(engine, err, [&](iam::Engine& e) {
    absl::StatusOr<int> sent = e.DispatchOutbox();
    if (sent.ok() && delivered != nullptr) *delivered = *sent;
    return sent.status();
  });
}

}  // extern "C"
