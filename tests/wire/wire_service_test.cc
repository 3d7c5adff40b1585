// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The wire layer end to end in process: seed 004's own example as a golden
// test, one test per endpoint, every status a client can cause (each error
// changes nothing), Keystone tokens, and AK/SK signatures refused for every
// way they can be wrong.
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/request_signature.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"
#include "wire/wire_answer.h"
#include "wire/wire_internal.h"

namespace iam {
namespace {

using nlohmann::json;

constexpr char kTenant[] = "d78cbac186b744899480f25bd022f468";
constexpr char kUrl[] = "http://iam.test:8080";
constexpr char kAdminPassword[] = "Admin-Secret9";

class WireServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.clock = &clock_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'w');
    o.base_url = kUrl;
    engine_ = std::make_unique<Engine>(o, &store_);
    WireOptions w;
    w.public_url = kUrl;
    w.clock = &clock_;
    w.max_body = 4096;
    wire_ = std::make_unique<WireService>(engine_.get(), w);
    CreateUserRequest admin;
    admin.tenant = kTenant;
    admin.username = "admin01";
    admin.password_mode = PasswordMode::kManual;
    admin.password = Secret(std::string(kAdminPassword));
    admin.require_password_reset = false;
    admin.access_key = true;
    auto created = engine_->CreateUser(admin);
    ASSERT_TRUE(created.ok()) << created.status();
    admin_id_ = created->user.id;
    ak_ = created->access_key->id;
    sk_ = created->access_key->secret.Reveal();
    token_ = Token("admin01", kAdminPassword);
    ASSERT_FALSE(token_.empty());
  }

  Answer Send(WireRequest r) {
    WireResponse res = wire_->Handle(r);
    Answer a = AnswerOf(res);
    // Every answer carries a request id, the same one the host logs.
    const std::string* id = a.Header("X-Request-Id");
    EXPECT_NE(id, nullptr) << r.method << " " << r.path;
    if (id != nullptr) {
      EXPECT_EQ(*id, res.request_id);
      EXPECT_TRUE(RE2::FullMatch(
          *id, "[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"))
          << *id;
    }
    return a;
  }
  static WireRequest Req(const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& query = "") {
    WireRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    r.headers = {{"Host", "iam.test:8080"}};
    if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    return r;
  }
  Answer As(const std::string& token, const std::string& method, const std::string& path,
            const std::string& body = "", const std::string& query = "") {
    WireRequest r = Req(method, path, body, query);
    r.headers.push_back({"X-Auth-Token", token});
    return Send(r);
  }
  Answer Admin(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& query = "") {
    return As(token_, method, path, body, query);
  }
  // A request signed as the official SDK signs it, X-Sdk-Date `skew` off.
  WireRequest Signed(const std::string& method, const std::string& path,
                     const std::string& body = "", const std::string& ak = "",
                     const std::string& sk = "", absl::Duration skew = absl::ZeroDuration()) {
    WireRequest r = Req(method, path, body);
    r.headers.push_back({"X-Domain-Id", kTenant});
    r.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now() + skew)});
    r.headers.push_back(
        {"Authorization", SignSdkRequest(r, ak.empty() ? ak_ : ak, sk.empty() ? sk_ : sk)});
    return r;
  }
  std::string Token(const std::string& name, const std::string& password) {
    const json body = {
        {"auth",
         {{"identity",
           {{"methods", {"password"}},
            {"password",
             {{"user", {{"name", name}, {"password", password}, {"domain", {{"id", kTenant}}}}}}}}},
          {"scope", {{"domain", {{"id", kTenant}}}}}}}};
    Answer a = Send(Req("POST", "/v3/auth/tokens", body.dump()));
    const std::string* t = a.Header("X-Subject-Token");
    return a.status == 201 && t != nullptr ? *t : "";
  }
  size_t UserCount() {
    ListUsersRequest r;
    r.caller = Principal{admin_id_, kTenant};
    r.tenant = kTenant;
    auto page = engine_->ListUsers(r);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->users.size() : 0;
  }
  std::string CreateUser(const std::string& name, const std::string& extra = "") {
    Answer a = Admin("POST", "/v3/users", R"({"user": {"name": ")" + name + "\"" + extra + "}}");
    EXPECT_EQ(a.status, 201) << a.text;
    return a.body["user"].value("id", "");
  }
  void ExpectKeystoneError(const Answer& a, int status) {
    EXPECT_EQ(a.status, status) << a.text;
    ASSERT_TRUE(a.body.is_object()) << a.text;
    EXPECT_EQ(a.body["error"]["code"], status) << a.text;
    EXPECT_TRUE(a.body["error"]["message"].is_string());
    EXPECT_TRUE(a.body["error"]["title"].is_string());
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  MemoryStore store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WireService> wire_;
  std::string admin_id_, ak_, sk_, token_;
};

// --- Seed 004: POST /v3/users, its own example request and response shape.

TEST_F(WireServiceTest, Seed004ExampleRequestGetsTheDocumentedResponse) {
  const std::string request = absl::StrCat(R"({
    "user": {
        "name": "IAMUser",
        "domain_id": ")",
                                           kTenant, R"(",
        "enabled": true,
        "password": "IAMPassword@",
        "description": "IAMDescription",
        "default_project_id": "acf2ffabba974fae8f30378ffde2cfa6"
    }
  })");
  Answer a = Admin("POST", "/v3/users", request);
  ASSERT_EQ(a.status, 201) << a.text;
  const json& u = a.body["user"];
  for (const char* key : {"name", "links", "domain_id", "enabled", "id", "default_project_id",
                          "password_expires_at"}) {
    EXPECT_TRUE(u.contains(key)) << key;
  }
  EXPECT_EQ(u["name"], "IAMUser");
  EXPECT_EQ(u["domain_id"], kTenant);
  EXPECT_EQ(u["enabled"], true);
  EXPECT_TRUE(RE2::FullMatch(u["id"].get<std::string>(), "[0-9a-f]{32}"));
  EXPECT_EQ(u["links"]["self"], absl::StrCat(kUrl, "/v3/users/", u["id"].get<std::string>()));
  EXPECT_EQ(u["default_project_id"], "acf2ffabba974fae8f30378ffde2cfa6");
  EXPECT_TRUE(u["password_expires_at"].is_null());
  EXPECT_EQ(a.text.find("IAMPassword@"), std::string::npos) << "the password came back";
  EXPECT_EQ(*a.Header("Content-Type"), "application/json");
  // The new user logs in with the password it was given (no forced reset).
  EXPECT_FALSE(Token("IAMUser", "IAMPassword@").empty());
}

TEST_F(WireServiceTest, CreateWithoutDomainUsesTheCallersAndOmitsEmptyOptionals) {
  Answer a = Admin("POST", "/v3/users", R"({"user": {"name": "nopass01", "options": {}}})");
  ASSERT_EQ(a.status, 201) << a.text;
  EXPECT_EQ(a.body["user"]["domain_id"], kTenant);
  EXPECT_FALSE(a.body["user"].contains("default_project_id"));
}

// --- Every status a client can cause, in Keystone's shape, changing nothing.

TEST_F(WireServiceTest, BadBodiesAnswer400NamingTheFieldAndCreateNothing) {
  const size_t before = UserCount();
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", ""},
      {"[1, 2]", ""},
      {R"({"user": {"name": "alice.wong", "nickname": "x"}})", "user.nickname"},
      {R"({"user": {"name": "alice.wong", "enabled": "yes"}})", "user.enabled"},
      {R"({"user": {"name": 12345}})", "user.name"},
      {R"({"user": "alice"})", "user"},
      {R"({"person": {"name": "alice.wong"}})", "person"},
      {R"({"user": {"name": "1alice"}})", "user.name"},
      {R"({"user": {"name": "alice.wong", "password": "short"}})", "user.password"},
  };
  for (const auto& [body, field] : cases) {
    Answer a = Admin("POST", "/v3/users", body);
    ExpectKeystoneError(a, 400);
    if (!field.empty()) {
      EXPECT_TRUE(absl::StartsWith(a.body["error"]["message"].get<std::string>(), field + ":"))
          << body << " -> " << a.text;
    }
  }
  // An empty body is refused too, and a rejected value is never echoed.
  ExpectKeystoneError(Admin("POST", "/v3/users", ""), 400);
  Answer bad = Admin("POST", "/v3/users", R"({"user": {"name": "x!y"}})");
  EXPECT_EQ(bad.text.find("x!y"), std::string::npos) << bad.text;
  EXPECT_EQ(UserCount(), before);
}

TEST_F(WireServiceTest, WrongContentTypeIs400) {
  WireRequest r = Req("POST", "/v3/users", R"({"user": {"name": "alice.wong"}})");
  r.headers = {{"Content-Type", "text/plain"}, {"X-Auth-Token", token_}};
  ExpectKeystoneError(Send(r), 400);
}

TEST_F(WireServiceTest, MissingOrBogusCredentialsAre401) {
  const size_t before = UserCount();
  Answer none = Send(Req("POST", "/v3/users", R"({"user": {"name": "alice.wong"}})"));
  ExpectKeystoneError(none, 401);
  ASSERT_NE(none.Header("WWW-Authenticate"), nullptr);
  ExpectKeystoneError(As("bogus-token", "POST", "/v3/users", R"({"user": {"name": "alice.wong"}})"),
                      401);
  EXPECT_EQ(UserCount(), before);
}

TEST_F(WireServiceTest, AnotherDomainIs403) {
  const size_t before = UserCount();
  Answer a =
      Admin("POST", "/v3/users",
            R"({"user": {"name": "alice.wong", "domain_id": "ffffffffffffffffffffffffffffffff"}})");
  ExpectKeystoneError(a, 403);
  EXPECT_EQ(UserCount(), before);
}

TEST_F(WireServiceTest, UnknownUserAndNameInPathAre404UnknownRouteToo) {
  CreateUser("alice.wong");
  ExpectKeystoneError(Admin("GET", "/v3/users/0123456789abcdef0123456789abcdef"), 404);
  // Keystone looks users up by id only: a name in the path is not found,
  // which is how the OpenStack client falls back to ?name=.
  ExpectKeystoneError(Admin("GET", "/v3/users/alice.wong"), 404);
  ExpectKeystoneError(Admin("GET", "/v3/nothing"), 404);
}

TEST_F(WireServiceTest, WrongMethodIs405WithAllow) {
  Answer a = Admin("PUT", "/v3/users", R"({"user": {}})");
  ExpectKeystoneError(a, 405);
  ASSERT_NE(a.Header("Allow"), nullptr);
  EXPECT_EQ(*a.Header("Allow"), "POST, GET");
}

TEST_F(WireServiceTest, DuplicateNameIs409WithHuaweiCode1109) {
  CreateUser("alice.wong");
  const size_t before = UserCount();
  Answer a = Admin("POST", "/v3/users", R"({"user": {"name": "ALICE.wong"}})");
  ExpectKeystoneError(a, 409);
  EXPECT_EQ(a.body["error"]["error_code"], "1109");
  EXPECT_EQ(UserCount(), before);
}

TEST_F(WireServiceTest, BodyOverTheLimitIs413) {
  const size_t before = UserCount();
  const std::string big =
      R"({"user": {"name": "alice.wong", "description": ")" + std::string(5000, 'd') + "\"}}";
  ExpectKeystoneError(Admin("POST", "/v3/users", big), 413);
  EXPECT_EQ(UserCount(), before);
}

TEST_F(WireServiceTest, HostErrorsUseTheDialectOfThePath) {
  WireResponse v3 = wire_->HostError(413, "/v3/users");
  EXPECT_EQ(v3.status, 413);
  EXPECT_EQ(json::parse(v3.body.view())["error"]["code"], 413);
  WireResponse v30 = wire_->HostError(400, "/v3.0/OS-USER/users");
  EXPECT_TRUE(json::parse(v30.body.view()).contains("error_msg"));
  EXPECT_NE(FindHeader(v30.headers, "X-Request-Id"), nullptr);
}

// --- Users: show, list with filters, update, delete.

TEST_F(WireServiceTest, ShowListUpdateDelete) {
  const std::string id = CreateUser("alice.wong", R"(, "description": "first")");
  CreateUser("bob.smith", R"(, "enabled": false)");
  Answer shown = Admin("GET", "/v3/users/" + id);
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body["user"]["description"], "first");

  Answer by_name = Admin("GET", "/v3/users", "", "name=alice.wong");
  ASSERT_EQ(by_name.status, 200);
  ASSERT_EQ(by_name.body["users"].size(), 1u);
  EXPECT_EQ(by_name.body["users"][0]["id"], id);
  EXPECT_TRUE(by_name.body["links"].contains("self"));
  EXPECT_EQ(Admin("GET", "/v3/users", "", "name=nobody.here").body["users"].size(), 0u);
  EXPECT_EQ(Admin("GET", "/v3/users", "", "enabled=false").body["users"].size(), 1u);
  EXPECT_EQ(Admin("GET", "/v3/users", "", "enabled=true").body["users"].size(), 2u);  // + admin
  EXPECT_EQ(Admin("GET", "/v3/users", "", absl::StrCat("domain_id=", kTenant)).body["users"].size(),
            3u);
  EXPECT_EQ(Admin("GET", "/v3/users", "", "domain_id=other").body["users"].size(), 0u);
  ExpectKeystoneError(Admin("GET", "/v3/users", "", "enabled=maybe"), 400);

  Answer patched =
      Admin("PATCH", "/v3/users/" + id, R"({"user": {"enabled": false, "description": "second"}})");
  ASSERT_EQ(patched.status, 200) << patched.text;
  EXPECT_EQ(patched.body["user"]["enabled"], false);
  EXPECT_EQ(Admin("GET", "/v3/users/" + id).body["user"]["description"], "second");
  ExpectKeystoneError(Admin("PATCH", "/v3/users/" + id, R"({"user": {"name": "carol.b"}})"), 400);
  ExpectKeystoneError(Admin("PATCH", "/v3/users/" + id, R"({"user": {"colour": "red"}})"), 400);

  Answer deleted = Admin("DELETE", "/v3/users/" + id);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.text.empty());
  ExpectKeystoneError(Admin("GET", "/v3/users/" + id), 404);
  ExpectKeystoneError(Admin("DELETE", "/v3/users/" + id), 404);
}

TEST_F(WireServiceTest, HeadAnswersLikeGetWithoutABody) {
  const std::string id = CreateUser("alice.wong");
  Answer a = Admin("HEAD", "/v3/users/" + id);
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.text.empty());
}

// --- Groups and membership.

TEST_F(WireServiceTest, GroupsAndMembers) {
  const std::string user = CreateUser("alice.wong");
  Answer g = Admin(
      "POST", "/v3/groups",
      absl::StrCat(R"({"group": {"name": "developers", "description": "devs", "domain_id": ")",
                   kTenant, R"("}})"));
  ASSERT_EQ(g.status, 201) << g.text;
  const std::string group = g.body["group"]["id"];
  EXPECT_EQ(g.body["group"]["links"]["self"], absl::StrCat(kUrl, "/v3/groups/", group));
  ExpectKeystoneError(Admin("POST", "/v3/groups", R"({"group": {"name": "developers"}})"), 409);

  Answer list = Admin("GET", "/v3/groups");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["groups"].size(), 1u);
  EXPECT_EQ(list.body["groups"][0]["name"], "developers");

  const std::string member = "/v3/groups/" + group + "/users/" + user;
  ExpectKeystoneError(Admin("GET", member), 404);
  EXPECT_EQ(Admin("PUT", member).status, 204);
  EXPECT_EQ(Admin("PUT", member).status, 204);  // idempotent
  EXPECT_EQ(Admin("GET", member).status, 204);
  Answer members = Admin("GET", "/v3/groups/" + group + "/users");
  ASSERT_EQ(members.body["users"].size(), 1u);
  EXPECT_EQ(members.body["users"][0]["id"], user);
  EXPECT_EQ(Admin("DELETE", member).status, 204);
  ExpectKeystoneError(Admin("DELETE", member), 404);
  ExpectKeystoneError(Admin("PUT", "/v3/groups/0123456789abcdef/users/" + user), 404);
  EXPECT_EQ(Admin("DELETE", "/v3/groups/" + group).status, 204);
  EXPECT_EQ(Admin("GET", "/v3/groups").body["groups"].size(), 0u);
}

// --- Domains: the caller's own, by id or name.

TEST_F(WireServiceTest, DomainsAreTheCallersTenant) {
  EXPECT_EQ(Admin("GET", absl::StrCat("/v3/domains/", kTenant)).body["domain"]["id"], kTenant);
  ExpectKeystoneError(Admin("GET", "/v3/domains/default"), 404);
  EXPECT_EQ(Admin("GET", "/v3/domains", "", absl::StrCat("name=", kTenant)).body["domains"].size(),
            1u);
  EXPECT_EQ(Admin("GET", "/v3/domains", "", "name=Default").body["domains"].size(), 0u);
  EXPECT_EQ(Admin("GET", "/v3/auth/domains").body["domains"][0]["id"], kTenant);
}

// --- Discovery and tokens.

TEST_F(WireServiceTest, VersionDocumentsPointAtThisServer) {
  Answer v3 = Send(Req("GET", "/v3"));
  ASSERT_EQ(v3.status, 200);
  EXPECT_EQ(v3.body["version"]["id"], "v3.14");
  EXPECT_EQ(v3.body["version"]["links"][0]["href"], absl::StrCat(kUrl, "/v3/"));
  Answer root = Send(Req("GET", "/"));
  EXPECT_EQ(root.status, 300);
  EXPECT_EQ(*root.Header("Location"), absl::StrCat(kUrl, "/v3/"));
}

TEST_F(WireServiceTest, TokenIssueValidateRevoke) {
  Answer issued =
      Send(Req("POST", "/v3/auth/tokens",
               absl::StrCat(R"({"auth": {"identity": {"methods": ["password"],
      "password": {"user": {"name": "admin01", "password": ")",
                            kAdminPassword, R"(", "domain": {"name": ")", kTenant,
                            R"("}}}}, "scope": {"domain": {"name": ")", kTenant, R"("}}}})")));
  ASSERT_EQ(issued.status, 201) << issued.text;
  const std::string token = *issued.Header("X-Subject-Token");
  EXPECT_EQ(token.size(), 43u);
  const json& t = issued.body["token"];
  EXPECT_EQ(t["user"]["id"], admin_id_);
  EXPECT_EQ(t["user"]["name"], "admin01");
  EXPECT_EQ(t["domain"]["id"], kTenant);
  EXPECT_EQ(t["expires_at"], "2027-01-16T08:00:00.000000Z");  // 24 h after the fake now
  EXPECT_EQ(t["catalog"][0]["type"], "identity");
  EXPECT_EQ(t["catalog"][0]["endpoints"][0]["url"], absl::StrCat(kUrl, "/v3/"));
  EXPECT_EQ(issued.text.find(kAdminPassword), std::string::npos);
  EXPECT_EQ(issued.text.find(token), std::string::npos) << "the token is only in the header";

  WireRequest validate = Req("GET", "/v3/auth/tokens");
  validate.headers.push_back({"X-Auth-Token", token_});
  validate.headers.push_back({"X-Subject-Token", token});
  Answer ok = Send(validate);
  ASSERT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["token"]["user"]["id"], admin_id_);
  EXPECT_EQ(*ok.Header("X-Subject-Token"), token);

  WireRequest revoke = validate;
  revoke.method = "DELETE";
  EXPECT_EQ(Send(revoke).status, 204);
  ExpectKeystoneError(Send(validate), 404);
  ExpectKeystoneError(Send(revoke), 404);
  ExpectKeystoneError(As(token, "GET", "/v3/users"), 401);
}

TEST_F(WireServiceTest, TokenByUserIdNeedsTheDomainScope) {
  const json body = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password", {{"user", {{"id", admin_id_}, {"password", kAdminPassword}}}}}}},
        {"scope", {{"domain", {{"id", kTenant}}}}}}}};
  EXPECT_EQ(Send(Req("POST", "/v3/auth/tokens", body.dump())).status, 201);
  json unscoped = body;
  unscoped["auth"].erase("scope");
  ExpectKeystoneError(Send(Req("POST", "/v3/auth/tokens", unscoped.dump())), 401);
}

TEST_F(WireServiceTest, WrongPasswordUnknownUserAndProjectScopeAre401WithoutAToken) {
  const auto attempt = [&](const std::string& name, const std::string& password,
                           const json& scope) {
    json body = {
        {"auth",
         {{"identity",
           {{"methods", {"password"}},
            {"password",
             {{"user",
               {{"name", name}, {"password", password}, {"domain", {{"id", kTenant}}}}}}}}}}}};
    if (!scope.is_null()) body["auth"]["scope"] = scope;
    Answer a = Send(Req("POST", "/v3/auth/tokens", body.dump()));
    ExpectKeystoneError(a, 401);
    EXPECT_EQ(a.Header("X-Subject-Token"), nullptr);
    EXPECT_EQ(a.text.find(password), std::string::npos);
  };
  attempt("admin01", "Wrong-Secret9", nullptr);
  attempt("nobody.here", kAdminPassword, nullptr);
  attempt("admin01", kAdminPassword, {{"project", {{"id", "p1"}}}});
  ExpectKeystoneError(
      Send(Req("POST", "/v3/auth/tokens", R"({"auth": {"identity": {"methods": ["totp"]}}})")),
      401);
}

TEST_F(WireServiceTest, AResetRequiredPasswordGetsKeystonesPasswordExpiredRefusal) {
  CreateUserRequest r;
  r.tenant = kTenant;
  r.username = "newbie01";
  r.password_mode = PasswordMode::kManual;
  r.password = Secret(std::string("Summer-Breeze7"));
  r.require_password_reset = true;
  ASSERT_TRUE(engine_->CreateUser(r).ok());
  const json body = {{"auth",
                      {{"identity",
                        {{"methods", {"password"}},
                         {"password",
                          {{"user",
                            {{"name", "newbie01"},
                             {"password", "Summer-Breeze7"},
                             {"domain", {{"id", kTenant}}}}}}}}}}}};
  Answer a = Send(Req("POST", "/v3/auth/tokens", body.dump()));
  ExpectKeystoneError(a, 401);
  EXPECT_TRUE(absl::StrContains(a.body["error"]["message"].get<std::string>(),
                                "The password is expired and needs to be changed"));
  EXPECT_EQ(a.Header("X-Subject-Token"), nullptr);
}

TEST_F(WireServiceTest, TokensDieWithDisableDeleteAndPasswordChangeAndExpire) {
  Answer made = Admin("POST", "/v3/users",
                      R"({"user": {"name": "alice.wong", "password": "Summer-Breeze7"}})");
  const std::string id = made.body["user"]["id"];
  std::string t = Token("alice.wong", "Summer-Breeze7");
  EXPECT_EQ(As(t, "GET", "/v3/users/" + id).status, 200);
  ASSERT_EQ(Admin("PATCH", "/v3/users/" + id, R"({"user": {"enabled": false}})").status, 200);
  ExpectKeystoneError(As(t, "GET", "/v3/users/" + id), 401);
  ASSERT_EQ(Admin("PATCH", "/v3/users/" + id, R"({"user": {"enabled": true}})").status, 200);

  t = Token("alice.wong", "Summer-Breeze7");
  clock_.Advance(absl::Hours(1));  // past the minimum password age
  ASSERT_TRUE(
      engine_->ChangePassword(kTenant, "alice.wong", "Summer-Breeze7", "Autumn-Leaves8").ok());
  ExpectKeystoneError(As(t, "GET", "/v3/users/" + id), 401);

  t = Token("alice.wong", "Autumn-Leaves8");
  clock_.Advance(absl::Hours(24) + absl::Seconds(1));
  ExpectKeystoneError(As(t, "GET", "/v3/users/" + id), 401);

  t = Token("alice.wong", "Autumn-Leaves8");
  token_ = Token("admin01", kAdminPassword);  // the admin's expired as well
  ASSERT_EQ(Admin("DELETE", "/v3/users/" + id).status, 204);
  ExpectKeystoneError(As(t, "GET", "/v3/users"), 401);
}

// --- Huawei v3.0: extended users and permanent access keys.

TEST_F(WireServiceTest, HuaweiExtendedUserCreateShowUpdate) {
  Answer a = Admin("POST", "/v3.0/OS-USER/users", R"({"user": {"name": "bob.smith",
      "password": "Summer-Breeze7", "email": "bob@example.com", "areacode": "86",
      "phone": "13800000000", "pwd_status": true, "access_mode": "default",
      "xuser_id": "ext-1", "xuser_type": "TenantIdp", "description": "ops"}})");
  ASSERT_EQ(a.status, 201) << a.text;
  const json& u = a.body["user"];
  EXPECT_EQ(u["email"], "bob@example.com");
  EXPECT_EQ(u["areacode"], "86");
  EXPECT_EQ(u["phone"], "13800000000");
  EXPECT_EQ(u["pwd_status"], true);
  EXPECT_EQ(u["access_mode"], "default");
  EXPECT_EQ(u["xuser_id"], "ext-1");
  EXPECT_TRUE(u["create_time"].is_string());
  const std::string id = u["id"];
  EXPECT_EQ(Admin("GET", "/v3.0/OS-USER/users/" + id).body["user"]["email"], "bob@example.com");
  Answer put = Admin("PUT", "/v3.0/OS-USER/users/" + id,
                     R"({"user": {"enabled": false, "email": "robert@example.com"}})");
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body["user"]["enabled"], false);
  EXPECT_EQ(put.body["user"]["email"], "robert@example.com");
}

TEST_F(WireServiceTest, HuaweiErrorsUseErrorMsgAndErrorCode) {
  CreateUser("alice.wong");
  const size_t before = UserCount();
  const struct {
    std::string body;
    int status;
    std::string code;
  } cases[] = {
      {R"({"user": {"name": "alice.wong"}})", 409, "1109"},
      {R"({"user": {"name": "carol.b", "email": "not-an-email"}})", 400, "1102"},
      {R"({"user": {"name": "carol.b", "areacode": "86", "phone": "12"}})", 400, "1104"},
      {R"({"user": {"name": "carol.b", "password": "Summer-Breeze7", "access_mode": "programmatic"}})",
       400, "IAM.0007"},
      {R"({"user": {"name": "carol.b", "xuser_id": "x"}})", 400, "IAM.0007"},
      {R"({"user": {"name": "carol.b", "mood": "ok"}})", 400, "IAM.0007"},
      {"{", 400, "IAM.0007"},
  };
  for (const auto& c : cases) {
    Answer a = Admin("POST", "/v3.0/OS-USER/users", c.body);
    EXPECT_EQ(a.status, c.status) << c.body << " -> " << a.text;
    EXPECT_EQ(a.body.value("error_code", ""), c.code) << c.body << " -> " << a.text;
    EXPECT_TRUE(a.body["error_msg"].is_string()) << a.text;
    EXPECT_FALSE(a.body.contains("error")) << a.text;
  }
  EXPECT_EQ(UserCount(), before);
  Answer unauth = Send(Req("GET", "/v3.0/OS-USER/users/x"));
  EXPECT_EQ(unauth.status, 401);
  EXPECT_TRUE(unauth.body.contains("error_msg"));
}

TEST_F(WireServiceTest, PermanentAccessKeyIsShownOnceAndSignsRequests) {
  const std::string user = CreateUser("alice.wong");
  Answer made = Admin("POST", "/v3.0/OS-CREDENTIAL/credentials",
                      R"({"credential": {"user_id": ")" + user + R"(", "description": "ci"}})");
  ASSERT_EQ(made.status, 201) << made.text;
  const json& c = made.body["credential"];
  const std::string access = c["access"], secret = c["secret"];
  EXPECT_TRUE(RE2::FullMatch(access, "[0-9A-Z]{20}"));
  EXPECT_TRUE(RE2::FullMatch(secret, "[0-9A-Za-z]{40}"));
  EXPECT_EQ(c["status"], "active");
  EXPECT_EQ(c["user_id"], user);
  Answer list = Admin("GET", "/v3.0/OS-CREDENTIAL/credentials", "", "user_id=" + user);
  ASSERT_EQ(list.body["credentials"].size(), 1u);
  EXPECT_EQ(list.body["credentials"][0]["access"], access);
  EXPECT_EQ(list.text.find(secret), std::string::npos) << "the secret is shown once";

  EXPECT_EQ(Send(Signed("GET", "/v3/users/" + user, "", access, secret)).status, 200);
  Answer off = Admin("PUT", "/v3.0/OS-CREDENTIAL/credentials/" + access,
                     R"({"credential": {"status": "inactive"}})");
  EXPECT_EQ(off.status, 200) << off.text;
  EXPECT_EQ(Send(Signed("GET", "/v3/users/" + user, "", access, secret)).status, 401);
  EXPECT_EQ(Admin("DELETE", "/v3.0/OS-CREDENTIAL/credentials/" + access).status, 204);
  EXPECT_EQ(Admin("DELETE", "/v3.0/OS-CREDENTIAL/credentials/" + access).status, 404);
  EXPECT_EQ(Admin("GET", "/v3.0/OS-CREDENTIAL/credentials", "", "user_id=" + user)
                .body["credentials"]
                .size(),
            0u);
}

// --- SDK-HMAC-SHA256: accepted when right, 401 for every way it is wrong.

TEST_F(WireServiceTest, SignedRequestsActAsTheKeysUser) {
  Answer a = Send(Signed("POST", "/v3/users", R"({"user": {"name": "signed01"}})"));
  ASSERT_EQ(a.status, 201) << a.text;
  // A GET with the SDK's "{}" body (its internal calls send one) verifies too.
  EXPECT_EQ(Send(Signed("GET", "/v3/auth/domains", "{}")).status, 200);
  // X-Sdk-Date within the skew either way is fine.
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", "", "", absl::Minutes(14))).status, 200);
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", "", "", -absl::Minutes(14))).status, 200);
}

// AWS's "last used": when and from where, kept fresh to the minute, and an
// iam:UseAccessKey event each time it moves; a refused signature moves nothing.
TEST_F(WireServiceTest, AVerifiedSignatureRecordsTheKeysLastUse) {
  auto last_use = [&] {
    auto keys = engine_->ListAccessKeys({}, kTenant, admin_id_);
    EXPECT_TRUE(keys.ok() && keys->size() == 1);
    return std::make_pair((*keys)[0].last_used_at, (*keys)[0].last_used_from);
  };
  auto uses = [&] {
    AuditQuery q;
    q.tenant = kTenant;
    q.action = "iam:UseAccessKey";
    return engine_->ListAuditEvents({}, q)->events;
  };
  EXPECT_EQ(last_use().first, absl::InfinitePast());
  WireRequest r = Signed("GET", "/v3/users");
  r.peer = "198.51.100.7:50123";
  r.headers.push_back({"User-Agent", "huaweicloud-usdk-go/3.0"});
  ASSERT_EQ(Send(r).status, 200);
  EXPECT_EQ(last_use(), std::make_pair(clock_.Now(), std::string("198.51.100.7")));
  ASSERT_EQ(uses().size(), 1u);
  EXPECT_EQ(uses()[0].target, ak_);
  EXPECT_EQ(uses()[0].actor, admin_id_);
  EXPECT_EQ(uses()[0].user_agent, "huaweicloud-usdk-go/3.0");
  clock_.Advance(absl::Seconds(30));
  r = Signed("GET", "/v3/users");
  r.peer = "198.51.100.7:50124";
  ASSERT_EQ(Send(r).status, 200);
  EXPECT_EQ(uses().size(), 1u);  // within the minute, from the same address: no write
  clock_.Advance(absl::Seconds(31));
  WireRequest refused = Signed("GET", "/v3/users", "", "", std::string(40, 'x'));
  refused.peer = "203.0.113.66:1";
  ASSERT_EQ(Send(refused).status, 401);
  EXPECT_EQ(last_use().second, "198.51.100.7");
  r = Signed("GET", "/v3/users");
  r.peer = "203.0.113.5:1";
  ASSERT_EQ(Send(r).status, 200);
  EXPECT_EQ(last_use(), std::make_pair(clock_.Now(), std::string("203.0.113.5")));
  EXPECT_EQ(uses().size(), 2u);
  // Huawei's ShowPermanentAccessKey shows it as last_use_time.
  const Answer shown = Send(Signed("GET", "/v3.0/OS-CREDENTIAL/credentials/" + ak_));
  ASSERT_EQ(shown.status, 200) << shown.text;
  EXPECT_EQ(nlohmann::json::parse(shown.text)["credential"]["last_use_time"],
            "2027-01-15T08:01:01.000000Z")
      << shown.text;
  EXPECT_EQ(Send(Signed("GET", "/v3.0/OS-CREDENTIAL/credentials/AKNOTAKEY")).status, 404);
}

TEST_F(WireServiceTest, BadSignaturesAre401AndChangeNothing) {
  const std::string body = R"({"user": {"name": "signed01"}})";
  const size_t before = UserCount();
  const auto refused = [&](WireRequest r, const char* what) {
    Answer a = Send(std::move(r));
    EXPECT_EQ(a.status, 401) << what << ": " << a.text;
    EXPECT_EQ(a.body["error"]["code"], 401) << what;
  };
  refused(Signed("POST", "/v3/users", body, "", std::string(40, 'x')), "wrong secret");
  refused(Signed("POST", "/v3/users", body, "", "", -absl::Minutes(16)), "stale date");
  refused(Signed("POST", "/v3/users", body, "", "", absl::Minutes(16)), "future date");
  WireRequest changed_body = Signed("POST", "/v3/users", body);
  changed_body.body = R"({"user": {"name": "signed02"}})";
  refused(changed_body, "changed body");
  WireRequest changed_header = Signed("POST", "/v3/users", body);
  for (auto& [name, value] : changed_header.headers) {
    if (name == "Host") value = "evil.test:8080";
  }
  refused(changed_header, "changed signed header");
  WireRequest changed_path = Signed("POST", "/v3/users", body);
  changed_path.query = "x=1";
  refused(changed_path, "changed query");
  refused(Signed("POST", "/v3/users", body, "AAAAAAAAAAAAAAAAAAAA", sk_), "unknown access key");
  WireRequest unsigned_host = Signed("POST", "/v3/users", body);
  for (auto& [name, value] : unsigned_host.headers) {
    if (name == "Authorization") {
      value =
          absl::StrCat("SDK-HMAC-SHA256 Access=", ak_,
                       ", SignedHeaders=content-type;x-sdk-date, Signature=", std::string(64, '0'));
    }
  }
  refused(unsigned_host, "host not signed");
  EXPECT_EQ(UserCount(), before);
}

TEST_F(WireServiceTest, DisabledKeyAndKeyOfADisabledUserAre401) {
  const std::string user = CreateUser("alice.wong");
  auto key = engine_->CreateAccessKey({}, kTenant, user);
  ASSERT_TRUE(key.ok());
  const std::string secret = key->secret.Reveal();
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", key->id, secret)).status, 200);
  ASSERT_EQ(Admin("PATCH", "/v3/users/" + user, R"({"user": {"enabled": false}})").status, 200);
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", key->id, secret)).status, 401);
  ASSERT_EQ(Admin("PATCH", "/v3/users/" + user, R"({"user": {"enabled": true}})").status, 200);
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", key->id, secret)).status, 200);
  ASSERT_TRUE(engine_->SetAccessKeyEnabled({}, kTenant, key->id, false).ok());
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", key->id, secret)).status, 401);
}

TEST_F(WireServiceTest, XDomainIdOfAnotherDomainIs403) {
  WireRequest r = Req("GET", "/v3/users");
  r.headers.push_back({"X-Domain-Id", "ffffffffffffffffffffffffffffffff"});
  r.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now())});
  r.headers.push_back({"Authorization", SignSdkRequest(r, ak_, sk_)});
  EXPECT_EQ(Send(r).status, 403);
}

}  // namespace
}  // namespace iam

namespace iam {
namespace {

// --- Hostile input: each answered, none crashes or half-writes.

TEST_F(WireServiceTest, DeeplyNestedBodiesAre400NotACrash) {
  const std::string deep = std::string(1500, '[') + std::string(1500, ']');
  const std::string token_body = R"({"auth": {"identity": {"methods": )" + deep + "}}}";
  ExpectKeystoneError(Send(Req("POST", "/v3/auth/tokens", token_body)), 400);
  ExpectKeystoneError(Admin("POST", "/v3/users", R"({"user": {"name": )" + deep + "}}"), 400);
  // 32 levels are fine (and still refused for their shape, not their depth).
  const std::string ok = std::string(30, '[') + std::string(30, ']');
  Answer a = Admin("POST", "/v3/users", R"({"user": {"name": )" + ok + "}}");
  ExpectKeystoneError(a, 400);
  EXPECT_TRUE(absl::StrContains(a.text, "user.name")) << a.text;
}

TEST_F(WireServiceTest, InvalidUtf8AnywhereIsAnsweredNotThrown) {
  EXPECT_EQ(Admin("GET", "/v3/users/\xff\xfe").status, 404);
  EXPECT_EQ(Admin("GET", "/v3/users", "", "name=\xff").status, 200);
  Answer bad_json = Admin("POST", "/v3/users", "{\"user\": {\"name\": \"a\xff\xfe\"}}");
  EXPECT_EQ(bad_json.status, 400);
  WireRequest r = Signed("GET", "/v3/users");
  for (auto& [name, value] : r.headers) {
    if (name == "Authorization") value += "\xff";
  }
  EXPECT_EQ(Send(r).status, 401);
}

TEST_F(WireServiceTest, AClientGivenPayloadHashMustBeTheBodys) {
  const size_t before = UserCount();
  const std::string body = R"({"user": {"name": "signed01"}})";
  // The SDK's UNSIGNED-PAYLOAD (never sent for JSON) would let any body pass.
  WireRequest unsigned_payload = Req("POST", "/v3/users", body);
  unsigned_payload.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now())});
  unsigned_payload.headers.push_back({"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"});
  unsigned_payload.headers.push_back({"Authorization", SignSdkRequest(unsigned_payload, ak_, sk_)});
  EXPECT_EQ(Send(unsigned_payload).status, 401);
  // A captured request replayed with another body and the old body's hash.
  WireRequest replay = Signed("POST", "/v3/users", body);
  replay.headers.push_back({"X-Sdk-Content-Sha256", SdkPayloadHash(body)});
  replay.body = R"({"user": {"name": "intruder01"}})";
  EXPECT_EQ(Send(replay).status, 401);
  EXPECT_EQ(UserCount(), before);
  // The right hash, given, is fine.
  WireRequest honest = Req("POST", "/v3/users", body);
  honest.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now())});
  honest.headers.push_back({"X-Sdk-Content-Sha256", SdkPayloadHash(body)});
  honest.headers.push_back({"Authorization", SignSdkRequest(honest, ak_, sk_)});
  EXPECT_EQ(Send(honest).status, 201);
}

TEST_F(WireServiceTest, AKeysDescriptionIsCheckedAndKept) {
  const std::string user = CreateUser("alice.wong");
  const size_t keys_before = engine_->ListAccessKeys({}, kTenant, user)->size();
  Answer control = Admin(
      "POST", "/v3.0/OS-CREDENTIAL/credentials",
      R"({"credential": {"user_id": ")" + user + R"(", "description": "\u0001secret\u0001"}})");
  EXPECT_EQ(control.status, 400);
  EXPECT_EQ(control.body["error_code"], "1117");
  EXPECT_TRUE(
      absl::StartsWith(control.body["error_msg"].get<std::string>(), "credential.description:"))
      << control.text;
  EXPECT_EQ(engine_->ListAccessKeys({}, kTenant, user)->size(), keys_before);
  Answer made = Admin("POST", "/v3.0/OS-CREDENTIAL/credentials",
                      R"({"credential": {"user_id": ")" + user + R"(", "description": "ci key"}})");
  ASSERT_EQ(made.status, 201) << made.text;
  EXPECT_TRUE(
      RE2::FullMatch(made.body["credential"]["secret"].get<std::string>(), "[0-9A-Za-z]{40}"));
  Answer list = Admin("GET", "/v3.0/OS-CREDENTIAL/credentials", "", "user_id=" + user);
  ASSERT_EQ(list.body["credentials"].size(), 1u);
  EXPECT_EQ(list.body["credentials"][0]["description"], "ci key");
}

TEST_F(WireServiceTest, HeadErrorsHaveNoBodyAndCredentialUpdatesNeedAStatus) {
  Answer head = Admin("HEAD", "/v3/users/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.text.empty());
  Answer no_status =
      Admin("PUT", "/v3.0/OS-CREDENTIAL/credentials/" + ak_, R"({"credential": {}})");
  EXPECT_EQ(no_status.status, 400);
  EXPECT_EQ(Admin("PUT", "/v3.0/OS-CREDENTIAL/credentials/AAAAAAAAAAAAAAAAAAAA",
                  R"({"credential": {"status": "inactive"}})")
                .status,
            404);
}

TEST_F(WireServiceTest, AccessModeFollowsTheCredentials) {
  Answer a = Admin("POST", "/v3.0/OS-USER/users", R"({"user": {"name": "bob.smith"}})");
  ASSERT_EQ(a.status, 201);
  EXPECT_EQ(a.body["user"]["access_mode"], "programmatic");
  const std::string id = a.body["user"]["id"];
  EXPECT_EQ(
      Admin("PUT", "/v3.0/OS-USER/users/" + id, R"({"user": {"access_mode": "default"}})").status,
      400);
  EXPECT_EQ(
      Admin("PUT", "/v3.0/OS-USER/users/" + id, R"({"user": {"access_mode": "programmatic"}})")
          .status,
      200);
}

// --- Authorization: with PolicyAuthorizer (what iamctl serve runs), callers
// act by their attached policies; everyone can still log in.

class WireAuthorizationTest : public WireServiceTest {
 protected:
  void SetUp() override {
    WireServiceTest::SetUp();
    // The admin of the base fixture gets the policy; a second user does not.
    UpdateUserRequest promote;
    promote.tenant = kTenant;
    promote.user = admin_id_;
    promote.policies = std::vector<std::string>{"AdministratorAccess"};
    ASSERT_TRUE(engine_->UpdateUser(promote).ok());
    CreateUserRequest plain;
    plain.tenant = kTenant;
    plain.username = "plain.user";
    plain.password_mode = PasswordMode::kManual;
    plain.password = Secret(std::string("Summer-Breeze7"));
    plain.require_password_reset = false;
    plain.access_key = true;
    auto created = engine_->CreateUser(plain);
    ASSERT_TRUE(created.ok());
    plain_id_ = created->user.id;
    plain_ak_ = created->access_key->id;
    plain_sk_ = created->access_key->secret.Reveal();
    // Rebuild engine and wire with the authorizer over the same store.
    authorizer_ = std::make_unique<PolicyAuthorizer>(&store_, *FindProfile("huawei"));
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.clock = &clock_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'w');
    o.authorizer = authorizer_.get();
    wire_.reset();
    engine_ = std::make_unique<Engine>(o, &store_);
    WireOptions w;
    w.public_url = kUrl;
    w.clock = &clock_;
    wire_ = std::make_unique<WireService>(engine_.get(), w);
  }
  std::unique_ptr<PolicyAuthorizer> authorizer_;
  std::string plain_id_, plain_ak_, plain_sk_;
};

TEST_F(WireAuthorizationTest, OnlyAdministratorsActEveryoneLogsIn) {
  const std::string plain_token = Token("plain.user", "Summer-Breeze7");
  ASSERT_FALSE(plain_token.empty()) << "a non-administrator still logs in";
  const size_t before = UserCount();
  ExpectKeystoneError(As(plain_token, "POST", "/v3/users", R"({"user": {"name": "sneaky01"}})"),
                      403);
  ExpectKeystoneError(As(plain_token, "GET", "/v3/users"), 403);
  // Not even the administrator's access key can be had.
  Answer steal = As(plain_token, "POST", "/v3.0/OS-CREDENTIAL/credentials",
                    R"({"credential": {"user_id": ")" + admin_id_ + R"("}})");
  EXPECT_EQ(steal.status, 403) << steal.text;
  EXPECT_EQ(Send(Signed("DELETE", "/v3/users/" + admin_id_, "", plain_ak_, plain_sk_)).status, 403);
  EXPECT_EQ(UserCount(), before);
  // What every user may do: read itself and list its own keys, by id.
  EXPECT_EQ(As(plain_token, "GET", "/v3/users/" + plain_id_).status, 200);
  EXPECT_EQ(Send(Signed("GET", "/v3/users/" + plain_id_, "", plain_ak_, plain_sk_)).status, 200);
  EXPECT_EQ(As(plain_token, "GET", "/v3.0/OS-CREDENTIAL/credentials").status, 200);
  EXPECT_EQ(As(plain_token, "GET", "/v3/users/" + admin_id_).status, 403);
  EXPECT_EQ(
      As(plain_token, "PATCH", "/v3/users/" + plain_id_, R"({"user": {"enabled": true}})").status,
      403);
  // The administrator, by token or key, may.
  token_ = Token("admin01", kAdminPassword);
  EXPECT_EQ(Admin("POST", "/v3/users", R"({"user": {"name": "allowed01"}})").status, 201);
  EXPECT_EQ(Send(Signed("GET", "/v3/users/" + plain_id_)).status, 200);
  // A token by user id logs in without any lookup by the caller.
  const json by_id = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password", {{"user", {{"id", plain_id_}, {"password", "Summer-Breeze7"}}}}}}},
        {"scope", {{"domain", {{"id", kTenant}}}}}}}};
  EXPECT_EQ(Send(Req("POST", "/v3/auth/tokens", by_id.dump())).status, 201);
}

TEST_F(WireAuthorizationTest, AttachedReadOnlyPolicyReadsButCannotWrite) {
  const std::string plain_token = Token("plain.user", "Summer-Breeze7");
  EXPECT_EQ(As(plain_token, "GET", "/v3/users/" + admin_id_).status, 403);
  UpdateUserRequest grant;
  grant.caller = {admin_id_, kTenant, {}};
  grant.tenant = kTenant;
  grant.user = plain_id_;
  grant.policies = std::vector<std::string>{"IAM ReadOnlyAccess"};
  ASSERT_TRUE(engine_->UpdateUser(grant).ok());
  // The next call sees the new attachment: reads pass, writes do not.
  EXPECT_EQ(As(plain_token, "GET", "/v3/users/" + admin_id_).status, 200);
  EXPECT_EQ(Send(Signed("GET", "/v3/users", "", plain_ak_, plain_sk_)).status, 200);
  ExpectKeystoneError(As(plain_token, "POST", "/v3/users", R"({"user": {"name": "sneaky01"}})"),
                      403);
  Answer del = Send(Signed("DELETE", "/v3/users/" + admin_id_, "", plain_ak_, plain_sk_));
  EXPECT_EQ(del.status, 403) << del.text;
  EXPECT_NE(del.text.find("iam:DeleteUser"), std::string::npos) << "the denial names the action";
  EXPECT_EQ(del.text.find("ReadOnly"), std::string::npos) << "never the policy";
}

// Huawei's custom policies (/v3.0/OS-ROLE/roles) granted to a group in the
// domain: the group's members act by them, and lose them when revoked.
TEST_F(WireAuthorizationTest, CustomPoliciesGrantedToAGroupDecideForItsMembers) {
  const std::string plain_token = Token("plain.user", "Summer-Breeze7");
  ExpectKeystoneError(As(plain_token, "GET", "/v3/users"), 403);
  const std::string role = R"({"role": {"display_name": "UserLister", "type": "AX",
      "description": "lists users", "policy": {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["iam:users:listUsers"]}]}}})";
  Answer made = Admin("POST", "/v3.0/OS-ROLE/roles", role);
  ASSERT_EQ(made.status, 201) << made.text;
  const std::string id = made.body["role"]["id"];
  EXPECT_EQ(made.body["role"]["display_name"], "UserLister");
  EXPECT_EQ(made.body["role"]["catalog"], "CUSTOMED");
  EXPECT_EQ(made.body["role"]["policy"]["Statement"][0]["Action"][0], "iam:users:listUsers");
  EXPECT_EQ(Admin("POST", "/v3.0/OS-ROLE/roles", role).status, 409);
  Answer bad = Admin("POST", "/v3.0/OS-ROLE/roles",
                     R"({"role": {"display_name": "Bad", "type": "AX", "policy": {"Version": "1.1",
                       "Statement": [{"Effect": "Perhaps", "Action": ["iam:*"]}]}}})");
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_NE(bad.text.find("role.policy.Statement[0].Effect"), std::string::npos) << bad.text;
  EXPECT_EQ(Admin("GET", "/v3.0/OS-ROLE/roles").body["roles"].size(), 1u);
  EXPECT_EQ(Admin("GET", "/v3.0/OS-ROLE/roles/" + id).body["role"]["description"], "lists users");

  // A group holding the plain user, then the grant.
  Answer group = Admin("POST", "/v3/groups", R"({"group": {"name": "listers"}})");
  ASSERT_EQ(group.status, 201) << group.text;
  const std::string gid = group.body["group"]["id"];
  ASSERT_EQ(Admin("PUT", "/v3/groups/" + gid + "/users/" + plain_id_).status, 204);
  const std::string grant = absl::StrCat("/v3/domains/", kTenant, "/groups/", gid, "/roles/", id);
  EXPECT_EQ(Admin("HEAD", grant).status, 404);
  EXPECT_EQ(Admin("PUT", grant).status, 204);
  EXPECT_EQ(Admin("PUT", grant).status, 204);  // again: nothing changes
  EXPECT_EQ(Admin("HEAD", grant).status, 204);
  Answer held = Admin("GET", absl::StrCat("/v3/domains/", kTenant, "/groups/", gid, "/roles"));
  ASSERT_EQ(held.body["roles"].size(), 1u) << held.text;
  EXPECT_EQ(held.body["roles"][0]["id"], id);
  EXPECT_EQ(As(plain_token, "GET", "/v3/users").status, 200);
  ExpectKeystoneError(As(plain_token, "POST", "/v3/users", R"({"user": {"name": "nope01"}})"), 403);
  // Edited: the next call is decided by the new version.
  Answer edited = Admin("PATCH", "/v3.0/OS-ROLE/roles/" + id,
                        R"({"role": {"policy": {"Version": "1.1", "Statement": [
                          {"Effect": "Allow", "Action": ["iam:users:getUser"]}]}}})");
  ASSERT_EQ(edited.status, 200) << edited.text;
  EXPECT_EQ(As(plain_token, "GET", "/v3/users").status, 403);
  EXPECT_EQ(Admin("PATCH", "/v3.0/OS-ROLE/roles/" + id, R"({"role": {"display_name": "Renamed"}})")
                .status,
            400);
  // In use while granted; revoked, then deleted.
  EXPECT_EQ(Admin("DELETE", "/v3.0/OS-ROLE/roles/" + id).status, 409);
  EXPECT_EQ(Admin("DELETE", grant).status, 204);
  EXPECT_EQ(Admin("DELETE", grant).status, 404);
  EXPECT_EQ(Admin("DELETE", "/v3.0/OS-ROLE/roles/" + id).status, 200);
  EXPECT_EQ(Admin("GET", "/v3.0/OS-ROLE/roles/" + id).status, 404);
  // Another domain in the path is refused.
  EXPECT_EQ(
      Admin("GET", absl::StrCat("/v3/domains/", std::string(32, 'f'), "/groups/", gid, "/roles"))
          .status,
      403);
}

// Tenant A (the fixture's) and tenant B, each with an AdministratorAccess
// administrator: B's reaches none of A's users, groups or keys through any
// route, by token or by signed key, and A is exactly as it was.
TEST_F(WireAuthorizationTest, AnotherTenantsAdministratorGets403Or404OnEveryRoute) {
  constexpr char kOther[] = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
  CreateUserRequest b;
  b.tenant = kOther;
  b.username = "admin.b";
  b.password_mode = PasswordMode::kManual;
  b.password = Secret(std::string("Other-Admin9"));
  b.require_password_reset = false;
  b.access_key = true;
  b.policies = {"AdministratorAccess"};
  EngineOptions o;                           // allows all: builds the tenants and reads them back
  o.authorizer = iam::AllowAllAuthorizer();  // by name
  o.argon2 = Argon2Params::ForTests();
  o.host_key = std::string(32, 'w');
  o.clock = &clock_;
  Engine builder(o, &store_);
  auto admin_b = builder.CreateUser(b);
  ASSERT_TRUE(admin_b.ok()) << admin_b.status();
  const std::string ak_b = admin_b->access_key->id, sk_b = admin_b->access_key->secret.Reveal();
  // A's resources: a group with a member and a policy, the plain user's key.
  DirectoryEntry pol;
  pol.kind = EntryKind::kPolicy;
  pol.tenant = kTenant;
  pol.name = "APolicy";
  pol.document = R"({"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:*"]}]})";
  auto policy = builder.CreateEntry({}, pol);
  ASSERT_TRUE(policy.ok()) << policy.status();
  DirectoryEntry g;
  g.tenant = kTenant;
  g.name = "a.ops";
  g.policies = {"APolicy"};
  auto group = builder.CreateEntry({}, g);
  ASSERT_TRUE(group.ok());
  UpdateUserRequest join;
  join.tenant = kTenant;
  join.user = plain_id_;
  join.groups = std::vector<std::string>{group->id};
  ASSERT_TRUE(builder.UpdateUser(join).ok());
  auto snapshot = [&] {
    std::string out;
    ListUsersRequest r;
    r.tenant = kTenant;
    const absl::StatusOr<ListUsersResult> users = builder.ListUsers(r);
    EXPECT_TRUE(users.ok());
    for (const User& u : users.ok() ? users->users : std::vector<User>{}) {
      absl::StrAppend(&out, u.id, " v", u.version, " ", u.enabled, ";");
      const auto keys = builder.ListAccessKeys({}, kTenant, u.id);
      for (const AccessKeyInfo& k : keys.ok() ? *keys : std::vector<AccessKeyInfo>{}) {
        absl::StrAppend(&out, k.id, k.enabled, ";");
      }
    }
    for (EntryKind kind : {EntryKind::kGroup, EntryKind::kPolicy}) {
      const auto entries = builder.ListEntries({}, kind, kTenant, "");
      for (const DirectoryEntry& e : entries.ok() ? *entries : std::vector<DirectoryEntry>{}) {
        absl::StrAppend(&out, e.id, " v", e.version, " ", absl::StrJoin(e.policies, ","), ";");
      }
    }
    return out;
  };
  const std::string before = snapshot();

  // Login by B's administrator: a domain-scoped token of B.
  const json login = {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user",
             {{"name", "admin.b"}, {"password", "Other-Admin9"}, {"domain", {{"id", kOther}}}}}}}}},
        {"scope", {{"domain", {{"id", kOther}}}}}}}};
  Answer issued = Send(Req("POST", "/v3/auth/tokens", login.dump()));
  const std::string* token_b = issued.Header("X-Subject-Token");
  ASSERT_NE(token_b, nullptr) << issued.text;

  // What each kind of path segment names of A's.
  auto fill = [&](absl::string_view pattern) {
    std::vector<std::string> parts = absl::StrSplit(pattern, '/');
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i] != "{}") continue;
      const std::string& kind = parts[i - 1];
      parts[i] = kind == "users"         ? plain_id_
                 : kind == "groups"      ? group->id
                 : kind == "domains"     ? std::string(kTenant)
                 : kind == "credentials" ? plain_ak_
                 : kind == "roles"       ? policy->id
                                         : "unknown";
    }
    return absl::StrJoin(parts, "/");
  };
  const std::map<std::string, std::string> bodies = {
      {"PUT credential", R"({"credential": {"status": "inactive"}})"},
      {"user", R"({"user": {"name": "intruder01", "domain_id": ")" + std::string(kTenant) +
                   R"(", "enabled": false, "password": "Intruder-Pass9"}})"},
      {"group",
       R"({"group": {"name": "intruders", "domain_id": ")" + std::string(kTenant) + "\"}}"},
      {"credential", R"({"credential": {"user_id": ")" + plain_id_ + R"("}})"},
      {"role", R"({"role": {"display_name": "intruders", "type": "AX", "policy": {"Version": "1.1",
                 "Statement": [{"Effect": "Deny", "Action": ["iam:*"]}]}}})"},
  };
  // Routes that name nothing of A's: they act in the caller's own tenant.
  const std::set<std::string> own_tenant = {"GET /v3/domains", "GET /v3/auth/domains",
                                            "POST /v3.0/OS-ROLE/roles", "GET /v3.0/OS-ROLE/roles"};
  const std::string query = absl::StrCat("domain_id=", kTenant, "&user_id=", plain_id_);
  int tried = 0;
  std::vector<wire::Route> routes;
  for (const wire::Route& r : wire::KeystoneUserRoutes()) routes.push_back(r);
  for (const wire::Route& r : wire::HuaweiUserRoutes()) routes.push_back(r);
  for (const wire::Route& r : wire::HuaweiPolicyRoutes()) routes.push_back(r);
  for (const wire::Route& route : routes) {
    const std::string method(route.method), path = fill(route.pattern);
    const bool names_nothing = own_tenant.count(absl::StrCat(route.method, " ", route.pattern)) > 0;
    const std::string root(route.body_root);
    const std::string shape = root.empty() ? ""
                              : bodies.count(method + " " + root) > 0
                                  ? bodies.at(method + " " + root)
                                  : bodies.at(root);
    const std::string q = method == "GET" && !names_nothing ? query : "";
    for (int signed_request = 0; signed_request < 2; ++signed_request) {
      const std::string body =
          absl::StrReplaceAll(shape, {{"intruders", absl::StrCat("intruders", signed_request)}});
      Answer a;
      if (signed_request) {
        WireRequest r = Req(method, path, body, q);
        r.headers.push_back({"X-Domain-Id", kOther});
        r.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now())});
        r.headers.push_back({"Authorization", SignSdkRequest(r, ak_b, sk_b)});
        a = Send(r);
      } else {
        a = As(*token_b, method, path, body, q);
      }
      ++tried;
      const std::string what = method + " " + path + (signed_request ? " (signed)" : " (token)");
      if (names_nothing) {
        // Acts in (or lists) the caller's own domain, never another.
        EXPECT_TRUE(a.status == 200 || a.status == 201) << what << ": " << a.text;
        EXPECT_EQ(a.text.find(kTenant), std::string::npos) << what << ": " << a.text;
        EXPECT_EQ(a.text.find("APolicy"), std::string::npos) << what << ": " << a.text;
        continue;
      }
      EXPECT_TRUE(a.status == 403 || a.status == 404) << what << ": " << a.status << " " << a.text;
      EXPECT_EQ(a.text.find(plain_ak_), std::string::npos) << what;
      EXPECT_EQ(a.text.find("plain.user"), std::string::npos) << what;
    }
  }
  EXPECT_EQ(tried, 2 * static_cast<int>(routes.size()));
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(builder.GetUser({}, kTenant, "intruder01").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace iam

namespace iam {
namespace {

TEST_F(WireServiceTest, AdministratorSetsAPasswordByPatchAndPut) {
  Answer made = Admin("POST", "/v3/users",
                      R"({"user": {"name": "alice.wong", "password": "Summer-Breeze7"}})");
  const std::string id = made.body["user"]["id"];
  const std::string session = Token("alice.wong", "Summer-Breeze7");
  ASSERT_FALSE(session.empty());
  Answer weak =
      Admin("PATCH", "/v3/users/" + id, R"({"user": {"password": "abcdef", "description": "x"}})");
  ExpectKeystoneError(weak, 400);
  EXPECT_TRUE(absl::StartsWith(weak.body["error"]["message"].get<std::string>(), "user.password:"))
      << weak.text;
  EXPECT_FALSE(Admin("GET", "/v3/users/" + id).body["user"].contains("description"));
  Answer set = Admin("PATCH", "/v3/users/" + id, R"({"user": {"password": "Autumn-Leaves8"}})");
  ASSERT_EQ(set.status, 200) << set.text;
  EXPECT_EQ(set.text.find("Autumn-Leaves8"), std::string::npos);
  ExpectKeystoneError(As(session, "GET", "/v3/users"), 401);  // the old session ended
  EXPECT_TRUE(Token("alice.wong", "Summer-Breeze7").empty());
  EXPECT_FALSE(Token("alice.wong", "Autumn-Leaves8").empty());
  // Huawei's admin modify, with pwd_status: change it at the next login.
  Answer put = Admin("PUT", "/v3.0/OS-USER/users/" + id,
                     R"({"user": {"password": "Winter-Frost9", "pwd_status": true}})");
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body["user"]["pwd_status"], true);
  EXPECT_TRUE(Token("alice.wong", "Winter-Frost9").empty());  // 401: reset first
}

}  // namespace
}  // namespace iam

namespace iam {
namespace {

TEST_F(WireServiceTest, SignedQueriesMustReadOneWay) {
  // '+' and %2B sign alike; a key twice signs alike in either order: both are
  // refused rather than read differently from what was signed.
  for (const char* query : {"name=a+b", "name=alice.wong&name=admin01"}) {
    WireRequest r = Req("GET", "/v3/users", "", query);
    r.headers.push_back({"X-Domain-Id", kTenant});
    r.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now())});
    r.headers.push_back({"Authorization", SignSdkRequest(r, ak_, sk_)});
    EXPECT_EQ(Send(r).status, 401) << query;
  }
  WireRequest ok = Req("GET", "/v3/users", "", "name=a%2Bb");
  ok.headers.push_back({"X-Sdk-Date", FormatSdkDate(clock_.Now())});
  ok.headers.push_back({"Authorization", SignSdkRequest(ok, ak_, sk_)});
  EXPECT_EQ(Send(ok).status, 200);
}

TEST_F(WireServiceTest, EmptyOrProgrammaticPasswordsAreRefused) {
  Answer a = Admin("POST", "/v3.0/OS-USER/users", R"({"user": {"name": "bob.smith"}})");
  const std::string id = a.body["user"]["id"];
  Answer empty = Admin("PATCH", "/v3/users/" + id, R"({"user": {"password": ""}})");
  ExpectKeystoneError(empty, 400);
  Answer programmatic =
      Admin("PUT", "/v3.0/OS-USER/users/" + id,
            R"({"user": {"access_mode": "programmatic", "password": "Summer-Breeze7"}})");
  EXPECT_EQ(programmatic.status, 400) << programmatic.text;
  EXPECT_EQ(Admin("GET", "/v3.0/OS-USER/users/" + id).body["user"]["access_mode"], "programmatic");
}

}  // namespace
}  // namespace iam

namespace iam {
namespace {

// The caller's address, for policy conditions, whatever form the host gave.
TEST(CallerOfTest, TakesTheAddressOutOfThePeer) {
  const std::pair<const char*, const char*> cases[] = {
      {"10.1.2.3:5555", "10.1.2.3"},      {"[::1]:8080", "::1"},
      {"[2001:db8::5]:1", "2001:db8::5"}, {"::1", "::1"},
      {"10.1.2.3", "10.1.2.3"},           {"", ""}};
  for (const auto& [peer, address] : cases) {
    WireRequest r;
    r.peer = peer;
    const Principal p = wire::CallerOf(r, "u1", "t1", "token");
    EXPECT_EQ(p.context.source_ip, address) << peer;
    EXPECT_EQ(p.context.auth_method, "token");
    EXPECT_EQ(p.id, "u1");
  }
}

}  // namespace
}  // namespace iam
