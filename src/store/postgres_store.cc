// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// PostgresStore over libpq. In sections, like SqliteStore, whose checks and
// errors it mirrors one for one: errors, parameters and results, the
// connection pool and the retry loop, schema, users, directory, keys and
// tokens, outbox. Every statement is sent with PQexecParams (unnamed, binary
// parameters with explicit types, binary results), so nothing depends on
// session state and PgBouncer's transaction pooling works.
#include "iam/postgres_store.h"

#include <endian.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/names.h"
#include "store/row_codec.h"
#include "store/store_keys.h"

namespace iam {
namespace {

using internal::AccessKeyDuplicate;
using internal::NotFound;

using internal::EncodeJson;
using internal::FromNanos;
using internal::ToNanos;
using internal::UniqueKey;
constexpr absl::string_view kStoreName = "postgresql";

// The schema, as numbered migrations: kMigrations[i] brings a database from
// version i to i + 1, recorded in iam_schema. Append; never edit a shipped one.
// The same tables as SqliteStore's schema version 4 (see sqlite_store.cc for
// what each holds), plus iam_commits: the id of every recent Commit, so a
// retry after a connection lost while committing can tell whether it applied.
// Ordered text is COLLATE "C": pages and names sort by bytes, as in SQLite.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  description TEXT NOT NULL,
  email TEXT NOT NULL,
  email_verified BOOLEAN NOT NULL,
  phone_region TEXT NOT NULL,
  phone TEXT NOT NULL,
  phone_verified BOOLEAN NOT NULL,
  external_id TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  default_project_id TEXT NOT NULL,
  primary_ou TEXT NOT NULL,
  ou_ids TEXT NOT NULL,
  group_ids TEXT NOT NULL,
  custom_fields TEXT NOT NULL,
  policies TEXT NOT NULL,
  console_access BOOLEAN NOT NULL,
  password_reset_required BOOLEAN NOT NULL,
  sms_login_verification BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  password_changed_at BIGINT NOT NULL,
  password_expires_at BIGINT NOT NULL,
  version BIGINT NOT NULL,
  canonical_username TEXT COLLATE "C" NOT NULL,
  canonical_email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  password_history TEXT NOT NULL,
  failed_logins BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);
CREATE INDEX users_by_username ON users (tenant, canonical_username);

CREATE TABLE user_keys (
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  value TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (tenant, kind, value)
);
CREATE INDEX user_keys_by_user ON user_keys (user_id);

CREATE TABLE memberships (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  ref TEXT NOT NULL,
  PRIMARY KEY (user_id, kind, ref)
);
CREATE INDEX memberships_by_entry ON memberships (tenant, kind, ref);

CREATE TABLE entries (
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  folded_name TEXT COLLATE "C" NOT NULL,
  description TEXT NOT NULL,
  field_type TEXT NOT NULL,
  max_length BIGINT NOT NULL,
  allowed_values TEXT NOT NULL,
  pattern TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  document TEXT NOT NULL,
  policies TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant, kind, id),
  UNIQUE (tenant, kind, folded_name)
);

CREATE TABLE access_keys (
  id TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  user_id TEXT NOT NULL,
  sealed_secret BYTEA NOT NULL,
  key_id TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL,
  description TEXT NOT NULL
);
CREATE INDEX access_keys_by_user ON access_keys (user_id, tenant);

CREATE TABLE tokens (
  hash TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  user_id TEXT NOT NULL,
  purpose INTEGER NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE idempotency (
  tenant TEXT NOT NULL,
  client_token TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  response TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (tenant, client_token)
);

CREATE TABLE tenants (
  name TEXT NOT NULL PRIMARY KEY
);

CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant TEXT NOT NULL,
  user_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  sealed_body BYTEA NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX outbox_by_due ON outbox (next_attempt_at);

CREATE TABLE iam_commits (
  id TEXT NOT NULL PRIMARY KEY,
  committed_at BIGINT NOT NULL
);
CREATE INDEX iam_commits_by_time ON iam_commits (committed_at);
)sql",
    // Version 2: the audit log (SQLite's version 5).
    R"sql(
CREATE TABLE audit (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant TEXT NOT NULL COLLATE "C",
  time BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL COLLATE "C",
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL,
  source TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX audit_by_tenant ON audit (tenant, id);
CREATE INDEX audit_by_target ON audit (tenant, target, id);
ALTER TABLE access_keys ADD COLUMN last_used_from TEXT NOT NULL DEFAULT '';
)sql",
    // Version 3: a user's last change (SQLite's version 6).
    R"sql(
ALTER TABLE users ADD COLUMN updated_at BIGINT NOT NULL DEFAULT -9223372036854775808;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

// Commit ids are kept this long, far beyond any retry.
constexpr absl::Duration kCommitIdRetention = absl::Hours(24);

// ---------------------------------------------------------------------------
// Errors.

absl::Status Unavailable(absl::string_view message) {
  return MakeError(absl::StatusCode::kUnavailable, "", "store.unavailable",
                   absl::StrCat("postgresql: ", message));
}

// SQLSTATEs after which the same call may succeed on a new attempt: the
// transaction was rolled back and nothing of it applied.
bool TransientState(absl::string_view state) {
  return state == "40001" ||               // serialization_failure
         state == "40P01" ||               // deadlock_detected
         absl::StartsWith(state, "08") ||  // connection exceptions
         state == "57P01" ||               // admin_shutdown
         state == "57P02" ||               // crash_shutdown
         state == "57P03" ||               // cannot_connect_now
         state == "25006" ||               // read_only_sql_transaction (a demoted primary)
         state == "55P03";                 // lock_not_available
}

// Maps a failed statement to the canonical code set. The message is the
// server's primary message, which names the constraint, never the DETAIL,
// which would quote a stored value.
absl::Status StatementError(absl::string_view state, absl::string_view message,
                            absl::string_view what) {
  const std::string text = absl::StrCat("postgresql: ", what, ": ", message);
  if (state == "22021" || state == "22P05") {
    return MakeError(absl::StatusCode::kInvalidArgument, "", "store.not_utf8",
                     absl::StrCat(text, " (text must be UTF-8 without NUL characters)"));
  }
  if (state == "54000" || state == "22001") {
    return MakeError(absl::StatusCode::kInvalidArgument, "", "store.too_big", text);
  }
  if (absl::StartsWith(state, "53")) {
    return MakeError(absl::StatusCode::kResourceExhausted, "", "store.full", text);
  }
  if (state.empty() || TransientState(state)) {
    return MakeError(absl::StatusCode::kUnavailable, "", "store.unavailable", text);
  }
  if (absl::StartsWith(state, "XX")) {
    return MakeError(absl::StatusCode::kDataLoss, "", "store.corrupt", text);
  }
  return MakeError(absl::StatusCode::kInternal, "", "store.internal", text);
}

// A libpq message on one line, without its trailing newline.
std::string Trimmed(const char* message) {
  std::string m = message != nullptr ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  absl::StrReplaceAll({{"\n", "; "}}, &m);
  return m;
}

// ---------------------------------------------------------------------------
// Parameters and results.

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

// The parameters of one statement, $1, $2, ... in the order added, sent in
// binary with explicit types.
class Params {
 public:
  Params& Text(absl::string_view v) { return Add(kTextOid, std::string(v)); }
  Params& Blob(absl::string_view v) { return Add(kByteaOid, std::string(v)); }
  Params& Int(int64_t v) {
    const uint64_t be = htobe64(static_cast<uint64_t>(v));
    char buf[8];
    std::memcpy(buf, &be, sizeof buf);
    return Add(kInt8Oid, std::string(buf, sizeof buf));
  }
  Params& Bool(bool v) { return Add(kBoolOid, std::string(1, v ? '\1' : '\0')); }
  Params& Time(absl::Time t) { return Int(ToNanos(t)); }

  // The arrays PQexecParams and PQsendQueryParams take: valid while this
  // Params lives; every value binary.
  struct Wire {
    int n;
    const Oid* types;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  Wire ToWire() const {
    Wire w{static_cast<int>(values_.size()), types_.data(), {}, {}, {}};
    for (const std::string& v : values_) {
      w.values.push_back(v.data());
      w.lengths.push_back(static_cast<int>(v.size()));
    }
    w.formats.assign(values_.size(), 1);
    return w;
  }

 private:
  Params& Add(Oid type, std::string value) {
    types_.push_back(type);
    values_.push_back(std::move(value));
    return *this;
  }
  std::vector<Oid> types_;
  std::vector<std::string> values_;
};

// The parameters one of internal::Bind* makes of a record.
template <typename Record>
Params Bound(const Record& record, void (*bind)(Params&, const Record&)) {
  Params p;
  bind(p, record);
  return p;
}

// A result in binary format. Owns the PGresult.
class Result {
 public:
  explicit Result(PGresult* res) : res_(res) {}
  Result(Result&& other) noexcept : res_(std::exchange(other.res_, nullptr)) {}
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;
  ~Result() { PQclear(res_); }

  const PGresult* raw() const { return res_; }
  int rows() const { return PQntuples(res_); }
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t affected() const {
    const char* n = PQcmdTuples(res_);
    return n[0] == '\0' ? 0 : std::strtoll(n, nullptr, 10);
  }
  std::string Str(int row, int col) const {
    return std::string(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
  }
  // BIGINT, INTEGER or SMALLINT.
  int64_t Int(int row, int col) const {
    const char* p = PQgetvalue(res_, row, col);
    switch (PQgetlength(res_, row, col)) {
      case 8: {
        uint64_t be;
        std::memcpy(&be, p, 8);
        return static_cast<int64_t>(be64toh(be));
      }
      case 4: {
        uint32_t be;
        std::memcpy(&be, p, 4);
        return static_cast<int32_t>(be32toh(be));
      }
      case 2: {
        uint16_t be;
        std::memcpy(&be, p, 2);
        return static_cast<int16_t>(be16toh(be));
      }
      default:
        return 0;
    }
  }
  bool Bool(int row, int col) const {
    return PQgetlength(res_, row, col) == 1 && PQgetvalue(res_, row, col)[0] != 0;
  }
  absl::Time Time(int row, int col) const { return FromNanos(Int(row, col)); }

 private:
  PGresult* res_;
};

// One row of a result, as internal::Read* read rows.
struct RowOf {
  const Result& res;
  int row;
  std::string Str(int col) const { return res.Str(row, col); }
  int64_t Int(int col) const { return res.Int(row, col); }
  bool Bool(int col) const { return res.Bool(row, col); }
  absl::Time Time(int col) const { return res.Time(row, col); }
};

// One statement of a pipelined commit and what its outcome means: `check`
// judges its rows (null: any result is fine), `on_unique` is the error when it
// fails on a unique index (OK: such a failure is an error like any other).
struct Step {
  using Check = std::function<absl::Status(const Result&)>;
  Step(const char* sql, Params params, absl::Status on_unique = absl::OkStatus(),
       Check check = nullptr)
      : sql(sql),
        params(std::move(params)),
        on_unique(std::move(on_unique)),
        check(std::move(check)) {}

  const char* sql;
  Params params;
  absl::Status on_unique;
  Check check;
};

// One connection in use by one call. Records how the last statement failed,
// which tells the retry loop what to do.
class Session {
 public:
  explicit Session(PGconn* conn) : conn_(conn) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Rolls back an open transaction, so a failure leaves nothing written.
  ~Session() {
    if (!broken() && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
  }

  absl::StatusOr<Result> Exec(const char* sql, const Params& params = Params()) {
    const Params::Wire w = params.ToWire();
    Result res(PQexecParams(conn_, sql, w.n, w.types, w.values.data(), w.lengths.data(),
                            w.formats.data(), /*resultFormat=*/1));
    state_.clear();
    return Check(std::move(res), "statement");
  }
  // A statement whose rows, if any, are not needed.
  absl::Status Run(const char* sql, const Params& params = Params()) {
    return Exec(sql, params).status();
  }
  // Statements without parameters, sent as a simple query (several allowed).
  absl::Status Script(const std::string& sql, absl::string_view what) {
    state_.clear();
    return Check(Result(PQexec(conn_, sql.c_str())), what).status();
  }

  // Sends every step at once (libpq pipeline mode: one round trip), then
  // judges the outcomes in order: the first failed check or statement is the
  // answer. Statements after a failed one do not run; statements after a
  // failed check do, inside the caller's transaction, which rolls back.
  absl::Status Pipeline(const std::vector<Step>& steps) {
    state_.clear();
    if (PQenterPipelineMode(conn_) != 1) return Check(Result(nullptr), "pipeline").status();
    bool sent = true;
    for (const Step& step : steps) {
      const Params::Wire w = step.params.ToWire();
      if (PQsendQueryParams(conn_, step.sql, w.n, w.types, w.values.data(), w.lengths.data(),
                            w.formats.data(), /*resultFormat=*/1) != 1) {
        sent = false;
        break;
      }
    }
    if (!sent || PQpipelineSync(conn_) != 1) {
      return StatementError("08006", Trimmed(PQerrorMessage(conn_)), "pipeline");
    }
    absl::Status verdict;
    size_t next = 0;  // the step the next result belongs to
    for (int nulls = 0; nulls <= static_cast<int>(steps.size()) + 2;) {
      PGresult* raw = PQgetResult(conn_);
      if (raw == nullptr) {
        if (broken()) break;
        ++nulls;  // the end of one statement's results
        continue;
      }
      Result res(raw);
      const ExecStatusType st = PQresultStatus(raw);
      if (st == PGRES_PIPELINE_SYNC) {
        PQexitPipelineMode(conn_);
        return verdict;
      }
      if (next >= steps.size()) continue;
      const Step& step = steps[next++];
      if (st == PGRES_PIPELINE_ABORTED || !verdict.ok()) continue;
      absl::StatusOr<Result> checked = Check(std::move(res), "commit");
      if (!checked.ok()) {
        verdict = unique_violation() && !step.on_unique.ok() ? step.on_unique : checked.status();
      } else if (step.check) {
        verdict = step.check(*checked);
      }
    }
    // The connection broke before the sync point: what ran is unknown, and
    // the transaction cannot commit.
    if (!broken()) PQexitPipelineMode(conn_);
    return StatementError("08006", Trimmed(PQerrorMessage(conn_)), "pipeline");
  }

  absl::Status Begin() { return Script("BEGIN", "begin"); }
  absl::Status Commit() { return Script("COMMIT", "commit"); }

  // The last statement failed on a unique index.
  bool unique_violation() const { return state_ == "23505"; }
  // The last failure was transient: the whole call may be tried again.
  bool transient() const { return broken() || TransientState(state_); }
  bool broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

 private:
  absl::StatusOr<Result> Check(Result res, absl::string_view what) {
    // A null result (out of memory, connection gone) reads as fatal.
    const ExecStatusType st = PQresultStatus(res.raw());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
    const char* state = PQresultErrorField(res.raw(), PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(res.raw(), PG_DIAG_MESSAGE_PRIMARY);
    state_ = state != nullptr ? state : "";
    return StatementError(state_, Trimmed(primary != nullptr ? primary : PQerrorMessage(conn_)),
                          what);
  }

  PGconn* conn_;
  std::string state_;
};

// ---------------------------------------------------------------------------
// The connection pool.

}  // namespace

// Internal: hidden even though PostgresStore is exported.
struct IAM_HIDDEN PostgresStore::Rep {
  std::string conninfo;
  PostgresOptions options;

  std::mutex mu;
  std::condition_variable released;
  std::vector<PGconn*> idle;  // guarded by mu
  int open = 0;               // guarded by mu: idle and in use
  std::atomic<uint64_t> commits{0};

  ~Rep() {
    for (PGconn* c : idle) PQfinish(c);
  }

  // A new connection; kUnavailable (transient) when no server accepts it.
  absl::StatusOr<PGconn*> Connect() {
    // The conninfo goes in as dbname with expand_dbname, so URLs and keyword
    // strings both work, with our encoding and application name added.
    const char* keys[] = {"dbname", "client_encoding", "fallback_application_name", nullptr};
    const char* values[] = {conninfo.c_str(), "UTF8", "iamcore", nullptr};
    PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (c == nullptr) return Unavailable("connect: out of memory");
    if (PQstatus(c) != CONNECTION_OK) {
      std::string message = Trimmed(PQerrorMessage(c));
      PQfinish(c);
      return Unavailable(absl::StrCat("connect: ", message));
    }
    // Notices ("already exists, skipping") are not errors: never printed.
    PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);
    return c;
  }

  // A connection for one call, waiting until `deadline` for a free one.
  absl::StatusOr<PGconn*> Acquire(absl::Time deadline) {
    {
      std::unique_lock<std::mutex> lock(mu);
      while (idle.empty() && open >= options.pool_size) {
        const absl::Duration left = deadline - absl::Now();
        if (left <= absl::ZeroDuration() ||
            released.wait_for(lock, absl::ToChronoNanoseconds(left)) == std::cv_status::timeout) {
          if (idle.empty() && open >= options.pool_size) {
            return MakeError(absl::StatusCode::kUnavailable, "", "store.busy",
                             absl::StrCat("postgresql: all ", options.pool_size,
                                          " connections of the pool are in use; retry"));
          }
        }
      }
      if (!idle.empty()) {
        PGconn* c = idle.back();
        idle.pop_back();
        return c;
      }
      ++open;
    }
    absl::StatusOr<PGconn*> c = Connect();
    if (!c.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      --open;
      released.notify_one();
    }
    return c;
  }

  // Returns a connection; a broken one is closed, and so are the idle ones,
  // which most likely lead to the same lost server.
  void Release(PGconn* c, bool broken) {
    std::vector<PGconn*> closing;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (broken) {
        closing.swap(idle);
        closing.push_back(c);
        open -= static_cast<int>(closing.size());
      } else {
        idle.push_back(c);
      }
    }
    for (PGconn* x : closing) PQfinish(x);
    released.notify_all();
  }

  // Runs `body(Session&)` on a pooled connection, again with backoff while it
  // fails transiently, at most max_attempts times within retry_budget.
  template <typename Body>
  absl::Status Call(absl::string_view what, Body&& body) {
    const absl::Time deadline = absl::Now() + options.retry_budget;
    absl::Duration backoff = options.initial_backoff;
    thread_local std::minstd_rand jitter(std::random_device{}());
    absl::Status last;
    for (int attempt = 1;; ++attempt) {
      absl::StatusOr<PGconn*> conn =
          Acquire(std::min(deadline, absl::Now() + options.acquire_timeout));
      if (!conn.ok()) {
        last = conn.status();
        if (ErrorReason(last) == "store.busy") return last;  // not a server failure
      } else {
        bool transient;
        {
          Session session(*conn);  // rolls back whatever the body left open
          last = body(session);
          transient = !last.ok() && session.transient();
        }
        Release(*conn, PQstatus(*conn) == CONNECTION_BAD);
        if (last.ok() || !transient) return last;
      }
      if (attempt >= options.max_attempts || absl::Now() + backoff > deadline) {
        return Unavailable(
            absl::StrCat(what, ": gave up after ", attempt, " attempts: ", last.message()));
      }
      const double scale = 0.5 + 0.5 * (static_cast<double>(jitter()) / jitter.max());
      absl::SleepFor(backoff * scale);
      backoff = std::min(backoff * 2, options.max_backoff);
    }
  }

  absl::Status Migrate();
  // Commit's statements, in order, with what their outcomes mean.
  absl::Status Plan(const WriteSet& w, std::vector<Step>& steps);
  absl::Status WriteUser(std::vector<Step>& steps, const UserRecord& r, int64_t version,
                         bool update);
  void ClaimKeys(std::vector<Step>& steps, const UserRecord& r);
  void AddMemberships(std::vector<Step>& steps, const UserRecord& r);
};

// ---------------------------------------------------------------------------
// Schema.

absl::Status PostgresStore::Rep::Migrate() {
  return Call("migrate", [&](Session& s) -> absl::Status {
    IAM_RETURN_IF_ERROR(s.Begin());
    // One migrator per schema at a time, released with the transaction.
    IAM_RETURN_IF_ERROR(
        s.Run("SELECT pg_advisory_xact_lock(hashtextextended('iamcore.schema.' || "
              "current_schema(), 0))"));
    IAM_RETURN_IF_ERROR(
        s.Script("CREATE TABLE IF NOT EXISTS iam_schema (version BIGINT NOT NULL PRIMARY KEY, "
                 "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                 "create iam_schema"));
    absl::StatusOr<Result> r = s.Exec("SELECT coalesce(max(version), 0)::bigint FROM iam_schema");
    if (!r.ok()) return r.status();
    const int64_t version = r->Int(0, 0);
    if (version > kSchemaVersion) {
      return MakeError(
          absl::StatusCode::kFailedPrecondition, "", "store.schema_too_new",
          absl::StrCat("postgresql: the database has schema version ", version,
                       " but this iamcore knows only up to ", kSchemaVersion, "; upgrade iamcore"));
    }
    for (int64_t v = version; v < kSchemaVersion; ++v) {
      IAM_RETURN_IF_ERROR(s.Script(kMigrations[v], absl::StrCat("migration ", v + 1)));
      IAM_RETURN_IF_ERROR(
          s.Run("INSERT INTO iam_schema (version) VALUES ($1)", Params().Int(v + 1)));
    }
    return s.Commit();
  });
}

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo,
                                                                   PostgresOptions options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string message = Trimmed(parse_error);
    PQfreemem(parse_error);
    return InvalidField("store", "store.invalid_url",
                        absl::StrCat("store: not a PostgreSQL connection string: ", message));
  }
  PQconninfoFree(parsed);
  if (options.pool_size < 1 || options.max_attempts < 1) {
    return InvalidField("pool_size", "store.invalid_options",
                        "pool_size, max_attempts: must be at least 1");
  }
  auto rep = std::make_unique<Rep>();
  rep->conninfo = conninfo;
  rep->options = options;
  IAM_RETURN_IF_ERROR(rep->Migrate());
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(rep)));
}

int PostgresStore::SchemaVersion() { return kSchemaVersion; }

PostgresStore::PostgresStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
PostgresStore::~PostgresStore() = default;

// ---------------------------------------------------------------------------
// Users.

namespace {

absl::Status NoRowIsNotFound(const Result& r, absl::string_view what) {
  return r.rows() == 0 ? NotFound(what) : absl::OkStatus();
}

}  // namespace

// Appends the insert (or, with `update`, the replacement by id) of the user
// row; kAlreadyExists reason "id.duplicate" when a new user's id is taken.
absl::Status PostgresStore::Rep::WriteUser(std::vector<Step>& steps, const UserRecord& r,
                                           int64_t version, bool update) {
  absl::StatusOr<internal::UserJsonColumns> json = internal::EncodeUserJson(r);
  if (!json.ok()) return json.status();
  Params p;
  internal::BindUser(p, r, *json, version);
  steps.push_back(
      {update ? "UPDATE users SET tenant = $2, username = $3, display_name = $4, "
                "description = $5, email = $6, email_verified = $7, phone_region = $8, "
                "phone = $9, phone_verified = $10, external_id = $11, enabled = $12, "
                "default_project_id = $13, primary_ou = $14, ou_ids = $15, group_ids = $16, "
                "custom_fields = $17, policies = $18, console_access = $19, "
                "password_reset_required = $20, sms_login_verification = $21, created_at = $22, "
                "password_changed_at = $23, password_expires_at = $24, version = $25, "
                "canonical_username = $26, canonical_email = $27, password_hash = $28, "
                "password_history = $29, failed_logins = $30, locked_until = $31, updated_at = $32 "
                "WHERE id = $1"
              : "INSERT INTO users (" IAM_USER_COLUMNS
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
                "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)",
       std::move(p), update ? absl::OkStatus() : internal::DuplicateError(UserKey::kId)});
  return absl::OkStatus();
}

// Appends the claims of the record's unique keys, in UniqueKeysOf order; the
// first one taken fails with its "<key>.duplicate" error.
void PostgresStore::Rep::ClaimKeys(std::vector<Step>& steps, const UserRecord& r) {
  for (const UniqueKey& k : internal::UniqueKeysOf(r)) {
    steps.push_back(
        {"INSERT INTO user_keys (tenant, kind, value, user_id) VALUES ($1, $2, $3, $4)",
         Params().Text(r.user.tenant).Int(static_cast<int>(k.key)).Text(k.value).Text(r.user.id),
         internal::DuplicateError(k)});
  }
}

// Appends the memberships of the entries the user references, each entry
// row key-share locked so that a concurrent DeleteEntry either waits for this
// commit and sees the reference, or deletes first and the lock finds nothing.
void PostgresStore::Rep::AddMemberships(std::vector<Step>& steps, const UserRecord& r) {
  auto lock = [&](EntryKind kind, const std::string& ref, bool by_name) {
    steps.push_back({by_name ? "SELECT 1 FROM entries WHERE tenant = $1 AND kind = $2"
                               " AND folded_name = $3 FOR KEY SHARE"
                             : "SELECT 1 FROM entries WHERE tenant = $1 AND kind = $2"
                               " AND id = $3 FOR KEY SHARE",
                     Params()
                         .Text(r.user.tenant)
                         .Int(static_cast<int>(kind))
                         .Text(by_name ? FoldName(ref) : ref)});
  };
  auto add = [&](EntryKind kind, const std::string& ref) {
    lock(kind, ref, kind == EntryKind::kCustomField);
    steps.push_back(
        {"INSERT INTO memberships (user_id, tenant, kind, ref) VALUES ($1, $2, $3, $4) "
         "ON CONFLICT DO NOTHING",
         Params().Text(r.user.id).Text(r.user.tenant).Int(static_cast<int>(kind)).Text(ref)});
  };
  for (const std::string& p : r.user.policies) lock(EntryKind::kPolicy, p, /*by_name=*/true);
  for (const std::string& g : r.user.groups) add(EntryKind::kGroup, g);
  if (!r.user.primary_ou.empty()) add(EntryKind::kOrganizationalUnit, r.user.primary_ou);
  for (const std::string& o : r.user.ous) add(EntryKind::kOrganizationalUnit, o);
  for (const auto& [name, value] : r.user.custom_fields) add(EntryKind::kCustomField, name);
}

namespace {}  // namespace

// The statements of a write set: the same steps, checks and errors, in the
// same order, as SqliteStore's Apply. Errors found before any statement (text
// that cannot be encoded) return here.
absl::Status PostgresStore::Rep::Plan(const WriteSet& w, std::vector<Step>& steps) {
  // 1. Idempotency records: an expired one is replaced, a live one conflicts.
  for (const IdempotencyRecord& rec : w.idempotency) {
    steps.push_back(
        {"DELETE FROM idempotency WHERE tenant = $1 AND client_token = $2 AND expires_at <= $3",
         Params().Text(rec.tenant).Text(rec.client_token).Time(w.now)});
    steps.push_back(
        {"INSERT INTO idempotency (" IAM_IDEMPOTENCY_COLUMNS ") VALUES ($1, $2, $3, $4, $5)",
         Bound(rec, internal::BindIdempotency<Params>), internal::IdempotencyConflict()});
  }

  // 2. Deleted users (unique keys and memberships by ON DELETE CASCADE).
  for (const std::string& id : w.deleted_user_ids) {
    steps.push_back({"SELECT 1 FROM users WHERE id = $1 AND tenant = $2 FOR UPDATE",
                     Params().Text(id).Text(w.tenant), absl::OkStatus(),
                     [](const Result& r) { return NoRowIsNotFound(r, "user"); }});
    steps.push_back({"DELETE FROM access_keys WHERE user_id = $1", Params().Text(id)});
    steps.push_back({"DELETE FROM tokens WHERE user_id = $1", Params().Text(id)});
    steps.push_back({"DELETE FROM users WHERE id = $1", Params().Text(id)});
  }

  // 3. Updated users: every version checked (the rows locked), every old key
  // released, then the new rows and keys.
  for (const WriteSet::Update& up : w.updated_users) {
    const int64_t expected = up.expected_version;
    steps.push_back({"SELECT version FROM users WHERE id = $1 FOR UPDATE",
                     Params().Text(up.record.user.id), absl::OkStatus(),
                     [expected](const Result& r) -> absl::Status {
                       if (r.rows() == 0) return NotFound("user");
                       if (r.Int(0, 0) != expected) return internal::VersionConflict();
                       return absl::OkStatus();
                     }});
  }
  for (const WriteSet::Update& up : w.updated_users) {
    const std::string& id = up.record.user.id;
    if (up.revoke_tokens) {
      steps.push_back({"DELETE FROM tokens WHERE user_id = $1", Params().Text(id)});
    }
    steps.push_back({"DELETE FROM user_keys WHERE user_id = $1", Params().Text(id)});
    steps.push_back({"DELETE FROM memberships WHERE user_id = $1", Params().Text(id)});
  }
  for (const WriteSet::Update& up : w.updated_users) {
    IAM_RETURN_IF_ERROR(WriteUser(steps, up.record, up.expected_version + (up.keep_version ? 0 : 1),
                                  /*update=*/true));
  }
  for (const WriteSet::Update& up : w.updated_users) {
    ClaimKeys(steps, up.record);
    AddMemberships(steps, up.record);
  }

  // 4. New users.
  for (const UserRecord& r : w.new_users) {
    IAM_RETURN_IF_ERROR(WriteUser(steps, r, r.user.version, /*update=*/false));
    ClaimKeys(steps, r);
    AddMemberships(steps, r);
  }

  // 5. Access keys.
  for (const AccessKeyRecord& k : w.new_access_keys) {
    steps.push_back({"INSERT INTO access_keys (" IAM_ACCESS_KEY_COLUMNS
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     Bound(k, internal::BindAccessKey<Params>), AccessKeyDuplicate()});
  }
  for (const AccessKeyRecord& k : w.updated_access_keys) {
    steps.push_back(
        {"UPDATE access_keys SET tenant = $2, user_id = $3, sealed_secret = $4, key_id = $5, "
         "enabled = $6, created_at = $7, last_used_at = $8, description = $9, "
         "last_used_from = $10 WHERE id = $1",
         Bound(k, internal::BindAccessKey<Params>), absl::OkStatus(), [](const Result& r) {
           return r.affected() == 0 ? NotFound("access_key") : absl::OkStatus();
         }});
  }
  for (const std::string& id : w.deleted_access_key_ids) {
    steps.push_back({"DELETE FROM access_keys WHERE id = $1", Params().Text(id)});
  }

  // 6. Tokens (a hash written again replaces the record).
  for (const TokenRecord& t : w.new_tokens) {
    steps.push_back(
        {"INSERT INTO tokens (" IAM_TOKEN_COLUMNS
         ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO UPDATE SET "
         "tenant = excluded.tenant, user_id = excluded.user_id, purpose = excluded.purpose, "
         "expires_at = excluded.expires_at",
         Bound(t, internal::BindToken<Params>)});
  }
  for (const std::string& h : w.deleted_token_hashes) {
    steps.push_back({"DELETE FROM tokens WHERE hash = $1", Params().Text(h)});
  }

  // 7. The outbox; ids from the identity column.
  for (const OutboxMessage& m : w.outbox) {
    steps.push_back(
        {"INSERT INTO outbox (tenant, user_id, channel, recipient, kind, "
         "sealed_body, attempts, next_attempt_at, last_error) "
         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
         Bound(m, internal::BindNewOutboxMessage<Params>)});
  }

  // 8. The audit log; ids from the identity column.
  for (const AuditEvent& e : w.audit) {
    steps.push_back(
        {"INSERT INTO audit (tenant, time, actor, action, target, outcome, reason, "
         "request_id, source, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
         Bound(e, internal::BindNewAuditEvent<Params>)});
  }
  return absl::OkStatus();
}

absl::Status PostgresStore::Commit(const WriteSet& writes) {
  // The statements, planned once: BEGIN, the write set, this commit's id
  // (recorded with it: after a connection lost while committing, a retry
  // first asks whether the commit landed), and now and then the pruning of
  // old ids. Sent as one pipeline, then COMMIT: two round trips.
  std::vector<Step> steps;
  steps.push_back({"BEGIN", Params()});
  IAM_RETURN_IF_ERROR(rep_->Plan(writes, steps));
  std::random_device random;
  const std::string commit_id =
      absl::StrCat(absl::Hex(random(), absl::kZeroPad8), absl::Hex(random(), absl::kZeroPad8),
                   absl::Hex(random(), absl::kZeroPad8), absl::Hex(random(), absl::kZeroPad8));
  const absl::Time now = absl::Now();
  steps.push_back({"INSERT INTO iam_commits (id, committed_at) VALUES ($1, $2)",
                   Params().Text(commit_id).Time(now)});
  if (rep_->commits.fetch_add(1) % 1024 == 0) {
    steps.push_back({"DELETE FROM iam_commits WHERE committed_at < $1",
                     Params().Time(now - kCommitIdRetention)});
  }
  bool maybe_applied = false;
  return rep_->Call("commit", [&](Session& s) -> absl::Status {
    if (maybe_applied) {
      absl::StatusOr<Result> r =
          s.Exec("SELECT 1 FROM iam_commits WHERE id = $1", Params().Text(commit_id));
      if (!r.ok()) return r.status();
      if (r->rows() > 0) return absl::OkStatus();
      maybe_applied = false;
    }
    IAM_RETURN_IF_ERROR(s.Pipeline(steps));
    absl::Status committed = s.Commit();
    if (!committed.ok() && s.broken()) maybe_applied = true;
    return committed;
  });
}

namespace {

// The first user row of `res`, or kNotFound.
absl::StatusOr<UserRecord> OneUser(const absl::StatusOr<Result>& res) {
  if (!res.ok()) return res.status();
  if (res->rows() == 0) return NotFound("user");
  return internal::ReadUser(kStoreName, RowOf{*res, 0});
}

}  // namespace

absl::StatusOr<UserRecord> PostgresStore::FindUser(absl::string_view tenant, UserKey key,
                                                   absl::string_view value) {
  absl::StatusOr<UserRecord> out;
  IAM_RETURN_IF_ERROR(rep_->Call("find user", [&](Session& s) -> absl::Status {
    if (key == UserKey::kId) {
      out = OneUser(s.Exec("SELECT " IAM_USER_COLUMNS " FROM users WHERE id = $1 AND tenant = $2",
                           Params().Text(value).Text(tenant)));
    } else {
      out = OneUser(s.Exec("SELECT " IAM_USER_COLUMNS
                           " FROM users WHERE tenant = $1 AND id = (SELECT user_id FROM user_keys "
                           "WHERE tenant = $1 AND kind = $2 AND value = $3)",
                           Params().Text(tenant).Int(static_cast<int>(key)).Text(value)));
    }
    return absl::IsNotFound(out.status()) ? absl::OkStatus() : out.status();
  }));
  return out;
}

// The users ListUsers and CountUsers read: $1 tenant, $2 username prefix, $3
// page token, $4 group, $5 organizational unit, $6 enabled (-1 = either).
#define IAM_PG_LISTED_USERS                                                         \
  " FROM users WHERE tenant = $1"                                                   \
  " AND canonical_username >= $2 AND starts_with(canonical_username, $2)"           \
  " AND ($3 = '' OR canonical_username > $3)"                                       \
  " AND ($4 = '' OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id" \
  " AND m.kind = 0 AND m.ref = $4))"                                                \
  " AND ($5 = '' OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id" \
  " AND m.kind = 1 AND m.ref = $5))"                                                \
  " AND ($6 < 0 OR enabled = ($6 = 1))"

absl::StatusOr<int64_t> PostgresStore::CountUsers(const ListUsersQuery& q) {
  int64_t n = 0;
  IAM_RETURN_IF_ERROR(rep_->Call("count users", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> res =
        s.Exec("SELECT COUNT(*)" IAM_PG_LISTED_USERS,
               Params()
                   .Text(q.tenant)
                   .Text(q.username_prefix)
                   .Text("")
                   .Text(q.group_id)
                   .Text(q.ou_id)
                   .Int(q.enabled.has_value() ? (*q.enabled ? 1 : 0) : -1));
    if (!res.ok()) return res.status();
    n = res->Int(0, 0);
    return absl::OkStatus();
  }));
  return n;
}

absl::StatusOr<ListUsersPage> PostgresStore::ListUsers(const ListUsersQuery& q) {
  const int64_t page_size = std::max(q.page_size, 1);
  ListUsersPage page;
  IAM_RETURN_IF_ERROR(rep_->Call("list users", [&](Session& s) -> absl::Status {
    page = ListUsersPage();
    absl::StatusOr<Result> res = s.Exec("SELECT " IAM_USER_COLUMNS IAM_PG_LISTED_USERS
                                        " ORDER BY canonical_username, id LIMIT $7",
                                        Params()
                                            .Text(q.tenant)
                                            .Text(q.username_prefix)
                                            .Text(q.page_token)
                                            .Text(q.group_id)
                                            .Text(q.ou_id)
                                            .Int(q.enabled.has_value() ? (*q.enabled ? 1 : 0) : -1)
                                            .Int(page_size + 1));
    if (!res.ok()) return res.status();
    for (int row = 0; row < res->rows(); ++row) {
      if (static_cast<int64_t>(page.users.size()) == page_size) {
        page.next_page_token = page.users.back().canonical_username;
        break;
      }
      absl::StatusOr<UserRecord> r = internal::ReadUser(kStoreName, RowOf{*res, row});
      if (!r.ok()) return r.status();
      page.users.push_back(*std::move(r));
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<std::optional<IdempotencyRecord>> PostgresStore::FindIdempotency(
    absl::string_view tenant, absl::string_view client_token) {
  std::optional<IdempotencyRecord> out;
  IAM_RETURN_IF_ERROR(rep_->Call("find idempotency record", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r = s.Exec("SELECT " IAM_IDEMPOTENCY_COLUMNS
                                      " FROM idempotency WHERE tenant = $1 AND client_token = $2",
                                      Params().Text(tenant).Text(client_token));
    if (!r.ok()) return r.status();
    out.reset();
    if (r->rows() == 0) return absl::OkStatus();
    out = internal::ReadIdempotency(RowOf{*r, 0});
    return absl::OkStatus();
  }));
  return out;
}

// ---------------------------------------------------------------------------
// Directory entries.

absl::Status PostgresStore::CreateEntry(const DirectoryEntry& entry) {
  absl::StatusOr<std::string> allowed = EncodeJson(entry.allowed_values, "allowed_values");
  if (!allowed.ok()) return allowed.status();
  absl::StatusOr<std::string> policies = EncodeJson(entry.policies, "policies");
  if (!policies.ok()) return policies.status();
  return rep_->Call("create entry", [&](Session& s) -> absl::Status {
    absl::Status st =
        s.Run("INSERT INTO entries (" IAM_ENTRY_COLUMNS
              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
              Params()
                  .Text(entry.tenant)
                  .Int(static_cast<int>(entry.kind))
                  .Text(entry.id)
                  .Text(entry.name)
                  .Text(FoldName(entry.name))
                  .Text(entry.description)
                  .Text(entry.field_type)
                  .Int(entry.max_length)
                  .Text(*allowed)
                  .Text(entry.pattern)
                  .Time(entry.created_at)
                  .Text(entry.document)
                  .Text(*policies)
                  .Int(entry.version)
                  .Time(entry.updated_at));
    if (s.unique_violation()) {
      const std::string kind = std::string(KindInfo(entry.kind).reason_name);
      return MakeError(absl::StatusCode::kAlreadyExists, "name", kind + ".duplicate",
                       "name: a " + kind + " with this name already exists");
    }
    return st;
  });
}

absl::StatusOr<DirectoryEntry> PostgresStore::FindEntry(EntryKind kind, absl::string_view tenant,
                                                        absl::string_view id_or_name) {
  absl::StatusOr<DirectoryEntry> out;
  IAM_RETURN_IF_ERROR(rep_->Call("find entry", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r =
        s.Exec("SELECT " IAM_ENTRY_COLUMNS
               " FROM entries WHERE tenant = $1 AND kind = $2"
               " AND (id = $3 OR folded_name = $4) ORDER BY id = $3 DESC LIMIT 1",
               Params()
                   .Text(tenant)
                   .Int(static_cast<int>(kind))
                   .Text(id_or_name)
                   .Text(FoldName(id_or_name)));
    if (!r.ok()) return r.status();
    out = r->rows() == 0
              ? absl::StatusOr<DirectoryEntry>(NotFound(std::string(KindInfo(kind).reason_name)))
              : internal::ReadEntry(kStoreName, RowOf{*r, 0});
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<DirectoryEntry>> PostgresStore::ListEntries(EntryKind kind,
                                                                       absl::string_view tenant,
                                                                       absl::string_view keyword) {
  std::vector<DirectoryEntry> out;
  IAM_RETURN_IF_ERROR(rep_->Call("list entries", [&](Session& s) -> absl::Status {
    out.clear();
    absl::StatusOr<Result> r =
        s.Exec("SELECT " IAM_ENTRY_COLUMNS
               " FROM entries WHERE tenant = $1 AND kind = $2"
               " AND strpos(folded_name, $3) > 0 ORDER BY folded_name",
               Params().Text(tenant).Int(static_cast<int>(kind)).Text(FoldName(keyword)));
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      absl::StatusOr<DirectoryEntry> e = internal::ReadEntry(kStoreName, RowOf{*r, row});
      if (!e.ok()) return e.status();
      out.push_back(*std::move(e));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PostgresStore::UpdateEntry(const DirectoryEntry& entry, int64_t expected_version) {
  absl::StatusOr<std::string> policies = EncodeJson(entry.policies, "policies");
  if (!policies.ok()) return policies.status();
  return rep_->Call("update entry", [&](Session& s) -> absl::Status {
    IAM_RETURN_IF_ERROR(s.Begin());
    absl::StatusOr<Result> r =
        s.Exec("SELECT version FROM entries WHERE tenant = $1 AND kind = $2 AND id = $3 FOR UPDATE",
               Params().Text(entry.tenant).Int(static_cast<int>(entry.kind)).Text(entry.id));
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound(std::string(KindInfo(entry.kind).reason_name));
    if (r->Int(0, 0) != expected_version) return internal::EntryVersionConflict(entry.kind);
    for (const std::string& p : entry.policies) {  // see AddMemberships
      IAM_RETURN_IF_ERROR(s.Run(
          "SELECT 1 FROM entries WHERE tenant = $1 AND kind = $2"
          " AND folded_name = $3 FOR KEY SHARE",
          Params().Text(entry.tenant).Int(static_cast<int>(EntryKind::kPolicy)).Text(FoldName(p))));
    }
    IAM_RETURN_IF_ERROR(
        s.Run("UPDATE entries SET description = $4, document = $5, policies = $6,"
              " version = $7, updated_at = $8"
              " WHERE tenant = $1 AND kind = $2 AND id = $3",
              Params()
                  .Text(entry.tenant)
                  .Int(static_cast<int>(entry.kind))
                  .Text(entry.id)
                  .Text(entry.description)
                  .Text(entry.document)
                  .Text(*policies)
                  .Int(expected_version + 1)
                  .Time(entry.updated_at)));
    return s.Commit();
  });
}

absl::Status PostgresStore::DeleteEntry(EntryKind kind, absl::string_view tenant,
                                        absl::string_view id) {
  const std::string kind_name = std::string(KindInfo(kind).reason_name);
  return rep_->Call("delete entry", [&](Session& s) -> absl::Status {
    IAM_RETURN_IF_ERROR(s.Begin());
    // The entry row locked first: a commit that adds a reference to it
    // holds a key-share lock on it (LockReferencedEntries), so the check
    // below sees every reference committed before the delete.
    absl::StatusOr<Result> r =
        s.Exec("SELECT name FROM entries WHERE tenant = $1 AND kind = $2 AND id = $3 FOR UPDATE",
               Params().Text(tenant).Int(static_cast<int>(kind)).Text(id));
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound(kind_name);
    const std::string ref = kind == EntryKind::kCustomField || kind == EntryKind::kPolicy
                                ? r->Str(0, 0)
                                : std::string(id);
    const Params in_use_params =
        Params()
            .Text(tenant)
            .Int(static_cast<int>(kind == EntryKind::kPolicy ? EntryKind::kGroup : kind))
            .Text(ref);
    absl::StatusOr<Result> used =
        kind == EntryKind::kPolicy
            ? s.Exec(
                  "SELECT 1 FROM users u, jsonb_array_elements_text(u.policies::jsonb) j(v)"
                  " WHERE u.tenant = $1 AND lower(j.v) = lower($3)"
                  " UNION ALL SELECT 1 FROM entries e,"
                  " jsonb_array_elements_text(e.policies::jsonb) j(v)"
                  " WHERE e.tenant = $1 AND e.kind = $2 AND lower(j.v) = lower($3) LIMIT 1",
                  in_use_params)
            : s.Exec(
                  "SELECT 1 FROM memberships WHERE tenant = $1 AND kind = $2 AND ref = $3"
                  " LIMIT 1",
                  in_use_params);
    if (!used.ok()) return used.status();
    if (used->rows() > 0) return internal::EntryInUse(kind);
    IAM_RETURN_IF_ERROR(s.Run("DELETE FROM entries WHERE tenant = $1 AND kind = $2 AND id = $3",
                              Params().Text(tenant).Int(static_cast<int>(kind)).Text(id)));
    return s.Commit();
  });
}

// ---------------------------------------------------------------------------
// Access keys, tokens, tenants.

absl::StatusOr<AccessKeyRecord> PostgresStore::FindAccessKey(absl::string_view access_key_id) {
  absl::StatusOr<AccessKeyRecord> out;
  IAM_RETURN_IF_ERROR(rep_->Call("find access key", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r =
        s.Exec("SELECT " IAM_ACCESS_KEY_COLUMNS " FROM access_keys WHERE id = $1",
               Params().Text(access_key_id));
    if (!r.ok()) return r.status();
    out = r->rows() == 0 ? absl::StatusOr<AccessKeyRecord>(NotFound("access_key"))
                         : internal::ReadAccessKey(RowOf{*r, 0});
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<AccessKeyRecord>> PostgresStore::ListAccessKeys(
    absl::string_view tenant, absl::string_view user_id) {
  std::vector<AccessKeyRecord> out;
  IAM_RETURN_IF_ERROR(rep_->Call("list access keys", [&](Session& s) -> absl::Status {
    out.clear();
    absl::StatusOr<Result> r =
        s.Exec("SELECT " IAM_ACCESS_KEY_COLUMNS
               " FROM access_keys WHERE user_id = $1 AND tenant = $2 ORDER BY id COLLATE \"C\"",
               Params().Text(user_id).Text(tenant));
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row)
      out.push_back(internal::ReadAccessKey(RowOf{*r, row}));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<TokenRecord> PostgresStore::FindToken(absl::string_view hash) {
  absl::StatusOr<TokenRecord> out;
  IAM_RETURN_IF_ERROR(rep_->Call("find token", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r =
        s.Exec("SELECT " IAM_TOKEN_COLUMNS " FROM tokens WHERE hash = $1", Params().Text(hash));
    if (!r.ok()) return r.status();
    if (r->rows() == 0) {
      out = NotFound("token");
      return absl::OkStatus();
    }
    out = internal::ReadToken(RowOf{*r, 0});
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PostgresStore::RegisterTenant(absl::string_view tenant) {
  return rep_->Call("register tenant", [&](Session& s) {
    return s.Run("INSERT INTO tenants (name) VALUES ($1) ON CONFLICT DO NOTHING",
                 Params().Text(tenant));
  });
}

absl::StatusOr<bool> PostgresStore::TenantExists(absl::string_view tenant) {
  bool exists = false;
  IAM_RETURN_IF_ERROR(rep_->Call("find tenant", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r =
        s.Exec("SELECT 1 FROM tenants WHERE name = $1", Params().Text(tenant));
    if (!r.ok()) return r.status();
    exists = r->rows() > 0;
    return absl::OkStatus();
  }));
  return exists;
}

// ---------------------------------------------------------------------------
// The outbox.

namespace {

// Columns in IAM_OUTBOX_COLUMNS order.
void ReadOutbox(const Result& res, std::vector<OutboxMessage>* out) {
  for (int row = 0; row < res.rows(); ++row) {
    out->push_back(internal::ReadOutboxMessage(RowOf{res, row}));
  }
}

}  // namespace

absl::StatusOr<std::vector<OutboxMessage>> PostgresStore::DueOutbox(absl::Time now, int limit) {
  std::vector<OutboxMessage> out;
  if (limit <= 0) return out;
  IAM_RETURN_IF_ERROR(rep_->Call("read outbox", [&](Session& s) -> absl::Status {
    out.clear();
    absl::StatusOr<Result> r =
        s.Exec("SELECT " IAM_OUTBOX_COLUMNS
               " FROM outbox WHERE next_attempt_at <= $1 ORDER BY id LIMIT $2",
               Params().Time(now).Int(limit));
    if (!r.ok()) return r.status();
    ReadOutbox(*r, &out);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<OutboxMessage>> PostgresStore::ClaimOutbox(absl::Time now, int limit,
                                                                      absl::Time lease_until) {
  std::vector<OutboxMessage> out;
  if (limit <= 0) return out;
  IAM_RETURN_IF_ERROR(rep_->Call("claim outbox", [&](Session& s) -> absl::Status {
    out.clear();
    // Rows another dispatcher is claiming are skipped, not waited for; the
    // returned rows carry their due time from before the lease.
    absl::StatusOr<Result> r = s.Exec(
        "WITH due AS (SELECT id, next_attempt_at AS due_at FROM outbox"
        " WHERE next_attempt_at <= $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " UPDATE outbox o SET next_attempt_at = $3 FROM due WHERE o.id = due.id"
        " RETURNING o.id, o.tenant, o.user_id, o.channel, o.recipient, o.kind, o.sealed_body,"
        " o.attempts, due.due_at, o.last_error",
        Params().Time(now).Int(limit).Time(lease_until));
    if (!r.ok()) return r.status();
    ReadOutbox(*r, &out);
    return absl::OkStatus();
  }));
  std::sort(out.begin(), out.end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return out;
}

absl::Status PostgresStore::CompleteOutbox(int64_t id) {
  return rep_->Call("complete outbox message", [&](Session& s) {
    return s.Run("DELETE FROM outbox WHERE id = $1", Params().Int(id));
  });
}

absl::Status PostgresStore::RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                             absl::string_view last_error) {
  return rep_->Call("reschedule outbox message", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r = s.Exec(
        "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1",
        Params().Int(id).Int(attempts).Time(next_attempt_at).Text(last_error));
    if (!r.ok()) return r.status();
    return r->affected() == 0 ? NotFound("outbox") : absl::OkStatus();
  });
}

absl::StatusOr<int64_t> PostgresStore::PendingOutbox() {
  int64_t n = 0;
  IAM_RETURN_IF_ERROR(rep_->Call("count outbox", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r = s.Exec("SELECT count(*) FROM outbox");
    if (!r.ok()) return r.status();
    n = r->Int(0, 0);
    return absl::OkStatus();
  }));
  return n;
}

absl::StatusOr<std::vector<OutboxMessage>> PostgresStore::DeadOutbox(int limit) {
  std::vector<OutboxMessage> out;
  IAM_RETURN_IF_ERROR(rep_->Call("read dead letters", [&](Session& s) -> absl::Status {
    out.clear();
    absl::StatusOr<Result> r = s.Exec(
        "SELECT " IAM_OUTBOX_COLUMNS " FROM outbox WHERE next_attempt_at = $1 ORDER BY id LIMIT $2",
        Params().Time(absl::InfiniteFuture()).Int(limit));
    if (!r.ok()) return r.status();
    ReadOutbox(*r, &out);
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PostgresStore::RedriveOutbox(int64_t id, absl::Time now) {
  return rep_->Call("redrive outbox message", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r = s.Exec(
        "UPDATE outbox SET attempts = 0, next_attempt_at = $2 WHERE id = $1 AND next_attempt_at = "
        "$3",
        Params().Int(id).Time(now).Time(absl::InfiniteFuture()));
    if (!r.ok()) return r.status();
    return r->affected() == 0 ? NotFound("outbox") : absl::OkStatus();
  });
}

absl::StatusOr<AuditPage> PostgresStore::ListAuditEvents(const AuditQuery& q) {
  IAM_ASSIGN_OR_RETURN(const int64_t below, AuditPageStart(q.page_token));
  const int64_t page_size = std::max(q.page_size, 1);
  AuditPage page;
  IAM_RETURN_IF_ERROR(rep_->Call("list audit events", [&](Session& s) -> absl::Status {
    page = AuditPage();
    absl::StatusOr<Result> res = s.Exec(
        "SELECT " IAM_AUDIT_COLUMNS
        " FROM audit WHERE tenant = $1 AND id < $2 AND ($3 = '' OR target = $3)"
        " AND ($4 = '' OR action = $4) AND time >= $5 AND time < $6 ORDER BY id DESC LIMIT $7",
        Params()
            .Text(q.tenant)
            .Int(below)
            .Text(q.target)
            .Text(q.action)
            .Time(q.since)
            .Time(q.until)
            .Int(page_size + 1));
    if (!res.ok()) return res.status();
    for (int row = 0; row < res->rows(); ++row) {
      if (!internal::AddToAuditPage(q, internal::ReadAuditEvent(RowOf{*res, row}), &page)) break;
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<int64_t> PostgresStore::PruneAuditEvents(absl::Time before) {
  int64_t n = 0;
  IAM_RETURN_IF_ERROR(rep_->Call("prune audit events", [&](Session& s) -> absl::Status {
    absl::StatusOr<Result> r = s.Exec("DELETE FROM audit WHERE time < $1", Params().Time(before));
    if (!r.ok()) return r.status();
    n = r->affected();
    return absl::OkStatus();
  }));
  return n;
}

}  // namespace iam
