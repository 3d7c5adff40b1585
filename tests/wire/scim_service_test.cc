// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// /scim/v2 in process (the HTTP suite is tests/cli/test_scim.py): filters on
// the indexed attributes never list users (a counting store proves it), the
// bearer token's tenant and rights, ETags, PatchOp in Okta's and Entra's
// shapes, Groups with members, Bulk with bulkId references, and every error
// in SCIM's schema changing nothing.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "faulty_store.h"
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
constexpr char kUrl[] = "http://iam.test";

// Counts the user listings the engine asks the store for.
class CountingStore : public testing::FaultyStore {
 public:
  using FaultyStore::FaultyStore;
  absl::StatusOr<ListUsersPage> ListUsers(const ListUsersQuery& q) override {
    ++lists;
    return FaultyStore::ListUsers(q);
  }
  std::atomic<int> lists{0};
};

class ScimServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 's');
    engine_ = std::make_unique<Engine>(o, &store_);
    // The host's own engine (as iamctl's): it may do anything, by name.
    o.authorizer = AllowAllAuthorizer();
    host_ = std::make_unique<Engine>(o, &store_);
    WireOptions w;
    w.public_url = kUrl;
    wire_ = std::make_unique<WireService>(engine_.get(), w);
    token_ = TokenFor(kTenant, "scim-provisioner", "AdministratorAccess");
  }

  std::string TokenFor(const std::string& tenant, const std::string& name,
                       const std::string& policy) {
    CreateUserRequest r;
    r.tenant = tenant;
    r.username = name;
    r.policies = {policy};
    auto created = host_->CreateUser(r);
    EXPECT_TRUE(created.ok()) << created.status();
    auto issued = host_->IssueApiToken({}, tenant, created->user.id, absl::ZeroDuration());
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued->token.Reveal();
  }

  Answer Send(const std::string& method, const std::string& target, const json& body = nullptr,
              WireHeaders extra = {}, const std::string& token = "") {
    WireRequest r = RequestTo(method, target);
    r.headers = {{"Authorization", "Bearer " + (token.empty() ? token_ : token)},
                 {"Content-Type", "application/scim+json"}};
    for (auto& h : extra) r.headers.push_back(std::move(h));
    if (!body.is_null()) r.body = body.dump();
    return AnswerOf(wire_->Handle(r));
  }

  std::string CreateUser(const std::string& name, const std::string& email = "") {
    json u = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}}, {"userName", name}};
    if (!email.empty()) u["emails"] = {{{"value", email}, {"primary", true}}};
    Answer a = Send("POST", "/scim/v2/Users", u);
    EXPECT_EQ(a.status, 201) << a.body;
    return a.body.value("id", "");
  }

  static void ExpectError(const Answer& a, int status, const std::string& scim_type) {
    EXPECT_EQ(a.status, status) << a.body;
    EXPECT_EQ(a.body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
    EXPECT_EQ(a.body["status"], std::to_string(status));
    if (!scim_type.empty()) {
      EXPECT_EQ(a.body.value("scimType", ""), scim_type) << a.body;
    }
  }

  MemoryStore memory_;
  CountingStore store_{&memory_};
  std::unique_ptr<Engine> engine_;  // the shipped authorizer: callers act by their policies
  std::unique_ptr<Engine> host_;
  std::unique_ptr<WireService> wire_;
  std::string token_;
};

TEST_F(ScimServiceTest, FiltersOnIndexedAttributesNeverListUsers) {
  for (int i = 0; i < 50; ++i) {
    CreateUser(absl::StrCat("user", i), absl::StrCat("user", i, "@example.com"));
  }
  const std::string id = CreateUser("target.user", "Target@Example.com");
  ASSERT_EQ(Send("PATCH", "/scim/v2/Users/" + id,
                 {{"Operations", {{{"op", "add"}, {"path", "externalId"}, {"value", "ext-7"}}}}})
                .status,
            200);
  store_.lists = 0;
  const char* filters[] = {
      R"(userName eq "TARGET.USER")",
      R"(emails.value eq "target@example.com")",
      R"(emails[type eq "work" and value eq "target@example.com"])",
      R"(emails[type eq "work"].value eq "target@example.com")",
      R"(id eq "ID")",
      R"(externalId eq "ext-7")",
      R"(userName eq "target.user" and active eq true)",
      R"(userName eq "nobody" or emails.value eq "target@example.com")",
  };
  for (const char* f : filters) {
    std::string filter = f;
    if (const size_t at = filter.find("ID"); at != std::string::npos) filter.replace(at, 2, id);
    Answer a = Send("GET", "/scim/v2/Users?filter=" + filter);
    ASSERT_EQ(a.status, 200) << f << a.body;
    ASSERT_EQ(a.body["totalResults"], 1) << f;
    EXPECT_EQ(a.body["Resources"][0]["id"], id) << f;
  }
  EXPECT_EQ(store_.lists, 0) << "an indexed filter listed users";
  // The same answer with the rest of the filter false: nothing, still no list.
  Answer none =
      Send("GET", R"(/scim/v2/Users?filter=userName eq "target.user" and active eq false)");
  EXPECT_EQ(none.body["totalResults"], 0);
  EXPECT_EQ(none.body["Resources"], json::array());
  EXPECT_EQ(store_.lists, 0);
  // A prefix is a scan of its range only; a filter with no index is refused.
  Answer prefix = Send("GET", R"(/scim/v2/Users?filter=userName sw "user1")");
  EXPECT_EQ(prefix.body["totalResults"], 11);  // user1, user10..user19
  for (const char* f : {R"(displayName co "x")", R"(not (userName eq "a"))", "title pr",
                        R"(emails[type eq "work" or value eq "a@example.com"])",
                        R"(userName eq "a" or displayName eq "b")"}) {
    ExpectError(Send("GET", std::string("/scim/v2/Users?filter=") + f), 400, "invalidFilter");
  }
  ExpectError(Send("GET", R"(/scim/v2/Users?filter=userName eq)"), 400, "invalidFilter");
}

TEST_F(ScimServiceTest, PagesCountEveryMatch) {
  for (int i = 0; i < 5; ++i) CreateUser(absl::StrCat("page", i));
  Answer a = Send("GET", "/scim/v2/Users?startIndex=2&count=2");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["totalResults"], 6);  // with the provisioner
  EXPECT_EQ(a.body["startIndex"], 2);
  EXPECT_EQ(a.body["itemsPerPage"], 2);
  Answer counted = Send("GET", "/scim/v2/Users?count=0");
  EXPECT_EQ(counted.body["totalResults"], 6);
  EXPECT_EQ(counted.body["Resources"], json::array());
  ExpectError(Send("GET", "/scim/v2/Users?count=many"), 400, "invalidValue");
}

TEST_F(ScimServiceTest, TheTokenDecidesTenantAndRights) {
  const std::string id = CreateUser("tenant.one");
  const std::string other = TokenFor(kOther, "scim-provisioner", "AdministratorAccess");
  ExpectError(Send("GET", "/scim/v2/Users/" + id, nullptr, {}, other), 404, "");
  Answer list =
      Send("GET", R"(/scim/v2/Users?filter=userName eq "tenant.one")", nullptr, {}, other);
  EXPECT_EQ(list.body["totalResults"], 0);
  const std::string reader = TokenFor(kTenant, "scim-reader", "IAM ReadOnlyAccess");
  EXPECT_EQ(Send("GET", "/scim/v2/Users/" + id, nullptr, {}, reader).status, 200);
  ExpectError(Send("DELETE", "/scim/v2/Users/" + id, nullptr, {}, reader), 403, "");
  ExpectError(Send("GET", "/scim/v2/Users", nullptr, {}, "not-a-token"), 401, "");
  WireRequest bare;
  bare.method = "GET";
  bare.path = "/scim/v2/Users";
  WireResponse res = wire_->Handle(bare);
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(FindHeader(res.headers, "WWW-Authenticate"), nullptr);
  // Revoked: every token of the service user stops.
  ASSERT_TRUE(host_->RevokeApiTokens({}, kTenant, "scim-reader").ok());
  ExpectError(Send("GET", "/scim/v2/Users/" + id, nullptr, {}, reader), 401, "");
  EXPECT_EQ(Send("GET", "/scim/v2/Users/" + id).status, 200);
}

TEST_F(ScimServiceTest, EtagsGuardEveryChange) {
  const std::string id = CreateUser("etag.user");
  Answer got = Send("GET", "/scim/v2/Users/" + id);
  ASSERT_NE(got.Header("ETag"), nullptr);
  const std::string v1 = *got.Header("ETag");
  EXPECT_EQ(v1, got.body["meta"]["version"]);
  EXPECT_EQ(Send("GET", "/scim/v2/Users/" + id, nullptr, {{"If-None-Match", v1}}).status, 304);
  const json deactivate = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                           {"Operations", {{{"op", "replace"}, {"value", {{"active", false}}}}}}};
  Answer patched = Send("PATCH", "/scim/v2/Users/" + id, deactivate, {{"If-Match", v1}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.body["active"], false);
  EXPECT_NE(*patched.Header("ETag"), v1);
  for (const char* method : {"PATCH", "PUT", "DELETE"}) {
    json body = method == std::string("PUT") ? json{{"userName", "etag.user"}} : deactivate;
    if (method == std::string("DELETE")) body = nullptr;
    ExpectError(Send(method, "/scim/v2/Users/" + id, body, {{"If-Match", v1}}), 412, "");
  }
  EXPECT_EQ(Send("GET", "/scim/v2/Users/" + id).body["active"], false);
}

TEST_F(ScimServiceTest, EntraPatchShapes) {
  const std::string id = CreateUser("entra.user", "old@example.com");
  const json patch = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                      {"Operations",
                       {{{"op", "Replace"}, {"path", "active"}, {"value", "False"}},
                        {{"op", "Replace"},
                         {"path", R"(emails[type eq "work"].value)"},
                         {"value", "new@example.com"}},
                        {{"op", "Add"}, {"path", "displayName"}, {"value", "Entra User"}},
                        {{"op", "Add"}, {"path", "externalId"}, {"value", "0a1b2c"}}}}};
  Answer a = Send("PATCH", "/scim/v2/Users/" + id, patch);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["active"], false);
  EXPECT_EQ(a.body["emails"][0]["value"], "new@example.com");
  EXPECT_EQ(a.body["displayName"], "Entra User");
  Answer found = Send("GET", R"(/scim/v2/Users?filter=externalId eq "0a1b2c")");
  EXPECT_EQ(found.body["totalResults"], 1);
  // Bad ops and paths change nothing.
  const std::string before = Send("GET", "/scim/v2/Users/" + id).body.dump();
  ExpectError(Send("PATCH", "/scim/v2/Users/" + id,
                   {{"Operations", {{{"op", "Merge"}, {"path", "active"}, {"value", true}}}}}),
              400, "invalidValue");
  ExpectError(
      Send("PATCH", "/scim/v2/Users/" + id,
           {{"Operations", {{{"op", "replace"}, {"path", "emails[type eq"}, {"value", "x"}}}}}),
      400, "invalidPath");
  ExpectError(
      Send("PATCH", "/scim/v2/Users/" + id,
           {{"Operations", {{{"op", "add"}, {"path", "groups"}, {"value", {{{"value", "g"}}}}}}}}),
      400, "mutability");
  ExpectError(Send("PATCH", "/scim/v2/Users/" + id,
                   {{"Operations", {{{"op", "replace"}, {"path", "id"}, {"value", "x"}}}}}),
              400, "mutability");
  ExpectError(Send("PATCH", "/scim/v2/Users/" + id,
                   {{"Operations", {{{"op", "replace"}, {"path", "userName"}, {"value", "no"}}}}}),
              400, "invalidValue");
  ExpectError(Send("PATCH", "/scim/v2/Users/" + id,
                   {{"Operations",
                     {{{"op", "replace"}, {"path", "userName"}, {"value", "SCIM-Provisioner"}}}}}),
              409, "uniqueness");
  ExpectError(Send("PATCH", "/scim/v2/Users/" + id,
                   {{"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", "maybe"}}}}}),
              400, "invalidValue");
  EXPECT_EQ(Send("GET", "/scim/v2/Users/" + id).body.dump(), before);
}

// Entra renames a user when its UPN changes: the new name logs in, the old
// one is free, the id and the rest stay.
TEST_F(ScimServiceTest, AUserNameChangeRenames) {
  Answer made = Send("POST", "/scim/v2/Users",
                     {{"userName", "before.rename"}, {"password", "Summer-Breeze7!x"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = made.body["id"];
  Answer a = Send(
      "PATCH", "/scim/v2/Users/" + id,
      {{"Operations", {{{"op", "Replace"}, {"path", "userName"}, {"value", "after.rename"}}}}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["userName"], "after.rename");
  EXPECT_EQ(a.body["id"], id);
  EXPECT_EQ(engine_->Login(kTenant, "after.rename", "Summer-Breeze7!x")->auth.outcome,
            AuthOutcome::kSuccess);
  EXPECT_EQ(engine_->Login(kTenant, "before.rename", "Summer-Breeze7!x")->auth.outcome,
            AuthOutcome::kBadCredentials);
  EXPECT_EQ(CreateUser("before.rename").empty(), false);
}

TEST_F(ScimServiceTest, GroupsWithMembersAndUserGroups) {
  const std::string alice = CreateUser("alice");
  const std::string bob = CreateUser("bobby");
  Answer g = Send("POST", "/scim/v2/Groups",
                  {{"displayName", "Tour Guides"}, {"members", {{{"value", alice}}}}});
  ASSERT_EQ(g.status, 201) << g.body;
  const std::string gid = g.body["id"];
  EXPECT_EQ(g.body["members"][0]["value"], alice);
  EXPECT_EQ(Send("GET", "/scim/v2/Users/" + alice).body["groups"][0]["display"], "Tour Guides");
  ExpectError(Send("POST", "/scim/v2/Groups", {{"displayName", "tour guides"}}), 409, "uniqueness");
  const std::string v = *Send("GET", "/scim/v2/Groups/" + gid).Header("ETag");
  Answer added =
      Send("PATCH", "/scim/v2/Groups/" + gid,
           {{"Operations",
             {{{"op", "Add"}, {"path", "members"}, {"value", {{{"value", bob}}}}},
              {{"op", "Remove"}, {"path", absl::StrCat(R"(members[value eq ")", alice, "\"]")}}}}},
           {{"If-Match", v}});
  ASSERT_EQ(added.status, 200) << added.body;
  ASSERT_EQ(added.body["members"].size(), 1u);
  EXPECT_EQ(added.body["members"][0]["value"], bob);
  EXPECT_NE(*added.Header("ETag"), v);
  EXPECT_FALSE(Send("GET", "/scim/v2/Users/" + alice).body.contains("groups"));
  Answer filtered = Send(
      "GET", R"(/scim/v2/Groups?filter=displayName eq "tour guides"&excludedAttributes=members)");
  ASSERT_EQ(filtered.body["totalResults"], 1);
  EXPECT_FALSE(filtered.body["Resources"][0].contains("members"));
  ExpectError(
      Send("PATCH", "/scim/v2/Groups/" + gid,
           {{"Operations", {{{"op", "replace"}, {"path", "displayName"}, {"value", "X"}}}}}),
      400, "mutability");
  ExpectError(Send("PATCH", "/scim/v2/Groups/" + gid,
                   {{"Operations",
                     {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", "nobody"}}}}}}}}),
              400, "invalidValue");
  EXPECT_EQ(Send("DELETE", "/scim/v2/Groups/" + gid).status, 204);
  EXPECT_FALSE(Send("GET", "/scim/v2/Users/" + bob).body.contains("groups"));
  ExpectError(Send("GET", "/scim/v2/Groups/" + gid), 404, "");
}

TEST_F(ScimServiceTest, BulkResolvesBulkIdsAndStopsAtFailOnErrors) {
  const json bulk = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}},
                     {"failOnErrors", 1},
                     {"Operations",
                      {{{"method", "POST"},
                        {"path", "/Users"},
                        {"bulkId", "qwerty"},
                        {"data", {{"userName", "Alice"}}}},
                       {{"method", "POST"},
                        {"path", "/Groups"},
                        {"bulkId", "ytrewq"},
                        {"data",
                         {{"displayName", "Tour Guides"},
                          {"members", {{{"type", "User"}, {"value", "bulkId:qwerty"}}}}}}},
                       {{"method", "POST"},
                        {"path", "/Users"},
                        {"bulkId", "dup"},
                        {"data", {{"userName", "alice"}}}},
                       {{"method", "POST"},
                        {"path", "/Users"},
                        {"bulkId", "never"},
                        {"data", {{"userName", "never.made"}}}}}}};
  Answer a = Send("POST", "/scim/v2/Bulk", bulk);
  ASSERT_EQ(a.status, 200) << a.body;
  const json& ops = a.body["Operations"];
  ASSERT_EQ(ops.size(), 3u) << a.body;  // stopped after the first error
  EXPECT_EQ(ops[0]["status"], "201");
  EXPECT_EQ(ops[1]["status"], "201");
  EXPECT_EQ(ops[2]["status"], "409");
  EXPECT_EQ(ops[2]["response"]["scimType"], "uniqueness");
  const std::string group = ops[1]["location"].get<std::string>().substr(strlen(kUrl) + 16);
  const std::string alice = ops[0]["location"].get<std::string>().substr(strlen(kUrl) + 15);
  EXPECT_EQ(Send("GET", "/scim/v2/Groups/" + group).body["members"][0]["value"], alice);
  EXPECT_EQ(Send("GET", R"(/scim/v2/Users?filter=userName eq "never.made")").body["totalResults"],
            0);
  json too_many = {{"Operations", json::array()}};
  for (int i = 0; i < 1001; ++i)
    too_many["Operations"].push_back({{"method", "DELETE"}, {"path", "/Users/x"}});
  ExpectError(Send("POST", "/scim/v2/Bulk", too_many), 413, "tooMany");
}

TEST_F(ScimServiceTest, DiscoveryDeclaresWhatIsSupported) {
  Answer spc = Send("GET", "/scim/v2/ServiceProviderConfig");
  ASSERT_EQ(spc.status, 200);
  EXPECT_EQ(spc.body["sort"]["supported"], false);
  EXPECT_EQ(spc.body["etag"]["supported"], true);
  EXPECT_EQ(spc.body["bulk"]["maxOperations"], 1000);
  EXPECT_EQ(Send("GET", "/scim/v2/ResourceTypes").body["totalResults"], 2);
  Answer schema = Send("GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
  ASSERT_EQ(schema.status, 200);
  bool password_never = false;
  for (const json& attr : schema.body["attributes"]) {
    if (attr["name"] == "password") password_never = attr["returned"] == "never";
  }
  EXPECT_TRUE(password_never);
  ExpectError(Send("GET", "/scim/v2/Schemas/urn:nope"), 404, "");
  ExpectError(Send("GET", "/scim/v2/Me"), 501, "");
}

TEST_F(ScimServiceTest, PasswordsAreWriteOnlyAndFollowThePolicy) {
  Answer weak = Send("POST", "/scim/v2/Users", {{"userName", "weak.pw"}, {"password", "abc"}});
  ExpectError(weak, 400, "invalidValue");
  EXPECT_EQ(weak.body["detail"].get<std::string>().find("abc"), std::string::npos);
  EXPECT_EQ(weak.body["detail"].get<std::string>().rfind("password", 0), 0u) << weak.body;
  Answer ok =
      Send("POST", "/scim/v2/Users", {{"userName", "good.pw"}, {"password", "Summer-Breeze7!x"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_FALSE(ok.body.contains("password"));
  auto login = engine_->Login(kTenant, "good.pw", "Summer-Breeze7!x");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->auth.outcome, AuthOutcome::kSuccess);
}

}  // namespace
}  // namespace iam
