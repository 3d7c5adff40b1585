// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's server side in process (the browser suite is
// tests/e2e/console.test.mjs): its files and their security headers, sign-in
// into an HttpOnly cookie with the forced-reset step, the cookie accepted by
// every API with the CSRF token required for changes, sign-out, and the APIs
// the console added for every client (batch create, password check, password
// policy, a user's groups, paged user lists).
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"
#include "wire/wire_answer.h"

namespace iam {
namespace {

using nlohmann::json;

constexpr char kTenant[] = "d78cbac186b744899480f25bd022f468";
constexpr char kOther[] = "0c2a0f0b1d3e4f5a6b7c8d9e0f1a2b3c";
constexpr char kAdminPassword[] = "Admin-Secret9!a";

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override { Build("http://iam.test"); }

  void Build(const std::string& public_url) {
    EngineOptions o;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'c');
    engine_ = std::make_unique<Engine>(o, &store_);
    o.authorizer = AllowAllAuthorizer();
    host_ = std::make_unique<Engine>(o, &store_);
    WireOptions w;
    w.public_url = public_url;
    wire_ = std::make_unique<WireService>(engine_.get(), w);
  }

  void MakeUser(const std::string& tenant, const std::string& name, const std::string& password,
                bool reset, std::vector<std::string> policies = {"AdministratorAccess"}) {
    CreateUserRequest r;
    r.tenant = tenant;
    r.username = name;
    r.password_mode = PasswordMode::kManual;
    r.password = Secret(password);
    r.require_password_reset = reset;
    r.policies = std::move(policies);
    auto made = host_->CreateUser(r);
    ASSERT_TRUE(made.ok()) << made.status();
  }

  Answer Send(const std::string& method, const std::string& target, const json& body = nullptr,
              WireHeaders headers = {}) {
    WireRequest r = RequestTo(method, target);
    r.headers = std::move(headers);
    if (!body.is_null()) {
      r.headers.emplace_back("Content-Type", "application/json");
      r.body = body.dump();
    }
    return AnswerOf(wire_->Handle(r));
  }

  Answer SignIn(const std::string& tenant, const std::string& identifier,
                const std::string& password, const std::string& new_password = "") {
    json session = {{"domain_id", tenant}, {"identifier", identifier}, {"password", password}};
    if (!new_password.empty()) session["new_password"] = new_password;
    return Send("POST", "/console/api/session", {{"session", session}});
  }

  // Signs in as admin01 of kTenant: the cookie header and the CSRF token.
  std::pair<std::string, std::string> Admin() {
    MakeUser(kTenant, "admin01", kAdminPassword, false);
    Answer a = SignIn(kTenant, "admin01", kAdminPassword);
    EXPECT_EQ(a.status, 201) << a.text;
    const std::string cookie = a.HeaderValue("Set-Cookie");
    return {cookie.substr(0, cookie.find(';')), a.body.value("csrf_token", "")};
  }

  int64_t Users() {
    ListUsersRequest all;
    all.tenant = kTenant;
    return host_->CountUsers(all).value();
  }

  MemoryStore store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Engine> host_;
  std::unique_ptr<WireService> wire_;
};

TEST_F(ConsoleTest, ServesItsFilesWithSecurityHeaders) {
  Answer page = Send("GET", "/console/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.HeaderValue("Content-Type"), "text/html; charset=utf-8");
  EXPECT_TRUE(absl::StartsWith(page.text, "<!doctype html>"));
  EXPECT_TRUE(absl::StrContains(page.HeaderValue("Content-Security-Policy"), "script-src 'self'"));
  EXPECT_FALSE(absl::StrContains(page.HeaderValue("Content-Security-Policy"), "unsafe-inline"));
  EXPECT_EQ(page.HeaderValue("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.HeaderValue("X-Content-Type-Options"), "nosniff");
  // No inline script in the page: every script is a file.
  EXPECT_FALSE(absl::StrContains(page.text, "<script>"));
  EXPECT_EQ(Send("GET", "/console/console.js").HeaderValue("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(Send("GET", "/console/console.css").HeaderValue("Content-Type"),
            "text/css; charset=utf-8");
  Answer bare = Send("GET", "/console");
  EXPECT_EQ(bare.status, 308);
  EXPECT_EQ(bare.HeaderValue("Location"), "/console/");
  EXPECT_EQ(Send("GET", "/console/../etc/passwd").status, 404);
  EXPECT_EQ(Send("GET", "/console/nothing.js").status, 404);
  EXPECT_EQ(Send("POST", "/console/index.html", json::object()).status, 405);
  EXPECT_EQ(Send("GET", "/console/api/nothing").status, 404);
}

TEST_F(ConsoleTest, SignInSetsAnHttpOnlyStrictCookieAndNoTokenInTheBody) {
  MakeUser(kTenant, "admin01", kAdminPassword, false);
  Answer a = SignIn(kTenant, "admin01", kAdminPassword);
  ASSERT_EQ(a.status, 201) << a.text;
  const std::string cookie = a.HeaderValue("Set-Cookie");
  EXPECT_TRUE(absl::StartsWith(cookie, "iam_console=")) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; HttpOnly")) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; SameSite=Strict")) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; Path=/")) << cookie;
  EXPECT_FALSE(absl::StrContains(cookie, "Secure")) << "plain HTTP: " << cookie;
  const std::string token = cookie.substr(12, cookie.find(';') - 12);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_FALSE(absl::StrContains(a.text, token)) << "the token is the cookie's only";
  EXPECT_EQ(a.body["user"]["name"], "admin01");
  EXPECT_EQ(a.body["domain_id"], kTenant);
  EXPECT_EQ(a.body["csrf_token"].get<std::string>().size(), 64u);

  // Behind TLS the cookie is Secure.
  Build("https://iam.example.com");
  Answer tls = SignIn(kTenant, "admin01", kAdminPassword);
  EXPECT_TRUE(absl::StrContains(tls.HeaderValue("Set-Cookie"), "; Secure"))
      << tls.HeaderValue("Set-Cookie");
}

TEST_F(ConsoleTest, SignsInByUsernameEmailOrMobile) {
  CreateUserRequest r;
  r.tenant = kTenant;
  r.username = "carol01";
  r.email = "carol@example.com";
  r.phone_region = "86";
  r.phone = "13800000001";
  r.password_mode = PasswordMode::kManual;
  r.password = Secret(std::string(kAdminPassword));
  r.require_password_reset = false;
  ASSERT_TRUE(host_->CreateUser(r).ok());
  for (const char* identifier :
       {"carol01", "CAROL01", "carol@example.com", "13800000001", "+86 13800000001"}) {
    Answer a = SignIn(kTenant, identifier, kAdminPassword);
    EXPECT_EQ(a.status, 201) << identifier << ": " << a.text;
    EXPECT_EQ(a.body["user"]["name"], "carol01") << identifier;
  }
}

TEST_F(ConsoleTest, RefusalsNameNothingAndCountTowardsLockout) {
  MakeUser(kTenant, "admin01", kAdminPassword, false);
  const Answer wrong = SignIn(kTenant, "admin01", "Wrong-Password1");
  const Answer unknown = SignIn(kTenant, "nobody01", "Wrong-Password1");
  const Answer tenant = SignIn(kOther, "admin01", kAdminPassword);
  for (const Answer& a : {wrong, unknown, tenant}) {
    EXPECT_EQ(a.status, 401) << a.text;
    EXPECT_EQ(a.HeaderValue("Set-Cookie"), "");
  }
  EXPECT_EQ(wrong.body, unknown.body);  // nothing says which part was wrong
  Answer missing = Send("POST", "/console/api/session",
                        {{"session", {{"domain_id", kTenant}, {"password", "x"}}}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(absl::StrContains(missing.text, "session.identifier")) << missing.text;
  // The engine's lockout counts console sign-ins: after the limit even the
  // right password is refused.
  for (int i = 0; i < 10; ++i) SignIn(kTenant, "admin01", "Wrong-Password1");
  EXPECT_EQ(SignIn(kTenant, "admin01", kAdminPassword).status, 401);
}

TEST_F(ConsoleTest, AUserWhoMustResetSetsANewPasswordToSignIn) {
  MakeUser(kTenant, "reset01", "First-Pass7!x", true, {});
  Answer asked = SignIn(kTenant, "reset01", "First-Pass7!x");
  EXPECT_NE(asked.status, 201);
  EXPECT_TRUE(absl::StrContains(asked.text, "session.new_password")) << asked.text;
  EXPECT_EQ(asked.HeaderValue("Set-Cookie"), "");
  Answer weak = SignIn(kTenant, "reset01", "First-Pass7!x", "abc");
  EXPECT_EQ(weak.status, 400) << weak.text;
  EXPECT_TRUE(absl::StrContains(weak.text, "password")) << weak.text;
  Answer done = SignIn(kTenant, "reset01", "First-Pass7!x", "Second-Pass8!y");
  EXPECT_EQ(done.status, 201) << done.text;
  EXPECT_EQ(SignIn(kTenant, "reset01", "Second-Pass8!y").status, 201);
  EXPECT_EQ(SignIn(kTenant, "reset01", "First-Pass7!x").status, 401);
}

TEST_F(ConsoleTest, TheCookieOpensEveryApiAndChangesNeedTheCsrfToken) {
  const auto [cookie, csrf] = Admin();
  EXPECT_EQ(Send("GET", "/v3/users", nullptr, {{"Cookie", cookie}}).status, 200);
  EXPECT_EQ(Send("GET", "/v3/users", nullptr, {{"Cookie", "other=1; " + cookie}}).status, 200);
  const json group = {{"group", {{"name", "ops01"}}}};
  Answer none = Send("POST", "/v3/groups", group, {{"Cookie", cookie}});
  EXPECT_EQ(none.status, 403) << none.text;
  EXPECT_TRUE(absl::StrContains(none.text, "X-CSRF-Token")) << none.text;
  std::string wrong = csrf;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Send("POST", "/v3/groups", group, {{"Cookie", cookie}, {"X-CSRF-Token", wrong}}).status,
            403);
  // Another session's token is not this one's.
  MakeUser(kTenant, "admin02", kAdminPassword, false);
  const std::string other = SignIn(kTenant, "admin02", kAdminPassword).body["csrf_token"];
  EXPECT_EQ(Send("POST", "/v3/groups", group, {{"Cookie", cookie}, {"X-CSRF-Token", other}}).status,
            403);
  EXPECT_EQ(host_->ListEntries({}, EntryKind::kGroup, kTenant, "")->size(), 0u);
  Answer made = Send("POST", "/v3/groups", group, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(made.status, 201) << made.text;
  // A forged cookie opens nothing.
  EXPECT_EQ(Send("GET", "/v3/users", nullptr, {{"Cookie", "iam_console=forged"}}).status, 401);
}

TEST_F(ConsoleTest, SignOutEndsTheSession) {
  const auto [cookie, csrf] = Admin();
  Answer who = Send("GET", "/console/api/session", nullptr, {{"Cookie", cookie}});
  EXPECT_EQ(who.status, 200);
  EXPECT_EQ(who.body["csrf_token"], csrf);
  Answer out =
      Send("DELETE", "/console/api/session", nullptr, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_TRUE(absl::StrContains(out.HeaderValue("Set-Cookie"), "Max-Age=0"));
  EXPECT_EQ(Send("GET", "/v3/users", nullptr, {{"Cookie", cookie}}).status, 401);
  EXPECT_EQ(Send("GET", "/console/api/session", nullptr, {{"Cookie", cookie}}).status, 401);
}

TEST_F(ConsoleTest, BatchCreateIsAllOrNoneWithEachErrorOnItsRowAndField) {
  const auto [cookie, csrf] = Admin();
  const WireHeaders h = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  Answer bad = Send(
      "POST", "/v3.0/OS-USER/users/batch",
      {{"users", {{{"username", "fine01"}, {"password_mode", "generated"}}, {{"username", "x"}}}}},
      h);
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_EQ(bad.body["committed"], false);
  EXPECT_EQ(bad.body["items"][0]["error"]["reason"], "batch.aborted");
  EXPECT_EQ(bad.body["items"][1]["error"]["field"], "username");
  EXPECT_EQ(Users(), 1);  // admin01 only

  Answer good = Send(
      "POST", "/v3.0/OS-USER/users/batch",
      {{"users",
        {{{"username", "fine01"}, {"password_mode", "generated"}, {"access_key", true}},
         {{"username", "fine02"}, {"email", "f2@example.com"}, {"password_mode", "login_link"}}}}},
      h);
  ASSERT_EQ(good.status, 201) << good.text;
  const json& first = good.body["items"][0]["result"];
  EXPECT_GE(first["generated_password"].get<std::string>().size(), 8u);
  EXPECT_EQ(first["access_key"]["secret"].get<std::string>().size(), 40u);
  EXPECT_EQ(good.body["items"][1]["result"]["login_link_sent"], true);
  EXPECT_EQ(Users(), 3);

  EXPECT_EQ(Send("POST", "/v3.0/OS-USER/users/batch",
                 {{"users", {{{"username", "elsewhere1"}, {"tenant", kOther}}}}}, h)
                .status,
            403);
  std::vector<json> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back({{"username", absl::StrCat("many", i, "xx")}});
  Answer many = Send("POST", "/v3.0/OS-USER/users/batch", {{"users", eleven}}, h);
  EXPECT_EQ(many.status, 400) << many.text;
  EXPECT_EQ(Send("POST", "/v3.0/OS-USER/users/batch", {{"users", json::array()}}, h).status, 400);
  EXPECT_EQ(
      Send("POST", "/v3.0/OS-USER/users/batch", {{"users", {{{"usernme", "typo1"}}}}}, h).status,
      400);
  EXPECT_EQ(Users(), 3);
}

TEST_F(ConsoleTest, PasswordCheckListsEveryUnmetRuleAndThePolicyIsHuaweis) {
  const auto [cookie, csrf] = Admin();
  const WireHeaders h = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  Answer weak = Send("POST", "/v3.0/OS-SECURITYPOLICY/password-check",
                     {{"password_check", {{"password", "abc"}}}}, h);
  ASSERT_EQ(weak.status, 200) << weak.text;
  EXPECT_EQ(weak.body["valid"], false);
  std::vector<std::string> reasons;
  for (const json& v : weak.body["violations"]) reasons.push_back(v["reason"]);
  EXPECT_EQ(reasons, (std::vector<std::string>{"password.too_short", "password.too_few_classes"}));
  EXPECT_FALSE(absl::StrContains(weak.text, "\"abc\"")) << "the password is not echoed";
  Answer same =
      Send("POST", "/v3.0/OS-SECURITYPOLICY/password-check",
           {{"password_check", {{"password", "Alice01x"}, {"user_name", "x10ecila"}}}}, h);
  EXPECT_EQ(same.body["violations"][0]["reason"], "password.reversed_username") << same.text;
  Answer strong = Send("POST", "/v3.0/OS-SECURITYPOLICY/password-check",
                       {{"password_check", {{"password", "Harbor-Lights7!q"}}}}, h);
  EXPECT_EQ(strong.body["valid"], true);
  EXPECT_EQ(strong.body["violations"], json::array());

  Answer policy =
      Send("GET", absl::StrCat("/v3.0/OS-SECURITYPOLICY/domains/", kTenant, "/password-policy"),
           nullptr, h);
  ASSERT_EQ(policy.status, 200) << policy.text;
  EXPECT_EQ(policy.body["password_policy"]["minimum_password_length"], 6);
  EXPECT_EQ(policy.body["password_policy"]["password_char_combination"], 2);
  EXPECT_EQ(
      Send("GET", absl::StrCat("/v3.0/OS-SECURITYPOLICY/domains/", kOther, "/password-policy"),
           nullptr, h)
          .status,
      403);
}

TEST_F(ConsoleTest, AccountSettingsChangeThePolicyEveryApiChecksAgainst) {
  const auto [cookie, csrf] = Admin();
  const WireHeaders h = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  const std::string path =
      absl::StrCat("/v3.0/OS-SECURITYPOLICY/domains/", kTenant, "/password-policy");
  Answer put = Send(
      "PUT", path,
      {{"password_policy", {{"minimum_password_length", 10}, {"password_char_combination", 3}}}},
      h);
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body["password_policy"]["minimum_password_length"], 10);
  EXPECT_EQ(Send("GET", path, nullptr, h).body, put.body);
  Answer check = Send("POST", "/v3.0/OS-SECURITYPOLICY/password-check",
                      {{"password_check", {{"password", "abcdefg1"}}}}, h);
  EXPECT_EQ(check.body["violations"][0]["reason"], "password.too_short") << check.text;
  EXPECT_EQ(check.body["violations"][1]["reason"], "password.too_few_classes") << check.text;
  // Every API checks against it: a Keystone create too.
  Answer create =
      Send("POST", "/v3/users", {{"user", {{"name", "short01"}, {"password", "Abcdefg-1"}}}}, h);
  EXPECT_EQ(create.status, 400) << create.text;

  Answer bad = Send("PUT", path, {{"password_policy", {{"password_validity_period", 999}}}}, h);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(absl::StrContains(bad.text, "password_policy.password_validity_period")) << bad.text;
  Answer read_only = Send("PUT", path, {{"password_policy", {{"blocklist", false}}}}, h);
  EXPECT_EQ(read_only.status, 400) << read_only.text;
  EXPECT_EQ(
      Send("PUT", absl::StrCat("/v3.0/OS-SECURITYPOLICY/domains/", kOther, "/password-policy"),
           {{"password_policy", {{"minimum_password_length", 8}}}}, h)
          .status,
      403);
  // Only a caller whose policies allow it.
  MakeUser(kTenant, "plain01", kAdminPassword, false, {});
  Answer plain = SignIn(kTenant, "plain01", kAdminPassword);
  const std::string plain_cookie = plain.HeaderValue("Set-Cookie").substr(0, 56);
  Answer denied = Send("PUT", path, {{"password_policy", {{"minimum_password_length", 6}}}},
                       {{"Cookie", plain_cookie}, {"X-CSRF-Token", plain.body["csrf_token"]}});
  EXPECT_EQ(denied.status, 403) << denied.text;
  EXPECT_EQ(Send("GET", path, nullptr, h).body["password_policy"]["minimum_password_length"], 10);
}

TEST_F(ConsoleTest, UsersArePagedAndSearchedByPrefixAndShowTheirGroups) {
  const auto [cookie, csrf] = Admin();
  const WireHeaders h = {{"Cookie", cookie}};
  for (const char* name : {"alpha01", "alpha02", "alpha03", "beta001"}) {
    MakeUser(kTenant, name, "Some-Pass7!x", false, {});
  }
  Answer first = Send("GET", "/v3/users?name__startswith=alpha&limit=2", nullptr, h);
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["total_number"], 3);
  ASSERT_EQ(first.body["users"].size(), 2u);
  EXPECT_EQ(first.body["users"][0]["name"], "alpha01");
  const std::string next = first.body["links"]["next"];
  ASSERT_TRUE(absl::StartsWith(next, "http://iam.test/v3/users?")) << next;
  Answer second = Send("GET", next.substr(std::string("http://iam.test").size()), nullptr, h);
  ASSERT_EQ(second.body["users"].size(), 1u) << second.text;
  EXPECT_EQ(second.body["users"][0]["name"], "alpha03");
  EXPECT_TRUE(second.body["links"]["next"].is_null());
  EXPECT_EQ(Send("GET", "/v3/users?limit=0", nullptr, h).status, 400);
  EXPECT_EQ(Send("GET", "/v3/users?limit=1001", nullptr, h).status, 400);
  // Without paging parameters, Keystone's whole list as before.
  EXPECT_EQ(Send("GET", "/v3/users", nullptr, h).body["users"].size(), 5u);

  const WireHeaders w = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  const std::string g =
      Send("POST", "/v3/groups", {{"group", {{"name", "ops01"}}}}, w).body["group"]["id"];
  const std::string id = host_->GetUser({}, kTenant, "alpha02")->id;
  EXPECT_EQ(Send("PUT", absl::StrCat("/v3/groups/", g, "/users/", id), nullptr, w).status, 204);
  Answer groups = Send("GET", absl::StrCat("/v3/users/", id, "/groups"), nullptr, h);
  ASSERT_EQ(groups.status, 200) << groups.text;
  ASSERT_EQ(groups.body["groups"].size(), 1u);
  EXPECT_EQ(groups.body["groups"][0]["name"], "ops01");
  EXPECT_EQ(Send("GET", "/v3/users/nobody/groups", nullptr, h).status, 404);
}

}  // namespace
}  // namespace iam
