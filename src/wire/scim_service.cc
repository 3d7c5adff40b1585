// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// /scim/v2: the bearer token, routing, the discovery resources
// (ServiceProviderConfig, ResourceTypes, Schemas), Bulk, PatchOp, projection,
// paging, and errors in SCIM's schema.
#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "wire/percent_encoding.h"
#include "wire/scim_filter.h"
#include "wire/scim_internal.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

constexpr absl::string_view kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
constexpr absl::string_view kBulkResponseSchema =
    "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
constexpr absl::string_view kContentType = "application/scim+json";

// reason -> scimType, for SCIM's own errors and the engine's that have one.
struct ScimTypeOf {
  absl::string_view reason_suffix;  // matched at the end of the reason
  absl::string_view scim_type;
};
constexpr ScimTypeOf kScimTypes[] = {
    {"scim.invalidFilter", "invalidFilter"},
    {"scim.invalid_filter", "invalidFilter"},
    {"scim.invalid_path", "invalidPath"},
    {"scim.invalidPath", "invalidPath"},
    {"scim.mutability", "mutability"},
    {"scim.invalidSyntax", "invalidSyntax"},
    {"scim.invalidValue", "invalidValue"},
    {"scim.noTarget", "noTarget"},
    {"scim.tooMany", "tooMany"},
    {"scim.invalidVers", "invalidVers"},
    {"scim.uniqueness", "uniqueness"},
    {".duplicate", "uniqueness"},
};

// Engine fields as SCIM names them, for error details.
constexpr std::pair<absl::string_view, absl::string_view> kAttributeNames[] = {
    {"username", "userName"},
    {"display_name", "displayName"},
    {"email", "emails"},
    {"phone", "phoneNumbers"},
    {"phone_region", "phoneNumbers"},
    {"external_id", "externalId"},
    {"enabled", "active"},
    {"groups", "groups"},
    {"name", "displayName"},
    {"custom_fields", "extension attributes"},
};

struct ErrorAnswer {
  int status;
  std::string scim_type;
  std::string detail;
};

ErrorAnswer AnswerOf(const absl::Status& status) {
  const std::string reason = ErrorReason(status);
  ErrorAnswer a{500, "", ""};
  for (const ScimTypeOf& t : kScimTypes) {
    if (absl::EndsWith(reason, t.reason_suffix)) {
      a.scim_type = std::string(t.scim_type);
      break;
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      a.status = 400;
      if (a.scim_type.empty()) a.scim_type = "invalidValue";
      break;
    case absl::StatusCode::kFailedPrecondition:
      a.status = a.scim_type == "tooMany" ? 413 : 400;
      if (a.scim_type.empty()) a.scim_type = "invalidValue";
      break;
    case absl::StatusCode::kAlreadyExists:
      a.status = 409;
      if (a.scim_type.empty()) a.scim_type = "uniqueness";
      break;
    case absl::StatusCode::kNotFound:
      a.status = 404;
      break;
    case absl::StatusCode::kPermissionDenied:
      a.status = 403;
      break;
    case absl::StatusCode::kUnauthenticated:
      a.status = 401;
      break;
    case absl::StatusCode::kAborted:
      // A stale If-Match, or a change that raced this one.
      a.status = absl::EndsWith(reason, "version_conflict") ? 412 : 409;
      break;
    case absl::StatusCode::kResourceExhausted:
      a.status = a.scim_type == "tooMany" ? 413 : 429;
      break;
    case absl::StatusCode::kUnimplemented:
      a.status = 501;
      break;
    case absl::StatusCode::kUnavailable:
      a.status = 503;
      break;
    default:
      a.status = 500;
  }
  if (a.status >= 500 && a.status != 501 && a.status != 503) {
    a.detail = "An unexpected error prevented the server from fulfilling the request.";
    return a;
  }
  // The engine's "field: what is wrong", with SCIM's attribute name. A
  // message never holds the rejected value.
  a.detail = std::string(status.message());
  const std::string field = ErrorField(status);
  for (const auto& [engine_name, scim_name] : kAttributeNames) {
    if (field == engine_name && absl::StartsWith(a.detail, absl::StrCat(field, ": "))) {
      a.detail = absl::StrCat(scim_name, a.detail.substr(field.size()));
    }
  }
  if (a.status == 412 && a.detail.empty()) a.detail = "The resource has changed.";
  return a;
}

nlohmann::json ErrorJson(const ErrorAnswer& a) {
  nlohmann::json j = {{"schemas", {kErrorSchema}}, {"status", std::to_string(a.status)}};
  if (!a.scim_type.empty() && a.status < 500) j["scimType"] = a.scim_type;
  j["detail"] = a.detail;
  return j;
}

WireResponse Respond(int status, const nlohmann::json& body, const std::string& request_id) {
  WireResponse res;
  res.status = status;
  res.request_id = request_id;
  res.headers = {{"X-Request-Id", request_id}};
  if (!body.is_null()) {
    res.body = Secret(Dump(body));
    res.headers.emplace_back("Content-Type", std::string(kContentType));
  }
  return res;
}

// --- Discovery (RFC 7643 section 5 and 6) ---

nlohmann::json Meta(const ScimCall& call, absl::string_view type, absl::string_view path) {
  return {{"resourceType", type},
          {"location", absl::StrCat(call.options.public_url, "/scim/v2/", path)}};
}

nlohmann::json ServiceProviderConfig(const ScimCall& call) {
  return {
      {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
      {"patch", {{"supported", true}}},
      {"bulk",
       {{"supported", true},
        {"maxOperations", kScimMaxBulkOperations},
        {"maxPayloadSize", call.options.max_body}}},
      {"filter", {{"supported", true}, {"maxResults", kScimMaxResults}}},
      {"changePassword", {{"supported", true}}},
      {"sort", {{"supported", false}}},
      {"etag", {{"supported", true}}},
      {"authenticationSchemes",
       {{{"type", "oauthbearertoken"},
         {"name", "Bearer token"},
         {"description",
          "A tenant's SCIM token (iamctl scim-token issue), sent as Authorization: Bearer."},
         {"primary", true}}}},
      {"meta", Meta(call, "ServiceProviderConfig", "ServiceProviderConfig")},
  };
}

nlohmann::json ResourceType(const ScimCall& call, absl::string_view name) {
  const bool user = name == "User";
  nlohmann::json j = {
      {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}},
      {"id", name},
      {"name", name},
      {"endpoint", user ? "/Users" : "/Groups"},
      {"description", user ? "A user of the tenant" : "A group of the tenant's users"},
      {"schema", user ? kScimUserSchema : kScimGroupSchema},
      {"meta", Meta(call, "ResourceType", absl::StrCat("ResourceTypes/", name))},
  };
  if (user) {
    j["schemaExtensions"] = {{{"schema", kScimEnterpriseSchema}, {"required", false}}};
  }
  return j;
}

std::vector<nlohmann::json> Schemas(const ScimCall& call) {
  std::vector<nlohmann::json> out = {ScimUserSchemaJson(), ScimEnterpriseSchemaJson(),
                                     ScimGroupSchemaJson()};
  for (nlohmann::json& s : out) {
    s["schemas"] = {"urn:ietf:params:scim:schemas:core:2.0:Schema"};
    s["meta"] = Meta(call, "Schema", absl::StrCat("Schemas/", s["id"].get<std::string>()));
  }
  return out;
}

absl::StatusOr<ScimReply> Discovery(ScimCall& call) {
  if (call.method != "GET") {
    return ScimError(absl::StatusCode::kUnimplemented, "", "Discovery resources are read-only.");
  }
  const std::string& what = call.segments[0];
  if (what == "ServiceProviderConfig" && call.segments.size() == 1) {
    return ScimReply{200, ServiceProviderConfig(call), "", ""};
  }
  if (what == "ResourceTypes") {
    if (call.segments.size() == 1) {
      return ScimReply{
          200, ListResponse({ResourceType(call, "User"), ResourceType(call, "Group")}, 2, {1, 2}),
          "", ""};
    }
    if (call.segments.size() == 2 && (call.segments[1] == "User" || call.segments[1] == "Group")) {
      return ScimReply{200, ResourceType(call, call.segments[1]), "", ""};
    }
  }
  if (what == "Schemas") {
    std::vector<nlohmann::json> all = Schemas(call);
    if (call.segments.size() == 1) {
      const int64_t n = static_cast<int64_t>(all.size());
      return ScimReply{200, ListResponse(std::move(all), n, {1, n}), "", ""};
    }
    if (call.segments.size() == 2) {
      for (nlohmann::json& s : all) {
        if (s["id"] == call.segments[1]) return ScimReply{200, std::move(s), "", ""};
      }
    }
  }
  return ScimError(absl::StatusCode::kNotFound, "", "No such resource.");
}

absl::StatusOr<ScimReply> Dispatch(ScimCall& call);

// --- Bulk (RFC 7644 section 3.7) ---

// Replaces "bulkId:<id>" in every string of `value` by the id it stands for;
// kInvalidArgument naming a reference that no earlier operation created.
absl::Status ResolveBulkIds(nlohmann::json& value, const std::map<std::string, std::string>& ids) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (!absl::StartsWith(s, "bulkId:")) return absl::OkStatus();
    auto it = ids.find(s.substr(7));
    if (it == ids.end()) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                       absl::StrCat("data: \"", s.substr(0, 80),
                                    "\" refers to no operation before it that created a resource"));
    }
    value = it->second;
  } else if (value.is_object() || value.is_array()) {
    for (auto& v : value) IAM_RETURN_IF_ERROR(ResolveBulkIds(v, ids));
  }
  return absl::OkStatus();
}

absl::StatusOr<ScimReply> Bulk(ScimCall& call) {
  if (call.method != "POST") {
    return ScimError(absl::StatusCode::kUnimplemented, "", "Bulk takes POST.");
  }
  const nlohmann::json* ops = ScimMember(call.body, "Operations");
  if (ops == nullptr || !ops->is_array()) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                     "Operations: a BulkRequest needs an array of operations");
  }
  if (ops->size() > static_cast<size_t>(kScimMaxBulkOperations)) {
    return ScimError(
        absl::StatusCode::kResourceExhausted, "tooMany",
        absl::StrCat("Operations: at most ", kScimMaxBulkOperations, " operations per request"));
  }
  int64_t fail_on_errors = 0;  // 0 = go on whatever fails
  if (const nlohmann::json* f = ScimMember(call.body, "failOnErrors"); f != nullptr) {
    if (!f->is_number_integer() || f->get<int64_t>() < 1) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                       "failOnErrors: must be an integer of at least 1");
    }
    fail_on_errors = f->get<int64_t>();
  }
  std::map<std::string, std::string> created;  // bulkId -> id
  nlohmann::json results = nlohmann::json::array();
  int64_t errors = 0;
  for (size_t i = 0; i < ops->size(); ++i) {
    const nlohmann::json& op = (*ops)[i];
    nlohmann::json out = nlohmann::json::object();
    ScimCall sub{call.engine, call.options, call.caller, call.tenant, "", {}, {}, nullptr, "", ""};
    absl::StatusOr<ScimReply> reply = [&]() -> absl::StatusOr<ScimReply> {
      const nlohmann::json* method = ScimMember(op, "method");
      const nlohmann::json* path = ScimMember(op, "path");
      if (!op.is_object() || method == nullptr || !method->is_string() || path == nullptr ||
          !path->is_string()) {
        return ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                         absl::StrCat("Operations[", i, "]: needs a method and a path"));
      }
      sub.method = absl::AsciiStrToUpper(method->get<std::string>());
      out["method"] = sub.method;
      if (const nlohmann::json* b = ScimMember(op, "bulkId"); b != nullptr && b->is_string()) {
        out["bulkId"] = *b;
      } else if (sub.method == "POST") {
        return ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                         absl::StrCat("Operations[", i, "].bulkId: a POST needs one"));
      }
      nlohmann::json target = *path;
      IAM_RETURN_IF_ERROR(ResolveBulkIds(target, created));
      for (absl::string_view s :
           absl::StrSplit(target.get<std::string>(), '/', absl::SkipEmpty())) {
        sub.segments.push_back(PercentDecode(s));
      }
      if (const nlohmann::json* data = ScimMember(op, "data"); data != nullptr) {
        sub.body = *data;
        IAM_RETURN_IF_ERROR(ResolveBulkIds(sub.body, created));
      }
      if (const nlohmann::json* v = ScimMember(op, "version"); v != nullptr && v->is_string()) {
        sub.if_match = v->get<std::string>();
      }
      if (sub.segments.empty() || sub.segments[0] == "Bulk" ||
          (sub.segments[0] != "Users" && sub.segments[0] != "Groups") || sub.method == "GET") {
        return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                         absl::StrCat("Operations[", i,
                                      "].path: must name /Users or /Groups with POST, PUT, PATCH "
                                      "or DELETE"));
      }
      return Dispatch(sub);
    }();
    if (reply.ok()) {
      out["status"] = std::to_string(reply->status);
      if (!reply->version.empty()) out["version"] = reply->version;
      std::string location = reply->location;
      if (location.empty() && reply->body.is_object()) {
        if (const nlohmann::json* meta = ScimMember(reply->body, "meta")) {
          location = meta->value("location", "");
        }
      }
      if (location.empty() && sub.segments.size() == 2) {
        location = call.Location(sub.segments[0], sub.segments[1]);
      }
      if (!location.empty()) out["location"] = location;
      if (reply->status == 201 && out.contains("bulkId") && reply->body.contains("id")) {
        created[out["bulkId"].get<std::string>()] = reply->body["id"].get<std::string>();
      }
    } else {
      const ErrorAnswer a = AnswerOf(reply.status());
      out["status"] = std::to_string(a.status);
      out["response"] = ErrorJson(a);
      ++errors;
    }
    WipeJsonStrings(sub.body);  // it may have held a password
    results.push_back(std::move(out));
    if (fail_on_errors > 0 && errors >= fail_on_errors) break;
  }
  return ScimReply{
      200, {{"schemas", {kBulkResponseSchema}}, {"Operations", std::move(results)}}, "", ""};
}

absl::StatusOr<ScimReply> Dispatch(ScimCall& call) {
  if (call.segments.empty()) return ScimError(absl::StatusCode::kNotFound, "", "No such resource.");
  const std::string& what = call.segments[0];
  if (what == "Users") return ScimUsers(call);
  if (what == "Groups") return ScimGroups(call);
  if (what == "Bulk" && call.segments.size() == 1) return Bulk(call);
  if (what == "ServiceProviderConfig" || what == "ResourceTypes" || what == "Schemas") {
    return Discovery(call);
  }
  if (what == "Me" || what == ".search") {
    return ScimError(absl::StatusCode::kUnimplemented, "",
                     absl::StrCat("/", what, " is not supported by this service provider."));
  }
  return ScimError(absl::StatusCode::kNotFound, "", "No such resource.");
}

bool IsScimContentType(const WireRequest& request) {
  const std::string* type = FindHeader(request.headers, "Content-Type");
  if (type == nullptr) return true;
  const absl::string_view t = absl::StripLeadingAsciiWhitespace(*type);
  return absl::StartsWithIgnoreCase(t, "application/scim+json") ||
         absl::StartsWithIgnoreCase(t, "application/json");
}

}  // namespace

absl::Status ScimError(absl::StatusCode code, absl::string_view scim_type,
                       absl::string_view detail) {
  return MakeError(code, "", absl::StrCat("scim.", scim_type), detail);
}

std::optional<std::string> ScimCall::Query(absl::string_view name) const {
  for (const auto& [key, value] : query) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::string ScimCall::Location(absl::string_view resource, absl::string_view id) const {
  return absl::StrCat(options.public_url, "/scim/v2/", resource, "/", id);
}

absl::StatusOr<ScimReply> RouteResource(ScimCall& call, const ScimResourceHandlers& h) {
  const std::vector<std::string>& s = call.segments;
  const std::string& m = call.method;
  if (s.size() == 1 && m == "GET") return h.list(call);
  if (s.size() == 1 && m == "POST") return h.create(call);
  if (s.size() == 2 && m == "GET") return h.get(call, s[1]);
  if (s.size() == 2 && m == "PUT") return h.put(call, s[1]);
  if (s.size() == 2 && m == "PATCH") return h.patch(call, s[1]);
  if (s.size() == 2 && m == "DELETE") return h.remove(call, s[1]);
  if (s.size() > 2) return ScimError(absl::StatusCode::kNotFound, "", "No such resource.");
  return ScimError(
      absl::StatusCode::kUnimplemented, "",
      absl::StrCat("The method ", m.substr(0, 16), " is not supported for this resource."));
}

nlohmann::json ScimAttribute(absl::string_view name, absl::string_view type,
                             absl::string_view mutability, absl::string_view uniqueness,
                             bool multi_valued, bool required, bool case_exact) {
  return {{"name", name},
          {"type", type},
          {"multiValued", multi_valued},
          {"required", required},
          {"caseExact", case_exact},
          {"mutability", mutability},
          {"returned", name == "password" ? "never" : "default"},
          {"uniqueness", uniqueness}};
}

std::string ScimVersion(int64_t version) { return absl::StrCat("W/\"", version, "\""); }

absl::StatusOr<int64_t> IfMatchVersion(const ScimCall& call) {
  absl::string_view v = absl::StripAsciiWhitespace(call.if_match);
  if (v.empty() || v == "*") return 0;
  absl::ConsumePrefix(&v, "W/");
  int64_t n = 0;
  if (!absl::ConsumePrefix(&v, "\"") || !absl::ConsumeSuffix(&v, "\"") ||
      !absl::SimpleAtoi(v, &n) || n < 1) {
    // No version of ours looks like that: it cannot match.
    return MakeError(absl::StatusCode::kAborted, "If-Match", "scim.version_conflict",
                     "If-Match: names no version of this resource");
  }
  return n;
}

std::string ScimTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<bool> ScimBool(const nlohmann::json& value, absl::string_view attribute) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (absl::EqualsIgnoreCase(s, "true")) return true;
    if (absl::EqualsIgnoreCase(s, "false")) return false;
  }
  return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                   absl::StrCat(attribute, ": must be true or false"));
}

absl::StatusOr<ScimPage> PageOf(const ScimCall& call) {
  ScimPage page;
  const auto number = [&](absl::string_view name, int64_t* out) -> absl::Status {
    std::optional<std::string> text = call.Query(name);
    if (!text) return absl::OkStatus();
    if (!absl::SimpleAtoi(*text, out)) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                       absl::StrCat(name, ": must be an integer"));
    }
    return absl::OkStatus();
  };
  IAM_RETURN_IF_ERROR(number("startIndex", &page.start));
  IAM_RETURN_IF_ERROR(number("count", &page.count));
  // RFC 7644 3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
  page.start = std::max<int64_t>(page.start, 1);
  page.count = std::clamp<int64_t>(page.count, 0, kScimMaxResults);
  return page;
}

nlohmann::json ListResponse(std::vector<nlohmann::json> resources, int64_t total,
                            const ScimPage& page) {
  const int64_t n = static_cast<int64_t>(resources.size());
  nlohmann::json list = nlohmann::json::array();
  for (nlohmann::json& r : resources) list.push_back(std::move(r));
  return {{"schemas", {kScimListSchema}},
          {"totalResults", total},
          {"startIndex", page.start},
          {"itemsPerPage", n},
          {"Resources", std::move(list)}};
}

namespace {

std::vector<std::string> AttributeList(const ScimCall& call, absl::string_view name) {
  std::vector<std::string> out;
  if (std::optional<std::string> v = call.Query(name)) {
    for (absl::string_view a : absl::StrSplit(*v, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(a));
    }
  }
  return out;
}

bool Always(absl::string_view attr) {
  return absl::EqualsIgnoreCase(attr, "id") || absl::EqualsIgnoreCase(attr, "schemas");
}

}  // namespace

bool Returned(const ScimCall& call, absl::string_view name) {
  const std::vector<std::string> only = AttributeList(call, "attributes");
  if (!only.empty()) {
    return std::any_of(only.begin(), only.end(), [&](const std::string& a) {
      absl::string_view attr = a;
      if (const size_t colon = attr.rfind(':'); colon != absl::string_view::npos) {
        attr = attr.substr(colon + 1);
      }
      return absl::EqualsIgnoreCase(attr.substr(0, attr.find('.')), name);
    });
  }
  const std::vector<std::string> excluded = AttributeList(call, "excludedAttributes");
  return std::none_of(excluded.begin(), excluded.end(),
                      [&](const std::string& a) { return absl::EqualsIgnoreCase(a, name); });
}

absl::StatusOr<nlohmann::json> Project(const ScimCall& call, nlohmann::json resource) {
  const std::vector<std::string> only = AttributeList(call, "attributes");
  const std::vector<std::string> excluded = AttributeList(call, "excludedAttributes");
  const auto parse = [](const std::string& text,
                        absl::string_view param) -> absl::StatusOr<ScimAttrPath> {
    absl::StatusOr<ScimPatchPath> p = ParseScimPatchPath(text);
    if (!p.ok() || p->has_filter) {
      return ScimError(
          absl::StatusCode::kInvalidArgument, "invalidValue",
          absl::StrCat(param, ": '", text.substr(0, 80), "' is not an attribute name"));
    }
    return p->path;
  };
  if (!only.empty()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = resource.begin(); it != resource.end(); ++it) {
      if (Always(it.key())) out[it.key()] = it.value();
    }
    for (const std::string& a : only) {
      absl::StatusOr<ScimAttrPath> p = parse(a, "attributes");
      if (!p.ok()) return p.status();
      const nlohmann::json* from = ScimContainer(resource, *p);
      const nlohmann::json* value = from == nullptr ? nullptr : ScimMember(*from, p->attr);
      if (value == nullptr) continue;
      nlohmann::json& to = IsScimCoreUri(p->uri) ? out : out[p->uri];
      std::string key;  // the attribute as the resource spells it
      for (auto it = from->begin(); it != from->end(); ++it) {
        if (absl::EqualsIgnoreCase(it.key(), p->attr)) key = it.key();
      }
      if (p->sub.empty()) {
        to[key] = *value;
        continue;
      }
      const auto pick = [&](const nlohmann::json& v, nlohmann::json* into) {
        if (const nlohmann::json* s = ScimMember(v, p->sub)) (*into)[p->sub] = *s;
      };
      if (value->is_array()) {
        nlohmann::json& list = to[key];
        if (!list.is_array()) list = nlohmann::json::array();
        for (size_t i = 0; i < value->size(); ++i) {
          if (list.size() <= i) list.push_back(nlohmann::json::object());
          pick((*value)[i], &list[i]);
        }
      } else if (value->is_object()) {
        pick(*value, &to[key]);
      }
    }
    // An extension named whole ("urn:...:User") comes along too.
    for (const std::string& a : only) {
      if (const nlohmann::json* ext = ScimMember(resource, a); ext != nullptr && ext->is_object()) {
        out[a] = *ext;
      }
    }
    return out;
  }
  for (const std::string& a : excluded) {
    absl::StatusOr<ScimAttrPath> p = parse(a, "excludedAttributes");
    if (!p.ok()) return p.status();
    if (Always(p->attr) && IsScimCoreUri(p->uri)) continue;
    nlohmann::json* from = IsScimCoreUri(p->uri) ? &resource : ScimMember(resource, p->uri);
    if (from == nullptr || !from->is_object()) continue;
    for (auto it = from->begin(); it != from->end(); ++it) {
      if (!absl::EqualsIgnoreCase(it.key(), p->attr)) continue;
      if (p->sub.empty()) {
        from->erase(it);
      } else if (it->is_array()) {
        for (nlohmann::json& e : *it) {
          if (e.is_object()) e.erase(p->sub);
        }
      } else if (it->is_object()) {
        it->erase(p->sub);
      }
      break;
    }
  }
  return resource;
}

// --- PatchOp ---

namespace {

// The member of `object` spelled like `name` ignoring case, created when
// absent.
nlohmann::json& MemberFor(nlohmann::json& object, absl::string_view name) {
  if (nlohmann::json* m = ScimMember(object, name)) return *m;
  return object[std::string(name)];
}

void AddValue(nlohmann::json& slot, const nlohmann::json& value) {
  // Adding to a multi-valued attribute appends what is not there yet.
  if (slot.is_array()) {
    const nlohmann::json items = value.is_array() ? value : nlohmann::json::array({value});
    for (const nlohmann::json& v : items) {
      if (std::find(slot.begin(), slot.end(), v) == slot.end()) slot.push_back(v);
    }
  } else if (slot.is_object() && value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) MemberFor(slot, it.key()) = it.value();
  } else {
    slot = value;
  }
}

absl::Status ApplyOp(absl::string_view op, const std::string& path_text,
                     const nlohmann::json* value, nlohmann::json* resource,
                     const std::vector<absl::string_view>& read_only) {
  absl::StatusOr<ScimPatchPath> parsed = ParseScimPatchPath(path_text);
  if (!parsed.ok()) return parsed.status();
  const ScimPatchPath& p = *parsed;
  static constexpr absl::string_view kServerOwned[] = {"id", "meta", "schemas"};
  for (absl::string_view attr : kServerOwned) {
    if (absl::EqualsIgnoreCase(p.path.attr, attr) && IsScimCoreUri(p.path.uri)) {
      return ScimError(absl::StatusCode::kInvalidArgument, "mutability",
                       absl::StrCat(p.path.attr, ": is set by the service provider"));
    }
  }
  for (absl::string_view attr : read_only) {
    if (absl::EqualsIgnoreCase(p.path.attr, attr) && IsScimCoreUri(p.path.uri)) {
      return ScimError(absl::StatusCode::kInvalidArgument, "mutability",
                       absl::StrCat(p.path.attr, ": is read-only"));
    }
  }
  if (op != "remove" && value == nullptr) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                     absl::StrCat("value: ", op, " needs a value"));
  }
  nlohmann::json* container =
      IsScimCoreUri(p.path.uri) ? resource : &MemberFor(*resource, p.path.uri);
  if (!container->is_object()) *container = nlohmann::json::object();
  if (!p.has_filter) {
    if (p.path.sub.empty()) {
      if (op == "remove") {
        if (nlohmann::json* slot = ScimMember(*container, p.path.attr)) {
          // "remove" with a value list takes those values out (members).
          if (value != nullptr && slot->is_array() && value->is_array()) {
            for (const nlohmann::json& v : *value) {
              const nlohmann::json* id = ScimMember(v, "value");
              slot->erase(std::remove_if(slot->begin(), slot->end(),
                                         [&](const nlohmann::json& e) {
                                           const nlohmann::json* have = ScimMember(e, "value");
                                           return e == v || (id != nullptr && have != nullptr &&
                                                             *have == *id);
                                         }),
                          slot->end());
            }
          } else {
            *slot = nullptr;
          }
        }
      } else if (op == "add") {
        AddValue(MemberFor(*container, p.path.attr), *value);
      } else {
        MemberFor(*container, p.path.attr) = *value;
      }
      return absl::OkStatus();
    }
    nlohmann::json& parent = MemberFor(*container, p.path.attr);
    if (parent.is_array()) {
      for (nlohmann::json& e : parent) {
        if (!e.is_object()) continue;
        if (op == "remove") {
          e.erase(p.path.sub);
        } else {
          MemberFor(e, p.path.sub) = *value;
        }
      }
      return absl::OkStatus();
    }
    if (!parent.is_object()) parent = nlohmann::json::object();
    if (op == "remove") {
      if (nlohmann::json* s = ScimMember(parent, p.path.sub)) *s = nullptr;
    } else {
      MemberFor(parent, p.path.sub) = *value;
    }
    return absl::OkStatus();
  }
  // A value path: the elements its filter selects.
  nlohmann::json& list = MemberFor(*container, p.path.attr);
  if (!list.is_array())
    list = list.is_null() ? nlohmann::json::array() : nlohmann::json::array({list});
  bool hit = false;
  for (auto it = list.begin(); it != list.end();) {
    if (!ScimMatches(p.filter, *it)) {
      ++it;
      continue;
    }
    hit = true;
    if (op == "remove" && p.path.sub.empty()) {
      it = list.erase(it);
      continue;
    }
    if (op == "remove") {
      it->erase(p.path.sub);
    } else if (p.path.sub.empty()) {
      AddValue(*it, *value);
    } else {
      MemberFor(*it, p.path.sub) = *value;
    }
    ++it;
  }
  if (hit || op == "remove") return absl::OkStatus();
  // Nothing selected: an "eq" filter describes the element to add (Entra's
  // replace of emails[type eq "work"].value on a user who has none).
  if (p.filter.kind != ScimFilter::Kind::kCompare || p.filter.op != ScimOp::kEq ||
      !p.filter.path.sub.empty()) {
    return ScimError(absl::StatusCode::kInvalidArgument, "noTarget",
                     absl::StrCat("path: selects no value of ", p.path.attr));
  }
  nlohmann::json element = {{p.filter.path.attr, p.filter.value}};
  if (p.path.sub.empty()) {
    AddValue(element, *value);
  } else {
    element[p.path.sub] = *value;
  }
  list.push_back(std::move(element));
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyPatch(const nlohmann::json& patch, nlohmann::json* resource,
                        const std::vector<absl::string_view>& read_only) {
  const nlohmann::json* ops = ScimMember(patch, "Operations");
  if (!patch.is_object() || ops == nullptr || !ops->is_array() || ops->empty()) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                     "Operations: a PatchOp needs a non-empty array of operations");
  }
  for (size_t i = 0; i < ops->size(); ++i) {
    const nlohmann::json& o = (*ops)[i];
    const nlohmann::json* name = ScimMember(o, "op");
    if (name == nullptr || !name->is_string()) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                       absl::StrCat("Operations[", i, "].op: must be add, replace or remove"));
    }
    const std::string op = absl::AsciiStrToLower(name->get<std::string>());
    if (op != "add" && op != "replace" && op != "remove") {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                       absl::StrCat("Operations[", i, "].op: must be add, replace or remove"));
    }
    const nlohmann::json* value = ScimMember(o, "value");
    const nlohmann::json* path = ScimMember(o, "path");
    if (path != nullptr && !path->is_string()) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidPath",
                       absl::StrCat("Operations[", i, "].path: must be a string"));
    }
    if (path != nullptr && !path->get_ref<const std::string&>().empty()) {
      IAM_RETURN_IF_ERROR(ApplyOp(op, path->get<std::string>(), value, resource, read_only));
      continue;
    }
    // No path: the value is an object of attributes (Okta's deactivation);
    // Entra writes paths as its keys ("name.givenName").
    if (op == "remove" || value == nullptr || !value->is_object()) {
      return ScimError(
          absl::StatusCode::kInvalidArgument, "noTarget",
          absl::StrCat("Operations[", i, "]: without a path, add and replace take an object"));
    }
    for (auto it = value->begin(); it != value->end(); ++it) {
      // Okta's group PATCH repeats the id: what the server owns is ignored
      // here, as in a PUT.
      if (absl::EqualsIgnoreCase(it.key(), "id") || absl::EqualsIgnoreCase(it.key(), "meta") ||
          absl::EqualsIgnoreCase(it.key(), "schemas")) {
        continue;
      }
      if (absl::StartsWithIgnoreCase(it.key(), "urn:") && it->is_object() &&
          !IsScimCoreUri(it.key())) {
        // An extension's attributes.
        for (auto e = it->begin(); e != it->end(); ++e) {
          IAM_RETURN_IF_ERROR(
              ApplyOp(op, absl::StrCat(it.key(), ":", e.key()), &e.value(), resource, read_only));
        }
        continue;
      }
      IAM_RETURN_IF_ERROR(ApplyOp(op, it.key(), &it.value(), resource, read_only));
    }
  }
  return absl::OkStatus();
}

WireResponse ScimHostError(int status, absl::string_view detail, const std::string& request_id) {
  return Respond(status, ErrorJson({status, status == 413 ? "tooMany" : "", std::string(detail)}),
                 request_id);
}

WireResponse HandleScim(const WireRequest& request, Engine& engine, const WireOptions& options,
                        const std::string& request_id) {
  const auto fail = [&](const absl::Status& status) {
    const ErrorAnswer a = AnswerOf(status);
    WireResponse res = Respond(a.status, ErrorJson(a), request_id);
    if (a.status == 401) res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"scim\"");
    return res;
  };
  if (request.body.size() > options.max_body) {
    return ScimHostError(413,
                         absl::StrCat("The request body is larger than ", options.max_body,
                                      " bytes (ServiceProviderConfig bulk.maxPayloadSize)."),
                         request_id);
  }
  // The tenant and the rights are the token's.
  const std::string* auth = FindHeader(request.headers, "Authorization");
  absl::string_view token;
  if (auth != nullptr) {
    token = absl::StripAsciiWhitespace(*auth);
    if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
      token = {};
    }
    token = absl::StripAsciiWhitespace(token);
  }
  if (token.empty()) {
    return fail(ScimError(absl::StatusCode::kUnauthenticated, "",
                          "Authorization: a SCIM bearer token is required"));
  }
  absl::StatusOr<Session> session = engine.ValidateSession(token);
  if (!session.ok()) {
    return fail(absl::IsUnauthenticated(session.status())
                    ? ScimError(absl::StatusCode::kUnauthenticated, "",
                                "Authorization: the bearer token is invalid, expired or revoked")
                    : session.status());
  }
  ScimCall call{engine,
                options,
                CallerOf(request, session->user_id, session->tenant, "token"),
                session->tenant,
                request.method == "HEAD" ? "GET" : request.method,
                {},
                FormPairs(request.query),
                nullptr,
                "",
                ""};
  absl::string_view rest = request.path;
  absl::ConsumePrefix(&rest, "/scim/v2");
  for (absl::string_view s : absl::StrSplit(rest, '/', absl::SkipEmpty())) {
    call.segments.push_back(PercentDecode(s));
  }
  if (const std::string* h = FindHeader(request.headers, "If-Match")) call.if_match = *h;
  if (const std::string* h = FindHeader(request.headers, "If-None-Match")) call.if_none_match = *h;
  if (!request.body.empty() && request.method != "GET" && request.method != "DELETE") {
    if (!IsScimContentType(request)) {
      return fail(ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                            "Content-Type: must be application/scim+json"));
    }
    call.body = ParseRequestJson(request.body);
    if (call.body.is_discarded() || !call.body.is_object()) {
      return fail(ScimError(absl::StatusCode::kInvalidArgument, "invalidSyntax",
                            "The request body is not a JSON object."));
    }
  }
  absl::StatusOr<ScimReply> reply = Dispatch(call);
  WipeJsonStrings(call.body);  // it may have held a password
  if (!reply.ok()) {
    WireResponse res = fail(reply.status());
    res.principal = call.caller.id;
    return res;
  }
  // A GET whose ETag the client holds: 304 without a body.
  if (request.method == "GET" && !reply->version.empty() && call.if_none_match == reply->version) {
    reply->status = 304;
    reply->body = nullptr;
  }
  WireResponse res = Respond(reply->status, reply->body, request_id);
  res.principal = call.caller.id;
  if (!reply->version.empty()) res.headers.emplace_back("ETag", reply->version);
  if (!reply->location.empty()) res.headers.emplace_back("Location", reply->location);
  if (request.method == "HEAD") res.body.Clear();
  return res;
}

}  // namespace iam::wire
