// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Tencent Cloud CAM 2019-01-16 permission policies, as tencentcloud-sdk-nodejs
// 4.1.313 calls them: CreatePolicy, GetPolicy, ListPolicies, UpdatePolicy,
// DeletePolicy, and attaching them to sub-users and groups. PolicyId is the
// engine's policy id: 1 to 99 for the system (preset, Type 2) policies, nine
// digits for the tenant's own (custom, Type 1). Attaching needs the caller's
// iam:GetPolicy on the policy as well as the attach right.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

using K = ParamKind;

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return InvalidField(field, "request.invalid_value", absl::StrCat(field, ": ", message));
}

// The policy a PolicyId names (system or the tenant's).
absl::StatusOr<DirectoryEntry> PolicyById(Call& call, const json& id, absl::string_view field) {
  std::optional<std::string> text = IdText(id);
  if (!text.has_value()) return Invalid(field, "must be a PolicyId");
  return EntryById(call, EntryKind::kPolicy, *text, field);
}

json PolicyType(const DirectoryEntry& p) { return p.system ? 2 : 1; }

constexpr ParamSpec kCreatePolicy[] = {{"PolicyName", K::kString, true},
                                       {"PolicyDocument", K::kString, true},
                                       {"Description", K::kString},
                                       {"Tags", K::kUnsupported}};

absl::StatusOr<Reply> CreatePolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kCreatePolicy));
  DirectoryEntry e;
  e.kind = EntryKind::kPolicy;
  e.tenant = call.caller.tenant;
  e.name = *ParamString(call.body, "PolicyName");
  e.document = *ParamString(call.body, "PolicyDocument");
  e.description = ParamString(call.body, "Description").value_or("");
  absl::StatusOr<DirectoryEntry> created = call.engine.CreateEntry(call.caller, std::move(e));
  if (!created.ok()) return created.status();
  return JsonReply({{"PolicyId", NumericId(created->id)}});
}

constexpr ParamSpec kGetPolicy[] = {{"PolicyId", K::kInteger, true}};

absl::StatusOr<Reply> GetPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kGetPolicy));
  absl::StatusOr<DirectoryEntry> p = PolicyById(call, call.body["PolicyId"], "PolicyId");
  if (!p.ok()) return p.status();
  return JsonReply({{"PolicyName", p->name},
                    {"Description", p->description},
                    {"Type", PolicyType(*p)},
                    {"AddTime", CamTime(p->created_at)},
                    {"UpdateTime", CamTime(p->updated_at == absl::InfinitePast() ? p->created_at
                                                                                 : p->updated_at)},
                    {"PolicyDocument", p->document},
                    {"PresetAlias", ""},
                    {"IsServiceLinkedRolePolicy", 0}});
}

constexpr ParamSpec kListPolicies[] = {{"Rp", K::kInteger},
                                       {"Page", K::kInteger},
                                       {"Scope", K::kString},
                                       {"Keyword", K::kString},
                                       {"ServiceType", K::kUnsupported}};

absl::StatusOr<Reply> ListPolicies(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kListPolicies));
  const int64_t page = ParamInteger(call.body, "Page").value_or(1);
  const int64_t rp = ParamInteger(call.body, "Rp").value_or(20);
  if (page < 1 || page > 200) return Invalid("Page", "must be 1 to 200");
  if (rp < 1 || rp > 200) return Invalid("Rp", "must be 1 to 200");
  const std::string scope = ParamString(call.body, "Scope").value_or("All");
  if (scope != "All" && scope != "QCS" && scope != "Local") {
    return Invalid("Scope", "must be All, QCS or Local");
  }
  absl::StatusOr<std::vector<DirectoryEntry>> all =
      call.engine.ListEntries(call.caller, EntryKind::kPolicy, call.caller.tenant,
                              ParamString(call.body, "Keyword").value_or(""));
  if (!all.ok()) return all.status();
  std::vector<DirectoryEntry> policies;
  for (DirectoryEntry& p : *all) {
    if (scope == "All" || (scope == "QCS") == p.system) policies.push_back(std::move(p));
  }
  const auto [begin, end] = PageBounds(policies.size(), page, rp);
  json list = json::array();
  for (size_t i = begin; i < end; ++i) {
    const DirectoryEntry& p = policies[i];
    list.push_back({{"PolicyId", NumericId(p.id)},
                    {"PolicyName", p.name},
                    {"AddTime", CamTime(p.created_at)},
                    {"Type", PolicyType(p)},
                    {"Description", p.description},
                    {"CreateMode", 2},
                    {"UpdateTime", CamTime(p.updated_at)}});
  }
  return JsonReply({{"TotalNum", policies.size()},
                    {"List", std::move(list)},
                    {"ServiceTypeList", json::array()}});
}

constexpr ParamSpec kUpdatePolicy[] = {{"PolicyId", K::kInteger},
                                       {"PolicyName", K::kString},
                                       {"Description", K::kString},
                                       {"PolicyDocument", K::kString},
                                       {"Alias", K::kUnsupported}};

absl::StatusOr<Reply> UpdatePolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kUpdatePolicy));
  const json& p = call.body;
  const bool by_id = p.contains("PolicyId");
  if (by_id == p.contains("PolicyName")) {
    return MakeError(absl::StatusCode::kInvalidArgument, "PolicyId", "request.missing_field",
                     "PolicyId: exactly one of PolicyId and PolicyName is required");
  }
  EntryUpdate u;
  u.caller = call.caller;
  u.kind = EntryKind::kPolicy;
  u.tenant = call.caller.tenant;
  if (by_id) {
    absl::StatusOr<DirectoryEntry> found = PolicyById(call, p["PolicyId"], "PolicyId");
    if (!found.ok()) return found.status();
    u.id_or_name = found->id;
  } else {
    u.id_or_name = *ParamString(p, "PolicyName");
  }
  u.description = ParamString(p, "Description");
  u.document = ParamString(p, "PolicyDocument");
  absl::StatusOr<DirectoryEntry> updated = call.engine.UpdateEntry(u);
  if (!updated.ok()) return updated.status();
  json out = json::object();
  if (!by_id) out["PolicyId"] = NumericId(updated->id);  // only when named
  return JsonReply(std::move(out));
}

constexpr ParamSpec kDeletePolicy[] = {{"PolicyId", K::kIntegerList, true}};

// Every id is checked before any is deleted; then each is deleted in turn.
absl::StatusOr<Reply> DeletePolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kDeletePolicy));
  const json& ids = call.body["PolicyId"];
  if (ids.empty()) return Invalid("PolicyId", "names no policy");
  std::vector<std::string> found;
  for (size_t i = 0; i < ids.size(); ++i) {
    absl::StatusOr<DirectoryEntry> p = PolicyById(call, ids[i], absl::StrCat("PolicyId.", i + 1));
    if (!p.ok()) return p.status();
    found.push_back(p->id);
  }
  for (const std::string& id : found) {
    IAM_RETURN_IF_ERROR(
        call.engine.DeleteEntry(call.caller, EntryKind::kPolicy, call.caller.tenant, id));
  }
  return JsonReply(json::object());
}

// Attaches (or detaches) a policy to a sub-user: the user's policy list with
// it added (removed).
absl::StatusOr<Reply> ChangeUserPolicy(Call& call, absl::string_view uin_param, bool attach) {
  const json& p = call.body;
  std::optional<std::string> uin = IdText(p[std::string(uin_param)]);
  if (!uin.has_value()) return Invalid(uin_param, "must be a user's Uin");
  absl::StatusOr<DirectoryEntry> policy = PolicyById(call, p["PolicyId"], "PolicyId");
  if (!policy.ok()) return policy.status();
  absl::StatusOr<User> user = call.engine.GetUser(call.caller, call.caller.tenant, *uin);
  if (!user.ok()) return user.status();
  std::vector<std::string> names = user->policies;
  if (!SetPolicyName(&names, policy->name, attach)) return JsonReply(json::object());  // so already
  UpdateUserRequest req = UpdateOf(call, *user);
  req.policies = std::move(names);
  absl::StatusOr<User> updated = call.engine.UpdateUser(req);
  if (!updated.ok()) return updated.status();
  return JsonReply(json::object());
}

constexpr ParamSpec kAttachUserPolicy[] = {{"PolicyId", K::kInteger, true},
                                           {"AttachUin", K::kInteger, true}};
constexpr ParamSpec kDetachUserPolicy[] = {{"PolicyId", K::kInteger, true},
                                           {"DetachUin", K::kInteger, true}};

absl::StatusOr<Reply> AttachUserPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kAttachUserPolicy));
  return ChangeUserPolicy(call, "AttachUin", true);
}

absl::StatusOr<Reply> DetachUserPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kDetachUserPolicy));
  return ChangeUserPolicy(call, "DetachUin", false);
}

// The same for a group's policy list.
absl::StatusOr<Reply> ChangeGroupPolicy(Call& call, absl::string_view group_param, bool attach) {
  const json& p = call.body;
  std::optional<std::string> group_id = IdText(p[std::string(group_param)]);
  if (!group_id.has_value()) return Invalid(group_param, "must be a GroupId");
  absl::StatusOr<DirectoryEntry> policy = PolicyById(call, p["PolicyId"], "PolicyId");
  if (!policy.ok()) return policy.status();
  absl::StatusOr<DirectoryEntry> group = EntryById(call, EntryKind::kGroup, *group_id, group_param);
  if (!group.ok()) return group.status();
  absl::StatusOr<bool> changed = SetGroupPolicy(call, *group, policy->name, attach);
  if (!changed.ok()) return changed.status();
  return JsonReply(json::object());
}

constexpr ParamSpec kAttachGroupPolicy[] = {{"PolicyId", K::kInteger, true},
                                            {"AttachGroupId", K::kInteger, true}};
constexpr ParamSpec kDetachGroupPolicy[] = {{"PolicyId", K::kInteger, true},
                                            {"DetachGroupId", K::kInteger, true}};

absl::StatusOr<Reply> AttachGroupPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kAttachGroupPolicy));
  return ChangeGroupPolicy(call, "AttachGroupId", true);
}

absl::StatusOr<Reply> DetachGroupPolicy(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kDetachGroupPolicy));
  return ChangeGroupPolicy(call, "DetachGroupId", false);
}

constexpr ActionRoute kActions[] = {
    {"CreatePolicy", CreatePolicy},           {"GetPolicy", GetPolicy},
    {"ListPolicies", ListPolicies},           {"UpdatePolicy", UpdatePolicy},
    {"DeletePolicy", DeletePolicy},           {"AttachUserPolicy", AttachUserPolicy},
    {"DetachUserPolicy", DetachUserPolicy},   {"AttachGroupPolicy", AttachGroupPolicy},
    {"DetachGroupPolicy", DetachGroupPolicy},
};

}  // namespace

absl::Span<const ActionRoute> TencentCamPolicyActions() { return kActions; }

}  // namespace iam::wire
