// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What the wire layer's files share: the route table entry, the call a
// handler gets, the reply it gives, and the request-body schema checks. One
// file per dialect adds its routes (keystone_users.cc, keystone_tokens.cc,
// huawei_users.cc) or its actions (tencent_cam.cc, alibaba_eiam.cc);
// wire_service.cc routes, authenticates and renders errors.
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
#include "wire/replay_guard.h"

namespace iam::wire {

using nlohmann::json;

// The error shape of a path family or an action API.
enum class Dialect : uint8_t {
  kKeystone,  // /v3, /: {"error": {"code", "message", "title"}}
  kHuawei,    // /v3.0: {"error_msg", "error_code"}
  kTencent,   // X-TC-Action: HTTP 200, {"Response": {"Error": {"Code", "Message"}, "RequestId"}}
  kAlibaba,   // x-acs-action or Action=: {"RequestId", "Code", "Message"}
};

// What the signature checks remember across requests (replay_guard.h).
struct Verifiers {
  ReplayGuard nonces{size_t{1} << 20};
  SigningKeyCache tc3_keys{4096};
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
  std::optional<Session> session;   // the session `caller` signed in with, if any
};

// A one-time secret to be placed into a reply's body at a JSON pointer
// relative to it ("/Password", "/AccessKey/SecretAccessKey").
struct SecretSlot {
  std::string pointer;
  Secret value;
};

struct Reply {
  int status = 200;
  json body;                        // null: no body
  Secret secret_body;               // a JSON text holding a one-time secret; wins over `body`
  std::vector<SecretSlot> secrets;  // action dialects: added to `body` when rendered
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
absl::Span<const Route> HuaweiPolicyRoutes();  // custom policies and their group grants

// An action of an RPC-style API (one URL, the action named in a header or a
// parameter). Every action needs an authenticated caller; `call.body` holds
// the action's parameters as a JSON object.
struct ActionRoute {
  absl::string_view action;
  Handler handler;
};
absl::Span<const ActionRoute> TencentCamActions();
// CAM's time form, "2026-12-03 12:00:00" (UTC); "" for none.
json CamTime(absl::Time t);
// CAM's policy actions (tencent_cam_policies.cc), part of TencentCamActions.
absl::Span<const ActionRoute> TencentCamPolicyActions();
absl::Span<const ActionRoute> AlibabaEiamActions();

// --- Action parameters: Tencent's JSON bodies and Alibaba's RPC parameters
// (OrganizationalUnitIds.1, CustomFields.1.FieldName) share one schema check.

enum class ParamKind : uint8_t {
  kString,
  kFlag,         // 0/1 (Tencent), true/false, "true"/"false" (RPC)
  kInteger,      // a JSON integer or, from RPC, a decimal string
  kStringList,   // a JSON array or RPC Key.1, Key.2, ...
  kIntegerList,  // a JSON array of integers
  kObjectList,   // objects whose members are `members`
  kObject,       // an object whose members are `members`
  kUnsupported,  // part of the provider's API that iamcore refuses by name
};

struct ParamSpec {
  absl::string_view name;
  ParamKind kind;
  bool required = false;
  absl::Span<const ParamSpec> members = {};
};

// Every member of `params` is in `specs` with its kind; required ones are
// present. Errors name the parameter as the client spelled it
// ("CustomFields.1.FieldName"): reasons request.unknown_field,
// request.missing_field, request.invalid_type.
absl::Status CheckParams(const json& params, absl::Span<const ParamSpec> specs,
                         absl::string_view prefix = "");
// Accessors for checked parameters.
std::optional<std::string> ParamString(const json& params, absl::string_view name);
std::optional<bool> ParamFlag(const json& params, absl::string_view name);
std::optional<int64_t> ParamInteger(const json& params, absl::string_view name);
std::vector<std::string> ParamStrings(const json& params, absl::string_view name);

// The decoded key/value pairs of a query string or form body, in order.
std::vector<std::pair<std::string, std::string>> FormPairs(absl::string_view text);
// The dialect's name for an engine field ("username" is Tencent's "Name").
std::string DialectFieldName(Dialect dialect, absl::string_view engine_field);
// `status` about item `prefix` of a list ("Users.2"): its field and message
// name the item's member in the dialect's spelling.
absl::Status InItem(Dialect dialect, absl::string_view prefix, const absl::Status& status);

// Adds group `group` (id or name) to each of `users` (ids or names): every
// user is found before any changes, then each joins in its own commit.
absl::Status AddUsersToGroup(Call& call, absl::string_view group, absl::string_view group_field,
                             const std::vector<std::string>& users);

// The [begin, end) of page `page` (from 1) of `size` items out of `total`.
std::pair<size_t, size_t> PageBounds(size_t total, int64_t page, int64_t size);

// Alibaba's parameters: the query's and, with a form Content-Type, the body's.
std::vector<std::pair<std::string, std::string>> RpcParams(const WireRequest& request);
// RPC parameters as one JSON object: "A.1.B=x" becomes {"A": [{"B": "x"}]}
// (indexes from 1, in numeric order). kInvalidArgument naming the key when a
// key is given twice or is both a value and a list or object.
absl::StatusOr<json> UnflattenRpcParams(
    const std::vector<std::pair<std::string, std::string>>& pairs);

// Who is calling an action API, by the dialect's signature scheme:
// TC3-HMAC-SHA256 (X-TC-Timestamp within options.tencent_signature_skew), or
// ACS3-HMAC-SHA256 and RPC v1 (x-acs-date / Timestamp within
// options.signature_skew, a nonce used once). kUnauthenticated with reasons
// signature.incomplete, signature.expired, signature.key_unknown,
// signature.nonce_used, signature.mismatch.
absl::StatusOr<Principal> AuthenticateTc3(const WireRequest& request, Engine& engine,
                                          const WireOptions& options, Clock& clock,
                                          Verifiers& verifiers);
absl::StatusOr<Principal> AuthenticateAlibaba(const WireRequest& request, Engine& engine,
                                              const WireOptions& options, Clock& clock,
                                              Verifiers& verifiers);

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

// The entry of `kind` whose id is `id`, read as the caller (a name is not an
// id here, as the clouds look policies, roles and groups up): kNotFound
// "<kind>.not_found" naming `field` otherwise.
absl::StatusOr<DirectoryEntry> EntryById(Call& call, EntryKind kind, absl::string_view id,
                                         absl::string_view field);

// Attaches (`attached`) or detaches the policy named `policy` in `names`
// (names compare ignoring ASCII case); false when it already was so.
bool SetPolicyName(std::vector<std::string>* names, absl::string_view policy, bool attached);
// The same on a group's policies, committed at the version read (a concurrent
// change fails with kAborted); false when nothing had to change.
absl::StatusOr<bool> SetGroupPolicy(Call& call, const DirectoryEntry& group,
                                    absl::string_view policy, bool attached);

// An update of `current` at the version the caller read (a concurrent change
// fails with kAborted), by the caller, in its tenant.
UpdateUserRequest UpdateOf(const Call& call, const User& current);

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

// The principal `user_id` of `tenant` as this request shows it: the source
// address from request.peer (port dropped) and how it authenticated
// ("token", "access_key"), for policy conditions.
// Where a request comes from, for conditions and the audit log: the peer's
// address, the User-Agent (at most 256 bytes), and the request id of the
// ScopedRequestContext that Handle installs for the request.
RequestContext WireContext(const WireRequest& request);
Principal CallerOf(const WireRequest& request, std::string user_id, std::string tenant,
                   absl::string_view auth_method);
// The caller a verified signature of `access_key_id` stands for; records the
// key's use (Engine::RecordAccessKeyUse).
Principal AccessKeyCaller(const WireRequest& request, Engine& engine,
                          absl::string_view access_key_id, const SigningKey& key);

// Who is calling: the session of X-Auth-Token, else the access key of a valid
// SDK-HMAC-SHA256 signature (X-Sdk-Date within options.signature_skew, the
// key and its user enabled). kUnauthenticated otherwise; kPermissionDenied
// when X-Domain-Id names another domain than the key's. Else the console's
// session cookie; a request other than GET or HEAD with it must carry
// X-CSRF-Token = ConsoleCsrfToken(its token) (kPermissionDenied, reason
// csrf.invalid, otherwise). `*session`, when given, receives the session the
// caller signed in with (none for a signature).
absl::StatusOr<Principal> AuthenticateCaller(const WireRequest& request, Engine& engine,
                                             const WireOptions& options, Clock& clock,
                                             std::optional<Session>* session = nullptr);

// The console's session: an HttpOnly cookie holding a login's token.
inline constexpr char kConsoleCookie[] = "iam_console";
inline constexpr char kConsoleCsrfHeader[] = "X-CSRF-Token";
// The token of the request's console cookie, if it has one: a view into
// `request` (no copy of the secret).
std::optional<absl::string_view> ConsoleCookie(const WireRequest& request);
// What the console's page sends as X-CSRF-Token: derived from the session
// token (64 hex characters), so any replica can check it and no page
// without the token (a forged request's) can make it.
std::string ConsoleCsrfToken(absl::string_view session_token);
// The console's own routes: its session (sign-in, who am I, sign-out) and the
// APIs it needs beyond the dialects' (console_api.cc).
absl::Span<const Route> ConsoleApiRoutes();

// `body` rendered with member `key` = `secret` added to the object at
// body[root] (the body itself when `root` is ""), straight into a Secret: no
// copy of the secret is left in a JSON value or a freed buffer.
Secret JsonWithSecret(const json& body, absl::string_view root, absl::string_view key,
                      absl::string_view secret);
// The same for several secrets, each at its JSON pointer (the parent object
// must exist or be creatable).
Secret JsonWithSecrets(const json& body, absl::Span<const SecretSlot> slots);

// A user's id as a JSON number (Tencent's Uin) when it is all digits, else
// the string.
json NumericId(absl::string_view id);
// The text form of an id given as a JSON number or string.
std::optional<std::string> IdText(const json& value);

// JSON nesting beyond this is refused before parsing: no request needs it,
// and deep values make every recursive JSON operation a stack risk.
inline constexpr int kMaxJsonDepth = 32;
bool NestsTooDeep(absl::string_view text);

// A request body parsed without leaving copies of its strings behind (the
// body may hold a password): RapidJSON reads it in place, in a buffer wiped
// afterwards, and the values become `json` (WipeJsonStrings wipes them when
// done). Invalid JSON or UTF-8, or more than one value, is a discarded value.
json ParseRequestJson(absl::string_view text);

// JSON text of `value`; invalid UTF-8 from a client is replaced, never thrown.
std::string Dump(const json& value);

// Overwrites every string in `value` (a request body that held a password).
void WipeJsonStrings(json& value);

// Wipes a copied password however the handler returns.
struct WipeOnExit {
  std::string& text;
  ~WipeOnExit() { WipeString(text); }
};

// A JSON reply.
Reply JsonReply(json body, int status = 200);

// An empty 204 reply.
Reply NoContent();

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_WIRE_INTERNAL_H_
