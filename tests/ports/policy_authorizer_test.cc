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
  // An attached name the catalog does not know grants nothing.
  const Principal odd = Make("t1", "odd01", {"NoSuchPolicy"});
  ExpectDenied(Create(odd, "t1", "newuser2"), "iam:CreateUser");
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
  const Principal huawei = Make("100000000001", "secadmin", {"Security Administrator"});
  ExpectDenied(Create(huawei, "100000000001", "carol"), "iam:CreateUser");
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

}  // namespace
}  // namespace iam
