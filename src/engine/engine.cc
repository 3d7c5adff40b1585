// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Construction, the preamble every operation starts with, and the shared
// steps of loading and updating users. See engine_impl.h for the map of the
// other operation files.
#include "iam/engine.h"

#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/contact.h"
#include "iam/names.h"
#include "iam/username.h"
#include "store/store_keys.h"

namespace iam {

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
    case PasswordMode::kImportedHash:
      return "imported_hash";
  }
  return "none";
}

namespace internal {

absl::Status Invalid(absl::string_view field, absl::string_view reason, absl::string_view message) {
  return InvalidField(field, reason, absl::StrCat(field, ": ", message));
}

absl::Status NotFound(absl::string_view field, absl::string_view reason,
                      absl::string_view message) {
  return MakeError(absl::StatusCode::kNotFound, field, reason, absl::StrCat(field, ": ", message));
}

}  // namespace internal

using internal::NotFound;

Engine::Impl::Impl(EngineOptions opts, Store* s)
    : options(std::move(opts)),
      profile(options.profile != nullptr ? options.profile : FindProfile("huawei")),
      store(s),
      clock(options.clock != nullptr ? options.clock : SystemClock()),
      random(options.random != nullptr ? options.random : SystemRandom()),
      own_authorizer(options.authorizer != nullptr || s == nullptr
                         ? nullptr
                         : std::make_unique<PolicyAuthorizer>(s, *profile)),
      authorizer(options.authorizer != nullptr ? options.authorizer
                 : own_authorizer != nullptr   ? own_authorizer.get()
                                               : AllowAllAuthorizer()),
      notifier(options.notifier),
      auditing(options.audit && s != nullptr && s->SupportsAudit()),
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
  auto tokens = internal::KeyedHash::Create(*sealer, "iamcore token v1");
  auto prints = internal::KeyedHash::Create(*sealer, "iamcore fingerprint v1");
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

absl::Status Engine::Impl::Admit(const Principal& caller, absl::string_view action,
                                 absl::string_view tenant, absl::string_view target) {
  IAM_RETURN_IF_ERROR(init);
  IAM_RETURN_IF_ERROR(ValidateTenantId(tenant));
  IAM_RETURN_IF_ERROR(authorizer->AuthorizeTarget(caller, action, tenant, target));
  if (options.require_registered_tenant) {
    absl::StatusOr<bool> known = store->TenantExists(tenant);
    if (!known.ok()) return known.status();
    if (!*known) return NotFound("tenant", "tenant.not_found", "no such tenant");
  }
  return absl::OkStatus();
}

absl::Status Engine::Impl::AdmitPolicies(const CreateUserRequest& request) {
  if (request.policies.empty() && !request.quick_create) return absl::OkStatus();
  return authorizer->AuthorizeTarget(request.caller, "iam:AttachUserPolicy", request.tenant, "");
}

absl::Status Engine::Impl::AdmitSelfService(absl::string_view tenant) {
  IAM_RETURN_IF_ERROR(init);
  return ValidateTenantId(tenant);
}

std::shared_ptr<const PasswordChecker> Engine::Impl::CheckerFor(absl::string_view tenant) const {
  const absl::Time now = clock->Now();
  std::shared_ptr<const PasswordChecker> last;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = policies.find(tenant);
    if (it != policies.end()) return it->second;
    auto stored = stored_policies.find(tenant);
    if (stored != stored_policies.end()) {
      if (now < stored->second.fresh_until) return stored->second.checker;
      last = stored->second.checker;
    }
  }
  // Outside the lock: a store read. A store that cannot answer now keeps the
  // last policy it gave (a change of password fails with the store anyway),
  // else the profile's.
  const auto load = [&]() -> absl::StatusOr<std::shared_ptr<const PasswordChecker>> {
    IAM_ASSIGN_OR_RETURN(const std::optional<DirectoryEntry> entry, FindPolicySettings(tenant));
    if (!entry.has_value()) return default_checker;
    return CheckerFromSettings(nlohmann::json::parse(entry->document, nullptr, false));
  };
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> loaded = load();
  std::shared_ptr<const PasswordChecker> checker = loaded.ok()       ? *std::move(loaded)
                                                   : last != nullptr ? last
                                                                     : default_checker;
  KeepStoredPolicy(tenant, checker, now);
  return checker;
}

absl::StatusOr<std::optional<DirectoryEntry>> Engine::Impl::FindPolicySettings(
    absl::string_view tenant) const {
  absl::StatusOr<DirectoryEntry> entry =
      store->FindEntry(EntryKind::kSetting, tenant, kPasswordPolicySetting);
  if (absl::IsNotFound(entry.status())) return std::nullopt;
  if (!entry.ok()) return entry.status();
  return std::make_optional(*std::move(entry));
}

absl::StatusOr<std::shared_ptr<const PasswordChecker>> Engine::Impl::CheckerFromSettings(
    const nlohmann::json& settings) const {
  PasswordPolicy policy = default_checker->policy();
  IAM_RETURN_IF_ERROR(ApplyPasswordPolicySettings(settings, "password_policy", &policy));
  return PasswordChecker::Create(std::move(policy));
}

void Engine::Impl::KeepStoredPolicy(absl::string_view tenant,
                                    std::shared_ptr<const PasswordChecker> checker,
                                    absl::Time now) const {
  std::lock_guard<std::mutex> lock(mu);
  if (stored_policies.size() >= 4096) stored_policies.clear();
  stored_policies[std::string(tenant)] = {std::move(checker), now + kStoredPolicyFreshness};
}

std::string Engine::Impl::SelfLink(absl::string_view user_id) const {
  return absl::StrCat(options.base_url, "/v3/users/", user_id);
}

absl::StatusOr<UserRecord> Engine::Impl::Load(absl::string_view tenant,
                                              absl::string_view id_or_username) {
  absl::StatusOr<UserRecord> r =
      internal::FindUserByIdOrName(*store, *profile, tenant, id_or_username);
  if (absl::IsNotFound(r.status())) {
    return NotFound("user", "user.not_found", "no such user in this tenant");
  }
  return r;
}

absl::StatusOr<UserRecord> Engine::Impl::LoadByIdentifier(absl::string_view tenant,
                                                          absl::string_view identifier) {
  absl::StatusOr<std::string> canonical = UsernameLookupKey(*profile, identifier);
  if (canonical.ok()) {
    auto r = store->FindUser(tenant, UserKey::kUsername, *canonical);
    if (!absl::IsNotFound(r.status())) return r;
  }
  if (identifier.find('@') != absl::string_view::npos) {
    auto r = store->FindUser(tenant, UserKey::kEmail, CanonicalEmail(identifier));
    if (!absl::IsNotFound(r.status())) return r;
  }
  if (const std::string e164 = PhoneIdentifierE164(*profile, identifier); !e164.empty()) {
    auto r = store->FindUser(tenant, UserKey::kPhone, e164);
    if (!absl::IsNotFound(r.status())) return r;
  }
  // Last, the user id (Keystone's password method names a user by id).
  if (!identifier.empty() && identifier.size() <= 64) {
    auto r = store->FindUser(tenant, UserKey::kId, identifier);
    if (!absl::IsNotFound(r.status())) return r;
  }
  return NotFound("user", "user.not_found", "no such user in this tenant");
}

absl::Status Engine::Impl::CommitUpdate(UserRecord* rec, int64_t expected, WriteSet w,
                                        UpdateKind kind) {
  w.now = clock->Now();
  if (kind != UpdateKind::kBookkeeping) rec->user.updated_at = w.now;
  w.updated_users.push_back(
      {*rec, expected, kind == UpdateKind::kBookkeeping, kind == UpdateKind::kRevokeTokens});
  return Commit(std::move(w));
}

Engine::Engine(EngineOptions options, Store* store)
    : impl_(std::make_unique<Impl>(std::move(options), store)) {
  Impl& I = *impl_;
  if (I.init.ok() && I.notifier != nullptr && I.options.dispatch_interval > absl::ZeroDuration()) {
    I.dispatcher = std::thread([&I] { I.DispatchLoop(); });
  }
}

Engine::~Engine() {
  Impl& I = *impl_;
  if (I.dispatcher.joinable()) {
    {
      std::lock_guard<std::mutex> lock(I.wake_mu);
      I.stopping = true;
    }
    I.wake.notify_one();
    I.dispatcher.join();
  }
}

const Profile& Engine::profile() const { return *impl_->profile; }

int Engine::max_batch() const { return impl_->options.max_batch; }

std::string Engine::SelfLink(absl::string_view user_id) const { return impl_->SelfLink(user_id); }

absl::Status Engine::SetPasswordPolicy(absl::string_view tenant, PasswordPolicy policy) {
  IAM_RETURN_IF_ERROR(ValidateTenantId(tenant));
  auto checker = PasswordChecker::Create(std::move(policy));
  if (!checker.ok()) return checker.status();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->policies[std::string(tenant)] = *checker;
  return absl::OkStatus();
}

std::shared_ptr<const PasswordChecker> Engine::PasswordCheckerFor(absl::string_view tenant) const {
  return impl_->CheckerFor(tenant);
}

absl::Status Engine::RegisterTenant(absl::string_view tenant) {
  IAM_RETURN_IF_ERROR(impl_->init);
  IAM_RETURN_IF_ERROR(ValidateTenantId(tenant));
  return impl_->store->RegisterTenant(tenant);
}

}  // namespace iam
