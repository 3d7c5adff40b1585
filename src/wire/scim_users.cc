// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// /scim/v2/Users: RFC 7643's User (and its enterprise extension) mapped onto
// the engine's user, and filters planned onto the store's unique indexes.
//
// The mapping: userName = username (the profile's rules, canonical
// uniqueness; a change renames), externalId = external id, displayName,
// emails (the primary, else the first) = email, phoneNumbers (likewise) =
// mobile number, active = enabled, password (write-only) = a password set by
// the administrator, groups read-only (written through Group members). The
// name components, title and the like, and the enterprise attributes are kept
// in the tenant's custom fields of the same names (kCustomAttributes) when
// the tenant defines them, and otherwise not kept.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/store.h"
#include "wire/scim_filter.h"
#include "wire/scim_internal.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

using nlohmann::json;

// SCIM attributes kept in the tenant's custom field named `field`.
struct CustomAttribute {
  bool enterprise;
  absl::string_view attr;
  absl::string_view sub;  // "" for a simple attribute
  absl::string_view field;
};
constexpr CustomAttribute kCustomAttributes[] = {
    {false, "name", "formatted", "formattedName"},
    {false, "name", "familyName", "familyName"},
    {false, "name", "givenName", "givenName"},
    {false, "name", "middleName", "middleName"},
    {false, "name", "honorificPrefix", "honorificPrefix"},
    {false, "name", "honorificSuffix", "honorificSuffix"},
    {false, "nickName", "", "nickName"},
    {false, "profileUrl", "", "profileUrl"},
    {false, "title", "", "title"},
    {false, "userType", "", "userType"},
    {false, "preferredLanguage", "", "preferredLanguage"},
    {false, "locale", "", "locale"},
    {false, "timezone", "", "timezone"},
    {true, "employeeNumber", "", "employeeNumber"},
    {true, "costCenter", "", "costCenter"},
    {true, "organization", "", "organization"},
    {true, "division", "", "division"},
    {true, "department", "", "department"},
    {true, "manager", "value", "manager"},
};

// What rendering and reading users need of the tenant, read once a request.
struct Tenant {
  std::map<std::string, std::string> group_names;  // id -> name
  std::set<std::string> fields;                    // custom fields defined (folded names)
  bool HasField(absl::string_view name) const { return fields.count(FoldName(name)) > 0; }
};

absl::StatusOr<Tenant> ReadTenant(ScimCall& call, bool groups) {
  Tenant t;
  absl::StatusOr<std::vector<DirectoryEntry>> fields =
      call.engine.ListEntries(call.caller, EntryKind::kCustomField, call.tenant, "");
  if (fields.ok()) {
    for (const DirectoryEntry& f : *fields) t.fields.insert(FoldName(f.name));
  } else if (!absl::IsPermissionDenied(fields.status())) {
    return fields.status();
  }
  if (groups) {
    absl::StatusOr<std::vector<DirectoryEntry>> list =
        call.engine.ListEntries(call.caller, EntryKind::kGroup, call.tenant, "");
    if (list.ok()) {
      for (const DirectoryEntry& g : *list) t.group_names[g.id] = g.name;
    } else if (!absl::IsPermissionDenied(list.status())) {
      return list.status();
    }
  }
  return t;
}

std::string PhoneValue(const User& u) {
  return u.phone_region.empty() ? u.phone : absl::StrCat("+", u.phone_region, " ", u.phone);
}

json UserJson(const ScimCall& call, const User& u, const Tenant& tenant) {
  json j = {{"schemas", {kScimUserSchema}}, {"id", u.id}};
  if (!u.external_id.empty() && u.external_id != u.id) j["externalId"] = u.external_id;
  j["userName"] = u.username;
  if (!u.display_name.empty()) j["displayName"] = u.display_name;
  json enterprise = json::object();
  for (const CustomAttribute& a : kCustomAttributes) {
    auto it = u.custom_fields.find(std::string(a.field));
    if (it == u.custom_fields.end() || it->second.empty()) continue;
    json& into = a.enterprise ? enterprise : j;
    if (a.sub.empty()) {
      into[std::string(a.attr)] = it->second;
    } else {
      into[std::string(a.attr)][std::string(a.sub)] = it->second;
    }
  }
  j["active"] = u.enabled;
  if (!u.email.empty()) {
    j["emails"] = {{{"value", u.email}, {"type", "work"}, {"primary", true}}};
  }
  if (!u.phone.empty()) {
    j["phoneNumbers"] = {{{"value", PhoneValue(u)}, {"type", "mobile"}, {"primary", true}}};
  }
  if (!u.groups.empty()) {
    json groups = json::array();
    for (const std::string& id : u.groups) {
      json g = {{"value", id}, {"$ref", call.Location("Groups", id)}, {"type", "direct"}};
      if (auto it = tenant.group_names.find(id); it != tenant.group_names.end()) {
        g["display"] = it->second;
      }
      groups.push_back(std::move(g));
    }
    j["groups"] = std::move(groups);
  }
  if (!enterprise.empty()) {
    j["schemas"].push_back(kScimEnterpriseSchema);
    j[std::string(kScimEnterpriseSchema)] = std::move(enterprise);
  }
  const absl::Time modified = u.updated_at == absl::InfinitePast() ? u.created_at : u.updated_at;
  j["meta"] = {{"resourceType", "User"},
               {"created", ScimTime(u.created_at)},
               {"lastModified", ScimTime(modified)},
               {"location", call.Location("Users", u.id)},
               {"version", ScimVersion(u.version)}};
  return j;
}

// A User resource as a request carries it.
struct UserInput {
  std::optional<std::string> user_name;
  std::string external_id;
  std::string display_name;
  std::string email;
  std::string phone_region;
  std::string phone;
  std::optional<bool> active;
  bool has_password = false;
  Secret password;
  std::map<std::string, std::string> custom;  // field -> value, for defined fields
};

absl::Status NotA(absl::string_view attribute, absl::string_view what) {
  return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                   absl::StrCat(attribute, ": must be ", what));
}

// A string attribute: "" when absent or null.
absl::StatusOr<std::string> StringOf(const json* value, absl::string_view attribute) {
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) return NotA(attribute, "a string");
  return value->get<std::string>();
}

// The value of the primary element of multi-valued `attribute` (else the
// first): "" when there is none.
absl::StatusOr<std::string> PrimaryValue(const json& body, absl::string_view attribute) {
  const json* list = ScimMember(body, attribute);
  if (list == nullptr || list->is_null()) return std::string();
  if (!list->is_array()) return NotA(attribute, "an array");
  const json* chosen = nullptr;
  for (const json& e : *list) {
    if (!e.is_object()) return NotA(attribute, "an array of objects");
    const json* primary = ScimMember(e, "primary");
    if (primary != nullptr && !primary->is_null()) {
      absl::StatusOr<bool> p = ScimBool(*primary, absl::StrCat(attribute, ".primary"));
      if (!p.ok()) return p.status();
      if (*p && chosen == nullptr) chosen = &e;
    }
  }
  if (chosen == nullptr && !list->empty()) chosen = &(*list)[0];
  if (chosen == nullptr) return std::string();
  return StringOf(ScimMember(*chosen, "value"), absl::StrCat(attribute, ".value"));
}

// "+86 13800000000", "tel:+1-425-555-0100", or national digits.
absl::Status SplitPhone(absl::string_view value, std::string* region, std::string* number) {
  absl::ConsumePrefix(&value, "tel:");
  value = absl::StripAsciiWhitespace(value);
  const auto digits = [](absl::string_view s) {
    std::string out;
    for (char c : s) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(c))) out.push_back(c);
    }
    return out;
  };
  if (absl::ConsumePrefix(&value, "+")) {
    size_t end = 0;
    while (end < value.size() && absl::ascii_isdigit(static_cast<unsigned char>(value[end]))) ++end;
    if (end == value.size() || end == 0) {
      return NotA("phoneNumbers.value",
                  "a country code apart from the number, as \"+86 13800000000\"");
    }
    *region = std::string(value.substr(0, end));
    *number = digits(value.substr(end));
  } else {
    region->clear();
    *number = digits(value);
  }
  if (number->empty()) return NotA("phoneNumbers.value", "a telephone number");
  return absl::OkStatus();
}

absl::StatusOr<UserInput> ReadUserInput(const json& body, const Tenant& tenant) {
  UserInput in;
  if (const json* name = ScimMember(body, "userName"); name != nullptr && !name->is_null()) {
    if (!name->is_string()) return NotA("userName", "a string");
    in.user_name = name->get<std::string>();
  }
  IAM_ASSIGN_OR_RETURN(in.external_id, StringOf(ScimMember(body, "externalId"), "externalId"));
  IAM_ASSIGN_OR_RETURN(in.display_name, StringOf(ScimMember(body, "displayName"), "displayName"));
  IAM_ASSIGN_OR_RETURN(in.email, PrimaryValue(body, "emails"));
  IAM_ASSIGN_OR_RETURN(std::string phone, PrimaryValue(body, "phoneNumbers"));
  if (!phone.empty()) IAM_RETURN_IF_ERROR(SplitPhone(phone, &in.phone_region, &in.phone));
  if (const json* active = ScimMember(body, "active"); active != nullptr && !active->is_null()) {
    IAM_ASSIGN_OR_RETURN(in.active, ScimBool(*active, "active"));
  }
  if (const json* password = ScimMember(body, "password");
      password != nullptr && !password->is_null()) {
    if (!password->is_string()) return NotA("password", "a string");
    in.has_password = true;
    in.password = Secret(password->get<std::string>());
  }
  const json* enterprise = ScimMember(body, kScimEnterpriseSchema);
  for (const CustomAttribute& a : kCustomAttributes) {
    const json* container = a.enterprise ? enterprise : &body;
    const json* value = container == nullptr ? nullptr : ScimMember(*container, a.attr);
    // A complex attribute's sub-attribute; Entra sends manager as its id.
    if (value != nullptr && value->is_object() && !a.sub.empty()) value = ScimMember(*value, a.sub);
    const std::string name = a.sub.empty() || a.attr == "manager"
                                 ? std::string(a.attr)
                                 : absl::StrCat(a.attr, ".", a.sub);
    IAM_ASSIGN_OR_RETURN(std::string text, StringOf(value, name));
    if (!text.empty() && tenant.HasField(a.field)) in.custom[std::string(a.field)] = text;
  }
  return in;
}

std::vector<CustomFieldValue> CustomList(const std::map<std::string, std::string>& fields) {
  std::vector<CustomFieldValue> out;
  for (const auto& [name, value] : fields) out.push_back({name, value});
  return out;
}

absl::StatusOr<User> UserOf(ScimCall& call, absl::string_view id) {
  absl::StatusOr<User> u = call.engine.GetUser(call.caller, call.tenant, id);
  // A resource is named by its id only (a username is not an id here).
  if ((u.ok() && u->id != id) || absl::IsNotFound(u.status())) {
    return ScimError(absl::StatusCode::kNotFound, "",
                     absl::StrCat("Users/", id.substr(0, 64), ": no such user"));
  }
  return u;
}

absl::StatusOr<ScimReply> Resource(ScimCall& call, const User& u, int status) {
  IAM_ASSIGN_OR_RETURN(Tenant tenant, ReadTenant(call, !u.groups.empty()));
  IAM_ASSIGN_OR_RETURN(json body, Project(call, UserJson(call, u, tenant)));
  return ScimReply{status, std::move(body), ScimVersion(u.version), ""};
}

absl::StatusOr<ScimReply> Get(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(User u, UserOf(call, id));
  return Resource(call, u, 200);
}

absl::StatusOr<ScimReply> Create(ScimCall& call) {
  IAM_ASSIGN_OR_RETURN(Tenant tenant, ReadTenant(call, false));
  IAM_ASSIGN_OR_RETURN(UserInput in, ReadUserInput(call.body, tenant));
  if (!in.user_name) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue", "userName: is required");
  }
  CreateUserRequest r;
  r.caller = call.caller;
  r.tenant = call.tenant;
  r.username = *in.user_name;
  r.display_name = in.display_name;
  r.external_id = in.external_id;
  r.email = in.email;
  if (!in.email.empty()) r.email_verified = true;  // the identity provider's
  r.phone_region = in.phone_region;
  r.phone = in.phone;
  if (!in.phone.empty()) r.phone_verified = true;
  r.enabled = in.active.value_or(true);
  r.custom_fields = CustomList(in.custom);
  if (in.has_password) {
    r.password_mode = PasswordMode::kManual;
    r.password = std::move(in.password);
    r.require_password_reset = false;  // the identity provider chose it
  }
  absl::StatusOr<CreateUserResult> created = call.engine.CreateUser(r);
  if (!created.ok()) return created.status();
  IAM_ASSIGN_OR_RETURN(ScimReply reply, Resource(call, created->user, 201));
  reply.location = call.Location("Users", created->user.id);
  return reply;
}

// Replaces every attribute SCIM maps with `in`'s (PUT, and PATCH's result):
// what `in` leaves out is cleared, but active and the password stay.
absl::StatusOr<ScimReply> Replace(ScimCall& call, const User& current, const Tenant& tenant,
                                  UserInput in) {
  IAM_ASSIGN_OR_RETURN(int64_t expected, IfMatchVersion(call));
  if (!in.user_name) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue", "userName: is required");
  }
  UpdateUserRequest r;
  r.caller = call.caller;
  r.tenant = call.tenant;
  r.user = current.id;
  if (*in.user_name != current.username) r.username = *in.user_name;  // a rename
  r.expected_version = expected != 0 ? expected : current.version;
  r.display_name = in.display_name;
  r.external_id = in.external_id;
  r.email = in.email;
  if (!in.email.empty()) r.email_verified = true;
  r.phone_region = in.phone_region;
  r.phone = in.phone;
  if (!in.phone.empty()) r.phone_verified = true;
  r.enabled = in.active;
  std::map<std::string, std::string> custom = current.custom_fields;
  for (const CustomAttribute& a : kCustomAttributes) {
    if (!tenant.HasField(a.field)) continue;
    // The stored name may differ in case from the table's.
    for (auto it = custom.begin(); it != custom.end();) {
      it = FoldName(it->first) == FoldName(a.field) ? custom.erase(it) : std::next(it);
    }
    if (auto it = in.custom.find(std::string(a.field)); it != in.custom.end()) {
      custom[it->first] = it->second;
    }
  }
  if (custom != current.custom_fields) r.custom_fields = CustomList(custom);
  if (in.has_password) r.password = std::move(in.password);
  absl::StatusOr<User> updated = call.engine.UpdateUser(r);
  if (!updated.ok()) return updated.status();
  return Resource(call, *updated, 200);
}

absl::StatusOr<ScimReply> Put(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(User current, UserOf(call, id));
  IAM_ASSIGN_OR_RETURN(Tenant tenant, ReadTenant(call, false));
  IAM_ASSIGN_OR_RETURN(UserInput in, ReadUserInput(call.body, tenant));
  return Replace(call, current, tenant, std::move(in));
}

absl::StatusOr<ScimReply> Patch(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(User current, UserOf(call, id));
  IAM_ASSIGN_OR_RETURN(Tenant tenant, ReadTenant(call, false));
  json resource = UserJson(call, current, tenant);
  IAM_RETURN_IF_ERROR(ApplyPatch(call.body, &resource, {"groups"}));
  absl::StatusOr<UserInput> in = ReadUserInput(resource, tenant);
  WipeJsonStrings(resource);  // a patched password
  if (!in.ok()) return in.status();
  return Replace(call, current, tenant, *std::move(in));
}

absl::StatusOr<ScimReply> Delete(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(int64_t expected, IfMatchVersion(call));
  IAM_ASSIGN_OR_RETURN(User current, UserOf(call, id));
  IAM_RETURN_IF_ERROR(call.engine.DeleteUser(call.caller, call.tenant, current.id, expected));
  return ScimReply{204, nullptr, "", ""};
}

// --- Filters: answered from the store's unique indexes, never by reading
// every user.

// How a filter is answered: lookups of unique keys (their union), or a scan
// of one index range (a username prefix, the enabled flag), then the whole
// filter checked on each user found.
struct Plan {
  enum Kind : uint8_t { kUnbounded, kLookups, kScan } kind = kUnbounded;
  std::vector<std::pair<UserKey, std::string>> lookups;
  std::string prefix;
  std::optional<bool> enabled;
};

std::optional<UserKey> IndexedKey(absl::string_view name) {
  static constexpr std::pair<absl::string_view, UserKey> kKeys[] = {
      {"id", UserKey::kId},
      {"userName", UserKey::kUsername},
      {"externalId", UserKey::kExternalId},
      {"emails.value", UserKey::kEmail},
      {"emails", UserKey::kEmail},
      {"phoneNumbers.value", UserKey::kPhone},
      {"phoneNumbers", UserKey::kPhone},
  };
  for (const auto& [attr, key] : kKeys) {
    if (absl::EqualsIgnoreCase(attr, name)) return key;
  }
  return std::nullopt;
}

Plan PlanOf(const ScimFilter& f, absl::string_view parent) {
  Plan plan;
  switch (f.kind) {
    case ScimFilter::Kind::kCompare: {
      if (!f.path.uri.empty() && !absl::EqualsIgnoreCase(f.path.uri, kScimUserSchema)) return plan;
      const std::string name =
          parent.empty()
              ? (f.path.sub.empty() ? f.path.attr : absl::StrCat(f.path.attr, ".", f.path.sub))
              : absl::StrCat(parent, ".", f.path.attr);
      if (f.op == ScimOp::kEq && f.value.is_string()) {
        if (std::optional<UserKey> key = IndexedKey(name)) {
          plan.kind = Plan::kLookups;
          plan.lookups.emplace_back(*key, f.value.get<std::string>());
        }
      } else if (f.op == ScimOp::kSw && f.value.is_string() &&
                 absl::EqualsIgnoreCase(name, "userName")) {
        plan.kind = Plan::kScan;
        plan.prefix = f.value.get<std::string>();
      } else if (f.op == ScimOp::kEq && f.value.is_boolean() &&
                 absl::EqualsIgnoreCase(name, "active")) {
        plan.kind = Plan::kScan;
        plan.enabled = f.value.get<bool>();
      }
      return plan;
    }
    case ScimFilter::Kind::kValuePath:
      if (parent.empty() && (absl::EqualsIgnoreCase(f.path.attr, "emails") ||
                             absl::EqualsIgnoreCase(f.path.attr, "phoneNumbers"))) {
        return PlanOf(f.children[0], f.path.attr);
      }
      return plan;
    case ScimFilter::Kind::kAnd: {
      Plan a = PlanOf(f.children[0], parent), b = PlanOf(f.children[1], parent);
      if (a.kind == Plan::kLookups) return a;
      if (b.kind == Plan::kLookups) return b;
      if (a.kind == Plan::kScan && b.kind == Plan::kScan) {
        if (a.prefix.empty()) a.prefix = b.prefix;
        if (!a.enabled) a.enabled = b.enabled;
        return a;
      }
      return a.kind == Plan::kScan ? a : b;
    }
    case ScimFilter::Kind::kOr: {
      Plan a = PlanOf(f.children[0], parent), b = PlanOf(f.children[1], parent);
      if (a.kind != Plan::kLookups || b.kind != Plan::kLookups) return plan;
      a.lookups.insert(a.lookups.end(), b.lookups.begin(), b.lookups.end());
      return a;
    }
    case ScimFilter::Kind::kNot:
      return plan;
  }
  return plan;
}

// Calls `visit` on each user of the scan's range, page by page.
absl::Status Scan(ScimCall& call, const Plan& plan, const std::function<void(User&)>& visit) {
  ListUsersRequest r;
  r.caller = call.caller;
  r.tenant = call.tenant;
  r.page_size = 1000;
  r.name_prefix = plan.prefix;
  r.enabled = plan.enabled;
  do {
    absl::StatusOr<ListUsersResult> page = call.engine.ListUsers(r);
    if (!page.ok()) return page.status();
    for (User& u : page->users) visit(u);
    r.page_token = page->next_page_token;
  } while (!r.page_token.empty());
  return absl::OkStatus();
}

// No filter: the tenant's count from the store, and only the pages that hold
// resources startIndex.. startIndex + count - 1 (Okta's connection test reads
// two users of however many).
absl::StatusOr<ScimReply> ListAll(ScimCall& call, const ScimPage& page) {
  ListUsersRequest r;
  r.caller = call.caller;
  r.tenant = call.tenant;
  IAM_ASSIGN_OR_RETURN(int64_t total, call.engine.CountUsers(r));
  IAM_ASSIGN_OR_RETURN(Tenant tenant, ReadTenant(call, Returned(call, "groups")));
  std::vector<json> resources;
  const int64_t end = std::min(total, page.start - 1 + page.count);  // last index shown
  int64_t seen = 0;
  r.page_size = static_cast<int>(std::clamp<int64_t>(end, 1, 1000));
  while (seen < end) {
    absl::StatusOr<ListUsersResult> listed = call.engine.ListUsers(r);
    if (!listed.ok()) return listed.status();
    for (const User& u : listed->users) {
      if (++seen < page.start || seen > end) continue;
      IAM_ASSIGN_OR_RETURN(json shown, Project(call, UserJson(call, u, tenant)));
      resources.push_back(std::move(shown));
    }
    r.page_token = listed->next_page_token;
    if (r.page_token.empty()) break;
  }
  return ScimReply{200, ListResponse(std::move(resources), total, page), "", ""};
}

absl::StatusOr<ScimReply> List(ScimCall& call) {
  IAM_ASSIGN_OR_RETURN(ScimPage page, PageOf(call));
  const std::optional<std::string> text = call.Query("filter");
  if (!text || text->empty()) return ListAll(call, page);
  IAM_ASSIGN_OR_RETURN(const ScimFilter filter, ParseScimFilter(*text));
  const Plan plan = PlanOf(filter, "");
  if (plan.kind == Plan::kUnbounded) {
    return ScimError(
        absl::StatusCode::kInvalidArgument, "invalidFilter",
        "filter: cannot be answered from an index; filter users by id, userName, externalId, "
        "emails.value or phoneNumbers.value with eq, userName with sw, or active with eq "
        "(other terms may be combined with these by and)");
  }
  IAM_ASSIGN_OR_RETURN(Tenant tenant, ReadTenant(call, Returned(call, "groups")));
  std::vector<json> resources;
  int64_t total = 0;
  absl::Status projected = absl::OkStatus();
  std::set<std::string> seen;
  const auto take = [&](User& u) {
    if (!seen.insert(u.id).second) return;
    json j = UserJson(call, u, tenant);
    if (!ScimMatches(filter, j)) return;
    ++total;
    if (total < page.start || static_cast<int64_t>(resources.size()) >= page.count) return;
    absl::StatusOr<json> shown = Project(call, std::move(j));
    if (!shown.ok()) {
      projected = shown.status();
      return;
    }
    resources.push_back(*std::move(shown));
  };
  if (plan.kind == Plan::kLookups) {
    for (const auto& [key, value] : plan.lookups) {
      absl::StatusOr<User> u = call.engine.FindUser(call.caller, call.tenant, key, value);
      if (absl::IsNotFound(u.status())) continue;
      if (!u.ok()) return u.status();
      take(*u);
    }
  } else {
    IAM_RETURN_IF_ERROR(Scan(call, plan, take));
  }
  IAM_RETURN_IF_ERROR(projected);
  return ScimReply{200, ListResponse(std::move(resources), total, page), "", ""};
}

}  // namespace

absl::StatusOr<ScimReply> ScimUsers(ScimCall& call) {
  if (call.segments.size() == 2 && call.segments[1] == ".search") {
    return ScimError(absl::StatusCode::kUnimplemented, "",
                     "POST /Users/.search is not supported; use GET with filter");
  }
  return RouteResource(call, {List, Create, Get, Put, Patch, Delete});
}

// RFC 7643 section 8.7.1's User schema, as far as iamcore keeps it.
json ScimUserSchemaJson() {
  const auto text = [](absl::string_view name) {
    return ScimAttribute(name, "string", "readWrite");
  };
  json name = ScimAttribute("name", "complex", "readWrite");
  name["subAttributes"] = json::array();
  for (const CustomAttribute& a : kCustomAttributes) {
    if (a.attr == "name") name["subAttributes"].push_back(text(a.sub));
  }
  json emails = ScimAttribute("emails", "complex", "readWrite", "none", true);
  emails["subAttributes"] = {text("value"), text("type"),
                             ScimAttribute("primary", "boolean", "readWrite")};
  json phones = ScimAttribute("phoneNumbers", "complex", "readWrite", "none", true);
  phones["subAttributes"] = emails["subAttributes"];
  json groups = ScimAttribute("groups", "complex", "readOnly", "none", true);
  for (absl::string_view sub : {"value", "$ref", "display", "type"}) {
    groups["subAttributes"].push_back(ScimAttribute(sub, "string", "readOnly"));
  }
  json attributes = {
      ScimAttribute("userName", "string", "readWrite", "server", false, true),
      ScimAttribute("externalId", "string", "readWrite", "server", false, false, true), name,
      text("displayName")};
  for (const CustomAttribute& a : kCustomAttributes) {
    if (!a.enterprise && a.attr != "name") attributes.push_back(text(a.attr));
  }
  for (const json& a : {ScimAttribute("active", "boolean", "readWrite"),
                        ScimAttribute("password", "string", "writeOnly"), emails, phones, groups}) {
    attributes.push_back(a);
  }
  return {{"id", kScimUserSchema},
          {"name", "User"},
          {"description",
           "User Account (custom-field-backed attributes are kept when the "
           "tenant defines a custom field of the same name)"},
          {"attributes", std::move(attributes)}};
}

json ScimEnterpriseSchemaJson() {
  json attributes = json::array();
  for (const CustomAttribute& a : kCustomAttributes) {
    if (!a.enterprise) continue;
    json j = ScimAttribute(a.attr, a.sub.empty() ? "string" : "complex", "readWrite");
    if (!a.sub.empty()) {
      j["subAttributes"] = {
          ScimAttribute(a.sub, "string", "readWrite", "none", false, false, true)};
    }
    attributes.push_back(std::move(j));
  }
  return {{"id", kScimEnterpriseSchema},
          {"name", "EnterpriseUser"},
          {"description", "Enterprise User (kept in the tenant's custom fields of the same names)"},
          {"attributes", std::move(attributes)}};
}

}  // namespace iam::wire
