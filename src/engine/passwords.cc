// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Passwords after creation: login with lockout, first-login links, resets and
// changes, and the one-time tokens behind links and resets.
#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/engine_impl.h"
#include "iam/names.h"
#include "iam/token.h"

namespace iam {

using internal::Invalid;

Secret Engine::Impl::NewUserToken(WriteSet* w, const User& u, TokenPurpose purpose,
                                  absl::Duration ttl) {
  Secret token = NewToken(random);
  TokenRecord t;
  t.hash = token_hasher->Hash(token.view());
  t.tenant = u.tenant;
  t.user_id = u.id;
  t.purpose = purpose;
  t.expires_at = w->now + ttl;
  w->new_tokens.push_back(std::move(t));
  return token;
}

absl::StatusOr<TokenRecord> Engine::Impl::FindTokenRecord(absl::string_view token) {
  // The token's hash under each known host key: a rotated key still opens it.
  absl::StatusOr<TokenRecord> t = absl::NotFoundError("token");
  for (const std::string& hash : token_hasher->Candidates(token)) {
    t = store->FindToken(hash);
    if (!absl::IsNotFound(t.status())) break;
  }
  return t;
}

absl::Status Engine::Impl::SetPassword(UserRecord* rec, absl::string_view password, absl::Time now,
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

absl::StatusOr<User> Engine::Impl::RedeemToken(absl::string_view token, TokenPurpose purpose,
                                               absl::string_view new_password) {
  const char* action =
      purpose == TokenPurpose::kFirstLogin ? "iam:RedeemLoginLink" : "iam:CompletePasswordReset";
  return Audited(nullptr, "", action, [&](AuditScope& audit) -> absl::StatusOr<User> {
    IAM_RETURN_IF_ERROR(init);
    const absl::Status invalid =
        Invalid("token", "token.invalid", "is invalid, already used, or expired");
    if (token.empty() || token.size() > 128) return invalid;
    absl::StatusOr<TokenRecord> t = FindTokenRecord(token);
    if (absl::IsNotFound(t.status())) return invalid;
    if (!t.ok()) return t.status();
    const absl::Time now = clock->Now();
    if (t->purpose != purpose || t->expires_at <= now) return invalid;
    absl::StatusOr<UserRecord> rec = store->FindUser(t->tenant, UserKey::kId, t->user_id);
    if (absl::IsNotFound(rec.status())) return invalid;
    if (!rec.ok()) return rec.status();
    audit.set_tenant(t->tenant);
    audit.set_target(t->user_id);
    audit.set_actor(t->user_id);
    const int64_t version = rec->user.version;
    IAM_RETURN_IF_ERROR(SetPassword(&*rec, new_password, now, false, "new_password"));
    WriteSet w;
    w.deleted_token_hashes.push_back(t->hash);
    IAM_RETURN_IF_ERROR(CommitUpdate(&*rec, version, std::move(w), UpdateKind::kRevokeTokens));
    rec->user.version = version + 1;
    return rec->user;
  });
}

std::mutex& Engine::Impl::LoginLock(const std::string& tenant, const std::string& id) {
  return login_locks[absl::HashOf(tenant, id) % login_locks.size()];
}

void Engine::Impl::RecordLogin(const std::string& tenant, const std::string& id, bool success,
                               const std::string& rehash, const std::string& verified_hash) {
  // Bookkeeping keeps the version, so the store cannot tell two of them
  // apart: concurrent outcomes of one user are serialised here.
  std::lock_guard<std::mutex> serialised(LoginLock(tenant, id));
  RecordLoginLocked(tenant, id, success, rehash, verified_hash);
}

void Engine::Impl::RecordLoginLocked(const std::string& tenant, const std::string& id, bool success,
                                     const std::string& rehash, const std::string& verified_hash) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<UserRecord> rec = store->FindUser(tenant, UserKey::kId, id);
    if (!rec.ok()) return;
    const int64_t version = rec->user.version;
    if (success) {
      const bool rehashing = !rehash.empty() && rec->password_hash == verified_hash;
      if (rec->failed_logins == 0 && !rehashing) return;
      rec->failed_logins = 0;
      if (rehashing) rec->password_hash = rehash;
    } else {
      if (++rec->failed_logins >= options.max_failed_logins) {
        if (AuditScope* audit = AuditScope::Current()) audit->Also("iam:LockUser", id);
        rec->failed_logins = 0;
        rec->locked_until = clock->Now() + options.lockout_duration;
      }
    }
    // Login bookkeeping is not an edit: it keeps the version callers hold.
    absl::Status s = CommitUpdate(&*rec, version, {}, UpdateKind::kBookkeeping);
    if (!absl::IsAborted(s)) return;
  }
}

bool Engine::Impl::VerifyPassword(const absl::StatusOr<UserRecord>& rec, absl::string_view raw,
                                  absl::string_view password, std::string* rehash) {
  // The truth for the audit log; the caller hears one answer for all of them.
  AuditScope* audit = AuditScope::Current();
  auto refused = [audit](absl::string_view reason) {
    if (audit != nullptr) audit->set_outcome("failure", reason);
    return false;
  };
  if (!rec.ok() || rec->password_hash.empty()) {
    hasher.Verify(hasher.DummyHash(), password);
    return refused(rec.ok() ? "password.not_set" : "user.not_found");
  }
  if (audit != nullptr) {
    audit->set_target(rec->user.id);
    audit->set_actor(rec->user.id);
  }
  // N parallel guesses get at most max_failed_logins verifications that can
  // count, not N: under the user's lock each guess reserves one of the
  // attempts left before lockout (stored failures plus guesses in flight), and
  // is refused uncounted when none is left. The hash is verified outside the
  // lock, as an unknown name's dummy is, so that concurrent guesses at an
  // account take as long as those at a name that is nobody's.
  const std::string& tenant = rec->user.tenant;
  const std::string& id = rec->user.id;
  absl::StatusOr<UserRecord> current = absl::NotFoundError("user");
  absl::string_view refusal;  // "" = verify, then count the outcome
  {
    std::lock_guard<std::mutex> serialised(LoginLock(tenant, id));
    current = store->FindUser(tenant, UserKey::kId, id);
    if (!current.ok() || current->password_hash != rec->password_hash) {
      refusal = "password.mismatch";  // deleted or given a new password meanwhile
    } else if (current->locked_until > clock->Now() ||
               current->failed_logins + LoginsInFlight(tenant, id, 0) >=
                   options.max_failed_logins) {
      // During a lockout (or with every attempt left in flight) every
      // password, the right one too, fails alike and uncounted.
      refusal = "user.locked";
    } else {
      LoginsInFlight(tenant, id, +1);
    }
  }
  // A hash carried over from another system was made of the password as typed
  // there; this library's own hashes are of the normalized form.
  const bool verifiable = current.ok() && current->password_hash == rec->password_hash;
  const bool imported = verifiable && !absl::StartsWith(current->password_hash, "$argon2id$");
  const bool match = hasher.Verify(verifiable ? current->password_hash : hasher.DummyHash(),
                                   imported ? raw : password);
  if (!refusal.empty()) return refused(refusal);
  std::lock_guard<std::mutex> serialised(LoginLock(tenant, id));
  LoginsInFlight(tenant, id, -1);
  if (!match) {
    refused("password.mismatch");
    RecordLoginLocked(tenant, id, /*success=*/false, "");
    return false;
  }
  if (rehash != nullptr && hasher.NeedsRehash(rec->password_hash)) {
    absl::StatusOr<std::string> h = hasher.Hash(password);
    if (h.ok()) *rehash = std::move(*h);
  }
  return true;
}

int Engine::Impl::LoginsInFlight(const std::string& tenant, const std::string& id, int delta) {
  std::lock_guard<std::mutex> lock(login_flight_mu);
  const std::string key = absl::StrCat(tenant, "\x1f", id);
  auto it = login_flight.try_emplace(key, 0).first;
  it->second += delta;
  const int now = it->second;
  if (now <= 0) login_flight.erase(it);
  return now;
}

absl::StatusOr<AuthResult> Engine::Authenticate(absl::string_view tenant,
                                                absl::string_view identifier,
                                                absl::string_view password) {
  Impl& I = *impl_;
  return I.Audited(
      nullptr, tenant, "iam:Login", [&](Impl::AuditScope& audit) -> absl::StatusOr<AuthResult> {
        audit.set_must_record();
        IAM_RETURN_IF_ERROR(I.AdmitSelfService(tenant));
        const absl::Time now = I.clock->Now();
        AuthResult result;
        absl::StatusOr<UserRecord> rec = I.LoadByIdentifier(tenant, identifier);
        if (!rec.ok() && !absl::IsNotFound(rec.status())) return rec.status();
        absl::StatusOr<std::string> normalized = I.CheckerFor(tenant)->Normalize(password);
        const Secret pw(normalized.ok() ? std::move(*normalized) : std::string());
        std::string rehash;
        // Unknown, wrong, or locked and wrong: one answer, after one Argon2id.
        if (!I.VerifyPassword(rec, password, pw.view(), &rehash) || !normalized.ok()) return result;
        result.user_id = rec->user.id;
        if (!rec->user.enabled) {
          result.outcome = AuthOutcome::kDisabled;
        } else if (rec->user.password_reset_required) {
          result.outcome = AuthOutcome::kResetRequired;
        } else if (rec->user.password_expires_at <= now) {
          result.outcome = AuthOutcome::kExpired;
        } else {
          result.outcome = AuthOutcome::kSuccess;
        }
        if (result.outcome != AuthOutcome::kSuccess) {
          audit.set_outcome("failure", absl::StrCat("login.", AuthOutcomeName(result.outcome)));
        }
        I.RecordLogin(std::string(tenant), rec->user.id, true, rehash, rec->password_hash);
        return result;
      });
}

absl::StatusOr<User> Engine::RedeemLoginLink(absl::string_view token,
                                             absl::string_view new_password) {
  return impl_->RedeemToken(token, TokenPurpose::kFirstLogin, new_password);
}

absl::Status Engine::StartPasswordReset(absl::string_view tenant, absl::string_view identifier,
                                        Channel channel) {
  Impl& I = *impl_;
  return I.Audited(
      nullptr, tenant, "iam:StartPasswordReset", [&](Impl::AuditScope& audit) -> absl::Status {
        IAM_RETURN_IF_ERROR(I.AdmitSelfService(tenant));
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
        audit.set_target(u.id);
        audit.set_actor(u.id);
        const Secret token =
            I.NewUserToken(&w, u, TokenPurpose::kPasswordReset, I.options.reset_token_ttl);
        const Secret link(absl::StrCat(I.options.base_url, "/reset-password?token=", token.view()));
        I.Enqueue(&w, u, channel, "password_reset", link, link.view());
        IAM_RETURN_IF_ERROR(I.Commit(w));
        I.DispatchAfterCommit();
        return absl::OkStatus();
      });
}

absl::StatusOr<User> Engine::CompleteReset(absl::string_view token,
                                           absl::string_view new_password) {
  return impl_->RedeemToken(token, TokenPurpose::kPasswordReset, new_password);
}

absl::Status Engine::ChangePassword(absl::string_view tenant, absl::string_view id_or_username,
                                    absl::string_view old_password,
                                    absl::string_view new_password) {
  Impl& I = *impl_;
  return I.Audited(nullptr, tenant, "iam:ChangePassword", [&](Impl::AuditScope&) -> absl::Status {
    IAM_RETURN_IF_ERROR(I.AdmitSelfService(tenant));
    absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
    if (!rec.ok() && !absl::IsNotFound(rec.status())) return rec.status();
    absl::StatusOr<std::string> normalized = I.CheckerFor(tenant)->Normalize(old_password);
    const Secret old(normalized.ok() ? std::move(*normalized) : std::string());
    // An unknown user and a wrong password answer alike; a wrong one counts
    // towards lockout, as a failed login does.
    if (!I.VerifyPassword(rec, old_password, old.view(), nullptr) || !normalized.ok()) {
      return Invalid("old_password", "password.incorrect", "is not the current password");
    }
    const absl::Time now = I.clock->Now();
    const int64_t version = rec->user.version;
    IAM_RETURN_IF_ERROR(I.SetPassword(&*rec, new_password, now, true, "new_password"));
    return I.CommitUpdate(&*rec, version, {}, Impl::UpdateKind::kRevokeTokens);
  });
}

absl::StatusOr<std::shared_ptr<const PasswordChecker>> Engine::GetPasswordPolicy(
    const Principal& caller, absl::string_view tenant) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenantId(tenant));
  IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:GetPasswordPolicy", tenant));
  return I.CheckerFor(tenant);
}

absl::StatusOr<std::shared_ptr<const PasswordChecker>> Engine::UpdatePasswordPolicy(
    const Principal& caller, absl::string_view tenant, const nlohmann::json& settings) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  IAM_RETURN_IF_ERROR(ValidateTenantId(tenant));
  return I.Audited(
      &caller, tenant, "iam:UpdatePasswordPolicy",
      [&](Impl::AuditScope& audit) -> absl::StatusOr<std::shared_ptr<const PasswordChecker>> {
        audit.set_must_record();
        audit.set_target(Impl::kPasswordPolicySetting);
        IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:UpdatePasswordPolicy", tenant));
        if (!settings.is_object()) {
          return InvalidField("password_policy", "password_policy.invalid",
                              "password_policy: must be an object");
        }
        absl::StatusOr<std::optional<DirectoryEntry>> stored = I.FindPolicySettings(tenant);
        if (!stored.ok()) return stored.status();
        // The stored settings with these over them, checked whole.
        nlohmann::json merged = stored->has_value()
                                    ? nlohmann::json::parse((*stored)->document, nullptr, false)
                                    : nlohmann::json::object();
        if (!merged.is_object()) merged = nlohmann::json::object();
        merged.update(settings);
        absl::StatusOr<std::shared_ptr<const PasswordChecker>> checker =
            I.CheckerFromSettings(merged);
        if (!checker.ok()) return checker.status();
        const absl::Time now = I.clock->Now();
        DirectoryEntry e;
        e.kind = EntryKind::kSetting;
        e.tenant = std::string(tenant);
        e.id = Impl::kPasswordPolicySetting;
        e.name = Impl::kPasswordPolicySetting;
        e.document = merged.dump();
        e.created_at = now;
        if (stored->has_value()) {
          e.created_at = (*stored)->created_at;
          e.updated_at = now;
          IAM_RETURN_IF_ERROR(I.store->UpdateEntry(e, (*stored)->version));
        } else {
          IAM_RETURN_IF_ERROR(I.store->CreateEntry(e));
        }
        I.KeepStoredPolicy(tenant, *checker, now);
        std::lock_guard<std::mutex> lock(I.mu);
        if (auto it = I.policies.find(tenant); it != I.policies.end()) it->second = *checker;
        return *checker;
      });
}

}  // namespace iam
