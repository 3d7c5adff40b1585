// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Golden replays: the requests the clouds' own Node SDKs sent, byte for byte
// (tests/wire/golden/*.json, captured by tests/e2e/capture_golden.mjs), fed to
// the wire layer in order with the clock at each request's own time. Each
// answer must match what the cloud's API reference says it holds ("expect").
// The fixtures' keys and the ids their requests name are seeded first; a
// captured request altered by one byte or sent twice is refused.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "credentials/sealer.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/memory_store.h"
#include "iam/wire.h"
#include "nlohmann/json.hpp"
#include "wire/percent_encoding.h"

namespace iam {
namespace {

using nlohmann::json;

constexpr char kHostKey[] = "golden-host-key-0123456789abcdef";  // 32 bytes

json LoadFixture(const std::string& name) {
  std::ifstream in(std::string(IAM_GOLDEN_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

// "" when `actual` matches `pattern` (the language of capture_golden.mjs),
// else where and why it does not.
std::string Mismatch(const json& pattern, const json& actual, const std::string& where) {
  if (pattern.is_string()) {
    const std::string p = pattern;
    if (p == "<string>") return actual.is_string() ? "" : where + ": not a string";
    if (p == "<number>") return actual.is_number() ? "" : where + ": not a number";
    if (p == "<array>") return actual.is_array() ? "" : where + ": not an array";
  }
  if (pattern.is_object()) {
    if (!actual.is_object()) return where + ": not an object";
    for (const auto& [key, sub] : pattern.items()) {
      const std::string at = where + "." + key;
      if (sub == "<absent>") {
        if (actual.contains(key)) return at + ": present";
        continue;
      }
      if (!actual.contains(key)) return at + ": missing";
      std::string why = Mismatch(sub, actual[key], at);
      if (!why.empty()) return why;
    }
    return "";
  }
  if (pattern.is_array()) {
    if (!actual.is_array()) return where + ": not an array";
    for (size_t i = 0; i < pattern.size(); ++i) {
      bool found = false;
      for (const json& element : actual) found = found || Mismatch(pattern[i], element, "").empty();
      if (!found) return absl::StrCat(where, "[", i, "]: no element matches ", pattern[i].dump());
    }
    return "";
  }
  // Numbers compare by value, whatever their JSON type (10000042 matches
  // 10000042u, 2 matches 2.0).
  if (pattern.is_number() && actual.is_number()) {
    return pattern.get<double>() == actual.get<double>() ? "" : where + ": " + actual.dump();
  }
  return pattern == actual ? "" : where + ": " + actual.dump() + " is not " + pattern.dump();
}

// The request's own signing time: X-TC-Timestamp, x-acs-date, or RPC's
// Timestamp parameter (query or form body).
absl::Time SignedAt(const WireRequest& r) {
  int64_t seconds = 0;
  if (const std::string* tc = FindHeader(r.headers, "X-TC-Timestamp")) {
    if (absl::SimpleAtoi(*tc, &seconds)) return absl::FromUnixSeconds(seconds);
  }
  std::string iso;
  if (const std::string* acs = FindHeader(r.headers, "x-acs-date")) iso = *acs;
  for (const std::string& part : {r.query, r.body}) {
    for (absl::string_view pair : absl::StrSplit(part, '&')) {
      if (absl::ConsumePrefix(&pair, "Timestamp=")) iso = wire::PercentDecode(pair);
    }
  }
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", iso, &t, &error)) << iso << ": " << error;
  return t;
}

WireRequest FromFixture(const json& request) {
  WireRequest r;
  r.method = request["method"];
  r.path = request["path"];
  r.query = request["query"];
  r.body = request["body"];
  for (const json& header : request["headers"]) r.headers.push_back({header[0], header[1]});
  r.peer = "127.0.0.1:40000";
  return r;
}

class GoldenReplayTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    fixture_ = LoadFixture(GetParam());
    ASSERT_TRUE(fixture_.is_object()) << "cannot read " << GetParam();
    tenant_ = fixture_["tenant"];
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.profile = FindProfile(fixture_["profile"].get<std::string>());
    ASSERT_NE(o.profile, nullptr);
    o.clock = &clock_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = kHostKey;
    engine_ = std::make_unique<Engine>(o, &store_);
    WireOptions w;
    w.clock = &clock_;
    wire_ = std::make_unique<WireService>(engine_.get(), w);
    auto sealer = internal::Sealer::Create({{o.host_key_id, kHostKey}}, o.host_key_id);
    ASSERT_TRUE(sealer.ok());
    sealer_ = std::make_unique<internal::Sealer>(*std::move(sealer));
    Seed(fixture_["seeded"]);
  }

  void Seed(const json& seeded) {
    std::string root_ou;
    for (const json& ou : seeded.value("ous", json::array())) {
      AddEntry(EntryKind::kOrganizationalUnit, ou["id"], ou["name"]);
      if (root_ou.empty()) root_ou = ou["id"];
    }
    for (const json& group : seeded.value("groups", json::array())) {
      AddEntry(EntryKind::kGroup, group["id"], group["name"]);
    }
    for (const json& field : seeded.value("custom_fields", json::array())) {
      DirectoryEntry e;
      e.kind = EntryKind::kCustomField;
      e.tenant = tenant_;
      e.name = field["name"];
      e.field_type = "number";
      ASSERT_TRUE(engine_->CreateEntry({}, e).ok());
    }
    const std::string admin = AddUser("admin01", "admin01@example.com", root_ou, "");
    AddKey(fixture_["access_key"], admin, fixture_["secret"]);
    for (const json& user : seeded.value("users", json::array())) {
      AddUser(user["username"], user["email"], user.value("primary_ou", ""), user["id"]);
    }
    for (const json& key : seeded.value("access_keys", json::array())) {
      AddKey(key["id"], key["user"], key["secret"]);
    }
  }
  void AddEntry(EntryKind kind, const std::string& id, const std::string& name) {
    DirectoryEntry e;
    e.kind = kind;
    e.tenant = tenant_;
    e.id = id;
    e.name = name;
    e.created_at = clock_.Now();
    ASSERT_TRUE(store_.CreateEntry(e).ok()) << id;
  }
  // Creates the user through the engine, then gives it the fixture's id
  // (`id` "" keeps the generated one). Returns the id.
  std::string AddUser(const std::string& username, const std::string& email,
                      const std::string& primary_ou, const std::string& id) {
    CreateUserRequest r;
    r.tenant = tenant_;
    r.username = username;
    r.email = email;
    r.email_verified = true;
    r.primary_ou = primary_ou;
    auto created = engine_->CreateUser(r);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok() || id.empty()) return created.ok() ? created->user.id : "";
    auto record = store_.FindUser(tenant_, UserKey::kId, created->user.id);
    EXPECT_TRUE(record.ok());
    WriteSet remove;
    remove.tenant = tenant_;
    remove.deleted_user_ids = {created->user.id};
    EXPECT_TRUE(store_.Commit(remove).ok());
    record->user.id = id;
    record->user.external_id = id;
    WriteSet add;
    add.new_users = {*record};
    EXPECT_TRUE(store_.Commit(add).ok());
    return id;
  }
  // An access key whose secret the fixture's SDK signed with.
  void AddKey(const std::string& id, const std::string& user, const std::string& secret) {
    AccessKeyRecord k;
    k.id = id;
    k.tenant = tenant_;
    k.user_id = user;
    k.key_id = sealer_->current_key_id();
    k.sealed_secret = sealer_->Seal(secret, id);
    k.created_at = clock_.Now();
    WriteSet add;
    add.new_access_keys = {k};
    ASSERT_TRUE(store_.Commit(add).ok()) << id;
  }
  // Sends a captured request at its own signing time.
  std::pair<int, json> Replay(const WireRequest& r) {
    clock_.Set(SignedAt(r) + absl::Seconds(1));
    WireResponse res = wire_->Handle(r);
    return {res.status, json::parse(std::string(res.body.view()), nullptr, false)};
  }
  size_t Users() {
    ListUsersRequest r;
    r.tenant = tenant_;
    return engine_->ListUsers(r)->users.size();
  }

  json fixture_;
  std::string tenant_;
  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  MemoryStore store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WireService> wire_;
  std::unique_ptr<internal::Sealer> sealer_;
};

TEST_P(GoldenReplayTest, EveryCapturedRequestIsAnsweredAsTheApiReferenceSays) {
  const json& exchanges = fixture_["exchanges"];
  ASSERT_GE(exchanges.size(), 5u);
  for (const json& x : exchanges) {
    SCOPED_TRACE(x["name"].get<std::string>());
    auto [status, body] = Replay(FromFixture(x["request"]));
    EXPECT_EQ(status, x["expect"]["status"].get<int>()) << body.dump();
    const std::string why = Mismatch(x["expect"]["body"], body, "body");
    EXPECT_TRUE(why.empty()) << why << "\n" << body.dump();
  }
}

// The first exchange creates a user: one byte of a parameter changed, the
// same request is refused with the dialect's signature error and creates
// nothing; unchanged, it passes; sent again, a nonce-guarded scheme refuses it.
TEST_P(GoldenReplayTest, AlteredOrRepeatedCapturedRequestIsRefused) {
  const WireRequest original = FromFixture(fixture_["exchanges"][0]["request"]);
  const std::string profile = fixture_["profile"];
  const auto signature_error = [&](const json& body) {
    const json& error =
        profile == "tencent" ? body["Response"].value("Error", json::object()) : body;
    return error.value("Code", "");
  };
  WireRequest altered = original;
  std::string& carrier = altered.query.empty() ? altered.body : altered.query;
  const size_t at = carrier.find("Username=user_00");
  const size_t name_at = at != std::string::npos ? at + 16 : carrier.find("\"alice\"") + 1;
  ASSERT_LT(name_at, carrier.size());
  carrier[name_at] = 'X';
  const size_t before = Users();
  auto [status, body] = Replay(altered);
  EXPECT_EQ(signature_error(body),
            profile == "tencent" ? "AuthFailure.SignatureFailure" : "SignatureDoesNotMatch")
      << body.dump();
  EXPECT_EQ(Users(), before);

  auto first = Replay(original);
  EXPECT_EQ(first.first, 200) << first.second.dump();
  EXPECT_EQ(signature_error(first.second), "") << first.second.dump();
  EXPECT_EQ(Users(), before + 1);
  if (profile != "tencent") {  // ACS3 and RPC v1 accept each nonce once
    auto again = Replay(original);
    EXPECT_EQ(signature_error(again.second), "SignatureNonceUsed") << again.second.dump();
    EXPECT_EQ(Users(), before + 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Sdks, GoldenReplayTest,
                         ::testing::Values("tencent_cam.json", "alibaba_acs3.json",
                                           "alibaba_rpc.json"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

}  // namespace
}  // namespace iam
