// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Permission policies, table-driven: wildcards in actions and resources, each
// dialect's action names, Deny over Allow, default deny, conditions, malformed
// documents refused with the field named, and each profile's catalog.
#include "iam/policy.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "iam/error.h"

namespace iam {
namespace {

std::shared_ptr<const CompiledPolicy> Compile(const std::string& document,
                                              const char* profile = "huawei") {
  auto compiled = CompilePolicy(document, *FindProfile(profile));
  EXPECT_TRUE(compiled.ok()) << compiled.status() << "\n" << document;
  return compiled.ok() ? *compiled : nullptr;
}

std::string Allow(const std::string& actions, const std::string& resources,
                  const std::string& condition = "") {
  return absl::StrCat(R"({"Version":"1","Statement":[{"Effect":"Allow","Action":)", actions,
                      R"(,"Resource":)", resources,
                      condition.empty() ? "" : absl::StrCat(R"(,"Condition":)", condition), "}]}");
}

Decision Decide(const std::vector<std::shared_ptr<const CompiledPolicy>>& policies,
                absl::string_view action, absl::string_view resource,
                const RequestContext* context = nullptr) {
  std::vector<const CompiledPolicy*> raw;
  for (const auto& p : policies) raw.push_back(p.get());
  return Evaluate(raw, {action, resource, context});
}

constexpr char kAlice[] = "iam::t1:user:alice";

struct MatchCase {
  const char* profile;
  std::string actions;    // JSON
  std::string resources;  // JSON
  const char* action;     // engine action asked about
  const char* resource;
  bool allowed;
};

class PolicyMatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(PolicyMatchTest, AllowsExactlyWhatItNames) {
  const MatchCase& c = GetParam();
  auto policy = Compile(Allow(c.actions, c.resources), c.profile);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(Decide({policy}, c.action, c.resource),
            c.allowed ? Decision::kAllow : Decision::kImplicitDeny)
      << c.actions << " " << c.resources << " ? " << c.action << " " << c.resource;
}

INSTANTIATE_TEST_SUITE_P(
    Wildcards, PolicyMatchTest,
    ::testing::Values(
        MatchCase{"huawei", R"("iam:GetUser")", R"("*")", "iam:GetUser", kAlice, true},
        MatchCase{"huawei", R"("iam:GetUser")", R"("*")", "iam:CreateUser", kAlice, false},
        MatchCase{"huawei", R"("iam:Get*")", R"("*")", "iam:GetUser", kAlice, true},
        MatchCase{"huawei", R"("iam:List*")", R"("*")", "iam:GetUser", kAlice, false},
        MatchCase{"huawei", R"("iam:?etUser")", R"("*")", "iam:GetUser", kAlice, true},
        MatchCase{"huawei", R"("iam:?User")", R"("*")", "iam:GetUser", kAlice, false},
        MatchCase{"huawei", R"("*")", R"("*")", "iam:DeleteAccessKey", kAlice, true},
        MatchCase{"huawei", R"("IAM:getuser")", R"("*")", "iam:GetUser", kAlice, true},
        MatchCase{"huawei", R"(["ecs:*","iam:DeleteUser"])", R"("*")", "iam:DeleteUser", kAlice,
                  true},
        MatchCase{"huawei", R"("ecs:*")", R"("*")", "iam:GetUser", kAlice, false},
        MatchCase{"huawei", R"("iam:users:createUser")", R"("*")", "iam:CreateUser", kAlice, true},
        MatchCase{"huawei", R"("iam:credentials:*")", R"("*")", "iam:DeleteAccessKey", kAlice,
                  true},
        MatchCase{"huawei", R"("iam:credentials:*")", R"("*")", "iam:DeleteUser", kAlice, false},
        MatchCase{"tencent", R"("cam:AddUser")", R"("*")", "iam:CreateUser", kAlice, true},
        MatchCase{"tencent", R"("cam:*")", R"("*")", "iam:DeleteAccessKey", kAlice, true},
        MatchCase{"tencent", R"("cam:*")", R"("*")", "iam:CreateCustomField", kAlice, false},
        MatchCase{"tencent", R"("cam:AddUserToGroup")", R"("*")", "iam:UpdateUser", kAlice, true},
        MatchCase{"tencent", R"("eiam:CreateUser")", R"("*")", "iam:CreateUser", kAlice, false},
        MatchCase{"alibaba", R"("eiam:CreateUser")", R"("*")", "iam:CreateUser", kAlice, true},
        MatchCase{"alibaba", R"("eiam:*User")", R"("*")", "iam:UpdateUser", kAlice, true},
        MatchCase{"alibaba", R"("eiam:List*")", R"("*")", "iam:ListOrganizationalUnit", kAlice,
                  true},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::t1:user:alice")", "iam:GetUser", kAlice,
                  true},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::t1:user:alicex")", "iam:GetUser", kAlice,
                  false},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::t1:user:al*")", "iam:GetUser", kAlice,
                  true},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::t1:user:b*")", "iam:GetUser", kAlice,
                  false},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::t1:user:al?ce")", "iam:GetUser", kAlice,
                  true},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::*:user:*e")", "iam:GetUser", kAlice, true},
        MatchCase{"huawei", R"("iam:GetUser")", R"("iam::t2:user:*")", "iam:GetUser", kAlice,
                  false},
        MatchCase{"huawei", R"("iam:GetUser")", R"(["iam::t2:*","iam::t1:*"])", "iam:GetUser",
                  kAlice, true},
        MatchCase{"huawei", R"("*")", R"("*")", "iam:NoSuchAction", kAlice, false}));

TEST(PolicyTest, ExplicitDenyWinsOverAllowInAnyPolicy) {
  auto admin = Compile(Allow(R"("*")", R"("*")"));
  auto deny = Compile(R"({"Version":"1","Statement":[
      {"Effect":"Deny","Action":"iam:*","Resource":"iam::t1:user:*"}]})");
  EXPECT_EQ(Decide({admin}, "iam:DeleteUser", kAlice), Decision::kAllow);
  EXPECT_EQ(Decide({admin, deny}, "iam:DeleteUser", kAlice), Decision::kExplicitDeny);
  EXPECT_EQ(Decide({deny, admin}, "iam:DeleteUser", kAlice), Decision::kExplicitDeny);
  // The Deny is on users only: a group is still allowed.
  EXPECT_EQ(Decide({admin, deny}, "iam:CreateGroup", "iam::t1:group:*"), Decision::kAllow);
  // Within one policy too, whatever the statement order.
  auto mixed = Compile(R"({"Version":"1","Statement":[
      {"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]})");
  EXPECT_EQ(Decide({mixed}, "iam:DeleteUser", kAlice), Decision::kExplicitDeny);
  EXPECT_EQ(Decide({mixed}, "iam:GetUser", kAlice), Decision::kAllow);
}

TEST(PolicyTest, NothingAttachedIsDenied) {
  EXPECT_EQ(Decide({}, "iam:GetUser", kAlice), Decision::kImplicitDeny);
  EXPECT_EQ(Evaluate({nullptr}, {"iam:GetUser", kAlice, nullptr}), Decision::kImplicitDeny);
}

TEST(PolicyTest, ConditionsOnSourceAddressMfaAndAuthMethod) {
  auto office = Compile(Allow(R"("*")", R"("*")",
                              R"({"IpAddress":{"acs:SourceIp":["10.0.0.0/8","2001:db8::/32"]}})"));
  auto outside = Compile(R"({"Version":"1","Statement":[{"Effect":"Deny","Action":"*",
      "Resource":"*","Condition":{"NotIpAddress":{"acs:SourceIp":"192.168.1.7"}}}]})");
  auto mfa = Compile(Allow(R"("*")", R"("*")", R"({"Bool":{"acs:MFAPresent":"true"}})"));
  auto keys =
      Compile(Allow(R"("*")", R"("*")", R"({"StringEquals":{"iam:AuthMethod":"access_key"}})"));
  auto tencent = Compile(R"({"version":"2.0","statement":[{"effect":"allow","action":"cam:*",
      "resource":"*","condition":{"ip_equal":{"qcs:ip":"172.16.0.0/12"}}}]})",
                         "tencent");
  auto both = Compile(Allow(R"("*")", R"("*")",
                            R"({"IpAddress":{"acs:SourceIp":"10.0.0.0/8"},
                                "Bool":{"acs:MFAPresent":true}})"));
  const auto at = [](const char* ip, const char* method = "token", bool with_mfa = false) {
    RequestContext c;
    c.source_ip = ip;
    c.auth_method = method;
    c.mfa = with_mfa;
    return c;
  };
  const RequestContext in = at("10.1.2.3"), out = at("11.0.0.1"), v6 = at("2001:db8::5"),
                       v6_out = at("2001:db9::5"), unknown = at(""), mapped = at("::ffff:10.9.9.9"),
                       home = at("192.168.1.7"), with_mfa = at("11.0.0.1", "token", true),
                       key = at("11.0.0.1", "access_key"), t = at("172.20.0.1"),
                       in_mfa = at("10.0.0.1", "token", true);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, &in), Decision::kAllow);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, &out), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, &v6), Decision::kAllow);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, &v6_out), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, &mapped), Decision::kAllow);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, &unknown), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({office}, "iam:GetUser", kAlice, nullptr), Decision::kImplicitDeny);
  // An unknown address is outside every range: NotIpAddress holds.
  EXPECT_EQ(Decide({office, outside}, "iam:GetUser", kAlice, &in), Decision::kExplicitDeny);
  EXPECT_EQ(Decide({office, outside}, "iam:GetUser", kAlice, nullptr), Decision::kExplicitDeny);
  EXPECT_EQ(Decide({outside}, "iam:GetUser", kAlice, &home), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({mfa}, "iam:GetUser", kAlice, &out), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({mfa}, "iam:GetUser", kAlice, &with_mfa), Decision::kAllow);
  EXPECT_EQ(Decide({keys}, "iam:GetUser", kAlice, &out), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({keys}, "iam:GetUser", kAlice, &key), Decision::kAllow);
  EXPECT_EQ(Decide({tencent}, "iam:CreateUser", kAlice, &t), Decision::kAllow);
  EXPECT_EQ(Decide({tencent}, "iam:CreateUser", kAlice, &in), Decision::kImplicitDeny);
  // Every condition of a statement must hold.
  EXPECT_EQ(Decide({both}, "iam:GetUser", kAlice, &in), Decision::kImplicitDeny);
  EXPECT_EQ(Decide({both}, "iam:GetUser", kAlice, &in_mfa), Decision::kAllow);
}

struct BadCase {
  std::string document;
  const char* field;
};

class MalformedPolicyTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedPolicyTest, IsRefusedNamingTheField) {
  auto compiled = CompilePolicy(GetParam().document, *FindProfile("alibaba"));
  ASSERT_FALSE(compiled.ok()) << GetParam().document;
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(compiled.status()), GetParam().field) << compiled.status();
  EXPECT_EQ(ErrorReason(compiled.status()), "policy.document_invalid");
}

std::string Statement(const std::string& body) {
  return absl::StrCat(R"({"Version":"1","Statement":[)", body, "]}");
}
// One statement allowing everything under `condition`.
std::string AllowAllIf(const std::string& condition) {
  return Statement(absl::StrCat(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":)",
                                condition, "}"));
}
std::string ManyStatements(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&s, i ? "," : "", R"({"Effect":"Allow","Action":"*","Resource":"*"})");
  }
  return Statement(s);
}

INSTANTIATE_TEST_SUITE_P(
    Documents, MalformedPolicyTest,
    ::testing::Values(
        BadCase{"{", "document"}, BadCase{"[]", "document"},
        BadCase{R"({"Statement":[]})", "Version"},
        BadCase{R"({"Version":"3","Statement":[]})", "Version"},
        BadCase{R"({"version":1,"statement":[]})", "version"},
        BadCase{R"({"Version":"1"})", "Statement"},
        BadCase{R"({"Version":"1","Statement":[]})", "Statement"},
        BadCase{R"({"Version":"1","Statement":[],"Id":"x"})", "Id"},
        BadCase{Statement("5"), "Statement[0]"},
        BadCase{Statement(R"({"Effect":"Permit","Action":"*","Resource":"*"})"),
                "Statement[0].Effect"},
        BadCase{Statement(R"({"Action":"*","Resource":"*"})"), "Statement[0].Effect"},
        BadCase{Statement(R"({"Effect":"Allow","Resource":"*"})"), "Statement[0].Action"},
        BadCase{Statement(R"({"Effect":"Allow","Action":"*"})"), "Statement[0].Resource"},
        BadCase{Statement(R"({"Effect":"Allow","Action":["*",5],"Resource":"*"})"),
                "Statement[0].Action[1]"},
        BadCase{Statement(R"({"Effect":"Allow","Action":"CreateUser","Resource":"*"})"),
                "Statement[0].Action"},
        BadCase{Statement(R"({"Effect":"Allow","Action":[],"Resource":"*"})"),
                "Statement[0].Action"},
        BadCase{Statement(R"({"Effect":"Allow","Action":"*","Resource":["*",""]})"),
                "Statement[0].Resource[1]"},
        BadCase{Statement(R"({"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"})"),
                "Statement[0].Principal"},
        BadCase{Statement(R"({"Effect":"Allow","Action":"*","Resource":"*"},
                             {"Effect":"Allow","Action":"*","Resource":"*","Condition":{}})"),
                "Statement[1].Condition"},
        BadCase{AllowAllIf(R"({"IpAdress":{"acs:SourceIp":"10.0.0.0/8"}})"),
                "Statement[0].Condition.IpAdress"},
        BadCase{AllowAllIf(R"({"IpAddress":{"acs:Source":"10.0.0.0/8"}})"),
                "Statement[0].Condition.IpAddress.acs:Source"},
        BadCase{AllowAllIf(R"({"IpAddress":{"acs:SourceIp":["10.0.0.0/8","10.0.0.0/33"]}})"),
                "Statement[0].Condition.IpAddress.acs:SourceIp[1]"},
        BadCase{AllowAllIf(R"({"IpAddress":{"acs:SourceIp":"example.com"}})"),
                "Statement[0].Condition.IpAddress.acs:SourceIp"},
        BadCase{AllowAllIf(R"({"Bool":{"acs:SourceIp":"true"}})"),
                "Statement[0].Condition.Bool.acs:SourceIp"},
        BadCase{AllowAllIf(R"({"Bool":{"acs:MFAPresent":"yes"}})"),
                "Statement[0].Condition.Bool.acs:MFAPresent"},
        BadCase{ManyStatements(101), "Statement"},
        BadCase{absl::StrCat(R"({"Version":"1","Statement":[{"Sid":")", std::string(7000, 'x'),
                             R"(","Effect":"Allow","Action":"*","Resource":"*"}]})"),
                "document"}));

TEST(PolicyTest, OneStatementObjectAndTencentLowerCaseGrammarCompile) {
  auto single = Compile(R"({"Version":"2012-10-17","Statement":
      {"Sid":"one","Effect":"Allow","Action":"iam:GetUser","Resource":"*"}})");
  EXPECT_EQ(Decide({single}, "iam:GetUser", kAlice), Decision::kAllow);
  EXPECT_NE(Compile(ManyStatements(100)), nullptr);
}

// Huawei's fine-grained grammar (Version 1.1) may leave Resource out: every
// resource. The other grammars require it (the BadCase above).
TEST(PolicyTest, HuaweiFineGrainedStatementsMayOmitResource) {
  auto fine = Compile(
      R"({"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:users:getUser"]}]})");
  ASSERT_NE(fine, nullptr);
  EXPECT_EQ(Decide({fine}, "iam:GetUser", kAlice), Decision::kAllow);
  EXPECT_EQ(Decide({fine}, "iam:DeleteUser", kAlice), Decision::kImplicitDeny);
}

TEST(PolicyCatalogTest, ResourcesInEachProfilesForm) {
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("alibaba"))
                .RenderResource("user", "idaas_x", "user_abc", "alice"),
            "acs:eiam::idaas_x:instance/idaas_x/user/user_abc");
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("alibaba")).RenderResource("user", "idaas_x", "", ""),
            "acs:eiam::idaas_x:instance/idaas_x/user/*");
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("tencent"))
                .RenderResource("user", "100000000001", "100000000777", "bob"),
            "qcs::cam::uin/100000000001:uin/100000000777");
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("huawei")).RenderResource("user", "d1", "u1", "bob"),
            "iam::d1:user:bob");
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("huawei")).RenderResource("group", "d1", "g1", "ops"),
            "iam::d1:group:ops");
  // Seed 003's resource pattern, region and account as wildcards, matches.
  auto seed003 = Compile(Allow(R"("eiam:CreateUser")", R"("acs:eiam:*:*:instance/idaas_x/user/*")"),
                         "alibaba");
  EXPECT_EQ(
      Decide({seed003}, "iam:CreateUser",
             PolicyCatalog::For(*FindProfile("alibaba")).RenderResource("user", "idaas_x", "", "")),
      Decision::kAllow);
  EXPECT_EQ(
      Decide({seed003}, "iam:CreateUser",
             PolicyCatalog::For(*FindProfile("alibaba")).RenderResource("user", "idaas_y", "", "")),
      Decision::kImplicitDeny);
}

struct SystemCase {
  const char* profile;
  const char* policy;
  const char* action;
  bool allowed;
};

class SystemPolicyTest : public ::testing::TestWithParam<SystemCase> {};

TEST_P(SystemPolicyTest, GrantsWhatItsNameSays) {
  const SystemCase& c = GetParam();
  const CompiledPolicy* p = PolicyCatalog::For(*FindProfile(c.profile)).SystemPolicy(c.policy);
  ASSERT_NE(p, nullptr) << c.profile << " " << c.policy;
  EXPECT_EQ(Evaluate({p}, {c.action, "anything", nullptr}),
            c.allowed ? Decision::kAllow : Decision::kImplicitDeny)
      << c.profile << " " << c.policy << " " << c.action;
}

INSTANTIATE_TEST_SUITE_P(
    Catalog, SystemPolicyTest,
    ::testing::Values(SystemCase{"huawei", "AdministratorAccess", "iam:DeleteUser", true},
                      SystemCase{"huawei", "Security Administrator", "iam:CreateUser", true},
                      SystemCase{"huawei", "IAM ReadOnlyAccess", "iam:GetUser", true},
                      SystemCase{"huawei", "IAM ReadOnlyAccess", "iam:ListAccessKeys", true},
                      SystemCase{"huawei", "IAM ReadOnlyAccess", "iam:CreateUser", false},
                      SystemCase{"tencent", "AdministratorAccess", "iam:CreateCustomField", true},
                      SystemCase{"tencent", "QcloudCamFullAccess", "iam:CreateUser", true},
                      SystemCase{"tencent", "QcloudCamFullAccess", "iam:AttachUserPolicy", true},
                      SystemCase{"tencent", "ReadOnlyAccess", "iam:ListUsers", true},
                      SystemCase{"tencent", "ReadOnlyAccess", "iam:DeleteUser", false},
                      SystemCase{"alibaba", "AliyunEIAMFullAccess", "iam:CreateUser", true},
                      SystemCase{"alibaba", "AliyunEIAMReadOnlyAccess", "iam:GetUser", true},
                      SystemCase{"alibaba", "AliyunEIAMReadOnlyAccess", "iam:UpdateUser", false},
                      SystemCase{"nist", "IAMReadOnlyAccess", "iam:CreateUser", false}));

TEST(PolicyCatalogTest, OtherProfilesPoliciesAreNotThere) {
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("huawei")).SystemPolicy("QcloudCamFullAccess"),
            nullptr);
  EXPECT_EQ(PolicyCatalog::For(*FindProfile("tencent")).SystemPolicy("AliyunEIAMFullAccess"),
            nullptr);
  EXPECT_GE(PolicyCatalog::For(*FindProfile("tencent")).system_policies().size(), 3u);
}

}  // namespace
}  // namespace iam
