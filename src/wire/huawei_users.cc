// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Huawei IAM's extended v3.0 APIs: users with contact details
// (/v3.0/OS-USER/users) and permanent access keys
// (/v3.0/OS-CREDENTIAL/credentials, the secret returned once). Errors are
// Huawei's {"error_msg", "error_code"}.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "iam/audit.h"
#include "iam/error.h"
#include "iam/json.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

// Huawei's access_mode: both ways in, API only, console only.
absl::string_view AccessMode(const User& u) {
  return u.console_access ? "default" : "programmatic";
}

json UserView(const Call& call, const User& u) {
  return {{"id", u.id},
          {"name", u.username},
          {"domain_id", u.tenant},
          {"enabled", u.enabled},
          {"description", u.description},
          {"email", u.email},
          {"areacode", u.phone_region},
          {"phone", u.phone},
          {"pwd_status", u.password_reset_required},
          {"access_mode", AccessMode(u)},
          {"is_domain_owner", false},
          {"xuser_id", u.external_id == u.id ? "" : u.external_id},
          {"xuser_type", u.external_id == u.id ? "" : "TenantIdp"},
          {"password_expires_at", KeystoneTime(u.password_expires_at)},
          {"create_time", KeystoneTime(u.created_at)},
          {"default_project_id", u.default_project_id},
          {"links", SelfLinks(absl::StrCat(call.options.public_url, "/v3/users/", u.id))}};
}

absl::Status CheckAccessMode(const json& u, bool has_password) {
  const std::optional<std::string> mode = OptString(u, "access_mode");
  if (!mode.has_value()) return absl::OkStatus();
  if (*mode != "default" && *mode != "programmatic" && *mode != "console") {
    return InvalidField("user.access_mode", "access_mode.invalid",
                        "user.access_mode: must be default, programmatic or console");
  }
  if (*mode == "programmatic" && has_password) {
    return InvalidField("user.access_mode", "access_mode.conflict",
                        "user.access_mode: programmatic access takes no password");
  }
  return absl::OkStatus();
}

constexpr FieldSpec kUserFields[] = {
    {"name", JsonKind::kString},        {"domain_id", JsonKind::kString},
    {"password", JsonKind::kString},    {"email", JsonKind::kString},
    {"areacode", JsonKind::kString},    {"phone", JsonKind::kString},
    {"enabled", JsonKind::kBool},       {"pwd_status", JsonKind::kBool},
    {"xuser_type", JsonKind::kString},  {"xuser_id", JsonKind::kString},
    {"access_mode", JsonKind::kString}, {"description", JsonKind::kString},
};

absl::Status XUserPair(const json& u) {
  if (u.contains("xuser_id") != u.contains("xuser_type")) {
    return InvalidField(u.contains("xuser_id") ? "user.xuser_type" : "user.xuser_id",
                        "request.missing_field",
                        "user.xuser_id and user.xuser_type: must be given together");
  }
  return absl::OkStatus();
}

// The "user" object of a create or an update, its shape and its cross-field
// rules checked (domain, access mode, xuser pair).
absl::StatusOr<const json*> UserBody(const Call& call) {
  absl::StatusOr<const json*> body = BodyObject(call, "user", kUserFields);
  if (!body.ok()) return body.status();
  const json& u = **body;
  if (absl::Status s = SameDomain(call, OptString(u, "domain_id"), "user.domain_id"); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckAccessMode(u, u.contains("password")); !s.ok()) return s;
  if (absl::Status s = XUserPair(u); !s.ok()) return s;
  return body;
}

absl::StatusOr<Reply> CreateUser(Call& call) {
  absl::StatusOr<const json*> body = UserBody(call);
  if (!body.ok()) return body.status();
  const json& u = **body;
  CreateUserRequest req = BaseCreate(call, u);
  req.phone_region = OptString(u, "areacode").value_or("");
  req.phone = OptString(u, "phone").value_or("");
  req.external_id = OptString(u, "xuser_id").value_or("");
  absl::StatusOr<CreateUserResult> created = call.engine.CreateUser(req);
  if (!created.ok()) return created.status();
  call.request_id = created->request_id;
  return JsonReply({{"user", UserView(call, created->user)}}, 201);
}

absl::StatusOr<Reply> ShowUser(Call& call) {
  absl::StatusOr<User> user = UserById(call, call.params[0]);
  if (!user.ok()) return user.status();
  return JsonReply({{"user", UserView(call, *user)}});
}

absl::StatusOr<Reply> UpdateUser(Call& call) {
  absl::StatusOr<const json*> body = UserBody(call);
  if (!body.ok()) return body.status();
  const json& u = **body;
  absl::StatusOr<User> current = UserById(call, call.params[0]);
  if (!current.ok()) return current.status();
  // The access mode follows from the credentials; it is not set by itself.
  if (std::optional<std::string> mode = OptString(u, "access_mode");
      mode.has_value() && *mode != AccessMode(*current)) {
    return InvalidField("user.access_mode", "access_mode.change_unsupported",
                        "user.access_mode: follows from the user's credentials and cannot be "
                        "changed here");
  }
  absl::StatusOr<UpdateUserRequest> req = BaseUpdate(call, u, *current);
  if (!req.ok()) return req.status();
  req->phone_region = OptString(u, "areacode");
  req->phone = OptString(u, "phone");
  if (req->phone.has_value() && !req->phone_region.has_value()) {
    req->phone_region = current->phone_region;
  }
  req->external_id = OptString(u, "xuser_id");
  absl::StatusOr<User> updated = call.engine.UpdateUser(*req);
  if (!updated.ok()) return updated.status();
  return JsonReply({{"user", UserView(call, *updated)}});
}

// --- Permanent access keys.

json CredentialView(const AccessKeyInfo& k) {
  return {{"user_id", k.user_id},
          {"access", k.id},
          {"status", k.enabled ? "active" : "inactive"},
          {"create_time", KeystoneTime(k.created_at)},
          {"description", k.description}};
}

constexpr FieldSpec kCredentialFields[] = {
    {"user_id", JsonKind::kString},
    {"description", JsonKind::kString},
};

absl::StatusOr<Reply> CreateCredential(Call& call) {
  absl::StatusOr<const json*> body = BodyObject(call, "credential", kCredentialFields);
  if (!body.ok()) return body.status();
  const std::optional<std::string> user_id = OptString(**body, "user_id");
  if (!user_id.has_value()) {
    return InvalidField("credential.user_id", "request.missing_field",
                        "credential.user_id: is required");
  }
  absl::StatusOr<User> user = UserById(call, *user_id);
  if (!user.ok()) return user.status();
  absl::StatusOr<IssuedAccessKey> key = call.engine.CreateAccessKey(
      call.caller, call.caller.tenant, user->id, OptString(**body, "description").value_or(""));
  if (!key.ok()) return key.status();
  const json view = {{"credential",
                      {{"access", key->id},
                       {"status", "active"},
                       {"user_id", user->id},
                       {"description", OptString(**body, "description").value_or("")},
                       {"create_time", KeystoneTime(key->created_at)}}}};
  Reply r;
  r.status = 201;
  r.secret_body = JsonWithSecret(view, "credential", "secret", key->secret.view());
  return r;
}

absl::StatusOr<Reply> ListCredentials(Call& call) {
  const std::string user_id = QueryParam(call, "user_id").value_or(call.caller.id);
  absl::StatusOr<User> user = UserById(call, user_id);
  if (!user.ok()) return user.status();
  absl::StatusOr<std::vector<AccessKeyInfo>> keys =
      call.engine.ListAccessKeys(call.caller, call.caller.tenant, user->id);
  if (!keys.ok()) return keys.status();
  json list = json::array();
  for (const AccessKeyInfo& k : *keys) list.push_back(CredentialView(k));
  return JsonReply({{"credentials", std::move(list)}});
}

// ShowPermanentAccessKey: with last_use_time, the creation time while unused.
absl::StatusOr<Reply> ShowCredential(Call& call) {
  absl::StatusOr<AccessKeyInfo> key =
      call.engine.GetAccessKey(call.caller, call.caller.tenant, call.params[0]);
  if (!key.ok()) return key.status();
  json view = CredentialView(*key);
  view["last_use_time"] =
      KeystoneTime(key->last_used_at == absl::InfinitePast() ? key->created_at : key->last_used_at);
  return JsonReply({{"credential", std::move(view)}});
}

absl::StatusOr<Reply> UpdateCredential(Call& call) {
  constexpr FieldSpec kFields[] = {{"status", JsonKind::kString}};
  absl::StatusOr<const json*> body = BodyObject(call, "credential", kFields);
  if (!body.ok()) return body.status();
  const std::optional<std::string> status = OptString(**body, "status");
  if (!status.has_value() || (*status != "active" && *status != "inactive")) {
    return InvalidField("credential.status", "credential.status_invalid",
                        "credential.status: must be active or inactive");
  }
  absl::Status s = call.engine.SetAccessKeyEnabled(call.caller, call.caller.tenant, call.params[0],
                                                   *status == "active");
  if (!s.ok()) return s;
  return JsonReply({{"credential", {{"access", call.params[0]}, {"status", *status}}}});
}

absl::StatusOr<Reply> DeleteCredential(Call& call) {
  absl::Status s = call.engine.DeleteAccessKey(call.caller, call.caller.tenant, call.params[0]);
  if (!s.ok()) return s;
  return NoContent();
}

// The user's "logs" (seed 000's user page): iamcore's audit events on the
// user, newest first. An extension beside the documented routes (Huawei keeps
// its own in Cloud Trace Service): ?action=, ?since=, ?until= (RFC 3339),
// ?limit= (1-1000), ?marker= (the last page's next_marker).
absl::StatusOr<Reply> ListUserEvents(Call& call) {
  absl::StatusOr<User> user = UserById(call, call.params[0]);
  if (!user.ok()) return user.status();
  AuditQuery q;
  q.tenant = call.caller.tenant;
  q.target = user->id;
  q.action = QueryParam(call, "action").value_or("");
  q.page_token = QueryParam(call, "marker").value_or("");
  for (const auto& [name, at] : {std::pair<const char*, absl::Time*>{"since", &q.since},
                                 std::pair<const char*, absl::Time*>{"until", &q.until}}) {
    const std::optional<std::string> text = QueryParam(call, name);
    std::string error;
    if (text.has_value() && !absl::ParseTime(absl::RFC3339_full, *text, at, &error)) {
      return InvalidField(name, "request.invalid_time",
                          absl::StrCat(name, ": must be an RFC 3339 time"));
    }
  }
  if (const std::optional<std::string> limit = QueryParam(call, "limit"); limit.has_value()) {
    if (!absl::SimpleAtoi(*limit, &q.page_size)) {
      return InvalidField("limit", "request.invalid_limit", "limit: must be an integer");
    }
  }
  absl::StatusOr<AuditPage> page = call.engine.ListAuditEvents(call.caller, std::move(q));
  if (!page.ok()) return page.status();
  json events = ToJson(*page)["events"];
  return JsonReply({{"events", std::move(events)},
                    {"next_marker",
                     page->next_page_token.empty() ? json(nullptr) : json(page->next_page_token)}});
}

constexpr Access kAuth = Access::kAuthenticated;

constexpr Route kRoutes[] = {
    {"POST", "/v3.0/OS-USER/users", kAuth, CreateUser, "user"},
    {"GET", "/v3.0/OS-USER/users/{}", kAuth, ShowUser, ""},
    {"PUT", "/v3.0/OS-USER/users/{}", kAuth, UpdateUser, "user"},
    {"GET", "/v3.0/OS-USER/users/{}/events", kAuth, ListUserEvents, ""},
    {"POST", "/v3.0/OS-CREDENTIAL/credentials", kAuth, CreateCredential, "credential"},
    {"GET", "/v3.0/OS-CREDENTIAL/credentials", kAuth, ListCredentials, ""},
    {"GET", "/v3.0/OS-CREDENTIAL/credentials/{}", kAuth, ShowCredential, ""},
    {"PUT", "/v3.0/OS-CREDENTIAL/credentials/{}", kAuth, UpdateCredential, "credential"},
    {"DELETE", "/v3.0/OS-CREDENTIAL/credentials/{}", kAuth, DeleteCredential, ""},
};

}  // namespace

absl::Span<const Route> HuaweiUserRoutes() { return kRoutes; }

}  // namespace iam::wire
