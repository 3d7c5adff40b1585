// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/engine.h"

#include <re2/re2.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "iam/access_key.h"
#include "iam/authorizer.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/memory_store.h"
#include "store_param.h"

namespace iam {
namespace {

const std::string kHostKey(32, 'k');

class EngineTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  EngineOptions Options(const char* profile = "huawei") {
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.profile = FindProfile(profile);
    o.clock = &clock_;
    o.notifier = &notifier_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = kHostKey;
    o.outbox_backoff_jitter = 0;  // exact: the outbox tests count seconds
    return o;
  }
  Engine& engine(const char* profile = "huawei") {
    if (!engine_) engine_ = std::make_unique<Engine>(Options(profile), store_.get());
    return *engine_;
  }
  static CreateUserRequest Basic(const std::string& username) {
    CreateUserRequest r;
    r.tenant = "tenant1";
    r.username = username;
    r.password_mode = PasswordMode::kGenerated;
    return r;
  }
  // Basic, its generated password sent by email.
  static CreateUserRequest Emailed(const std::string& username, const std::string& email) {
    CreateUserRequest r = Basic(username);
    r.email = email;
    r.notify = {Channel::kEmail};
    return r;
  }
  static void ExpectError(const absl::Status& s, absl::StatusCode code, const std::string& field,
                          const std::string& reason) {
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_EQ(ErrorField(s), field) << s;
    EXPECT_EQ(ErrorReason(s), reason) << s;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  CapturingNotifier notifier_;
  TempDbPath db_;
  std::unique_ptr<Store> store_ = MakeStore(GetParam(), db_);
  std::unique_ptr<Engine> engine_;
};

TEST_P(EngineTest, GeneratedPasswordIsReturnedOnceAndSatisfiesPolicy) {
  auto r = engine().CreateUser(Basic("alice.wong"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->generated_password.size(), 10u);  // seed 000
  EXPECT_TRUE(engine().PasswordCheckerFor("tenant1")->IsValid(r->generated_password.view(),
                                                              {"alice.wong", "", ""}));
  EXPECT_TRUE(RE2::FullMatch(r->user.id, "[0-9a-f]{32}"));
  EXPECT_TRUE(RE2::FullMatch(
      r->request_id, "[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"));
  EXPECT_EQ(r->self_link, "https://iam.example.com/v3/users/" + r->user.id);
  EXPECT_TRUE(r->user.password_reset_required);  // on by default (seed 000)
  EXPECT_EQ(r->user.external_id, r->user.id);
  EXPECT_EQ(r->user.password_expires_at, absl::InfiniteFuture());
  // The stored record holds a hash, never the password.
  auto stored = store_->FindUser("tenant1", UserKey::kId, r->user.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(stored->password_hash.find(std::string(r->generated_password.view())),
            std::string::npos);
  const std::string json = ToJson(stored->user).dump();
  EXPECT_EQ(json.find("argon2"), std::string::npos);
  EXPECT_NE(json.find("\"password_expires_at\":null"), std::string::npos);
}

TEST_P(EngineTest, ValidityPeriodGivesPasswordExpiresAt) {
  PasswordPolicy policy = FindProfile("huawei")->password;
  policy.validity_days = 90;
  ASSERT_TRUE(engine().SetPasswordPolicy("tenant1", policy).ok());
  auto r = engine().CreateUser(Basic("alice.wong"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->user.password_expires_at, clock_.Now() + absl::Hours(24 * 90));
  EXPECT_NE(ToSecretJson(*r).Reveal().find("\"password_expires_at\":\"2027-"), std::string::npos);
}

TEST_P(EngineTest, ManualPasswordCheckedAgainstTenantPolicy) {
  CreateUserRequest r = Basic("A12345");
  r.password_mode = PasswordMode::kManual;
  r.password = Secret(std::string("54321a"));
  ExpectError(engine().CreateUser(std::move(r)).status(), absl::StatusCode::kInvalidArgument,
              "password", "password.reversed_username");
  CreateUserRequest ok = Basic("A12345");
  ok.password_mode = PasswordMode::kManual;
  ok.password = Secret(std::string("Summer-Breeze7"));
  ok.require_password_reset = false;
  auto created = engine().CreateUser(std::move(ok));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->generated_password.empty());
  EXPECT_FALSE(created->user.password_reset_required);
}

TEST_P(EngineTest, DuplicateUsernameIsCaseInsensitivePerTenant) {
  ASSERT_TRUE(engine().CreateUser(Basic("alice.wong")).ok());
  ExpectError(engine().CreateUser(Basic("ALICE.WONG")).status(), absl::StatusCode::kAlreadyExists,
              "username", "username.duplicate");
  CreateUserRequest other = Basic("Alice.Wong");
  other.tenant = "tenant2";
  EXPECT_TRUE(engine().CreateUser(std::move(other)).ok());
}

TEST_P(EngineTest, DuplicateEmailAndPhoneRejected) {
  CreateUserRequest a = Basic("alice.wong");
  a.email = "Alice@Example.com";
  a.phone_region = "86";
  a.phone = "13800000000";
  ASSERT_TRUE(engine().CreateUser(std::move(a)).ok());
  CreateUserRequest b = Basic("bob.smith");
  b.email = "alice@example.COM";
  ExpectError(engine().CreateUser(std::move(b)).status(), absl::StatusCode::kAlreadyExists, "email",
              "email.duplicate");
  CreateUserRequest c = Basic("carol.jones");
  c.phone_region = "86";
  c.phone = "13800000000";
  ExpectError(engine().CreateUser(std::move(c)).status(), absl::StatusCode::kAlreadyExists, "phone",
              "phone.duplicate");
}

TEST_P(EngineTest, DuplicateAndReplayAnsweredBeforeHashing) {
  // An engine whose Argon2 parameters are invalid fails any hash; if it answers
  // a duplicate or a replay correctly, it did so without hashing.
  CreateUserRequest first = Basic("alice.wong");
  first.client_token = "token-1";
  auto created = engine().CreateUser(std::move(first));
  ASSERT_TRUE(created.ok());
  EngineOptions broken = Options();
  broken.argon2.ops_limit = 0;
  Engine no_hash(broken, store_.get());
  CreateUserRequest fresh = Basic("new.user");
  EXPECT_EQ(ErrorReason(no_hash.CreateUser(std::move(fresh)).status()), "argon2.invalid_params");
  ExpectError(no_hash.CreateUser(Basic("Alice.Wong")).status(), absl::StatusCode::kAlreadyExists,
              "username", "username.duplicate");
  CreateUserRequest again = Basic("alice.wong");
  again.client_token = "token-1";
  auto replay = no_hash.CreateUser(std::move(again));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->user.id, created->user.id);
}

TEST_P(EngineTest, ClientTokenReplaysFirstResponseWithoutSecrets) {
  CreateUserRequest r = Basic("alice.wong");
  r.client_token = "client-token-example";
  r.access_key = true;
  auto first = engine().CreateUser(std::move(r));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->access_key.has_value());
  EXPECT_FALSE(first->access_key->secret.empty());
  CreateUserRequest same = Basic("alice.wong");
  same.client_token = "client-token-example";
  same.access_key = true;
  auto second = engine().CreateUser(std::move(same));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->user.id, first->user.id);
  EXPECT_EQ(second->request_id, first->request_id);
  EXPECT_TRUE(second->generated_password.empty());
  ASSERT_TRUE(second->access_key.has_value());
  EXPECT_EQ(second->access_key->id, first->access_key->id);
  EXPECT_TRUE(second->access_key->secret.empty());
  EXPECT_NE(ToSecretJson(*second).Reveal().find("\"secrets_withheld\":true"), std::string::npos);
  // A different request with the same token is a distinct error.
  CreateUserRequest different = Basic("bob.smith");
  different.client_token = "client-token-example";
  ExpectError(engine().CreateUser(std::move(different)).status(),
              absl::StatusCode::kFailedPrecondition, "client_token", "idempotency.mismatch");
  EXPECT_EQ(MapError(*FindProfile("alibaba"), MakeError(absl::StatusCode::kFailedPrecondition,
                                                        "client_token", "idempotency.mismatch", ""))
                .provider_code,
            "IdempotentParameterMismatch");
}

TEST_P(EngineTest, ClientTokenExpiresAfterWindow) {
  CreateUserRequest r = Basic("alice.wong");
  r.client_token = "tok";
  ASSERT_TRUE(engine().CreateUser(std::move(r)).ok());
  clock_.Advance(absl::Hours(23));
  CreateUserRequest other = Basic("bob.smith");
  other.client_token = "tok";
  EXPECT_EQ(ErrorReason(engine().CreateUser(std::move(other)).status()), "idempotency.mismatch");
  clock_.Advance(absl::Hours(2));  // past the 24 h window
  CreateUserRequest later = Basic("bob.smith");
  later.client_token = "tok";
  auto created = engine().CreateUser(std::move(later));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->replayed);
}

TEST_P(EngineTest, ClientTokenMustBePrintableAsciiAtMost64) {
  CreateUserRequest r = Basic("alice.wong");
  r.client_token = std::string(65, 'a');
  ExpectError(engine().CreateUser(std::move(r)).status(), absl::StatusCode::kInvalidArgument,
              "client_token", "client_token.invalid");
  CreateUserRequest u = Basic("alice.wong");
  u.client_token = "caf\xc3\xa9";
  EXPECT_EQ(ErrorReason(engine().CreateUser(std::move(u)).status()), "client_token.invalid");
  CreateUserRequest ok = Basic("alice.wong");
  ok.client_token = std::string(64, 'a');
  EXPECT_TRUE(engine().CreateUser(std::move(ok)).ok());
}

TEST_P(EngineTest, ThreadsRacingForOneUsernameCreateOneUser) {
  Engine& e = engine();
  std::atomic<int> created{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      CreateUserRequest r = Basic(i % 2 ? "race.user" : "RACE.USER");
      auto result = e.CreateUser(std::move(r));
      if (result.ok()) {
        ++created;
      } else if (ErrorReason(result.status()) == "username.duplicate") {
        ++duplicates;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
}

TEST_P(EngineTest, ThreadsRacingWithOneClientTokenGetOneUser) {
  Engine& e = engine();
  std::vector<std::string> ids(8), request_ids(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      CreateUserRequest r = Basic("token.user");
      r.client_token = "shared-token";
      auto result = e.CreateUser(std::move(r));
      ASSERT_TRUE(result.ok()) << result.status();
      ids[i] = result->user.id;
      request_ids[i] = result->request_id;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(std::set<std::string>(request_ids.begin(), request_ids.end()).size(), 1u);
  ListUsersQuery everyone;
  everyone.tenant = "tenant1";
  auto page = store_->ListUsers(everyone);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->users.size(), 1u);
}

TEST_P(EngineTest, AlibabaRequiresPrimaryOuAndVerifiedFlags) {
  Engine& e = engine("alibaba");
  DirectoryEntry ou;
  ou.kind = EntryKind::kOrganizationalUnit;
  ou.tenant = "idaas_ue2jvisn35ea5lmthk267xxxxx";
  ou.name = "Engineering";
  auto created_ou = e.CreateEntry({}, ou);
  ASSERT_TRUE(created_ou.ok()) << created_ou.status();
  EXPECT_TRUE(RE2::FullMatch(created_ou->id, "ou_[a-z2-7]{26}"));
  CreateUserRequest r;
  r.tenant = ou.tenant;
  r.username = "user_001";
  r.password_mode = PasswordMode::kGenerated;  // PasswordInitializationType=random
  ExpectError(e.CreateUser(r).status(), absl::StatusCode::kInvalidArgument, "primary_ou",
              "ou.primary_required");
  r.primary_ou = "Engineering";
  r.email = "example@example.com";
  ExpectError(e.CreateUser(r).status(), absl::StatusCode::kInvalidArgument, "email_verified",
              "email_verified.required");
  r.email_verified = true;
  r.phone = "12345678901";
  ExpectError(e.CreateUser(r).status(), absl::StatusCode::kInvalidArgument, "phone_verified",
              "phone_verified.required");
  r.phone_verified = true;
  r.phone_region = "86";
  auto user = e.CreateUser(r);
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_TRUE(RE2::FullMatch(user->user.id, "user_[a-z2-7]{26}"));
  EXPECT_EQ(user->user.primary_ou, created_ou->id);
  // Seed 003: a duplicate username is 403 ResourceDuplicated.Username.
  r.email = "other@example.com";
  r.phone = "12345678902";
  auto status = e.CreateUser(r).status();
  const HttpError http = MapError(e.profile(), status);
  EXPECT_EQ(http.http_status, 403);
  EXPECT_EQ(http.provider_code, "ResourceDuplicated.Username");
}

TEST_P(EngineTest, CrossFieldRules) {
  CreateUserRequest link = Basic("alice.wong");
  link.password_mode = PasswordMode::kFirstLoginLink;
  ExpectError(engine().CreateUser(link).status(), absl::StatusCode::kInvalidArgument, "email",
              "login_link.email_required");
  CreateUserRequest sms = Basic("alice.wong");
  sms.email = "alice@example.com";
  sms.sms_login_verification = true;
  ExpectError(engine().CreateUser(sms).status(), absl::StatusCode::kInvalidArgument,
              "sms_login_verification", "login_protection.requires_email_and_phone");
  // Seed 004 asks only for the name: under huawei a user without any
  // credential needs no contact field (it used to).
  CreateUserRequest bare = Basic("carol.jones");
  bare.password_mode = PasswordMode::kNone;
  auto bare_ok = engine().CreateUser(bare);
  ASSERT_TRUE(bare_ok.ok()) << bare_ok.status();
  EXPECT_FALSE(bare_ok->user.console_access);
  // Under tencent such a user is a message recipient (seed 001) and needs one.
  Engine tencent(Options("tencent"), store_.get());
  CreateUserRequest recipient = Basic("alice.wong");
  recipient.password_mode = PasswordMode::kNone;
  ExpectError(tencent.CreateUser(recipient).status(), absl::StatusCode::kInvalidArgument, "email",
              "recipient.contact_required");
  recipient.email = "alice@example.com";
  auto ok = tencent.CreateUser(recipient);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_FALSE(ok->user.console_access);
  EXPECT_FALSE(ok->user.password_reset_required);
  CreateUserRequest notify = Basic("bob.smith");
  notify.notify = {Channel::kSms};
  ExpectError(engine().CreateUser(notify).status(), absl::StatusCode::kInvalidArgument, "notify[0]",
              "notify.phone_required");
  CreateUserRequest unexpected = Basic("bob.smith");
  unexpected.password = Secret(std::string("Summer-Breeze7"));
  ExpectError(engine().CreateUser(std::move(unexpected)).status(),
              absl::StatusCode::kInvalidArgument, "password", "password.unexpected");
  CreateUserRequest bad_email = Basic("bob.smith");
  bad_email.email = "bob@";
  EXPECT_EQ(ErrorField(engine().CreateUser(bad_email).status()), "email");
  CreateUserRequest region_only = Basic("bob.smith");
  region_only.phone_region = "86";
  ExpectError(engine().CreateUser(region_only).status(), absl::StatusCode::kInvalidArgument,
              "phone", "phone.required");
  CreateUserRequest bad_tenant = Basic("bob.smith");
  bad_tenant.tenant = "bad tenant";
  ExpectError(engine().CreateUser(bad_tenant).status(), absl::StatusCode::kInvalidArgument,
              "tenant", "tenant.invalid");
  // Nothing was written by any of the failures above: only the bare user and
  // the recipient exist.
  ListUsersQuery everyone;
  everyone.tenant = "tenant1";
  auto page = store_->ListUsers(everyone);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->users.size(), 2u);
}

TEST_P(EngineTest, ReferencesMustExistAndAreNamed) {
  DirectoryEntry g;
  g.kind = EntryKind::kGroup;
  g.tenant = "tenant1";
  g.name = "Developers";
  ASSERT_TRUE(engine().CreateEntry({}, g).ok());
  CreateUserRequest r = Basic("alice.wong");
  r.groups = {"developers", "Operators"};
  auto s = engine().CreateUser(r).status();
  ExpectError(s, absl::StatusCode::kNotFound, "groups[1]", "group.not_found");
  EXPECT_NE(s.message().find("Operators"), absl::string_view::npos);
  EXPECT_EQ(MapError(engine().profile(), s).http_status, 404);
  r.groups = {"developers", "DEVELOPERS"};
  auto ok = engine().CreateUser(r);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->user.groups.size(), 1u);  // one group, named twice
  CreateUserRequest ou = Basic("bob.smith");
  ou.ous = {"nowhere"};
  ExpectError(engine().CreateUser(ou).status(), absl::StatusCode::kNotFound, "ous[0]",
              "ou.not_found");
}

TEST_P(EngineTest, GroupsListByKeywordAndDeleteOnlyWhenUnused) {
  for (const char* name : {"Developers", "DevOps", "Finance"}) {
    DirectoryEntry g;
    g.kind = EntryKind::kGroup;
    g.tenant = "tenant1";
    g.name = name;
    ASSERT_TRUE(engine().CreateEntry({}, g).ok());
  }
  DirectoryEntry dup;
  dup.kind = EntryKind::kGroup;
  dup.tenant = "tenant1";
  dup.name = "FINANCE";
  ExpectError(engine().CreateEntry({}, dup).status(), absl::StatusCode::kAlreadyExists, "name",
              "group.duplicate");
  auto dev = engine().ListEntries({}, EntryKind::kGroup, "tenant1", "dev");
  ASSERT_TRUE(dev.ok());
  ASSERT_EQ(dev->size(), 2u);
  EXPECT_EQ((*dev)[0].name, "Developers");
  EXPECT_EQ((*dev)[1].name, "DevOps");
  CreateUserRequest r = Basic("alice.wong");
  r.groups = {"Finance"};
  ASSERT_TRUE(engine().CreateUser(r).ok());
  ExpectError(engine().DeleteEntry({}, EntryKind::kGroup, "tenant1", "Finance"),
              absl::StatusCode::kFailedPrecondition, "id", "group.in_use");
  EXPECT_TRUE(engine().DeleteEntry({}, EntryKind::kGroup, "tenant1", "DevOps").ok());
  auto all = engine().ListEntries({}, EntryKind::kGroup, "tenant1", "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_P(EngineTest, CustomFieldsAreDefinedThenChecked) {
  DirectoryEntry age;
  age.kind = EntryKind::kCustomField;
  age.tenant = "tenant1";
  age.name = "age";
  age.field_type = "number";
  age.max_length = 3;
  ASSERT_TRUE(engine().CreateEntry({}, age).ok());
  DirectoryEntry level;
  level.kind = EntryKind::kCustomField;
  level.tenant = "tenant1";
  level.name = "level";
  level.field_type = "enum";
  level.allowed_values = {"junior", "senior"};
  ASSERT_TRUE(engine().CreateEntry({}, level).ok());
  DirectoryEntry badge;
  badge.kind = EntryKind::kCustomField;
  badge.tenant = "tenant1";
  badge.name = "badge";
  badge.pattern = "B[0-9]{4}";
  ASSERT_TRUE(engine().CreateEntry({}, badge).ok());
  DirectoryEntry broken = badge;
  broken.name = "broken";
  broken.pattern = "(";
  EXPECT_EQ(ErrorReason(engine().CreateEntry({}, broken).status()), "custom_field.invalid_pattern");

  auto with = [&](std::vector<CustomFieldValue> fields) {
    CreateUserRequest r = Basic("alice.wong");
    r.custom_fields = std::move(fields);
    return engine().CreateUser(std::move(r)).status();
  };
  ExpectError(with({{"age", "ten"}}), absl::StatusCode::kInvalidArgument, "custom_fields[0]",
              "custom_field.not_a_number");
  ExpectError(with({{"age", "1000"}}), absl::StatusCode::kInvalidArgument, "custom_fields[0]",
              "custom_field.too_long");
  ExpectError(with({{"age", "10"}, {"level", "chief"}}), absl::StatusCode::kInvalidArgument,
              "custom_fields[1]", "custom_field.not_allowed");
  ExpectError(with({{"badge", "X1234"}}), absl::StatusCode::kInvalidArgument, "custom_fields[0]",
              "custom_field.pattern_mismatch");
  ExpectError(with({{"height", "180"}}), absl::StatusCode::kNotFound, "custom_fields[0]",
              "custom_field.not_found");
  EXPECT_TRUE(with({{"age", "10"}, {"level", "senior"}, {"badge", "B1234"}}).ok());
  auto user = engine().GetUser({}, "tenant1", "alice.wong");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->custom_fields.at("level"), "senior");
  EXPECT_EQ(engine().DeleteEntry({}, EntryKind::kCustomField, "tenant1", "age").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(EngineTest, QuickCreateAttachesAdministratorAccess) {
  CreateUserRequest r = Basic("admin.user");
  r.quick_create = true;
  r.policies = {"readonlyaccess"};  // a system policy, by name in any ASCII case
  auto created = engine("tencent").CreateUser(std::move(r));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->user.policies,
            (std::vector<std::string>{"ReadOnlyAccess", "AdministratorAccess"}));
  EXPECT_EQ(created->generated_password.size(), 32u);  // Tencent AddUser
  EXPECT_TRUE(RE2::FullMatch(created->user.id, "1[0-9]{11}"));
}

TEST_P(EngineTest, AccessKeySecretIsSealedAtRest) {
  CreateUserRequest r = Basic("api.user");
  r.password_mode = PasswordMode::kNone;
  r.access_key = true;
  auto created = engine("tencent").CreateUser(std::move(r));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(created->access_key.has_value());
  EXPECT_TRUE(MatchesFormat(FindProfile("tencent")->access_key.id, created->access_key->id));
  auto stored = store_->FindAccessKey(created->access_key->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->user_id, created->user.id);
  EXPECT_EQ(stored->sealed_secret.find(std::string(created->access_key->secret.view())),
            std::string::npos);
  EXPECT_EQ(stored->sealed_secret.rfind("k1:", 0), 0u);
}

TEST_P(EngineTest, LoginLinkIsSentByEmailAndTokenStoredHashed) {
  CreateUserRequest r = Basic("alice.wong");
  r.password_mode = PasswordMode::kFirstLoginLink;
  r.email = "alice@example.com";
  auto created = engine().CreateUser(std::move(r));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->login_link_sent);
  EXPECT_FALSE(created->user.password_reset_required);
  auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].channel, "email");
  EXPECT_EQ(sent[0].recipient, "alice@example.com");
  EXPECT_EQ(sent[0].kind, "login_link");
  std::string token;
  ASSERT_TRUE(RE2::FullMatch(sent[0].body, ".*token=([A-Za-z0-9_-]{43})", &token));
  auto stored_user = store_->FindUser("tenant1", UserKey::kId, created->user.id);
  ASSERT_TRUE(stored_user.ok());
  EXPECT_TRUE(stored_user->password_hash.empty());
  EXPECT_EQ(stored_user->user.password_changed_at, absl::InfinitePast());
}

TEST_P(EngineTest, OutboxSurvivesNotifierFailuresWithBackoff) {
  notifier_.FailNext(3);
  CreateUserRequest r = Emailed("alice.wong", "alice@example.com");
  auto created = engine().CreateUser(std::move(r));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(notifier_.attempts(), 1);  // tried right after the commit
  EXPECT_EQ(*store_->PendingOutbox(), 1);
  EXPECT_EQ(*engine().DispatchOutbox(), 0);  // not due yet: 1 s backoff
  EXPECT_EQ(notifier_.attempts(), 1);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(*engine().DispatchOutbox(), 0);  // second failure, next in 2 s
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(*engine().DispatchOutbox(), 0);  // not due
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(*engine().DispatchOutbox(), 0);  // third failure, next in 4 s
  clock_.Advance(absl::Seconds(4));
  EXPECT_EQ(*engine().DispatchOutbox(), 1);
  EXPECT_EQ(notifier_.attempts(), 4);
  EXPECT_EQ(*store_->PendingOutbox(), 0);
  auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].body.find(std::string(created->generated_password.view())), std::string::npos);
}

TEST_P(EngineTest, OutboxBackoffIsJittered) {
  EngineOptions o = Options();
  o.outbox_backoff_jitter = 0.5;
  o.outbox_backoff_initial = absl::Seconds(8);
  engine_ = std::make_unique<Engine>(o, store_.get());
  notifier_.FailNext(20);
  for (int i = 0; i < 20; ++i) {
    CreateUserRequest r = Emailed(absl::StrCat("user.", i), absl::StrCat("u", i, "@example.com"));
    ASSERT_TRUE(engine().CreateUser(std::move(r)).ok());
  }
  // Each first retry lands in [4 s, 8 s]; twenty of them not all at once.
  EXPECT_TRUE(store_->DueOutbox(clock_.Now() + absl::Seconds(3.9), 100)->empty());
  const size_t midway = store_->DueOutbox(clock_.Now() + absl::Seconds(6), 100)->size();
  EXPECT_GT(midway, 0u);
  EXPECT_LT(midway, 20u);
  EXPECT_EQ(store_->DueOutbox(clock_.Now() + absl::Seconds(8), 100)->size(), 20u);
}

TEST_P(EngineTest, OutboxGivesUpAfterMaxAttemptsThenRedrives) {
  EngineOptions o = Options();
  o.outbox_max_attempts = 3;
  engine_ = std::make_unique<Engine>(o, store_.get());
  notifier_.FailNext(3);
  CreateUserRequest r = Emailed("alice.wong", "alice@example.com");
  auto created = engine().CreateUser(std::move(r));
  ASSERT_TRUE(created.ok());
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Hours(1));
    EXPECT_EQ(*engine().DispatchOutbox(), 0);
  }
  EXPECT_EQ(notifier_.attempts(), 3);  // then given up
  auto dead = engine().DeadLetters();
  ASSERT_TRUE(dead.ok()) << dead.status();
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].attempts, 3);
  EXPECT_EQ((*dead)[0].kind, "generated_password");
  EXPECT_EQ((*dead)[0].last_error, "capturing notifier: injected failure");
  EXPECT_TRUE((*dead)[0].sealed_body.empty());  // never handed out
  EXPECT_EQ(*store_->PendingOutbox(), 1);       // kept
  EXPECT_TRUE(absl::IsNotFound(engine().RedriveDeadLetter((*dead)[0].id + 1)));
  ASSERT_TRUE(engine().RedriveDeadLetter((*dead)[0].id).ok());  // dispatched at once
  EXPECT_EQ(notifier_.attempts(), 4);
  EXPECT_TRUE(engine().DeadLetters()->empty());
  EXPECT_EQ(*store_->PendingOutbox(), 0);
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_NE(notifier_.sent()[0].body.find(std::string(created->generated_password.view())),
            std::string::npos);
}

// A background dispatcher delivers without the committing thread's help.
TEST_P(EngineTest, BackgroundDispatcherDelivers) {
  EngineOptions o = Options();
  o.dispatch_interval = absl::Milliseconds(20);
  engine_ = std::make_unique<Engine>(o, store_.get());
  CreateUserRequest r = Emailed("alice.wong", "alice@example.com");
  ASSERT_TRUE(engine().CreateUser(std::move(r)).ok());
  for (int i = 0; i < 500 && notifier_.sent().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(notifier_.sent().size(), 1u);
  engine_.reset();  // stops and joins the dispatcher
}

// The background thread also applies the audit log's retention, hourly.
TEST_P(EngineTest, BackgroundRetentionPrunesOldEvents) {
  EngineOptions o = Options();
  o.dispatch_interval = absl::Milliseconds(10);
  o.audit_retention = absl::Hours(1);
  engine_ = std::make_unique<Engine>(o, store_.get());
  ASSERT_TRUE(engine().CreateUser(Basic("alice.wong")).ok());
  auto events = [&] {
    AuditQuery q;
    q.tenant = "tenant1";
    return store_->ListAuditEvents(q)->events.size();
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(events(), 1u);  // younger than the retention
  // Half an hour on (no prune yet: the last was under an hour ago), bob; an
  // hour and a half on, alice's event is older than the retention, bob's not.
  clock_.Advance(absl::Minutes(30));
  ASSERT_TRUE(engine().CreateUser(Basic("bob.smith")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(events(), 2u);
  clock_.Advance(absl::Hours(1));
  for (int i = 0; i < 500 && events() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(events(), 1u);
  engine_.reset();
}

// Blocks the first Send until released, so a second create commits while the
// first dispatcher is busy.
class GateNotifier final : public Notifier {
 public:
  absl::Status Send(const Notification& n) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (first_) {
      first_ = false;
      in_send_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    sent_.push_back(n.id);
    return absl::OkStatus();
  }
  void WaitUntilInSend() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return in_send_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  size_t sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool first_ = true, in_send_ = false, released_ = false;
  std::vector<int64_t> sent_;
};

TEST_P(EngineTest, MessageCommittedDuringADispatchIsStillSent) {
  GateNotifier gate;
  EngineOptions o = Options();
  o.notifier = &gate;
  Engine e(o, store_.get());
  auto with_email = [](const std::string& name) {
    CreateUserRequest r = Emailed(name, name + "@example.com");
    return r;
  };
  std::thread first([&] { ASSERT_TRUE(e.CreateUser(with_email("first.user")).ok()); });
  gate.WaitUntilInSend();  // the first dispatcher holds its batch
  ASSERT_TRUE(e.CreateUser(with_email("second.user")).ok());  // finds it busy
  gate.Release();
  first.join();
  EXPECT_EQ(gate.sent(), 2u);
  EXPECT_EQ(*store_->PendingOutbox(), 0);
}

TEST_P(EngineTest, CrashBetweenCommitAndSendLosesNothing) {
  EngineOptions crashing = Options();
  crashing.dispatch_after_commit = false;  // the process "dies" after the commit
  {
    Engine first(crashing, store_.get());
    CreateUserRequest r = Basic("alice.wong");
    r.password_mode = PasswordMode::kFirstLoginLink;
    r.email = "alice@example.com";
    ASSERT_TRUE(first.CreateUser(std::move(r)).ok());
  }
  EXPECT_TRUE(notifier_.sent().empty());
  EXPECT_EQ(*store_->PendingOutbox(), 1);
  Engine restarted(Options(), store_.get());  // same host key
  EXPECT_EQ(*restarted.DispatchOutbox(), 1);
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].kind, "login_link");
}

TEST_P(EngineTest, BatchIsAllOrNothing) {
  std::vector<CreateUserRequest> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(Basic("user.number" + std::to_string(i)));
  auto ok = engine().BatchCreateUsers(std::move(batch));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->committed);
  ASSERT_EQ(ok->items.size(), 10u);
  for (const auto& item : ok->items) EXPECT_TRUE(item.ok());

  std::vector<CreateUserRequest> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(Basic("other.number" + std::to_string(i)));
  ExpectError(engine().BatchCreateUsers(std::move(eleven)).status(),
              absl::StatusCode::kInvalidArgument, "users", "batch.too_large");

  std::vector<CreateUserRequest> mixed;
  mixed.push_back(Basic("good.one"));
  mixed.push_back(Basic("1bad.user"));
  mixed.push_back(Basic("GOOD.ONE"));      // collides inside the batch
  mixed.push_back(Basic("user.number3"));  // collides with the store
  auto failed = engine().BatchCreateUsers(std::move(mixed));
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->committed);
  EXPECT_EQ(ErrorReason(failed->items[0].status()), "batch.aborted");
  EXPECT_EQ(ErrorReason(failed->items[1].status()), "username.leading_digit");
  EXPECT_EQ(ErrorReason(failed->items[2].status()), "username.duplicate");
  EXPECT_EQ(ErrorReason(failed->items[3].status()), "username.duplicate");
  EXPECT_EQ(store_->FindUser("tenant1", UserKey::kUsername, "good.one").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(EngineTest, BatchWithClientTokensReplaysWhatWasCreatedAndCommitsTheRest) {
  auto tokened = [](const std::string& name) {
    CreateUserRequest r = Basic(name);
    r.client_token = "import-" + name;
    return r;
  };
  std::vector<CreateUserRequest> first;
  first.push_back(tokened("ann.one"));
  first.push_back(tokened("ben.two"));
  auto created = engine().BatchCreateUsers(first, {2});
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(created->committed);
  ASSERT_TRUE(created->items[0].ok() && created->items[1].ok());
  const std::string ann_id = created->items[0]->user.id;
  EXPECT_FALSE(created->items[0]->generated_password.empty());
  // Hashed on two threads: each generated password opens its own account.
  for (const auto& item : created->items) {
    auto login =
        engine().Authenticate("tenant1", item->user.username, item->generated_password.view());
    ASSERT_TRUE(login.ok());
    EXPECT_EQ(login->outcome, AuthOutcome::kResetRequired);
  }

  // Run again with one more user: the two replay (same ids, no secrets), the
  // third is created, each token keeps its own record.
  std::vector<CreateUserRequest> again;
  for (const char* name : {"ann.one", "ben.two", "cat.three"}) again.push_back(tokened(name));
  auto resumed = engine().BatchCreateUsers(again, {2});
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  ASSERT_TRUE(resumed->committed);
  EXPECT_TRUE(resumed->items[0]->replayed);
  EXPECT_EQ(resumed->items[0]->user.id, ann_id);
  EXPECT_TRUE(resumed->items[0]->generated_password.empty());
  EXPECT_TRUE(resumed->items[1]->replayed);
  EXPECT_FALSE(resumed->items[2]->replayed);
  EXPECT_FALSE(resumed->items[2]->generated_password.empty());
  EXPECT_NE(*store_->FindIdempotency("tenant1", "import-cat.three"), std::nullopt);
  std::vector<CreateUserRequest> third_only;
  third_only.push_back(tokened("cat.three"));
  auto third = engine().BatchCreateUsers(third_only);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->items[0]->user.id, resumed->items[2]->user.id);

  // One token for two users, and a token reused with another request.
  std::vector<CreateUserRequest> twice;
  twice.push_back(tokened("dan.four"));
  twice.push_back(tokened("eve.five"));
  twice[1].client_token = twice[0].client_token;
  auto refused = engine().BatchCreateUsers(twice);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->committed);
  EXPECT_EQ(ErrorReason(refused->items[1].status()), "batch.duplicate_client_token");
  std::vector<CreateUserRequest> changed;
  changed.push_back(tokened("ann.one"));
  changed[0].email = "ann@example.com";
  changed.push_back(tokened("fay.six"));
  auto mismatch = engine().BatchCreateUsers(changed);
  ASSERT_TRUE(mismatch.ok());
  EXPECT_FALSE(mismatch->committed);
  EXPECT_EQ(ErrorReason(mismatch->items[0].status()), "idempotency.mismatch");
  EXPECT_EQ(ErrorReason(mismatch->items[1].status()), "batch.aborted");
  EXPECT_EQ(store_->FindUser("tenant1", UserKey::kUsername, "fay.six").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(EngineTest, FindReplayLooksUpATokenWithoutCreating) {
  CreateUserRequest r = Basic("gil.seven");
  r.access_key = true;
  r.client_token = "token-seven";
  auto before = engine().FindReplay(r);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_FALSE(before->has_value());
  EXPECT_EQ(store_->FindUser("tenant1", UserKey::kUsername, "gil.seven").status().code(),
            absl::StatusCode::kNotFound);
  auto created = engine().CreateUser(r);
  ASSERT_TRUE(created.ok());
  auto after = engine().FindReplay(r);
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_TRUE((*after)->replayed);
  EXPECT_EQ((*after)->user.id, created->user.id);
  EXPECT_TRUE((*after)->generated_password.empty());
  EXPECT_TRUE((*after)->access_key->secret.empty());
  r.email = "gil@example.com";
  ExpectError(engine().FindReplay(r).status(), absl::StatusCode::kFailedPrecondition,
              "client_token", "idempotency.mismatch");
  r.client_token.clear();
  ExpectError(engine().FindReplay(r).status(), absl::StatusCode::kInvalidArgument, "client_token",
              "client_token.required");
}

TEST_P(EngineTest, RegisteredTenantsOnlyWhenRequired) {
  EngineOptions o = Options();
  o.require_registered_tenant = true;
  Engine strict(o, store_.get());
  auto s = strict.CreateUser(Basic("alice.wong")).status();
  ExpectError(s, absl::StatusCode::kNotFound, "tenant", "tenant.not_found");
  EXPECT_EQ(MapError(strict.profile(), s).http_status, 404);
  ASSERT_TRUE(strict.RegisterTenant("tenant1").ok());
  EXPECT_TRUE(strict.CreateUser(Basic("alice.wong")).ok());
}

class DenyAll final : public Authorizer {
 public:
  absl::Status Authorize(const Principal& caller, absl::string_view action,
                         absl::string_view) override {
    last_action = std::string(action);
    return absl::PermissionDeniedError(caller.id + " may not " + last_action);
  }
  std::string last_action;
};

TEST_P(EngineTest, AuthorizerRunsBeforeAnything) {
  DenyAll deny;
  EngineOptions o = Options();
  o.authorizer = &deny;
  Engine guarded(o, store_.get());
  CreateUserRequest r = Basic("1invalid");  // would fail validation, but authz comes first
  r.caller = {"intruder", "tenant1"};
  auto s = guarded.CreateUser(std::move(r)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(deny.last_action, "iam:CreateUser");
  EXPECT_EQ(MapError(guarded.profile(), s).http_status, 403);
}

TEST_P(EngineTest, NistProfileCanonicalizesUnicodeUsernames) {
  Engine& e = engine("nist");
  CreateUserRequest r = Basic("caf\xc3\xa9");  // NFC
  ASSERT_TRUE(e.CreateUser(std::move(r)).ok());
  ExpectError(e.CreateUser(Basic("CAFE\xcc\x81")).status(),  // NFD, upper case
              absl::StatusCode::kAlreadyExists, "username", "username.duplicate");
  ExpectError(e.CreateUser(Basic("caf\xc3\xa9\xe2\x80\x8b")).status(),  // + U+200B
              absl::StatusCode::kInvalidArgument, "username", "username.invisible_character");
}

// A replay answers exactly the first response, secrets withheld: every field
// of the user (password_changed_at used to come back as the infinite past),
// the request id, the access key's id and time, the login-link flag.
TEST_P(EngineTest, ReplayEqualsTheFirstResponseWithSecretsWithheld) {
  CreateUserRequest r = Basic("alice.wong");
  r.email = "alice@example.com";
  r.access_key = true;
  r.client_token = "replay-equality";
  auto first = engine().CreateUser(r);
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Minutes(5));
  auto replay = engine().CreateUser(r);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed);
  EXPECT_NE(first->user.password_changed_at, absl::InfinitePast());
  EXPECT_EQ(replay->user.password_changed_at, first->user.password_changed_at);
  EXPECT_EQ(ToJson(replay->user).dump(), ToJson(first->user).dump());
  EXPECT_EQ(replay->user.version, first->user.version);
  EXPECT_EQ(replay->request_id, first->request_id);
  EXPECT_EQ(replay->self_link, first->self_link);
  EXPECT_EQ(replay->login_link_sent, first->login_link_sent);
  ASSERT_TRUE(replay->access_key.has_value());
  EXPECT_EQ(replay->access_key->id, first->access_key->id);
  EXPECT_EQ(replay->access_key->created_at, first->access_key->created_at);
  EXPECT_TRUE(replay->access_key->secret.empty());
  EXPECT_TRUE(replay->generated_password.empty());
  // The rendered answers differ only by the replay markers and the secrets.
  nlohmann::json a = nlohmann::json::parse(ToSecretJson(*first).Reveal());
  nlohmann::json b = nlohmann::json::parse(ToSecretJson(*replay).Reveal());
  a.erase("generated_password");
  a["access_key"].erase("secret");
  a.erase("replayed");
  b.erase("replayed");
  b.erase("secrets_withheld");
  EXPECT_EQ(a, b);
}

// After a host-key rotation (the old key kept as a previous key), keyed hashes
// made under the old key still work: a client token replays, an outstanding
// first-login link redeems, and a sealed access-key secret still verifies.
TEST_P(EngineTest, RotatedHostKeyKeepsReplaysLinksAndSecrets) {
  CreateUserRequest r = Basic("alice.wong");
  r.email = "alice@example.com";
  r.password_mode = PasswordMode::kFirstLoginLink;
  r.access_key = true;
  r.client_token = "rotation";
  auto first = engine().CreateUser(r);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(notifier_.sent().size(), 1u);
  const std::string link = notifier_.sent()[0].body;
  const std::string token = link.substr(link.find("token=") + 6);
  const std::string secret(first->access_key->secret.view());

  EngineOptions rotated = Options();
  rotated.host_key = std::string(32, 'n');
  rotated.host_key_id = "k2";
  rotated.previous_host_keys = {{"k1", kHostKey}};
  Engine after(rotated, store_.get());
  auto replay = after.CreateUser(r);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->user.id, first->user.id);
  auto verified = after.VerifyAccessKey(first->access_key->id, secret);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->valid);
  auto redeemed = after.RedeemLoginLink(token, "Summer-Breeze7");
  ASSERT_TRUE(redeemed.ok()) << redeemed.status();
  EXPECT_EQ(redeemed->id, first->user.id);
  // A different request under the same token is still told apart.
  CreateUserRequest other = Basic("bob.smith");
  other.email = r.email;
  other.password_mode = r.password_mode;
  other.access_key = true;
  other.client_token = r.client_token;
  ExpectError(after.CreateUser(other).status(), absl::StatusCode::kFailedPrecondition,
              "client_token", "idempotency.mismatch");
  // Without the old key nothing made under it opens.
  EngineOptions forgotten = rotated;
  forgotten.previous_host_keys.clear();
  Engine amnesiac(forgotten, store_.get());
  ExpectError(amnesiac.CreateUser(r).status(), absl::StatusCode::kFailedPrecondition,
              "client_token", "idempotency.mismatch");
}

// A stale version and a batch member not created map to the dialect's
// conflict and batch errors, never HTTP 500, in every profile.
TEST_P(EngineTest, ConflictAndBatchSiblingHaveTheirDialectErrors) {
  auto alice = engine().CreateUser(Basic("alice.wong"));
  ASSERT_TRUE(alice.ok());
  UpdateUserRequest u;
  u.tenant = "tenant1";
  u.user = "alice.wong";
  u.expected_version = alice->user.version + 7;
  u.enabled = false;
  const absl::Status conflict = engine().UpdateUser(u).status();
  ExpectError(conflict, absl::StatusCode::kAborted, "version", "user.version_conflict");
  std::vector<CreateUserRequest> pair;
  pair.push_back(Basic("bob.smith"));
  pair.push_back(Basic("alice.wong"));
  auto batch = engine().BatchCreateUsers(pair);
  ASSERT_TRUE(batch.ok());
  ASSERT_FALSE(batch->committed);
  const absl::Status sibling = batch->items[0].status();
  EXPECT_EQ(ErrorReason(sibling), "batch.aborted");
  for (const Profile* p : AllProfiles()) {
    EXPECT_EQ(MapError(*p, conflict).http_status, 409) << p->name;
    const HttpError s = MapError(*p, sibling);
    EXPECT_EQ(s.http_status, 400) << p->name;
    EXPECT_NE(s.provider_code, "InternalError") << p->name;
    EXPECT_NE(s.provider_code, MapError(*p, absl::InternalError("x")).provider_code) << p->name;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, EngineTest, AllStoreKinds(), StoreKindName);

}  // namespace
}  // namespace iam
