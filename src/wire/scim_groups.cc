// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// /scim/v2/Groups: RFC 7643's Group mapped onto the engine's groups.
// displayName is the group's name (unique per tenant, and kept for life:
// a rename is refused with scimType mutability); members are the users whose
// groups include it, each changed through Engine::UpdateUser (so a member is
// always a user of the tenant). Every membership change also raises the
// group's version, which is its ETag. A tenant's groups are listed from the
// store whole (they are a directory, not a population) and filtered here.
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "wire/scim_filter.h"
#include "wire/scim_internal.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

using nlohmann::json;

absl::StatusOr<DirectoryEntry> GroupOf(ScimCall& call, absl::string_view id) {
  absl::StatusOr<DirectoryEntry> g =
      call.engine.GetEntry(call.caller, EntryKind::kGroup, call.tenant, id);
  if ((g.ok() && g->id != id) || absl::IsNotFound(g.status())) {
    return ScimError(absl::StatusCode::kNotFound, "",
                     absl::StrCat("Groups/", id.substr(0, 64), ": no such group"));
  }
  return g;
}

absl::StatusOr<std::vector<User>> MembersOf(ScimCall& call, const DirectoryEntry& group) {
  ListUsersRequest r;
  r.caller = call.caller;
  r.tenant = call.tenant;
  r.group = group.id;
  return AllPages(call.engine, std::move(r));
}

json GroupJson(const ScimCall& call, const DirectoryEntry& g, const std::vector<User>* members) {
  json j = {{"schemas", {kScimGroupSchema}}, {"id", g.id}, {"displayName", g.name}};
  if (members != nullptr) {
    json list = json::array();
    for (const User& u : *members) {
      list.push_back({{"value", u.id},
                      {"display", u.username},
                      {"$ref", call.Location("Users", u.id)},
                      {"type", "User"}});
    }
    j["members"] = std::move(list);
  }
  const absl::Time modified = g.updated_at == absl::InfinitePast() ? g.created_at : g.updated_at;
  j["meta"] = {{"resourceType", "Group"},
               {"created", ScimTime(g.created_at)},
               {"lastModified", ScimTime(modified)},
               {"location", call.Location("Groups", g.id)},
               {"version", ScimVersion(g.version)}};
  return j;
}

// The member ids a Group resource's `members` names, each a user of the
// tenant (kInvalidArgument naming the member otherwise).
absl::StatusOr<std::set<std::string>> MemberIds(ScimCall& call, const json& group) {
  std::set<std::string> ids;
  const json* members = ScimMember(group, "members");
  if (members == nullptr || members->is_null()) return ids;
  if (!members->is_array()) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                     "members: must be an array");
  }
  for (size_t i = 0; i < members->size(); ++i) {
    const json* value = ScimMember((*members)[i], "value");
    if (value == nullptr || !value->is_string()) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                       absl::StrCat("members[", i, "].value: must be a user's id"));
    }
    const std::string id = value->get<std::string>();
    if (ids.count(id) > 0) continue;
    absl::StatusOr<User> u = call.engine.GetUser(call.caller, call.tenant, id);
    if (absl::IsNotFound(u.status()) || (u.ok() && u->id != id)) {
      return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                       absl::StrCat("members[", i, "].value: is not a user of this tenant"));
    }
    if (!u.ok()) return u.status();
    ids.insert(id);
  }
  return ids;
}

// Adds user `user_id` to the group or takes it out, at the version read (a
// change racing it is read again, a few times).
absl::Status SetMember(ScimCall& call, const std::string& group_id, const std::string& user_id,
                       bool member) {
  absl::Status s;
  for (int attempt = 0; attempt < 4; ++attempt) {
    absl::StatusOr<User> u = call.engine.GetUser(call.caller, call.tenant, user_id);
    if (absl::IsNotFound(u.status()) && !member) return absl::OkStatus();  // gone already
    if (!u.ok()) return u.status();
    std::vector<std::string> groups = u->groups;
    const auto it = std::find(groups.begin(), groups.end(), group_id);
    if ((it != groups.end()) == member) return absl::OkStatus();
    if (member) {
      groups.push_back(group_id);
    } else {
      groups.erase(it);
    }
    UpdateUserRequest r;
    r.caller = call.caller;
    r.tenant = call.tenant;
    r.user = user_id;
    r.expected_version = u->version;
    r.groups = std::move(groups);
    s = call.engine.UpdateUser(r).status();
    if (!absl::IsAborted(s)) return s;
  }
  return s;
}

// Makes the members `want`, from `have`, then raises the group's version.
absl::StatusOr<DirectoryEntry> SetMembers(ScimCall& call, const DirectoryEntry& group,
                                          const std::set<std::string>& have,
                                          const std::set<std::string>& want) {
  bool changed = false;
  for (const std::string& id : want) {
    if (have.count(id) == 0) {
      IAM_RETURN_IF_ERROR(SetMember(call, group.id, id, true));
      changed = true;
    }
  }
  for (const std::string& id : have) {
    if (want.count(id) == 0) {
      IAM_RETURN_IF_ERROR(SetMember(call, group.id, id, false));
      changed = true;
    }
  }
  if (!changed) return group;
  EntryUpdate bump;
  bump.caller = call.caller;
  bump.kind = EntryKind::kGroup;
  bump.tenant = call.tenant;
  bump.id_or_name = group.id;
  bump.description = group.description;
  return call.engine.UpdateEntry(bump);
}

std::set<std::string> IdsOf(const std::vector<User>& users) {
  std::set<std::string> ids;
  for (const User& u : users) ids.insert(u.id);
  return ids;
}

absl::StatusOr<ScimReply> Resource(ScimCall& call, const DirectoryEntry& g, int status) {
  std::vector<User> members;
  const bool with_members = Returned(call, "members");
  if (with_members) {
    IAM_ASSIGN_OR_RETURN(members, MembersOf(call, g));
  }
  IAM_ASSIGN_OR_RETURN(json body,
                       Project(call, GroupJson(call, g, with_members ? &members : nullptr)));
  return ScimReply{status, std::move(body), ScimVersion(g.version), ""};
}

absl::StatusOr<std::string> DisplayName(const json& body) {
  const json* name = ScimMember(body, "displayName");
  if (name == nullptr || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    return ScimError(absl::StatusCode::kInvalidArgument, "invalidValue",
                     "displayName: is required, a string");
  }
  return name->get<std::string>();
}

absl::StatusOr<ScimReply> Get(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(DirectoryEntry g, GroupOf(call, id));
  return Resource(call, g, 200);
}

absl::StatusOr<ScimReply> Create(ScimCall& call) {
  IAM_ASSIGN_OR_RETURN(std::string name, DisplayName(call.body));
  IAM_ASSIGN_OR_RETURN(std::set<std::string> members, MemberIds(call, call.body));
  DirectoryEntry entry;
  entry.kind = EntryKind::kGroup;
  entry.tenant = call.tenant;
  entry.name = name;
  IAM_ASSIGN_OR_RETURN(DirectoryEntry group, call.engine.CreateEntry(call.caller, entry));
  IAM_ASSIGN_OR_RETURN(group, SetMembers(call, group, {}, members));
  IAM_ASSIGN_OR_RETURN(ScimReply reply, Resource(call, group, 201));
  reply.location = call.Location("Groups", group.id);
  return reply;
}

// The group at the version an If-Match names (412 when it has moved on).
absl::StatusOr<DirectoryEntry> GroupAtVersion(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(DirectoryEntry group, GroupOf(call, id));
  IAM_ASSIGN_OR_RETURN(int64_t expected, IfMatchVersion(call));
  if (expected != 0 && expected != group.version) {
    return MakeError(absl::StatusCode::kAborted, "If-Match", "group.version_conflict",
                     "If-Match: the group has changed since that version");
  }
  return group;
}

absl::StatusOr<ScimReply> Replace(ScimCall& call, const DirectoryEntry& group, const json& resource,
                                  const std::set<std::string>& have) {
  IAM_ASSIGN_OR_RETURN(std::string name, DisplayName(resource));
  if (name != group.name) {
    return ScimError(absl::StatusCode::kInvalidArgument, "mutability",
                     "displayName: cannot be changed (a group keeps its name for life)");
  }
  IAM_ASSIGN_OR_RETURN(std::set<std::string> want, MemberIds(call, resource));
  IAM_ASSIGN_OR_RETURN(DirectoryEntry updated, SetMembers(call, group, have, want));
  return Resource(call, updated, 200);
}

absl::StatusOr<ScimReply> Put(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(DirectoryEntry group, GroupAtVersion(call, id));
  IAM_ASSIGN_OR_RETURN(std::vector<User> members, MembersOf(call, group));
  return Replace(call, group, call.body, IdsOf(members));
}

absl::StatusOr<ScimReply> Patch(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(DirectoryEntry group, GroupAtVersion(call, id));
  IAM_ASSIGN_OR_RETURN(std::vector<User> members, MembersOf(call, group));
  json resource = GroupJson(call, group, &members);
  IAM_RETURN_IF_ERROR(ApplyPatch(call.body, &resource, {}));
  return Replace(call, group, resource, IdsOf(members));
}

absl::StatusOr<ScimReply> Delete(ScimCall& call, absl::string_view id) {
  IAM_ASSIGN_OR_RETURN(DirectoryEntry group, GroupAtVersion(call, id));
  IAM_ASSIGN_OR_RETURN(std::vector<User> members, MembersOf(call, group));
  // SCIM deletes a group with its memberships; the engine keeps a group
  // that has members, so they leave first.
  for (const User& u : members) IAM_RETURN_IF_ERROR(SetMember(call, group.id, u.id, false));
  IAM_RETURN_IF_ERROR(
      call.engine.DeleteEntry(call.caller, EntryKind::kGroup, call.tenant, group.id));
  return ScimReply{204, nullptr, "", ""};
}

bool MentionsMembers(const ScimFilter& f) {
  if (absl::EqualsIgnoreCase(f.path.attr, "members")) return true;
  return std::any_of(f.children.begin(), f.children.end(), MentionsMembers);
}

absl::StatusOr<ScimReply> List(ScimCall& call) {
  IAM_ASSIGN_OR_RETURN(ScimPage page, PageOf(call));
  std::optional<ScimFilter> filter;
  if (std::optional<std::string> text = call.Query("filter"); text && !text->empty()) {
    IAM_ASSIGN_OR_RETURN(filter, ParseScimFilter(*text));
  }
  IAM_ASSIGN_OR_RETURN(std::vector<DirectoryEntry> groups,
                       call.engine.ListEntries(call.caller, EntryKind::kGroup, call.tenant, ""));
  const bool shown_members = Returned(call, "members");
  const bool filter_members = filter && MentionsMembers(*filter);
  std::vector<json> resources;
  int64_t total = 0;
  for (const DirectoryEntry& g : groups) {
    std::vector<User> members;
    // Members are read for the groups shown, or all when the filter needs them.
    const bool shown =
        total + 1 >= page.start && static_cast<int64_t>(resources.size()) < page.count;
    const bool read = filter_members || (shown_members && shown);
    if (read) {
      IAM_ASSIGN_OR_RETURN(members, MembersOf(call, g));
    }
    json j = GroupJson(call, g, read ? &members : nullptr);
    if (filter && !ScimMatches(*filter, j)) continue;
    ++total;
    if (total < page.start || static_cast<int64_t>(resources.size()) >= page.count) continue;
    if (!shown_members) j.erase("members");
    IAM_ASSIGN_OR_RETURN(json projected, Project(call, std::move(j)));
    resources.push_back(std::move(projected));
  }
  return ScimReply{200, ListResponse(std::move(resources), total, page), "", ""};
}

}  // namespace

absl::StatusOr<ScimReply> ScimGroups(ScimCall& call) {
  return RouteResource(call, {List, Create, Get, Put, Patch, Delete});
}

json ScimGroupSchemaJson() {
  json display = ScimAttribute("displayName", "string", "immutable", "server", false, true);
  json members = ScimAttribute("members", "complex", "readWrite", "none", true);
  members["subAttributes"] = {
      ScimAttribute("value", "string", "immutable", "none", false, false, true),
      ScimAttribute("$ref", "reference", "immutable", "none", false, false, true),
      ScimAttribute("display", "string", "readOnly"), ScimAttribute("type", "string", "immutable")};
  return {{"id", kScimGroupSchema},
          {"name", "Group"},
          {"description", "Group (its name is kept for life)"},
          {"attributes", {display, members}}};
}

}  // namespace iam::wire
