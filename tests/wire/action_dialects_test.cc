// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The action APIs in process: Tencent CAM (TC3-HMAC-SHA256) and Alibaba
// IDaaS EIAM (ACS3-HMAC-SHA256 and RPC v1), signed as their SDKs sign. Seed
// 003's own CreateUser example as a golden test; every way a signature can be
// wrong refused with the dialect's code, and nothing changed.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/profile.h"
#include "iam/request_signature.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"
#include "wire/wire_answer.h"
#include "wire/wire_internal.h"

namespace iam {
namespace {

using nlohmann::json;
using Params = std::vector<std::pair<std::string, std::string>>;

// An engine under `profile` with an administrator holding an access key.
class ActionApiTest : public ::testing::Test {
 protected:
  // The engine and the wire service over it; `authorizer` null allows all.
  void Serve(const char* profile, Authorizer* authorizer, std::unique_ptr<Engine>* engine) {
    EngineOptions o;
    o.authorizer = authorizer != nullptr ? authorizer : iam::AllowAllAuthorizer();  // by name
    o.profile = FindProfile(profile);
    o.clock = &clock_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'a');
    wire_.reset();
    *engine = std::make_unique<Engine>(o, &store_);
    WireOptions w;
    w.clock = &clock_;
    wire_ = std::make_unique<WireService>(engine->get(), w);
  }
  void Start(const char* profile, const std::string& tenant) {
    tenant_ = tenant;
    Serve(profile, nullptr, &engine_);
    if (std::string(profile) == "alibaba") {
      DirectoryEntry ou;
      ou.kind = EntryKind::kOrganizationalUnit;
      ou.tenant = tenant;
      ou.name = "root";
      primary_ou_ = engine_->CreateEntry({}, ou)->id;
    }
    CreateUserRequest admin;
    admin.tenant = tenant;
    admin.username = "admin01";
    admin.primary_ou = primary_ou_;
    admin.access_key = true;
    auto created = engine_->CreateUser(admin);
    ASSERT_TRUE(created.ok()) << created.status();
    admin_id_ = created->user.id;
    ak_ = created->access_key->id;
    sk_ = created->access_key->secret.Reveal();
  }
  Answer Send(const WireRequest& r) { return AnswerOf(wire_->Handle(r)); }
  // The key of a new user who is then disabled: {id, secret}.
  std::pair<std::string, std::string> DisabledUsersKey() {
    CreateUserRequest r;
    r.tenant = tenant_;
    r.username = "disabled01";
    r.primary_ou = primary_ou_;
    r.access_key = true;
    r.email = "disabled01@example.com";
    r.email_verified = true;
    auto created = engine_->CreateUser(r);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return {};
    UpdateUserRequest off;
    off.tenant = tenant_;
    off.user = created->user.id;
    off.enabled = false;
    EXPECT_TRUE(engine_->UpdateUser(off).ok());
    return {created->access_key->id, created->access_key->secret.Reveal()};
  }
  size_t Users() {
    ListUsersRequest r;
    r.tenant = tenant_;
    return engine_->ListUsers(r)->users.size();
  }
  // An administrator (AdministratorAccess) of another tenant: {key id, secret}.
  std::pair<std::string, std::string> OtherTenantsAdministrator(const std::string& tenant) {
    std::string ou;
    if (!primary_ou_.empty()) {
      DirectoryEntry root;
      root.kind = EntryKind::kOrganizationalUnit;
      root.tenant = tenant;
      root.name = "root";
      ou = engine_->CreateEntry({}, root)->id;
    }
    CreateUserRequest r;
    r.tenant = tenant;
    r.username = "admin.b";
    r.primary_ou = ou;
    r.access_key = true;
    r.policies = {"AdministratorAccess"};
    auto created = engine_->CreateUser(r);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return {};
    return {created->access_key->id, created->access_key->secret.Reveal()};
  }
  // From here on the engine authorizes by policies, as `iamctl serve` does.
  void AuthorizeByPolicies(const char* profile) {
    UpdateUserRequest promote;
    promote.tenant = tenant_;
    promote.user = admin_id_;
    promote.policies = std::vector<std::string>{"AdministratorAccess"};
    ASSERT_TRUE(engine_->UpdateUser(promote).ok());
    authorizer_ = std::make_unique<PolicyAuthorizer>(&store_, *FindProfile(profile));
    Serve(profile, authorizer_.get(), &guarded_);
  }
  // Everything of this tenant a caller could change, as text.
  std::string Snapshot() {
    std::string out;
    ListUsersRequest r;
    r.tenant = tenant_;
    const absl::StatusOr<ListUsersResult> users = engine_->ListUsers(r);
    EXPECT_TRUE(users.ok());
    for (const User& u : users.ok() ? users->users : std::vector<User>{}) {
      absl::StrAppend(&out, u.username, " v", u.version, ";");
      const auto keys = engine_->ListAccessKeys({}, tenant_, u.id);
      for (const AccessKeyInfo& k : keys.ok() ? *keys : std::vector<AccessKeyInfo>{}) {
        absl::StrAppend(&out, k.id, k.enabled, ";");
      }
    }
    for (EntryKind kind : {EntryKind::kGroup, EntryKind::kOrganizationalUnit, EntryKind::kPolicy}) {
      const auto entries = engine_->ListEntries({}, kind, tenant_, "");
      for (const DirectoryEntry& e : entries.ok() ? *entries : std::vector<DirectoryEntry>{}) {
        absl::StrAppend(&out, e.name, " v", e.version, ";");
      }
    }
    return out;
  }
  // The provider codes the profile answers with 403 or 404.
  static std::set<std::string> DeniedOrNotFoundCodes(const char* profile) {
    std::set<std::string> codes;
    for (const ErrorMapping& m : FindProfile(profile)->errors) {
      if (m.http_status == 403 || m.http_status == 404) codes.insert(std::string(m.provider_code));
    }
    return codes;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  MemoryStore store_;
  std::unique_ptr<Engine> engine_;  // allows all: the test's own view
  std::unique_ptr<PolicyAuthorizer> authorizer_;
  std::unique_ptr<Engine> guarded_;  // AuthorizeByPolicies: what the wire serves
  std::unique_ptr<WireService> wire_;
  std::string tenant_, primary_ou_, admin_id_, ak_, sk_;
};

// --- Tencent CAM -------------------------------------------------------------

// An id as CAM sends it: a number.
json NumericIdOf(const std::string& id) { return json(std::stoull(id)); }

class TencentCamTest : public ActionApiTest {
 protected:
  void SetUp() override { Start("tencent", "100000000001"); }
  // POST / as tencentcloud-sdk-nodejs sends it, X-TC-Timestamp `skew` off.
  WireRequest Signed(const std::string& action, const json& body, const std::string& sk = "",
                     const std::string& ak = "", absl::Duration skew = absl::ZeroDuration()) {
    WireRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = body.dump();
    r.headers = {{"Host", "127.0.0.1:8080"},
                 {"X-TC-Action", action},
                 {"X-TC-Timestamp", absl::StrCat(absl::ToUnixSeconds(clock_.Now() + skew))},
                 {"X-TC-Version", "2019-01-16"},
                 {"Content-Type", "application/json"}};
    r.headers.push_back(
        {"Authorization", SignTc3Request(r, ak.empty() ? ak_ : ak, sk.empty() ? sk_ : sk)});
    return r;
  }
  json Call(const std::string& action, const json& body) {
    Answer a = Send(Signed(action, body));
    EXPECT_EQ(a.status, 200);
    EXPECT_TRUE(a.body["Response"]["RequestId"].is_string()) << a.text;
    return a.body["Response"];
  }
  static std::string Code(const json& response) {
    return response.value("Error", json::object()).value("Code", "");
  }
};

TEST_F(TencentCamTest, AddUserAnswersAsTheSdkExpectsAndTheKeySigns) {
  json r = Call("AddUser", {{"Name", "alice"},
                            {"Remark", "r"},
                            {"ConsoleLogin", 1},
                            {"UseApi", 1},
                            {"Password", "P@ssw0rd!23x"},
                            {"NeedResetPassword", 0},
                            {"PhoneNum", "13800000000"},
                            {"CountryCode", "86"},
                            {"Email", "a@example.com"}});
  ASSERT_FALSE(r.contains("Error")) << r;
  EXPECT_TRUE(r["Uin"].is_number_unsigned());
  EXPECT_EQ(r["Uin"], r["Uid"]);
  EXPECT_EQ(r["Name"], "alice");
  EXPECT_FALSE(r.contains("Password"));  // set by the administrator, never echoed
  ASSERT_TRUE(r["SecretId"].is_string());
  EXPECT_EQ(r["SecretId"].get<std::string>().substr(0, 4), "AKID");
  ASSERT_EQ(r["SecretKey"].get<std::string>().size(), 32u);
  // The new key signs a call of its own.
  Answer self = Send(Signed("GetUser", {{"Name", "alice"}}, r["SecretKey"], r["SecretId"]));
  EXPECT_EQ(self.body["Response"]["Email"], "a@example.com") << self.text;
  EXPECT_EQ(self.body["Response"]["ConsoleLogin"], 1);
  EXPECT_EQ(self.body["Response"]["Remark"], "r");
}

TEST_F(TencentCamTest, ConsoleLoginWithoutPasswordGeneratesOneReturnedOnce) {
  json r = Call("AddUser", {{"Name", "bob"}, {"ConsoleLogin", 1}});
  ASSERT_TRUE(r["Password"].is_string()) << r;
  EXPECT_EQ(r["Password"].get<std::string>().size(), 32u);
  EXPECT_FALSE(r.contains("SecretKey"));
  json again = Call("GetUser", {{"Name", "bob"}});
  EXPECT_FALSE(again.contains("Password"));
}

TEST_F(TencentCamTest, ErrorsAreHttp200WithCamCodesAndChangeNothing) {
  Call("AddUser", {{"Name", "alice"}, {"ConsoleLogin", 0}, {"Email", "a@example.com"}});
  const size_t before = Users();
  EXPECT_EQ(Code(Call("AddUser", {{"Name", "ALICE"}, {"Email", "b@example.com"}})),
            "InvalidParameter.SubUserNameInUse");
  EXPECT_EQ(Code(Call("AddUser", {{"Name", "bad name!"}, {"Email", "b@example.com"}})),
            "InvalidParameter.UserNameIllegal");
  json weak = Call("AddUser", {{"Name", "carol"}, {"ConsoleLogin", 1}, {"Password", "short"}});
  EXPECT_EQ(Code(weak), "InvalidParameter.PasswordViolatedRules");
  EXPECT_EQ(weak.dump().find("short"), std::string::npos);  // never the rejected value
  json unknown = Call("AddUser", {{"Name", "dave"}, {"Nickname", "x"}});
  EXPECT_EQ(Code(unknown), "UnknownParameter");
  EXPECT_NE(unknown["Error"]["Message"].get<std::string>().find("Nickname"), std::string::npos);
  EXPECT_EQ(Code(Call("AddUser", {{"Name", 5}})), "InvalidParameter.ParamError");
  EXPECT_EQ(Code(Call("AddUser", {{"Remark", "x"}})), "MissingParameter");
  EXPECT_EQ(Code(Call("GetUser", {{"Name", "nobody"}})), "ResourceNotFound.UserNotExist");
  EXPECT_EQ(Code(Call("NoSuchAction", json::object())), "InvalidAction");
  EXPECT_EQ(Users(), before);
}

TEST_F(TencentCamTest, EveryWrongSignatureIsRefusedWithItsCode) {
  const size_t before = Users();
  const json body = {{"Name", "eve"}, {"Email", "e@example.com"}};
  const auto code = [&](const WireRequest& r) {
    Answer a = Send(r);
    EXPECT_EQ(a.status, 200);
    return Code(a.body["Response"]);
  };
  EXPECT_EQ(code(Signed("AddUser", body, "WrongSecret0123456789abcdefghijk")),
            "AuthFailure.SignatureFailure");
  EXPECT_EQ(code(Signed("AddUser", body, "", "AKIDunknown000000000000000000000000")),
            "AuthFailure.SecretIdNotFound");
  EXPECT_EQ(code(Signed("AddUser", body, "", "", absl::Minutes(-6))),
            "AuthFailure.SignatureExpire");
  WireRequest changed = Signed("AddUser", body);
  changed.body = json{{"Name", "mallory"}, {"Email", "e@example.com"}}.dump();
  EXPECT_EQ(code(changed), "AuthFailure.SignatureFailure");
  WireRequest unsigned_request = Signed("AddUser", body);
  unsigned_request.headers.pop_back();
  EXPECT_EQ(code(unsigned_request), "AuthFailure.SignatureFailure");
  // A client that signs x-tc-action too (as Tencent's own examples do) cannot
  // have its request replayed as another action.
  WireRequest get = Signed("GetUser", {{"Name", "admin01"}});
  get.headers.pop_back();
  const std::string ts = get.headers[2].second;
  const std::string date = Tc3Date(clock_.Now());
  const std::string canonical = *Tc3CanonicalRequest(get, {"content-type", "host", "x-tc-action"});
  get.headers.push_back(
      {"Authorization",
       absl::StrCat("TC3-HMAC-SHA256 Credential=", ak_, "/", date,
                    "/127/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=",
                    Tc3Signature(sk_, ts, date, "127", canonical))});
  EXPECT_EQ(Code(Send(get).body["Response"]), "");
  EXPECT_EQ(Code(Send(get).body["Response"]), "");  // the same call again passes
  WireRequest as_delete = get;
  as_delete.headers[1].second = "DeleteUser";
  EXPECT_EQ(code(as_delete), "AuthFailure.SignatureFailure");
  // A disabled user's key and a disabled key are unknown.
  const auto [user_ak, user_sk] = DisabledUsersKey();
  EXPECT_EQ(code(Signed("AddUser", body, user_sk, user_ak)), "AuthFailure.SecretIdNotFound");
  ASSERT_TRUE(engine_->SetAccessKeyEnabled({}, tenant_, ak_, false).ok());
  EXPECT_EQ(code(Signed("AddUser", body)), "AuthFailure.SecretIdNotFound");
  EXPECT_EQ(Users(), before + 1);  // the disabled user only
}

TEST_F(TencentCamTest, UsersKeysAndGroupsThroughTheirActions) {
  Call("AddUser", {{"Name", "frank"}, {"UseApi", 1}});
  json list = Call("ListUsers", json::object());
  ASSERT_EQ(list["Data"].size(), 2u) << list;
  EXPECT_EQ(Code(Call("UpdateUser", {{"Name", "frank"}, {"Remark", "ops"}})), "");
  EXPECT_EQ(Call("GetUser", {{"Name", "frank"}})["Remark"], "ops");
  const json uin = Call("GetUser", {{"Name", "frank"}})["Uin"];

  json key = Call("CreateAccessKey", {{"TargetUin", uin}, {"Description", "ci"}});
  ASSERT_EQ(key["AccessKey"]["SecretAccessKey"].get<std::string>().size(), 32u) << key;
  EXPECT_EQ(key["AccessKey"]["Status"], "Active");
  json keys = Call("ListAccessKeys", {{"TargetUin", uin}});
  ASSERT_EQ(keys["AccessKeys"].size(), 2u);
  EXPECT_FALSE(keys["AccessKeys"][0].contains("SecretAccessKey"));
  EXPECT_EQ(Code(Call("CreateAccessKey", {{"TargetUin", uin}})),
            "OperationDenied.AccessKeyOverLimit");
  EXPECT_EQ(Code(Call("DeleteAccessKey",
                      {{"AccessKeyId", key["AccessKey"]["AccessKeyId"]}, {"TargetUin", uin}})),
            "");
  EXPECT_EQ(Call("ListAccessKeys", {{"TargetUin", uin}})["AccessKeys"].size(), 1u);

  json group = Call("CreateGroup", {{"GroupName", "ops"}, {"Remark", "on call"}});
  ASSERT_TRUE(group["GroupId"].is_number_unsigned()) << group;
  EXPECT_EQ(Code(Call("CreateGroup", {{"GroupName", "ops"}})), "InvalidParameter.GroupNameInUse");
  EXPECT_EQ(
      Code(Call("AddUserToGroup", {{"Info", {{{"GroupId", group["GroupId"]}, {"Uin", uin}}}}})),
      "");
  EXPECT_EQ(Code(Call("AddUserToGroup", {{"Info", {{{"GroupId", 999}, {"Uin", uin}}}}})),
            "InvalidParameter.GroupNotExist");
  json groups = Call("ListGroups", {{"Keyword", "op"}});
  EXPECT_EQ(groups["TotalNum"], 1);
  EXPECT_EQ(groups["GroupInfo"][0]["GroupName"], "ops");
  EXPECT_EQ(engine_->GetUser({}, tenant_, "frank")->groups.size(), 1u);

  // A user with keys is deleted only with Force 1.
  EXPECT_EQ(Code(Call("DeleteUser", {{"Name", "frank"}})), "OperationDenied.HaveKeys");
  EXPECT_EQ(Code(Call("DeleteUser", {{"Name", "frank"}, {"Force", 1}})), "");
  EXPECT_EQ(Code(Call("GetUser", {{"Name", "frank"}})), "ResourceNotFound.UserNotExist");
}

TEST_F(TencentCamTest, PoliciesThroughTheirActions) {
  const std::string doc =
      R"({"version":"2.0","statement":[{"effect":"allow","action":["cam:GetUser"],"resource":["*"]}]})";
  json created =
      Call("CreatePolicy",
           {{"PolicyName", "readers"}, {"PolicyDocument", doc}, {"Description", "read users"}});
  ASSERT_TRUE(created["PolicyId"].is_number_unsigned()) << created;
  const json id = created["PolicyId"];
  EXPECT_EQ(Code(Call("CreatePolicy", {{"PolicyName", "READERS"}, {"PolicyDocument", doc}})),
            "FailedOperation.PolicyNameInUse");
  json broken = Call("CreatePolicy", {{"PolicyName", "broken"},
                                      {"PolicyDocument", R"({"version":"2.0","statement":[{}]})"}});
  EXPECT_EQ(Code(broken), "InvalidParameter.PolicyDocumentError");
  EXPECT_NE(broken["Error"]["Message"].get<std::string>().find("statement[0]"), std::string::npos)
      << broken;

  json got = Call("GetPolicy", {{"PolicyId", id}});
  EXPECT_EQ(got["PolicyName"], "readers");
  EXPECT_EQ(got["Type"], 1);
  EXPECT_EQ(got["PolicyDocument"], doc);
  EXPECT_EQ(got["Description"], "read users");
  EXPECT_EQ(Call("GetPolicy", {{"PolicyId", 1}})["PolicyName"], "AdministratorAccess");
  EXPECT_EQ(Call("GetPolicy", {{"PolicyId", 1}})["Type"], 2);
  EXPECT_EQ(Code(Call("GetPolicy", {{"PolicyId", 99999}})), "ResourceNotFound.PolicyIdNotFound");

  json local = Call("ListPolicies", {{"Scope", "Local"}});
  EXPECT_EQ(local["TotalNum"], 1);
  EXPECT_EQ(local["List"][0]["PolicyId"], id);
  EXPECT_EQ(Call("ListPolicies", {{"Scope", "QCS"}})["TotalNum"], 3);
  EXPECT_EQ(Call("ListPolicies", json::object())["TotalNum"], 4);
  EXPECT_EQ(Code(Call("ListPolicies", {{"Scope", "Mine"}})), "InvalidParameter.ParamError");

  EXPECT_EQ(Code(Call("UpdatePolicy", {{"PolicyId", id}, {"Description", "v2"}})), "");
  json by_name = Call("UpdatePolicy", {{"PolicyName", "readers"}, {"PolicyDocument", doc}});
  EXPECT_EQ(by_name["PolicyId"], id);  // returned when the policy was named
  EXPECT_EQ(Code(Call("UpdatePolicy", {{"PolicyId", 1}, {"Description", "mine now"}})),
            "InvalidParameter.PolicyIdError");
  EXPECT_EQ(engine_->GetEntry({}, EntryKind::kPolicy, tenant_, "readers")->version, 3);

  // Attached to a sub-user and a group; in use until detached from both.
  json added = Call("AddUser", {{"Name", "frank"}, {"UseApi", 1}});
  ASSERT_EQ(Code(added), "") << added;
  const json uin = Call("GetUser", {{"Name", "frank"}})["Uin"];
  json attached = Call("AttachUserPolicy", {{"PolicyId", id}, {"AttachUin", uin}});
  EXPECT_EQ(Code(attached), "") << attached;
  EXPECT_EQ(Code(Call("AttachUserPolicy", {{"PolicyId", 5}, {"AttachUin", uin}})), "");
  EXPECT_EQ(engine_->GetUser({}, tenant_, "frank")->policies,
            (std::vector<std::string>{"readers", "ReadOnlyAccess"}));
  json group = Call("CreateGroup", {{"GroupName", "ops"}});
  EXPECT_EQ(
      Code(Call("AttachGroupPolicy", {{"PolicyId", id}, {"AttachGroupId", group["GroupId"]}})), "");
  EXPECT_EQ(engine_->GetEntry({}, EntryKind::kGroup, tenant_, "ops")->policies,
            std::vector<std::string>{"readers"});
  EXPECT_EQ(Code(Call("DeletePolicy", {{"PolicyId", {id}}})), "ResourceInUse");
  EXPECT_EQ(Code(Call("DetachUserPolicy", {{"PolicyId", id}, {"DetachUin", uin}})), "");
  EXPECT_EQ(
      Code(Call("DetachGroupPolicy", {{"PolicyId", id}, {"DetachGroupId", group["GroupId"]}})), "");
  EXPECT_EQ(engine_->GetUser({}, tenant_, "frank")->policies,
            std::vector<std::string>{"ReadOnlyAccess"});
  // One unknown id among several deletes nothing.
  EXPECT_EQ(Code(Call("DeletePolicy", {{"PolicyId", {id, 99999}}})),
            "ResourceNotFound.PolicyIdNotFound");
  EXPECT_EQ(Code(Call("GetPolicy", {{"PolicyId", id}})), "");
  EXPECT_EQ(Code(Call("DeletePolicy", {{"PolicyId", {id}}})), "");
  EXPECT_EQ(Code(Call("GetPolicy", {{"PolicyId", id}})), "ResourceNotFound.PolicyIdNotFound");
  EXPECT_EQ(Code(Call("DeletePolicy", {{"PolicyId", {"x"}}})), "InvalidParameter.ParamError");
}

// Tenant A (the fixture's) and B, each with an AdministratorAccess
// administrator: B's, signing with its own key, names A's users, keys, groups
// and policies in every action and gets a not-found or denied code for each;
// the actions that name nothing act in B only; A is unchanged.
TEST_F(TencentCamTest, AnotherTenantsAdministratorReachesNothingOfThisTenant) {
  const auto [ak_b, sk_b] = OtherTenantsAdministrator("100000000002");
  CreateUserRequest v;
  v.tenant = tenant_;
  v.username = "victim01";
  v.access_key = true;
  auto victim = engine_->CreateUser(v);
  ASSERT_TRUE(victim.ok()) << victim.status();
  DirectoryEntry g;
  g.tenant = tenant_;
  g.name = "a.ops";
  const json group = NumericIdOf(engine_->CreateEntry({}, g)->id);
  DirectoryEntry p;
  p.kind = EntryKind::kPolicy;
  p.tenant = tenant_;
  p.name = "APolicy";
  p.document = R"({"version":"2.0","statement":[{"effect":"allow","action":"*","resource":"*"}]})";
  const json policy = NumericIdOf(engine_->CreateEntry({}, p)->id);
  const json uin = NumericIdOf(victim->user.id);
  const std::string key = victim->access_key->id;
  AuthorizeByPolicies("tencent");
  const std::string before = Snapshot();

  // Every action: what it is sent, naming A's resources where it names any.
  const std::map<std::string, json> targeted = {
      {"GetUser", {{"Name", "victim01"}}},
      {"UpdateUser", {{"Name", "victim01"}, {"Remark", "mine"}}},
      {"DeleteUser", {{"Name", "victim01"}, {"Force", 1}}},
      {"CreateAccessKey", {{"TargetUin", uin}}},
      {"ListAccessKeys", {{"TargetUin", uin}}},
      {"DeleteAccessKey", {{"AccessKeyId", key}, {"TargetUin", uin}}},
      {"UpdateAccessKey", {{"AccessKeyId", key}, {"Status", "Inactive"}, {"TargetUin", uin}}},
      {"AddUserToGroup", {{"Info", {{{"GroupId", group}, {"Uin", uin}}}}}},
      {"GetPolicy", {{"PolicyId", policy}}},
      {"UpdatePolicy", {{"PolicyId", policy}, {"Description", "mine"}}},
      {"DeletePolicy", {{"PolicyId", {policy}}}},
      {"AttachUserPolicy", {{"PolicyId", 1}, {"AttachUin", uin}}},
      {"DetachUserPolicy", {{"PolicyId", 1}, {"DetachUin", uin}}},
      {"AttachGroupPolicy", {{"PolicyId", 1}, {"AttachGroupId", group}}},
      {"DetachGroupPolicy", {{"PolicyId", 1}, {"DetachGroupId", group}}},
  };
  // These name no resource: they act in the caller's tenant only.
  const std::map<std::string, json> own_tenant = {
      {"AddUser", {{"Name", "b.user0"}, {"UseApi", 1}}},
      {"BatchAddUsers", {{"Users", {{{"Name", "b.user1"}, {"UseApi", 1}}}}}},
      {"ListUsers", json::object()},
      {"CreateGroup", {{"GroupName", "a.ops"}}},
      {"ListGroups", json::object()},
      {"CreatePolicy", {{"PolicyName", "APolicy"}, {"PolicyDocument", p.document}}},
      {"ListPolicies", {{"Scope", "Local"}}},
  };
  const std::set<std::string> refused = DeniedOrNotFoundCodes("tencent");
  for (const wire::ActionRoute& route : wire::TencentCamActions()) {
    const std::string action(route.action);
    SCOPED_TRACE(action);
    const bool names_a = targeted.count(action) > 0;
    ASSERT_TRUE(names_a || own_tenant.count(action) > 0) << "an action without a row";
    Answer a =
        Send(Signed(action, names_a ? targeted.at(action) : own_tenant.at(action), sk_b, ak_b));
    const json& response = a.body["Response"];
    if (names_a) {
      EXPECT_EQ(refused.count(Code(response)), 1u) << a.text;
    } else {
      EXPECT_EQ(Code(response), "") << a.text;  // done, in B
    }
    EXPECT_EQ(a.text.find(key), std::string::npos) << a.text;
    EXPECT_EQ(a.text.find(victim->user.id), std::string::npos) << a.text;
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(TencentCamTest, BatchAddUsersIsAllOrNoneAndQuickCreateMakesAdministrators) {
  const size_t before = Users();
  json bad = Call(
      "BatchAddUsers",
      {{"Users",
        {{{"Name", "u1"}, {"ConsoleLogin", 1}}, {{"Name", "bad name"}, {"ConsoleLogin", 1}}}}});
  EXPECT_EQ(Code(bad), "InvalidParameter.UserNameIllegal");
  EXPECT_NE(bad["Error"]["Message"].get<std::string>().find("Users.2.Name"), std::string::npos)
      << bad;
  EXPECT_EQ(Users(), before);
  json ok = Call("BatchAddUsers", {{"QuickCreate", 1},
                                   {"Users",
                                    {{{"Name", "u1"}, {"ConsoleLogin", 1}},
                                     {{"Name", "u2"}, {"ConsoleLogin", 1}, {"UseApi", 1}}}}});
  ASSERT_EQ(ok["Users"].size(), 2u) << ok;
  EXPECT_EQ(ok["Users"][0]["Password"].get<std::string>().size(), 32u);
  EXPECT_EQ(ok["Users"][1]["SecretKey"].get<std::string>().size(), 32u);
  EXPECT_EQ(Users(), before + 2);
  const std::vector<std::string> policies = engine_->GetUser({}, tenant_, "u2")->policies;
  EXPECT_NE(std::find(policies.begin(), policies.end(), "AdministratorAccess"), policies.end());
  json eleven = json::array();
  for (int i = 0; i < 11; ++i)
    eleven.push_back({{"Name", absl::StrCat("b", i)}, {"ConsoleLogin", 1}});
  EXPECT_EQ(Code(Call("BatchAddUsers", {{"Users", eleven}})), "InvalidParameter.ParamError");
  EXPECT_EQ(Users(), before + 2);
}

// --- Alibaba IDaaS EIAM ------------------------------------------------------

constexpr char kInstance[] = "idaas_ue2jvisn35ea5lmthk267xxxxx";

std::string Enc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string Query(const Params& params) {
  std::vector<std::string> items;
  for (const auto& [k, v] : params) items.push_back(absl::StrCat(Enc(k), "=", Enc(v)));
  return absl::StrJoin(items, "&");
}

class AlibabaEiamTest : public ActionApiTest {
 protected:
  void SetUp() override {
    Start("alibaba", kInstance);
    DirectoryEntry field;
    field.kind = EntryKind::kCustomField;
    field.tenant = kInstance;
    field.name = "age";
    field.field_type = "number";
    ASSERT_TRUE(engine_->CreateEntry({}, field).ok());
  }
  // ACS3 as @alicloud/openapi-client 0.4.15 signs: every parameter in the query.
  WireRequest Acs3(const std::string& action, const Params& params, const std::string& sk = "",
                   const std::string& ak = "", absl::Duration skew = absl::ZeroDuration(),
                   const std::string& nonce = "") {
    WireRequest r;
    r.method = "POST";
    r.path = "/";
    r.query = Query(params);
    r.headers = {{"host", "127.0.0.1:8080"},
                 {"x-acs-version", "2021-12-01"},
                 {"x-acs-action", action},
                 {"x-acs-date",
                  absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", clock_.Now() + skew, absl::UTCTimeZone())},
                 {"x-acs-signature-nonce", nonce.empty() ? absl::StrCat("n", ++nonces_) : nonce},
                 {"x-acs-content-sha256", SdkPayloadHash("")}};
    r.headers.push_back(
        {"Authorization", SignAcs3Request(r, ak.empty() ? ak_ : ak, sk.empty() ? sk_ : sk)});
    return r;
  }
  // RPC v1 as @alicloud/pop-core 1.8.0 signs: GET with the signature last.
  WireRequest RpcV1(const std::string& action, Params params, const std::string& nonce = "") {
    params.insert(
        params.end(),
        {{"Action", action},
         {"Version", "2021-12-01"},
         {"Format", "JSON"},
         {"AccessKeyId", ak_},
         {"SignatureMethod", "HMAC-SHA1"},
         {"SignatureVersion", "1.0"},
         {"SignatureNonce", nonce.empty() ? absl::StrCat("r", ++nonces_) : nonce},
         {"Timestamp", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", clock_.Now(), absl::UTCTimeZone())}});
    std::sort(params.begin(), params.end());
    params.push_back({"Signature", RpcV1Signature(sk_, *RpcV1StringToSign("GET", params))});
    WireRequest r;
    r.method = "GET";
    r.path = "/";
    r.query = Query(params);
    r.headers = {{"Host", "127.0.0.1:8080"}, {"x-acs-action", action}};
    return r;
  }
  Params Seed003(const std::string& username) {
    // Seed 003's example, with an OU and a password this instance accepts
    // (the example's "123456" is below IDaaS's default policy).
    return {{"InstanceId", kInstance},
            {"Username", username},
            {"DisplayName", "name_001"},
            {"Password", "Pa55word!x7"},
            {"PhoneRegion", "86"},
            {"PhoneNumber", "12345678901"},
            {"PhoneNumberVerified", "true"},
            {"Email", absl::StrCat(username, "@example.com")},
            {"EmailVerified", "true"},
            {"UserExternalId", "user_d6sbsuumeta4h66ec3il7yxxxx"},
            {"PrimaryOrganizationalUnitId", primary_ou_},
            {"OrganizationalUnitIds.1", second_ou_},
            {"Description", "description text"},
            {"CustomFields.1.FieldName", "age"},
            {"CustomFields.1.FieldValue", "10"},
            {"PasswordInitializationConfig.PasswordInitializationPolicyPriority", "global"},
            {"PasswordInitializationConfig.PasswordForcedUpdateStatus", "enabled"},
            {"PasswordInitializationConfig.UserNotificationChannels.1", "sms"},
            {"PasswordInitializationConfig.PasswordInitializationType", "random"},
            {"ClientToken", "client-token-example"}};
  }
  void MakeSecondOu() {
    DirectoryEntry ou;
    ou.kind = EntryKind::kOrganizationalUnit;
    ou.tenant = kInstance;
    ou.name = "sales";
    second_ou_ = engine_->CreateEntry({}, ou)->id;
  }
  int nonces_ = 0;
  std::string second_ou_;
};

TEST_F(AlibabaEiamTest, Seed003CreateUserGoldenAndGetUserReadsItBack) {
  MakeSecondOu();
  Answer a = Send(Acs3("CreateUser", Seed003("user_001")));
  ASSERT_EQ(a.status, 200) << a.text;
  ASSERT_EQ(a.body.size(), 2u) << a.text;  // {"RequestId", "UserId"}, as seed 003
  const std::string id = a.body["UserId"];
  EXPECT_EQ(id.substr(0, 5), "user_");
  EXPECT_TRUE(a.body["RequestId"].is_string());
  Answer got = Send(Acs3("GetUser", {{"InstanceId", kInstance}, {"UserId", id}}));
  ASSERT_EQ(got.status, 200) << got.text;
  const json& u = got.body["User"];
  EXPECT_EQ(u["Username"], "user_001");
  EXPECT_EQ(u["DisplayName"], "name_001");
  EXPECT_EQ(u["PhoneNumber"], "12345678901");
  EXPECT_EQ(u["PhoneNumberVerified"], true);
  EXPECT_EQ(u["UserExternalId"], "user_d6sbsuumeta4h66ec3il7yxxxx");
  EXPECT_EQ(u["Status"], "enabled");
  EXPECT_EQ(u["PrimaryOrganizationalUnitId"], primary_ou_);
  ASSERT_EQ(u["OrganizationalUnits"].size(), 2u);
  EXPECT_EQ(u["OrganizationalUnits"][1]["OrganizationalUnitName"], "sales");
  EXPECT_EQ(u["CustomFields"][0], (json{{"FieldName", "age"}, {"FieldValue", "10"}}));
  EXPECT_EQ(got.text.find("Pa55word"), std::string::npos);
  // The client token replays the first answer; nothing new is created.
  const size_t before = Users();
  Answer again = Send(Acs3("CreateUser", Seed003("user_001")));
  EXPECT_EQ(again.body["UserId"], id) << again.text;
  EXPECT_EQ(Users(), before);
}

TEST_F(AlibabaEiamTest, ErrorsCarryEiamCodesAndStatusesAndChangeNothing) {
  MakeSecondOu();
  ASSERT_EQ(Send(Acs3("CreateUser", Seed003("user_001"))).status, 200);
  const size_t before = Users();
  Params dup = Seed003("USER_001");
  dup.back().second = "another-token";
  dup[7].second = "other@example.com";
  Answer a = Send(Acs3("CreateUser", dup));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["Code"], "ResourceDuplicated.Username") << a.text;
  EXPECT_TRUE(a.body["RequestId"].is_string());
  EXPECT_EQ(a.text.find("Pa55word"), std::string::npos);
  Answer other = Send(Acs3("GetUser", {{"InstanceId", "idaas_other"}, {"UserId", admin_id_}}));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body["Code"], "ResourceNotFound.Instance");
  Answer missing = Send(Acs3("CreateUser", {{"InstanceId", kInstance}, {"Username", "x"}}));
  EXPECT_EQ(missing.body["Code"], "MissingParameter");
  EXPECT_NE(missing.body["Message"].get<std::string>().find("PrimaryOrganizationalUnitId"),
            std::string::npos);
  Params bad_index = Seed003("user_002");
  bad_index[11].first = "OrganizationalUnitIds.0";
  Answer index = Send(Acs3("CreateUser", bad_index));
  EXPECT_EQ(index.status, 400);
  EXPECT_NE(index.body["Message"].get<std::string>().find("OrganizationalUnitIds.0"),
            std::string::npos);
  Answer gone = Send(Acs3("GetUser", {{"InstanceId", kInstance}, {"UserId", "user_nobody"}}));
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body["Code"], "EntityNotExist.User");
  EXPECT_EQ(Send(Acs3("NoSuchAction", {{"InstanceId", kInstance}})).body["Code"],
            "InvalidAction.NotFound");
  EXPECT_EQ(Users(), before);
}

TEST_F(AlibabaEiamTest, EveryWrongSignatureIsRefusedWithItsCode) {
  MakeSecondOu();
  const size_t before = Users();
  const auto code = [&](const WireRequest& r) {
    Answer a = Send(r);
    EXPECT_GE(a.status, 400) << a.text;
    return a.body.value("Code", "");
  };
  EXPECT_EQ(code(Acs3("CreateUser", Seed003("u1"), "WrongSecret0123456789abcdefghi")),
            "SignatureDoesNotMatch");
  EXPECT_EQ(code(Acs3("CreateUser", Seed003("u1"), "", "LTAIunknown0000000000000")),
            "InvalidAccessKeyId.NotFound");
  EXPECT_EQ(code(Acs3("CreateUser", Seed003("u1"), "", "", absl::Minutes(16))),
            "InvalidTimeStamp.Expired");
  WireRequest changed = Acs3("CreateUser", Seed003("u1"));
  changed.query = Query(Seed003("u2"));
  EXPECT_EQ(code(changed), "SignatureDoesNotMatch");
  WireRequest unsigned_nonce = Acs3("GetUser", {{"InstanceId", kInstance}, {"UserId", admin_id_}});
  std::string& auth = unsigned_nonce.headers.back().second;
  auth = absl::StrReplaceAll(auth, {{"x-acs-signature-nonce;", ""}});
  EXPECT_EQ(code(unsigned_nonce), "IncompleteSignature");
  // A nonce is good once, under ACS3 and RPC v1 alike.
  WireRequest get = Acs3("GetUser", {{"InstanceId", kInstance}, {"UserId", admin_id_}}, "", "",
                         absl::ZeroDuration(), "fixed-nonce");
  EXPECT_EQ(Send(get).status, 200);
  EXPECT_EQ(code(get), "SignatureNonceUsed");
  WireRequest rpc = RpcV1("CreateUser", Seed003("rpc_user"), "rpc-nonce");
  Answer created = Send(rpc);
  ASSERT_EQ(created.status, 200) << created.text;
  EXPECT_EQ(code(rpc), "SignatureNonceUsed");
  WireRequest tampered = RpcV1("GetUser", {{"InstanceId", kInstance}, {"UserId", admin_id_}});
  tampered.query =
      absl::StrReplaceAll(tampered.query, {{admin_id_, created.body["UserId"].get<std::string>()}});
  EXPECT_EQ(code(tampered), "SignatureDoesNotMatch");
  const auto [user_ak, user_sk] = DisabledUsersKey();
  EXPECT_EQ(code(Acs3("CreateUser", Seed003("u4"), user_sk, user_ak)),
            "InvalidAccessKeyId.NotFound");
  ASSERT_TRUE(engine_->SetAccessKeyEnabled({}, tenant_, ak_, false).ok());
  EXPECT_EQ(code(Acs3("CreateUser", Seed003("u3"))), "InvalidAccessKeyId.NotFound");
  EXPECT_EQ(Users(), before + 2);  // the RPC user and the disabled one
}

// Another instance's administrator (AdministratorAccess), signing with its
// own key, gets 403 or 404 from every action: naming this instance, or its
// own instance with this one's user and group ids. This instance is unchanged.
TEST_F(AlibabaEiamTest, AnotherInstancesAdministratorGets403Or404FromEveryAction) {
  const std::string other = "idaas_otherinstance0000000000";
  const auto [ak_b, sk_b] = OtherTenantsAdministrator(other);
  CreateUserRequest v;
  v.tenant = kInstance;
  v.username = "victim01";
  v.primary_ou = primary_ou_;
  v.email = "victim01@example.com";
  v.email_verified = true;
  auto victim = engine_->CreateUser(v);
  ASSERT_TRUE(victim.ok()) << victim.status();
  DirectoryEntry g;
  g.tenant = kInstance;
  g.name = "a.ops";
  const std::string group = engine_->CreateEntry({}, g)->id;
  const std::string user = victim->user.id;
  AuthorizeByPolicies("alibaba");
  const std::string before = Snapshot();

  // Each action's parameters; "{instance}" is filled with the instance tried.
  const std::map<std::string, Params> actions = {
      {"CreateUser", {{"Username", "intruder01"}, {"PrimaryOrganizationalUnitId", primary_ou_}}},
      {"GetUser", {{"UserId", user}}},
      {"ListUsers", {}},
      {"UpdateUser", {{"UserId", user}, {"DisplayName", "mine"}}},
      {"DeleteUser", {{"UserId", user}}},
      {"EnableUser", {{"UserId", user}}},
      {"DisableUser", {{"UserId", user}}},
      {"CreateOrganizationalUnit", {{"OrganizationalUnitName", "mine"}, {"ParentId", kInstance}}},
      {"ListOrganizationalUnits", {}},
      {"CreateGroup", {{"GroupName", "mine"}}},
      {"AddUsersToGroup", {{"GroupId", group}, {"UserIds.1", user}}},
  };
  // Names this instance's resources, so its own instance is tried as well.
  const std::set<std::string> names_resources = {"GetUser",    "UpdateUser",  "DeleteUser",
                                                 "EnableUser", "DisableUser", "AddUsersToGroup"};
  int tried = 0;
  for (const wire::ActionRoute& route : wire::AlibabaEiamActions()) {
    const std::string action(route.action);
    SCOPED_TRACE(action);
    ASSERT_EQ(actions.count(action), 1u) << "an action without a row";
    for (const std::string& instance : {std::string(kInstance), other}) {
      if (instance == other && names_resources.count(action) == 0) continue;
      Params params = {{"InstanceId", instance}};
      params.insert(params.end(), actions.at(action).begin(), actions.at(action).end());
      Answer a = Send(Acs3(action, params, sk_b, ak_b));
      ++tried;
      EXPECT_TRUE(a.status == 403 || a.status == 404)
          << instance << ": " << a.status << " " << a.text;
      EXPECT_EQ(a.text.find("victim01"), std::string::npos) << a.text;
    }
  }
  EXPECT_EQ(tried, 11 + 6);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(AlibabaEiamTest, UsersOusAndGroupsThroughTheirActions) {
  const auto ok = [&](const std::string& action, const Params& p) {
    Answer a = Send(Acs3(action, p));
    EXPECT_EQ(a.status, 200) << action << ": " << a.text;
    EXPECT_FALSE(a.body.contains("Code")) << a.text;  // pop-core would throw
    return a.body;
  };
  json ou =
      ok("CreateOrganizationalUnit",
         {{"InstanceId", kInstance}, {"OrganizationalUnitName", "sales"}, {"ParentId", kInstance}});
  second_ou_ = ou["OrganizationalUnitId"];
  EXPECT_EQ(second_ou_.substr(0, 3), "ou_");
  EXPECT_EQ(ok("ListOrganizationalUnits", {{"InstanceId", kInstance}})["TotalCount"], 2);
  const std::string id = ok("CreateUser", Seed003("user_001"))["UserId"];
  json group = ok("CreateGroup", {{"InstanceId", kInstance}, {"GroupName", "ops"}});
  const std::string gid = group["GroupId"];
  EXPECT_EQ(gid.substr(0, 6), "group_");
  ok("AddUsersToGroup", {{"InstanceId", kInstance}, {"GroupId", gid}, {"UserIds.1", id}});
  json u = ok("GetUser", {{"InstanceId", kInstance}, {"UserId", id}})["User"];
  EXPECT_EQ(u["Groups"][0]["GroupName"], "ops");
  ok("UpdateUser", {{"InstanceId", kInstance},
                    {"UserId", id},
                    {"DisplayName", "Renamed"},
                    {"CustomFields.1.FieldName", "age"},
                    {"CustomFields.1.Operation", "remove"}});
  u = ok("GetUser", {{"InstanceId", kInstance}, {"UserId", id}})["User"];
  EXPECT_EQ(u["DisplayName"], "Renamed");
  EXPECT_TRUE(u["CustomFields"].empty());
  ok("DisableUser", {{"InstanceId", kInstance}, {"UserId", id}});
  json list = ok("ListUsers", {{"InstanceId", kInstance}, {"Status", "disabled"}});
  ASSERT_EQ(list["TotalCount"], 1);
  EXPECT_EQ(list["Users"][0]["UserId"], id);
  ok("EnableUser", {{"InstanceId", kInstance}, {"UserId", id}});
  EXPECT_EQ(
      ok("ListUsers", {{"InstanceId", kInstance}, {"PageSize", "1"}, {"PageNumber", "2"}})["Users"]
          .size(),
      1u);
  ok("DeleteUser", {{"InstanceId", kInstance}, {"UserId", id}});
  EXPECT_EQ(Send(Acs3("GetUser", {{"InstanceId", kInstance}, {"UserId", id}})).status, 404);
}

}  // namespace
}  // namespace iam
