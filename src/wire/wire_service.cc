// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// WireService::Handle: the request id, the body limit, routing (404, 405),
// caller authentication, JSON parsing, the handler, and every error rendered
// in the dialect of the path or the action API. Handlers live in one file per
// dialect; what differs between dialects is the table kDialects.
#include <algorithm>
#include <exception>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/audit.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/user_id.h"
#include "wire/console_files.h"
#include "wire/percent_encoding.h"
#include "wire/scim_internal.h"
#include "wire/wire_internal.h"

namespace iam {

const std::string* FindHeader(const WireHeaders& headers, absl::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

namespace wire {
namespace {

// The HTTP reason phrases Keystone's errors carry as "title".
absl::string_view Title(int status) {
  static constexpr std::pair<int, absl::string_view> kTitles[] = {
      {400, "Bad Request"},        {401, "Unauthorized"},
      {403, "Forbidden"},          {404, "Not Found"},
      {405, "Method Not Allowed"}, {409, "Conflict"},
      {408, "Request Timeout"},    {413, "Request Entity Too Large"},
      {414, "URI Too Long"},       {500, "Internal Server Error"},
      {503, "Service Unavailable"}};
  for (const auto& [code, title] : kTitles) {
    if (code == status) return title;
  }
  return "Error";
}

// Engine field names as each dialect spells them, by Dialect; "" = the
// engine's name (under the body's root object for the path dialects).
struct FieldName {
  absl::string_view engine;
  absl::string_view by_dialect[4];  // keystone, huawei, tencent, alibaba
};
constexpr FieldName kFieldNames[] = {
    {"username", {"name", "name", "Name", "Username"}},
    {"tenant", {"domain_id", "domain_id", "", "InstanceId"}},
    {"display_name", {"", "", "NickName", "DisplayName"}},
    {"description", {"", "", "Remark", "Description"}},
    {"email", {"", "", "Email", "Email"}},
    {"email_verified", {"", "", "", "EmailVerified"}},
    {"phone", {"", "", "PhoneNum", "PhoneNumber"}},
    {"phone_region", {"phone_region", "areacode", "CountryCode", "PhoneRegion"}},
    {"phone_verified", {"", "", "", "PhoneNumberVerified"}},
    {"password", {"", "", "Password", "Password"}},
    {"external_id", {"external_id", "xuser_id", "", "UserExternalId"}},
    {"primary_ou", {"", "", "", "PrimaryOrganizationalUnitId"}},
    {"ous", {"", "", "", "OrganizationalUnitIds"}},
    {"groups", {"", "", "GroupId", "GroupId"}},
    {"custom_fields", {"", "", "", "CustomFields"}},
    {"client_token", {"", "", "", "ClientToken"}},
    {"notify", {"", "", "", "PasswordInitializationConfig.UserNotificationChannels"}},
    {"require_password_reset",
     {"pwd_status", "pwd_status", "NeedResetPassword",
      "PasswordInitializationConfig.PasswordForcedUpdateStatus"}},
};

struct ErrorView {
  int status;
  std::string provider_code;
  std::string message;
};

json KeystoneError(const ErrorView& e, const std::string&) {
  json error = {{"code", e.status}, {"title", Title(e.status)}, {"message", e.message}};
  if (!e.provider_code.empty()) error["error_code"] = e.provider_code;
  return {{"error", std::move(error)}};
}

json HuaweiError(const ErrorView& e, const std::string& request_id) {
  return {{"error_msg", e.message}, {"error_code", e.provider_code}, {"request_id", request_id}};
}

json TencentError(const ErrorView& e, const std::string& request_id) {
  return {{"Response",
           {{"Error", {{"Code", e.provider_code}, {"Message", e.message}}},
            {"RequestId", request_id}}}};
}

json AlibabaError(const ErrorView& e, const std::string& request_id) {
  return {{"RequestId", request_id}, {"Code", e.provider_code}, {"Message", e.message}};
}

// Everything that differs between dialects outside their handlers.
struct DialectSpec {
  Dialect dialect;
  // Whose error table maps statuses to HTTP statuses and provider codes,
  // whatever rules the engine enforces.
  absl::string_view profile;
  json (*error_body)(const ErrorView& e, const std::string& request_id);
  // Tencent: the SDK reads errors from HTTP 200 answers only.
  bool errors_answer_200;
  // An action API's success body sits under this member ("" = the top).
  absl::string_view success_root;
  // The header naming the action of an action API ("" for path dialects).
  absl::string_view action_header;
  // The provider codes of the errors found before any handler runs.
  absl::string_view not_found;
  absl::string_view method_not_allowed;
  absl::string_view too_large;
  absl::string_view internal;
};

constexpr DialectSpec kDialects[] = {
    {Dialect::kKeystone, "huawei", KeystoneError, false, "", "", "IAM.0004", "IAM.0005", "IAM.0013",
     "IAM.0006"},
    {Dialect::kHuawei, "huawei", HuaweiError, false, "", "", "IAM.0004", "IAM.0005", "IAM.0013",
     "IAM.0006"},
    {Dialect::kTencent, "tencent", TencentError, true, "Response", "X-TC-Action", "InvalidAction",
     "UnsupportedProtocol", "RequestSizeLimitExceeded", "InternalError"},
    {Dialect::kAlibaba, "alibaba", AlibabaError, false, "", "x-acs-action",
     "InvalidAction.NotFound", "UnsupportedHTTPMethod", "RequestEntityTooLarge", "InternalError"},
};

const DialectSpec& Spec(Dialect dialect) { return kDialects[static_cast<int>(dialect)]; }

const Profile& ErrorProfile(Dialect dialect) {
  static const Profile* const profiles[] = {
      FindProfile(kDialects[0].profile), FindProfile(kDialects[1].profile),
      FindProfile(kDialects[2].profile), FindProfile(kDialects[3].profile)};
  return *profiles[static_cast<int>(dialect)];
}

bool IsActionDialect(Dialect d) { return !Spec(d).action_header.empty(); }

WireResponse Render(Dialect dialect, const ErrorView& e, const std::string& request_id) {
  const DialectSpec& spec = Spec(dialect);
  WireResponse res;
  res.status = spec.errors_answer_200 ? 200 : e.status;
  res.request_id = request_id;
  res.body = Secret(Dump(spec.error_body(e, request_id)));
  res.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", request_id}};
  return res;
}

// "root.name" for an engine field; fields the wire named itself (request.*
// reasons, dotted paths, header names, the action dialects' CamelCase) stay
// as they are.
std::string WireField(Dialect dialect, absl::string_view root, absl::string_view field,
                      absl::string_view reason) {
  if (field.empty() || (root.empty() && !IsActionDialect(dialect)) ||
      absl::StartsWith(reason, "request.") || absl::StrContains(field, '.') ||
      absl::StrContains(field, '-') || absl::ascii_isupper(field[0])) {
    return std::string(field);
  }
  const std::string name = DialectFieldName(dialect, field);
  return root.empty() ? name : absl::StrCat(root, ".", name);
}

ErrorView FromStatus(Dialect dialect, absl::string_view root, const absl::Status& status) {
  const HttpError mapped = MapError(ErrorProfile(dialect), status);
  ErrorView e{mapped.http_status, mapped.provider_code, ""};
  const std::string field = ErrorField(status);
  absl::string_view text = status.message();
  // The engine's messages read "field: what is wrong"; say it with the
  // dialect's field name. A message never holds the rejected value.
  if (!field.empty() && absl::ConsumePrefix(&text, absl::StrCat(field, ": "))) {
    e.message = absl::StrCat(WireField(dialect, root, field, ErrorReason(status)), ": ", text);
  } else {
    e.message = std::string(text);
  }
  if (e.status >= 500) {
    e.message = "An unexpected error prevented the server from fulfilling your request.";
  }
  return e;
}

// Whether a form body carries `Action=` (an RPC v1 POST without headers).
bool FormHasAction(const WireRequest& request) {
  const std::string* type = FindHeader(request.headers, "Content-Type");
  return type != nullptr &&
         absl::StrContains(absl::AsciiStrToLower(*type), "x-www-form-urlencoded") &&
         (absl::StartsWith(request.body, "Action=") || absl::StrContains(request.body, "&Action="));
}

// The action APIs by their headers (or RPC's Action parameter on "/"), the
// path dialects by the path.
Dialect DialectOf(const WireRequest& request) {
  for (const DialectSpec& spec : kDialects) {
    if (!spec.action_header.empty() && FindHeader(request.headers, spec.action_header) != nullptr) {
      return spec.dialect;
    }
  }
  if (request.path == "/" &&
      (absl::StartsWith(request.query, "Action=") || absl::StrContains(request.query, "&Action=") ||
       FormHasAction(request))) {
    return Dialect::kAlibaba;
  }
  return absl::StartsWith(request.path, "/v3.0/") || request.path == "/v3.0" ? Dialect::kHuawei
                                                                             : Dialect::kKeystone;
}

// Whether `pattern` matches `segments`, collecting the {} segments.
bool Matches(absl::string_view pattern, const std::vector<absl::string_view>& segments,
             std::vector<std::string>* params) {
  std::vector<absl::string_view> parts = absl::StrSplit(pattern, '/', absl::SkipEmpty());
  if (parts.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{}") {
      params->push_back(PercentDecode(segments[i]));
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool NestsTooDeep(absl::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

namespace {

bool HasJsonContentType(const WireRequest& request) {
  const std::string* type = FindHeader(request.headers, "Content-Type");
  return type == nullptr ||
         absl::StartsWithIgnoreCase(absl::StripLeadingAsciiWhitespace(*type), "application/json");
}

// The action and version a request names: from headers, or (RPC) from
// its parameters.
struct ActionName {
  std::string action;
  std::string version;
};

// Tencent's parameters: the JSON body ({} when empty).
absl::StatusOr<json> JsonBodyParams(const WireRequest& request, ActionName*) {
  if (!HasJsonContentType(request)) {
    return InvalidField("Content-Type", "request.content_type",
                        "Content-Type: must be application/json");
  }
  if (NestsTooDeep(request.body)) {
    return InvalidField(
        "", "request.too_deep",
        absl::StrCat("The request body nests deeper than ", kMaxJsonDepth, " levels."));
  }
  json body = ParseRequestJson(request.body.empty() ? absl::string_view("{}") : request.body);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidField("", "request.invalid_json", "The request body is not a JSON object.");
  }
  return body;
}

// Alibaba's parameters: query and form, without the common parameters the
// signature and routing consume (Action and Version fill in `named`).
absl::StatusOr<json> RpcActionParams(const WireRequest& request, ActionName* named) {
  static constexpr absl::string_view kCommon[] = {
      "Action",         "Version",       "Format",          "Timestamp",
      "SignatureNonce", "Signature",     "SignatureMethod", "SignatureVersion",
      "AccessKeyId",    "SecurityToken", "RegionId"};
  std::vector<std::pair<std::string, std::string>> pairs = RpcParams(request);
  std::vector<std::pair<std::string, std::string>> own;
  for (auto& [key, value] : pairs) {
    if (key == "Action" && named->action.empty()) named->action = value;
    if (key == "Version" && named->version.empty()) named->version = value;
    if (std::find(std::begin(kCommon), std::end(kCommon), key) == std::end(kCommon)) {
      own.emplace_back(std::move(key), std::move(value));
    }
  }
  absl::StatusOr<json> params = UnflattenRpcParams(own);
  for (auto& [key, value] : own) WipeString(value);
  for (auto& [key, value] : pairs) WipeString(value);
  return params;
}

// What an action API adds to its dialect's row in kDialects.
struct ActionApi {
  Dialect dialect;
  absl::string_view version_header;  // where the API version is named
  absl::string_view version;         // the one version served
  bool allows_get;                   // RPC: GET with a query as well as POST
  absl::string_view echo_header;     // sent back when the request has it ("" = none)
  absl::StatusOr<Principal> (*authenticate)(const WireRequest&, Engine&, const WireOptions&, Clock&,
                                            Verifiers&);
  absl::StatusOr<json> (*read_params)(const WireRequest&, ActionName*);
  absl::Span<const ActionRoute> (*actions)();
};

constexpr ActionApi kActionApis[] = {
    {Dialect::kTencent, "X-TC-Version", "2019-01-16", false, "X-TC-TraceId", AuthenticateTc3,
     JsonBodyParams, TencentCamActions},
    {Dialect::kAlibaba, "x-acs-version", "2021-12-01", true, "", AuthenticateAlibaba,
     RpcActionParams, AlibabaEiamActions},
};

const ActionApi& ActionApiOf(Dialect dialect) {
  for (const ActionApi& api : kActionApis) {
    if (api.dialect == dialect) return api;
  }
  return kActionApis[0];  // unreachable: only action dialects get here
}

}  // namespace

std::string DialectFieldName(Dialect dialect, absl::string_view engine_field) {
  // "custom_fields[2]" keeps its index: "CustomFields.3" in RPC's numbering.
  absl::string_view base = engine_field;
  std::string index;
  if (const size_t open = base.find('[');
      open != absl::string_view::npos && !base.empty() && base.back() == ']') {
    int i = 0;
    if (absl::SimpleAtoi(base.substr(open + 1, base.size() - open - 2), &i)) {
      index = IsActionDialect(dialect) ? absl::StrCat(".", i + 1) : absl::StrCat("[", i, "]");
    }
    base = base.substr(0, open);
  }
  for (const FieldName& f : kFieldNames) {
    const absl::string_view name = f.by_dialect[static_cast<int>(dialect)];
    if (f.engine == base && !name.empty()) return absl::StrCat(name, index);
  }
  return std::string(engine_field);
}

absl::Status InItem(Dialect dialect, absl::string_view prefix, const absl::Status& status) {
  const std::string field = ErrorField(status);
  if (field.empty()) return status;
  const std::string named = absl::StrCat(
      prefix, ".", absl::ascii_isupper(field[0]) ? field : DialectFieldName(dialect, field));
  absl::string_view text = status.message();
  absl::ConsumePrefix(&text, absl::StrCat(field, ": "));
  return MakeError(status.code(), named, ErrorReason(status), absl::StrCat(named, ": ", text));
}

}  // namespace wire

struct WireService::Impl {
  Engine* engine;
  WireOptions options;
  Clock* clock;
  std::vector<wire::Route> routes;
  mutable wire::Verifiers verifiers;

  WireResponse Handle(const WireRequest& request) const;
  WireResponse HandleAction(const WireRequest& request, wire::Dialect dialect,
                            std::string request_id) const;
};

WireService::WireService(Engine* engine, WireOptions options) : impl_(new Impl) {
  impl_->engine = engine;
  while (!options.public_url.empty() && options.public_url.back() == '/') {
    options.public_url.pop_back();
  }
  impl_->clock = options.clock != nullptr ? options.clock : SystemClock();
  impl_->options = std::move(options);
  for (auto table :
       {wire::KeystoneTokenRoutes(), wire::KeystoneUserRoutes(), wire::HuaweiUserRoutes(),
        wire::HuaweiPolicyRoutes(), wire::ConsoleApiRoutes()}) {
    impl_->routes.insert(impl_->routes.end(), table.begin(), table.end());
  }
}

WireService::~WireService() = default;

WireResponse WireService::Handle(const WireRequest& request) const {
  try {
    return impl_->Handle(request);
  } catch (const std::exception&) {
    // Nothing may escape (the C ABI calls this). Store commits are atomic, so
    // no write is half done; one that committed before the throw stands.
    const wire::Dialect dialect = wire::DialectOf(request);
    return wire::Render(dialect,
                        {500, std::string(wire::Spec(dialect).internal),
                         "An unexpected error prevented the server from "
                         "fulfilling your request."},
                        NewRequestId());
  }
}

WireResponse WireService::HostError(int status, absl::string_view path) const {
  static constexpr std::pair<int, absl::string_view> kMessages[] = {
      {400, "The request is not valid HTTP."},
      {408, "The request took too long to arrive."},
      {413, "The request body is too large."},
      {414, "The request target is too long."},
  };
  absl::string_view message = "The request could not be processed.";
  for (const auto& [code, text] : kMessages) {
    if (code == status) message = text;
  }
  if (wire::IsScimPath(path)) return wire::ScimHostError(status, message, NewRequestId());
  WireRequest request;
  request.path = std::string(path);
  return wire::Render(wire::DialectOf(request), {status, "", std::string(message)}, NewRequestId());
}

WireResponse WireService::Impl::HandleAction(const WireRequest& request, wire::Dialect dialect,
                                             std::string request_id) const {
  using namespace wire;  // NOLINT: the layer's own names
  const DialectSpec& spec = Spec(dialect);
  const ActionApi& api = ActionApiOf(dialect);
  const auto error = [&](const absl::Status& status) {
    return Render(dialect, FromStatus(dialect, "", status), request_id);
  };
  if (request.path != "/") {
    return Render(dialect, {404, std::string(spec.not_found), "The action APIs are served at /."},
                  request_id);
  }
  if (request.method != "POST" && !(api.allows_get && request.method == "GET")) {
    WireResponse res = Render(dialect,
                              {405, std::string(spec.method_not_allowed),
                               api.allows_get ? "Use GET or POST." : "Use POST with a JSON body."},
                              request_id);
    res.headers.emplace_back("Allow", api.allows_get ? "GET, POST" : "POST");
    return res;
  }
  absl::StatusOr<Principal> caller = api.authenticate(request, *engine, options, *clock, verifiers);
  if (!caller.ok()) return error(caller.status());
  Call call{request,    *engine, options, *clock, {}, json::object(), *std::move(caller),
            request_id, {}};
  ActionName named;
  if (const std::string* header = FindHeader(request.headers, spec.action_header)) {
    named.action = *header;
  }
  if (const std::string* v = FindHeader(request.headers, api.version_header)) named.version = *v;
  absl::StatusOr<json> params = api.read_params(request, &named);
  if (!params.ok()) return error(params.status());
  call.body = *std::move(params);
  Handler handler = nullptr;
  for (const ActionRoute& r : api.actions()) {
    if (r.action == named.action) handler = r.handler;
  }
  absl::StatusOr<Reply> reply =
      handler == nullptr
          ? absl::StatusOr<Reply>(InvalidField("Action", "request.unknown_action",
                                               absl::StrCat("Action: '", named.action.substr(0, 64),
                                                            "' is not an action of this API")))
      : (!named.version.empty() && named.version != api.version)
          ? absl::StatusOr<Reply>(
                InvalidField(api.version_header, "request.invalid_version",
                             absl::StrCat(api.version_header, ": must be ", api.version)))
          : handler(call);
  WipeJsonStrings(call.body);  // it may have held a password
  if (!reply.ok()) {
    WireResponse res = error(reply.status());
    res.principal = call.caller.id;
    return res;
  }
  json body = std::move(reply->body);
  if (!body.is_object()) body = json::object();
  body["RequestId"] = call.request_id;
  std::vector<SecretSlot> secrets = std::move(reply->secrets);
  if (!spec.success_root.empty()) {
    body = json{{std::string(spec.success_root), std::move(body)}};
    for (SecretSlot& slot : secrets) {
      slot.pointer = absl::StrCat("/", spec.success_root, slot.pointer);
    }
  }
  WireResponse res;
  res.status = 200;
  res.request_id = call.request_id;
  res.principal = call.caller.id;
  res.body = secrets.empty() ? Secret(Dump(body)) : JsonWithSecrets(body, secrets);
  res.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", call.request_id}};
  if (const std::string* echo =
          api.echo_header.empty() ? nullptr : FindHeader(request.headers, api.echo_header);
      echo != nullptr && echo->size() <= 64) {
    res.headers.emplace_back(std::string(api.echo_header), *echo);
  }
  return res;
}

WireResponse WireService::Impl::Handle(const WireRequest& request) const {
  using namespace wire;  // NOLINT: the layer's own names
  std::string request_id = NewRequestId();
  // What the engine's audit events say of this request (self-service calls
  // too, which have no principal).
  RequestContext context = WireContext(request);
  context.request_id = request_id;
  const ScopedRequestContext scope(std::move(context));
  if (IsConsolePagePath(request.path)) return ServeConsoleFile(request, request_id);
  if (IsScimPath(request.path)) {
    if (NestsTooDeep(request.body)) {
      return ScimHostError(
          400, absl::StrCat("The request body nests deeper than ", kMaxJsonDepth, " levels."),
          request_id);
    }
    return HandleScim(request, *engine, options, request_id);
  }
  const Dialect dialect = DialectOf(request);
  const DialectSpec& spec = Spec(dialect);
  const auto fail = [&](int status, absl::string_view code, absl::string_view message) {
    return Render(dialect, {status, std::string(code), std::string(message)}, request_id);
  };
  if (request.body.size() > options.max_body) {
    return fail(413, spec.too_large,
                absl::StrCat("The request body is larger than ", options.max_body, " bytes."));
  }
  if (IsActionDialect(dialect)) return HandleAction(request, dialect, std::move(request_id));
  const std::vector<absl::string_view> segments =
      absl::StrSplit(request.path, '/', absl::SkipEmpty());
  const Route* route = nullptr;
  std::vector<std::string> params;
  std::vector<absl::string_view> allowed;
  for (const Route& r : routes) {
    if (!Matches(r.pattern, segments, &params)) continue;
    if (r.method == request.method || (request.method == "HEAD" && r.method == "GET")) {
      route = &r;
      break;
    }
    allowed.push_back(r.method);
  }
  if (route == nullptr) {
    if (allowed.empty()) return fail(404, spec.not_found, "The resource could not be found.");
    WireResponse res = fail(405, spec.method_not_allowed,
                            absl::StrCat("The method ", request.method.substr(0, 16),
                                         " is not allowed for this resource."));
    res.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return res;
  }
  Call call{request, *engine, options, *clock, {}, json::object(), {}, request_id, {}};
  // Matches() collected the params of the last pattern tried: redo for ours.
  Matches(route->pattern, segments, &call.params);
  const auto error = [&](const absl::Status& status) {
    WireResponse res = Render(dialect, FromStatus(dialect, route->body_root, status), request_id);
    if (request.method == "HEAD") res.body.Clear();
    return res;
  };
  if (route->access == Access::kAuthenticated) {
    absl::StatusOr<Principal> caller =
        AuthenticateCaller(request, *engine, options, *clock, &call.session);
    if (!caller.ok()) {
      WireResponse res = error(caller.status());
      if (res.status == 401) {
        res.headers.emplace_back("WWW-Authenticate",
                                 absl::StrCat("Keystone uri=\"", options.public_url, "\""));
      }
      return res;
    }
    call.caller = *std::move(caller);
  }
  if (!route->body_root.empty()) {
    if (!HasJsonContentType(request)) {
      return error(InvalidField("Content-Type", "request.content_type",
                                "Content-Type: must be application/json"));
    }
    if (request.body.empty()) {
      return error(InvalidField(route->body_root, "request.empty_body",
                                "The request body is empty; a JSON object is required."));
    }
    if (NestsTooDeep(request.body)) {
      return error(InvalidField(
          route->body_root, "request.too_deep",
          absl::StrCat("The request body nests deeper than ", kMaxJsonDepth, " levels.")));
    }
    call.body = ParseRequestJson(request.body);
    if (call.body.is_discarded() || !call.body.is_object()) {
      return error(InvalidField(route->body_root, "request.invalid_json",
                                "The request body is not a JSON object."));
    }
  }
  absl::StatusOr<Reply> reply = route->handler(call);
  WipeJsonStrings(call.body);  // it may have held a password
  if (!reply.ok()) {
    WireResponse res = error(reply.status());
    res.principal = call.caller.id;
    return res;
  }
  WireResponse res;
  res.status = reply->status;
  res.request_id = call.request_id;
  res.principal = call.caller.id;
  res.headers = std::move(reply->headers);
  res.headers.emplace_back("X-Request-Id", call.request_id);
  if (!reply->secret_body.empty()) {
    res.body = std::move(reply->secret_body);
  } else if (!reply->body.is_null()) {
    res.body = Secret(Dump(reply->body));
  }
  if (!res.body.empty()) res.headers.emplace_back("Content-Type", "application/json");
  if (request.method == "HEAD") res.body.Clear();
  return res;
}

}  // namespace iam
