// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Keystone v3 discovery and tokens: GET / and GET /v3 (the documents
// keystoneauth reads), POST /v3/auth/tokens (the password method), and
// GET/HEAD/DELETE /v3/auth/tokens (validate, revoke). A token is an engine
// login session; the catalog's identity endpoint is this server.
#include "absl/strings/str_cat.h"
#include "iam/error.h"
#include "iam/user_id.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

json VersionView(const Call& call) {
  return {
      {"id", "v3.14"},
      {"status", "stable"},
      {"updated", "2020-04-07T00:00:00Z"},
      {"links",
       json::array({{{"rel", "self"}, {"href", absl::StrCat(call.options.public_url, "/v3/")}}})},
      {"media-types", json::array({{{"base", "application/json"},
                                    {"type", "application/vnd.openstack.identity-v3+json"}}})}};
}

absl::StatusOr<Reply> Versions(Call& call) {
  Reply r = JsonReply({{"versions", {{"values", json::array({VersionView(call)})}}}}, 300);
  r.headers.emplace_back("Location", absl::StrCat(call.options.public_url, "/v3/"));
  return r;
}

absl::StatusOr<Reply> Version(Call& call) { return JsonReply({{"version", VersionView(call)}}); }

absl::Status AuthFailed() {
  return MakeError(absl::StatusCode::kUnauthenticated, "", "auth.failed",
                   "The request you have made requires authentication.");
}

absl::Status Malformed(absl::string_view field, absl::string_view what) {
  return InvalidField(field, "request.invalid_type", absl::StrCat(field, ": must be ", what));
}

// The object at `o[key]`, null when absent; 400 when not an object.
absl::StatusOr<const json*> Member(const json& o, const char* key, absl::string_view field) {
  auto it = o.find(key);
  if (it == o.end()) return nullptr;
  if (!it->is_object()) return Malformed(field, "an object");
  return &*it;
}

// A domain reference {"id"} or {"name"}: both are the tenant id here.
absl::StatusOr<std::string> DomainRef(const json* domain, absl::string_view field) {
  if (domain == nullptr) return std::string();
  for (const char* key : {"id", "name"}) {
    if (auto it = domain->find(key); it != domain->end()) {
      if (!it->is_string()) return Malformed(absl::StrCat(field, ".", key), "a string");
      return it->get<std::string>();
    }
  }
  return InvalidField(field, "request.missing_field", absl::StrCat(field, ": needs id or name"));
}

struct Scope {
  bool domain = false;  // else unscoped
  std::string domain_id;
};

json TokenView(const Call& call, const Session& session, const User& user, const Scope& scope,
               absl::Time issued_at, bool catalog) {
  const json domain = {{"id", session.tenant}, {"name", session.tenant}};
  json token = {{"methods", json::array({"password"})},
                {"user",
                 {{"id", user.id},
                  {"name", user.username},
                  {"domain", domain},
                  {"password_expires_at", KeystoneTime(user.password_expires_at)}}},
                {"audit_ids", json::array()},
                {"expires_at", KeystoneTime(session.expires_at)},
                {"issued_at", KeystoneTime(issued_at)}};
  if (scope.domain) {
    token["domain"] = domain;
    token["roles"] = json::array();
    if (catalog) {
      const std::string url = absl::StrCat(call.options.public_url, "/v3/");
      json endpoints = json::array();
      for (const char* interface : {"public", "internal", "admin"}) {
        endpoints.push_back({{"id", absl::StrCat("identity-", interface)},
                             {"interface", interface},
                             {"region", "RegionOne"},
                             {"region_id", "RegionOne"},
                             {"url", url}});
      }
      token["catalog"] = json::array({{{"type", "identity"},
                                       {"id", "identity"},
                                       {"name", "iamcore"},
                                       {"endpoints", std::move(endpoints)}}});
    }
  }
  return {{"token", std::move(token)}};
}

absl::StatusOr<Reply> IssueToken(Call& call) {
  constexpr FieldSpec kAuthFields[] = {{"identity", JsonKind::kObject}, {"scope", JsonKind::kAny}};
  absl::StatusOr<const json*> auth = BodyObject(call, "auth", kAuthFields);
  if (!auth.ok()) return auth.status();
  // Pointers into the body only: a copy of a deeply nested value would recurse.
  absl::StatusOr<const json*> identity = Member(**auth, "identity", "auth.identity");
  if (!identity.ok()) return identity.status();
  if (*identity == nullptr) {
    return InvalidField("auth.identity", "request.missing_field", "auth.identity: is required");
  }
  const auto methods = (*identity)->find("methods");
  if (methods == (*identity)->end() || !methods->is_array() || methods->size() != 1 ||
      !(*methods)[0].is_string() || (*methods)[0].get_ref<const std::string&>() != "password") {
    return MakeError(absl::StatusCode::kUnauthenticated, "auth.identity.methods",
                     "auth.method_unsupported",
                     "auth.identity.methods: only [\"password\"] is supported");
  }
  absl::StatusOr<const json*> password = Member(**identity, "password", "auth.identity.password");
  if (!password.ok()) return password.status();
  absl::StatusOr<const json*> user =
      *password == nullptr ? absl::StatusOr<const json*>(nullptr)
                           : Member(**password, "user", "auth.identity.password.user");
  if (!user.ok()) return user.status();
  if (*user == nullptr) {
    return InvalidField("auth.identity.password.user", "request.missing_field",
                        "auth.identity.password.user: is required");
  }
  const json& u = **user;
  const std::optional<std::string> id = OptString(u, "id");
  const std::optional<std::string> name = OptString(u, "name");
  std::string secret = OptString(u, "password").value_or("");
  WipeOnExit wipe{secret};
  if (!u.contains("password") || (!id.has_value() && !name.has_value())) {
    return InvalidField("auth.identity.password.user", "request.missing_field",
                        "auth.identity.password.user: needs password and id or name");
  }
  absl::StatusOr<const json*> user_domain =
      Member(u, "domain", "auth.identity.password.user.domain");
  if (!user_domain.ok()) return user_domain.status();
  absl::StatusOr<std::string> tenant =
      DomainRef(*user_domain, "auth.identity.password.user.domain");
  if (!tenant.ok()) return tenant.status();

  Scope scope;
  const auto scope_it = (*auth)->find("scope");
  if (scope_it != (*auth)->end() && scope_it->is_object()) {
    if (scope_it->contains("domain")) {
      absl::StatusOr<const json*> d = Member(*scope_it, "domain", "auth.scope.domain");
      if (!d.ok()) return d.status();
      absl::StatusOr<std::string> domain = DomainRef(*d, "auth.scope.domain");
      if (!domain.ok()) return domain.status();
      scope = {true, *domain};
    } else if (!scope_it->empty()) {
      // Projects, trusts and system scope are not iamcore's: Keystone answers
      // 401 for a scope the user has no role on.
      return AuthFailed();
    }
  } else if (scope_it != (*auth)->end() &&
             !(scope_it->is_string() && scope_it->get_ref<const std::string&>() == "unscoped")) {
    return Malformed("auth.scope", "an object or \"unscoped\"");
  }
  if (tenant->empty()) *tenant = scope.domain_id;  // a user by id: its domain is the scope's
  if (tenant->empty()) {
    if (const std::string* header = FindHeader(call.request.headers, "X-Domain-Id")) {
      *tenant = *header;
    }
  }
  if (tenant->empty() || (scope.domain && scope.domain_id != *tenant)) return AuthFailed();

  // By id or by name: Login takes either.
  absl::StatusOr<LoginResult> login =
      call.engine.Login(*tenant, id.has_value() ? *id : *name, secret);
  if (!login.ok()) {
    // An unknown tenant is a failed login, like an unknown user.
    if (absl::IsInvalidArgument(login.status()) || absl::IsNotFound(login.status()) ||
        absl::IsFailedPrecondition(login.status())) {
      return AuthFailed();
    }
    return login.status();
  }
  switch (login->auth.outcome) {
    case AuthOutcome::kSuccess:
      break;
    case AuthOutcome::kResetRequired:
    case AuthOutcome::kExpired:
      // Keystone's PasswordExpired (401): change the password, then log in.
      return MakeError(absl::StatusCode::kUnauthenticated, "", "password.reset_required",
                       absl::StrCat("The password is expired and needs to be changed for user: ",
                                    login->auth.user_id, "."));
    default:
      return AuthFailed();
  }
  // A user by id must be the one named (the id lookup comes last in Login).
  if (id.has_value() && login->user.id != *id) {
    (void)call.engine.RevokeSession(login->token.view());
    return AuthFailed();
  }
  call.caller = CallerOf(call.request, login->session.user_id, login->session.tenant, "token");
  Reply r = JsonReply(
      TokenView(call, login->session, login->user, scope, login->session.issued_at, true), 201);
  r.headers.emplace_back("X-Subject-Token", std::string(login->token.view()));
  return r;
}

absl::Status TokenNotFound() {
  return MakeError(absl::StatusCode::kNotFound, "X-Subject-Token", "token.not_found",
                   "Could not find token.");
}

// The session of X-Subject-Token, in the caller's tenant; 404 as Keystone
// when it is not valid (or another tenant's).
absl::StatusOr<Session> SubjectSession(Call& call) {
  const std::string* subject = FindHeader(call.request.headers, "X-Subject-Token");
  if (subject == nullptr) {
    return InvalidField("X-Subject-Token", "request.missing_field", "X-Subject-Token: is required");
  }
  absl::StatusOr<Session> session = call.engine.ValidateSession(*subject);
  if (absl::IsUnauthenticated(session.status())) return TokenNotFound();
  if (session.ok() && session->tenant != call.caller.tenant) return TokenNotFound();
  return session;
}

absl::StatusOr<Reply> ValidateToken(Call& call) {
  absl::StatusOr<Session> session = SubjectSession(call);
  if (!session.ok()) return session.status();
  // Read as the caller: it must be allowed to see the token's user.
  absl::StatusOr<User> user = call.engine.GetUser(call.caller, session->tenant, session->user_id);
  if (!user.ok()) return user.status();
  Reply r;
  const bool catalog = !QueryParam(call, "nocatalog").has_value();
  r.body = TokenView(call, *session, *user, {true, session->tenant}, session->issued_at, catalog);
  r.headers.emplace_back("X-Subject-Token", *FindHeader(call.request.headers, "X-Subject-Token"));
  return r;
}

absl::StatusOr<Reply> RevokeToken(Call& call) {
  absl::StatusOr<Session> session = SubjectSession(call);
  if (!session.ok()) return session.status();
  absl::Status s = call.engine.RevokeSession(*FindHeader(call.request.headers, "X-Subject-Token"));
  if (absl::IsUnauthenticated(s)) return TokenNotFound();
  if (!s.ok()) return s;
  return NoContent();
}

constexpr Route kRoutes[] = {
    {"GET", "/", Access::kPublic, Versions, ""},
    {"GET", "/v3", Access::kPublic, Version, ""},
    {"POST", "/v3/auth/tokens", Access::kPublic, IssueToken, "auth"},
    {"GET", "/v3/auth/tokens", Access::kAuthenticated, ValidateToken, ""},
    {"DELETE", "/v3/auth/tokens", Access::kAuthenticated, RevokeToken, ""},
};

}  // namespace

absl::Span<const Route> KeystoneTokenRoutes() { return kRoutes; }

}  // namespace iam::wire
