// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/engine.h"

#include <re2/re2.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iam/access_key.h"
#include "iam/contact.h"
#include "iam/error.h"
#include "iam/password_generator.h"
#include "iam/token.h"
#include "iam/user_id.h"
#include "iam/username.h"
#include "sealer.h"
#include "store_keys.h"
#include "unicode.h"
#include "user_json.h"

namespace iam {

#define IAM_RETURN_IF_ERROR(expr)            \
  do {                                       \
    if (absl::Status _s = (expr); !_s.ok()) { \
      return _s;                             \
    }                                        \
  } while (0)

const char* PasswordModeName(PasswordMode mode) {
  switch (mode) {
    case PasswordMode::kNone:
      return "none";
    case PasswordMode::kManual:
      return "manual";
    case PasswordMode::kGenerated:
      return "generated";
    case PasswordMode::kFirstLoginLink:
      return "first_login_link";
  }
  return "none";
}

namespace {

constexpr absl::string_view kLowerBase32 = "abcdefghijklmnopqrstuvwxyz234567";

absl::Status Invalid(absl::string_view field, absl::string_view reason,
                     absl::string_view message) {
  return InvalidField(field, reason, absl::StrCat(field, ": ", message));
}

absl::Status NotFoundError(absl::string_view field, absl::string_view reason,
                           absl::string_view message) {
  return MakeError(absl::StatusCode::kNotFound, field, reason, absl::StrCat(field, ": ", message));
}

bool IsPrintableAscii(absl::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Tenant ids are opaque to iamcore: 1-64 of [A-Za-z0-9_.-].
absl::Status ValidateTenant(absl::string_view tenant) {
  if (tenant.empty() || tenant.size() > 64) {
    return Invalid("tenant", "tenant.invalid", "must be 1 to 64 characters");
  }
  for (unsigned char c : tenant) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '.') {
      return Invalid("tenant", "tenant.invalid", "may contain only letters, digits, '_', '-', '.'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePolicyName(absl::string_view name, absl::string_view field) {
  if (name.empty() || name.size() > 128) {
    return Invalid(field, "policy.invalid", "must be 1 to 128 characters");
  }
  for (unsigned char c : name) {
    if (!absl::ascii_isalnum(c) && absl::string_view("+=,.@_-:/*").find(static_cast<char>(c)) ==
                                       absl::string_view::npos) {
      return Invalid(field, "policy.invalid", "contains a character not allowed in policy names");
    }
  }
  return absl::OkStatus();
}

const char* ChannelName(Channel c) { return c == Channel::kEmail ? "email" : "sms"; }

std::string KindAction(absl::string_view verb, EntryKind kind) {
  switch (kind) {
    case EntryKind::kGroup:
      return absl::StrCat("iam:", verb, "Group");
    case EntryKind::kOrganizationalUnit:
      return absl::StrCat("iam:", verb, "OrganizationalUnit");
    case EntryKind::kCustomField:
      return absl::StrCat("iam:", verb, "CustomField");
  }
  return "iam:Unknown";
}

}  // namespace

struct Engine::Impl {
  EngineOptions options;
  const Profile* profile;
  Store* store;
  Clock* clock;
  RandomSource* random;
  Authorizer* authorizer;
  Notifier* notifier;
  PasswordHasher hasher;
  absl::Status init;
  std::optional<internal::Sealer> sealer;
  std::optional<TokenHasher> token_hasher;
  std::optional<TokenHasher> fingerprint_hasher;
  std::shared_ptr<const PasswordChecker> default_checker;

  mutable std::mutex mu;  // guards the two maps below; never held while hashing
  std::map<std::string, std::shared_ptr<const PasswordChecker>, std::less<>> policies;
  std::map<std::string, std::shared_ptr<const re2::RE2>, std::less<>> patterns;

  // A validated request, ready for credentials.
  struct Prepared {
    UserRecord record;
    std::shared_ptr<const PasswordChecker> checker;
    std::string fingerprint;  // "" without a client token
  };

  explicit Impl(EngineOptions opts, Store* s)
      : options(std::move(opts)),
        profile(options.profile != nullptr ? options.profile : FindProfile("huawei")),
        store(s),
        clock(options.clock != nullptr ? options.clock : SystemClock()),
        random(options.random != nullptr ? options.random : SystemRandom()),
        authorizer(options.authorizer != nullptr ? options.authorizer : AllowAllAuthorizer()),
        notifier(options.notifier),
        hasher(options.argon2) {
    std::string key = options.host_key;
    if (key.empty()) {
      key.resize(32);
      random->Fill(reinterpret_cast<uint8_t*>(key.data()), key.size());
    }
    auto s_or = internal::Sealer::Create({{options.host_key_id, key}}, options.host_key_id);
    WipeString(key);
    if (!s_or.ok()) {
      init = s_or.status();
      return;
    }
    sealer.emplace(*s_or);
    auto tokens = TokenHasher::Create(sealer->DeriveKey("iamcore token v1"));
    auto prints = TokenHasher::Create(sealer->DeriveKey("iamcore fingerprint v1"));
    auto checker = PasswordChecker::Create(profile->password);
    if (!tokens.ok() || !prints.ok() || !checker.ok()) {
      init = absl::InternalError("engine initialization failed");
      return;
    }
    token_hasher.emplace(*tokens);
    fingerprint_hasher.emplace(*prints);
    default_checker = *checker;
    if (store == nullptr) init = absl::InvalidArgumentError("engine: a store is required");
  }

  std::shared_ptr<const PasswordChecker> CheckerFor(absl::string_view tenant) const {
    std::lock_guard<std::mutex> lock(mu);
    auto it = policies.find(tenant);
    return it != policies.end() ? it->second : default_checker;
  }

  absl::StatusOr<std::shared_ptr<const re2::RE2>> Pattern(const std::string& pattern) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = patterns.find(pattern);
    if (it != patterns.end()) return it->second;
    re2::RE2::Options o;
    o.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(pattern, o);
    if (!re->ok()) return Invalid("pattern", "custom_field.invalid_pattern", re->error());
    patterns.emplace(pattern, re);
    return re;
  }

  std::string SelfLink(const std::string& id) const {
    return absl::StrCat(options.base_url, "/v3/users/", id);
  }

  // Resolves group or OU references (ids or names) to ids, without repeats.
  absl::StatusOr<std::vector<std::string>> Resolve(EntryKind kind, const std::string& tenant,
                                                   const std::vector<std::string>& refs,
                                                   absl::string_view field) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < refs.size(); ++i) {
      const std::string item_field = absl::StrCat(field, "[", i, "]");
      absl::StatusOr<DirectoryEntry> e = store->FindEntry(kind, tenant, refs[i]);
      if (absl::IsNotFound(e.status())) {
        const std::string kind_name = internal::EntryKindName(kind);
        return NotFoundError(item_field, kind_name + ".not_found",
                             absl::StrCat("no ", kind_name, " '", refs[i], "' in this tenant"));
      }
      if (!e.ok()) return e.status();
      if (std::find(ids.begin(), ids.end(), e->id) == ids.end()) ids.push_back(e->id);
    }
    return ids;
  }

  absl::Status CheckCustomValue(const DirectoryEntry& def, const std::string& value,
                                const std::string& field) {
    const ptrdiff_t length = internal::CountCodePoints(value);
    if (length < 0) return Invalid(field, "custom_field.invalid_utf8", "is not valid UTF-8");
    if (def.max_length > 0 && length > def.max_length) {
      return Invalid(field, "custom_field.too_long",
                     absl::StrCat("must be at most ", def.max_length, " characters"));
    }
    if (def.field_type == "number") {
      double d;
      if (!absl::SimpleAtod(value, &d)) return Invalid(field, "custom_field.not_a_number", "must be a number");
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
      auto re = Pattern(def.pattern);
      if (!re.ok()) return re.status();
      if (!re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), **re)) {
        return Invalid(field, "custom_field.pattern_mismatch", "does not match the field's pattern");
      }
    }
    return absl::OkStatus();
  }

  std::string Fingerprint(const CreateUserRequest& r) const {
    nlohmann::json custom = nlohmann::json::array();
    for (const auto& f : r.custom_fields) custom.push_back({f.name, f.value});
    std::vector<int> notify;
    for (Channel c : r.notify) notify.push_back(static_cast<int>(c));
    const nlohmann::json j = {
        r.tenant, r.username, r.display_name, r.description, r.email,
        r.email_verified.has_value() ? nlohmann::json(*r.email_verified) : nlohmann::json(),
        r.phone_region, r.phone,
        r.phone_verified.has_value() ? nlohmann::json(*r.phone_verified) : nlohmann::json(),
        r.external_id, r.enabled, r.default_project_id, r.primary_ou, r.ous, r.groups, custom,
        r.policies, static_cast<int>(r.password_mode), std::string(r.password.view()),
        r.generated_password_length, r.access_key,
        r.require_password_reset.has_value() ? nlohmann::json(*r.require_password_reset)
                                             : nlohmann::json(),
        notify, r.quick_create, r.sms_login_verification};
    std::string text = j.dump();
    std::string print = fingerprint_hasher->Hash(text);
    WipeString(text);
    return print;
  }

  // Validation of every field and reference; reads the store, writes nothing.
  absl::StatusOr<Prepared> Prepare(const CreateUserRequest& r, absl::Time now) {
    IAM_RETURN_IF_ERROR(ValidateTenant(r.tenant));
    if (options.require_registered_tenant) {
      absl::StatusOr<bool> known = store->TenantExists(r.tenant);
      if (!known.ok()) return known.status();
      if (!*known) return NotFoundError("tenant", "tenant.not_found", "no such tenant");
    }
    Prepared p;
    p.checker = CheckerFor(r.tenant);
    UserRecord& rec = p.record;
    User& u = rec.user;
    const Profile& prof = *profile;
    absl::StatusOr<std::string> canonical = CanonicalUsername(prof, r.username);
    if (!canonical.ok()) return canonical.status();
    rec.canonical_username = *canonical;
    if (!r.display_name.empty()) IAM_RETURN_IF_ERROR(ValidateDisplayName(prof, r.display_name));
    if (!r.description.empty()) IAM_RETURN_IF_ERROR(ValidateDescription(prof, r.description));
    if (!r.email.empty()) {
      IAM_RETURN_IF_ERROR(ValidateEmail(prof, r.email));
      if (prof.requires_verified_flags && !r.email_verified.has_value()) {
        return Invalid("email_verified", "email_verified.required", "is required with email");
      }
      rec.canonical_email = CanonicalEmail(r.email);
    }
    if (!r.phone.empty()) {
      IAM_RETURN_IF_ERROR(ValidatePhoneNumber(prof, r.phone));
      if (prof.requires_verified_flags && !r.phone_verified.has_value()) {
        return Invalid("phone_verified", "phone_verified.required", "is required with phone");
      }
    }
    if (!r.phone_region.empty()) {
      if (r.phone.empty()) return Invalid("phone", "phone.required", "is required with phone_region");
      IAM_RETURN_IF_ERROR(ValidatePhoneRegion(prof, r.phone_region));
    }
    if (!r.external_id.empty()) IAM_RETURN_IF_ERROR(ValidateExternalId(prof, r.external_id));
    if (r.default_project_id.size() > 64 || !IsPrintableAscii(r.default_project_id)) {
      return Invalid("default_project_id", "default_project_id.invalid",
                     "must be at most 64 printable ASCII characters");
    }
    if (r.client_token.size() > 64 || !IsPrintableAscii(r.client_token)) {
      return Invalid("client_token", "client_token.invalid",
                     "must be at most 64 printable ASCII characters");
    }
    // Credentials and delivery.
    const bool has_password_input = !r.password.empty();
    switch (r.password_mode) {
      case PasswordMode::kManual: {
        if (!has_password_input) return Invalid("password", "password.required", "is required");
        absl::StatusOr<std::string> normalized = p.checker->Normalize(r.password.view());
        if (!normalized.ok()) return normalized.status();
        Secret pw(std::move(*normalized));
        IAM_RETURN_IF_ERROR(
            p.checker->Validate(pw.view(), {r.username, r.email, r.phone}, "password"));
        break;
      }
      case PasswordMode::kFirstLoginLink:
        if (r.email.empty()) {
          return Invalid("email", "login_link.email_required",
                         "is required to send a first-login link");
        }
        [[fallthrough]];
      case PasswordMode::kGenerated:
      case PasswordMode::kNone:
        if (has_password_input) {
          return Invalid("password", "password.unexpected",
                         absl::StrCat("must not be given with password mode ",
                                      PasswordModeName(r.password_mode)));
        }
        break;
    }
    if (r.password_mode == PasswordMode::kNone && !r.access_key && r.email.empty() &&
        r.phone.empty()) {
      return Invalid("email", "recipient.contact_required",
                     "a user without credentials (a message recipient) needs an email or a "
                     "mobile number");
    }
    for (size_t i = 0; i < r.notify.size(); ++i) {
      const std::string field = absl::StrCat("notify[", i, "]");
      if (r.password_mode != PasswordMode::kGenerated &&
          r.password_mode != PasswordMode::kFirstLoginLink) {
        return Invalid(field, "notify.nothing_to_send",
                       "notifications carry a generated password or a first-login link");
      }
      if (r.notify[i] == Channel::kEmail && r.email.empty()) {
        return Invalid(field, "notify.email_required", "sending by email needs an email");
      }
      if (r.notify[i] == Channel::kSms && r.phone.empty()) {
        return Invalid(field, "notify.phone_required", "sending by SMS needs a mobile number");
      }
    }
    if (r.sms_login_verification && (r.email.empty() || r.phone.empty())) {
      return Invalid("sms_login_verification", "login_protection.requires_email_and_phone",
                     "SMS login verification needs both an email and a mobile number");
    }
    // References.
    if (prof.requires_primary_ou && r.primary_ou.empty()) {
      return Invalid("primary_ou", "ou.primary_required", "is required");
    }
    if (!r.primary_ou.empty()) {
      auto ids = Resolve(EntryKind::kOrganizationalUnit, r.tenant, {r.primary_ou}, "primary_ou");
      if (!ids.ok()) {
        return MakeError(ids.status().code(), "primary_ou", ErrorReason(ids.status()),
                         absl::StrCat("primary_ou: no ou '", r.primary_ou, "' in this tenant"));
      }
      u.primary_ou = ids->front();
    }
    auto ous = Resolve(EntryKind::kOrganizationalUnit, r.tenant, r.ous, "ous");
    if (!ous.ok()) return ous.status();
    for (const std::string& id : *ous) {
      if (id != u.primary_ou) u.ous.push_back(id);
    }
    auto groups = Resolve(EntryKind::kGroup, r.tenant, r.groups, "groups");
    if (!groups.ok()) return groups.status();
    u.groups = *groups;
    for (size_t i = 0; i < r.custom_fields.size(); ++i) {
      const CustomFieldValue& f = r.custom_fields[i];
      const std::string field = absl::StrCat("custom_fields[", i, "]");
      absl::StatusOr<DirectoryEntry> def =
          store->FindEntry(EntryKind::kCustomField, r.tenant, f.name);
      if (absl::IsNotFound(def.status())) {
        return NotFoundError(field, "custom_field.not_found",
                             absl::StrCat("no custom field '", f.name, "' is defined"));
      }
      if (!def.ok()) return def.status();
      if (u.custom_fields.count(def->name)) {
        return Invalid(field, "custom_field.repeated", "is given twice");
      }
      IAM_RETURN_IF_ERROR(CheckCustomValue(*def, f.value, field));
      u.custom_fields[def->name] = f.value;
    }
    std::set<std::string> policy_set;
    for (size_t i = 0; i < r.policies.size(); ++i) {
      IAM_RETURN_IF_ERROR(ValidatePolicyName(r.policies[i], absl::StrCat("policies[", i, "]")));
      if (policy_set.insert(r.policies[i]).second) u.policies.push_back(r.policies[i]);
    }
    if (r.quick_create && policy_set.insert(options.admin_policy).second) {
      u.policies.push_back(options.admin_policy);
    }
    // The record, without credentials.
    u.id = NewUserId(prof, random);
    u.tenant = r.tenant;
    u.username = r.username;
    u.display_name = r.display_name;
    u.description = r.description;
    u.email = r.email;
    u.email_verified = r.email_verified.value_or(false);
    u.phone_region = r.phone_region;
    u.phone = r.phone;
    u.phone_verified = r.phone_verified.value_or(false);
    u.external_id = r.external_id.empty() ? u.id : r.external_id;
    u.enabled = r.enabled;
    u.default_project_id = r.default_project_id;
    u.console_access = r.password_mode != PasswordMode::kNone;
    const bool has_password = r.password_mode == PasswordMode::kManual ||
                              r.password_mode == PasswordMode::kGenerated;
    u.password_reset_required = has_password && r.require_password_reset.value_or(true);
    u.sms_login_verification = r.sms_login_verification;
    u.created_at = now;
    if (!r.client_token.empty()) p.fingerprint = Fingerprint(r);
    return p;
  }

  // The first response for a live client token, a mismatch error, or nullopt.
  absl::StatusOr<std::optional<CreateUserResult>> Replay(const std::string& tenant,
                                                         const std::string& token,
                                                         const std::string& fingerprint,
                                                         absl::Time now) {
    auto record = store->FindIdempotency(tenant, token);
    if (!record.ok()) return record.status();
    if (!record->has_value() || (*record)->expires_at <= now) {
      return std::optional<CreateUserResult>();
    }
    if ((*record)->fingerprint.size() != fingerprint.size() ||
        sodium_memcmp((*record)->fingerprint.data(), fingerprint.data(), fingerprint.size()) !=
            0) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "client_token",
                       "idempotency.mismatch",
                       "client_token: already used with a different request");
    }
    nlohmann::json j = nlohmann::json::parse((*record)->response, nullptr, false);
    if (j.is_discarded()) return absl::DataLossError("stored idempotent response is malformed");
    CreateUserResult result;
    auto user = internal::UserFromJson(j["user"]);
    if (!user.ok()) return user.status();
    result.user = *user;
    result.request_id = j.value("request_id", "");
    result.self_link = SelfLink(result.user.id);
    if (j.contains("access_key")) {
      IssuedAccessKey key;
      key.id = j["access_key"].value("id", "");
      key.created_at = internal::TimeFromJson(j["access_key"].value("created_at", nlohmann::json()),
                                              absl::InfinitePast());
      result.access_key = std::move(key);
    }
    result.login_link_sent = j.value("login_link_sent", false);
    result.replayed = true;
    return std::optional<CreateUserResult>(std::move(result));
  }

  // Answers a duplicate before any hashing. The store still enforces it.
  absl::Status PrecheckUnique(const UserRecord& rec) {
    for (const internal::UniqueKey& k : internal::UniqueKeysOf(rec)) {
      absl::StatusOr<UserRecord> found = store->FindUser(rec.user.tenant, k.key, k.value);
      if (found.ok()) return internal::DuplicateError(k.key);
      if (!absl::IsNotFound(found.status())) return found.status();
    }
    return absl::OkStatus();
  }

  void Enqueue(WriteSet* w, const User& u, Channel channel, absl::string_view kind,
               absl::string_view body) {
    OutboxMessage m;
    m.tenant = u.tenant;
    m.user_id = u.id;
    m.channel = ChannelName(channel);
    m.recipient = channel == Channel::kEmail ? u.email
                                             : absl::StrCat("+", u.phone_region, " ", u.phone);
    m.kind = std::string(kind);
    m.sealed_body = sealer->Seal(body, absl::StrCat(u.tenant, "/", u.id, "/", kind));
    m.next_attempt_at = w->now;
    w->outbox.push_back(std::move(m));
  }

  // Generates and hashes the credentials of `p` into `w` and `result`. Holds no
  // lock: this is where Argon2id runs.
  absl::Status Issue(const CreateUserRequest& r, Prepared& p, WriteSet* w,
                     CreateUserResult* result) {
    UserRecord& rec = p.record;
    User& u = rec.user;
    const absl::Time now = w->now;
    if (r.password_mode == PasswordMode::kManual) {
      absl::StatusOr<std::string> normalized = p.checker->Normalize(r.password.view());
      if (!normalized.ok()) return normalized.status();
      Secret pw(std::move(*normalized));
      absl::StatusOr<std::string> hash = hasher.Hash(pw.view());
      if (!hash.ok()) return hash.status();
      rec.password_hash = std::move(*hash);
    } else if (r.password_mode == PasswordMode::kGenerated) {
      GenerateOptions g;
      g.length = r.generated_password_length;
      g.context = {r.username, r.email, r.phone};
      g.random = random;
      absl::StatusOr<Secret> pw = GeneratePassword(*profile, *p.checker, g);
      if (!pw.ok()) return pw.status();
      absl::StatusOr<std::string> hash = hasher.Hash(pw->view());
      if (!hash.ok()) return hash.status();
      rec.password_hash = std::move(*hash);
      for (Channel c : r.notify) {
        Enqueue(w, u, c, "generated_password",
                absl::StrCat("Your password for ", u.username, ": ", pw->view()));
      }
      result->generated_password = std::move(*pw);
    } else if (r.password_mode == PasswordMode::kFirstLoginLink) {
      Secret token = NewToken(random);
      TokenRecord t;
      t.hash = token_hasher->Hash(token.view());
      t.tenant = u.tenant;
      t.user_id = u.id;
      t.purpose = TokenPurpose::kFirstLogin;
      t.expires_at = now + options.login_link_ttl;
      w->new_tokens.push_back(std::move(t));
      std::vector<Channel> channels = r.notify;
      if (std::find(channels.begin(), channels.end(), Channel::kEmail) == channels.end()) {
        channels.insert(channels.begin(), Channel::kEmail);
      }
      for (Channel c : channels) {
        Enqueue(w, u, c, "login_link",
                absl::StrCat(options.base_url, "/first-login?token=", token.view()));
      }
      result->login_link_sent = true;
    }
    if (!rec.password_hash.empty()) {
      u.password_changed_at = now;
      u.password_expires_at = p.checker->ExpiresAt(now);
    }
    if (r.access_key) {
      AccessKey key = GenerateAccessKey(profile->access_key, random);
      AccessKeyRecord k;
      k.id = key.id;
      k.tenant = u.tenant;
      k.user_id = u.id;
      k.key_id = options.host_key_id;
      k.sealed_secret = sealer->Seal(key.secret.view(), key.id);
      k.created_at = now;
      w->new_access_keys.push_back(std::move(k));
      result->access_key = IssuedAccessKey{key.id, std::move(key.secret), now};
    }
    result->user = u;
    result->self_link = SelfLink(u.id);
    w->new_users.push_back(rec);
    return absl::OkStatus();
  }

  nlohmann::json ResultJson(const CreateUserResult& r, bool with_secrets) const {
    nlohmann::json j = {{"user", internal::ToJson(r.user, r.self_link)},
                        {"request_id", r.request_id},
                        {"login_link_sent", r.login_link_sent},
                        {"replayed", r.replayed}};
    if (with_secrets && !r.generated_password.empty()) {
      j["generated_password"] = std::string(r.generated_password.view());
    }
    if (r.access_key.has_value()) {
      j["access_key"] = {{"id", r.access_key->id},
                         {"created_at", internal::TimeJson(r.access_key->created_at)}};
      if (with_secrets && !r.access_key->secret.empty()) {
        j["access_key"]["secret"] = std::string(r.access_key->secret.view());
      }
    }
    if (r.replayed) {
      j["secrets_withheld"] = true;
      j["note"] = "idempotent replay: one-time secrets of the first response are not shown again";
    }
    return j;
  }

  absl::StatusOr<int> Dispatch() {
    if (notifier == nullptr) return 0;
    absl::StatusOr<std::vector<OutboxMessage>> due = store->DueOutbox(clock->Now(), 100);
    if (!due.ok()) return due.status();
    int sent = 0;
    for (const OutboxMessage& m : *due) {
      absl::StatusOr<Secret> body =
          sealer->Open(m.sealed_body, absl::StrCat(m.tenant, "/", m.user_id, "/", m.kind));
      absl::Status status = body.status();
      if (body.ok()) {
        Notification n{m.id, m.tenant, m.user_id, m.channel, m.recipient, m.kind, body->Reveal()};
        status = notifier->Send(n);
        WipeString(n.body);
      }
      if (status.ok()) {
        IAM_RETURN_IF_ERROR(store->CompleteOutbox(m.id));
        ++sent;
        continue;
      }
      const int attempts = m.attempts + 1;
      absl::Duration backoff = options.outbox_backoff_initial;
      for (int i = 1; i < attempts && backoff < options.outbox_backoff_max; ++i) backoff *= 2;
      backoff = std::min(backoff, options.outbox_backoff_max);
      IAM_RETURN_IF_ERROR(store->RescheduleOutbox(m.id, attempts, clock->Now() + backoff,
                                                  std::string(status.message())));
    }
    return sent;
  }
};

Engine::Engine(EngineOptions options, Store* store)
    : impl_(std::make_unique<Impl>(std::move(options), store)) {}
Engine::~Engine() = default;

const Profile& Engine::profile() const { return *impl_->profile; }

absl::Status Engine::SetPasswordPolicy(absl::string_view tenant, PasswordPolicy policy) {
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  auto checker = PasswordChecker::Create(std::move(policy));
  if (!checker.ok()) return checker.status();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->policies[std::string(tenant)] = *checker;
  return absl::OkStatus();
}

std::shared_ptr<const PasswordChecker> Engine::PasswordCheckerFor(absl::string_view tenant) const {
  return impl_->CheckerFor(tenant);
}

absl::StatusOr<CreateUserResult> Engine::CreateUser(const CreateUserRequest& request) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(I.authorizer->Authorize(request.caller, "iam:CreateUser", request.tenant));
  const absl::Time now = I.clock->Now();
  absl::StatusOr<Impl::Prepared> prepared = I.Prepare(request, now);
  if (!prepared.ok()) return prepared.status();
  const bool idempotent = !request.client_token.empty();
  if (idempotent) {
    auto replay = I.Replay(request.tenant, request.client_token, prepared->fingerprint, now);
    if (!replay.ok()) return replay.status();
    if (replay->has_value()) return std::move(**replay);
  }
  IAM_RETURN_IF_ERROR(I.PrecheckUnique(prepared->record));
  WriteSet w;
  w.now = now;
  CreateUserResult result;
  result.request_id = NewRequestId(I.random);
  IAM_RETURN_IF_ERROR(I.Issue(request, *prepared, &w, &result));
  if (idempotent) {
    IdempotencyRecord rec;
    rec.tenant = request.tenant;
    rec.client_token = request.client_token;
    rec.fingerprint = prepared->fingerprint;
    rec.response = I.ResultJson(result, /*with_secrets=*/false).dump();
    rec.expires_at = now + I.options.idempotency_window;
    w.idempotency = std::move(rec);
  }
  absl::Status committed = I.store->Commit(w);
  if (!committed.ok()) {
    if (idempotent && ErrorReason(committed) == "idempotency.conflict") {
      // A concurrent request with the same token won: answer as it did.
      auto replay = I.Replay(request.tenant, request.client_token, prepared->fingerprint, now);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return std::move(**replay);
    }
    return committed;
  }
  if (I.options.dispatch_after_commit) I.Dispatch().IgnoreError();
  return result;
}

absl::StatusOr<BatchCreateResult> Engine::BatchCreateUsers(
    const std::vector<CreateUserRequest>& requests) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  if (requests.empty()) return Invalid("users", "batch.empty", "must hold at least one user");
  if (static_cast<int>(requests.size()) > I.options.max_batch) {
    return Invalid("users", "batch.too_large",
                   absl::StrCat("at most ", I.options.max_batch, " users per call"));
  }
  const absl::Time now = I.clock->Now();
  BatchCreateResult out;
  std::vector<std::optional<Impl::Prepared>> prepared(requests.size());
  std::vector<absl::Status> errors(requests.size());
  std::set<std::string> claimed;
  bool failed = false;
  for (size_t i = 0; i < requests.size(); ++i) {
    const CreateUserRequest& r = requests[i];
    absl::Status s = I.authorizer->Authorize(r.caller, "iam:CreateUser", r.tenant);
    if (s.ok() && !r.client_token.empty()) {
      s = Invalid("client_token", "batch.client_token_unsupported",
                  "is not supported inside a batch");
    }
    absl::StatusOr<Impl::Prepared> p = s.ok() ? I.Prepare(r, now) : absl::StatusOr<Impl::Prepared>(s);
    if (p.ok()) {
      // Collisions inside the batch, then with the store.
      for (const internal::UniqueKey& k : internal::UniqueKeysOf(p->record)) {
        if (!claimed.insert(absl::StrCat(r.tenant, "\x1f", static_cast<int>(k.key), "\x1f", k.value))
                 .second) {
          s = internal::DuplicateError(k.key);
          break;
        }
      }
      if (s.ok()) s = I.PrecheckUnique(p->record);
      if (s.ok()) prepared[i] = std::move(*p);
    } else {
      s = p.status();
    }
    errors[i] = s;
    failed |= !s.ok();
  }
  if (failed) {
    for (size_t i = 0; i < requests.size(); ++i) {
      out.items.push_back(errors[i].ok()
                              ? MakeError(absl::StatusCode::kAborted, "", "batch.aborted",
                                          "not created: another user in the batch failed")
                              : errors[i]);
    }
    return out;
  }
  WriteSet w;
  w.now = now;
  std::vector<CreateUserResult> results(requests.size());
  const std::string request_id = NewRequestId(I.random);
  for (size_t i = 0; i < requests.size(); ++i) {
    results[i].request_id = request_id;
    IAM_RETURN_IF_ERROR(I.Issue(requests[i], *prepared[i], &w, &results[i]));
  }
  IAM_RETURN_IF_ERROR(I.store->Commit(w));
  out.committed = true;
  for (CreateUserResult& r : results) out.items.push_back(std::move(r));
  if (I.options.dispatch_after_commit) I.Dispatch().IgnoreError();
  return out;
}

absl::StatusOr<User> Engine::GetUser(const Principal& caller, absl::string_view tenant,
                                     absl::string_view id_or_username) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  IAM_RETURN_IF_ERROR(I.authorizer->Authorize(caller, "iam:GetUser", tenant));
  absl::StatusOr<UserRecord> r = I.store->FindUser(tenant, UserKey::kId, id_or_username);
  if (absl::IsNotFound(r.status())) {
    absl::StatusOr<std::string> canonical = CanonicalUsername(*I.profile, id_or_username);
    if (canonical.ok()) r = I.store->FindUser(tenant, UserKey::kUsername, *canonical);
  }
  if (absl::IsNotFound(r.status())) {
    return NotFoundError("user", "user.not_found", "no such user in this tenant");
  }
  if (!r.ok()) return r.status();
  return r->user;
}

absl::StatusOr<DirectoryEntry> Engine::CreateEntry(const Principal& caller, DirectoryEntry e) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenant(e.tenant));
  IAM_RETURN_IF_ERROR(I.authorizer->Authorize(caller, KindAction("Create", e.kind), e.tenant));
  const ptrdiff_t name_length = internal::CountCodePoints(e.name);
  if (name_length < 1 || name_length > 64) {
    return Invalid("name", "name.invalid", "must be 1 to 64 characters of valid UTF-8");
  }
  for (size_t i = 0; i < e.name.size();) {
    const unsigned char c = static_cast<unsigned char>(e.name[i]);
    const int32_t cp = c < 0x80 ? (++i, c) : internal::DecodeUtf8(e.name, &i);
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && internal::IsInvisibleOrControl(cp))) {
      return Invalid("name", "name.invalid", "must not contain control or invisible characters");
    }
  }
  if (internal::CountCodePoints(e.description) < 0 ||
      internal::CountCodePoints(e.description) > 256) {
    return Invalid("description", "description.too_long", "must be at most 256 characters");
  }
  absl::string_view prefix = "grp_";
  if (e.kind == EntryKind::kOrganizationalUnit) prefix = "ou_";
  if (e.kind == EntryKind::kCustomField) {
    prefix = "cf_";
    for (unsigned char c : e.name) {
      if (!absl::ascii_isalnum(c) && c != '_' && c != '-' && c != '.') {
        return Invalid("name", "custom_field.invalid_name",
                       "a field name may contain only letters, digits, '_', '-', '.'");
      }
    }
    if (e.field_type.empty()) e.field_type = "string";
    if (e.field_type != "string" && e.field_type != "number" && e.field_type != "boolean" &&
        e.field_type != "enum") {
      return Invalid("type", "custom_field.invalid_type",
                     "must be string, number, boolean or enum");
    }
    if (e.max_length < 0 || e.max_length > 4096) {
      return Invalid("max_length", "custom_field.invalid_max_length", "must be 0 to 4096");
    }
    if (e.field_type == "enum" && e.allowed_values.empty()) {
      return Invalid("allowed_values", "custom_field.allowed_values_required",
                     "an enum field needs allowed values");
    }
    if (!e.pattern.empty()) {
      auto re = I.Pattern(e.pattern);
      if (!re.ok()) return re.status();
    }
  } else if (!e.field_type.empty() || !e.allowed_values.empty() || !e.pattern.empty()) {
    return Invalid("type", "entry.unexpected_field", "only custom fields have a type");
  }
  e.id = GenerateId({prefix, kLowerBase32, 26}, I.random);
  e.created_at = I.clock->Now();
  IAM_RETURN_IF_ERROR(I.store->CreateEntry(e));
  return e;
}

absl::StatusOr<std::vector<DirectoryEntry>> Engine::ListEntries(const Principal& caller,
                                                                EntryKind kind,
                                                                absl::string_view tenant,
                                                                absl::string_view keyword) {
  IAM_RETURN_IF_ERROR(impl_->init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  IAM_RETURN_IF_ERROR(impl_->authorizer->Authorize(caller, KindAction("List", kind), tenant));
  return impl_->store->ListEntries(kind, tenant, keyword);
}

absl::Status Engine::DeleteEntry(const Principal& caller, EntryKind kind, absl::string_view tenant,
                                 absl::string_view id_or_name) {
  IAM_RETURN_IF_ERROR(impl_->init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  IAM_RETURN_IF_ERROR(impl_->authorizer->Authorize(caller, KindAction("Delete", kind), tenant));
  absl::StatusOr<DirectoryEntry> e = impl_->store->FindEntry(kind, tenant, id_or_name);
  if (!e.ok()) return e.status();
  return impl_->store->DeleteEntry(kind, tenant, e->id);
}

absl::Status Engine::RegisterTenant(absl::string_view tenant) {
  IAM_RETURN_IF_ERROR(impl_->init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  return impl_->store->RegisterTenant(tenant);
}

absl::StatusOr<int> Engine::DispatchOutbox() {
  IAM_RETURN_IF_ERROR(impl_->init);
  return impl_->Dispatch();
}

std::string Engine::UserJson(const User& user) const {
  return internal::ToJson(user, impl_->SelfLink(user.id)).dump();
}

std::string Engine::ResultJson(const CreateUserResult& result) const {
  return impl_->ResultJson(result, /*with_secrets=*/true).dump();
}

}  // namespace iam
