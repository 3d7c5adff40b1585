// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Huawei IAM custom policies (/v3.0/OS-ROLE/roles: create, list, show,
// update, delete) and their grants to groups in the caller's domain
// (/v3/domains/{domain_id}/groups/{group_id}/roles[/{role_id}]), as the Huawei
// SDK's createCloudServiceCustomPolicy, listCustomPolicies, showCustomPolicy,
// updateCloudServiceCustomPolicy, deleteCustomPolicy and
// keystone{Associate,Check,List,Remove}...DomainPermission...Group call them.
// A role's display_name is the policy's name, its `policy` object the
// document; a member of a group acts by the group's policies. The role
// `type` (AX global, XA project) is checked and answered as AX: iamcore's
// policies are domain-wide.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "store/store_keys.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

constexpr FieldSpec kRoleFields[] = {
    {"display_name", JsonKind::kString}, {"type", JsonKind::kString},
    {"description", JsonKind::kString},  {"description_cn", JsonKind::kString},
    {"policy", JsonKind::kObject},
};

json RoleView(const Call& call, const DirectoryEntry& p) {
  return {{"id", p.id},
          {"name", p.system ? p.name : absl::StrCat("custom_", p.tenant, "_", p.id)},
          {"display_name", p.name},
          {"domain_id", p.system ? json(nullptr) : json(p.tenant)},
          {"catalog", p.system ? "BASE" : "CUSTOMED"},
          {"type", "AX"},
          {"description", p.description},
          {"flag", p.system ? "fine_grained" : ""},
          {"policy", json::parse(p.document, nullptr, false)},
          {"created_time", KeystoneTime(p.created_at)},
          {"updated_time", KeystoneTime(p.updated_at)},
          {"links", SelfLinks(absl::StrCat(call.options.public_url, "/v3/roles/", p.id))}};
}

// The engine names a document's faults under "document"; here it is
// "role.policy".
absl::Status UnderRolePolicy(const absl::Status& s) {
  const std::string field = ErrorField(s);
  if (!absl::StartsWith(field, "document")) return s;
  const std::string renamed = absl::StrCat("role.policy", field.substr(8));
  std::string message(s.message());
  if (absl::StartsWith(message, "document")) message = "role.policy" + message.substr(8);
  return MakeError(s.code(), renamed, ErrorReason(s), message);
}

absl::StatusOr<const json*> RoleBody(const Call& call, bool create) {
  absl::StatusOr<const json*> body = BodyObject(call, "role", kRoleFields);
  if (!body.ok()) return body.status();
  const json& r = **body;
  for (const char* required : {"display_name", "type", "policy"}) {
    if (create && !r.contains(required)) {
      return MakeError(absl::StatusCode::kInvalidArgument, absl::StrCat("role.", required),
                       "request.missing_field", absl::StrCat("role.", required, ": is required"));
    }
  }
  if (std::optional<std::string> type = OptString(r, "type");
      type.has_value() && *type != "AX" && *type != "XA") {
    return InvalidField("role.type", "request.invalid_value", "role.type: must be AX or XA");
  }
  return body;
}

absl::StatusOr<Reply> CreateCustomPolicy(Call& call) {
  absl::StatusOr<const json*> body = RoleBody(call, true);
  if (!body.ok()) return body.status();
  const json& r = **body;
  DirectoryEntry e;
  e.kind = EntryKind::kPolicy;
  e.tenant = call.caller.tenant;
  e.name = *OptString(r, "display_name");
  e.description = OptString(r, "description").value_or("");
  e.document = Dump(r["policy"]);
  absl::StatusOr<DirectoryEntry> created = call.engine.CreateEntry(call.caller, std::move(e));
  if (!created.ok()) return UnderRolePolicy(created.status());
  return JsonReply({{"role", RoleView(call, *created)}}, 201);
}

absl::StatusOr<Reply> ListCustomPolicies(Call& call) {
  absl::StatusOr<std::vector<DirectoryEntry>> all =
      call.engine.ListEntries(call.caller, EntryKind::kPolicy, call.caller.tenant, "");
  if (!all.ok()) return all.status();
  json roles = json::array();
  for (const DirectoryEntry& p : *all) {
    if (!p.system) roles.push_back(RoleView(call, p));
  }
  const size_t total = roles.size();
  return JsonReply(
      {{"roles", std::move(roles)}, {"links", ListLinks(call)}, {"total_number", total}});
}

// A policy by id only, as Huawei looks roles up.
absl::StatusOr<DirectoryEntry> PolicyById(Call& call, absl::string_view id) {
  return EntryById(call, EntryKind::kPolicy, id, "role_id");
}

absl::StatusOr<Reply> ShowCustomPolicy(Call& call) {
  absl::StatusOr<DirectoryEntry> p = PolicyById(call, call.params[0]);
  if (!p.ok()) return p.status();
  return JsonReply({{"role", RoleView(call, *p)}});
}

absl::StatusOr<Reply> UpdateCustomPolicy(Call& call) {
  absl::StatusOr<const json*> body = RoleBody(call, false);
  if (!body.ok()) return body.status();
  const json& r = **body;
  absl::StatusOr<DirectoryEntry> current = PolicyById(call, call.params[0]);
  if (!current.ok()) return current.status();
  if (std::optional<std::string> name = OptString(r, "display_name");
      name.has_value() && *name != current->name) {
    return InvalidField("role.display_name", "policy.rename_unsupported",
                        "role.display_name: a policy keeps its name");
  }
  EntryUpdate u;
  u.caller = call.caller;
  u.kind = EntryKind::kPolicy;
  u.tenant = call.caller.tenant;
  u.id_or_name = current->id;
  u.expected_version = current->version;
  u.description = OptString(r, "description");
  if (r.contains("policy")) u.document = Dump(r["policy"]);
  absl::StatusOr<DirectoryEntry> updated = call.engine.UpdateEntry(u);
  if (!updated.ok()) return UnderRolePolicy(updated.status());
  return JsonReply({{"role", RoleView(call, *updated)}});
}

absl::StatusOr<Reply> DeleteCustomPolicy(Call& call) {
  absl::StatusOr<DirectoryEntry> p = PolicyById(call, call.params[0]);
  if (!p.ok()) return p.status();
  IAM_RETURN_IF_ERROR(
      call.engine.DeleteEntry(call.caller, EntryKind::kPolicy, call.caller.tenant, p->id));
  return JsonReply(json::object());
}

// --- Grants of policies to groups, in the caller's domain.

absl::StatusOr<DirectoryEntry> GroupInDomain(Call& call) {
  IAM_RETURN_IF_ERROR(SameDomain(call, call.params[0], "domain_id"));
  return EntryById(call, EntryKind::kGroup, call.params[1], "group_id");
}

absl::StatusOr<Reply> ListGroupPolicies(Call& call) {
  absl::StatusOr<DirectoryEntry> group = GroupInDomain(call);
  if (!group.ok()) return group.status();
  json roles = json::array();
  for (const std::string& name : group->policies) {
    absl::StatusOr<DirectoryEntry> p =
        call.engine.GetEntry(call.caller, EntryKind::kPolicy, call.caller.tenant, name);
    if (p.ok()) roles.push_back(RoleView(call, *p));
  }
  return JsonReply({{"roles", std::move(roles)}, {"links", ListLinks(call)}});
}

absl::StatusOr<Reply> CheckGroupPolicy(Call& call) {
  absl::StatusOr<DirectoryEntry> group = GroupInDomain(call);
  if (!group.ok()) return group.status();
  absl::StatusOr<DirectoryEntry> p = PolicyById(call, call.params[2]);
  if (!p.ok()) return p.status();
  if (!internal::NamesPolicy(group->policies, p->name)) {
    return MakeError(absl::StatusCode::kNotFound, "role_id", "policy.not_granted",
                     "role_id: the group does not have this policy");
  }
  return NoContent();
}

// PUT grants (idempotently), DELETE revokes.
absl::StatusOr<Reply> ChangeGroupPolicy(Call& call, bool grant) {
  absl::StatusOr<DirectoryEntry> group = GroupInDomain(call);
  if (!group.ok()) return group.status();
  absl::StatusOr<DirectoryEntry> p = PolicyById(call, call.params[2]);
  if (!p.ok()) return p.status();
  absl::StatusOr<bool> changed = SetGroupPolicy(call, *group, p->name, grant);
  if (!changed.ok()) return changed.status();
  if (!*changed && !grant) {
    return MakeError(absl::StatusCode::kNotFound, "role_id", "policy.not_granted",
                     "role_id: the group does not have this policy");
  }
  return NoContent();
}

absl::StatusOr<Reply> GrantGroupPolicy(Call& call) { return ChangeGroupPolicy(call, true); }
absl::StatusOr<Reply> RevokeGroupPolicy(Call& call) { return ChangeGroupPolicy(call, false); }

constexpr Access kAuth = Access::kAuthenticated;

constexpr Route kRoutes[] = {
    {"POST", "/v3.0/OS-ROLE/roles", kAuth, CreateCustomPolicy, "role"},
    {"GET", "/v3.0/OS-ROLE/roles", kAuth, ListCustomPolicies, ""},
    {"GET", "/v3.0/OS-ROLE/roles/{}", kAuth, ShowCustomPolicy, ""},
    {"PATCH", "/v3.0/OS-ROLE/roles/{}", kAuth, UpdateCustomPolicy, "role"},
    {"DELETE", "/v3.0/OS-ROLE/roles/{}", kAuth, DeleteCustomPolicy, ""},
    {"GET", "/v3/domains/{}/groups/{}/roles", kAuth, ListGroupPolicies, ""},
    {"GET", "/v3/domains/{}/groups/{}/roles/{}", kAuth, CheckGroupPolicy, ""},
    {"PUT", "/v3/domains/{}/groups/{}/roles/{}", kAuth, GrantGroupPolicy, ""},
    {"DELETE", "/v3/domains/{}/groups/{}/roles/{}", kAuth, RevokeGroupPolicy, ""},
};

}  // namespace

absl::Span<const Route> HuaweiPolicyRoutes() { return kRoutes; }

}  // namespace iam::wire
