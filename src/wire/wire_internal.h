// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What the wire layer's files share: the route table entry, the call a
// handler gets, the reply it gives, and the request-body schema checks. One
// file per dialect adds its routes (keystone_users.cc, keystone_tokens.cc,
// huawei_users.cc); wire_service.cc routes, authenticates and renders errors.
#ifndef IAM_SRC_WIRE_WIRE_INTERNAL_H_
#define IAM_SRC_WIRE_WIRE_INTERNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/secret.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"

namespace iam::wire {

using nlohmann::json;

// The error shape of a path family.
enum class Dialect : uint8_t {
  kKeystone,  // /v3, /: {"error": {"code", "message", "title"}}
  kHuawei,    // /v3.0: {"error_msg", "error_code"}
};

struct Call {
  const WireRequest& request;
  Engine& engine;
  const WireOptions& options;
  Clock& clock;
  std::vector<std::string> params;  // the path's {} segments, percent-decoded
  json body;                        // the parsed body, an object ({} when none)
  Principal caller;                 // set on authenticated routes
  std::string request_id;           // a create answers with the engine's id instead
};

struct Reply {
  int status = 200;
  json body;           // null: no body
  Secret secret_body;  // a JSON text holding a one-time secret; wins over `body`
  WireHeaders headers;
};

using Handler = absl::StatusOr<Reply> (*)(Call& call);

enum class Access : uint8_t {
  kPublic,         // discovery, token issue
  kAuthenticated,  // a valid X-Auth-Token or SDK-HMAC-SHA256 signature
};

struct Route {
  absl::string_view method;
  absl::string_view pattern;  // segments; "{}" matches one
  Access access;
  Handler handler;
  // The body's root object ("user", "group", ...): errors name fields under
  // it. "" = the route takes no body.
  absl::string_view body_root;
};

absl::Span<const Route> KeystoneUserRoutes();
absl::Span<const Route> KeystoneTokenRoutes();
absl::Span<const Route> HuaweiUserRoutes();

// --- Request bodies: the shape is checked here (unknown fields, JSON types);
// the values are the engine's to judge.

enum class JsonKind : uint8_t { kString, kBool, kObject, kArray, kAny };

struct FieldSpec {
  absl::string_view name;
  JsonKind kind;
};

// `call.body[root]` must be an object whose members are all in `fields` with
// the right kinds; errors name "root.member" (reasons request.missing_field,
// request.unknown_field, request.invalid_type).
absl::StatusOr<const json*> BodyObject(const Call& call, absl::string_view root,
                                       absl::Span<const FieldSpec> fields);
// Member `name` of `object` when present (kinds were checked by BodyObject).
std::optional<std::string> OptString(const json& object, absl::string_view name);
std::optional<bool> OptBool(const json& object, absl::string_view name);

// The decoded value of query parameter `name`, if given.
std::optional<std::string> QueryParam(const Call& call, absl::string_view name);

// The caller's tenant must be the one a request names (a body's domain_id, a
// query's domain_id): kPermissionDenied naming `field` otherwise.
absl::Status SameDomain(const Call& call, const std::optional<std::string>& domain_id,
                        absl::string_view field);

// Keystone's time format: 2016-11-06T15:32:17.000000Z, or null when infinite.
json KeystoneTime(absl::Time t);

// {"self": url} links, and a list's {"self", "previous": null, "next": null}.
json SelfLinks(absl::string_view url);
json ListLinks(const Call& call);

// A user by id: 404 when `id` is not a user id (a name is not an id here),
// as Keystone answers GET /v3/users/{name}.
absl::StatusOr<User> UserById(Call& call, absl::string_view id);

// The create both dialects start from: the caller's tenant, and from the
// body `u` name, description, email, enabled (default true) and a password
// set by the administrator, which needs no reset unless pwd_status says so.
CreateUserRequest BaseCreate(const Call& call, const json& u);

// The update both dialects start from: `current` at its version (a rename is
// refused), and from `u` enabled, description, email, pwd_status and the
// administrator's new password.
absl::StatusOr<UpdateUserRequest> BaseUpdate(const Call& call, const json& u, const User& current);

// Every page of `request` gathered.
absl::StatusOr<std::vector<User>> AllPages(Engine& engine, ListUsersRequest request);

// Every user of the caller's tenant matching the filters (all pages).
absl::StatusOr<std::vector<User>> AllUsers(Call& call, const std::optional<std::string>& name,
                                           std::optional<bool> enabled);

// Who is calling: the session of X-Auth-Token, else the access key of a valid
// SDK-HMAC-SHA256 signature (X-Sdk-Date within options.signature_skew, the
// key and its user enabled). kUnauthenticated otherwise; kPermissionDenied
// when X-Domain-Id names another domain than the key's.
absl::StatusOr<Principal> AuthenticateCaller(const WireRequest& request, Engine& engine,
                                             const WireOptions& options, Clock& clock);

// `body` rendered with member `key` = `secret` added to the object at
// body[root] (the body itself when `root` is ""), straight into a Secret: no
// copy of the secret is left in a JSON value or a freed buffer.
Secret JsonWithSecret(const json& body, absl::string_view root, absl::string_view key,
                      absl::string_view secret);

// JSON text of `value`; invalid UTF-8 from a client is replaced, never thrown.
std::string Dump(const json& value);

// Overwrites every string in `value` (a request body that held a password).
void WipeJsonStrings(json& value);

// A JSON reply.
Reply JsonReply(json body, int status = 200);

// An empty 204 reply.
Reply NoContent();

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_WIRE_INTERNAL_H_
