// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What follows creation (seed 000, "Related Operations"): view, modify,
// delete, log in by username/mobile/email, first-login links, resets,
// password changes and access keys.
#include <re2/re2.h>

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "faulty_store.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/json.h"
#include "iam/memory_store.h"
#include "store_param.h"
#include "test_util.h"

namespace iam {
namespace {

class LifecycleTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  LifecycleTest() { engine_ = std::make_unique<Engine>(Options(), store_.get()); }
  EngineOptions Options() {
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.profile = FindProfile("huawei");
    o.clock = &clock_;
    o.notifier = &notifier_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'h');
    return o;
  }
  // A user with a known password, no reset required.
  User Create(const std::string& username, const std::string& password = "Summer-Breeze7",
              const std::string& email = "", const std::string& phone = "") {
    CreateUserRequest r;
    r.tenant = "t1";
    r.username = username;
    r.email = email;
    if (!phone.empty()) {
      r.phone_region = "86";
      r.phone = phone;
    }
    r.password_mode = PasswordMode::kManual;
    r.password = Secret(password);
    r.require_password_reset = false;
    auto created = engine_->CreateUser(r);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->user : User{};
  }
  AuthOutcome Login(const std::string& identifier, const std::string& password) {
    auto r = engine_->Authenticate("t1", identifier, password);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->outcome : AuthOutcome::kBadCredentials;
  }
  // The token in the newest notification's link.
  std::string LastToken() {
    auto sent = notifier_.sent();
    std::string token;
    if (!sent.empty()) RE2::PartialMatch(sent.back().body, "token=([A-Za-z0-9_-]+)", &token);
    return token;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  CapturingNotifier notifier_;
  TempDbPath db_;
  std::unique_ptr<Store> store_ = MakeStore(GetParam(), db_);
  std::unique_ptr<Engine> engine_;
};

TEST_P(LifecycleTest, GetUserByIdOrUsernameNeverShowsHashes) {
  User u = Create("alice.wong");
  auto by_id = engine_->GetUser({}, "t1", u.id);
  auto by_name = engine_->GetUser({}, "t1", "ALICE.WONG");
  ASSERT_TRUE(by_id.ok() && by_name.ok());
  EXPECT_EQ(by_id->id, by_name->id);
  EXPECT_EQ(ToJson(*by_id).dump().find("argon2"), std::string::npos);
  auto missing = engine_->GetUser({}, "t1", "nobody.here");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(missing.status()), "user.not_found");
  EXPECT_EQ(engine_->GetUser({}, "t2", u.id).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(LifecycleTest, ListUsersPagesAndFilters) {
  DirectoryEntry g;
  g.kind = EntryKind::kGroup;
  g.tenant = "t1";
  g.name = "ops";
  ASSERT_TRUE(engine_->CreateEntry({}, g).ok());
  for (const char* n : {"carol.c", "alice.a", "bob.b", "dave.d", "alan.x"}) Create(n);
  UpdateUserRequest up;
  up.tenant = "t1";
  up.user = "bob.b";
  up.groups = std::vector<std::string>{"ops"};
  up.enabled = false;
  ASSERT_TRUE(engine_->UpdateUser(up).ok());
  ListUsersRequest q;
  q.tenant = "t1";
  q.page_size = 2;
  std::vector<std::string> names;
  for (;;) {
    auto page = engine_->ListUsers(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const User& u : page->users) names.push_back(u.username);
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"alan.x", "alice.a", "bob.b", "carol.c", "dave.d"}));
  ListUsersRequest prefix;
  prefix.tenant = "t1";
  prefix.name_prefix = "AL";
  EXPECT_EQ(engine_->ListUsers(prefix)->users.size(), 2u);
  ListUsersRequest in_group;
  in_group.tenant = "t1";
  in_group.group = "OPS";
  auto grouped = engine_->ListUsers(in_group);
  ASSERT_TRUE(grouped.ok());
  ASSERT_EQ(grouped->users.size(), 1u);
  EXPECT_EQ(grouped->users[0].username, "bob.b");
  ListUsersRequest disabled;
  disabled.tenant = "t1";
  disabled.enabled = false;
  EXPECT_EQ(engine_->ListUsers(disabled)->users.size(), 1u);
  ListUsersRequest bad;
  bad.tenant = "t1";
  bad.page_size = 0;
  EXPECT_EQ(ErrorField(engine_->ListUsers(bad).status()), "page_size");
}

TEST_P(LifecycleTest, UpdateValidatesLikeCreateAndRechecksUniqueness) {
  User alice = Create("alice.wong", "Summer-Breeze7", "alice@example.com");
  Create("bob.smith", "Summer-Breeze7", "bob@example.com");
  UpdateUserRequest r;
  r.tenant = "t1";
  r.user = "bob.smith";
  r.email = "ALICE@example.com";
  auto dup = engine_->UpdateUser(r);
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrorReason(dup.status()), "email.duplicate");
  r.email = "not-an-email";
  EXPECT_EQ(ErrorField(engine_->UpdateUser(r).status()), "email");
  UpdateUserRequest sms;
  sms.tenant = "t1";
  sms.user = "alice.wong";
  sms.sms_login_verification = true;  // email but no mobile yet
  EXPECT_EQ(ErrorReason(engine_->UpdateUser(sms).status()),
            "login_protection.requires_email_and_phone");
  sms.phone_region = "86";
  sms.phone = "13800000000";
  sms.display_name = "Alice Wong";
  auto updated = engine_->UpdateUser(sms);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(updated->sms_login_verification);
  EXPECT_EQ(updated->version, alice.version + 1);
  EXPECT_EQ(engine_->GetUser({}, "t1", "alice.wong")->display_name, "Alice Wong");
  // The old email is free again once bob takes another.
  UpdateUserRequest move;
  move.tenant = "t1";
  move.user = "alice.wong";
  move.email = "alice.new@example.com";
  ASSERT_TRUE(engine_->UpdateUser(move).ok());
  r.email = "alice@example.com";
  EXPECT_TRUE(engine_->UpdateUser(r).ok());
}

TEST_P(LifecycleTest, AdministratorSetsAPasswordInOneCommitWithTheRest) {
  User u = Create("alice.wong");
  auto session = engine_->Login("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(session.ok() && session->auth.outcome == AuthOutcome::kSuccess);
  // A weak password is refused with the policy's reason, and the other
  // fields of the same request are not applied either.
  UpdateUserRequest weak;
  weak.tenant = "t1";
  weak.user = u.id;
  weak.description = "changed";
  weak.password = Secret(std::string("abcdef"));
  auto refused = engine_->UpdateUser(weak);
  EXPECT_EQ(ErrorField(refused.status()), "password");
  EXPECT_EQ(engine_->GetUser({}, "t1", u.id)->description, "");
  // A good one right away (no minimum age for an administrator), with the
  // user to change it at the next login: every session ends.
  UpdateUserRequest good;
  good.tenant = "t1";
  good.user = u.id;
  good.description = "changed";
  good.password = Secret(std::string("Autumn-Leaves8"));
  good.password_reset_required = true;
  auto set = engine_->UpdateUser(good);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->description, "changed");
  EXPECT_TRUE(set->password_reset_required);
  EXPECT_EQ(engine_->ValidateSession(session->token.view()).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("alice.wong", "Autumn-Leaves8"), AuthOutcome::kResetRequired);
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
}

TEST_P(LifecycleTest, StaleVersionIsRejected) {
  User u = Create("alice.wong");
  UpdateUserRequest first;
  first.tenant = "t1";
  first.user = u.id;
  first.expected_version = u.version;
  first.description = "first edit";
  UpdateUserRequest second;
  second.tenant = "t1";
  second.user = u.id;
  second.expected_version = u.version;
  second.description = "second edit";
  ASSERT_TRUE(engine_->UpdateUser(first).ok());
  auto stale = engine_->UpdateUser(second);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale.status()), "user.version_conflict");
  EXPECT_EQ(engine_->GetUser({}, "t1", u.id)->description, "first edit");
  EXPECT_EQ(engine_->DeleteUser({}, "t1", u.id, u.version).code(), absl::StatusCode::kAborted);
}

TEST_P(LifecycleTest, ConcurrentUpdatesWithOneVersionLetExactlyOneWin) {
  User u = Create("alice.wong");
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      UpdateUserRequest r;
      r.tenant = "t1";
      r.user = u.id;
      r.expected_version = u.version;
      r.description = "edit " + std::to_string(i);
      auto s = engine_->UpdateUser(r).status();
      if (s.ok()) ++wins;
      if (absl::IsAborted(s)) ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
}

TEST_P(LifecycleTest, DeletedUsernameCanBeReused) {
  User u = Create("alice.wong", "Summer-Breeze7", "alice@example.com");
  auto key = engine_->CreateAccessKey({}, "t1", u.id);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(engine_->DeleteUser({}, "t1", "Alice.Wong").ok());
  EXPECT_EQ(engine_->GetUser({}, "t1", u.id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(engine_->VerifyAccessKey(key->id, key->secret.view())->valid);
  EXPECT_EQ(store_->FindAccessKey(key->id).status().code(), absl::StatusCode::kNotFound);
  User again = Create("alice.wong", "Summer-Breeze7", "alice@example.com");
  EXPECT_NE(again.id, u.id);
  EXPECT_EQ(engine_->DeleteUser({}, "t1", u.id).code(), absl::StatusCode::kNotFound);
}

TEST_P(LifecycleTest, LoginByUsernameEmailOrMobile) {
  Create("alice.wong", "Summer-Breeze7", "alice@example.com", "13800000000");
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
  EXPECT_EQ(Login("ALICE.WONG", "Summer-Breeze7"), AuthOutcome::kSuccess);
  EXPECT_EQ(Login("Alice@Example.com", "Summer-Breeze7"), AuthOutcome::kSuccess);
  EXPECT_EQ(Login("+86 13800000000", "Summer-Breeze7"), AuthOutcome::kSuccess);
  EXPECT_EQ(Login("86:13800000000", "Summer-Breeze7"), AuthOutcome::kSuccess);
  EXPECT_EQ(Login("alice.wong", "summer-breeze7"), AuthOutcome::kBadCredentials);
  auto unknown = engine_->Authenticate("t1", "nobody.here", "Summer-Breeze7");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->outcome, AuthOutcome::kBadCredentials);
  EXPECT_TRUE(unknown->user_id.empty());
}

TEST_P(LifecycleTest, LockoutAfterFailuresForAWindow) {
  Create("alice.wong");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(Login("alice.wong", "wrong-Pass1"), AuthOutcome::kBadCredentials);
  // Locked: even the right password fails, as a wrong one does.
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
  clock_.Advance(absl::Minutes(14));
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
  // A success resets the counter: four more failures do not lock.
  for (int i = 0; i < 4; ++i) Login("alice.wong", "wrong-Pass1");
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
}

// One account, one counter: failures by username, email, mobile number and
// their case or format variants all count, and the lock holds for every one.
TEST_P(LifecycleTest, LockoutCannotBeBypassedBySwitchingIdentifiers) {
  Create("alice.wong", "Summer-Breeze7", "alice@example.com", "13800000000");
  for (const char* who :
       {"alice.wong", "ALICE@EXAMPLE.COM", "+86 13800000000", "Alice.Wong", "86:13800000000"}) {
    EXPECT_EQ(Login(who, "wrong-Pass1"), AuthOutcome::kBadCredentials) << who;
  }
  for (const char* who : {"alice.wong", "alice@example.com", "+86 13800000000", "ALICE.WONG"}) {
    EXPECT_EQ(Login(who, "Summer-Breeze7"), AuthOutcome::kBadCredentials) << who;
  }
  clock_.Advance(absl::Minutes(16));
  EXPECT_EQ(Login("alice@example.com", "Summer-Breeze7"), AuthOutcome::kSuccess);
}

TEST_P(LifecycleTest, LoginBookkeepingDoesNotInvalidateAnEditorsVersion) {
  User u = Create("alice.wong");
  Login("alice.wong", "wrong-Pass1");
  UpdateUserRequest r;
  r.tenant = "t1";
  r.user = u.id;
  r.expected_version = u.version;
  r.description = "edited after a failed login";
  EXPECT_TRUE(engine_->UpdateUser(r).ok());
}

TEST_P(LifecycleTest, DisabledResetRequiredAndExpiredOutcomes) {
  PasswordPolicy policy = FindProfile("huawei")->password;
  policy.validity_days = 30;
  ASSERT_TRUE(engine_->SetPasswordPolicy("t1", policy).ok());
  User u = Create("alice.wong");
  clock_.Advance(absl::Hours(24 * 31));
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kExpired);
  UpdateUserRequest r;
  r.tenant = "t1";
  r.user = u.id;
  r.password_reset_required = true;
  ASSERT_TRUE(engine_->UpdateUser(r).ok());
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kResetRequired);
  r.enabled = false;
  ASSERT_TRUE(engine_->UpdateUser(r).ok());
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kDisabled);
  // A wrong password on a disabled user still says only "bad credentials".
  EXPECT_EQ(Login("alice.wong", "wrong-Pass1"), AuthOutcome::kBadCredentials);
}

TEST_P(LifecycleTest, LoginRehashesWhenParametersChange) {
  User u = Create("alice.wong");
  const std::string before = store_->FindUser("t1", UserKey::kId, u.id)->password_hash;
  EngineOptions stronger = Options();
  stronger.argon2.ops_limit += 1;
  Engine upgraded(stronger, store_.get());
  auto r = upgraded.Authenticate("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, AuthOutcome::kSuccess);
  const std::string after = store_->FindUser("t1", UserKey::kId, u.id)->password_hash;
  EXPECT_NE(before, after);
  EXPECT_NE(after.find(",t=" + std::to_string(stronger.argon2.ops_limit) + ","), std::string::npos);
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
}

TEST_P(LifecycleTest, FirstLoginLinkSetsPasswordOnceBeforeExpiry) {
  CreateUserRequest r;
  r.tenant = "t1";
  r.username = "alice.wong";
  r.email = "alice@example.com";
  r.password_mode = PasswordMode::kFirstLoginLink;
  ASSERT_TRUE(engine_->CreateUser(r).ok());
  const std::string token = LastToken();
  ASSERT_EQ(token.size(), 43u);
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
  auto weak = engine_->RedeemLoginLink(token, "alice.wong");
  EXPECT_EQ(ErrorReason(weak.status()), "password.equals_username");
  auto user = engine_->RedeemLoginLink(token, "Summer-Breeze7");
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_FALSE(user->password_reset_required);
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
  EXPECT_EQ(ErrorReason(engine_->RedeemLoginLink(token, "Other-Breeze8").status()),
            "token.invalid");  // one use
}

TEST_P(LifecycleTest, FirstLoginLinkExpires) {
  CreateUserRequest r;
  r.tenant = "t1";
  r.username = "alice.wong";
  r.email = "alice@example.com";
  r.password_mode = PasswordMode::kFirstLoginLink;
  ASSERT_TRUE(engine_->CreateUser(r).ok());
  const std::string token = LastToken();
  clock_.Advance(absl::Hours(24) + absl::Seconds(1));
  EXPECT_EQ(ErrorReason(engine_->RedeemLoginLink(token, "Summer-Breeze7").status()),
            "token.invalid");
  EXPECT_EQ(ErrorReason(engine_->RedeemLoginLink("garbage", "Summer-Breeze7").status()),
            "token.invalid");
}

TEST_P(LifecycleTest, PasswordResetByEmailOrSmsRevealsNothing) {
  Create("alice.wong", "Summer-Breeze7", "alice@example.com", "13800000000");
  const size_t before = notifier_.sent().size();
  EXPECT_TRUE(engine_->StartPasswordReset("t1", "nobody@example.com", Channel::kEmail).ok());
  EXPECT_EQ(notifier_.sent().size(), before);
  ASSERT_TRUE(engine_->StartPasswordReset("t1", "+86 13800000000", Channel::kSms).ok());
  ASSERT_EQ(notifier_.sent().size(), before + 1);
  EXPECT_EQ(notifier_.sent().back().channel, "sms");
  EXPECT_EQ(notifier_.sent().back().recipient, "+86 13800000000");
  const std::string token = LastToken();
  // A reset token is not a first-login link.
  EXPECT_EQ(ErrorReason(engine_->RedeemLoginLink(token, "New-Breeze88").status()), "token.invalid");
  auto done = engine_->CompleteReset(token, "New-Breeze88");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(Login("alice.wong", "New-Breeze88"), AuthOutcome::kSuccess);
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
  ASSERT_TRUE(engine_->StartPasswordReset("t1", "alice@example.com", Channel::kEmail).ok());
  const std::string second = LastToken();
  clock_.Advance(absl::Hours(1) + absl::Seconds(1));
  EXPECT_EQ(ErrorReason(engine_->CompleteReset(second, "Newer-Breeze9").status()), "token.invalid");
}

TEST_P(LifecycleTest, ChangePasswordEnforcesPolicyHistoryAndMinimumAge) {
  PasswordPolicy policy = FindProfile("huawei")->password;
  policy.history_count = 2;
  policy.min_age = absl::Hours(1);
  ASSERT_TRUE(engine_->SetPasswordPolicy("t1", policy).ok());
  Create("alice.wong", "Pass-Word01");
  EXPECT_EQ(ErrorReason(engine_->ChangePassword("t1", "alice.wong", "wrong", "Pass-Word02")),
            "password.incorrect");
  EXPECT_EQ(ErrorReason(engine_->ChangePassword("t1", "alice.wong", "Pass-Word01", "Pass-Word02")),
            "password.too_recent");
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(ErrorReason(engine_->ChangePassword("t1", "alice.wong", "Pass-Word01", "short")),
            "password.too_short");
  EXPECT_EQ(ErrorReason(engine_->ChangePassword("t1", "alice.wong", "Pass-Word01", "Pass-Word01")),
            "password.reused");
  ASSERT_TRUE(engine_->ChangePassword("t1", "alice.wong", "Pass-Word01", "Pass-Word02").ok());
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(engine_->ChangePassword("t1", "alice.wong", "Pass-Word02", "Pass-Word03").ok());
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(ErrorReason(engine_->ChangePassword("t1", "alice.wong", "Pass-Word03", "Pass-Word02")),
            "password.reused");
  // Pass-Word01 is now three passwords back: allowed again with N = 2.
  EXPECT_TRUE(engine_->ChangePassword("t1", "alice.wong", "Pass-Word03", "Pass-Word01").ok());
  EXPECT_EQ(Login("alice.wong", "Pass-Word01"), AuthOutcome::kSuccess);
}

TEST_P(LifecycleTest, AccessKeysAtMostTwoSecretOnceConstantTimeVerify) {
  User u = Create("api.user");
  auto k1 = engine_->CreateAccessKey({}, "t1", u.id);
  auto k2 = engine_->CreateAccessKey({}, "t1", "api.user");
  ASSERT_TRUE(k1.ok() && k2.ok());
  EXPECT_TRUE(RE2::FullMatch(k1->id, "[A-Z0-9]{20}"));
  EXPECT_EQ(k1->secret.size(), 40u);
  auto k3 = engine_->CreateAccessKey({}, "t1", u.id);
  EXPECT_EQ(ErrorReason(k3.status()), "access_key.limit_exceeded");
  auto listed = engine_->ListAccessKeys({}, "t1", u.id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  auto ok = engine_->VerifyAccessKey(k1->id, k1->secret.view());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->valid);
  EXPECT_EQ(ok->user_id, u.id);
  EXPECT_FALSE(engine_->VerifyAccessKey(k1->id, k2->secret.view())->valid);
  EXPECT_FALSE(engine_->VerifyAccessKey("AKNOTAKEY", k1->secret.view())->valid);
  ASSERT_TRUE(engine_->SetAccessKeyEnabled({}, "t1", k1->id, false).ok());
  EXPECT_FALSE(engine_->VerifyAccessKey(k1->id, k1->secret.view())->valid);
  EXPECT_EQ(engine_->AccessKeySecret(k1->id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->SigningKeyFor(k1->id).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(engine_->SetAccessKeyEnabled({}, "t1", k1->id, true).ok());
  EXPECT_EQ(engine_->AccessKeySecret(k1->id)->view(), k1->secret.view());
  auto signing = engine_->SigningKeyFor(k1->id);
  ASSERT_TRUE(signing.ok()) << signing.status();
  EXPECT_EQ(signing->secret.view(), k1->secret.view());
  EXPECT_EQ(signing->tenant, "t1");
  EXPECT_EQ(signing->user_id, u.id);
  EXPECT_EQ(engine_->SigningKeyFor("AKNOTAKEY").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(engine_->DeleteAccessKey({}, "t1", k2->id).ok());
  EXPECT_FALSE(engine_->VerifyAccessKey(k2->id, k2->secret.view())->valid);
  EXPECT_EQ(engine_->DeleteAccessKey({}, "t2", k1->id).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(engine_->CreateAccessKey({}, "t1", u.id).ok());  // room again
  // A disabled user's keys do not verify.
  UpdateUserRequest off;
  off.tenant = "t1";
  off.user = u.id;
  off.enabled = false;
  ASSERT_TRUE(engine_->UpdateUser(off).ok());
  EXPECT_FALSE(engine_->VerifyAccessKey(k1->id, k1->secret.view())->valid);
  EXPECT_EQ(ErrorReason(engine_->SigningKeyFor(k1->id).status()), "access_key.not_found");
}

TEST_P(LifecycleTest, HostKeyRotationStillOpensOldSecrets) {
  User u = Create("api.user");
  auto key = engine_->CreateAccessKey({}, "t1", u.id);
  ASSERT_TRUE(key.ok());
  EngineOptions rotated = Options();
  rotated.previous_host_keys = {{"k1", rotated.host_key}};
  rotated.host_key = std::string(32, 'n');
  rotated.host_key_id = "k2";
  Engine after(rotated, store_.get());
  EXPECT_TRUE(after.VerifyAccessKey(key->id, key->secret.view())->valid);
  auto fresh = after.CreateAccessKey({}, "t1", u.id);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(store_->FindAccessKey(fresh->id)->sealed_secret.rfind("k2:", 0), 0u);
  // Without the old key, the old secret cannot be opened.
  EngineOptions forgetful = rotated;
  forgetful.previous_host_keys.clear();
  Engine lost(forgetful, store_.get());
  EXPECT_EQ(lost.VerifyAccessKey(key->id, key->secret.view()).status().code(),
            absl::StatusCode::kDataLoss);
}

// A locked account answers every password, the right one too, exactly as an
// unknown user does: bad credentials, no user id, no lockout time (it used to
// answer "locked" with the user id at once). Answering the right password
// differently would let guessing go on during the lockout.
TEST_P(LifecycleTest, LockedAccountAnswersAWrongPasswordLikeAnUnknownUser) {
  Create("alice.wong");
  for (int i = 0; i < 5; ++i) Login("alice.wong", "wrong-Pass1");
  auto locked_wrong = engine_->Authenticate("t1", "alice.wong", "wrong-Pass1");
  auto unknown = engine_->Authenticate("t1", "nobody.here", "wrong-Pass1");
  ASSERT_TRUE(locked_wrong.ok() && unknown.ok());
  EXPECT_EQ(locked_wrong->outcome, AuthOutcome::kBadCredentials);
  EXPECT_EQ(ToJson(*locked_wrong), ToJson(*unknown));
  auto locked_right = engine_->Authenticate("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(locked_right.ok());
  EXPECT_EQ(ToJson(*locked_right), ToJson(*unknown));
  // Failures during a lockout do not extend it.
  clock_.Advance(absl::Minutes(16));
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
}

// change-password counts wrong old passwords towards lockout, honours a
// lockout even with the right old password, and answers an unknown user as
// a wrong password (it used to answer user.not_found, bypass lockout and
// reset the counters).
TEST_P(LifecycleTest, ChangePasswordCountsFailuresAndHonoursLockout) {
  Create("alice.wong");
  const absl::Status unknown =
      engine_->ChangePassword("t1", "nobody.here", "wrong-Pass1", "Autumn-Leaves8");
  const absl::Status wrong =
      engine_->ChangePassword("t1", "alice.wong", "wrong-Pass1", "Autumn-Leaves8");
  EXPECT_EQ(ErrorReason(unknown), "password.incorrect");
  EXPECT_EQ(unknown.code(), wrong.code());
  EXPECT_EQ(unknown.message(), wrong.message());
  EXPECT_EQ(ErrorField(unknown), ErrorField(wrong));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(
        ErrorReason(engine_->ChangePassword("t1", "alice.wong", "wrong-Pass1", "Autumn-Leaves8")),
        "password.incorrect");
  }
  // Five failures: locked, for logins and for changes alike, whatever the
  // password.
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
  const absl::Status locked =
      engine_->ChangePassword("t1", "alice.wong", "Summer-Breeze7", "Autumn-Leaves8");
  EXPECT_EQ(locked.code(), wrong.code()) << locked;
  EXPECT_EQ(locked.message(), wrong.message());
  EXPECT_EQ(ErrorReason(locked), "password.incorrect");
  clock_.Advance(absl::Minutes(16));
  EXPECT_EQ(Login("alice.wong", "Autumn-Leaves8"), AuthOutcome::kBadCredentials);
  EXPECT_EQ(Login("alice.wong", "Summer-Breeze7"), AuthOutcome::kSuccess);
}

// Every outstanding reset and first-login token dies when the password
// changes: by a completed reset, and by a password change.
TEST_P(LifecycleTest, OneTimeTokensDieWhenThePasswordChanges) {
  Create("alice.wong", "Summer-Breeze7", "alice@example.com");
  ASSERT_TRUE(engine_->StartPasswordReset("t1", "alice.wong", Channel::kEmail).ok());
  const std::string first = LastToken();
  ASSERT_TRUE(engine_->StartPasswordReset("t1", "alice.wong", Channel::kEmail).ok());
  const std::string second = LastToken();
  ASSERT_NE(first, second);
  ASSERT_TRUE(engine_->CompleteReset(first, "New-Breeze88").ok());
  EXPECT_EQ(ErrorReason(engine_->CompleteReset(second, "Newer-Breeze9").status()), "token.invalid");
  EXPECT_EQ(ErrorReason(engine_->CompleteReset(first, "Newer-Breeze9").status()), "token.invalid");

  ASSERT_TRUE(engine_->StartPasswordReset("t1", "alice.wong", Channel::kEmail).ok());
  const std::string pending = LastToken();
  clock_.Advance(absl::Hours(48));  // past the minimum age
  ASSERT_TRUE(engine_->ChangePassword("t1", "alice.wong", "New-Breeze88", "Autumn-Leaves8").ok());
  EXPECT_EQ(ErrorReason(engine_->CompleteReset(pending, "Winter-Frost99").status()),
            "token.invalid");

  CreateUserRequest linked;
  linked.tenant = "t1";
  linked.username = "bob.smith";
  linked.email = "bob@example.com";
  linked.password_mode = PasswordMode::kFirstLoginLink;
  ASSERT_TRUE(engine_->CreateUser(linked).ok());
  const std::string link = LastToken();
  ASSERT_TRUE(engine_->StartPasswordReset("t1", "bob.smith", Channel::kEmail).ok());
  ASSERT_TRUE(engine_->CompleteReset(LastToken(), "Spring-Rain77").ok());
  EXPECT_EQ(ErrorReason(engine_->RedeemLoginLink(link, "Summer-Sun66").status()), "token.invalid");
}

// Failed logins of one user in parallel each count (bookkeeping keeps the
// version, so without serialising them concurrent failures overwrote each
// other and parallel guessing never locked the account).
TEST_P(LifecycleTest, ParallelWrongPasswordsAllCountTowardsLockout) {
  EngineOptions o = Options();
  o.max_failed_logins = 8;
  Engine engine(o, store_.get());
  ASSERT_TRUE(engine.CreateUser(testing::AliceRequest()).ok());
  std::vector<std::thread> guessers;
  for (int i = 0; i < 8; ++i) {
    guessers.emplace_back(
        [&] { engine.Authenticate("t1", "alice.wong", "wrong-Pass1").IgnoreError(); });
  }
  for (std::thread& t : guessers) t.join();
  auto stored = store_->FindUser("t1", UserKey::kId,
                                 store_->FindUser("t1", UserKey::kUsername, "alice.wong")->user.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_GT(stored->locked_until, clock_.Now());
  auto right = engine.Authenticate("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->outcome, AuthOutcome::kBadCredentials);
}

// N parallel guesses of one account are verified one at a time, each counted
// before the next is tried: with a limit of 3, twelve parallel wrong
// passwords make exactly 3 counted failures (each one a bookkeeping commit),
// and the rest meet the lockout. Before, all twelve read the unlocked record
// and all twelve were tried: an attacker had 12 guesses, not 3.
TEST_P(LifecycleTest, ParallelGuessesGetNoMoreTriesThanTheLimit) {
  testing::FaultyStore counting(store_.get());  // counts the commits it applies
  EngineOptions o = Options();
  o.max_failed_logins = 3;
  Engine engine(o, &counting);
  ASSERT_TRUE(engine.CreateUser(testing::AliceRequest()).ok());
  const int after_create = counting.commits_applied();
  std::atomic<bool> go{false};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 12; ++i) {
    guessers.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto got = engine.Authenticate("t1", "alice.wong", "wrong-Pass" + std::to_string(i));
      EXPECT_TRUE(got.ok() && got->outcome == AuthOutcome::kBadCredentials);
    });
  }
  go = true;
  for (std::thread& t : guessers) t.join();
  EXPECT_EQ(counting.commits_applied() - after_create, 3);
  auto right = engine.Authenticate("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->outcome, AuthOutcome::kBadCredentials);  // locked
}

// One mobile number, one user: "+86 13800000000", 13800000000 in region 86,
// region "086", "013800000000" and no region at all (huawei's default region
// 86) are the same number, stored in one canonical form.
TEST_P(LifecycleTest, EquivalentMobileNumbersAreOneNumber) {
  const User alice = Create("alice.wong", "Summer-Breeze7", "", "013800000000");
  EXPECT_EQ(alice.phone_region, "86");
  EXPECT_EQ(alice.phone, "13800000000");
  for (const auto& [region, number] :
       std::vector<std::pair<std::string, std::string>>{{"86", "13800000000"},
                                                        {"086", "13800000000"},
                                                        {"", "13800000000"},
                                                        {"0086", "013800000000"}}) {
    CreateUserRequest r;
    r.tenant = "t1";
    r.username = "bob.smith";
    r.phone_region = region;
    r.phone = number;
    r.password_mode = PasswordMode::kGenerated;
    EXPECT_EQ(ErrorReason(engine_->CreateUser(r).status()), "phone.duplicate")
        << region << " " << number;
  }
  for (const char* id : {"+86 13800000000", "+8613800000000", "0086-13800000000", "86:013800000000",
                         "13800000000"}) {
    EXPECT_EQ(Login(id, "Summer-Breeze7"), AuthOutcome::kSuccess) << id;
  }
  EXPECT_EQ(Login("+1 13800000000", "Summer-Breeze7"), AuthOutcome::kBadCredentials);
}

// A login identifier names one user: under alibaba a username may not be
// another user's email, under tencent not another user's mobile number, in
// either order of creation (login and reset by it reached the wrong user).
TEST_P(LifecycleTest, LoginIdentifiersAreUnambiguousAcrossFields) {
  // A generated-password create of `username` in `tenant` (alibaba: in OU root).
  auto request = [](const std::string& tenant, const std::string& username) {
    CreateUserRequest r;
    r.tenant = tenant;
    r.username = username;
    r.password_mode = PasswordMode::kGenerated;
    if (tenant == "ali") r.primary_ou = "root";
    return r;
  };
  EngineOptions o = Options();
  o.profile = FindProfile("alibaba");
  Engine alibaba(o, store_.get());
  DirectoryEntry ou;
  ou.kind = EntryKind::kOrganizationalUnit;
  ou.tenant = "ali";
  ou.name = "root";
  ASSERT_TRUE(alibaba.CreateEntry({}, ou).ok());
  CreateUserRequest a = request("ali", "alice");
  a.email = "boss@example.com";
  a.email_verified = true;
  ASSERT_TRUE(alibaba.CreateUser(a).ok());
  const absl::Status taken = alibaba.CreateUser(request("ali", "Boss@Example.com")).status();
  EXPECT_EQ(ErrorReason(taken), "username.duplicate") << taken;
  EXPECT_EQ(MapError(alibaba.profile(), taken).provider_code, "ResourceDuplicated.Username");

  o.profile = FindProfile("tencent");
  Engine tencent(o, store_.get());
  CreateUserRequest phone = request("tc", "dave");
  phone.phone_region = "86";
  phone.phone = "13800000000";
  ASSERT_TRUE(tencent.CreateUser(phone).ok());
  // A name that login would read as a mobile number is refused outright, in
  // every spelling login accepts, whether or not the number is taken.
  for (const char* username : {"13800000000", "+8613800000000", "008613800000000", "86-13800000000",
                               "013800000000", "13900000000"}) {
    EXPECT_EQ(ErrorReason(tencent.CreateUser(request("tc", username)).status()),
              "username.reads_as_phone")
        << username;
  }
  EXPECT_TRUE(tencent.CreateUser(request("tc", "user-13800000000")).ok());
  // An update may not take another user's number.
  ASSERT_TRUE(tencent.CreateUser(request("tc", "erin")).ok());
  UpdateUserRequest u;
  u.tenant = "tc";
  u.user = "erin";
  u.phone_region = "086";
  u.phone = "013800000000";
  EXPECT_EQ(ErrorReason(tencent.UpdateUser(u).status()), "phone.duplicate");
}

// An import carries another system's hash over: the user logs in with the
// password typed there (not normalized), which is then rehashed to Argon2id.
TEST_P(LifecycleTest, AnImportedHashLogsInOnceAndIsReplacedByArgon2id) {
  const struct {
    const char* username;
    const char* hash;
  } imported[] = {
      {"bcrypt.user", "$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS"},
      {"django.user",
       "pbkdf2_sha256$1000$jahbHLsxN9ym$6pyioVXdth5EmUCU0LlAhEqs3ZfSoPxAFu5ZVsNdYlA="},
      {"shadow.user", "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$n.pFdveumVbvkIvhVT2m7V3vCOvHL9dASsBq3JUoRgC"},
  };
  for (const auto& c : imported) {
    SCOPED_TRACE(c.username);
    CreateUserRequest r;
    r.tenant = "t1";
    r.username = c.username;
    r.password_mode = PasswordMode::kImportedHash;
    r.password_hash = Secret(absl::string_view(c.hash));
    auto created = engine_->CreateUser(r);
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_FALSE(created->user.password_reset_required);  // the user's own password
    EXPECT_TRUE(created->user.console_access);
    EXPECT_EQ(store_->FindUser("t1", UserKey::kId, created->user.id)->password_hash, c.hash);
    EXPECT_EQ(Login(c.username, "Tr0ub4dor&4"), AuthOutcome::kBadCredentials);
    // A wrong password leaves the imported hash alone.
    EXPECT_EQ(store_->FindUser("t1", UserKey::kId, created->user.id)->password_hash, c.hash);
    EXPECT_EQ(Login(c.username, "Tr0ub4dor&3"), AuthOutcome::kSuccess);
    const std::string rehashed =
        store_->FindUser("t1", UserKey::kId, created->user.id)->password_hash;
    EXPECT_TRUE(absl::StartsWith(rehashed, "$argon2id$")) << rehashed;
    EXPECT_EQ(Login(c.username, "Tr0ub4dor&3"), AuthOutcome::kSuccess);
    EXPECT_EQ(Login(c.username, "Tr0ub4dor&4"), AuthOutcome::kBadCredentials);
  }
}

TEST_P(LifecycleTest, AnImportedHashIsCheckedAndNeedsItsMode) {
  CreateUserRequest r;
  r.tenant = "t1";
  r.username = "bad.hash";
  r.password_mode = PasswordMode::kImportedHash;
  r.password_hash = Secret(absl::string_view("$1$md5crypt$abc"));
  EXPECT_EQ(ErrorReason(engine_->CreateUser(r).status()), "password_hash.unknown_scheme");
  EXPECT_EQ(ErrorField(engine_->CreateUser(r).status()), "password_hash");
  r.password_hash = Secret();
  EXPECT_EQ(ErrorReason(engine_->CreateUser(r).status()), "password_hash.required");
  r.password_mode = PasswordMode::kGenerated;
  r.password_hash =
      Secret(absl::string_view("$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS"));
  EXPECT_EQ(ErrorField(engine_->CreateUser(r).status()), "password_hash");
  EXPECT_EQ(store_->FindUser("t1", UserKey::kUsername, "bad.hash").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(LifecycleTest, AccountSettingsAreStoredAndReachEveryEngineOnTheStore) {
  // A second engine on the same store (another replica) has read the policy.
  Engine replica(Options(), store_.get());
  EXPECT_EQ(replica.PasswordCheckerFor("t1")->effective_min_length(), 6);
  auto updated = engine_->UpdatePasswordPolicy(
      {}, "t1", {{"minimum_password_length", 12}, {"maximum_consecutive_identical_chars", 2}});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ((*updated)->effective_min_length(), 12);
  // This engine at once; the replica once its copy is a second old.
  EXPECT_EQ(engine_->PasswordCheckerFor("t1")->effective_min_length(), 12);
  EXPECT_EQ(replica.PasswordCheckerFor("t1")->effective_min_length(), 6);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(replica.PasswordCheckerFor("t1")->effective_min_length(), 12);
  EXPECT_EQ(replica.PasswordCheckerFor("t1")->policy().max_repeat, 2);
  // Another tenant keeps the profile's.
  EXPECT_EQ(replica.PasswordCheckerFor("t2")->effective_min_length(), 6);
  // The rule applies to creates on the replica.
  CreateUserRequest r;
  r.tenant = "t1";
  r.username = "short.pw";
  r.password_mode = PasswordMode::kManual;
  r.password = Secret(std::string("Short-Pw7!"));
  auto refused = replica.CreateUser(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(ErrorReason(refused.status()), "password.too_short");

  // A later change keeps the earlier settings it does not name.
  ASSERT_TRUE(engine_->UpdatePasswordPolicy({}, "t1", {{"password_validity_period", 90}}).ok());
  clock_.Advance(absl::Seconds(2));
  const auto after = replica.PasswordCheckerFor("t1");
  EXPECT_EQ(after->effective_min_length(), 12);
  EXPECT_EQ(after->policy().validity_days, 90);

  // Bad settings name their field and change nothing.
  for (const auto& [bad, field] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"minimum_password_length", 0}}, "password_policy.minimum_password_length"},
           {{{"minimum_password_length", "12"}}, "password_policy.minimum_password_length"},
           {{{"password_validity_period", 181}}, "password_policy.password_validity_period"},
           {{{"special_characters", "!"}}, "password_policy.special_characters"},
           {{{"password_not_username_or_invert", 1}},
            "password_policy.password_not_username_or_invert"},
           {{{"minimum_password_length", 40}}, "password_policy.minimum_password_length"},
       }) {
    auto s = engine_->UpdatePasswordPolicy({}, "t1", bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(ErrorField(s.status()), field) << bad << " " << s.status();
  }
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(replica.PasswordCheckerFor("t1")->effective_min_length(), 12);
  EXPECT_EQ(replica.PasswordCheckerFor("t1")->policy().validity_days, 90);
}

INSTANTIATE_TEST_SUITE_P(Stores, LifecycleTest, AllStoreKinds(), StoreKindName);

}  // namespace
}  // namespace iam
