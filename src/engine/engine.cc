// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/engine.h"

#include <re2/re2.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
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
#include "credentials/sealer.h"
#include "store/store_keys.h"
#include "base/unicode.h"
#include "json/user_json.h"

namespace iam {

#define IAM_RETURN_IF_ERROR(expr)             \
  do {                                        \
    if (absl::Status _s = (expr); !_s.ok()) { \
      return _s;                              \
    }                                         \
  } while (0)

const char* AuthOutcomeName(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kSuccess:
      return "success";
    case AuthOutcome::kBadCredentials:
      return "bad_credentials";
    case AuthOutcome::kLocked:
      return "locked";
    case AuthOutcome::kDisabled:
      return "disabled";
    case AuthOutcome::kResetRequired:
      return "reset_required";
    case AuthOutcome::kExpired:
      return "expired";
  }
  return "bad_credentials";
}

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

absl::Status Invalid(absl::string_view field, absl::string_view reason, absl::string_view message) {
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
    if (!absl::ascii_isalnum(c) &&
        absl::string_view("+=,.@_-:/*").find(static_cast<char>(c)) == absl::string_view::npos) {
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

  std::mutex dispatch_mu;  // held by the one thread dispatching the outbox
  std::atomic<bool> dispatch_requested{false};
  mutable std::mutex mu;  // guards the two maps below; never held while hashing
  std::map<std::string, std::shared_ptr<const PasswordChecker>, std::less<>> policies;
  std::map<std::string, std::shared_ptr<const re2::RE2>, std::less<>> patterns;

  // A validated request, ready for credentials.
  struct Prepared {
    UserRecord record;
    std::shared_ptr<const PasswordChecker> checker;
    std::string fingerprint;  // "" without a client token
    Secret password;          // kManual: the normalized password, checked
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
    std::map<std::string, std::string> keys = options.previous_host_keys;
    keys[options.host_key_id] = key;
    auto s_or = internal::Sealer::Create(std::move(keys), options.host_key_id);
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
      if (!absl::SimpleAtod(value, &d))
        return Invalid(field, "custom_field.not_a_number", "must be a number");
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
        return Invalid(field, "custom_field.pattern_mismatch",
                       "does not match the field's pattern");
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
        r.tenant,
        r.username,
        r.display_name,
        r.description,
        r.email,
        r.email_verified.has_value() ? nlohmann::json(*r.email_verified) : nlohmann::json(),
        r.phone_region,
        r.phone,
        r.phone_verified.has_value() ? nlohmann::json(*r.phone_verified) : nlohmann::json(),
        r.external_id,
        r.enabled,
        r.default_project_id,
        r.primary_ou,
        r.ous,
        r.groups,
        custom,
        r.policies,
        static_cast<int>(r.password_mode),
        std::string(r.password.view()),
        r.generated_password_length,
        r.access_key,
        r.require_password_reset.has_value() ? nlohmann::json(*r.require_password_reset)
                                             : nlohmann::json(),
        notify,
        r.quick_create,
        r.sms_login_verification};
    std::string text = j.dump();
    std::string print = fingerprint_hasher->Hash(text);
    WipeString(text);
    return print;
  }

  // The descriptive and contact fields of `u`, as create and update share them.
  // `email_verified_given`/`phone_verified_given`: whether the request carried
  // the flags (alibaba requires them with the value).
  absl::Status ValidateFields(const User& u, bool email_verified_given,
                              bool phone_verified_given) const {
    const Profile& prof = *profile;
    if (!u.display_name.empty()) IAM_RETURN_IF_ERROR(ValidateDisplayName(prof, u.display_name));
    if (!u.description.empty()) IAM_RETURN_IF_ERROR(ValidateDescription(prof, u.description));
    if (!u.email.empty()) {
      IAM_RETURN_IF_ERROR(ValidateEmail(prof, u.email));
      if (prof.requires_verified_flags && !email_verified_given) {
        return Invalid("email_verified", "email_verified.required", "is required with email");
      }
    }
    if (!u.phone.empty()) {
      IAM_RETURN_IF_ERROR(ValidatePhoneNumber(prof, u.phone));
      if (prof.requires_verified_flags && !phone_verified_given) {
        return Invalid("phone_verified", "phone_verified.required", "is required with phone");
      }
    }
    if (!u.phone_region.empty()) {
      if (u.phone.empty())
        return Invalid("phone", "phone.required", "is required with phone_region");
      IAM_RETURN_IF_ERROR(ValidatePhoneRegion(prof, u.phone_region));
    }
    if (!u.external_id.empty()) IAM_RETURN_IF_ERROR(ValidateExternalId(prof, u.external_id));
    if (u.default_project_id.size() > 64 || !IsPrintableAscii(u.default_project_id)) {
      return Invalid("default_project_id", "default_project_id.invalid",
                     "must be at most 64 printable ASCII characters");
    }
    if (u.sms_login_verification && (u.email.empty() || u.phone.empty())) {
      return Invalid("sms_login_verification", "login_protection.requires_email_and_phone",
                     "SMS login verification needs both an email and a mobile number");
    }
    return absl::OkStatus();
  }

  absl::Status ResolvePrimaryOu(const std::string& tenant, const std::string& ref, User* u) {
    if (profile->requires_primary_ou && ref.empty()) {
      return Invalid("primary_ou", "ou.primary_required", "is required");
    }
    u->primary_ou.clear();
    if (ref.empty()) return absl::OkStatus();
    auto ids = Resolve(EntryKind::kOrganizationalUnit, tenant, {ref}, "primary_ou");
    if (!ids.ok()) {
      return MakeError(ids.status().code(), "primary_ou", ErrorReason(ids.status()),
                       absl::StrCat("primary_ou: no ou '", ref, "' in this tenant"));
    }
    u->primary_ou = ids->front();
    return absl::OkStatus();
  }

  absl::Status ResolveOus(const std::string& tenant, const std::vector<std::string>& refs,
                          User* u) {
    auto ous = Resolve(EntryKind::kOrganizationalUnit, tenant, refs, "ous");
    if (!ous.ok()) return ous.status();
    u->ous.clear();
    for (const std::string& id : *ous) {
      if (id != u->primary_ou) u->ous.push_back(id);
    }
    return absl::OkStatus();
  }

  absl::Status ResolveGroups(const std::string& tenant, const std::vector<std::string>& refs,
                             User* u) {
    auto groups = Resolve(EntryKind::kGroup, tenant, refs, "groups");
    if (!groups.ok()) return groups.status();
    u->groups = *groups;
    return absl::OkStatus();
  }

  absl::Status ResolveCustomFields(const std::string& tenant,
                                   const std::vector<CustomFieldValue>& fields, User* u) {
    u->custom_fields.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      const CustomFieldValue& f = fields[i];
      const std::string field = absl::StrCat("custom_fields[", i, "]");
      absl::StatusOr<DirectoryEntry> def =
          store->FindEntry(EntryKind::kCustomField, tenant, f.name);
      if (absl::IsNotFound(def.status())) {
        return NotFoundError(field, "custom_field.not_found",
                             absl::StrCat("no custom field '", f.name, "' is defined"));
      }
      if (!def.ok()) return def.status();
      if (u->custom_fields.count(def->name)) {
        return Invalid(field, "custom_field.repeated", "is given twice");
      }
      IAM_RETURN_IF_ERROR(CheckCustomValue(*def, f.value, field));
      u->custom_fields[def->name] = f.value;
    }
    return absl::OkStatus();
  }

  absl::Status ResolvePolicies(const std::vector<std::string>& names, bool quick_create,
                               User* u) const {
    std::set<std::string> seen;
    u->policies.clear();
    for (size_t i = 0; i < names.size(); ++i) {
      IAM_RETURN_IF_ERROR(ValidatePolicyName(names[i], absl::StrCat("policies[", i, "]")));
      if (seen.insert(names[i]).second) u->policies.push_back(names[i]);
    }
    if (quick_create && seen.insert(options.admin_policy).second) {
      u->policies.push_back(options.admin_policy);
    }
    return absl::OkStatus();
  }

  // The preamble of an administrative call: the engine is usable, the tenant
  // id is well formed, and the caller may perform `action` there.
  absl::Status Admit(const Principal& caller, absl::string_view action, absl::string_view tenant) {
    IAM_RETURN_IF_ERROR(init);
    IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
    return authorizer->Authorize(caller, action, tenant);
  }

  absl::Status CheckTenant(const std::string& tenant) {
    IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
    if (options.require_registered_tenant) {
      absl::StatusOr<bool> known = store->TenantExists(tenant);
      if (!known.ok()) return known.status();
      if (!*known) return NotFoundError("tenant", "tenant.not_found", "no such tenant");
    }
    return absl::OkStatus();
  }

  // Validation of every field and reference; reads the store, writes nothing.
  absl::StatusOr<Prepared> Prepare(const CreateUserRequest& r, absl::Time now) {
    IAM_RETURN_IF_ERROR(CheckTenant(r.tenant));
    Prepared p;
    p.checker = CheckerFor(r.tenant);
    UserRecord& rec = p.record;
    User& u = rec.user;
    absl::StatusOr<std::string> canonical = CanonicalUsername(*profile, r.username);
    if (!canonical.ok()) return canonical.status();
    rec.canonical_username = *canonical;
    u.tenant = r.tenant;
    u.username = r.username;
    u.display_name = r.display_name;
    u.description = r.description;
    u.email = r.email;
    u.email_verified = r.email_verified.value_or(false);
    u.phone_region = r.phone_region;
    u.phone = r.phone;
    u.phone_verified = r.phone_verified.value_or(false);
    u.external_id = r.external_id;
    u.enabled = r.enabled;
    u.default_project_id = r.default_project_id;
    u.sms_login_verification = r.sms_login_verification;
    IAM_RETURN_IF_ERROR(
        ValidateFields(u, r.email_verified.has_value(), r.phone_verified.has_value()));
    if (!u.email.empty()) rec.canonical_email = CanonicalEmail(u.email);
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
        p.password = Secret(std::move(*normalized));
        IAM_RETURN_IF_ERROR(
            p.checker->Validate(p.password.view(), {r.username, r.email, r.phone}, "password"));
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
    // References.
    IAM_RETURN_IF_ERROR(ResolvePrimaryOu(r.tenant, r.primary_ou, &u));
    IAM_RETURN_IF_ERROR(ResolveOus(r.tenant, r.ous, &u));
    IAM_RETURN_IF_ERROR(ResolveGroups(r.tenant, r.groups, &u));
    IAM_RETURN_IF_ERROR(ResolveCustomFields(r.tenant, r.custom_fields, &u));
    IAM_RETURN_IF_ERROR(ResolvePolicies(r.policies, r.quick_create, &u));
    // Identity and credentials state.
    u.id = NewUserId(*profile, random);
    if (u.external_id.empty()) u.external_id = u.id;
    u.console_access = r.password_mode != PasswordMode::kNone;
    const bool has_password =
        r.password_mode == PasswordMode::kManual || r.password_mode == PasswordMode::kGenerated;
    u.password_reset_required = has_password && r.require_password_reset.value_or(true);
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
        sodium_memcmp((*record)->fingerprint.data(), fingerprint.data(), fingerprint.size()) != 0) {
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
    m.recipient =
        channel == Channel::kEmail ? u.email : absl::StrCat("+", u.phone_region, " ", u.phone);
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
      absl::StatusOr<std::string> hash = hasher.Hash(p.password.view());  // normalized
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

  // --- The lifecycle's shared steps ---

  // A user by id, else by username (canonical). kNotFound "user.not_found".
  absl::StatusOr<UserRecord> Load(absl::string_view tenant, absl::string_view id_or_username) {
    absl::StatusOr<UserRecord> r = store->FindUser(tenant, UserKey::kId, id_or_username);
    if (absl::IsNotFound(r.status())) {
      absl::StatusOr<std::string> canonical = CanonicalUsername(*profile, id_or_username);
      if (canonical.ok()) r = store->FindUser(tenant, UserKey::kUsername, *canonical);
    }
    if (absl::IsNotFound(r.status())) {
      return NotFoundError("user", "user.not_found", "no such user in this tenant");
    }
    return r;
  }

  // A user by username, email, or mobile ("+86 138...", "86:138...", or the
  // bare number when the user has no region).
  absl::StatusOr<UserRecord> LoadByIdentifier(absl::string_view tenant,
                                              absl::string_view identifier) {
    absl::StatusOr<std::string> canonical = CanonicalUsername(*profile, identifier);
    if (canonical.ok()) {
      auto r = store->FindUser(tenant, UserKey::kUsername, *canonical);
      if (!absl::IsNotFound(r.status())) return r;
    }
    if (identifier.find('@') != absl::string_view::npos) {
      auto r = store->FindUser(tenant, UserKey::kEmail, CanonicalEmail(identifier));
      if (!absl::IsNotFound(r.status())) return r;
    }
    std::string region, number;
    absl::string_view id = identifier;
    if (!id.empty() && id.front() == '+') id.remove_prefix(1);
    const size_t sep = id.find_first_of(" :-");
    if (sep != absl::string_view::npos) {
      region = std::string(id.substr(0, sep));
      number = std::string(id.substr(sep + 1));
    } else {
      number = std::string(id);
    }
    if (!number.empty() && ValidatePhoneNumber(*profile, number).ok()) {
      auto r = store->FindUser(tenant, UserKey::kPhone, absl::StrCat(region, ":", number));
      if (!absl::IsNotFound(r.status())) return r;
    }
    return NotFoundError("user", "user.not_found", "no such user in this tenant");
  }

  // Commits `rec` as an update of the stored version `expected`.
  absl::Status CommitUpdate(const UserRecord& rec, int64_t expected, WriteSet w = {},
                            bool keep_version = false) {
    w.now = clock->Now();
    w.updated_users.push_back({rec, expected, keep_version});
    return store->Commit(w);
  }

  // Sets a new password on `rec` under the tenant's policy: normalization,
  // every rule, history (and minimum age when `enforce_min_age`), Argon2id.
  absl::Status SetPassword(UserRecord* rec, absl::string_view password, absl::Time now,
                           bool enforce_min_age, absl::string_view field) {
    std::shared_ptr<const PasswordChecker> checker = CheckerFor(rec->user.tenant);
    absl::StatusOr<std::string> normalized = checker->Normalize(password);
    if (!normalized.ok()) return normalized.status();
    Secret pw(std::move(*normalized));
    const User& u = rec->user;
    IAM_RETURN_IF_ERROR(checker->Validate(pw.view(), {u.username, u.email, u.phone}, field));
    std::vector<std::string> previous;
    if (!rec->password_hash.empty()) previous.push_back(rec->password_hash);
    previous.insert(previous.end(), rec->password_history.begin(), rec->password_history.end());
    IAM_RETURN_IF_ERROR(
        CheckPasswordReuse(*checker, hasher, pw.view(), previous,
                           enforce_min_age ? u.password_changed_at : absl::InfinitePast(), now));
    absl::StatusOr<std::string> hash = hasher.Hash(pw.view());
    if (!hash.ok()) return hash.status();
    if (!rec->password_hash.empty()) {
      rec->password_history.insert(rec->password_history.begin(), rec->password_hash);
      const size_t keep = static_cast<size_t>(std::max(checker->policy().history_count, 0));
      if (rec->password_history.size() > keep) rec->password_history.resize(keep);
    }
    rec->password_hash = std::move(*hash);
    rec->user.password_changed_at = now;
    rec->user.password_expires_at = checker->ExpiresAt(now);
    rec->user.password_reset_required = false;
    rec->user.console_access = true;
    rec->failed_logins = 0;
    rec->locked_until = absl::InfinitePast();
    return absl::OkStatus();
  }

  // Redeems a one-time token of `purpose` to set a new password.
  absl::StatusOr<User> RedeemToken(absl::string_view token, TokenPurpose purpose,
                                   absl::string_view new_password) {
    const absl::Status invalid =
        Invalid("token", "token.invalid", "is invalid, already used, or expired");
    if (token.empty() || token.size() > 128) return invalid;
    absl::StatusOr<TokenRecord> t = store->FindToken(token_hasher->Hash(token));
    if (absl::IsNotFound(t.status())) return invalid;
    if (!t.ok()) return t.status();
    const absl::Time now = clock->Now();
    if (t->purpose != purpose || t->expires_at <= now) return invalid;
    absl::StatusOr<UserRecord> rec = store->FindUser(t->tenant, UserKey::kId, t->user_id);
    if (absl::IsNotFound(rec.status())) return invalid;
    if (!rec.ok()) return rec.status();
    const int64_t version = rec->user.version;
    IAM_RETURN_IF_ERROR(SetPassword(&*rec, new_password, now, false, "new_password"));
    WriteSet w;
    w.deleted_token_hashes.push_back(t->hash);
    IAM_RETURN_IF_ERROR(CommitUpdate(*rec, version, std::move(w)));
    rec->user.version = version + 1;
    return rec->user;
  }

  // Records a failed login (and the lockout it may trigger), retrying on a
  // concurrent update.
  void RecordLogin(const std::string& tenant, const std::string& id, bool success,
                   const std::string& rehash) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      absl::StatusOr<UserRecord> rec = store->FindUser(tenant, UserKey::kId, id);
      if (!rec.ok()) return;
      const int64_t version = rec->user.version;
      if (success) {
        if (rec->failed_logins == 0 && rehash.empty()) return;
        rec->failed_logins = 0;
        if (!rehash.empty()) rec->password_hash = rehash;
      } else {
        if (++rec->failed_logins >= options.max_failed_logins) {
          rec->failed_logins = 0;
          rec->locked_until = clock->Now() + options.lockout_duration;
        }
      }
      // Login bookkeeping is not an edit: it keeps the version callers hold.
      absl::Status s = CommitUpdate(*rec, version, {}, /*keep_version=*/true);
      if (!absl::IsAborted(s)) return;
    }
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

  // Sends every due message. One dispatcher per engine at a time: a caller
  // that finds another one running records a request and returns, and the
  // running one, which re-checks the request after releasing its lock, makes
  // another pass, so a message committed meanwhile is never left behind.
  absl::StatusOr<int> Dispatch() {
    if (notifier == nullptr) return 0;
    constexpr int kBatch = 100;
    dispatch_requested.store(true);
    int sent = 0;
    while (dispatch_requested.load()) {
      std::unique_lock<std::mutex> dispatching(dispatch_mu, std::try_to_lock);
      if (!dispatching.owns_lock()) return sent;
      dispatch_requested.store(false);
      absl::StatusOr<std::vector<OutboxMessage>> due = store->DueOutbox(clock->Now(), kBatch);
      if (!due.ok()) return due.status();
      for (const OutboxMessage& m : *due) {
        absl::StatusOr<bool> delivered = Deliver(m);
        if (!delivered.ok()) return delivered.status();
        sent += *delivered;
      }
      if (static_cast<int>(due->size()) == kBatch) dispatch_requested.store(true);
    }
    return sent;
  }

  // One delivery attempt: completed, or rescheduled with exponential backoff.
  absl::StatusOr<bool> Deliver(const OutboxMessage& m) {
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
      return true;
    }
    const int attempts = m.attempts + 1;
    absl::Duration backoff = options.outbox_backoff_initial;
    for (int i = 1; i < attempts && backoff < options.outbox_backoff_max; ++i) backoff *= 2;
    backoff = std::min(backoff, options.outbox_backoff_max);
    IAM_RETURN_IF_ERROR(store->RescheduleOutbox(m.id, attempts, clock->Now() + backoff,
                                                std::string(status.message())));
    return false;
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
  // With a client token, losing to a concurrent twin shows up as a duplicate
  // (at the pre-check or the commit): answer as the twin did.
  auto replay_or = [&](absl::Status failure) -> absl::StatusOr<CreateUserResult> {
    if (idempotent && absl::IsAlreadyExists(failure)) {
      auto replay = I.Replay(request.tenant, request.client_token, prepared->fingerprint, now);
      if (!replay.ok()) return replay.status();
      if (replay->has_value()) return std::move(**replay);
    }
    return failure;
  };
  if (absl::Status s = I.PrecheckUnique(prepared->record); !s.ok()) return replay_or(s);
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
  if (absl::Status committed = I.store->Commit(w); !committed.ok()) return replay_or(committed);
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
    absl::StatusOr<Impl::Prepared> p =
        s.ok() ? I.Prepare(r, now) : absl::StatusOr<Impl::Prepared>(s);
    if (p.ok()) {
      // Collisions inside the batch, then with the store.
      for (const internal::UniqueKey& k : internal::UniqueKeysOf(p->record)) {
        if (!claimed
                 .insert(absl::StrCat(r.tenant, "\x1f", static_cast<int>(k.key), "\x1f", k.value))
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
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:GetUser", tenant));
  absl::StatusOr<UserRecord> r = I.Load(tenant, id_or_username);
  if (!r.ok()) return r.status();
  return r->user;
}

absl::StatusOr<ListUsersResult> Engine::ListUsers(const ListUsersRequest& request) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(request.caller, "iam:ListUsers", request.tenant));
  if (request.page_size < 1 || request.page_size > 1000) {
    return Invalid("page_size", "page_size.invalid", "must be 1 to 1000");
  }
  ListUsersQuery q;
  q.tenant = request.tenant;
  q.page_size = request.page_size;
  q.page_token = request.page_token;
  q.username_prefix = FoldName(request.name_prefix);
  q.enabled = request.enabled;
  User scratch;
  if (!request.group.empty()) {
    IAM_RETURN_IF_ERROR(I.ResolveGroups(request.tenant, {request.group}, &scratch));
    q.group_id = scratch.groups.front();
  }
  if (!request.ou.empty()) {
    IAM_RETURN_IF_ERROR(I.ResolveOus(request.tenant, {request.ou}, &scratch));
    q.ou_id = scratch.ous.front();
  }
  absl::StatusOr<ListUsersPage> page = I.store->ListUsers(q);
  if (!page.ok()) return page.status();
  ListUsersResult out;
  for (UserRecord& r : page->users) out.users.push_back(std::move(r.user));
  out.next_page_token = page->next_page_token;
  return out;
}

absl::StatusOr<User> Engine::UpdateUser(const UpdateUserRequest& r) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(I.CheckTenant(r.tenant));
  IAM_RETURN_IF_ERROR(I.authorizer->Authorize(r.caller, "iam:UpdateUser", r.tenant));
  absl::StatusOr<UserRecord> loaded = I.Load(r.tenant, r.user);
  if (!loaded.ok()) return loaded.status();
  UserRecord rec = std::move(*loaded);
  const int64_t current = rec.user.version;
  if (r.expected_version != 0 && r.expected_version != current) return internal::VersionConflict();
  User& u = rec.user;
  if (r.enabled) u.enabled = *r.enabled;
  if (r.display_name) u.display_name = *r.display_name;
  if (r.description) u.description = *r.description;
  bool email_flag = !I.profile->requires_verified_flags || u.email.empty() || r.email_verified;
  bool phone_flag = !I.profile->requires_verified_flags || u.phone.empty() || r.phone_verified;
  if (r.email) {
    if (*r.email != u.email) {
      email_flag = r.email_verified.has_value() || r.email->empty();
      u.email_verified = false;
    }
    u.email = *r.email;
  }
  if (r.email_verified) u.email_verified = *r.email_verified;
  if (r.phone) {
    if (*r.phone != u.phone) {
      phone_flag = r.phone_verified.has_value() || r.phone->empty();
      u.phone_verified = false;
    }
    u.phone = *r.phone;
    if (r.phone->empty()) u.phone_region.clear();
  }
  if (r.phone_region) u.phone_region = *r.phone_region;
  if (r.phone_verified) u.phone_verified = *r.phone_verified;
  if (r.external_id) u.external_id = r.external_id->empty() ? u.id : *r.external_id;
  if (r.default_project_id) u.default_project_id = *r.default_project_id;
  if (r.sms_login_verification) u.sms_login_verification = *r.sms_login_verification;
  if (r.password_reset_required) u.password_reset_required = *r.password_reset_required;
  IAM_RETURN_IF_ERROR(I.ValidateFields(u, email_flag, phone_flag));
  rec.canonical_email = u.email.empty() ? "" : CanonicalEmail(u.email);
  if (r.primary_ou) IAM_RETURN_IF_ERROR(I.ResolvePrimaryOu(r.tenant, *r.primary_ou, &u));
  if (r.ous) IAM_RETURN_IF_ERROR(I.ResolveOus(r.tenant, *r.ous, &u));
  if (r.groups) IAM_RETURN_IF_ERROR(I.ResolveGroups(r.tenant, *r.groups, &u));
  if (r.custom_fields) IAM_RETURN_IF_ERROR(I.ResolveCustomFields(r.tenant, *r.custom_fields, &u));
  if (r.policies) IAM_RETURN_IF_ERROR(I.ResolvePolicies(*r.policies, false, &u));
  IAM_RETURN_IF_ERROR(I.CommitUpdate(rec, current));
  u.version = current + 1;
  return u;
}

absl::Status Engine::DeleteUser(const Principal& caller, absl::string_view tenant,
                                absl::string_view id_or_username, int64_t expected_version) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:DeleteUser", tenant));
  absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
  if (!rec.ok()) return rec.status();
  if (expected_version != 0 && expected_version != rec->user.version) {
    return internal::VersionConflict();
  }
  WriteSet w;
  w.now = I.clock->Now();
  w.tenant = std::string(tenant);
  w.deleted_user_ids.push_back(rec->user.id);
  return I.store->Commit(w);
}

absl::StatusOr<AuthResult> Engine::Authenticate(absl::string_view tenant,
                                                absl::string_view identifier,
                                                absl::string_view password) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  const absl::Time now = I.clock->Now();
  AuthResult result;
  absl::StatusOr<UserRecord> rec = I.LoadByIdentifier(tenant, identifier);
  if (!rec.ok() && !absl::IsNotFound(rec.status())) return rec.status();
  std::shared_ptr<const PasswordChecker> checker = I.CheckerFor(tenant);
  absl::StatusOr<std::string> normalized = checker->Normalize(password);
  Secret pw(normalized.ok() ? std::move(*normalized) : std::string());
  if (!rec.ok() || rec->password_hash.empty()) {
    // Spend the same time as a real verification, then say only "bad".
    I.hasher.Verify(I.hasher.DummyHash(), pw.view());
    return result;
  }
  result.user_id = rec->user.id;
  if (rec->locked_until > now) {
    result.outcome = AuthOutcome::kLocked;
    result.locked_until = rec->locked_until;
    return result;
  }
  if (!normalized.ok() || !I.hasher.Verify(rec->password_hash, pw.view())) {
    I.RecordLogin(std::string(tenant), rec->user.id, false, "");
    result.user_id.clear();
    return result;
  }
  std::string rehash;
  if (I.hasher.NeedsRehash(rec->password_hash)) {
    absl::StatusOr<std::string> h = I.hasher.Hash(pw.view());
    if (h.ok()) rehash = std::move(*h);
  }
  I.RecordLogin(std::string(tenant), rec->user.id, true, rehash);
  if (!rec->user.enabled) {
    result.outcome = AuthOutcome::kDisabled;
  } else if (rec->user.password_reset_required) {
    result.outcome = AuthOutcome::kResetRequired;
  } else if (rec->user.password_expires_at <= now) {
    result.outcome = AuthOutcome::kExpired;
  } else {
    result.outcome = AuthOutcome::kSuccess;
  }
  return result;
}

absl::StatusOr<User> Engine::RedeemLoginLink(absl::string_view token,
                                             absl::string_view new_password) {
  IAM_RETURN_IF_ERROR(impl_->init);
  return impl_->RedeemToken(token, TokenPurpose::kFirstLogin, new_password);
}

absl::Status Engine::StartPasswordReset(absl::string_view tenant, absl::string_view identifier,
                                        Channel channel) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  absl::StatusOr<UserRecord> rec = I.LoadByIdentifier(tenant, identifier);
  if (absl::IsNotFound(rec.status())) return absl::OkStatus();  // reveal nothing
  if (!rec.ok()) return rec.status();
  const User& u = rec->user;
  if ((channel == Channel::kEmail && u.email.empty()) ||
      (channel == Channel::kSms && u.phone.empty()) || !u.enabled) {
    return absl::OkStatus();
  }
  WriteSet w;
  w.now = I.clock->Now();
  Secret token = NewToken(I.random);
  TokenRecord t;
  t.hash = I.token_hasher->Hash(token.view());
  t.tenant = u.tenant;
  t.user_id = u.id;
  t.purpose = TokenPurpose::kPasswordReset;
  t.expires_at = w.now + I.options.reset_token_ttl;
  w.new_tokens.push_back(std::move(t));
  I.Enqueue(&w, u, channel, "password_reset",
            absl::StrCat(I.options.base_url, "/reset-password?token=", token.view()));
  IAM_RETURN_IF_ERROR(I.store->Commit(w));
  if (I.options.dispatch_after_commit) I.Dispatch().IgnoreError();
  return absl::OkStatus();
}

absl::StatusOr<User> Engine::CompleteReset(absl::string_view token,
                                           absl::string_view new_password) {
  IAM_RETURN_IF_ERROR(impl_->init);
  return impl_->RedeemToken(token, TokenPurpose::kPasswordReset, new_password);
}

absl::Status Engine::ChangePassword(absl::string_view tenant, absl::string_view id_or_username,
                                    absl::string_view old_password,
                                    absl::string_view new_password) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenant(tenant));
  absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
  if (!rec.ok()) return rec.status();
  absl::StatusOr<std::string> old = I.CheckerFor(tenant)->Normalize(old_password);
  if (rec->password_hash.empty() || !old.ok() || !I.hasher.Verify(rec->password_hash, *old)) {
    if (old.ok()) WipeString(*old);
    return Invalid("old_password", "password.incorrect", "is not the current password");
  }
  WipeString(*old);
  const int64_t version = rec->user.version;
  IAM_RETURN_IF_ERROR(I.SetPassword(&*rec, new_password, I.clock->Now(), true, "new_password"));
  return I.CommitUpdate(*rec, version);
}

absl::StatusOr<IssuedAccessKey> Engine::CreateAccessKey(const Principal& caller,
                                                        absl::string_view tenant,
                                                        absl::string_view id_or_username) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:CreateAccessKey", tenant));
  absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
  if (!rec.ok()) return rec.status();
  auto existing = I.store->ListAccessKeys(tenant, rec->user.id);
  if (!existing.ok()) return existing.status();
  if (static_cast<int>(existing->size()) >= I.options.max_access_keys_per_user) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "access_key",
                     "access_key.limit_exceeded",
                     absl::StrCat("access_key: a user may have at most ",
                                  I.options.max_access_keys_per_user, " access keys"));
  }
  AccessKey key = GenerateAccessKey(I.profile->access_key, I.random);
  WriteSet w;
  w.now = I.clock->Now();
  AccessKeyRecord k;
  k.id = key.id;
  k.tenant = std::string(tenant);
  k.user_id = rec->user.id;
  k.key_id = I.options.host_key_id;
  k.sealed_secret = I.sealer->Seal(key.secret.view(), key.id);
  k.created_at = w.now;
  w.new_access_keys.push_back(k);
  IAM_RETURN_IF_ERROR(I.store->Commit(w));
  return IssuedAccessKey{key.id, std::move(key.secret), w.now};
}

absl::StatusOr<std::vector<AccessKeyInfo>> Engine::ListAccessKeys(
    const Principal& caller, absl::string_view tenant, absl::string_view id_or_username) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:ListAccessKeys", tenant));
  absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
  if (!rec.ok()) return rec.status();
  auto keys = I.store->ListAccessKeys(tenant, rec->user.id);
  if (!keys.ok()) return keys.status();
  std::vector<AccessKeyInfo> out;
  for (const AccessKeyRecord& k : *keys) out.push_back({k.id, k.user_id, k.enabled, k.created_at});
  return out;
}

namespace {

absl::StatusOr<AccessKeyRecord> FindKeyInTenant(Store* store, absl::string_view tenant,
                                                absl::string_view id) {
  absl::StatusOr<AccessKeyRecord> k = store->FindAccessKey(id);
  if ((k.ok() && k->tenant != tenant) || absl::IsNotFound(k.status())) {
    return NotFoundError("access_key", "access_key.not_found", "no such access key");
  }
  return k;
}

}  // namespace

absl::Status Engine::SetAccessKeyEnabled(const Principal& caller, absl::string_view tenant,
                                         absl::string_view access_key_id, bool enabled) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:UpdateAccessKey", tenant));
  absl::StatusOr<AccessKeyRecord> k = FindKeyInTenant(I.store, tenant, access_key_id);
  if (!k.ok()) return k.status();
  k->enabled = enabled;
  WriteSet w;
  w.now = I.clock->Now();
  w.updated_access_keys.push_back(*k);
  return I.store->Commit(w);
}

absl::Status Engine::DeleteAccessKey(const Principal& caller, absl::string_view tenant,
                                     absl::string_view access_key_id) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:DeleteAccessKey", tenant));
  absl::StatusOr<AccessKeyRecord> k = FindKeyInTenant(I.store, tenant, access_key_id);
  if (!k.ok()) return k.status();
  WriteSet w;
  w.now = I.clock->Now();
  w.deleted_access_key_ids.push_back(k->id);
  return I.store->Commit(w);
}

absl::StatusOr<AccessKeyVerification> Engine::VerifyAccessKey(absl::string_view access_key_id,
                                                              absl::string_view secret) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  AccessKeyVerification out;
  absl::StatusOr<AccessKeyRecord> k = I.store->FindAccessKey(access_key_id);
  if (absl::IsNotFound(k.status())) return out;
  if (!k.ok()) return k.status();
  absl::StatusOr<Secret> stored = I.sealer->Open(k->sealed_secret, k->id);
  if (!stored.ok()) return stored.status();
  const bool match = stored->size() == secret.size() &&
                     sodium_memcmp(stored->data(), secret.data(), secret.size()) == 0;
  if (!match || !k->enabled) return out;
  absl::StatusOr<UserRecord> user = I.store->FindUser(k->tenant, UserKey::kId, k->user_id);
  if (!user.ok() || !user->user.enabled) return out;
  out.valid = true;
  out.tenant = k->tenant;
  out.user_id = k->user_id;
  return out;
}

absl::StatusOr<Secret> Engine::AccessKeySecret(absl::string_view access_key_id) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  absl::StatusOr<AccessKeyRecord> k = I.store->FindAccessKey(access_key_id);
  if (absl::IsNotFound(k.status()) || (k.ok() && !k->enabled)) {
    return NotFoundError("access_key", "access_key.not_found", "no such enabled access key");
  }
  if (!k.ok()) return k.status();
  return I.sealer->Open(k->sealed_secret, k->id);
}

absl::StatusOr<DirectoryEntry> Engine::CreateEntry(const Principal& caller, DirectoryEntry e) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.Admit(caller, KindAction("Create", e.kind), e.tenant));
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
  IAM_RETURN_IF_ERROR(impl_->Admit(caller, KindAction("List", kind), tenant));
  return impl_->store->ListEntries(kind, tenant, keyword);
}

absl::Status Engine::DeleteEntry(const Principal& caller, EntryKind kind, absl::string_view tenant,
                                 absl::string_view id_or_name) {
  IAM_RETURN_IF_ERROR(impl_->Admit(caller, KindAction("Delete", kind), tenant));
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
