// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Login sessions (what Keystone's X-Auth-Token carries): issued only on a
// successful login, stored only as a keyed hash, expiring, and ended by a
// revoke, a disable, a delete or a new password.
#include <string>

#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "store_param.h"
#include "test_util.h"

namespace iam {
namespace {

class SessionsTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  EngineOptions Options(const std::string& key = std::string(32, 's')) {
    EngineOptions o;
    o.authorizer = iam::AllowAllAuthorizer();  // by name
    o.clock = &clock_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = key;
    o.session_ttl = absl::Hours(2);
    return o;
  }
  void SetUp() override {
    engine_ = std::make_unique<Engine>(Options(), store_.get());
    auto created = engine_->CreateUser(testing::AliceRequest());
    ASSERT_TRUE(created.ok()) << created.status();
    alice_ = created->user;
  }
  std::string LoginToken() {
    auto login = engine_->Login("t1", "alice.wong", "Summer-Breeze7");
    EXPECT_TRUE(login.ok()) << login.status();
    if (!login.ok()) return "";
    EXPECT_EQ(login->auth.outcome, AuthOutcome::kSuccess);
    return login->token.Reveal();
  }
  void ExpectInvalid(const std::string& token) {
    const absl::Status s = engine_->ValidateSession(token).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
    EXPECT_EQ(ErrorReason(s), "token.invalid");
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  TempDbPath db_;
  std::unique_ptr<Store> store_ = MakeStore(GetParam(), db_);
  std::unique_ptr<Engine> engine_;
  User alice_;
};

TEST_P(SessionsTest, SuccessfulLoginOpensASessionThatExpires) {
  auto login = engine_->Login("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(login.ok()) << login.status();
  EXPECT_EQ(login->token.size(), 43u);
  EXPECT_EQ(login->session.user_id, alice_.id);
  EXPECT_EQ(login->session.expires_at, clock_.Now() + absl::Hours(2));
  const std::string token = login->token.Reveal();
  auto session = engine_->ValidateSession(token);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->tenant, "t1");
  EXPECT_EQ(session->user_id, alice_.id);
  // Only a keyed hash is stored.
  EXPECT_EQ(store_->FindToken(token).status().code(), absl::StatusCode::kNotFound);
  clock_.Advance(absl::Hours(2));
  ExpectInvalid(token);
}

TEST_P(SessionsTest, NoSessionWithoutASuccessfulLogin) {
  auto wrong = engine_->Login("t1", "alice.wong", "wrong-Pass1");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->auth.outcome, AuthOutcome::kBadCredentials);
  EXPECT_TRUE(wrong->token.empty());
  UpdateUserRequest reset;
  reset.tenant = "t1";
  reset.user = "alice.wong";
  reset.password_reset_required = true;
  ASSERT_TRUE(engine_->UpdateUser(reset).ok());
  auto must_reset = engine_->Login("t1", "alice.wong", "Summer-Breeze7");
  ASSERT_TRUE(must_reset.ok());
  EXPECT_EQ(must_reset->auth.outcome, AuthOutcome::kResetRequired);
  EXPECT_TRUE(must_reset->token.empty());
  ExpectInvalid("");
  ExpectInvalid("not-a-token");
}

TEST_P(SessionsTest, RevokeEndsOneSession) {
  const std::string a = LoginToken();
  const std::string b = LoginToken();
  ASSERT_TRUE(engine_->RevokeSession(a).ok());
  ExpectInvalid(a);
  EXPECT_TRUE(engine_->ValidateSession(b).ok());
  EXPECT_EQ(ErrorReason(engine_->RevokeSession(a)), "token.invalid");
}

TEST_P(SessionsTest, DisableDeleteAndNewPasswordEndEverySession) {
  const std::string before_disable = LoginToken();
  UpdateUserRequest disable;
  disable.tenant = "t1";
  disable.user = "alice.wong";
  disable.enabled = false;
  ASSERT_TRUE(engine_->UpdateUser(disable).ok());
  ExpectInvalid(before_disable);
  UpdateUserRequest enable;
  enable.tenant = "t1";
  enable.user = "alice.wong";
  enable.enabled = true;
  ASSERT_TRUE(engine_->UpdateUser(enable).ok());
  ExpectInvalid(before_disable);  // re-enabling does not bring it back

  const std::string before_change = LoginToken();
  clock_.Advance(absl::Hours(25));  // past the minimum password age
  ASSERT_TRUE(engine_->ChangePassword("t1", "alice.wong", "Summer-Breeze7", "Autumn-Leaves8").ok());
  ExpectInvalid(before_change);

  auto login = engine_->Login("t1", "alice.wong", "Autumn-Leaves8");
  ASSERT_TRUE(login.ok() && !login->token.empty());
  const std::string before_delete = login->token.Reveal();
  ASSERT_TRUE(engine_->DeleteUser({}, "t1", "alice.wong").ok());
  ExpectInvalid(before_delete);
}

// A password change that raced a login (its revoke ran before the session
// was committed) still ends that session.
TEST_P(SessionsTest, APasswordSetAfterTheLoginEndsTheSession) {
  const std::string token = LoginToken();
  auto rec = store_->FindUser("t1", UserKey::kId, alice_.id);
  ASSERT_TRUE(rec.ok());
  rec->user.password_changed_at = clock_.Now() + absl::Seconds(1);
  WriteSet w;
  w.now = clock_.Now();
  w.updated_users.push_back({*rec, rec->user.version});  // no revoke: the race
  ASSERT_TRUE(store_->Commit(w).ok());
  ExpectInvalid(token);
}

TEST_P(SessionsTest, SessionsSurviveAHostKeyRotation) {
  const std::string token = LoginToken();
  EngineOptions rotated = Options(std::string(32, 'r'));
  rotated.host_key_id = "k2";
  rotated.previous_host_keys = {{"k1", std::string(32, 's')}};
  Engine after(rotated, store_.get());
  auto session = after.ValidateSession(token);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->user_id, alice_.id);
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionsTest, AllStoreKinds(), StoreKindName);

}  // namespace
}  // namespace iam
