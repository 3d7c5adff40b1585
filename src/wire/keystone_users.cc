// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Keystone v3 identity resources as Huawei IAM serves them (seed 004 and
// Huawei's v3 API): users, groups and their members, domains. A domain is a
// tenant; its id and name are both the tenant id.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "wire/percent_encoding.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

json UserView(const Call& call, const User& u) {
  json v = {{"id", u.id},
            {"name", u.username},
            {"domain_id", u.tenant},
            {"enabled", u.enabled},
            {"password_expires_at", KeystoneTime(u.password_expires_at)},
            {"pwd_status", u.password_reset_required},
            {"options", json::object()},
            {"links", SelfLinks(absl::StrCat(call.options.public_url, "/v3/users/", u.id))}};
  if (!u.description.empty()) v["description"] = u.description;
  if (!u.default_project_id.empty()) v["default_project_id"] = u.default_project_id;
  if (!u.email.empty()) v["email"] = u.email;
  return v;
}

json UserList(const Call& call, const std::vector<User>& users) {
  json list = json::array();
  for (const User& u : users) list.push_back(UserView(call, u));
  return {{"users", std::move(list)}, {"links", ListLinks(call)}};
}

json DomainView(const Call& call) {
  const std::string& id = call.caller.tenant;
  return {{"id", id},
          {"name", id},
          {"enabled", true},
          {"description", ""},
          {"links", SelfLinks(absl::StrCat(call.options.public_url, "/v3/domains/", id))}};
}

json GroupView(const Call& call, const DirectoryEntry& g) {
  return {{"id", g.id},
          {"name", g.name},
          {"domain_id", g.tenant},
          {"description", g.description},
          {"create_time", KeystoneTime(g.created_at)},
          {"links", SelfLinks(absl::StrCat(call.options.public_url, "/v3/groups/", g.id))}};
}

absl::Status NotFound(absl::string_view field, absl::string_view what) {
  return MakeError(absl::StatusCode::kNotFound, field, absl::StrCat(field, ".not_found"),
                   absl::StrCat("Could not find ", what, "."));
}

// "true"/"false" (also 1/0, as Keystone's query booleans), else 400.
absl::StatusOr<std::optional<bool>> EnabledFilter(const Call& call) {
  const std::optional<std::string> text = QueryParam(call, "enabled");
  if (!text.has_value()) return std::optional<bool>();
  if (*text == "true" || *text == "True" || *text == "1") return std::optional<bool>(true);
  if (*text == "false" || *text == "False" || *text == "0") return std::optional<bool>(false);
  return InvalidField("enabled", "request.invalid_type", "enabled: must be true or false");
}

constexpr FieldSpec kCreateUserFields[] = {
    {"name", JsonKind::kString},
    {"domain_id", JsonKind::kString},
    {"enabled", JsonKind::kBool},
    {"password", JsonKind::kString},
    {"default_project_id", JsonKind::kString},
    {"description", JsonKind::kString},
    {"email", JsonKind::kString},
    {"options", JsonKind::kObject},
};

absl::StatusOr<Reply> CreateUser(Call& call) {
  absl::StatusOr<const json*> user = BodyObject(call, "user", kCreateUserFields);
  if (!user.ok()) return user.status();
  const json& u = **user;
  if (absl::Status s = SameDomain(call, OptString(u, "domain_id"), "user.domain_id"); !s.ok()) {
    return s;
  }
  CreateUserRequest req = BaseCreate(call, u);
  req.default_project_id = OptString(u, "default_project_id").value_or("");
  absl::StatusOr<CreateUserResult> created = call.engine.CreateUser(req);
  if (!created.ok()) return created.status();
  call.request_id = created->request_id;
  return JsonReply({{"user", UserView(call, created->user)}}, 201);
}

// GET /v3/users?limit=N[&marker=M][&name__startswith=P]: one page, its
// links.next the URL of the following page (an iamcore extension where
// Keystone truncates; Keystone's own filter operator for the prefix).
absl::StatusOr<Reply> ListUsersPage(Call& call, std::optional<bool> enabled) {
  ListUsersRequest request;
  request.caller = call.caller;
  request.tenant = call.caller.tenant;
  request.enabled = enabled;
  request.page_token = QueryParam(call, "marker").value_or("");
  request.name_prefix = QueryParam(call, "name__startswith").value_or("");
  const std::string limit = QueryParam(call, "limit").value_or("100");
  if (!absl::SimpleAtoi(limit, &request.page_size) || request.page_size < 1 ||
      request.page_size > 1000) {
    return InvalidField("limit", "request.invalid_value", "limit: must be 1 to 1000");
  }
  absl::StatusOr<ListUsersResult> page = call.engine.ListUsers(request);
  if (!page.ok()) return page.status();
  json out = UserList(call, page->users);
  absl::StatusOr<int64_t> total = call.engine.CountUsers(request);
  if (!total.ok()) return total.status();
  out["total_number"] = *total;
  if (!page->next_page_token.empty()) {
    std::string next = absl::StrCat(call.options.public_url, call.request.path, "?");
    for (const auto& [key, value] : FormPairs(call.request.query)) {
      if (key == "marker") continue;
      AppendPercentEncoded(key, &next);
      next += '=';
      AppendPercentEncoded(value, &next);
      next += '&';
    }
    next += "marker=";
    AppendPercentEncoded(page->next_page_token, &next);
    out["links"]["next"] = next;
  }
  return JsonReply(std::move(out));
}

absl::StatusOr<Reply> ListUsers(Call& call) {
  absl::StatusOr<std::optional<bool>> enabled = EnabledFilter(call);
  if (!enabled.ok()) return enabled.status();
  // Another domain's users are not the caller's to list (403, as Keystone).
  IAM_RETURN_IF_ERROR(SameDomain(call, QueryParam(call, "domain_id"), "domain_id"));
  if (QueryParam(call, "limit") || QueryParam(call, "marker") ||
      QueryParam(call, "name__startswith")) {
    return ListUsersPage(call, *enabled);
  }
  absl::StatusOr<std::vector<User>> users = AllUsers(call, QueryParam(call, "name"), *enabled);
  if (!users.ok()) return users.status();
  return JsonReply(UserList(call, *users));
}

// GET /v3/users/{id}/groups: the groups the user belongs to.
absl::StatusOr<Reply> UserGroups(Call& call) {
  absl::StatusOr<User> user = UserById(call, call.params[0]);
  if (!user.ok()) return user.status();
  absl::StatusOr<std::vector<DirectoryEntry>> groups =
      call.engine.ListEntries(call.caller, EntryKind::kGroup, call.caller.tenant, "");
  if (!groups.ok()) return groups.status();
  json list = json::array();
  for (const DirectoryEntry& g : *groups) {
    if (std::find(user->groups.begin(), user->groups.end(), g.id) != user->groups.end()) {
      list.push_back(GroupView(call, g));
    }
  }
  return JsonReply({{"groups", std::move(list)}, {"links", ListLinks(call)}});
}

absl::StatusOr<Reply> ShowUser(Call& call) {
  absl::StatusOr<User> user = UserById(call, call.params[0]);
  if (!user.ok()) return user.status();
  return JsonReply({{"user", UserView(call, *user)}});
}

constexpr FieldSpec kUpdateUserFields[] = {
    {"name", JsonKind::kString},
    {"domain_id", JsonKind::kString},
    {"enabled", JsonKind::kBool},
    {"password", JsonKind::kString},
    {"default_project_id", JsonKind::kString},
    {"description", JsonKind::kString},
    {"email", JsonKind::kString},
    {"pwd_status", JsonKind::kBool},
    {"options", JsonKind::kObject},
};

absl::StatusOr<Reply> UpdateUser(Call& call) {
  absl::StatusOr<const json*> body = BodyObject(call, "user", kUpdateUserFields);
  if (!body.ok()) return body.status();
  const json& u = **body;
  if (absl::Status s = SameDomain(call, OptString(u, "domain_id"), "user.domain_id"); !s.ok()) {
    return s;
  }
  absl::StatusOr<User> current = UserById(call, call.params[0]);
  if (!current.ok()) return current.status();
  absl::StatusOr<UpdateUserRequest> req = BaseUpdate(call, u, *current);
  if (!req.ok()) return req.status();
  req->default_project_id = OptString(u, "default_project_id");
  absl::StatusOr<User> updated = call.engine.UpdateUser(*req);
  if (!updated.ok()) return updated.status();
  return JsonReply({{"user", UserView(call, *updated)}});
}

absl::StatusOr<Reply> DeleteUser(Call& call) {
  absl::StatusOr<User> user = UserById(call, call.params[0]);
  if (!user.ok()) return user.status();
  if (absl::Status s = call.engine.DeleteUser(call.caller, call.caller.tenant, user->id); !s.ok()) {
    return s;
  }
  return NoContent();
}

// --- Domains: the caller's own.

absl::StatusOr<Reply> ListDomains(Call& call) {
  json list = json::array();
  const std::optional<std::string> name = QueryParam(call, "name");
  if (!name.has_value() || *name == call.caller.tenant) list.push_back(DomainView(call));
  return JsonReply({{"domains", std::move(list)}, {"links", ListLinks(call)}});
}

absl::StatusOr<Reply> ShowDomain(Call& call) {
  if (call.params[0] != call.caller.tenant) return NotFound("domain_id", "domain");
  return JsonReply({{"domain", DomainView(call)}});
}

// --- Groups.

absl::StatusOr<std::vector<DirectoryEntry>> Groups(Call& call) {
  return call.engine.ListEntries(call.caller, EntryKind::kGroup, call.caller.tenant, "");
}

absl::StatusOr<DirectoryEntry> GroupById(Call& call, absl::string_view id) {
  absl::StatusOr<std::vector<DirectoryEntry>> groups = Groups(call);
  if (!groups.ok()) return groups.status();
  for (DirectoryEntry& g : *groups) {
    if (g.id == id) return std::move(g);
  }
  return NotFound("group_id", "group");
}

constexpr FieldSpec kGroupFields[] = {
    {"name", JsonKind::kString},
    {"domain_id", JsonKind::kString},
    {"description", JsonKind::kString},
};

absl::StatusOr<Reply> CreateGroup(Call& call) {
  absl::StatusOr<const json*> body = BodyObject(call, "group", kGroupFields);
  if (!body.ok()) return body.status();
  const json& g = **body;
  if (absl::Status s = SameDomain(call, OptString(g, "domain_id"), "group.domain_id"); !s.ok()) {
    return s;
  }
  DirectoryEntry entry;
  entry.kind = EntryKind::kGroup;
  entry.tenant = call.caller.tenant;
  entry.name = OptString(g, "name").value_or("");
  entry.description = OptString(g, "description").value_or("");
  absl::StatusOr<DirectoryEntry> created = call.engine.CreateEntry(call.caller, entry);
  if (!created.ok()) return created.status();
  return JsonReply({{"group", GroupView(call, *created)}}, 201);
}

absl::StatusOr<Reply> ListGroups(Call& call) {
  IAM_RETURN_IF_ERROR(SameDomain(call, QueryParam(call, "domain_id"), "domain_id"));
  absl::StatusOr<std::vector<DirectoryEntry>> groups = Groups(call);
  if (!groups.ok()) return groups.status();
  const std::optional<std::string> name = QueryParam(call, "name");
  json list = json::array();
  for (const DirectoryEntry& g : *groups) {
    if (!name.has_value() || absl::EqualsIgnoreCase(*name, g.name)) {
      list.push_back(GroupView(call, g));
    }
  }
  return JsonReply({{"groups", std::move(list)}, {"links", ListLinks(call)}});
}

absl::StatusOr<Reply> ShowGroup(Call& call) {
  absl::StatusOr<DirectoryEntry> group = GroupById(call, call.params[0]);
  if (!group.ok()) return group.status();
  return JsonReply({{"group", GroupView(call, *group)}});
}

absl::StatusOr<Reply> DeleteGroup(Call& call) {
  absl::StatusOr<DirectoryEntry> group = GroupById(call, call.params[0]);
  if (!group.ok()) return group.status();
  absl::Status s =
      call.engine.DeleteEntry(call.caller, EntryKind::kGroup, call.caller.tenant, group->id);
  if (!s.ok()) return s;
  return NoContent();
}

absl::StatusOr<Reply> GroupUsers(Call& call) {
  absl::StatusOr<DirectoryEntry> group = GroupById(call, call.params[0]);
  if (!group.ok()) return group.status();
  ListUsersRequest req;
  req.caller = call.caller;
  req.tenant = call.caller.tenant;
  req.group = group->id;
  absl::StatusOr<std::vector<User>> users = AllPages(call.engine, std::move(req));
  if (!users.ok()) return users.status();
  return JsonReply(UserList(call, *users));
}

// Adds (`add`) or removes the membership of params[1] in group params[0].
absl::StatusOr<Reply> ChangeMembership(Call& call, bool add) {
  absl::StatusOr<DirectoryEntry> group = GroupById(call, call.params[0]);
  if (!group.ok()) return group.status();
  absl::StatusOr<User> user = UserById(call, call.params[1]);
  if (!user.ok()) return user.status();
  std::vector<std::string> groups = user->groups;
  const auto it = std::find(groups.begin(), groups.end(), group->id);
  if (add == (it != groups.end())) {
    if (add) return NoContent();  // already a member: PUT is idempotent
    return NotFound("user_id", "the user in this group");
  }
  if (add) {
    groups.push_back(group->id);
  } else {
    groups.erase(it);
  }
  UpdateUserRequest req = UpdateOf(call, *user);
  req.groups = std::move(groups);
  absl::StatusOr<User> updated = call.engine.UpdateUser(req);
  if (!updated.ok()) return updated.status();
  return NoContent();
}

absl::StatusOr<Reply> AddMember(Call& call) { return ChangeMembership(call, true); }
absl::StatusOr<Reply> RemoveMember(Call& call) { return ChangeMembership(call, false); }

absl::StatusOr<Reply> CheckMember(Call& call) {
  absl::StatusOr<DirectoryEntry> group = GroupById(call, call.params[0]);
  if (!group.ok()) return group.status();
  absl::StatusOr<User> user = UserById(call, call.params[1]);
  if (!user.ok()) return user.status();
  if (std::find(user->groups.begin(), user->groups.end(), group->id) == user->groups.end()) {
    return NotFound("user_id", "the user in this group");
  }
  return NoContent();
}

constexpr Access kAuth = Access::kAuthenticated;

constexpr Route kRoutes[] = {
    {"POST", "/v3/users", kAuth, CreateUser, "user"},
    {"GET", "/v3/users", kAuth, ListUsers, ""},
    {"GET", "/v3/users/{}", kAuth, ShowUser, ""},
    {"GET", "/v3/users/{}/groups", kAuth, UserGroups, ""},
    {"PATCH", "/v3/users/{}", kAuth, UpdateUser, "user"},
    {"DELETE", "/v3/users/{}", kAuth, DeleteUser, ""},
    {"GET", "/v3/domains", kAuth, ListDomains, ""},
    {"GET", "/v3/auth/domains", kAuth, ListDomains, ""},
    {"GET", "/v3/domains/{}", kAuth, ShowDomain, ""},
    {"POST", "/v3/groups", kAuth, CreateGroup, "group"},
    {"GET", "/v3/groups", kAuth, ListGroups, ""},
    {"GET", "/v3/groups/{}", kAuth, ShowGroup, ""},
    {"DELETE", "/v3/groups/{}", kAuth, DeleteGroup, ""},
    {"GET", "/v3/groups/{}/users", kAuth, GroupUsers, ""},
    {"PUT", "/v3/groups/{}/users/{}", kAuth, AddMember, ""},
    {"GET", "/v3/groups/{}/users/{}", kAuth, CheckMember, ""},
    {"DELETE", "/v3/groups/{}/users/{}", kAuth, RemoveMember, ""},
};

}  // namespace

absl::Span<const Route> KeystoneUserRoutes() { return kRoutes; }

}  // namespace iam::wire
