// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Tencent Cloud CAM 2019-01-16: the sub-user actions of seed 001 as
// tencentcloud-sdk-nodejs 4.1.313 calls them (docs/WIRE-NOTES-2.md 1.6).
// A user's Uin and Uid are both its numeric id. BatchAddUsers is iamcore's
// own action: seed 001's "up to 10 users at a time" and quick creation, all
// or none.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "wire/wire_internal.h"

namespace iam::wire {
namespace {

using K = ParamKind;

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return InvalidField(field, "request.invalid_value", absl::StrCat(field, ": ", message));
}

// The user a TargetUin (or, without one, the caller) names.
absl::StatusOr<std::string> TargetUser(const Call& call) {
  auto it = call.body.find("TargetUin");
  if (it == call.body.end()) return call.caller.id;
  std::optional<std::string> id = IdText(*it);
  if (!id.has_value()) return Invalid("TargetUin", "must be a user's Uin");
  return *id;
}

constexpr ParamSpec kAddUser[] = {
    {"Name", K::kString, true}, {"Remark", K::kString},      {"ConsoleLogin", K::kFlag},
    {"UseApi", K::kFlag},       {"Password", K::kString},    {"NeedResetPassword", K::kFlag},
    {"PhoneNum", K::kString},   {"CountryCode", K::kString}, {"Email", K::kString},
};

absl::StatusOr<CreateUserRequest> AddUserRequest(const Call& call, const json& p) {
  CreateUserRequest req;
  req.caller = call.caller;
  req.tenant = call.caller.tenant;
  req.username = ParamString(p, "Name").value_or("");
  req.description = ParamString(p, "Remark").value_or("");
  req.email = ParamString(p, "Email").value_or("");
  req.phone = ParamString(p, "PhoneNum").value_or("");
  req.phone_region = ParamString(p, "CountryCode").value_or("");
  req.access_key = ParamFlag(p, "UseApi").value_or(false);
  const bool console = ParamFlag(p, "ConsoleLogin").value_or(false);
  std::optional<std::string> password = ParamString(p, "Password");
  if (!console && password.has_value()) {
    return Invalid("Password", "is used only with ConsoleLogin 1");
  }
  if (console) {
    // AddUser: no Password with ConsoleLogin 1 generates one, returned once.
    req.password_mode = password.has_value() ? PasswordMode::kManual : PasswordMode::kGenerated;
    if (password.has_value()) req.password = Secret(std::move(*password));
    req.require_password_reset = ParamFlag(p, "NeedResetPassword");
  } else if (p.contains("NeedResetPassword")) {
    return Invalid("NeedResetPassword", "is used only with ConsoleLogin 1");
  }
  return req;
}

// AddUser's answer for one created user; the one-time secrets as slots under
// `at` ("" or "/Users/2").
json Created(const CreateUserResult& r, const std::string& at, std::vector<SecretSlot>* secrets) {
  json out = {
      {"Uin", NumericId(r.user.id)}, {"Name", r.user.username}, {"Uid", NumericId(r.user.id)}};
  if (!r.generated_password.empty()) {
    secrets->push_back({absl::StrCat(at, "/Password"), Secret(r.generated_password.view())});
  }
  if (r.access_key.has_value()) {
    out["SecretId"] = r.access_key->id;
    if (!r.access_key->secret.empty()) {
      secrets->push_back({absl::StrCat(at, "/SecretKey"), Secret(r.access_key->secret.view())});
    }
  }
  return out;
}

absl::StatusOr<Reply> AddUser(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kAddUser));
  absl::StatusOr<CreateUserRequest> req = AddUserRequest(call, call.body);
  if (!req.ok()) return req.status();
  absl::StatusOr<CreateUserResult> r = call.engine.CreateUser(*req);
  if (!r.ok()) return r.status();
  Reply reply;
  reply.body = Created(*r, "", &reply.secrets);
  return reply;
}

constexpr ParamSpec kBatchAddUsers[] = {
    {"Users", K::kObjectList, true, kAddUser},
    {"QuickCreate", K::kFlag},
};

absl::StatusOr<Reply> BatchAddUsers(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kBatchAddUsers));
  const bool quick = ParamFlag(call.body, "QuickCreate").value_or(false);
  std::vector<CreateUserRequest> requests;
  const json& users = call.body["Users"];
  for (size_t i = 0; i < users.size(); ++i) {
    absl::StatusOr<CreateUserRequest> req = AddUserRequest(call, users[i]);
    if (!req.ok()) return InItem(Dialect::kTencent, absl::StrCat("Users.", i + 1), req.status());
    req->quick_create = quick;
    requests.push_back(*std::move(req));
  }
  absl::StatusOr<BatchCreateResult> batch = call.engine.BatchCreateUsers(requests);
  if (!batch.ok()) return batch.status();
  Reply reply;
  json out = json::array();
  for (size_t i = 0; i < batch->items.size(); ++i) {
    const absl::StatusOr<CreateUserResult>& item = batch->items[i];
    // All or none: the first member that failed is the answer.
    if (!item.ok() && !absl::IsAborted(item.status())) {
      return InItem(Dialect::kTencent, absl::StrCat("Users.", i + 1), item.status());
    }
  }
  for (size_t i = 0; i < batch->items.size(); ++i) {
    if (!batch->items[i].ok()) return batch->items[i].status();
    out.push_back(Created(*batch->items[i], absl::StrCat("/Users/", i), &reply.secrets));
  }
  reply.body = {{"Users", std::move(out)}};
  return reply;
}

json UserInfo(const User& u) {
  return {{"Uin", NumericId(u.id)},
          {"Name", u.username},
          {"Uid", NumericId(u.id)},
          {"Remark", u.description.empty() ? json(nullptr) : json(u.description)},
          {"ConsoleLogin", u.console_access ? 1 : 0},
          {"PhoneNum", u.phone},
          {"CountryCode", u.phone_region},
          {"Email", u.email},
          {"NickName", u.display_name},
          {"CreateTime", CamTime(u.created_at)}};
}

constexpr ParamSpec kByName[] = {{"Name", K::kString, true}};

absl::StatusOr<Reply> GetUser(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kByName));
  absl::StatusOr<User> u =
      call.engine.GetUser(call.caller, call.caller.tenant, *ParamString(call.body, "Name"));
  if (!u.ok()) return u.status();
  json out = UserInfo(*u);
  out["RecentlyLoginIP"] = "";
  out["RecentlyLoginTime"] = "";
  return JsonReply(std::move(out));
}

absl::StatusOr<Reply> ListUsers(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, {}));
  absl::StatusOr<std::vector<User>> users = AllUsers(call, std::nullopt, std::nullopt);
  if (!users.ok()) return users.status();
  json data = json::array();
  for (const User& u : *users) data.push_back(UserInfo(u));
  return JsonReply({{"Data", std::move(data)}});
}

constexpr ParamSpec kUpdateUser[] = {
    {"Name", K::kString, true},  {"Remark", K::kString},          {"ConsoleLogin", K::kFlag},
    {"Password", K::kString},    {"NeedResetPassword", K::kFlag}, {"PhoneNum", K::kString},
    {"CountryCode", K::kString}, {"Email", K::kString},
};

absl::StatusOr<Reply> UpdateUser(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kUpdateUser));
  const json& p = call.body;
  absl::StatusOr<User> current =
      call.engine.GetUser(call.caller, call.caller.tenant, *ParamString(p, "Name"));
  if (!current.ok()) return current.status();
  UpdateUserRequest req = UpdateOf(call, *current);
  req.description = ParamString(p, "Remark");
  req.email = ParamString(p, "Email");
  req.phone = ParamString(p, "PhoneNum");
  req.phone_region = ParamString(p, "CountryCode");
  req.password_reset_required = ParamFlag(p, "NeedResetPassword");
  std::optional<std::string> password = ParamString(p, "Password");
  const bool console = ParamFlag(p, "ConsoleLogin").value_or(current->console_access);
  if (!console && current->console_access) {
    return Invalid("ConsoleLogin", "console login cannot be turned off; disable the user instead");
  }
  if (console && !current->console_access && !password.has_value()) {
    return Invalid("Password", "is required to turn console login on");
  }
  if (password.has_value()) {
    if (password->empty()) return Invalid("Password", "is empty");
    req.password = Secret(std::move(*password));
  }
  absl::StatusOr<User> updated = call.engine.UpdateUser(req);
  if (!updated.ok()) return updated.status();
  return JsonReply(json::object());
}

constexpr ParamSpec kDeleteUser[] = {{"Name", K::kString, true}, {"Force", K::kFlag}};

absl::StatusOr<Reply> DeleteUser(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kDeleteUser));
  absl::StatusOr<User> u =
      call.engine.GetUser(call.caller, call.caller.tenant, *ParamString(call.body, "Name"));
  if (!u.ok()) return u.status();
  if (!ParamFlag(call.body, "Force").value_or(false)) {
    absl::StatusOr<std::vector<AccessKeyInfo>> keys =
        call.engine.ListAccessKeys(call.caller, call.caller.tenant, u->id);
    if (!keys.ok()) return keys.status();
    if (!keys->empty()) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "Name", "user.has_keys",
                       "Name: the user has access keys; delete them first or pass Force 1");
    }
  }
  IAM_RETURN_IF_ERROR(call.engine.DeleteUser(call.caller, call.caller.tenant, u->id, u->version));
  return JsonReply(json::object());
}

json KeyInfo(const AccessKeyInfo& k) {
  return {{"AccessKeyId", k.id},
          {"Status", k.enabled ? "Active" : "Inactive"},
          {"CreateTime", CamTime(k.created_at)},
          {"Description", k.description}};
}

constexpr ParamSpec kCreateAccessKey[] = {{"TargetUin", K::kInteger}, {"Description", K::kString}};

absl::StatusOr<Reply> CreateAccessKey(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kCreateAccessKey));
  absl::StatusOr<std::string> target = TargetUser(call);
  if (!target.ok()) return target.status();
  const std::string description = ParamString(call.body, "Description").value_or("");
  absl::StatusOr<IssuedAccessKey> key =
      call.engine.CreateAccessKey(call.caller, call.caller.tenant, *target, description);
  if (!key.ok()) return key.status();
  Reply reply;
  reply.body = {{"AccessKey", KeyInfo({key->id, *target, true, key->created_at, description,
                                       absl::InfinitePast(), ""})}};
  reply.secrets.push_back({"/AccessKey/SecretAccessKey", Secret(key->secret.view())});
  return reply;
}

constexpr ParamSpec kListAccessKeys[] = {{"TargetUin", K::kInteger}};

absl::StatusOr<Reply> ListAccessKeys(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kListAccessKeys));
  absl::StatusOr<std::string> target = TargetUser(call);
  if (!target.ok()) return target.status();
  absl::StatusOr<std::vector<AccessKeyInfo>> keys =
      call.engine.ListAccessKeys(call.caller, call.caller.tenant, *target);
  if (!keys.ok()) return keys.status();
  json out = json::array();
  for (const AccessKeyInfo& k : *keys) out.push_back(KeyInfo(k));
  return JsonReply({{"AccessKeys", std::move(out)}});
}

// The key `AccessKeyId` of the TargetUin's user (the caller's by default).
absl::StatusOr<std::string> OwnKey(Call& call) {
  absl::StatusOr<std::string> target = TargetUser(call);
  if (!target.ok()) return target.status();
  const std::string id = *ParamString(call.body, "AccessKeyId");
  absl::StatusOr<std::vector<AccessKeyInfo>> keys =
      call.engine.ListAccessKeys(call.caller, call.caller.tenant, *target);
  if (!keys.ok()) return keys.status();
  for (const AccessKeyInfo& k : *keys) {
    if (k.id == id) return id;
  }
  return MakeError(absl::StatusCode::kNotFound, "AccessKeyId", "access_key.not_found",
                   "AccessKeyId: the user has no such access key");
}

constexpr ParamSpec kDeleteAccessKey[] = {{"AccessKeyId", K::kString, true},
                                          {"TargetUin", K::kInteger}};

absl::StatusOr<Reply> DeleteAccessKey(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kDeleteAccessKey));
  absl::StatusOr<std::string> id = OwnKey(call);
  if (!id.ok()) return id.status();
  IAM_RETURN_IF_ERROR(call.engine.DeleteAccessKey(call.caller, call.caller.tenant, *id));
  return JsonReply(json::object());
}

constexpr ParamSpec kUpdateAccessKey[] = {
    {"AccessKeyId", K::kString, true}, {"Status", K::kString, true}, {"TargetUin", K::kInteger}};

absl::StatusOr<Reply> UpdateAccessKey(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kUpdateAccessKey));
  const std::string status = *ParamString(call.body, "Status");
  if (status != "Active" && status != "Inactive")
    return Invalid("Status", "must be Active or Inactive");
  absl::StatusOr<std::string> id = OwnKey(call);
  if (!id.ok()) return id.status();
  IAM_RETURN_IF_ERROR(
      call.engine.SetAccessKeyEnabled(call.caller, call.caller.tenant, *id, status == "Active"));
  return JsonReply(json::object());
}

constexpr ParamSpec kCreateGroup[] = {{"GroupName", K::kString, true}, {"Remark", K::kString}};

absl::StatusOr<Reply> CreateGroup(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kCreateGroup));
  DirectoryEntry e;
  e.kind = EntryKind::kGroup;
  e.tenant = call.caller.tenant;
  e.name = *ParamString(call.body, "GroupName");
  e.description = ParamString(call.body, "Remark").value_or("");
  absl::StatusOr<DirectoryEntry> created = call.engine.CreateEntry(call.caller, std::move(e));
  if (!created.ok()) return created.status();
  return JsonReply({{"GroupId", NumericId(created->id)}});
}

constexpr ParamSpec kGroupMember[] = {
    {"GroupId", K::kInteger, true}, {"Uid", K::kInteger}, {"Uin", K::kInteger}};
constexpr ParamSpec kAddUserToGroup[] = {{"Info", K::kObjectList, true, kGroupMember}};

absl::StatusOr<Reply> AddUserToGroup(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kAddUserToGroup));
  const json& info = call.body["Info"];
  for (size_t i = 0; i < info.size(); ++i) {
    const std::string at = absl::StrCat("Info.", i + 1);
    std::optional<std::string> user =
        info[i].contains("Uin") ? IdText(info[i]["Uin"]) : std::nullopt;
    if (!user.has_value() && info[i].contains("Uid")) user = IdText(info[i]["Uid"]);
    if (!user.has_value()) return Invalid(absl::StrCat(at, ".Uin"), "Uin or Uid is required");
    std::optional<std::string> group = IdText(info[i]["GroupId"]);
    if (!group.has_value()) return Invalid(absl::StrCat(at, ".GroupId"), "must be a GroupId");
    IAM_RETURN_IF_ERROR(AddUsersToGroup(call, *group, absl::StrCat(at, ".GroupId"), {*user}));
  }
  return JsonReply(json::object());
}

constexpr ParamSpec kListGroups[] = {
    {"Page", K::kInteger}, {"Rp", K::kInteger}, {"Keyword", K::kString}};

absl::StatusOr<Reply> ListGroups(Call& call) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, kListGroups));
  const int64_t page = ParamInteger(call.body, "Page").value_or(1);
  const int64_t rp = ParamInteger(call.body, "Rp").value_or(20);
  if (page < 1) return Invalid("Page", "must be 1 or more");
  if (rp < 1 || rp > 200) return Invalid("Rp", "must be 1 to 200");
  absl::StatusOr<std::vector<DirectoryEntry>> groups =
      call.engine.ListEntries(call.caller, EntryKind::kGroup, call.caller.tenant,
                              ParamString(call.body, "Keyword").value_or(""));
  if (!groups.ok()) return groups.status();
  const auto [begin, end] = PageBounds(groups->size(), page, rp);
  json out = json::array();
  for (size_t i = begin; i < end; ++i) {
    const DirectoryEntry& g = (*groups)[i];
    out.push_back({{"GroupId", NumericId(g.id)},
                   {"GroupName", g.name},
                   {"CreateTime", CamTime(g.created_at)},
                   {"Remark", g.description}});
  }
  return JsonReply({{"TotalNum", groups->size()}, {"GroupInfo", std::move(out)}});
}

constexpr ActionRoute kActions[] = {
    {"AddUser", AddUser},
    {"BatchAddUsers", BatchAddUsers},
    {"GetUser", GetUser},
    {"ListUsers", ListUsers},
    {"UpdateUser", UpdateUser},
    {"DeleteUser", DeleteUser},
    {"CreateAccessKey", CreateAccessKey},
    {"ListAccessKeys", ListAccessKeys},
    {"DeleteAccessKey", DeleteAccessKey},
    {"UpdateAccessKey", UpdateAccessKey},
    {"CreateGroup", CreateGroup},
    {"AddUserToGroup", AddUserToGroup},
    {"ListGroups", ListGroups},
};

}  // namespace

json CamTime(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
}

absl::Span<const ActionRoute> TencentCamActions() {
  static const std::vector<ActionRoute>* const all = [] {
    auto* routes = new std::vector<ActionRoute>(std::begin(kActions), std::end(kActions));
    const absl::Span<const ActionRoute> policies = TencentCamPolicyActions();
    routes->insert(routes->end(), policies.begin(), policies.end());
    return routes;
  }();
  return *all;
}

}  // namespace iam::wire
