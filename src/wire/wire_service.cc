// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// WireService::Handle: the request id, the body limit, routing (404, 405),
// caller authentication, JSON parsing, the handler, and every error rendered
// in the dialect of the path. Handlers live in one file per dialect.
#include <algorithm>
#include <exception>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/user_id.h"
#include "wire/percent_encoding.h"
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

// Engine field names as each dialect's bodies spell them (the rest keep
// their engine name under the body's root object).
struct FieldName {
  absl::string_view engine;
  absl::string_view keystone;
  absl::string_view huawei;
};
constexpr FieldName kFieldNames[] = {
    {"username", "name", "name"},
    {"tenant", "domain_id", "domain_id"},
    {"phone_region", "phone_region", "areacode"},
    {"external_id", "external_id", "xuser_id"},
    {"require_password_reset", "pwd_status", "pwd_status"},
};

// "root.name" for an engine field; fields the wire named itself (request.*
// reasons, dotted paths, header names) stay as they are.
std::string WireField(Dialect dialect, absl::string_view root, absl::string_view field,
                      absl::string_view reason) {
  if (field.empty() || root.empty() || absl::StartsWith(reason, "request.") ||
      absl::StrContains(field, '.') || absl::StrContains(field, '-') ||
      absl::ascii_isupper(field[0])) {
    return std::string(field);
  }
  for (const FieldName& f : kFieldNames) {
    if (f.engine == field) {
      return absl::StrCat(root, ".", dialect == Dialect::kHuawei ? f.huawei : f.keystone);
    }
  }
  return absl::StrCat(root, ".", field);
}

struct ErrorView {
  int status;
  std::string provider_code;
  std::string message;
};

WireResponse Render(Dialect dialect, const ErrorView& e, const std::string& request_id) {
  WireResponse res;
  res.status = e.status;
  res.request_id = request_id;
  json body;
  if (dialect == Dialect::kHuawei) {
    body = {{"error_msg", e.message}, {"error_code", e.provider_code}, {"request_id", request_id}};
  } else {
    json error = {{"code", e.status}, {"title", Title(e.status)}, {"message", e.message}};
    if (!e.provider_code.empty()) error["error_code"] = e.provider_code;
    body = {{"error", std::move(error)}};
  }
  res.body = Secret(Dump(body));
  res.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", request_id}};
  return res;
}

// Both dialects here are Huawei's: their status codes and provider codes
// come from the huawei profile's table, whatever rules the engine enforces.
const Profile& DialectProfile() {
  static const Profile* const huawei = FindProfile("huawei");
  return *huawei;
}

ErrorView FromStatus(Dialect dialect, absl::string_view root, const absl::Status& status) {
  const HttpError mapped = MapError(DialectProfile(), status);
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
  if (e.status >= 500)
    e.message =
        "An unexpected error prevented the server from fulfilling "
        "your request.";
  return e;
}

Dialect DialectOf(absl::string_view path) {
  return absl::StartsWith(path, "/v3.0/") || path == "/v3.0" ? Dialect::kHuawei
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

// JSON nesting beyond this is refused before parsing: no request needs it,
// and deep values make every recursive JSON operation a stack risk.
constexpr int kMaxJsonDepth = 32;

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

bool HasJsonContentType(const WireRequest& request) {
  const std::string* type = FindHeader(request.headers, "Content-Type");
  return type == nullptr ||
         absl::StartsWithIgnoreCase(absl::StripLeadingAsciiWhitespace(*type), "application/json");
}

}  // namespace
}  // namespace wire

struct WireService::Impl {
  Engine* engine;
  WireOptions options;
  Clock* clock;
  std::vector<wire::Route> routes;

  WireResponse Handle(const WireRequest& request) const;
};

WireService::WireService(Engine* engine, WireOptions options) : impl_(new Impl) {
  impl_->engine = engine;
  while (!options.public_url.empty() && options.public_url.back() == '/') {
    options.public_url.pop_back();
  }
  impl_->clock = options.clock != nullptr ? options.clock : SystemClock();
  impl_->options = std::move(options);
  for (auto table :
       {wire::KeystoneTokenRoutes(), wire::KeystoneUserRoutes(), wire::HuaweiUserRoutes()}) {
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
    const std::string id = NewRequestId();
    return wire::Render(wire::DialectOf(request.path),
                        {500, "IAM.0006",
                         "An unexpected error prevented the server from "
                         "fulfilling your request."},
                        id);
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
  return wire::Render(wire::DialectOf(path), {status, "", std::string(message)}, NewRequestId());
}

WireResponse WireService::Impl::Handle(const WireRequest& request) const {
  using namespace wire;  // NOLINT: the layer's own names
  std::string request_id = NewRequestId();
  const Dialect dialect = DialectOf(request.path);
  const auto fail = [&](int status, absl::string_view code, absl::string_view message) {
    return Render(dialect, {status, std::string(code), std::string(message)}, request_id);
  };
  if (request.body.size() > options.max_body) {
    return fail(413, "IAM.0013",
                absl::StrCat("The request body is larger than ", options.max_body, " bytes."));
  }
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
    if (allowed.empty()) return fail(404, "IAM.0004", "The resource could not be found.");
    WireResponse res = fail(405, "IAM.0005",
                            absl::StrCat("The method ", request.method.substr(0, 16),
                                         " is not allowed for this resource."));
    res.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return res;
  }
  Call call{request, *engine, options, *clock, {}, json::object(), {}, request_id};
  // Matches() collected the params of the last pattern tried: redo for ours.
  Matches(route->pattern, segments, &call.params);
  const auto error = [&](const absl::Status& status) {
    WireResponse res = Render(dialect, FromStatus(dialect, route->body_root, status), request_id);
    if (request.method == "HEAD") res.body.Clear();
    return res;
  };
  if (route->access == Access::kAuthenticated) {
    absl::StatusOr<Principal> caller = AuthenticateCaller(request, *engine, options, *clock);
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
    call.body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
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
