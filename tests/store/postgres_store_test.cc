// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What only PostgresStore has (the shared contract is store_contract_test):
// migrations under an advisory lock, the schema version, connections lost and
// replaced, retries that give up with kUnavailable, connection strings, and
// OpenStore's choice between SQLite and PostgreSQL.
#include "iam/postgres_store.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/open_store.h"
#include "iam/sqlite_store.h"
#include "pg_test_util.h"

namespace iam {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

std::string UniqueName(const char* what) {
  static std::atomic<int> counter{0};
  return absl::StrCat("iam_pg_", what, "_", getpid(), "_", counter++);
}

// The first column of the first row of `sql` on `url`, as text ("" if none).
std::string Query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string out;
  PGresult* res = PQexec(conn, sql.c_str());
  EXPECT_EQ(PQresultStatus(res), PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(conn);
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) out = PQgetvalue(res, 0, 0);
  PQclear(res);
  PQfinish(conn);
  return out;
}

WriteSet NewUser(const std::string& id, const std::string& username) {
  WriteSet w;
  w.now = kNow;
  UserRecord r;
  r.user.id = id;
  r.user.tenant = "t1";
  r.user.username = username;
  r.canonical_username = username;
  r.user.created_at = kNow;
  w.new_users.push_back(r);
  return w;
}

TEST(PostgresStoreTest, StoresStartingTogetherMigrateOnce) {
  testing::TempPgSchema schema(UniqueName("migrate"));
  ASSERT_FALSE(schema.url().empty());
  constexpr int kOpeners = 6;
  std::vector<absl::Status> results(kOpeners);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[i] = PostgresStore::Open(schema.url()).status();
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(Query(schema.url(), "SELECT count(*) FROM iam_schema"),
            std::to_string(PostgresStore::SchemaVersion()));
  EXPECT_EQ(Query(schema.url(), "SELECT max(version) FROM iam_schema"),
            std::to_string(PostgresStore::SchemaVersion()));
}

TEST(PostgresStoreTest, ANewerSchemaIsRefused) {
  testing::TempPgSchema schema(UniqueName("newer"));
  ASSERT_FALSE(schema.url().empty());
  ASSERT_TRUE(PostgresStore::Open(schema.url()).ok());
  ASSERT_TRUE(
      testing::PgExec(schema.url(), absl::StrCat("INSERT INTO iam_schema (version) VALUES (",
                                                 PostgresStore::SchemaVersion() + 1, ")")));
  absl::StatusOr<std::unique_ptr<PostgresStore>> again = PostgresStore::Open(schema.url());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(again.status()), "store.schema_too_new");
}

// Every pooled connection terminated by the server (as a failover or an
// administrator does): the next calls reconnect and succeed, once each.
TEST(PostgresStoreTest, TerminatedConnectionsAreReplaced) {
  testing::TempPgSchema schema(UniqueName("terminated"));
  ASSERT_FALSE(schema.url().empty());
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(schema.url());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Commit(NewUser("u1", "alice")).ok());
  ASSERT_TRUE(testing::PgExec(schema.url(),
                              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                              "application_name = 'iamcore' AND pid <> pg_backend_pid()"));
  absl::Status s = (*store)->Commit(NewUser("u2", "bob"));
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE((*store)->FindUser("t1", UserKey::kUsername, "bob").ok());
  EXPECT_EQ(Query(schema.url(), "SELECT count(*) FROM users"), "2");
  EXPECT_EQ(Query(schema.url(), "SELECT count(*) FROM iam_commits"), "2");
}

// No server: bounded retries, then kUnavailable naming the operation.
TEST(PostgresStoreTest, NoServerIsUnavailableAfterBoundedRetries) {
  PostgresOptions options;
  options.max_attempts = 3;
  options.initial_backoff = absl::Milliseconds(1);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open("postgresql://postgres@127.0.0.1:1/iam?connect_timeout=2", options);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(store.status()), "store.unavailable");
  EXPECT_NE(store.status().message().find("gave up after 3 attempts"), std::string::npos)
      << store.status();
}

TEST(PostgresStoreTest, ABadConnectionStringNamesTheStore) {
  absl::StatusOr<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open("postgresql://[::1/x?sslmode=");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(store.status()), "store");
  store = PostgresStore::Open("host=127.0.0.1 nonsense_keyword=1");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PostgresStoreTest, TextThatIsNotUtf8IsRefusedNotMangled) {
  testing::TempPgSchema schema(UniqueName("utf8"));
  ASSERT_FALSE(schema.url().empty());
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(schema.url());
  ASSERT_TRUE(store.ok()) << store.status();
  WriteSet w = NewUser("u1", "alice");
  w.new_users[0].user.display_name = "bad \xff byte";
  absl::Status s = (*store)->Commit(w);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(ErrorReason(s), "store.not_utf8");
  EXPECT_TRUE(absl::IsNotFound((*store)->FindUser("t1", UserKey::kId, "u1").status()));
}

TEST(OpenStoreTest, ChoosesTheStoreByLocation) {
  struct Case {
    const char* location;
    bool postgres;
  } cases[] = {
      {"postgresql://iam@db/iam", true},
      {"postgres://db/iam", true},
      {"host=db dbname=iam", true},
      {"  dbname = iam", true},
      {"/var/lib/iam/iam.db", false},
      {"iam.db", false},
      {"./host=db.db", false},
      {"Host=db", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsPostgresLocation(c.location), c.postgres) << c.location;
  }
  const std::string path = absl::StrCat(::testing::TempDir(), "iam_open_store_", getpid(), ".db");
  absl::StatusOr<std::unique_ptr<Store>> sqlite = OpenStore(path);
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  EXPECT_NE(dynamic_cast<SqliteStore*>(sqlite->get()), nullptr);
  sqlite->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());

  testing::TempPgSchema schema(UniqueName("open"));
  ASSERT_FALSE(schema.url().empty());
  absl::StatusOr<std::unique_ptr<Store>> pg = OpenStore(schema.url());
  ASSERT_TRUE(pg.ok()) << pg.status();
  EXPECT_NE(dynamic_cast<PostgresStore*>(pg->get()), nullptr);
}

}  // namespace
}  // namespace iam
