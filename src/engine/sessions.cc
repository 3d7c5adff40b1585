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
  if (t->purpose != TokenPurpose::kSession || t->expires_at <= I.clock->Now()) {
    return InvalidSession();
  }
  absl::StatusOr<UserRecord> rec = I.store->FindUser(t->tenant, UserKey::kId, t->user_id);
  if (absl::IsNotFound(rec.status()) || (rec.ok() && !rec->user.enabled)) return InvalidSession();
  if (!rec.ok()) return rec.status();
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
  if (absl::IsNotFound(t.status()) || (t.ok() && t->purpose != TokenPurpose::kSession)) {
    return InvalidSession();
  }
  if (!t.ok()) return t.status();
  WriteSet w;
  w.now = I.clock->Now();
  w.deleted_token_hashes.push_back(t->hash);
  return I.store->Commit(w);
}

}  // namespace iam
