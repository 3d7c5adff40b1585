// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's session, and the APIs the console needs beyond the seeds'
// own. Every rule stays in the engine: these routes read a request, call it
// and render its answer with the renderers every surface uses.
//
//   POST   /console/api/session   sign in: {"session": {"domain_id",
//                                 "identifier", "password"[, "new_password"]}}; the session
//                                 token goes into an HttpOnly cookie only
//   GET    /console/api/session   who is signed in, and the CSRF token
//   DELETE /console/api/session   sign out (the session is revoked)
//   POST   /v3.0/OS-USER/users/batch
//                                 up to max_batch users, all or none, in
//                                 iamctl's batch JSON ({"users": [create-user
//                                 keys]}), answered as iamctl batch-create
//   POST   /v3.0/OS-SECURITYPOLICY/password-check
//                                 {"password_check": {"password"[, "user_name",
//                                 "email", "phone"]}}: every unmet rule of the
//                                 tenant's policy
//   GET    /v3.0/OS-SECURITYPOLICY/domains/{id}/password-policy
//   PUT    /v3.0/OS-SECURITYPOLICY/domains/{id}/password-policy
//                                 Huawei's "query" and "modify the password
//                                 policy" (Account Settings, kept in the store)
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/import.h"
#include "iam/json.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

// The cookie's attributes: the whole site (the console calls /v3 too), never
// sent cross-site, out of the page's scripts' reach; Secure behind TLS.
std::string SessionCookie(const Call& call, absl::string_view token, int64_t max_age) {
  std::string cookie = absl::StrCat(kConsoleCookie, "=", token, "; Path=/; Max-Age=", max_age,
                                    "; HttpOnly; SameSite=Strict");
  if (absl::StartsWith(call.options.public_url, "https://")) absl::StrAppend(&cookie, "; Secure");
  return cookie;
}

json SessionView(const Session& session, const User& user, absl::string_view token) {
  return {{"user", {{"id", user.id}, {"name", user.username}}},
          {"domain_id", session.tenant},
          {"expires_at", TimeToJson(session.expires_at)},
          {"csrf_token", ConsoleCsrfToken(token)}};
}

absl::Status SignInFailed() {
  return MakeError(absl::StatusCode::kUnauthenticated, "", "auth.failed",
                   "The account name, user name or password is wrong, or the account is locked.");
}

constexpr FieldSpec kSignInFields[] = {{"domain_id", JsonKind::kString},
                                       {"identifier", JsonKind::kString},
                                       {"password", JsonKind::kString},
                                       {"new_password", JsonKind::kString}};

absl::StatusOr<Reply> SignIn(Call& call) {
  absl::StatusOr<const json*> body = BodyObject(call, "session", kSignInFields);
  if (!body.ok()) return body.status();
  const json& b = **body;
  for (const char* required : {"domain_id", "identifier", "password"}) {
    if (OptString(b, required).value_or("").empty()) {
      const std::string field = absl::StrCat("session.", required);
      return InvalidField(field, "request.missing_field", absl::StrCat(field, ": is required"));
    }
  }
  const std::string tenant = *OptString(b, "domain_id");
  const std::string identifier = *OptString(b, "identifier");
  std::string password = *OptString(b, "password");
  std::string new_password = OptString(b, "new_password").value_or("");
  WipeOnExit wipe_password{password};
  WipeOnExit wipe_new_password{new_password};

  absl::StatusOr<LoginResult> login = call.engine.Login(tenant, identifier, password);
  if (!login.ok()) {
    if (absl::IsInvalidArgument(login.status()) || absl::IsNotFound(login.status()) ||
        absl::IsFailedPrecondition(login.status())) {
      return SignInFailed();
    }
    return login.status();
  }
  const AuthOutcome outcome = login->auth.outcome;
  if (outcome == AuthOutcome::kResetRequired || outcome == AuthOutcome::kExpired) {
    // The forced-reset step: the right password, and a new one under the
    // tenant's policy; then the new one signs in.
    if (new_password.empty()) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "session.new_password",
                       "password.reset_required",
                       "session.new_password: the password must be changed before signing in");
    }
    IAM_RETURN_IF_ERROR(
        call.engine.ChangePassword(tenant, login->auth.user_id, password, new_password));
    login = call.engine.Login(tenant, identifier, new_password);
    if (!login.ok()) return login.status();
  }
  if (login->auth.outcome != AuthOutcome::kSuccess) return SignInFailed();
  const absl::string_view token = login->token.view();
  Reply reply = JsonReply(SessionView(login->session, login->user, token), 201);
  reply.headers.emplace_back(
      "Set-Cookie",
      SessionCookie(call, token,
                    absl::ToInt64Seconds(login->session.expires_at - login->session.issued_at)));
  return reply;
}

absl::StatusOr<Reply> ShowSession(Call& call) {
  std::optional<absl::string_view> token = ConsoleCookie(call.request);
  if (!token.has_value()) {
    return MakeError(absl::StatusCode::kUnauthenticated, "", "auth.missing",
                     "Sign in to the console first.");
  }
  // Signed in by the cookie, the caller's session is the cookie's, validated
  // once already; another caller's cookie is validated here.
  absl::StatusOr<Session> session = call.caller.context.auth_method == "console" && call.session
                                        ? *call.session
                                        : call.engine.ValidateSession(*token);
  if (!session.ok()) return session.status();
  absl::StatusOr<User> user = call.engine.GetUser(call.caller, session->tenant, session->user_id);
  if (!user.ok()) return user.status();
  return JsonReply(SessionView(*session, *user, *token));
}

absl::StatusOr<Reply> SignOut(Call& call) {
  if (std::optional<absl::string_view> token = ConsoleCookie(call.request)) {
    absl::Status revoked = call.engine.RevokeSession(*token);
    if (!revoked.ok() && !absl::IsUnauthenticated(revoked)) return revoked;
  }
  Reply reply = NoContent();
  reply.headers.emplace_back("Set-Cookie", SessionCookie(call, "", 0));
  return reply;
}

// The batch's size is the engine's to judge (batch.empty, batch.too_large).
absl::StatusOr<Reply> BatchCreate(Call& call) {
  absl::StatusOr<std::vector<CreateUserRequest>> requests =
      BatchRequestsFromJson(call.body, "users", call.caller.tenant);
  if (!requests.ok()) return requests.status();
  for (size_t i = 0; i < requests->size(); ++i) {
    CreateUserRequest& r = (*requests)[i];
    IAM_RETURN_IF_ERROR(SameDomain(call, r.tenant, absl::StrCat("users[", i, "].tenant")));
    r.caller = call.caller;
  }
  absl::StatusOr<BatchCreateResult> batch = call.engine.BatchCreateUsers(*requests);
  if (!batch.ok()) return batch.status();
  Reply reply;
  reply.status = batch->committed ? 201 : 400;
  reply.secret_body = ToSecretJson(*batch, call.engine.profile());
  if (batch->committed && !batch->items.empty() && batch->items.front().ok()) {
    call.request_id = batch->items.front()->request_id;
  }
  return reply;
}

constexpr FieldSpec kCheckFields[] = {{"password", JsonKind::kString},
                                      {"user_name", JsonKind::kString},
                                      {"email", JsonKind::kString},
                                      {"phone", JsonKind::kString}};

absl::StatusOr<Reply> CheckPassword(Call& call) {
  absl::StatusOr<const json*> body = BodyObject(call, "password_check", kCheckFields);
  if (!body.ok()) return body.status();
  std::string password = OptString(**body, "password").value_or("");
  WipeOnExit wipe{password};
  const std::string username = OptString(**body, "user_name").value_or("");
  const std::string email = OptString(**body, "email").value_or("");
  const std::string phone = OptString(**body, "phone").value_or("");
  const Violations violations = call.engine.PasswordCheckerFor(call.caller.tenant)
                                    ->Check(password, {username, email, phone}, "password");
  json list = json::array();
  for (const Violation& v : violations) {
    list.push_back({{"field", v.field}, {"reason", v.reason}, {"message", v.message}});
  }
  return JsonReply({{"valid", violations.empty()}, {"violations", std::move(list)}});
}

absl::StatusOr<Reply> ShowPasswordPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(SameDomain(call, call.params[0], "domain_id"));
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> checker =
      call.engine.GetPasswordPolicy(call.caller, call.caller.tenant);
  if (!checker.ok()) return checker.status();
  return JsonReply({{"password_policy", PasswordPolicyJson(**checker)}});
}

absl::StatusOr<Reply> UpdatePasswordPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(SameDomain(call, call.params[0], "domain_id"));
  const auto settings = call.body.find("password_policy");
  if (settings == call.body.end() || !settings->is_object() || call.body.size() != 1) {
    return InvalidField("password_policy", "request.invalid_type",
                        "password_policy: the body is {\"password_policy\": {settings}}");
  }
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> checker =
      call.engine.UpdatePasswordPolicy(call.caller, call.caller.tenant, *settings);
  if (!checker.ok()) return checker.status();
  return JsonReply({{"password_policy", PasswordPolicyJson(**checker)}});
}

constexpr Access kAuth = Access::kAuthenticated;
constexpr Route kRoutes[] = {
    {"POST", "/console/api/session", Access::kPublic, SignIn, "session"},
    {"GET", "/console/api/session", kAuth, ShowSession, ""},
    {"DELETE", "/console/api/session", kAuth, SignOut, ""},
    {"POST", "/v3.0/OS-USER/users/batch", kAuth, BatchCreate, "users"},
    {"POST", "/v3.0/OS-SECURITYPOLICY/password-check", kAuth, CheckPassword, "password_check"},
    {"GET", "/v3.0/OS-SECURITYPOLICY/domains/{}/password-policy", kAuth, ShowPasswordPolicy, ""},
    {"PUT", "/v3.0/OS-SECURITYPOLICY/domains/{}/password-policy", kAuth, UpdatePasswordPolicy,
     "password_policy"},
};

}  // namespace

absl::Span<const Route> ConsoleApiRoutes() { return kRoutes; }

}  // namespace iam::wire
