// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Engines in separate processes sharing one PostgreSQL database: 4 writer
// processes create overlapping usernames, emails and phones and reuse client
// tokens; then 3 dispatcher processes drain the outbox together. Exactly one
// user per name, email, phone and token; every notification delivered exactly
// once. Run directly against the server and through PgBouncer in transaction
// pooling mode (IAM_TEST_PG_URL, IAM_TEST_PGBOUNCER_URL: scripts/test.sh).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "iam/engine.h"
#include "iam/error.h"
#include "iam/postgres_store.h"
#include "pg_test_util.h"

namespace iam {
namespace {

constexpr int kWriters = 4;
constexpr int kDispatchers = 3;
constexpr int kUsersPerWriter = 40;      // names every writer tries
constexpr int kOwnUsersPerWriter = 100;  // names only this writer tries

// `url` with its database replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t scheme = url.find("://");
  const size_t query = url.find('?');
  const size_t slash = url.find('/', scheme + 3);
  std::string out = url.substr(0, slash == std::string::npos ? query : slash);
  absl::StrAppend(&out, "/", database);
  if (query != std::string::npos) absl::StrAppend(&out, url.substr(query));
  return out;
}

// Records every notification it is handed: "id" per line, in its own file.
class RecordingNotifier : public Notifier {
 public:
  explicit RecordingNotifier(const std::string& path) : out_(path) {}
  absl::Status Send(const Notification& n) override {
    absl::SleepFor(absl::Microseconds(500));  // a receiver's latency: dispatchers overlap
    out_ << n.id << "\n";
    out_.flush();
    return absl::OkStatus();
  }

 private:
  std::ofstream out_;
};

EngineOptions OptionsFor(Notifier* notifier) {
  EngineOptions options;
  options.authorizer = AllowAllAuthorizer();
  options.notifier = notifier;
  options.dispatch_after_commit = false;
  options.host_key = std::string(32, 'k');
  options.argon2 = Argon2Params::ForTests();
  return options;
}

// Writer `p`: creates kUsersPerWriter users whose names every writer tries,
// each with an email and a phone that another writer gives another name, half
// of them under a client token every writer reuses. One line per attempt:
// "ok USERNAME ID", "replay USERNAME ID" or "err REASON".
int RunWriter(const std::string& url, int p, const std::string& out_path) {
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(url);
  if (!store.ok()) return 10;
  Engine engine(OptionsFor(nullptr), store->get());
  std::ofstream out(out_path);
  for (int i = 0; i < kUsersPerWriter; ++i) {
    CreateUserRequest req;
    req.tenant = "race";
    req.username = absl::StrCat("user", i);
    const int other = (i + p) % kUsersPerWriter;  // another name's email and phone
    req.email = absl::StrCat("user", other, "@example.com");
    req.phone_region = "86";
    req.phone = absl::StrCat("1380000", 1000 + other);
    req.password_mode = PasswordMode::kFirstLoginLink;
    req.notify = {Channel::kEmail};
    if (i % 2 == 0) req.client_token = absl::StrCat("token-", i, "-", other);
    absl::StatusOr<CreateUserResult> r = engine.CreateUser(req);
    if (r.ok()) {
      out << (r->replayed ? "replay " : "ok ") << req.username << " " << r->user.id << "\n";
    } else {
      out << "err " << ErrorReason(r.status()) << "\n";
    }
  }
  // Then names of its own, so the outbox holds several dispatch batches.
  for (int i = 0; i < kOwnUsersPerWriter; ++i) {
    CreateUserRequest req;
    req.tenant = "race";
    req.username = absl::StrCat("own", p, "-", i);
    req.email = absl::StrCat("own", p, "-", i, "@example.com");
    req.password_mode = PasswordMode::kFirstLoginLink;
    req.notify = {Channel::kEmail};
    absl::StatusOr<CreateUserResult> r = engine.CreateUser(req);
    if (!r.ok()) return 11;
    out << "ok " << req.username << " " << r->user.id << "\n";
  }
  return 0;
}

int RunDispatcher(const std::string& url, const std::string& out_path) {
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(url);
  if (!store.ok()) return 10;
  RecordingNotifier notifier(out_path);
  Engine engine(OptionsFor(&notifier), store->get());
  for (int round = 0; round < 2000; ++round) {
    if (!engine.DispatchOutbox().ok()) return 11;
    absl::StatusOr<int64_t> pending = (*store)->PendingOutbox();
    if (!pending.ok()) return 12;
    if (*pending == 0) return 0;
  }
  return 13;
}

// Forks `n` children running `child(i)`, released together once all exist;
// true when every one exits 0.
template <typename Child>
bool ForkAll(int n, Child child) {
  int gate[2];
  if (pipe(gate) != 0) return false;
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(gate[1]);
      char c;
      while (read(gate[0], &c, 1) > 0) {
      }  // end of file: the parent closed the gate
      _exit(child(i));
    }
    pids.push_back(pid);
  }
  close(gate[0]);
  close(gate[1]);
  bool ok = true;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ADD_FAILURE() << "child " << pid << " ended with status " << status;
      ok = false;
    }
  }
  return ok;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::remove(path.c_str());
  return lines;
}

void Race(const std::string& server_url, const std::string& through_url, const char* label) {
  // A database of its own (PgBouncer passes no search_path), made directly.
  const std::string database = absl::StrCat("iam_race_", label, "_", getpid());
  ASSERT_TRUE(testing::PgExec(server_url, absl::StrCat("DROP DATABASE IF EXISTS ", database)));
  ASSERT_TRUE(testing::PgExec(server_url, absl::StrCat("CREATE DATABASE ", database)));
  const std::string url = WithDatabase(through_url, database);
  const std::string direct = WithDatabase(server_url, database);
  const std::string scratch = absl::StrCat(::testing::TempDir(), "iam_race_", label, "_");

  ASSERT_TRUE(ForkAll(
      kWriters, [&](int p) { return RunWriter(url, p, absl::StrCat(scratch, "writer", p)); }));
  std::map<std::string, std::set<std::string>> ids_by_name;
  std::map<std::string, int> outcomes;
  for (int p = 0; p < kWriters; ++p) {
    for (const std::string& line : Lines(absl::StrCat(scratch, "writer", p))) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f[0] == "err") {
        ++outcomes[f[1]];
        continue;
      }
      ++outcomes[f[0] == "ok" ? "created" : "replayed"];
      ids_by_name[f[1]].insert(f[2]);
    }
  }
  // Every name answered with one user at most, whoever asked.
  for (const auto& [name, ids] : ids_by_name) EXPECT_EQ(ids.size(), 1u) << name;
  std::ostringstream counts;
  for (const auto& [what, n] : outcomes) counts << " " << what << "=" << n;
  std::printf("[%s] %d writers x (%d shared + %d own names):%s\n", label, kWriters, kUsersPerWriter,
              kOwnUsersPerWriter, counts.str().c_str());
  EXPECT_EQ(outcomes["created"], static_cast<int>(ids_by_name.size()));
  EXPECT_GT(outcomes["created"], kUsersPerWriter / 2 + kWriters * kOwnUsersPerWriter);
  EXPECT_GT(
      outcomes["username.duplicate"] + outcomes["email.duplicate"] + outcomes["phone.duplicate"],
      0);

  // The database agrees: no name, email, phone or token twice.
  for (const char* sql :
       {"SELECT count(*) FROM (SELECT canonical_username FROM users GROUP BY 1 "
        "HAVING count(*) > 1) d",
        "SELECT count(*) FROM (SELECT canonical_email FROM users WHERE canonical_email <> '' "
        "GROUP BY 1 HAVING count(*) > 1) d",
        "SELECT count(*) FROM (SELECT phone FROM users WHERE phone <> '' GROUP BY 1 "
        "HAVING count(*) > 1) d",
        "SELECT count(*) FROM (SELECT client_token FROM idempotency GROUP BY 1 "
        "HAVING count(*) > 1) d"}) {
    PGconn* conn = PQconnectdb(direct.c_str());
    PGresult* res = PQexec(conn, sql);
    EXPECT_STREQ(PQgetvalue(res, 0, 0), "0") << sql;
    PQclear(res);
    PQfinish(conn);
  }

  // One login link per created user, each delivered once by 3 dispatchers.
  ASSERT_TRUE(ForkAll(kDispatchers, [&](int d) {
    return RunDispatcher(url, absl::StrCat(scratch, "dispatcher", d));
  }));
  std::map<std::string, int> deliveries;
  std::vector<int> per_dispatcher;
  for (int d = 0; d < kDispatchers; ++d) {
    std::vector<std::string> sent = Lines(absl::StrCat(scratch, "dispatcher", d));
    per_dispatcher.push_back(static_cast<int>(sent.size()));
    for (const std::string& id : sent) ++deliveries[id];
  }
  int twice = 0;
  for (const auto& [id, n] : deliveries) twice += n > 1;
  std::printf("[%s] %d dispatchers delivered %zu notifications (%d, %d, %d), %d twice\n", label,
              kDispatchers, deliveries.size(), per_dispatcher[0], per_dispatcher[1],
              per_dispatcher[2], twice);
  EXPECT_EQ(static_cast<int>(deliveries.size()), outcomes["created"]);
  EXPECT_EQ(twice, 0);
  int idle_dispatchers = 0;
  for (int n : per_dispatcher) idle_dispatchers += n == 0;
  EXPECT_LT(idle_dispatchers, kDispatchers - 1) << "the dispatchers did not overlap";
  EXPECT_TRUE(
      testing::PgExec(server_url, absl::StrCat("DROP DATABASE ", database, " WITH (FORCE)")));
}

TEST(PostgresRaceTest, ProcessesRaceDirectly) {
  const std::string server = testing::PgServerUrl();
  ASSERT_FALSE(server.empty());
  Race(server, server, "direct");
}

TEST(PostgresRaceTest, ProcessesRaceThroughPgBouncer) {
  const std::string server = testing::PgServerUrl();
  const char* bouncer = std::getenv("IAM_TEST_PGBOUNCER_URL");
  ASSERT_TRUE(bouncer != nullptr && *bouncer != '\0')
      << "IAM_TEST_PGBOUNCER_URL is not set: scripts/test.sh starts PgBouncer "
         "(scripts/pg_cluster.sh start --pgbouncer)";
  Race(server, bouncer, "pgbouncer");
}

}  // namespace
}  // namespace iam
