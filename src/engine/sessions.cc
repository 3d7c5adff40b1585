// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Login sessions: a token issued on a successful login, stored only as a keyed
// hash among the user's one-time tokens, so that deleting the user or setting
// a new password (which revokes every token) ends it too; a disabled user's
// sessions stop validating at once.
#include "engine/engine_impl.h"

namespace iam {
namespace {

absl::Status InvalidSession() {
  return MakeError(absl::StatusCode::kUnauthenticated, "token", "token.invalid",
                   "token: is invalid, expired or revoked");
}

}  // namespace

absl::StatusOr<LoginResult> Engine::Login(absl::string_view tenant, absl::string_view identifier,
                                          absl::string_view password) {
  Impl& I = *impl_;
  LoginResult out;
  absl::StatusOr<AuthResult> auth = Authenticate(tenant, identifier, password);
  if (!auth.ok()) return auth.status();
  out.auth = *auth;
  if (auth->outcome != AuthOutcome::kSuccess) return out;
  absl::StatusOr<UserRecord> rec = I.store->FindUser(tenant, UserKey::kId, auth->user_id);
  if (!rec.ok()) return rec.status();
  WriteSet w;
  w.now = I.clock->Now();
  out.token = I.NewUserToken(&w, rec->user, TokenPurpose::kSession, I.options.session_ttl);
  IAM_RETURN_IF_ERROR(I.store->Commit(w));
  out.session = {std::string(tenant), auth->user_id, w.now + I.options.session_ttl, w.now};
  out.user = rec->user;
  return out;
}

absl::StatusOr<Session> Engine::ValidateSession(absl::string_view token) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  if (token.empty() || token.size() > 128) return InvalidSession();
  absl::StatusOr<TokenRecord> t = I.FindTokenRecord(token);
  if (absl::IsNotFound(t.status())) return InvalidSession();
  if (!t.ok()) return t.status();
  const bool api = t->purpose == TokenPurpose::kApiToken;
  if ((t->purpose != TokenPurpose::kSession && !api) || t->expires_at <= I.clock->Now()) {
    return InvalidSession();
  }
  absl::StatusOr<UserRecord> rec = I.store->FindUser(t->tenant, UserKey::kId, t->user_id);
  if (absl::IsNotFound(rec.status()) || (rec.ok() && !rec->user.enabled)) return InvalidSession();
  if (!rec.ok()) return rec.status();
  // An API token ends by revocation, not by the user's password.
  if (api) return Session{t->tenant, t->user_id, t->expires_at, absl::InfinitePast()};
  // A password set after the session began ends it, even when the change
  // raced the login and so missed revoking the token.
  if (rec->user.password_changed_at > t->expires_at - I.options.session_ttl) {
    return InvalidSession();
  }
  return Session{t->tenant, t->user_id, t->expires_at, t->expires_at - I.options.session_ttl};
}

absl::Status Engine::RevokeSession(absl::string_view token) {
  Impl& I = *impl_;
  IAM_RETURN_IF_ERROR(I.init);
  if (token.empty() || token.size() > 128) return InvalidSession();
  absl::StatusOr<TokenRecord> t = I.FindTokenRecord(token);
  if (absl::IsNotFound(t.status()) ||
      (t.ok() && t->purpose != TokenPurpose::kSession && t->purpose != TokenPurpose::kApiToken)) {
    return InvalidSession();
  }
  if (!t.ok()) return t.status();
  WriteSet w;
  w.now = I.clock->Now();
  w.deleted_token_hashes.push_back(t->hash);
  return I.store->Commit(w);
}

absl::StatusOr<IssuedApiToken> Engine::IssueApiToken(const Principal& caller,
                                                     absl::string_view tenant,
                                                     absl::string_view id_or_username,
                                                     absl::Duration ttl) {
  Impl& I = *impl_;
  return I.Audited(
      &caller, tenant, "iam:CreateApiToken",
      [&](Impl::AuditScope& audit) -> absl::StatusOr<IssuedApiToken> {
        IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:CreateApiToken", tenant, id_or_username));
        if (ttl < absl::ZeroDuration()) {
          return internal::Invalid("ttl", "token.invalid_ttl", "must not be negative");
        }
        absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
        if (!rec.ok()) return rec.status();
        audit.set_target(rec->user.id);
        WriteSet w;
        w.now = I.clock->Now();
        IssuedApiToken out;
        out.expires_at = ttl == absl::ZeroDuration() ? absl::InfiniteFuture() : w.now + ttl;
        out.token = I.NewUserToken(&w, rec->user, TokenPurpose::kApiToken, out.expires_at - w.now);
        IAM_RETURN_IF_ERROR(I.Commit(std::move(w)));
        return out;
      });
}

absl::Status Engine::RevokeApiTokens(const Principal& caller, absl::string_view tenant,
                                     absl::string_view id_or_username) {
  Impl& I = *impl_;
  return I.Audited(
      &caller, tenant, "iam:RevokeApiTokens", [&](Impl::AuditScope& audit) -> absl::Status {
        IAM_RETURN_IF_ERROR(I.Admit(caller, "iam:RevokeApiTokens", tenant, id_or_username));
        absl::StatusOr<UserRecord> rec = I.Load(tenant, id_or_username);
        if (!rec.ok()) return rec.status();
        audit.set_target(rec->user.id);
        const int64_t version = rec->user.version;
        return I.CommitUpdate(&*rec, version, {}, Impl::UpdateKind::kRevokeTokens);
      });
}

}  // namespace iam
