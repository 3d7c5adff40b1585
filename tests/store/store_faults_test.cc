// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Store faults (issue 16). Injected: every fault a database answers with
// (busy, disk full, I/O error, a lost connection), before a commit applies and
// after it applied with the acknowledgement lost. Real, on SQLite: a file-size
// limit, another connection's exclusive transaction, a corrupted file, a wrong
// host key. Each must give a clear error naming its cause, never a crash;
// leave nothing half-written; and a retry with the same client token must
// succeed exactly once after the fault clears, its notification delivered
// exactly once.
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "faulty_store.h"
#include "gtest/gtest.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/memory_store.h"
#include "iam/notifier.h"
#include "iam/sqlite_store.h"
#include "store_param.h"

namespace iam {
namespace {

using ::iam::testing::FaultStep;
using ::iam::testing::FaultyStore;
using ::iam::testing::kStoreFaults;
using ::iam::testing::StoreFault;

EngineOptions Options(Notifier* notifier, const std::string& host_key = std::string(32, 'k')) {
  EngineOptions o;
  o.authorizer = AllowAllAuthorizer();
  o.profile = FindProfile("huawei");
  o.argon2 = Argon2Params::ForTests();
  o.host_key = host_key;
  o.notifier = notifier;
  return o;
}

// A create with every part: an access key, a group, a first-login link by
// email (an outbox message), under a client token.
CreateUserRequest FullRequest(const std::string& username) {
  CreateUserRequest r;
  r.tenant = "t1";
  r.username = username;
  r.email = username + "@example.com";
  r.password_mode = PasswordMode::kFirstLoginLink;
  r.access_key = true;
  r.groups = {"developers"};
  r.client_token = "ct-" + username;
  return r;
}

// The same without the group, for a store no group was made in.
CreateUserRequest UngroupedRequest(const std::string& username) {
  CreateUserRequest r = FullRequest(username);
  r.groups.clear();
  return r;
}

int64_t Users(Store& store) {
  ListUsersQuery q;
  q.tenant = "t1";
  q.page_size = 1000;
  auto page = store.ListUsers(q);
  return page.ok() ? static_cast<int64_t>(page->users.size()) : -1;
}

// How many notifications each user got.
std::map<std::string, int> Deliveries(const CapturingNotifier& notifier) {
  std::map<std::string, int> by_user;
  for (const Notification& n : notifier.sent()) ++by_user[n.user_id];
  return by_user;
}

class StoreFaultsTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    DirectoryEntry group;
    group.kind = EntryKind::kGroup;
    group.tenant = "t1";
    group.name = "developers";
    ASSERT_TRUE(engine_.CreateEntry({}, group).ok());
  }
  TempDbPath db_;
  std::unique_ptr<Store> store_ = MakeStore(GetParam(), db_);
  FaultyStore faulty_{store_.get()};
  CapturingNotifier notifier_;
  Engine engine_{Options(&notifier_), &faulty_};
};

TEST_P(StoreFaultsTest, EveryCommitFaultIsNamedWritesNothingHalfAndTheRetryLandsOnce) {
  int cases = 0;
  for (const StoreFault& fault : kStoreFaults) {
    for (FaultStep step : {FaultStep::kBeforeApply, FaultStep::kAfterApply}) {
      const bool applied = step == FaultStep::kAfterApply;
      const std::string name = absl::StrCat("user.case", ++cases);
      SCOPED_TRACE(absl::StrCat(fault.name, applied ? " after apply" : " before apply"));
      const int64_t before = Users(*store_);
      faulty_.FailCommits(fault, step);
      absl::StatusOr<CreateUserResult> failed = engine_.CreateUser(FullRequest(name));
      ASSERT_FALSE(failed.ok());
      EXPECT_EQ(failed.status().code(), fault.code);
      EXPECT_EQ(ErrorReason(failed.status()), fault.reason);
      EXPECT_TRUE(absl::StrContains(failed.status().message(), fault.name))
          << failed.status().message();
      // All or nothing: before the apply, no part exists; after it, every part.
      absl::StatusOr<UserRecord> stored = store_->FindUser("t1", UserKey::kUsername, name);
      EXPECT_EQ(stored.ok(), applied);
      EXPECT_EQ(store_->FindIdempotency("t1", "ct-" + name)->has_value(), applied);
      EXPECT_EQ(Users(*store_), before + (applied ? 1 : 0));
      if (stored.ok()) {
        EXPECT_EQ(store_->ListAccessKeys("t1", stored->user.id)->size(), 1u);
        EXPECT_EQ(stored->user.groups.size(), 1u);
      }
      // The retry with the same token lands once: created, or the first
      // response replayed.
      absl::StatusOr<CreateUserResult> retried = engine_.CreateUser(FullRequest(name));
      ASSERT_TRUE(retried.ok()) << retried.status();
      EXPECT_EQ(retried->replayed, applied);
      if (stored.ok()) {
        EXPECT_EQ(retried->user.id, stored->user.id);
      }
      absl::StatusOr<CreateUserResult> again = engine_.CreateUser(FullRequest(name));
      ASSERT_TRUE(again.ok());
      EXPECT_TRUE(again->replayed);
      EXPECT_EQ(again->user.id, retried->user.id);
      EXPECT_EQ(Users(*store_), before + 1);
    }
  }
  // Every committed link reaches its user exactly once, those whose commit
  // answered a fault included (the outbox sends them).
  ASSERT_TRUE(engine_.DispatchOutbox().ok());
  ASSERT_TRUE(engine_.DispatchOutbox().ok());
  const std::map<std::string, int> deliveries = Deliveries(notifier_);
  EXPECT_EQ(static_cast<int>(deliveries.size()), cases);
  for (const auto& [user, count] : deliveries) EXPECT_EQ(count, 1) << user;
  EXPECT_EQ(*store_->PendingOutbox(), 0);
  std::printf("store faults: %d cases (%zu faults x before/after the apply)\n", cases,
              std::size(kStoreFaults));
}

TEST_P(StoreFaultsTest, ABatchUnderAFaultLandsWholeOnTheRetry) {
  for (FaultStep step : {FaultStep::kBeforeApply, FaultStep::kAfterApply}) {
    const bool applied = step == FaultStep::kAfterApply;
    std::vector<CreateUserRequest> batch;
    for (int i = 0; i < 3; ++i) {
      batch.push_back(FullRequest(absl::StrCat(applied ? "after" : "before", ".batch", i)));
    }
    const int64_t before = Users(*store_);
    faulty_.FailCommits(kStoreFaults[0], step);
    EXPECT_EQ(engine_.BatchCreateUsers(batch).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(Users(*store_), before + (applied ? 3 : 0));
    absl::StatusOr<BatchCreateResult> retried = engine_.BatchCreateUsers(batch);
    ASSERT_TRUE(retried.ok()) << retried.status();
    ASSERT_TRUE(retried->committed);
    for (const auto& item : retried->items) EXPECT_EQ(item->replayed, applied);
    EXPECT_EQ(Users(*store_), before + 3);
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreFaultsTest,
                         ::testing::Values(StoreKind::kMemory, StoreKind::kSqlite), StoreKindName);

// ---------------------------------------------------------------------------
// Real faults on SQLite.

class SqliteRealFaultsTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open(absl::Duration busy_timeout = absl::Seconds(5)) {
    SqliteOptions options;
    options.busy_timeout = busy_timeout;
    auto store = SqliteStore::Open(db_.path(), options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  TempDbPath db_;
  CapturingNotifier notifier_;
};

TEST_F(SqliteRealFaultsTest, AFileSizeLimitIsNamedAndTheRetrySucceedsOnceItLifts) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Engine engine(Options(&notifier_), store.get());
  CreateUserRequest first = UngroupedRequest("first.user");
  ASSERT_TRUE(engine.CreateUser(first).ok());
  // No file may grow from here: the WAL append fails with EFBIG.
  struct stat wal {};
  ASSERT_EQ(::stat((db_.path() + "-wal").c_str(), &wal), 0);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(wal.st_size);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tight), 0);
  CreateUserRequest r = UngroupedRequest("second.user");
  absl::StatusOr<CreateUserResult> failed = engine.CreateUser(r);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().code() == absl::StatusCode::kResourceExhausted ||
              failed.status().code() == absl::StatusCode::kUnavailable)
      << failed.status();
  EXPECT_TRUE(absl::StartsWith(failed.status().message(), "sqlite: ")) << failed.status();
  EXPECT_EQ(store->FindUser("t1", UserKey::kUsername, "second.user").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<CreateUserResult> retried = engine.CreateUser(r);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_FALSE(retried->replayed);
  EXPECT_TRUE(engine.CreateUser(r)->replayed);
  EXPECT_EQ(Users(*store), 2);
}

// What one create in a child process made of the store at `path`: "ok",
// "replayed", or the error's code, reason and message. Under root (whom file
// modes do not stop: the suite runs as root) the child drops to nobody first.
std::string CreateInChild(const std::string& path, const EngineOptions& options,
                          const CreateUserRequest& request) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      out = "setuid failed";
    } else if (auto store = SqliteStore::Open(path); !store.ok()) {
      out = absl::StrCat("open: ", store.status().ToString());
    } else {
      Engine engine(options, store->get());
      absl::StatusOr<CreateUserResult> r = engine.CreateUser(request);
      out = r.ok() ? (r->replayed ? "replayed" : "ok")
                   : absl::StrCat(absl::StatusCodeToString(r.status().code()), " ",
                                  ErrorReason(r.status()), " ", r.status().message());
    }
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

TEST_F(SqliteRealFaultsTest, AReadOnlyDatabaseIsNamedAndTheRetrySucceedsOnceWritable) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Engine engine(Options(&notifier_), store.get());
    ASSERT_TRUE(engine.CreateUser(UngroupedRequest("first.user")).ok());
  }
  // The child runs as nobody under root: the files are nobody's, read-only.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = db_.path() + suffix;
    if (::access(file.c_str(), F_OK) != 0) continue;
    if (::geteuid() == 0) {
      ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
    }
    ASSERT_EQ(::chmod(file.c_str(), 0444), 0);
  }
  const CreateUserRequest r = UngroupedRequest("second.user");
  const std::string refused = CreateInChild(db_.path(), Options(&notifier_), r);
  EXPECT_TRUE(absl::StartsWith(refused, "FAILED_PRECONDITION store.read_only sqlite: ")) << refused;
  EXPECT_TRUE(absl::StrContains(refused, "readonly")) << refused;
  EXPECT_EQ(Users(*Open()), 1);  // nothing half-written
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = db_.path() + suffix;
    if (::access(file.c_str(), F_OK) == 0) {
      ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
    }
  }
  EXPECT_EQ(CreateInChild(db_.path(), Options(&notifier_), r), "ok");
  EXPECT_EQ(CreateInChild(db_.path(), Options(&notifier_), r), "replayed");
  EXPECT_EQ(Users(*Open()), 2);
}

TEST_F(SqliteRealFaultsTest, AnotherConnectionsExclusiveTransactionIsBusyThenClears) {
  auto store = Open(absl::Milliseconds(100));
  ASSERT_NE(store, nullptr);
  Engine engine(Options(&notifier_), store.get());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_.path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  CreateUserRequest r = UngroupedRequest("held.out");
  absl::StatusOr<CreateUserResult> failed = engine.CreateUser(r);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(failed.status()), "store.busy");
  EXPECT_TRUE(absl::StrContains(failed.status().message(), "lock")) << failed.status();
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  absl::StatusOr<CreateUserResult> retried = engine.CreateUser(r);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(Users(*store), 1);
}

TEST_F(SqliteRealFaultsTest, ACorruptedFileIsRefusedByNameNotCrashedOn) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Engine engine(Options(&notifier_), store.get());
    CreateUserRequest r = UngroupedRequest("soon.lost");
    ASSERT_TRUE(engine.CreateUser(r).ok());
  }
  for (const char* suffix : {"-wal", "-shm"}) std::remove((db_.path() + suffix).c_str());
  {
    std::fstream f(db_.path(), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    const std::string garbage(4096, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto reopened = SqliteStore::Open(db_.path());
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss) << reopened.status();
  EXPECT_EQ(ErrorReason(reopened.status()), "store.corrupt");
}

// A host key that is not the one the secrets were sealed under: refused as
// data that cannot be opened, never a wrong secret handed out.
TEST_F(SqliteRealFaultsTest, AWrongHostKeyCannotOpenSealedSecretsAndSaysSo) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  std::string key_id;
  {
    Engine engine(Options(&notifier_), store.get());
    CreateUserRequest r = UngroupedRequest("key.holder");
    absl::StatusOr<CreateUserResult> created = engine.CreateUser(r);
    ASSERT_TRUE(created.ok() && created->access_key.has_value());
    key_id = created->access_key->id;
  }
  Engine wrong(Options(&notifier_, std::string(32, 'w')), store.get());
  absl::StatusOr<Secret> secret = wrong.AccessKeySecret(key_id);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), absl::StatusCode::kDataLoss) << secret.status();
  EXPECT_EQ(ErrorReason(secret.status()), "sealed.corrupt");
  Engine right(Options(&notifier_), store.get());
  EXPECT_TRUE(right.AccessKeySecret(key_id).ok());
}

}  // namespace
}  // namespace iam
