// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// PolicyAuthorizer behind an engine: the caller's attached system policies
// decide, explicit rights only, self-reads always, never another tenant.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/memory_store.h"

namespace iam {
namespace {

class PolicyAuthorizerTest : public ::testing::Test {
 protected:
  void Use(const char* profile) {
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.profile = FindProfile(profile);
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'k');
    setup_ = std::make_unique<Engine>(o, &store_);  // allows all: builds the tenants
    authorizer_ = std::make_unique<PolicyAuthorizer>(&store_, *o.profile);
    o.authorizer = authorizer_.get();
    guarded_ = std::make_unique<Engine>(o, &store_);
  }
  // A user of `tenant` with `policies`, as a caller.
  Principal Make(const std::string& tenant, const std::string& name,
                 std::vector<std::string> policies) {
    CreateUserRequest r;
    r.tenant = tenant;
    r.username = name;
    r.email = name + "@example.com";
    r.email_verified = true;
    r.primary_ou = ou_;
    r.policies = std::move(policies);
    r.access_key = true;
    auto created = setup_->CreateUser(r);
    EXPECT_TRUE(created.ok()) << created.status();
    keys_[name] = created.ok() ? created->access_key->id : "";
    return Principal{created.ok() ? created->user.id : "", tenant, {}};
  }
  absl::Status Create(const Principal& caller, const std::string& tenant, const std::string& name) {
    CreateUserRequest r;
    r.caller = caller;
    r.tenant = tenant;
    r.username = name;
    r.email = name + "@example.com";
    r.email_verified = true;
    r.primary_ou = ou_;
    return guarded_->CreateUser(r).status();
  }
  absl::Status List(const Principal& caller) {
    ListUsersRequest r;
    r.caller = caller;
    r.tenant = "t1";
    return guarded_->ListUsers(r).status();
  }
  static void ExpectDenied(const absl::Status& s, const char* action) {
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
    EXPECT_EQ(ErrorReason(s), "authorization.denied") << s;
    EXPECT_NE(std::string(s.message()).find(action), std::string::npos) << s;
  }

  MemoryStore store_;
  std::unique_ptr<Engine> setup_, guarded_;
  std::unique_ptr<PolicyAuthorizer> authorizer_;
  std::map<std::string, std::string> keys_;
  std::string ou_;  // the primary OU (alibaba)
};

TEST_F(PolicyAuthorizerTest, AdministratorAccessMayDoEverythingInItsTenant) {
  Use("huawei");
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess"});
  const Principal plain = Make("t1", "plain01", {});
  EXPECT_TRUE(Create(admin, "t1", "newuser1").ok());
  EXPECT_TRUE(guarded_->GetUser(admin, "t1", "plain01").ok());
  EXPECT_TRUE(guarded_->CreateAccessKey(admin, "t1", "plain01").ok());
  EXPECT_TRUE(guarded_->SetAccessKeyEnabled(admin, "t1", keys_["plain01"], false).ok());
  EXPECT_TRUE(guarded_->DeleteUser(admin, "t1", plain.id).ok());
}

TEST_F(PolicyAuthorizerTest, NoPolicyMeansOnlyReadingItself) {
  Use("huawei");
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess"});
  const Principal plain = Make("t1", "plain01", {});
  ExpectDenied(Create(plain, "t1", "newuser1"), "iam:CreateUser");
  ExpectDenied(guarded_->GetUser(plain, "t1", admin.id).status(), "iam:GetUser");
  ExpectDenied(List(plain), "iam:ListUsers");
  ExpectDenied(guarded_->CreateAccessKey(plain, "t1", plain.id).status(), "iam:CreateAccessKey");
  ExpectDenied(guarded_->DeleteAccessKey(plain, "t1", keys_["plain01"]), "iam:DeleteAccessKey");
  EXPECT_TRUE(guarded_->GetUser(plain, "t1", plain.id).ok());
  EXPECT_TRUE(guarded_->GetUser(plain, "t1", "PLAIN01").ok());  // by name, any case
  EXPECT_TRUE(guarded_->ListAccessKeys(plain, "t1", "plain01").ok());
  // A name that is neither a system policy nor the tenant's is not attached.
  CreateUserRequest odd;
  odd.tenant = "t1";
  odd.username = "odd01";
  odd.policies = {"NoSuchPolicy"};
  const absl::Status refused = setup_->CreateUser(odd).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kNotFound) << refused;
  EXPECT_EQ(ErrorReason(refused), "policy.not_found");
  EXPECT_EQ(ErrorField(refused), "policies[0]");
}

TEST_F(PolicyAuthorizerTest, ReadOnlyReadsButNeverWrites) {
  Use("huawei");
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess"});
  const Principal reader = Make("t1", "reader01", {"IAM ReadOnlyAccess"});
  EXPECT_TRUE(guarded_->GetUser(reader, "t1", admin.id).ok());
  EXPECT_TRUE(List(reader).ok());
  EXPECT_TRUE(guarded_->ListAccessKeys(reader, "t1", admin.id).ok());
  ExpectDenied(Create(reader, "t1", "newuser1"), "iam:CreateUser");
  ExpectDenied(guarded_->DeleteUser(reader, "t1", admin.id), "iam:DeleteUser");
  UpdateUserRequest off;
  off.caller = reader;
  off.tenant = "t1";
  off.user = admin.id;
  off.enabled = false;
  ExpectDenied(guarded_->UpdateUser(off).status(), "iam:UpdateUser");
  EXPECT_TRUE(setup_->GetUser({}, "t1", admin.id)->enabled);
}

TEST_F(PolicyAuthorizerTest, NoRightsReachAnotherTenant) {
  Use("huawei");
  const Principal admin1 = Make("t1", "admin01", {"AdministratorAccess"});
  const Principal admin2 = Make("t2", "admin02", {"AdministratorAccess"});
  const Principal victim = Make("t1", "victim01", {});
  ExpectDenied(Create(admin2, "t1", "intruder"), "iam:CreateUser");
  ExpectDenied(guarded_->GetUser(admin2, "t1", victim.id).status(), "iam:GetUser");
  ExpectDenied(List(admin2), "iam:ListUsers");
  ExpectDenied(guarded_->DeleteUser(admin2, "t1", victim.id), "iam:DeleteUser");
  ExpectDenied(guarded_->CreateAccessKey(admin2, "t1", victim.id).status(), "iam:CreateAccessKey");
  ExpectDenied(guarded_->ListAccessKeys(admin2, "t1", victim.id).status(), "iam:ListAccessKeys");
  ExpectDenied(guarded_->SetAccessKeyEnabled(admin2, "t1", keys_["victim01"], false),
               "iam:UpdateAccessKey");
  ExpectDenied(guarded_->DeleteAccessKey(admin2, "t1", keys_["victim01"]), "iam:DeleteAccessKey");
  ExpectDenied(guarded_->ListEntries(admin2, EntryKind::kGroup, "t1", "").status(),
               "iam:ListGroup");
  DirectoryEntry group;
  group.kind = EntryKind::kGroup;
  group.tenant = "t1";
  group.name = "ops";
  ExpectDenied(guarded_->CreateEntry(admin2, group).status(), "iam:CreateGroup");
  // Another tenant's key, named by t1's administrator, is not in t1.
  EXPECT_EQ(guarded_->DeleteAccessKey(admin1, "t1", keys_["admin02"]).code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(guarded_->GetUser(admin1, "t1", victim.id).ok());
}

TEST_F(PolicyAuthorizerTest, AnonymousAndDisabledCallersAreDenied) {
  Use("huawei");
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess"});
  ExpectDenied(Create({}, "t1", "newuser1"), "iam:CreateUser");
  UpdateUserRequest off;
  off.tenant = "t1";
  off.user = admin.id;
  off.enabled = false;
  ASSERT_TRUE(setup_->UpdateUser(off).ok());
  ExpectDenied(Create(admin, "t1", "newuser1"), "iam:CreateUser");
  ExpectDenied(guarded_->GetUser(admin, "t1", admin.id).status(), "iam:GetUser");
}

TEST_F(PolicyAuthorizerTest, EachCloudsSystemPolicies) {
  Use("tencent");
  const Principal cam = Make("100000000001", "camadmin", {"QcloudCamFullAccess"});
  const Principal ro = Make("100000000001", "camreader", {"ReadOnlyAccess"});
  EXPECT_TRUE(Create(cam, "100000000001", "alice").ok());
  EXPECT_TRUE(guarded_->GetUser(ro, "100000000001", "alice").ok());
  ExpectDenied(Create(ro, "100000000001", "bob"), "iam:CreateUser");
  // A Huawei name means nothing under the tencent profile.
  CreateUserRequest huawei;
  huawei.tenant = "100000000001";
  huawei.username = "secadmin";
  huawei.email = "secadmin@example.com";
  huawei.policies = {"Security Administrator"};
  EXPECT_EQ(ErrorReason(setup_->CreateUser(huawei).status()), "policy.not_found");
}

TEST_F(PolicyAuthorizerTest, AttachingPoliciesIsItsOwnRight) {
  Use("alibaba");
  DirectoryEntry root;
  root.kind = EntryKind::kOrganizationalUnit;
  root.tenant = "idaas_t1";
  root.name = "root";
  ou_ = setup_->CreateEntry({}, root)->id;
  // EIAM full access: every eiam: action, none of which attaches a policy.
  const Principal eiam = Make("idaas_t1", "eiamadmin", {"AliyunEIAMFullAccess"});
  const Principal admin = Make("idaas_t1", "admin01", {"AdministratorAccess"});
  EXPECT_TRUE(Create(eiam, "idaas_t1", "alice").ok());
  CreateUserRequest r;
  r.caller = eiam;
  r.tenant = "idaas_t1";
  r.username = "mallory";
  r.email = "mallory@example.com";
  r.email_verified = true;
  r.primary_ou = ou_;
  r.policies = {"AdministratorAccess"};
  const absl::Status refused = guarded_->CreateUser(r).status();
  ExpectDenied(refused, "iam:AttachUserPolicy");
  EXPECT_EQ(MapError(*FindProfile("alibaba"), refused).provider_code, "Forbidden.NoPermission");
  EXPECT_EQ(MapError(*FindProfile("alibaba"), refused).http_status, 403);
  UpdateUserRequest grant;
  grant.caller = eiam;
  grant.tenant = "idaas_t1";
  grant.user = eiam.id;
  grant.policies = std::vector<std::string>{"AdministratorAccess"};
  ExpectDenied(guarded_->UpdateUser(grant).status(), "iam:AttachUserPolicy");
  // Other edits, and the same list again, need no such right.
  grant.policies = std::vector<std::string>{"AliyunEIAMFullAccess"};
  grant.display_name = "EIAM admin";
  EXPECT_TRUE(guarded_->UpdateUser(grant).ok());
  grant.caller = admin;
  grant.policies = std::vector<std::string>{"AdministratorAccess"};
  EXPECT_TRUE(guarded_->UpdateUser(grant).ok());
}

// Tenant policies: created, attached to users and groups, edited, deleted.
class TenantPolicyTest : public PolicyAuthorizerTest {
 protected:
  void SetUp() override { Use("huawei"); }
  absl::StatusOr<DirectoryEntry> NewPolicy(const std::string& name, const std::string& document) {
    DirectoryEntry p;
    p.kind = EntryKind::kPolicy;
    p.tenant = "t1";
    p.name = name;
    p.document = document;
    return setup_->CreateEntry({}, p);
  }
  absl::StatusOr<DirectoryEntry> Edit(const std::string& name, const std::string& document) {
    EntryUpdate u;
    u.tenant = "t1";
    u.id_or_name = name;
    u.document = document;
    return setup_->UpdateEntry(u);
  }
  static std::string Allow(const std::string& actions, const std::string& resource = "*") {
    return R"({"Version":"1","Statement":[{"Effect":"Allow","Action":[)" + actions +
           R"(],"Resource":")" + resource + R"("}]})";
  }
};

TEST_F(TenantPolicyTest, OnlyGetUserReadsButNeitherCreatesNorDeletes) {
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess"});
  ASSERT_TRUE(NewPolicy("UserReader", Allow(R"("iam:GetUser")")).ok());
  const Principal reader = Make("t1", "reader01", {"userreader"});  // any ASCII case
  EXPECT_EQ(setup_->GetUser({}, "t1", reader.id)->policies,
            std::vector<std::string>{"UserReader"});  // stored under its own spelling
  EXPECT_TRUE(guarded_->GetUser(reader, "t1", admin.id).ok());
  ExpectDenied(Create(reader, "t1", "newuser1"), "iam:CreateUser");
  ExpectDenied(guarded_->DeleteUser(reader, "t1", admin.id), "iam:DeleteUser");
  ExpectDenied(List(reader), "iam:ListUsers");
}

TEST_F(TenantPolicyTest, ExplicitDenyOnEveryUserBeatsAdministratorAccess) {
  ASSERT_TRUE(NewPolicy("NoUserWrites", R"({"Version":"1","Statement":[{"Effect":"Deny",
      "Action":["iam:CreateUser","iam:DeleteUser"],"Resource":"iam::t1:user:*"}]})")
                  .ok());
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess", "NoUserWrites"});
  const Principal other = Make("t1", "other01", {});
  ExpectDenied(Create(admin, "t1", "newuser1"), "iam:CreateUser");
  ExpectDenied(guarded_->DeleteUser(admin, "t1", other.id), "iam:DeleteUser");
  EXPECT_TRUE(guarded_->GetUser(admin, "t1", other.id).ok());  // not denied: still allowed
}

TEST_F(TenantPolicyTest, GroupMembersInheritTheGroupsPolicies) {
  ASSERT_TRUE(NewPolicy("Creators", Allow(R"("iam:CreateUser")")).ok());
  DirectoryEntry g;
  g.tenant = "t1";
  g.name = "hr";
  auto group = setup_->CreateEntry({}, g);
  ASSERT_TRUE(group.ok()) << group.status();
  CreateUserRequest r;
  r.tenant = "t1";
  r.username = "member01";
  r.groups = {"hr"};
  auto member = setup_->CreateUser(r);
  ASSERT_TRUE(member.ok()) << member.status();
  const Principal caller{member->user.id, "t1", {}};
  ExpectDenied(Create(caller, "t1", "newuser1"), "iam:CreateUser");
  EntryUpdate attach;
  attach.kind = EntryKind::kGroup;
  attach.tenant = "t1";
  attach.id_or_name = "HR";
  attach.policies = std::vector<std::string>{"creators"};
  auto attached = setup_->UpdateEntry(attach);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_EQ(attached->policies, std::vector<std::string>{"Creators"});
  EXPECT_EQ(attached->version, 2);
  EXPECT_TRUE(Create(caller, "t1", "newuser1").ok());
  // Detached from the group, the right is gone.
  attach.policies = std::vector<std::string>{};
  ASSERT_TRUE(setup_->UpdateEntry(attach).ok());
  ExpectDenied(Create(caller, "t1", "newuser2"), "iam:CreateUser");
}

TEST_F(TenantPolicyTest, APolicyEditedBetweenTwoCallsIsDecidedByItsNewVersion) {
  ASSERT_TRUE(NewPolicy("Rolling", Allow(R"("iam:GetUser")")).ok());
  const Principal caller = Make("t1", "roller01", {"Rolling"});
  const Principal admin = Make("t1", "admin01", {"AdministratorAccess"});
  EXPECT_TRUE(guarded_->GetUser(caller, "t1", admin.id).ok());
  ExpectDenied(Create(caller, "t1", "newuser1"), "iam:CreateUser");
  auto v2 = Edit("Rolling", Allow(R"("iam:CreateUser")"));
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version, 2);
  EXPECT_TRUE(Create(caller, "t1", "newuser1").ok());
  ExpectDenied(guarded_->GetUser(caller, "t1", admin.id).status(), "iam:GetUser");
  // A stale version is refused, not applied.
  EntryUpdate stale;
  stale.tenant = "t1";
  stale.id_or_name = "Rolling";
  stale.document = Allow(R"("*")");
  stale.expected_version = 1;
  EXPECT_EQ(ErrorReason(setup_->UpdateEntry(stale).status()), "policy.version_conflict");
  ExpectDenied(guarded_->GetUser(caller, "t1", admin.id).status(), "iam:GetUser");
}

TEST_F(TenantPolicyTest, MalformedDocumentsAreRefusedNamingTheField) {
  const struct {
    const char* document;
    const char* field;
  } cases[] = {
      {"not json", "document"},
      {R"({"Version":"1","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]})",
       "document.Statement[0].Effect"},
      {R"({"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]})",
       "document.Statement[0].Action"},
  };
  for (const auto& c : cases) {
    auto refused = NewPolicy("Broken", c.document);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.document;
    EXPECT_EQ(ErrorField(refused.status()), c.field) << refused.status();
  }
  ASSERT_TRUE(NewPolicy("Fine", Allow(R"("iam:GetUser")")).ok());
  auto edit = Edit("Fine", R"({"Statement":{}})");
  EXPECT_EQ(edit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(setup_->GetEntry({}, EntryKind::kPolicy, "t1", "Fine")->version, 1);  // unchanged
}

TEST_F(TenantPolicyTest, SystemPoliciesAreListedAndReadOnly) {
  ASSERT_TRUE(NewPolicy("Mine", Allow(R"("iam:GetUser")")).ok());
  auto all = setup_->ListEntries({}, EntryKind::kPolicy, "t1", "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);  // three of huawei's, then the tenant's
  EXPECT_TRUE((*all)[0].system);
  EXPECT_EQ((*all)[3].name, "Mine");
  EXPECT_FALSE((*all)[3].system);
  EXPECT_EQ(ErrorReason(NewPolicy("administratoraccess", Allow(R"("*")")).status()),
            "policy.duplicate");
  EXPECT_EQ(ErrorReason(Edit("AdministratorAccess", Allow(R"("*")")).status()), "policy.read_only");
  EXPECT_EQ(ErrorReason(setup_->DeleteEntry({}, EntryKind::kPolicy, "t1", "AdministratorAccess")),
            "policy.read_only");
  EXPECT_TRUE(setup_->GetEntry({}, EntryKind::kPolicy, "t1", "Security Administrator")->system);
  // A system policy's id ("1") is not its name: a tenant policy may be called so.
  EXPECT_TRUE(NewPolicy("1", Allow(R"("iam:GetUser")")).ok());
}

TEST_F(TenantPolicyTest, AnAttachedPolicyIsNotDeleted) {
  ASSERT_TRUE(NewPolicy("Kept", Allow(R"("iam:GetUser")")).ok());
  const Principal user = Make("t1", "holder01", {"Kept"});
  EXPECT_EQ(ErrorReason(setup_->DeleteEntry({}, EntryKind::kPolicy, "t1", "kept")),
            "policy.in_use");
  UpdateUserRequest detach;
  detach.tenant = "t1";
  detach.user = user.id;
  detach.policies = std::vector<std::string>{};
  ASSERT_TRUE(setup_->UpdateUser(detach).ok());
  DirectoryEntry g;
  g.tenant = "t1";
  g.name = "ops";
  g.policies = {"Kept"};
  ASSERT_TRUE(setup_->CreateEntry({}, g).ok());
  EXPECT_EQ(ErrorReason(setup_->DeleteEntry({}, EntryKind::kPolicy, "t1", "kept")),
            "policy.in_use");
  ASSERT_TRUE(setup_->DeleteEntry({}, EntryKind::kGroup, "t1", "ops").ok());
  EXPECT_TRUE(setup_->DeleteEntry({}, EntryKind::kPolicy, "t1", "kept").ok());
  EXPECT_EQ(setup_->GetEntry({}, EntryKind::kPolicy, "t1", "Kept").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TenantPolicyTest, AnotherTenantsPoliciesAreOutOfReach) {
  ASSERT_TRUE(NewPolicy("T1Only", Allow(R"("*")")).ok());
  const Principal admin2 = Make("t2", "admin02", {"AdministratorAccess"});
  ExpectDenied(guarded_->GetEntry(admin2, EntryKind::kPolicy, "t1", "T1Only").status(),
               "iam:GetPolicy");
  EntryUpdate u;
  u.caller = admin2;
  u.tenant = "t1";
  u.id_or_name = "T1Only";
  u.document = Allow(R"("iam:GetUser")");
  ExpectDenied(guarded_->UpdateEntry(u).status(), "iam:UpdatePolicy");
  ExpectDenied(guarded_->DeleteEntry(admin2, EntryKind::kPolicy, "t1", "T1Only"),
               "iam:DeletePolicy");
  // In its own tenant the name means nothing.
  EXPECT_EQ(guarded_->GetEntry(admin2, EntryKind::kPolicy, "t2", "T1Only").status().code(),
            absl::StatusCode::kNotFound);
  CreateUserRequest r;
  r.caller = admin2;
  r.tenant = "t2";
  r.username = "borrower";
  r.policies = {"T1Only"};
  EXPECT_EQ(ErrorReason(guarded_->CreateUser(r).status()), "policy.not_found");
}

}  // namespace
}  // namespace iam
