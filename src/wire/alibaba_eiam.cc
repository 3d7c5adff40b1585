// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Alibaba Cloud IDaaS EIAM 2021-12-01: CreateUser with every parameter of
// seed 003 and what follows it, as the generated EIAM SDK sends them through
// @alicloud/openapi-client and as @alicloud/pop-core does
// (docs/WIRE-NOTES-2.md 2.7). The instance is the caller's tenant; times are
// epoch milliseconds.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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

json EpochMillis(absl::Time t) {
  if (t == absl::InfinitePast()) return nullptr;
  if (t == absl::InfiniteFuture()) return -1;
  return absl::ToUnixMillis(t);
}

// Every action names the instance: the caller's own, or none it may see.
absl::Status OwnInstance(const Call& call) {
  if (ParamString(call.body, "InstanceId") == call.caller.tenant) return absl::OkStatus();
  return MakeError(absl::StatusCode::kNotFound, "InstanceId", "instance.not_found",
                   "InstanceId: no such instance for this access key");
}

// CheckParams, then the instance.
absl::Status Admit(const Call& call, absl::Span<const ParamSpec> specs) {
  IAM_RETURN_IF_ERROR(CheckParams(call.body, specs));
  return OwnInstance(call);
}

absl::StatusOr<User> UserParam(Call& call) {
  return UserById(call, *ParamString(call.body, "UserId"));
}

// id -> name of every entry of `kind`.
absl::StatusOr<std::map<std::string, DirectoryEntry>> Entries(Call& call, EntryKind kind) {
  absl::StatusOr<std::vector<DirectoryEntry>> list =
      call.engine.ListEntries(call.caller, kind, call.caller.tenant, "");
  if (!list.ok()) return list.status();
  std::map<std::string, DirectoryEntry> out;
  for (DirectoryEntry& e : *list) out[e.id] = std::move(e);
  return out;
}

json UserSummary(const User& u) {
  return {{"UserId", u.id},
          {"Username", u.username},
          {"DisplayName", u.display_name},
          {"Email", u.email},
          {"EmailVerified", u.email_verified},
          {"PhoneRegion", u.phone_region},
          {"PhoneNumber", u.phone},
          {"PhoneNumberVerified", u.phone_verified},
          {"Status", u.enabled ? "enabled" : "disabled"},
          {"UserExternalId", u.external_id},
          {"UserSourceType", "build_in"},
          {"UserSourceId", u.tenant},
          {"InstanceId", u.tenant},
          {"Description", u.description},
          {"PasswordSet", u.console_access},
          {"AccountExpireTime", -1},
          {"PasswordExpireTime", EpochMillis(u.password_expires_at)},
          {"LockExpireTime", nullptr},
          {"CreateTime", EpochMillis(u.created_at)},
          {"UpdateTime", EpochMillis(u.created_at)},
          {"RegisterTime", EpochMillis(u.created_at)}};
}

constexpr ParamSpec kCustomField[] = {{"FieldName", K::kString, true}, {"FieldValue", K::kString}};
constexpr ParamSpec kPasswordInitialization[] = {
    {"PasswordInitializationPolicyPriority", K::kString},
    {"PasswordForcedUpdateStatus", K::kString},
    {"PasswordInitializationType", K::kString},
    {"UserNotificationChannels", K::kStringList},
};
constexpr ParamSpec kCreateUser[] = {
    {"InstanceId", K::kString, true},
    {"Username", K::kString, true},
    {"DisplayName", K::kString},
    {"Password", K::kString},
    {"PhoneRegion", K::kString},
    {"PhoneNumber", K::kString},
    {"PhoneNumberVerified", K::kFlag},
    {"Email", K::kString},
    {"EmailVerified", K::kFlag},
    {"UserExternalId", K::kString},
    {"PrimaryOrganizationalUnitId", K::kString, true},
    {"OrganizationalUnitIds", K::kStringList},
    {"Description", K::kString},
    {"CustomFields", K::kObjectList, false, kCustomField},
    {"PasswordInitializationConfig", K::kObject, false, kPasswordInitialization},
    {"ClientToken", K::kString},
};

// PasswordInitializationConfig onto the request: "global" keeps the
// instance's policy (this request's settings are ignored, as EIAM does);
// "custom" (or none given) applies them.
absl::Status ApplyPasswordInitialization(const json& p, CreateUserRequest* req) {
  auto it = p.find("PasswordInitializationConfig");
  if (it == p.end()) return absl::OkStatus();
  const json& c = *it;
  const std::string field = "PasswordInitializationConfig";
  const std::string priority =
      ParamString(c, "PasswordInitializationPolicyPriority").value_or("custom");
  if (priority != "global" && priority != "custom") {
    return Invalid(field + ".PasswordInitializationPolicyPriority", "must be global or custom");
  }
  if (priority == "global") return absl::OkStatus();
  if (std::optional<std::string> forced = ParamString(c, "PasswordForcedUpdateStatus")) {
    if (*forced != "enabled" && *forced != "disabled") {
      return Invalid(field + ".PasswordForcedUpdateStatus", "must be enabled or disabled");
    }
    req->require_password_reset = *forced == "enabled";
  }
  for (const std::string& channel : ParamStrings(c, "UserNotificationChannels")) {
    if (channel != "email" && channel != "sms") {
      return Invalid(field + ".UserNotificationChannels", "each must be email or sms");
    }
    req->notify.push_back(channel == "email" ? Channel::kEmail : Channel::kSms);
  }
  if (std::optional<std::string> type = ParamString(c, "PasswordInitializationType")) {
    if (*type != "random") return Invalid(field + ".PasswordInitializationType", "must be random");
    if (req->password_mode == PasswordMode::kManual) {
      return Invalid(field + ".PasswordInitializationType", "random cannot go with a Password");
    }
    // The password is sent, never returned (CreateUser answers UserId only).
    if (req->notify.empty()) {
      return Invalid(field + ".UserNotificationChannels",
                     "random needs a channel to send the password through");
    }
    req->password_mode = PasswordMode::kGenerated;
  } else if (!req->notify.empty() && req->password_mode != PasswordMode::kManual) {
    return Invalid(field + ".UserNotificationChannels",
                   "there is no password to send without a Password or a random one");
  }
  return absl::OkStatus();
}

absl::StatusOr<Reply> CreateUser(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kCreateUser));
  const json& p = call.body;
  CreateUserRequest req;
  req.caller = call.caller;
  req.tenant = call.caller.tenant;
  req.username = ParamString(p, "Username").value_or("");
  req.display_name = ParamString(p, "DisplayName").value_or("");
  req.description = ParamString(p, "Description").value_or("");
  req.email = ParamString(p, "Email").value_or("");
  req.email_verified = ParamFlag(p, "EmailVerified");
  req.phone_region = ParamString(p, "PhoneRegion").value_or("");
  req.phone = ParamString(p, "PhoneNumber").value_or("");
  req.phone_verified = ParamFlag(p, "PhoneNumberVerified");
  req.external_id = ParamString(p, "UserExternalId").value_or("");
  req.primary_ou = ParamString(p, "PrimaryOrganizationalUnitId").value_or("");
  req.ous = ParamStrings(p, "OrganizationalUnitIds");
  req.client_token = ParamString(p, "ClientToken").value_or("");
  if (auto fields = p.find("CustomFields"); fields != p.end()) {
    for (const json& f : *fields) {
      req.custom_fields.push_back(
          {*ParamString(f, "FieldName"), ParamString(f, "FieldValue").value_or("")});
    }
  }
  if (std::optional<std::string> password = ParamString(p, "Password")) {
    req.password_mode = PasswordMode::kManual;
    req.password = Secret(std::move(*password));
  }
  IAM_RETURN_IF_ERROR(ApplyPasswordInitialization(p, &req));
  absl::StatusOr<CreateUserResult> r = call.engine.CreateUser(req);
  if (!r.ok()) return r.status();
  return JsonReply({{"UserId", r->user.id}});
}

constexpr ParamSpec kByUser[] = {{"InstanceId", K::kString, true}, {"UserId", K::kString, true}};

absl::StatusOr<Reply> GetUser(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kByUser));
  absl::StatusOr<User> u = UserParam(call);
  if (!u.ok()) return u.status();
  absl::StatusOr<std::map<std::string, DirectoryEntry>> ous =
      Entries(call, EntryKind::kOrganizationalUnit);
  if (!ous.ok()) return ous.status();
  absl::StatusOr<std::map<std::string, DirectoryEntry>> groups = Entries(call, EntryKind::kGroup);
  if (!groups.ok()) return groups.status();
  json user = UserSummary(*u);
  user["PrimaryOrganizationalUnitId"] = u->primary_ou;
  json ou_list = json::array();
  std::vector<std::string> ou_ids = u->ous;
  if (!u->primary_ou.empty()) ou_ids.insert(ou_ids.begin(), u->primary_ou);
  for (const std::string& id : ou_ids) {
    ou_list.push_back({{"OrganizationalUnitId", id},
                       {"OrganizationalUnitName", (*ous)[id].name},
                       {"Primary", id == u->primary_ou}});
  }
  user["OrganizationalUnits"] = std::move(ou_list);
  json group_list = json::array();
  for (const std::string& id : u->groups) {
    group_list.push_back({{"GroupId", id},
                          {"GroupName", (*groups)[id].name},
                          {"Description", (*groups)[id].description}});
  }
  user["Groups"] = std::move(group_list);
  json fields = json::array();
  for (const auto& [name, value] : u->custom_fields) {
    fields.push_back({{"FieldName", name}, {"FieldValue", value}});
  }
  user["CustomFields"] = std::move(fields);
  user["PreferredLanguage"] = "";
  return JsonReply({{"User", std::move(user)}});
}

constexpr ParamSpec kListUsers[] = {
    {"InstanceId", K::kString, true},
    {"PageNumber", K::kInteger},
    {"PageSize", K::kInteger},
    {"UsernameStartsWith", K::kString},
    {"DisplayNameStartsWith", K::kString},
    {"Email", K::kString},
    {"PhoneRegion", K::kString},
    {"PhoneNumber", K::kString},
    {"Status", K::kString},
    {"OrganizationalUnitId", K::kString},
    {"UserExternalId", K::kString},
    {"UserIds", K::kStringList},
    {"MaxResults", K::kUnsupported},
    {"NextToken", K::kUnsupported},
    {"UserSourceId", K::kUnsupported},
    {"UserSourceType", K::kUnsupported},
};

absl::StatusOr<Reply> ListUsers(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kListUsers));
  const json& p = call.body;
  const int64_t page = ParamInteger(p, "PageNumber").value_or(1);
  const int64_t size = ParamInteger(p, "PageSize").value_or(20);
  if (page < 1) return Invalid("PageNumber", "must be 1 or more");
  if (size < 1 || size > 100) return Invalid("PageSize", "must be 1 to 100");
  ListUsersRequest req;
  req.caller = call.caller;
  req.tenant = call.caller.tenant;
  req.name_prefix = ParamString(p, "UsernameStartsWith").value_or("");
  req.ou = ParamString(p, "OrganizationalUnitId").value_or("");
  if (std::optional<std::string> status = ParamString(p, "Status")) {
    if (*status != "enabled" && *status != "disabled") {
      return Invalid("Status", "must be enabled or disabled");
    }
    req.enabled = *status == "enabled";
  }
  absl::StatusOr<std::vector<User>> users = AllPages(call.engine, std::move(req));
  if (!users.ok()) return users.status();
  const std::vector<std::string> ids = ParamStrings(p, "UserIds");
  const auto keep = [&](const User& u) {
    const auto same = [&](absl::string_view name, const std::string& value) {
      std::optional<std::string> want = ParamString(p, name);
      return !want.has_value() || *want == value;
    };
    return same("Email", u.email) && same("PhoneRegion", u.phone_region) &&
           same("PhoneNumber", u.phone) && same("UserExternalId", u.external_id) &&
           absl::StartsWithIgnoreCase(u.display_name,
                                      ParamString(p, "DisplayNameStartsWith").value_or("")) &&
           (ids.empty() || std::find(ids.begin(), ids.end(), u.id) != ids.end());
  };
  users->erase(
      std::remove_if(users->begin(), users->end(), [&](const User& u) { return !keep(u); }),
      users->end());
  const auto [begin, end] = PageBounds(users->size(), page, size);
  json out = json::array();
  for (size_t i = begin; i < end; ++i) out.push_back(UserSummary((*users)[i]));
  return JsonReply({{"TotalCount", users->size()}, {"Users", std::move(out)}});
}

constexpr ParamSpec kFieldChange[] = {
    {"FieldName", K::kString, true}, {"FieldValue", K::kString}, {"Operation", K::kString}};
constexpr ParamSpec kUpdateUser[] = {
    {"InstanceId", K::kString, true},
    {"UserId", K::kString, true},
    {"Username", K::kString},
    {"DisplayName", K::kString},
    {"Email", K::kString},
    {"EmailVerified", K::kFlag},
    {"PhoneRegion", K::kString},
    {"PhoneNumber", K::kString},
    {"PhoneNumberVerified", K::kFlag},
    {"CustomFields", K::kObjectList, false, kFieldChange},
};

absl::StatusOr<Reply> UpdateUser(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kUpdateUser));
  const json& p = call.body;
  absl::StatusOr<User> current = UserParam(call);
  if (!current.ok()) return current.status();
  if (std::optional<std::string> name = ParamString(p, "Username");
      name.has_value() && *name != current->username) {
    return InvalidField("Username", "user.rename_unsupported",
                        "Username: a user cannot be renamed");
  }
  UpdateUserRequest req = UpdateOf(call, *current);
  req.display_name = ParamString(p, "DisplayName");
  req.email = ParamString(p, "Email");
  req.email_verified = ParamFlag(p, "EmailVerified");
  req.phone_region = ParamString(p, "PhoneRegion");
  req.phone = ParamString(p, "PhoneNumber");
  req.phone_verified = ParamFlag(p, "PhoneNumberVerified");
  if (auto changes = p.find("CustomFields"); changes != p.end()) {
    std::map<std::string, std::string> fields = current->custom_fields;
    for (size_t i = 0; i < changes->size(); ++i) {
      const json& c = (*changes)[i];
      const std::string op = ParamString(c, "Operation").value_or("replace");
      const std::string name = *ParamString(c, "FieldName");
      if (op == "remove") {
        fields.erase(name);
      } else if (op == "add" || op == "replace") {
        fields[name] = ParamString(c, "FieldValue").value_or("");
      } else {
        return Invalid(absl::StrCat("CustomFields.", i + 1, ".Operation"),
                       "must be add, replace or remove");
      }
    }
    std::vector<CustomFieldValue> list;
    for (auto& [name, value] : fields) list.push_back({name, value});
    req.custom_fields = std::move(list);
  }
  absl::StatusOr<User> updated = call.engine.UpdateUser(req);
  if (!updated.ok()) return updated.status();
  return JsonReply(json::object());
}

absl::StatusOr<Reply> DeleteUser(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kByUser));
  absl::StatusOr<User> u = UserParam(call);
  if (!u.ok()) return u.status();
  IAM_RETURN_IF_ERROR(call.engine.DeleteUser(call.caller, call.caller.tenant, u->id, u->version));
  return JsonReply(json::object());
}

absl::StatusOr<Reply> SetEnabled(Call& call, bool enabled) {
  IAM_RETURN_IF_ERROR(Admit(call, kByUser));
  absl::StatusOr<User> u = UserParam(call);
  if (!u.ok()) return u.status();
  UpdateUserRequest req = UpdateOf(call, *u);
  req.enabled = enabled;
  absl::StatusOr<User> updated = call.engine.UpdateUser(req);
  if (!updated.ok()) return updated.status();
  return JsonReply(json::object());
}

absl::StatusOr<Reply> EnableUser(Call& call) { return SetEnabled(call, true); }
absl::StatusOr<Reply> DisableUser(Call& call) { return SetEnabled(call, false); }

// An entry of `kind` named by `name_param`, described by Description.
absl::StatusOr<DirectoryEntry> CreateEntry(Call& call, EntryKind kind,
                                           absl::string_view name_param) {
  DirectoryEntry e;
  e.kind = kind;
  e.tenant = call.caller.tenant;
  e.name = *ParamString(call.body, name_param);
  e.description = ParamString(call.body, "Description").value_or("");
  return call.engine.CreateEntry(call.caller, std::move(e));
}

constexpr ParamSpec kCreateOu[] = {
    {"InstanceId", K::kString, true},
    {"OrganizationalUnitName", K::kString, true},
    {"ParentId", K::kString, true},
    {"Description", K::kString},
    {"OrganizationalUnitExternalId", K::kUnsupported},
};

absl::StatusOr<Reply> CreateOrganizationalUnit(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kCreateOu));
  // iamcore's organizational units are one level under the instance.
  if (ParamString(call.body, "ParentId") != call.caller.tenant) {
    return Invalid("ParentId", "must be the InstanceId: organizational units do not nest here");
  }
  absl::StatusOr<DirectoryEntry> e =
      CreateEntry(call, EntryKind::kOrganizationalUnit, "OrganizationalUnitName");
  if (!e.ok()) return e.status();
  return JsonReply({{"OrganizationalUnitId", e->id}});
}

constexpr ParamSpec kListOus[] = {
    {"InstanceId", K::kString, true},
    {"PageNumber", K::kInteger},
    {"PageSize", K::kInteger},
    {"ParentId", K::kString},
};

absl::StatusOr<Reply> ListOrganizationalUnits(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kListOus));
  const int64_t page = ParamInteger(call.body, "PageNumber").value_or(1);
  const int64_t size = ParamInteger(call.body, "PageSize").value_or(20);
  if (page < 1) return Invalid("PageNumber", "must be 1 or more");
  if (size < 1 || size > 100) return Invalid("PageSize", "must be 1 to 100");
  absl::StatusOr<std::vector<DirectoryEntry>> ous =
      call.engine.ListEntries(call.caller, EntryKind::kOrganizationalUnit, call.caller.tenant, "");
  if (!ous.ok()) return ous.status();
  std::optional<std::string> parent = ParamString(call.body, "ParentId");
  if (parent.has_value() && *parent != call.caller.tenant) ous->clear();  // no nesting
  const auto [begin, end] = PageBounds(ous->size(), page, size);
  json out = json::array();
  for (size_t i = begin; i < end; ++i) {
    const DirectoryEntry& e = (*ous)[i];
    out.push_back({{"OrganizationalUnitId", e.id},
                   {"OrganizationalUnitName", e.name},
                   {"ParentId", call.caller.tenant},
                   {"Description", e.description},
                   {"Leaf", true},
                   {"CreateTime", EpochMillis(e.created_at)},
                   {"UpdateTime", EpochMillis(e.created_at)}});
  }
  return JsonReply({{"TotalCount", ous->size()}, {"OrganizationalUnits", std::move(out)}});
}

constexpr ParamSpec kCreateGroup[] = {
    {"InstanceId", K::kString, true},
    {"GroupName", K::kString, true},
    {"Description", K::kString},
    {"GroupExternalId", K::kUnsupported},
};

absl::StatusOr<Reply> CreateGroup(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kCreateGroup));
  absl::StatusOr<DirectoryEntry> e = CreateEntry(call, EntryKind::kGroup, "GroupName");
  if (!e.ok()) return e.status();
  return JsonReply({{"GroupId", e->id}});
}

constexpr ParamSpec kAddUsersToGroup[] = {
    {"InstanceId", K::kString, true},
    {"GroupId", K::kString, true},
    {"UserIds", K::kStringList, true},
};

absl::StatusOr<Reply> AddUsersToGroupAction(Call& call) {
  IAM_RETURN_IF_ERROR(Admit(call, kAddUsersToGroup));
  const std::vector<std::string> users = ParamStrings(call.body, "UserIds");
  if (users.empty() || users.size() > 100) return Invalid("UserIds", "1 to 100 user ids");
  for (size_t i = 0; i < users.size(); ++i) {
    if (!absl::StatusOr<User>(UserById(call, users[i])).ok()) {
      return MakeError(absl::StatusCode::kNotFound, absl::StrCat("UserIds.", i + 1),
                       "user.not_found", absl::StrCat("UserIds.", i + 1, ": no such user"));
    }
  }
  IAM_RETURN_IF_ERROR(AddUsersToGroup(call, *ParamString(call.body, "GroupId"), "GroupId", users));
  return JsonReply(json::object());
}

constexpr ActionRoute kActions[] = {
    {"CreateUser", CreateUser},
    {"GetUser", GetUser},
    {"ListUsers", ListUsers},
    {"UpdateUser", UpdateUser},
    {"DeleteUser", DeleteUser},
    {"EnableUser", EnableUser},
    {"DisableUser", DisableUser},
    {"CreateOrganizationalUnit", CreateOrganizationalUnit},
    {"ListOrganizationalUnits", ListOrganizationalUnits},
    {"CreateGroup", CreateGroup},
    {"AddUsersToGroup", AddUsersToGroupAction},
};

}  // namespace

absl::Span<const ActionRoute> AlibabaEiamActions() { return kActions; }

}  // namespace iam::wire
