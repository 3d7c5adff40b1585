// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The preamble every administrative call starts with, in one order:
// initialised, tenant id valid, caller authorized, tenant registered. Run over
// every administrative operation, so that none can start differently.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/memory_store.h"

namespace iam {
namespace {

class CountingDenyAll final : public Authorizer {
 public:
  absl::Status Authorize(const Principal&, absl::string_view action, absl::string_view) override {
    actions.push_back(std::string(action));
    return absl::PermissionDeniedError("denied");
  }
  absl::Status AuthorizeTarget(const Principal& caller, absl::string_view action,
                               absl::string_view tenant, absl::string_view target) override {
    targets.push_back(std::string(target));
    return Authorize(caller, action, tenant);
  }
  std::vector<std::string> actions;
  std::vector<std::string> targets;
};

struct Operation {
  std::string action;
  std::function<absl::Status(Engine&, const std::string& tenant)> run;
};

CreateUserRequest Create(const std::string& tenant) {
  CreateUserRequest r;
  r.tenant = tenant;
  r.username = "alice.wong";
  r.password_mode = PasswordMode::kGenerated;
  return r;
}

DirectoryEntry Entry(EntryKind kind, const std::string& tenant) {
  DirectoryEntry e;
  e.kind = kind;
  e.tenant = tenant;
  e.name = "Developers";
  return e;
}

// Every administrative operation, as the action it is authorized for.
std::vector<Operation> AdministrativeOperations() {
  const Principal caller{"admin", "t1"};
  return {
      {"iam:CreateUser",
       [](Engine& e, const std::string& t) { return e.CreateUser(Create(t)).status(); }},
      {"iam:CreateUser",
       [](Engine& e, const std::string& t) {
         std::vector<CreateUserRequest> one;
         one.push_back(Create(t));
         auto batch = e.BatchCreateUsers(one);
         return batch.ok() ? batch->items.front().status() : batch.status();
       }},
      {"iam:GetUser",
       [=](Engine& e, const std::string& t) {
         return e.GetUser(caller, t, "alice.wong").status();
       }},
      {"iam:ListUsers",
       [](Engine& e, const std::string& t) {
         ListUsersRequest r;
         r.tenant = t;
         return e.ListUsers(r).status();
       }},
      {"iam:UpdateUser",
       [](Engine& e, const std::string& t) {
         UpdateUserRequest r;
         r.tenant = t;
         r.user = "alice.wong";
         r.enabled = false;
         return e.UpdateUser(r).status();
       }},
      {"iam:DeleteUser",
       [=](Engine& e, const std::string& t) { return e.DeleteUser(caller, t, "alice.wong"); }},
      {"iam:CreateAccessKey",
       [=](Engine& e, const std::string& t) {
         return e.CreateAccessKey(caller, t, "alice.wong").status();
       }},
      {"iam:ListAccessKeys",
       [=](Engine& e, const std::string& t) {
         return e.ListAccessKeys(caller, t, "alice.wong").status();
       }},
      {"iam:UpdateAccessKey",
       [=](Engine& e, const std::string& t) {
         return e.SetAccessKeyEnabled(caller, t, "AK", false);
       }},
      {"iam:DeleteAccessKey",
       [=](Engine& e, const std::string& t) { return e.DeleteAccessKey(caller, t, "AK"); }},
      {"iam:CreateGroup",
       [=](Engine& e, const std::string& t) {
         return e.CreateEntry(caller, Entry(EntryKind::kGroup, t)).status();
       }},
      {"iam:CreateOrganizationalUnit",
       [=](Engine& e, const std::string& t) {
         return e.CreateEntry(caller, Entry(EntryKind::kOrganizationalUnit, t)).status();
       }},
      {"iam:CreateCustomField",
       [=](Engine& e, const std::string& t) {
         return e.CreateEntry(caller, Entry(EntryKind::kCustomField, t)).status();
       }},
      {"iam:ListGroup",
       [=](Engine& e, const std::string& t) {
         return e.ListEntries(caller, EntryKind::kGroup, t, "").status();
       }},
      {"iam:DeleteGroup",
       [=](Engine& e, const std::string& t) {
         return e.DeleteEntry(caller, EntryKind::kGroup, t, "x");
       }},
  };
}

EngineOptions Options(Authorizer* authorizer) {
  EngineOptions o;
  o.argon2 = Argon2Params::ForTests();
  o.host_key = std::string(32, 'k');
  o.authorizer = authorizer != nullptr ? authorizer : iam::AllowAllAuthorizer();  // by name
  o.require_registered_tenant = true;
  return o;
}

// A refused caller learns nothing about the tenant: every operation answers
// permission denied for a tenant that was never registered (update_user used
// to answer tenant.not_found).
TEST(PreambleTest, RefusedCallerLearnsNothingAboutTheTenant) {
  MemoryStore store;
  CountingDenyAll deny;
  Engine engine(Options(&deny), &store);
  for (const Operation& op : AdministrativeOperations()) {
    deny.actions.clear();
    const absl::Status s = op.run(engine, "never-registered");
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << op.action << ": " << s;
    EXPECT_EQ(deny.actions, std::vector<std::string>{op.action}) << op.action;
  }
}

// The authorizer hears what each action is on: the user, key or entry named,
// or "" for the tenant itself.
TEST(PreambleTest, TheAuthorizerIsToldTheTarget) {
  const std::map<std::string, std::string> expected = {
      {"iam:CreateUser", ""},
      {"iam:GetUser", "alice.wong"},
      {"iam:ListUsers", ""},
      {"iam:UpdateUser", "alice.wong"},
      {"iam:DeleteUser", "alice.wong"},
      {"iam:CreateAccessKey", "alice.wong"},
      {"iam:ListAccessKeys", "alice.wong"},
      {"iam:UpdateAccessKey", "AK"},
      {"iam:DeleteAccessKey", "AK"},
      {"iam:CreateGroup", ""},
      {"iam:CreateOrganizationalUnit", ""},
      {"iam:CreateCustomField", ""},
      {"iam:ListGroup", ""},
      {"iam:DeleteGroup", "x"},
  };
  MemoryStore store;
  CountingDenyAll deny;
  Engine engine(Options(&deny), &store);
  for (const Operation& op : AdministrativeOperations()) {
    deny.targets.clear();
    (void)op.run(engine, "t1");
    ASSERT_EQ(deny.targets.size(), 1u) << op.action;
    EXPECT_EQ(deny.targets[0], expected.at(op.action)) << op.action;
  }
}

// require_registered_tenant holds for every operation (list_users and the
// directory operations used to succeed in an unregistered tenant).
TEST(PreambleTest, EveryOperationRefusesAnUnregisteredTenant) {
  MemoryStore store;
  Engine engine(Options(nullptr), &store);
  for (const Operation& op : AdministrativeOperations()) {
    const absl::Status s = op.run(engine, "never-registered");
    EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << op.action << ": " << s;
    EXPECT_EQ(ErrorReason(s), "tenant.not_found") << op.action << ": " << s;
  }
  auto listed = store.ListEntries(EntryKind::kGroup, "never-registered", "");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

// A malformed tenant id is refused before the authorizer is asked.
TEST(PreambleTest, TenantIdIsCheckedBeforeAuthorization) {
  MemoryStore store;
  CountingDenyAll deny;
  Engine engine(Options(&deny), &store);
  for (const Operation& op : AdministrativeOperations()) {
    deny.actions.clear();
    const absl::Status s = op.run(engine, "bad tenant!");
    EXPECT_EQ(ErrorReason(s), "tenant.invalid") << op.action << ": " << s;
    EXPECT_TRUE(deny.actions.empty()) << op.action;
  }
}

}  // namespace
}  // namespace iam
