// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The policy tables: engine actions, each dialect's action names, resource
// name templates and system policies per profile, and the condition keys and
// operators of the clouds' grammars. Data only: a new dialect adds rows.
#include <algorithm>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "iam/policy.h"
#include "rules/policy_tables.h"

namespace iam {
namespace internal {
namespace {

// Every operation the engine authorizes, under the name Engine::Impl::Admit
// is given, with what it acts on (access keys act on their user, as in AWS).
constexpr EngineAction kEngineActions[] = {
    {"iam:CreateUser", "user"},
    {"iam:GetUser", "user"},
    {"iam:ListUsers", "user"},
    {"iam:UpdateUser", "user"},
    {"iam:DeleteUser", "user"},
    {"iam:AttachUserPolicy", "user"},
    {"iam:CreateAccessKey", "user"},
    {"iam:ListAccessKeys", "user"},
    {"iam:UpdateAccessKey", "user"},
    {"iam:DeleteAccessKey", "user"},
    {"iam:CreateGroup", "group"},
    {"iam:GetGroup", "group"},
    {"iam:ListGroup", "group"},
    {"iam:UpdateGroup", "group"},
    {"iam:AttachGroupPolicy", "group"},
    {"iam:DeleteGroup", "group"},
    {"iam:CreateOrganizationalUnit", "organizational_unit"},
    {"iam:GetOrganizationalUnit", "organizational_unit"},
    {"iam:ListOrganizationalUnit", "organizational_unit"},
    {"iam:DeleteOrganizationalUnit", "organizational_unit"},
    {"iam:CreateCustomField", "custom_field"},
    {"iam:GetCustomField", "custom_field"},
    {"iam:ListCustomField", "custom_field"},
    {"iam:DeleteCustomField", "custom_field"},
    {"iam:CreatePolicy", "policy"},
    {"iam:GetPolicy", "policy"},
    {"iam:ListPolicy", "policy"},
    {"iam:UpdatePolicy", "policy"},
    {"iam:DeletePolicy", "policy"},
    {"iam:ListAuditEvents", "user"},
    {"iam:CreateApiToken", "user"},
    {"iam:RevokeApiTokens", "user"},
    {"iam:GetPasswordPolicy", "setting"},
    {"iam:UpdatePasswordPolicy", "setting"},
};
static_assert(sizeof(kEngineActions) / sizeof(kEngineActions[0]) <= kMaxEngineActions);

// Tencent CAM 2019-01-16 action names (the API reference's, as `cam:` in
// policies).
constexpr ActionAlias kCamAliases[] = {
    {"cam:AddUser", "iam:CreateUser"},
    {"cam:GetUser", "iam:GetUser"},
    {"cam:ListUsers", "iam:ListUsers"},
    {"cam:UpdateUser", "iam:UpdateUser"},
    {"cam:DeleteUser", "iam:DeleteUser"},
    {"cam:AddUserToGroup", "iam:UpdateUser"},
    {"cam:AttachUserPolicy", "iam:AttachUserPolicy"},
    {"cam:CreateAccessKey", "iam:CreateAccessKey"},
    {"cam:ListAccessKeys", "iam:ListAccessKeys"},
    {"cam:UpdateAccessKey", "iam:UpdateAccessKey"},
    {"cam:DeleteAccessKey", "iam:DeleteAccessKey"},
    {"cam:CreateGroup", "iam:CreateGroup"},
    {"cam:GetGroup", "iam:GetGroup"},
    {"cam:ListGroups", "iam:ListGroup"},
    {"cam:UpdateGroup", "iam:UpdateGroup"},
    {"cam:DeleteGroup", "iam:DeleteGroup"},
    {"cam:DetachUserPolicy", "iam:AttachUserPolicy"},
    {"cam:AttachGroupPolicy", "iam:AttachGroupPolicy"},
    {"cam:DetachGroupPolicy", "iam:AttachGroupPolicy"},
    {"cam:CreatePolicy", "iam:CreatePolicy"},
    {"cam:GetPolicy", "iam:GetPolicy"},
    {"cam:ListPolicies", "iam:ListPolicy"},
    {"cam:UpdatePolicy", "iam:UpdatePolicy"},
    {"cam:DeletePolicy", "iam:DeletePolicy"},
};

// Alibaba IDaaS EIAM 2021-12-01 (seed 003's `eiam:CreateUser`).
constexpr ActionAlias kEiamAliases[] = {
    {"eiam:CreateUser", "iam:CreateUser"},
    {"eiam:GetUser", "iam:GetUser"},
    {"eiam:ListUsers", "iam:ListUsers"},
    {"eiam:UpdateUser", "iam:UpdateUser"},
    {"eiam:EnableUser", "iam:UpdateUser"},
    {"eiam:DisableUser", "iam:UpdateUser"},
    {"eiam:DeleteUser", "iam:DeleteUser"},
    {"eiam:AddUsersToGroup", "iam:UpdateUser"},
    {"eiam:CreateGroup", "iam:CreateGroup"},
    {"eiam:ListGroups", "iam:ListGroup"},
    {"eiam:DeleteGroup", "iam:DeleteGroup"},
    {"eiam:CreateOrganizationalUnit", "iam:CreateOrganizationalUnit"},
    {"eiam:ListOrganizationalUnits", "iam:ListOrganizationalUnit"},
    {"eiam:DeleteOrganizationalUnit", "iam:DeleteOrganizationalUnit"},
    {"eiam:CreateCustomField", "iam:CreateCustomField"},
    {"eiam:ListCustomFields", "iam:ListCustomField"},
    {"eiam:DeleteCustomField", "iam:DeleteCustomField"},
};

// Huawei IAM fine-grained actions (service:resource:operation).
constexpr ActionAlias kHuaweiAliases[] = {
    {"iam:users:createUser", "iam:CreateUser"},
    {"iam:users:getUser", "iam:GetUser"},
    {"iam:users:listUsers", "iam:ListUsers"},
    {"iam:users:updateUser", "iam:UpdateUser"},
    {"iam:users:deleteUser", "iam:DeleteUser"},
    {"iam:groups:addUserToGroup", "iam:UpdateUser"},
    {"iam:permissions:attachPolicyToUser", "iam:AttachUserPolicy"},
    {"iam:credentials:createCredential", "iam:CreateAccessKey"},
    {"iam:credentials:listCredentials", "iam:ListAccessKeys"},
    {"iam:credentials:updateCredential", "iam:UpdateAccessKey"},
    {"iam:credentials:deleteCredential", "iam:DeleteAccessKey"},
    {"iam:groups:createGroup", "iam:CreateGroup"},
    {"iam:groups:getGroup", "iam:GetGroup"},
    {"iam:groups:listGroups", "iam:ListGroup"},
    {"iam:groups:updateGroup", "iam:UpdateGroup"},
    {"iam:groups:deleteGroup", "iam:DeleteGroup"},
    {"iam:permissions:grantRoleToGroup", "iam:AttachGroupPolicy"},
    {"iam:roles:createRole", "iam:CreatePolicy"},
    {"iam:roles:getRole", "iam:GetPolicy"},
    {"iam:roles:listRoles", "iam:ListPolicy"},
    {"iam:roles:updateRole", "iam:UpdatePolicy"},
    {"iam:roles:deleteRole", "iam:DeletePolicy"},
};

struct ProfileAliases {
  absl::string_view profile;
  absl::Span<const ActionAlias> aliases;
};
constexpr ProfileAliases kAliases[] = {
    {"huawei", kHuaweiAliases},
    {"tencent", kCamAliases},
    {"alibaba", kEiamAliases},
};

template <typename T>
struct Named {
  absl::string_view name;
  T value;
};

// The value of the row named `name` (case-insensitive), or null.
template <typename T, size_t N>
const T* FindNamed(const Named<T> (&rows)[N], absl::string_view name) {
  for (const Named<T>& row : rows) {
    if (absl::EqualsIgnoreCase(row.name, name)) return &row.value;
  }
  return nullptr;
}

// Each cloud's name for what a condition may test.
constexpr Named<ConditionKey> kConditionKeys[] = {
    {"acs:SourceIp", ConditionKey::kSourceIp},
    {"qcs:ip", ConditionKey::kSourceIp},
    {"g:SourceIp", ConditionKey::kSourceIp},
    {"aws:SourceIp", ConditionKey::kSourceIp},
    {"iam:SourceIp", ConditionKey::kSourceIp},
    {"acs:MFAPresent", ConditionKey::kMfa},
    {"g:MFAPresent", ConditionKey::kMfa},
    {"aws:MultiFactorAuthPresent", ConditionKey::kMfa},
    {"iam:MFAPresent", ConditionKey::kMfa},
    {"iam:AuthMethod", ConditionKey::kAuthMethod},
    {"acs:AuthMethod", ConditionKey::kAuthMethod},
    {"qcs:auth_method", ConditionKey::kAuthMethod},
};

// AWS/Alibaba operator names, then Tencent CAM's.
constexpr Named<ConditionOp> kConditionOps[] = {
    {"IpAddress", ConditionOp::kIpAddress},
    {"NotIpAddress", ConditionOp::kNotIpAddress},
    {"Bool", ConditionOp::kBool},
    {"StringEquals", ConditionOp::kStringEquals},
    {"StringNotEquals", ConditionOp::kStringNotEquals},
    {"StringLike", ConditionOp::kStringLike},
    {"ip_equal", ConditionOp::kIpAddress},
    {"ip_not_equal", ConditionOp::kNotIpAddress},
    {"bool_equal", ConditionOp::kBool},
    {"string_equal", ConditionOp::kStringEquals},
    {"string_not_equal", ConditionOp::kStringNotEquals},
    {"string_like", ConditionOp::kStringLike},
};

}  // namespace

absl::Span<const EngineAction> EngineActionTable() { return kEngineActions; }

absl::Span<const ActionAlias> ActionAliases(absl::string_view profile) {
  for (const ProfileAliases& p : kAliases) {
    if (p.profile == profile) return p.aliases;
  }
  return {};
}

const ConditionKey* FindConditionKey(absl::string_view name) {
  return FindNamed(kConditionKeys, name);
}

const ConditionOp* FindConditionOp(absl::string_view name) {
  return FindNamed(kConditionOps, name);
}

bool OperatorFits(ConditionOp op, ConditionKey key) {
  switch (key) {
    case ConditionKey::kSourceIp:
      return op == ConditionOp::kIpAddress || op == ConditionOp::kNotIpAddress;
    case ConditionKey::kMfa:
      return op == ConditionOp::kBool;
    case ConditionKey::kAuthMethod:
      return op == ConditionOp::kStringEquals || op == ConditionOp::kStringNotEquals ||
             op == ConditionOp::kStringLike;
  }
  return false;
}

}  // namespace internal

int EngineActionIndex(absl::string_view action) {
  static const absl::flat_hash_map<absl::string_view, int>* const index = [] {
    auto* m = new absl::flat_hash_map<absl::string_view, int>();
    const absl::Span<const internal::EngineAction> actions = internal::EngineActionTable();
    for (size_t i = 0; i < actions.size(); ++i) m->emplace(actions[i].name, static_cast<int>(i));
    return m;
  }();
  auto it = index->find(action);
  return it == index->end() ? -1 : it->second;
}

// Resource templates: {tenant}, {id} and {name} are replaced.
struct PolicyCatalog::Formats {
  absl::string_view profile;
  absl::string_view user, group, organizational_unit, custom_field, policy;
};

namespace {

// Alibaba: seed 003's acs:eiam:{#regionId}:{#accountId}:instance/{#InstanceId}/user/*,
// the region left empty (one service for every region; a policy writes `*`)
// and the account the instance. Tencent: qcs::cam::uin/{owner}:uin/{uin}.
// Huawei: iam:{region}:{domain}:user:{name}. nist: AWS's arn form.
constexpr PolicyCatalog::Formats kFormats[] = {
    {"huawei", "iam::{tenant}:user:{name}", "iam::{tenant}:group:{name}", "iam::{tenant}:ou:{name}",
     "iam::{tenant}:customfield:{name}", "iam::{tenant}:policy:{name}"},
    {"tencent", "qcs::cam::uin/{tenant}:uin/{id}", "qcs::cam::uin/{tenant}:groupid/{id}",
     "qcs::cam::uin/{tenant}:ou/{id}", "qcs::cam::uin/{tenant}:customfield/{name}",
     "qcs::cam::uin/{tenant}:policyid/{id}"},
    {"alibaba", "acs:eiam::{tenant}:instance/{tenant}/user/{id}",
     "acs:eiam::{tenant}:instance/{tenant}/group/{id}",
     "acs:eiam::{tenant}:instance/{tenant}/organizationalunit/{id}",
     "acs:eiam::{tenant}:instance/{tenant}/customfield/{name}",
     "acs:eiam::{tenant}:instance/{tenant}/policy/{name}"},
    {"nist", "arn:iam::{tenant}:user/{name}", "arn:iam::{tenant}:group/{name}",
     "arn:iam::{tenant}:ou/{name}", "arn:iam::{tenant}:customfield/{name}",
     "arn:iam::{tenant}:policy/{name}"},
};

struct SystemPolicyRow {
  absl::string_view profile;  // "" = every profile
  absl::string_view id;       // unique across the table
  absl::string_view name;
  absl::string_view description;
  absl::string_view document;
};

// Read-only, present in every tenant. AdministratorAccess is in every profile
// (what `iamctl bootstrap` attaches); the others are each cloud's own.
constexpr SystemPolicyRow kSystemPolicies[] = {
    {"", "1", "AdministratorAccess", "every action on every resource",
     R"({"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"huawei", "2", "Security Administrator", "every IAM action (seeds 000, 004)",
     R"({"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:*"],"Resource":"*"}]})"},
    {"huawei", "3", "IAM ReadOnlyAccess", "read and list IAM users, groups and credentials",
     R"({"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*",
        "iam:*:get*","iam:*:list*"],"Resource":"*"}]})"},
    {"tencent", "4", "QcloudCamFullAccess", "every CAM action (seed 001)",
     R"({"version":"2.0","statement":[{"effect":"allow","action":["cam:*"],"resource":"*"}]})"},
    {"tencent", "5", "ReadOnlyAccess", "read and list every resource",
     R"({"version":"2.0","statement":[{"effect":"allow","action":["cam:Get*","cam:List*",
        "iam:Get*","iam:List*"],"resource":"*"}]})"},
    {"alibaba", "6", "AliyunEIAMFullAccess", "every IDaaS EIAM action (seed 003)",
     R"({"Version":"1","Statement":[{"Effect":"Allow","Action":"eiam:*","Resource":"*"}]})"},
    {"alibaba", "7", "AliyunEIAMReadOnlyAccess", "read and list IDaaS EIAM resources",
     R"({"Version":"1","Statement":[{"Effect":"Allow","Action":["eiam:Get*","eiam:List*"],
        "Resource":"*"}]})"},
    {"nist", "8", "IAMReadOnlyAccess", "read and list users, groups and keys",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*",
        "iam:List*"],"Resource":"*"}]})"},
};

}  // namespace

const PolicyCatalog& PolicyCatalog::For(const Profile& profile) {
  static std::map<std::string, PolicyCatalog>* const catalogs = [] {
    auto* all = new std::map<std::string, PolicyCatalog>();
    for (const Formats& f : kFormats) {
      const Profile* p = FindProfile(f.profile);
      if (p == nullptr) continue;
      PolicyCatalog c;
      c.formats_ = &f;
      for (const SystemPolicyRow& row : kSystemPolicies) {
        if (!row.profile.empty() && row.profile != f.profile) continue;
        absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled =
            CompilePolicy(row.document, *p);
        if (!compiled.ok()) std::abort();  // a broken table is a build defect
        c.entries_.push_back({std::string(row.id), std::string(row.name),
                              std::string(row.description), std::string(row.document)});
        c.compiled_.push_back(*std::move(compiled));
      }
      all->emplace(std::string(f.profile), std::move(c));
    }
    return all;
  }();
  auto it = catalogs->find(std::string(profile.name));
  if (it == catalogs->end()) it = catalogs->find("huawei");
  return it->second;
}

std::string PolicyCatalog::RenderResource(absl::string_view kind, absl::string_view tenant,
                                          absl::string_view id, absl::string_view name) const {
  absl::string_view format = formats_->user;
  if (kind == "group") format = formats_->group;
  if (kind == "organizational_unit") format = formats_->organizational_unit;
  if (kind == "custom_field") format = formats_->custom_field;
  if (kind == "policy") format = formats_->policy;
  return absl::StrReplaceAll(format, {{"{tenant}", tenant},
                                      {"{id}", id.empty() ? "*" : id},
                                      {"{name}", name.empty() ? "*" : name}});
}

const PolicyCatalog::Entry* PolicyCatalog::FindSystemPolicy(absl::string_view id_or_name) const {
  for (const Entry& e : entries_) {
    if (e.id == id_or_name) return &e;
  }
  for (const Entry& e : entries_) {
    if (absl::EqualsIgnoreCase(e.name, id_or_name)) return &e;
  }
  return nullptr;
}

const CompiledPolicy* PolicyCatalog::SystemPolicy(absl::string_view name) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].name == name) return compiled_[i].get();
  }
  return nullptr;
}

}  // namespace iam
