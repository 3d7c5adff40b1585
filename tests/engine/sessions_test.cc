// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Login sessions (what Keystone's X-Auth-Token carries): issued only on a
// successful login, stored only as a keyed hash, expiring, and ended by a
// revoke, a disable, a delete or a new password. API tokens (a SCIM client's
// bearer token): long-lived, ended by revocation, a disable or a delete.
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

TEST_P(SessionsTest, ApiTokensLastUntilRevoked) {
  auto issued = engine_->IssueApiToken({}, "t1", "alice.wong", absl::ZeroDuration());
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->expires_at, absl::InfiniteFuture());
  EXPECT_EQ(issued->token.size(), 43u);
  const std::string token = issued->token.Reveal();
  EXPECT_EQ(store_->FindToken(token).status().code(), absl::StatusCode::kNotFound);
  clock_.Advance(absl::Hours(24 * 400));
  auto session = engine_->ValidateSession(token);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->user_id, alice_.id);
  EXPECT_EQ(session->tenant, "t1");
  // A new password revokes every token the user holds, API tokens too.
  UpdateUserRequest pw;
  pw.tenant = "t1";
  pw.user = "alice.wong";
  pw.password = Secret(std::string("Autumn-Leaves8"));
  ASSERT_TRUE(engine_->UpdateUser(pw).ok());
  ExpectInvalid(token);
  auto again = engine_->IssueApiToken({}, "t1", alice_.id, absl::ZeroDuration());
  ASSERT_TRUE(again.ok());
  const std::string second = again->token.Reveal();
  const std::string session_token = [&] {
    auto login = engine_->Login("t1", "alice.wong", "Autumn-Leaves8");
    return login.ok() ? login->token.Reveal() : std::string();
  }();
  ASSERT_TRUE(engine_->ValidateSession(second).ok());
  ASSERT_TRUE(engine_->RevokeApiTokens({}, "t1", "alice.wong").ok());
  ExpectInvalid(second);
  ExpectInvalid(session_token);
}

TEST_P(SessionsTest, ApiTokensExpireWhenGivenALifetimeAndStopWithTheUser) {
  auto issued = engine_->IssueApiToken({}, "t1", "alice.wong", absl::Hours(1));
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->expires_at, clock_.Now() + absl::Hours(1));
  const std::string token = issued->token.Reveal();
  ASSERT_TRUE(engine_->ValidateSession(token).ok());
  clock_.Advance(absl::Hours(1));
  ExpectInvalid(token);
  auto other = engine_->IssueApiToken({}, "t1", "alice.wong", absl::ZeroDuration());
  const std::string lasting = other->token.Reveal();
  UpdateUserRequest off;
  off.tenant = "t1";
  off.user = "alice.wong";
  off.enabled = false;
  ASSERT_TRUE(engine_->UpdateUser(off).ok());
  ExpectInvalid(lasting);
  EXPECT_EQ(engine_->IssueApiToken({}, "t1", "alice.wong", absl::Hours(-1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->IssueApiToken({}, "t1", "nobody.here", absl::ZeroDuration()).status().code(),
            absl::StatusCode::kNotFound);
  // The engine's own rights apply: an anonymous caller under the shipped
  // authorizer may not issue one.
  EngineOptions strict = Options();
  strict.authorizer = nullptr;
  Engine policed(strict, store_.get());
  EXPECT_EQ(policed.IssueApiToken({}, "t1", "alice.wong", absl::ZeroDuration()).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_P(SessionsTest, FindUserByEveryUniqueKey) {
  UpdateUserRequest r;
  r.tenant = "t1";
  r.user = "alice.wong";
  r.email = "Alice@Example.com";
  r.phone_region = "86";
  r.phone = "13800000000";
  r.external_id = "ext-alice";
  ASSERT_TRUE(engine_->UpdateUser(r).ok());
  const std::pair<UserKey, std::string> found[] = {
      {UserKey::kId, alice_.id},
      {UserKey::kUsername, "ALICE.WONG"},
      {UserKey::kEmail, "alice@EXAMPLE.com"},
      {UserKey::kPhone, "+86 13800000000"},
      {UserKey::kExternalId, "ext-alice"},
      {UserKey::kLogin, "alice@example.com"},
  };
  for (const auto& [key, value] : found) {
    auto u = engine_->FindUser({}, "t1", key, value);
    ASSERT_TRUE(u.ok()) << value << ": " << u.status();
    EXPECT_EQ(u->id, alice_.id) << value;
  }
  const std::pair<UserKey, std::string> missing[] = {
      {UserKey::kExternalId, "EXT-ALICE"},  // external ids are exact
      {UserKey::kUsername, "bob.smith"},   {UserKey::kEmail, "bob@example.com"},
      {UserKey::kPhone, "not a number"},   {UserKey::kId, "0123456789abcdef0123456789abcdef"},
  };
  for (const auto& [key, value] : missing) {
    auto u = engine_->FindUser({}, "t1", key, value);
    EXPECT_EQ(u.status().code(), absl::StatusCode::kNotFound) << value;
    EXPECT_EQ(ErrorReason(u.status()), "user.not_found") << value;
  }
  EXPECT_EQ(engine_->FindUser({}, "t2", UserKey::kId, alice_.id).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(SessionsTest, ARenameKeepsTheUserAndFreesTheOldName) {
  EXPECT_EQ(alice_.updated_at, clock_.Now());
  clock_.Advance(absl::Minutes(5));
  UpdateUserRequest r;
  r.tenant = "t1";
  r.user = alice_.id;
  r.username = "alice.smith";
  auto renamed = engine_->UpdateUser(r);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->username, "alice.smith");
  EXPECT_EQ(renamed->updated_at, clock_.Now());
  const absl::Time renamed_at = clock_.Now();
  EXPECT_EQ(engine_->GetUser({}, "t1", alice_.id)->updated_at, renamed_at);
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(engine_->Login("t1", "alice.smith", "Summer-Breeze7")->auth.outcome,
            AuthOutcome::kSuccess);
  EXPECT_EQ(engine_->Login("t1", "alice.wong", "Summer-Breeze7")->auth.outcome,
            AuthOutcome::kBadCredentials);
  EXPECT_EQ(engine_->Login("t1", "alice.smith", "wrong-Guess1")->auth.outcome,
            AuthOutcome::kBadCredentials);
  // Login bookkeeping is not a change: updated_at stays.
  EXPECT_EQ(engine_->GetUser({}, "t1", alice_.id)->updated_at, renamed_at);
  // The old name is free; a taken one and invalid ones are refused, changing
  // nothing.
  CreateUserRequest again = testing::AliceRequest();
  ASSERT_TRUE(engine_->CreateUser(again).ok());
  const std::pair<std::string, std::string> refused[] = {
      {"ALICE.WONG", "username.duplicate"},
      {"a", "username.too_short"},
      {"alice wong", "username.invalid_character"},
  };
  for (const auto& [name, reason] : refused) {
    r.username = name;
    const absl::Status s = engine_->UpdateUser(r).status();
    EXPECT_FALSE(s.ok()) << name;
    EXPECT_EQ(ErrorReason(s), reason) << name << ": " << s;
  }
  EXPECT_EQ(engine_->GetUser({}, "t1", alice_.id)->username, "alice.smith");
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionsTest, AllStoreKinds(), StoreKindName);

}  // namespace
}  // namespace iam
