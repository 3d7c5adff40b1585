// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/json.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/memory_store.h"

namespace iam {
namespace {

std::set<std::string> Keys(const nlohmann::json& j) {
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  return keys;
}

TEST(JsonTest, UserRoundTripsThroughTheApiView) {
  User u;
  u.id = "0123456789abcdef0123456789abcdef";
  u.tenant = "t1";
  u.username = "alice.wong";
  u.email = "alice@example.com";
  u.groups = {"grp_a"};
  u.custom_fields = {{"badge", "B1234"}};
  u.created_at = absl::FromUnixMillis(1'800'000'000'123);
  const nlohmann::json j = ToJson(u, "https://iam.example.com/v3/users/" + u.id);
  EXPECT_EQ(j["domain_id"], "t1");
  EXPECT_EQ(j["name"], "alice.wong");
  EXPECT_EQ(j["links"]["self"], "https://iam.example.com/v3/users/" + u.id);
  EXPECT_EQ(j["created_at"], "2027-01-15T08:00:00.123Z");
  EXPECT_TRUE(j["password_expires_at"].is_null());
  absl::StatusOr<User> back = UserFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(ToJson(*back, "x").dump(), ToJson(u, "x").dump());
  EXPECT_EQ(ErrorReason(UserFromJson(nlohmann::json::array()).status()), "user.malformed");
}

TEST(JsonTest, EntryHasOneShapeForEveryKind) {
  DirectoryEntry e;
  e.kind = EntryKind::kOrganizationalUnit;
  e.tenant = "t1";
  e.id = "ou_x";
  e.name = "Engineering";
  EXPECT_EQ(Keys(ToJson(e)), (std::set<std::string>{"kind", "tenant", "id", "name", "description",
                                                    "version", "created_at", "updated_at"}));
  EXPECT_EQ(ToJson(e)["kind"], "organizational_unit");
  e.kind = EntryKind::kCustomField;
  EXPECT_EQ(Keys(ToJson(e)).count("allowed_values"), 1u);
  e.kind = EntryKind::kGroup;
  e.policies = {"ReadOnly"};
  EXPECT_EQ(ToJson(e)["policies"], nlohmann::json::array({"ReadOnly"}));
  e.kind = EntryKind::kPolicy;
  e.document = R"({"Version":"1","Statement":[]})";
  EXPECT_EQ(ToJson(e)["document"], e.document);
  EXPECT_EQ(ToJson(e)["type"], "custom");
  e.system = true;
  EXPECT_EQ(ToJson(e)["type"], "system");
}

TEST(JsonTest, ErrorShapeNamesCodeReasonFieldAndTheDialect) {
  const nlohmann::json j = ErrorToJson(*FindProfile("alibaba"),
                                       MakeError(absl::StatusCode::kAlreadyExists, "username",
                                                 "username.duplicate", "username: already in use"));
  EXPECT_EQ(Keys(j), (std::set<std::string>{"code", "reason", "field", "http_status",
                                            "provider_code", "message"}));
  EXPECT_EQ(j["code"], "ALREADY_EXISTS");
  EXPECT_EQ(j["http_status"], 403);
  EXPECT_EQ(j["provider_code"], "ResourceDuplicated.Username");
  const nlohmann::json bare = ErrorToJson(*FindProfile("huawei"), absl::InternalError("x"));
  EXPECT_TRUE(bare["reason"].is_null());
  EXPECT_TRUE(bare["field"].is_null());
}

TEST(JsonTest, SecretsAppearOnlyInTheSecretRendering) {
  CreateUserResult r;
  r.user.id = "u1";
  r.user.tenant = "t1";
  r.request_id = "req";
  r.generated_password = Secret(std::string("Gen-Passw0rd!"));
  r.access_key = IssuedAccessKey{"AKID", Secret(std::string("sk-0123456789")), absl::Now()};
  const nlohmann::json j = nlohmann::json::parse(ToSecretJson(r).Reveal());
  EXPECT_EQ(j["generated_password"], "Gen-Passw0rd!");
  EXPECT_EQ(j["access_key"]["secret"], "sk-0123456789");
  EXPECT_EQ(j["access_key"]["id"], "AKID");
  EXPECT_FALSE(j.contains("secrets_withheld"));
  r.replayed = true;
  r.generated_password.Clear();
  r.access_key->secret.Clear();
  const nlohmann::json replay = nlohmann::json::parse(ToSecretJson(r).Reveal());
  EXPECT_FALSE(replay.contains("generated_password"));
  EXPECT_FALSE(replay["access_key"].contains("secret"));
  EXPECT_EQ(replay["secrets_withheld"], true);
  const nlohmann::json key = nlohmann::json::parse(
      ToSecretJson(IssuedAccessKey{"AK2", Secret(std::string("s2")), {}}).Reveal());
  EXPECT_EQ(Keys(key), (std::set<std::string>{"id", "secret", "created_at"}));
}

TEST(JsonTest, BatchItemsCarryTheirIndex) {
  BatchCreateResult batch;
  batch.items.push_back(MakeError(absl::StatusCode::kAborted, "", "batch.aborted", "sibling"));
  batch.items.push_back(InvalidField("username", "username.too_short", "short"));
  const nlohmann::json j =
      nlohmann::json::parse(ToSecretJson(batch, *FindProfile("huawei")).Reveal());
  EXPECT_EQ(j["committed"], false);
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][1]["index"], 1);
  EXPECT_EQ(j["items"][1]["error"]["field"], "username");
  EXPECT_EQ(j["items"][0]["error"]["http_status"], 400);
}

}  // namespace
}  // namespace iam
