// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The audit log: every operation leaves exactly the expected events, in the
// commit of its change (a failure in one of its own), with who and from where,
// and never a secret. Over every store.
#include "iam/audit.h"

#include <re2/re2.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/json.h"
#include "store_param.h"

namespace iam {
namespace {

const std::string kHostKey(32, 'k');
constexpr char kTenant[] = "tenant1";
constexpr char kPassword[] = "Summer-Breeze7";
constexpr char kOtherPassword[] = "Autumn-Leaves9";

class AuditTest : public ::testing::TestWithParam<StoreKind> {
 public:  // the table's steps drive it
  EngineOptions Options() {
    EngineOptions o;
    o.authorizer = AllowAllAuthorizer();
    o.clock = &clock_;
    o.notifier = &notifier_;
    o.argon2 = Argon2Params::ForTests();
    o.host_key = kHostKey;
    o.max_failed_logins = 3;
    return o;
  }
  Engine& engine() {
    if (!engine_) engine_ = std::make_unique<Engine>(Options(), store_.get());
    return *engine_;
  }

  // "action outcome reason" of each event since the last call, oldest first.
  std::vector<std::string> NewEvents() {
    AuditQuery q;
    q.tenant = kTenant;
    q.page_size = 1000;
    auto page = engine().ListAuditEvents({}, q);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (auto it = page->events.rbegin(); it != page->events.rend(); ++it) {
      if (it->id <= seen_) continue;
      seen_ = it->id;
      events_.push_back(*it);
      out.push_back(absl::StrCat(it->action, " ", it->outcome,
                                 it->reason.empty() ? "" : " " + it->reason,
                                 it->target.empty() ? " -" : ""));
    }
    return out;
  }

  std::string CreateUser(const std::string& username, const std::string& email = "") {
    CreateUserRequest r;
    r.tenant = kTenant;
    r.username = username;
    r.email = email;
    r.password_mode = PasswordMode::kManual;
    r.password = Secret(std::string(kPassword));
    r.require_password_reset = false;
    auto created = engine().CreateUser(std::move(r));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->user.id : "";
  }

  // Every event `q` finds, following its pages (at most 20).
  std::vector<AuditEvent> AllPages(AuditQuery q) {
    std::vector<AuditEvent> events;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = engine().ListAuditEvents({}, q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      events.insert(events.end(), page->events.begin(), page->events.end());
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
    }
    return events;
  }

  // The token of the last notification (a link's query).
  std::string LastToken() {
    auto sent = notifier_.sent();
    std::string token;
    if (!sent.empty()) RE2::PartialMatch(sent.back().body, "token=([A-Za-z0-9_-]+)", &token);
    secrets_.push_back(token);
    return token;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  CapturingNotifier notifier_;
  TempDbPath db_;
  std::unique_ptr<Store> store_ = MakeStore(GetParam(), db_);
  std::unique_ptr<Engine> engine_;
  int64_t seen_ = 0;
  std::vector<AuditEvent> events_;
  std::vector<std::string> secrets_ = {kPassword, kOtherPassword};
};

// One row per operation: what it does, and the events it must leave (a
// trailing " -" marks an event with no target).
struct Step {
  const char* name;
  std::function<void(AuditTest&, std::string& alice)> run;
  std::vector<std::string> expected;
};

TEST_P(AuditTest, EveryOperationLeavesExactlyItsEvents) {
  std::string alice;
  const Principal operator_caller;
  auto update = [](AuditTest& t, const std::string& user, auto edit) {
    UpdateUserRequest r;
    r.tenant = kTenant;
    r.user = user;
    edit(r);
    auto s = t.engine().UpdateUser(r);
    EXPECT_TRUE(s.ok()) << s.status();
  };
  const std::vector<Step> steps = {
      {"create",
       [](AuditTest& t, std::string& a) { a = t.CreateUser("alice.wong", "alice@example.com"); },
       {"iam:CreateUser success"}},
      {"create refused",
       [](AuditTest& t, std::string&) {
         CreateUserRequest r;
         r.tenant = kTenant;
         r.username = "x";
         r.password_mode = PasswordMode::kGenerated;
         EXPECT_FALSE(t.engine().CreateUser(r).ok());
       },
       {"iam:CreateUser failure username.too_short -"}},
      {"batch",
       [](AuditTest& t, std::string&) {
         std::vector<CreateUserRequest> batch(2);
         batch[0].username = "bob.smith";
         batch[1].username = "carol.jones";
         for (auto& r : batch) {
           r.tenant = kTenant;
           r.password_mode = PasswordMode::kGenerated;
         }
         auto out = t.engine().BatchCreateUsers(batch);
         ASSERT_TRUE(out.ok() && out->committed);
         for (auto& item : out->items) t.secrets_.push_back(item->generated_password.Reveal());
       },
       {"iam:CreateUser success", "iam:CreateUser success"}},
      {"batch refused",
       [](AuditTest& t, std::string&) {
         std::vector<CreateUserRequest> batch(3);
         batch[0].username = "dave.ok";
         batch[1].username = "x";          // too short
         batch[2].username = "bob.smith";  // taken
         for (auto& r : batch) {
           r.tenant = kTenant;
           r.password_mode = PasswordMode::kGenerated;
         }
         auto out = t.engine().BatchCreateUsers(batch);
         ASSERT_TRUE(out.ok() && !out->committed);
       },
       {"iam:CreateUser failure batch.rejected -", "iam:CreateUser failure username.too_short -",
        "iam:CreateUser failure username.duplicate -"}},
      {"update",
       [&](AuditTest& t, std::string& a) {
         update(t, a, [](UpdateUserRequest& r) { r.display_name = "Alice"; });
       },
       {"iam:UpdateUser success"}},
      {"disable",
       [&](AuditTest& t, std::string& a) {
         update(t, a, [](UpdateUserRequest& r) { r.enabled = false; });
       },
       {"iam:UpdateUser success", "iam:DisableUser success"}},
      {"enable",
       [&](AuditTest& t, std::string& a) {
         update(t, a, [](UpdateUserRequest& r) { r.enabled = true; });
       },
       {"iam:UpdateUser success", "iam:EnableUser success"}},
      {"attach policy",
       [&](AuditTest& t, std::string& a) {
         update(t, a, [](UpdateUserRequest& r) {
           r.policies = std::vector<std::string>{"AdministratorAccess"};
         });
       },
       {"iam:UpdateUser success", "iam:AttachUserPolicy success"}},
      {"detach policy",
       [&](AuditTest& t, std::string& a) {
         update(t, a, [](UpdateUserRequest& r) { r.policies = std::vector<std::string>{}; });
       },
       {"iam:UpdateUser success", "iam:DetachUserPolicy success"}},
      {"password set",
       [&](AuditTest& t, std::string& a) {
         update(t, a,
                [](UpdateUserRequest& r) { r.password = Secret(std::string(kOtherPassword)); });
       },
       {"iam:UpdateUser success", "iam:SetPassword success"}},
      {"login",
       [](AuditTest& t, std::string&) {
         auto r = t.engine().Authenticate(kTenant, "alice.wong", kOtherPassword);
         ASSERT_TRUE(r.ok());
         EXPECT_EQ(r->outcome, AuthOutcome::kSuccess);
       },
       {"iam:Login success"}},
      {"login with a wrong password",
       [](AuditTest& t, std::string&) {
         EXPECT_EQ(t.engine().Authenticate(kTenant, "alice.wong", "Wrong-Guess-1")->outcome,
                   AuthOutcome::kBadCredentials);
       },
       {"iam:Login failure password.mismatch"}},
      {"login of nobody",
       [](AuditTest& t, std::string&) {
         EXPECT_EQ(t.engine().Authenticate(kTenant, "nobody.here", kPassword)->outcome,
                   AuthOutcome::kBadCredentials);
       },
       {"iam:Login failure user.not_found -"}},
      {"lockout",
       [](AuditTest& t, std::string&) {
         for (int i = 0; i < 2; ++i) {
           (void)t.engine().Authenticate(kTenant, "alice.wong", "Wrong-Guess-2");
         }
       },
       {"iam:Login failure password.mismatch", "iam:Login failure password.mismatch",
        "iam:LockUser success"}},
      {"login while locked",
       [](AuditTest& t, std::string&) {
         EXPECT_EQ(t.engine().Authenticate(kTenant, "alice.wong", kOtherPassword)->outcome,
                   AuthOutcome::kBadCredentials);
         t.clock_.Advance(absl::Hours(1));
       },
       {"iam:Login failure user.locked"}},
      {"password change",
       [](AuditTest& t, std::string& a) {
         t.clock_.Advance(absl::Hours(24 * 30));
         EXPECT_TRUE(t.engine().ChangePassword(kTenant, a, kOtherPassword, kPassword).ok());
       },
       {"iam:ChangePassword success"}},
      {"password change with a wrong password",
       [](AuditTest& t, std::string& a) {
         EXPECT_FALSE(t.engine().ChangePassword(kTenant, a, "Wrong-Guess-3", kPassword).ok());
       },
       {"iam:ChangePassword failure password.mismatch"}},
      {"reset",
       [](AuditTest& t, std::string&) {
         ASSERT_TRUE(t.engine().StartPasswordReset(kTenant, "alice.wong", Channel::kEmail).ok());
         ASSERT_TRUE(t.engine().CompleteReset(t.LastToken(), kOtherPassword).ok());
       },
       {"iam:StartPasswordReset success", "iam:CompletePasswordReset success"}},
      {"used reset token",
       [](AuditTest& t, std::string&) {
         EXPECT_FALSE(t.engine().CompleteReset(t.secrets_.back(), kPassword).ok());
       },
       {}},  // an unknown token names no tenant: nothing to file it under
      {"first-login link",
       [](AuditTest& t, std::string&) {
         CreateUserRequest r;
         r.tenant = kTenant;
         r.username = "dave.link";
         r.email = "dave@example.com";
         r.password_mode = PasswordMode::kFirstLoginLink;
         ASSERT_TRUE(t.engine().CreateUser(r).ok());
         ASSERT_TRUE(t.engine().RedeemLoginLink(t.LastToken(), kPassword).ok());
       },
       {"iam:CreateUser success", "iam:RedeemLoginLink success"}},
      {"access keys",
       [&](AuditTest& t, std::string& a) {
         auto key = t.engine().CreateAccessKey(operator_caller, kTenant, a, "ci");
         ASSERT_TRUE(key.ok()) << key.status();
         t.secrets_.push_back(key->secret.Reveal());
         ASSERT_TRUE(t.engine().SetAccessKeyEnabled(operator_caller, kTenant, key->id, false).ok());
         ASSERT_TRUE(t.engine().SetAccessKeyEnabled(operator_caller, kTenant, key->id, true).ok());
         ASSERT_TRUE(t.engine().DeleteAccessKey(operator_caller, kTenant, key->id).ok());
         EXPECT_FALSE(t.engine().DeleteAccessKey(operator_caller, kTenant, key->id).ok());
       },
       {"iam:CreateAccessKey success", "iam:DisableAccessKey success",
        "iam:EnableAccessKey success", "iam:DeleteAccessKey success",
        "iam:DeleteAccessKey failure access_key.not_found -"}},
      {"denied",
       [](AuditTest& t, std::string&) {
         EngineOptions o = t.Options();
         o.authorizer = nullptr;  // the policy evaluator: an anonymous caller may do nothing
         Engine strict(o, t.store_.get());
         CreateUserRequest r;
         r.tenant = kTenant;
         r.username = "eve.intruder";
         r.password_mode = PasswordMode::kGenerated;
         EXPECT_TRUE(absl::IsPermissionDenied(strict.CreateUser(r).status()));
       },
       {"iam:CreateUser denied authorization.denied -"}},
      {"delete",
       [&](AuditTest& t, std::string& a) {
         ASSERT_TRUE(t.engine().DeleteUser(operator_caller, kTenant, a).ok());
       },
       {"iam:DeleteUser success"}},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.name);
    step.run(*this, alice);
    EXPECT_EQ(NewEvents(), step.expected);
  }
  // Every event: the tenant, a time, a target that is an id; no secret, no
  // rejected value ("x", "nobody.here") anywhere in the log.
  std::string log;
  for (const AuditEvent& e : events_) {
    EXPECT_EQ(e.tenant, kTenant);
    EXPECT_NE(e.time, absl::InfinitePast());
    absl::StrAppend(&log, ToJson(e).dump(), "\n");
  }
  for (const std::string& secret : secrets_) {
    ASSERT_FALSE(secret.empty());
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret in the audit log";
  }
  EXPECT_EQ(log.find("nobody.here"), std::string::npos);
  EXPECT_EQ(log.find("Wrong-Guess"), std::string::npos);
  // The deleted user's history stays, by its id.
  AuditQuery q;
  q.tenant = kTenant;
  q.target = alice;
  auto history = engine().ListAuditEvents({}, q);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->events.front().action, "iam:DeleteUser");
  EXPECT_EQ(history->events.back().action, "iam:CreateUser");
  EXPECT_GE(history->events.size(), 20u);
}

TEST_P(AuditTest, EventsCarryWhoAndFromWhere) {
  Principal caller;
  caller.id = "admin-user-id";
  caller.context.source_ip = "203.0.113.9";
  caller.context.request_id = "req-1";
  caller.context.user_agent = "huaweicloud-sdk/3.1";
  CreateUserRequest r;
  r.caller = caller;
  r.tenant = kTenant;
  r.username = "alice.wong";
  r.password_mode = PasswordMode::kManual;
  r.password = Secret(std::string(kPassword));
  r.require_password_reset = false;
  auto created = engine().CreateUser(r);
  ASSERT_TRUE(created.ok());
  {
    RequestContext where;
    where.source_ip = "198.51.100.7";
    where.request_id = "req-2";
    where.user_agent = "openstack/6.0";
    ScopedRequestContext scope(where);
    ASSERT_TRUE(engine().Authenticate(kTenant, "alice.wong", kPassword).ok());
  }
  ASSERT_TRUE(engine().Authenticate(kTenant, "alice.wong", kPassword).ok());
  AuditQuery q;
  q.tenant = kTenant;
  auto page = engine().ListAuditEvents({}, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 3u);
  const AuditEvent& create = page->events[2];
  EXPECT_EQ(create.actor, "admin-user-id");
  EXPECT_EQ(create.source, "203.0.113.9");
  EXPECT_EQ(create.request_id, "req-1");
  EXPECT_EQ(create.user_agent, "huaweicloud-sdk/3.1");
  EXPECT_EQ(create.target, created->user.id);
  const AuditEvent& login = page->events[1];
  EXPECT_EQ(login.actor, created->user.id);  // a login acts as its user
  EXPECT_EQ(login.source, "198.51.100.7");
  EXPECT_EQ(login.request_id, "req-2");
  EXPECT_EQ(login.user_agent, "openstack/6.0");
  EXPECT_EQ(page->events[0].source, "");  // the scope ended with its block
}

TEST_P(AuditTest, QueriesPageNewestFirstAndFilter) {
  for (int i = 0; i < 5; ++i) {
    CreateUser(absl::StrCat("user.", i));
    clock_.Advance(absl::Minutes(1));
  }
  (void)engine().Authenticate(kTenant, "user.0", "Wrong-Guess-4");
  AuditQuery q;
  q.tenant = kTenant;
  q.page_size = 2;
  std::vector<std::string> seen;
  for (const AuditEvent& e : AllPages(q)) seen.push_back(e.action);
  EXPECT_EQ(absl::StrJoin(seen, ","),
            "iam:Login,iam:CreateUser,iam:CreateUser,iam:CreateUser,iam:CreateUser,iam:CreateUser");
  AuditQuery by_action;
  by_action.tenant = kTenant;
  by_action.action = "iam:Login";
  EXPECT_EQ(engine().ListAuditEvents({}, by_action)->events.size(), 1u);
  AuditQuery by_time;
  by_time.tenant = kTenant;
  by_time.since = absl::FromUnixSeconds(1'800'000'000) + absl::Minutes(1);
  by_time.until = absl::FromUnixSeconds(1'800'000'000) + absl::Minutes(3);
  EXPECT_EQ(engine().ListAuditEvents({}, by_time)->events.size(), 2u);
  AuditQuery other;
  other.tenant = "tenant2";
  EXPECT_TRUE(engine().ListAuditEvents({}, other)->events.empty());
  AuditQuery bad;
  bad.tenant = kTenant;
  bad.page_token = "not-a-token";
  EXPECT_EQ(ErrorField(engine().ListAuditEvents({}, bad).status()), "page_token");
  bad.page_token = "";
  bad.page_size = 0;
  EXPECT_EQ(ErrorField(engine().ListAuditEvents({}, bad).status()), "page_size");
  // Retention: events older than 3 minutes (user.0 and user.1, made at 0 and
  // 1 minute; now is 5) go.
  auto pruned = engine().PruneAuditEvents(absl::Minutes(3));
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 2);
  AuditQuery all;
  all.tenant = kTenant;
  EXPECT_EQ(engine().ListAuditEvents({}, all)->events.size(), 4u);
}

// A target's history, in pages and filtered, with other targets' events in
// between (the SQLite store walks the target's chain instead of an index).
TEST_P(AuditTest, ATargetsEventsPageAndFilterAmongOthers) {
  const std::string a = CreateUser("user.a");
  const std::string b = CreateUser("user.b");
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(absl::Minutes(1));
    (void)engine().Authenticate(kTenant, "user.a", "Wrong-Guess-1");
    (void)engine().Authenticate(kTenant, "user.b", "Wrong-Guess-2");
  }
  auto actions = [&](AuditQuery q) {
    q.tenant = kTenant;
    std::vector<std::string> seen;
    for (const AuditEvent& e : AllPages(q)) {
      EXPECT_EQ(e.target, q.target);
      seen.push_back(absl::StrCat(e.action, " ", e.outcome));
    }
    return absl::StrJoin(seen, ",");
  };
  AuditQuery q;
  q.target = a;
  q.page_size = 2;
  // The third wrong guess locks the account: its own event, then the failure.
  const std::string history = actions(q);
  EXPECT_EQ(history,
            "iam:LockUser success,iam:Login failure,iam:Login failure,iam:Login failure,"
            "iam:CreateUser success");
  q.page_size = 1;
  EXPECT_EQ(actions(q), history);
  q.action = "iam:CreateUser";
  EXPECT_EQ(actions(q), "iam:CreateUser success");
  q.action = "";
  q.since = absl::FromUnixSeconds(1'800'000'000) + absl::Minutes(2);
  q.until = absl::FromUnixSeconds(1'800'000'000) + absl::Minutes(3);
  EXPECT_EQ(actions(q), "iam:Login failure");
  AuditQuery other;
  other.target = b;
  EXPECT_EQ(actions(other), history);
  AuditQuery nobody;
  nobody.target = "no-such-target";
  EXPECT_EQ(actions(nobody), "");
}

// A target's log follows its user through a batch (the users' rows are
// written naming events appended in the same commit), a deletion, and a new
// user a store is given with a deleted user's id: that log goes on from
// where the deleted one's stopped, as a filter on the target would find.
TEST_P(AuditTest, ChainsFollowBatchesDeletionsAndAReusedId) {
  std::vector<CreateUserRequest> batch(3);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].tenant = kTenant;
    batch[i].username = absl::StrCat("batch.user", i);
    batch[i].password_mode = PasswordMode::kManual;
    batch[i].password = Secret(std::string(kPassword));
  }
  auto created = engine().BatchCreateUsers(batch);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(created->committed);
  ASSERT_EQ(created->items.size(), 3u);
  const std::string a = created->items[0]->user.id;
  const std::string b = created->items[1]->user.id;
  auto log = [&](const std::string& target) {
    AuditQuery q;
    q.tenant = kTenant;
    q.target = target;
    q.page_size = 2;
    std::vector<std::string> seen;
    for (const AuditEvent& e : AllPages(q)) seen.push_back(e.action);
    return absl::StrJoin(seen, ",");
  };
  auto set_enabled = [&](const std::string& user, bool enabled) {
    UpdateUserRequest r;
    r.tenant = kTenant;
    r.user = user;
    r.enabled = enabled;
    EXPECT_TRUE(engine().UpdateUser(r).ok());
  };
  EXPECT_EQ(log(a), "iam:CreateUser");
  EXPECT_EQ(log(b), "iam:CreateUser");
  set_enabled(b, false);  // two events in one commit
  EXPECT_EQ(log(b), "iam:DisableUser,iam:UpdateUser,iam:CreateUser");

  auto record = store_->FindUser(kTenant, UserKey::kId, b);
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_TRUE(engine().DeleteUser({}, kTenant, b).ok());
  const std::string deleted_log = "iam:DeleteUser,iam:DisableUser,iam:UpdateUser,iam:CreateUser";
  EXPECT_EQ(log(b), deleted_log);

  if (!store_->SupportsAudit()) return;
  WriteSet again;
  again.tenant = kTenant;
  again.new_users.push_back(*record);
  for (const char* action : {"test:First", "test:Second"}) {
    AuditEvent e;
    e.tenant = kTenant;
    e.time = clock_.Now();
    e.action = action;
    e.target = b;
    e.outcome = "success";
    again.audit.push_back(e);
  }
  ASSERT_TRUE(store_->Commit(again).ok());
  EXPECT_EQ(log(b), "test:Second,test:First," + deleted_log);
  EXPECT_EQ(log(a), "iam:CreateUser");
  set_enabled(b, true);
  EXPECT_EQ(log(b), "iam:EnableUser,iam:UpdateUser,test:Second,test:First," + deleted_log);
}

// Pruning everything never lets an id come back (a page token or a consumer
// that remembers ids would be fooled).
TEST_P(AuditTest, IdsNeverRepeatAfterPruning) {
  CreateUser("user.a");
  CreateUser("user.b");
  ASSERT_EQ(NewEvents().size(), 2u);
  const int64_t newest = seen_;
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(engine().PruneAuditEvents(absl::ZeroDuration()).ok());
  CreateUser("user.c");
  AuditQuery q;
  q.tenant = kTenant;
  auto page = engine().ListAuditEvents({}, q);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->events.empty());
  EXPECT_GT(page->events.front().id, newest);
  EXPECT_LE(page->events.size(), 2u);  // the newest pruned one may stay
}

TEST_P(AuditTest, ReadingTheLogIsItsOwnRight) {
  EngineOptions o = Options();
  o.authorizer = nullptr;
  Engine strict(o, store_.get());
  AuditQuery q;
  q.tenant = kTenant;
  EXPECT_TRUE(absl::IsPermissionDenied(strict.ListAuditEvents({}, q).status()));
}

TEST_P(AuditTest, OffMeansNoEvents) {
  EngineOptions o = Options();
  o.audit = false;
  engine_ = std::make_unique<Engine>(o, store_.get());
  CreateUser("alice.wong");
  EXPECT_TRUE(NewEvents().empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditTest, AllStoreKinds(), StoreKindName);

}  // namespace
}  // namespace iam
