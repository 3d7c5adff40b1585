// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteStore. Over 600 lines on purpose: the schema and its migrations, the
// prepared-statement cache, the binders and readers of every row, and the
// one Commit transaction must change together when a column does, so they
// stay in one file, in sections: errors, values, statements, schema, users,
// directory, keys and tokens, outbox.
#include "iam/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
constexpr absl::string_view kStoreName = "sqlite";

// The schema, as an ordered list of migrations: kMigrations[i] brings a file
// from version i to version i + 1, and the file records its version in
// PRAGMA user_version. To change the schema, append a migration; never edit
// one that has shipped.
//
// Uniqueness per tenant lives in constraints, so it holds for every connection
// to the file: user_keys has one row per unique key a user claims
// (internal::UniqueKeysOf: kind is the iam::UserKey, 1 canonical username,
// 2 canonical email, 3 phone E.164, 4 external id, 5 login identifier) under
// PRIMARY KEY (tenant, kind, value); idempotency is keyed by
// (tenant, client_token); entries are UNIQUE on (tenant, kind, folded_name).
// memberships indexes which users reference which directory entry (groups and
// OUs by id, custom fields by name) so DeleteEntry can refuse one in use.
// Lists and maps inside a user are JSON text. Times are unix nanoseconds, with
// InfinitePast/InfiniteFuture stored as INT64_MIN/INT64_MAX.
constexpr const char* kMigrations[] = {
    // Version 1: the initial schema.
    R"sql(
CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  description TEXT NOT NULL,
  email TEXT NOT NULL,
  email_verified INTEGER NOT NULL,
  phone_region TEXT NOT NULL,
  phone TEXT NOT NULL,
  phone_verified INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  default_project_id TEXT NOT NULL,
  primary_ou TEXT NOT NULL,
  ou_ids TEXT NOT NULL,
  group_ids TEXT NOT NULL,
  custom_fields TEXT NOT NULL,
  policies TEXT NOT NULL,
  console_access INTEGER NOT NULL,
  password_reset_required INTEGER NOT NULL,
  sms_login_verification INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL,
  password_expires_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  canonical_username TEXT NOT NULL,
  canonical_email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  password_history TEXT NOT NULL,
  failed_logins INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
);
CREATE INDEX users_by_username ON users (tenant, canonical_username);

CREATE TABLE user_keys (
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  value TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (tenant, kind, value)
) WITHOUT ROWID;
CREATE INDEX user_keys_by_user ON user_keys (user_id);

CREATE TABLE memberships (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  ref TEXT NOT NULL,
  PRIMARY KEY (user_id, kind, ref)
) WITHOUT ROWID;
CREATE INDEX memberships_by_entry ON memberships (tenant, kind, ref);

CREATE TABLE entries (
  tenant TEXT NOT NULL,
  kind INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  folded_name TEXT NOT NULL,
  description TEXT NOT NULL,
  field_type TEXT NOT NULL,
  max_length INTEGER NOT NULL,
  allowed_values TEXT NOT NULL,
  pattern TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, kind, id),
  UNIQUE (tenant, kind, folded_name)
) WITHOUT ROWID;

CREATE TABLE access_keys (
  id TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  user_id TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  key_id TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL
);
CREATE INDEX access_keys_by_user ON access_keys (user_id, tenant);

CREATE TABLE tokens (
  hash TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  user_id TEXT NOT NULL,
  purpose INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE idempotency (
  tenant TEXT NOT NULL,
  client_token TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  response TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, client_token)
) WITHOUT ROWID;

CREATE TABLE tenants (
  name TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  user_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  sealed_body BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX outbox_by_due ON outbox (next_attempt_at);
)sql",
    // Version 2: mobile numbers in one canonical form (E.164 keys) and the
    // login namespace (kind 5). Rows of version 1 are rewritten as the engine
    // now writes them: region and number without leading zeros, a missing
    // region taken as SqliteOptions::default_phone_region ({REGION} below).
    // Migrate() first refuses a file whose users would then share a login
    // identifier (kMigration2Conflicts), so no key is lost.
    R"sql(
UPDATE users SET
  phone_region = CASE WHEN ltrim(phone_region, '0') = '' THEN '{REGION}'
                      ELSE ltrim(phone_region, '0') END,
  phone = ltrim(phone, '0')
WHERE phone != '';
DELETE FROM user_keys WHERE kind = 3;
INSERT INTO user_keys (tenant, kind, value, user_id)
  SELECT tenant, 3, '+' || phone_region || phone, id FROM users WHERE phone != '';
INSERT INTO user_keys (tenant, kind, value, user_id)
  SELECT DISTINCT tenant, 5, value, user_id FROM user_keys WHERE kind IN (1, 2, 3);
)sql",
    // Version 3: an access key's description (Huawei's credential description).
    R"sql(
ALTER TABLE access_keys ADD COLUMN description TEXT NOT NULL DEFAULT '';
)sql",
    // Version 4: tenant permission policies (entries of kind 3 with a
    // document), policies attached to groups, and entry versions. A policy's
    // attachments are read from users.policies and entries.policies (JSON).
    R"sql(
ALTER TABLE entries ADD COLUMN document TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN policies TEXT NOT NULL DEFAULT '[]';
ALTER TABLE entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE entries ADD COLUMN updated_at INTEGER NOT NULL DEFAULT -9223372036854775808;
)sql",
    // Version 5: the audit log (iam/audit.h). Written by every operation, so
    // each event costs as few pages as it can: ids are rowids (no
    // AUTOINCREMENT, whose sequence row is one more page a commit; pruning
    // keeps the newest event, so ids never repeat), one index, by target (a
    // user's "logs"); a tenant's events are read along the rowids.
    R"sql(
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL,
  source TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX audit_by_target ON audit (tenant, target, id);
ALTER TABLE access_keys ADD COLUMN last_used_from TEXT NOT NULL DEFAULT '';
)sql",
    // Version 6: a user's last change (SCIM's meta.lastModified).
    R"sql(
ALTER TABLE users ADD COLUMN updated_at INTEGER NOT NULL DEFAULT -9223372036854775808;
)sql",
    // Version 7: a target's events are chained instead of indexed, so that an
    // event costs one page, the table's last: each event names the previous
    // one of its target (prev), and the newest is kept in the user's own row
    // (users.audit_head, in a page the commit writes anyway), else, for other
    // targets and deleted users, in audit_heads. The chains are built from the
    // index before it goes.
    R"sql(
ALTER TABLE audit ADD COLUMN prev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN audit_head INTEGER NOT NULL DEFAULT 0;
CREATE TABLE audit_heads (
  tenant TEXT NOT NULL,
  target TEXT NOT NULL,
  head INTEGER NOT NULL,
  PRIMARY KEY (tenant, target)
) WITHOUT ROWID;
UPDATE audit SET prev = coalesce((SELECT max(a.id) FROM audit a WHERE a.tenant = audit.tenant
  AND a.target = audit.target AND a.id < audit.id), 0) WHERE target != '';
UPDATE users SET audit_head = coalesce((SELECT max(a.id) FROM audit a
  WHERE a.tenant = users.tenant AND a.target = users.id), 0);
INSERT INTO audit_heads (tenant, target, head)
  SELECT tenant, target, max(id) FROM audit
  WHERE target != '' AND NOT EXISTS (SELECT 1 FROM users u
    WHERE u.id = audit.target AND u.tenant = audit.tenant) GROUP BY tenant, target;
DROP INDEX audit_by_target;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

// Login identifiers that version 2 would give two users of one tenant: equal
// numbers once canonical, or one user's username or email that is another's.
constexpr const char* kMigration2Conflicts = R"sql(
WITH phones AS (
  SELECT tenant, id AS user_id,
         '+' || CASE WHEN ltrim(phone_region, '0') = '' THEN ?1 ELSE ltrim(phone_region, '0') END
             || ltrim(phone, '0') AS value
  FROM users WHERE phone != ''),
logins AS (
  SELECT tenant, value, user_id FROM user_keys WHERE kind IN (1, 2)
  UNION SELECT tenant, value, user_id FROM phones)
SELECT tenant, value, group_concat(user_id, ', ') FROM logins
GROUP BY tenant, value HAVING count(*) > 1 LIMIT 5
)sql";

// ---------------------------------------------------------------------------
// Errors.

// Maps a SQLite result code to the canonical code set. The message names the
// operation and SQLite's description, never a stored value.
absl::Status SqliteError(int rc, sqlite3* db, absl::string_view what) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string message = absl::StrCat("sqlite: ", what, ": ", detail);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return MakeError(absl::StatusCode::kUnavailable, "", "store.busy",
                       absl::StrCat(message, " (another connection holds the lock; retry)"));
    case SQLITE_READONLY:
      // Not a passing fault: the file (or its folder, where the WAL goes)
      // must be made writable before a retry can succeed.
      return MakeError(
          absl::StatusCode::kFailedPrecondition, "", "store.read_only",
          absl::StrCat(message, " (the database file or its folder is read-only to this process)"));
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return MakeError(absl::StatusCode::kUnavailable, "", "store.unavailable", message);
    case SQLITE_TOOBIG:
      return MakeError(absl::StatusCode::kInvalidArgument, "", "store.too_big", message);
    case SQLITE_FULL:
      return MakeError(absl::StatusCode::kResourceExhausted, "", "store.full", message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return MakeError(absl::StatusCode::kDataLoss, "", "store.corrupt", message);
    default:
      return MakeError(absl::StatusCode::kInternal, "", "store.internal", message);
  }
}

// ---------------------------------------------------------------------------
// Statements.

// A cached prepared statement in use: binds parameters in order (?1, ?2, ...),
// steps, reads columns, and resets itself when it goes out of scope so it holds
// no read snapshot. A failed prepare makes every step return that error.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt, absl::Status error)
      : db_(db), stmt_(stmt), error_(std::move(error)) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }

  Stmt& Text(absl::string_view v) {
    return Check(sqlite3_bind_text64(stmt_, ++n_, v.empty() ? "" : v.data(), v.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  Stmt& Blob(absl::string_view v) {
    return Check(
        sqlite3_bind_blob64(stmt_, ++n_, v.empty() ? "" : v.data(), v.size(), SQLITE_TRANSIENT));
  }
  Stmt& Int(int64_t v) { return Check(sqlite3_bind_int64(stmt_, ++n_, v)); }
  Stmt& Null() { return Check(sqlite3_bind_null(stmt_, ++n_)); }
  Stmt& Bool(bool v) { return Int(v ? 1 : 0); }
  Stmt& Time(absl::Time t) { return Int(ToNanos(t)); }

  // true: a row is ready; false: done.
  absl::StatusOr<bool> Step() {
    if (!error_.ok()) return error_;
    rc_ = sqlite3_step(stmt_);
    if (rc_ == SQLITE_ROW) return true;
    if (rc_ == SQLITE_DONE) return false;
    return SqliteError(rc_, db_, "step");
  }
  // Steps a statement that returns no rows.
  absl::Status Run() {
    absl::StatusOr<bool> row = Step();
    return row.ok() ? absl::OkStatus() : row.status();
  }
  // True when the last step failed on a PRIMARY KEY or UNIQUE constraint.
  bool unique_violation() const {
    return rc_ == SQLITE_CONSTRAINT_PRIMARYKEY || rc_ == SQLITE_CONSTRAINT_UNIQUE;
  }
  // Rows changed by the last step.
  int64_t changes() const { return sqlite3_changes(db_); }

  std::string ColStr(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
  }
  int64_t ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool ColBool(int col) const { return ColInt(col) != 0; }
  absl::Time ColTime(int col) const { return FromNanos(ColInt(col)); }

 private:
  Stmt& Check(int rc) {
    if (rc != SQLITE_OK && error_.ok()) error_ = SqliteError(rc, db_, "bind");
    return *this;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  absl::Status error_;
  int n_ = 0;
  int rc_ = SQLITE_OK;
};

// The current row of a statement, as internal::Read* read rows.
struct RowOf {
  const Stmt& st;
  std::string Str(int col) const { return st.ColStr(col); }
  int64_t Int(int col) const { return st.ColInt(col); }
  bool Bool(int col) const { return st.ColBool(col); }
  absl::Time Time(int col) const { return st.ColTime(col); }
};

}  // namespace

// ---------------------------------------------------------------------------
// The connection.

// Internal: hidden even though SqliteStore is exported.
struct IAM_HIDDEN SqliteStore::Rep {
  std::mutex mu;  // guards db and cache: one call at a time on the connection
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache;  // SQL text -> statement
  SqliteOptions options;

  ~Rep() {
    for (auto& [sql, stmt] : cache) sqlite3_finalize(stmt);
    if (db != nullptr) sqlite3_close_v2(db);
  }

  // The prepared statement for `sql` (a literal: values are always bound).
  Stmt Sql(const char* sql) {
    auto it = cache.find(sql);
    if (it != cache.end()) return Stmt(db, it->second, absl::OkStatus());
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Stmt(db, nullptr, SqliteError(rc, db, "prepare"));
    }
    cache.emplace(sql, stmt);
    return Stmt(db, stmt, absl::OkStatus());
  }

  // Runs SQL text that has no parameters (schema and pragmas).
  absl::Status Exec(const char* sql, absl::string_view what) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, db, what);
  }

  // BEGIN IMMEDIATE ... COMMIT; rolls back unless committed, so a failure
  // anywhere leaves nothing written. The caller holds `mu`.
  class Transaction {
   public:
    explicit Transaction(Rep* rep) : rep_(rep) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
      if (sqlite3_get_autocommit(rep_->db) == 0) rep_->Sql("ROLLBACK").Run().IgnoreError();
    }
    // Takes the database write lock, waiting up to the busy timeout.
    absl::Status Begin() { return rep_->Sql("BEGIN IMMEDIATE").Run(); }
    absl::Status Commit() { return rep_->Sql("COMMIT").Run(); }

   private:
    Rep* rep_;
  };

  absl::Status Migrate();
  // Refuses a version-1 file that migration 2 could not rewrite losslessly.
  absl::Status CheckMigration2();

  // Commit's steps, inside its transaction.
  absl::Status Apply(const WriteSet& w);

  // The newest event of a target (0: none), and whether it is kept in the
  // target's user row (else in audit_heads).
  struct AuditHead {
    int64_t id = 0;
    bool in_user_row = false;
  };
  absl::StatusOr<AuditHead> FindAuditHead(absl::string_view tenant, absl::string_view target);
  // The newest event of each new user of a write set with events in it.
  using Target = std::pair<absl::string_view, absl::string_view>;  // tenant, id
  using NewUserHeads = absl::flat_hash_map<Target, int64_t>;
  // Appends the write set's events, each chained to its target's previous
  // one, and answers the heads of the new users' chains: their rows, not yet
  // written, are inserted naming them, so a new user's events need neither a
  // lookup of the row nor a second write of it.
  absl::StatusOr<NewUserHeads> AppendAuditEvents(const WriteSet& w);
  // `audit_head` is a new row's newest event (an update keeps the row's).
  absl::Status WriteUser(const UserRecord& r, int64_t version, bool update, int64_t audit_head = 0);
  absl::Status ClaimKeys(const UserRecord& r);
  absl::Status AddMemberships(const UserRecord& r);
};

absl::Status SqliteStore::Rep::CheckMigration2() {
  const std::string& region = options.default_phone_region;
  if (region.empty() || region.size() > 6 ||
      region.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidField("default_phone_region", "phone_region.invalid",
                        "default_phone_region: must be 1 to 6 digits");
  }
  Stmt st = Sql(kMigration2Conflicts);
  st.Text(region);
  std::vector<std::string> conflicts;
  for (;;) {
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    conflicts.push_back(
        absl::StrCat("tenant ", st.ColStr(0), ": ", st.ColStr(1), " (users ", st.ColStr(2), ")"));
  }
  if (conflicts.empty()) return absl::OkStatus();
  return MakeError(absl::StatusCode::kFailedPrecondition, "", "store.migration_conflict",
                   absl::StrCat("sqlite: cannot upgrade to schema 2: these login identifiers "
                                "would name more than one user; change all but one with the "
                                "iamcore that wrote the file, then open it again: ",
                                absl::StrJoin(conflicts, "; ")));
}

absl::Status SqliteStore::Rep::Migrate() {
  Transaction txn(this);
  IAM_RETURN_IF_ERROR(txn.Begin());
  int64_t version = 0;
  {
    Stmt st = Sql("PRAGMA user_version");
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (*row) version = st.ColInt(0);
  }
  if (version > kSchemaVersion) {
    return MakeError(
        absl::StatusCode::kFailedPrecondition, "", "store.schema_too_new",
        absl::StrCat("sqlite: the file has schema version ", version,
                     " but this iamcore knows only up to ", kSchemaVersion, "; upgrade iamcore"));
  }
  for (int64_t v = version; v < kSchemaVersion; ++v) {
    std::string sql = kMigrations[v];
    if (v + 1 == 2) {
      IAM_RETURN_IF_ERROR(CheckMigration2());
      sql = absl::StrReplaceAll(sql, {{"{REGION}", options.default_phone_region}});
    }
    IAM_RETURN_IF_ERROR(Exec(sql.c_str(), absl::StrCat("migration ", v + 1)));
    // PRAGMA takes no bound parameters; the version is a constant of this code.
    IAM_RETURN_IF_ERROR(
        Exec(absl::StrCat("PRAGMA user_version = ", v + 1).c_str(), "set user_version"));
  }
  return txn.Commit();
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                               SqliteOptions options) {
  auto rep = std::make_unique<Rep>();
  rep->options = options;
  int rc =
      sqlite3_open_v2(path.c_str(), &rep->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, rep->db, "open");
  sqlite3_extended_result_codes(rep->db, 1);
  const int64_t ms = std::clamp<int64_t>(absl::ToInt64Milliseconds(options.busy_timeout), 0,
                                         std::numeric_limits<int>::max());
  sqlite3_busy_timeout(rep->db, static_cast<int>(ms));
  IAM_RETURN_IF_ERROR(rep->Exec("PRAGMA foreign_keys = ON", "enable foreign keys"));
  {
    Stmt st = rep->Sql("PRAGMA journal_mode = WAL");
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    const std::string mode = *row ? st.ColStr(0) : "";
    if (mode != "wal" && mode != "memory") {
      return MakeError(absl::StatusCode::kFailedPrecondition, "", "store.no_wal",
                       absl::StrCat("sqlite: cannot use WAL journal mode (got \"", mode, "\")"));
    }
  }
  IAM_RETURN_IF_ERROR(
      rep->Exec(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                "set synchronous"));
  IAM_RETURN_IF_ERROR(rep->Migrate());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(rep)));
}

int SqliteStore::SchemaVersion() { return kSchemaVersion; }

SqliteStore::SqliteStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
SqliteStore::~SqliteStore() = default;

// ---------------------------------------------------------------------------
// Users.

namespace {

// The first user row of `st`, or kNotFound.
absl::StatusOr<UserRecord> OneUser(Stmt& st) {
  absl::StatusOr<bool> row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("user");
  return internal::ReadUser(kStoreName, RowOf{st});
}

}  // namespace

// Inserts (or, with `update`, replaces by id) the user row; kAlreadyExists
// reason "id.duplicate" when a new user's id is taken.
absl::Status SqliteStore::Rep::WriteUser(const UserRecord& r, int64_t version, bool update,
                                         int64_t audit_head) {
  absl::StatusOr<internal::UserJsonColumns> json = internal::EncodeUserJson(r);
  if (!json.ok()) return json.status();

  Stmt st = Sql(update ? "UPDATE users SET tenant = ?2, username = ?3, display_name = ?4, "
                         "description = ?5, email = ?6, email_verified = ?7, phone_region = ?8, "
                         "phone = ?9, phone_verified = ?10, external_id = ?11, enabled = ?12, "
                         "default_project_id = ?13, primary_ou = ?14, ou_ids = ?15, "
                         "group_ids = ?16, custom_fields = ?17, policies = ?18, "
                         "console_access = ?19, password_reset_required = ?20, "
                         "sms_login_verification = ?21, created_at = ?22, "
                         "password_changed_at = ?23, password_expires_at = ?24, version = ?25, "
                         "canonical_username = ?26, canonical_email = ?27, "
                         "password_hash = ?28, password_history = ?29, failed_logins = ?30, "
                         "locked_until = ?31, updated_at = ?32 WHERE id = ?1"
                       : "INSERT INTO users (" IAM_USER_COLUMNS
                         ", audit_head) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                         "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
                         "?27, ?28, ?29, ?30, ?31, ?32, ?33)");
  internal::BindUser(st, r, *json, version);
  if (!update) st.Int(audit_head);
  absl::Status s = st.Run();
  if (!update && st.unique_violation()) return internal::DuplicateError(UserKey::kId);
  return s;
}

// Claims the record's unique keys, in UniqueKeysOf order; the first one taken
// (by another user, or earlier in this write set) fails with its
// "<key>.duplicate" error.
absl::Status SqliteStore::Rep::ClaimKeys(const UserRecord& r) {
  for (const UniqueKey& k : internal::UniqueKeysOf(r)) {
    Stmt st = Sql("INSERT INTO user_keys (tenant, kind, value, user_id) VALUES (?1, ?2, ?3, ?4)");
    st.Text(r.user.tenant).Int(static_cast<int>(k.key)).Text(k.value).Text(r.user.id);
    absl::Status s = st.Run();
    if (st.unique_violation()) return internal::DuplicateError(k);
    IAM_RETURN_IF_ERROR(s);
  }
  return absl::OkStatus();
}

// Records which directory entries the user references (internal::References).
absl::Status SqliteStore::Rep::AddMemberships(const UserRecord& r) {
  auto add = [&](EntryKind kind, const std::string& ref) -> absl::Status {
    Stmt st = Sql(
        "INSERT OR IGNORE INTO memberships (user_id, tenant, kind, ref) VALUES (?1, ?2, ?3, ?4)");
    return st.Text(r.user.id).Text(r.user.tenant).Int(static_cast<int>(kind)).Text(ref).Run();
  };
  for (const std::string& g : r.user.groups) {
    IAM_RETURN_IF_ERROR(add(EntryKind::kGroup, g));
  }
  if (!r.user.primary_ou.empty()) {
    IAM_RETURN_IF_ERROR(add(EntryKind::kOrganizationalUnit, r.user.primary_ou));
  }
  for (const std::string& o : r.user.ous) {
    IAM_RETURN_IF_ERROR(add(EntryKind::kOrganizationalUnit, o));
  }
  for (const auto& [name, value] : r.user.custom_fields) {
    IAM_RETURN_IF_ERROR(add(EntryKind::kCustomField, name));
  }
  return absl::OkStatus();
}

// Applies a write set in the caller's transaction, checking as it goes; the
// first failure returns (and the caller rolls everything back). The checks come
// in the same order as MemoryStore's, so both report the same error.
absl::Status SqliteStore::Rep::Apply(const WriteSet& w) {
  // 0. The audit log first (all of Apply is one transaction), so that new
  // users' rows are written naming their newest events.
  IAM_ASSIGN_OR_RETURN(const NewUserHeads new_user_heads, AppendAuditEvents(w));

  // 1. The idempotency records: an expired one is replaced, a live one
  // (or a token twice in the set) makes the primary key fail.
  for (const IdempotencyRecord& rec : w.idempotency) {
    IAM_RETURN_IF_ERROR(Sql("DELETE FROM idempotency WHERE tenant = ?1 AND client_token = ?2 "
                            "AND expires_at <= ?3")
                            .Text(rec.tenant)
                            .Text(rec.client_token)
                            .Time(w.now)
                            .Run());
    Stmt st =
        Sql("INSERT INTO idempotency (" IAM_IDEMPOTENCY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5)");
    internal::BindIdempotency(st, rec);
    absl::Status s = st.Run();
    if (st.unique_violation()) return internal::IdempotencyConflict();
    IAM_RETURN_IF_ERROR(s);
  }

  // 2. Deleted users, with their keys, tokens, unique keys and memberships
  // (the last two by ON DELETE CASCADE).
  for (const std::string& id : w.deleted_user_ids) {
    {
      Stmt st = Sql("SELECT 1 FROM users WHERE id = ?1 AND tenant = ?2");
      absl::StatusOr<bool> row = st.Text(id).Text(w.tenant).Step();
      if (!row.ok()) return row.status();
      if (!*row) return NotFound("user");
    }
    IAM_RETURN_IF_ERROR(Sql("DELETE FROM access_keys WHERE user_id = ?1").Text(id).Run());
    IAM_RETURN_IF_ERROR(Sql("DELETE FROM tokens WHERE user_id = ?1").Text(id).Run());
    // The user's history outlives it: its newest event moves to audit_heads.
    IAM_RETURN_IF_ERROR(Sql("INSERT OR REPLACE INTO audit_heads (tenant, target, head) "
                            "SELECT tenant, id, audit_head FROM users "
                            "WHERE id = ?1 AND audit_head != 0")
                            .Text(id)
                            .Run());
    IAM_RETURN_IF_ERROR(Sql("DELETE FROM users WHERE id = ?1").Text(id).Run());
  }

  // 3. Updated users: every version checked, then every old key released (so
  // updates may trade keys among themselves), then the new rows and keys.
  for (const WriteSet::Update& up : w.updated_users) {
    Stmt st = Sql("SELECT version FROM users WHERE id = ?1");
    absl::StatusOr<bool> row = st.Text(up.record.user.id).Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("user");
    if (st.ColInt(0) != up.expected_version) return internal::VersionConflict();
  }
  for (const WriteSet::Update& up : w.updated_users) {
    if (up.revoke_tokens) {
      IAM_RETURN_IF_ERROR(
          Sql("DELETE FROM tokens WHERE user_id = ?1").Text(up.record.user.id).Run());
    }
    IAM_RETURN_IF_ERROR(
        Sql("DELETE FROM user_keys WHERE user_id = ?1").Text(up.record.user.id).Run());
    IAM_RETURN_IF_ERROR(
        Sql("DELETE FROM memberships WHERE user_id = ?1").Text(up.record.user.id).Run());
  }
  for (const WriteSet::Update& up : w.updated_users) {
    IAM_RETURN_IF_ERROR(WriteUser(up.record, up.expected_version + (up.keep_version ? 0 : 1),
                                  /*update=*/true));
  }
  for (const WriteSet::Update& up : w.updated_users) {
    IAM_RETURN_IF_ERROR(ClaimKeys(up.record));
    IAM_RETURN_IF_ERROR(AddMemberships(up.record));
  }

  // 4. New users.
  for (const UserRecord& r : w.new_users) {
    auto head = new_user_heads.find(Target(r.user.tenant, r.user.id));
    IAM_RETURN_IF_ERROR(WriteUser(r, r.user.version, /*update=*/false,
                                  head == new_user_heads.end() ? 0 : head->second));
    IAM_RETURN_IF_ERROR(ClaimKeys(r));
    IAM_RETURN_IF_ERROR(AddMemberships(r));
  }

  // 5. Access keys.
  for (const AccessKeyRecord& k : w.new_access_keys) {
    Stmt st = Sql("INSERT INTO access_keys (" IAM_ACCESS_KEY_COLUMNS
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    internal::BindAccessKey(st, k);
    absl::Status s = st.Run();
    if (st.unique_violation()) return AccessKeyDuplicate();
    IAM_RETURN_IF_ERROR(s);
  }
  for (const AccessKeyRecord& k : w.updated_access_keys) {
    Stmt st =
        Sql("UPDATE access_keys SET tenant = ?2, user_id = ?3, sealed_secret = ?4, key_id = ?5, "
            "enabled = ?6, created_at = ?7, last_used_at = ?8, description = ?9, "
            "last_used_from = ?10 WHERE id = ?1");
    internal::BindAccessKey(st, k);
    IAM_RETURN_IF_ERROR(st.Run());
    if (st.changes() == 0) return NotFound("access_key");
  }
  for (const std::string& id : w.deleted_access_key_ids) {
    IAM_RETURN_IF_ERROR(Sql("DELETE FROM access_keys WHERE id = ?1").Text(id).Run());
  }

  // 6. Tokens.
  for (const TokenRecord& t : w.new_tokens) {
    Stmt st =
        Sql("INSERT OR REPLACE INTO tokens (" IAM_TOKEN_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5)");
    internal::BindToken(st, t);
    IAM_RETURN_IF_ERROR(st.Run());
  }
  for (const std::string& h : w.deleted_token_hashes) {
    IAM_RETURN_IF_ERROR(Sql("DELETE FROM tokens WHERE hash = ?1").Text(h).Run());
  }

  // 7. The outbox; ids come from AUTOINCREMENT.
  for (const OutboxMessage& m : w.outbox) {
    Stmt st =
        Sql("INSERT INTO outbox (tenant, user_id, channel, recipient, kind, "
            "sealed_body, attempts, next_attempt_at, last_error) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    internal::BindNewOutboxMessage(st, m);
    IAM_RETURN_IF_ERROR(st.Run());
  }
  return absl::OkStatus();
}

// `prev` as read after IAM_AUDIT_COLUMNS (which ReadAuditEvent reads).
constexpr int kAuditPrevColumn = 11;

absl::StatusOr<SqliteStore::Rep::AuditHead> SqliteStore::Rep::FindAuditHead(
    absl::string_view tenant, absl::string_view target) {
  AuditHead head;
  {
    Stmt st = Sql("SELECT audit_head FROM users WHERE id = ?1 AND tenant = ?2");
    IAM_ASSIGN_OR_RETURN(head.in_user_row, st.Text(target).Text(tenant).Step());
    if (head.in_user_row) head.id = st.ColInt(0);
  }
  if (head.id == 0) {  // another target, a deleted user, or a user's first event
    Stmt st = Sql("SELECT head FROM audit_heads WHERE tenant = ?1 AND target = ?2");
    IAM_ASSIGN_OR_RETURN(const bool row, st.Text(tenant).Text(target).Step());
    if (row) head.id = st.ColInt(0);
  }
  return head;
}

absl::StatusOr<SqliteStore::Rep::NewUserHeads> SqliteStore::Rep::AppendAuditEvents(
    const WriteSet& w) {
  NewUserHeads new_user_heads;
  absl::flat_hash_set<Target> new_users;
  if (!w.audit.empty()) {
    for (const UserRecord& r : w.new_users) new_users.emplace(r.user.tenant, r.user.id);
  }
  for (const AuditEvent& e : w.audit) {
    AuditHead head;
    const Target target(e.tenant, e.target);
    auto new_user_head = new_user_heads.end();
    bool first_of_new_user = false;
    if (new_users.contains(target)) {
      std::tie(new_user_head, first_of_new_user) = new_user_heads.emplace(target, 0);
      head.id = new_user_head->second;
    } else if (!e.target.empty()) {
      IAM_ASSIGN_OR_RETURN(head, FindAuditHead(e.tenant, e.target));
    }
    // A new user's chain starts where a deleted user of its id left one (the
    // engine draws fresh ids; a store keeps any caller's): with ?11 null the
    // statement looks that up itself, cheaper than a statement of its own.
    Stmt st = Sql(
        "INSERT INTO audit (tenant, time, actor, action, target, outcome, reason, "
        "request_id, source, user_agent, prev) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "coalesce(?11, (SELECT head FROM audit_heads WHERE tenant = ?1 AND target = ?5), 0))");
    internal::BindNewAuditEvent(st, e);
    IAM_RETURN_IF_ERROR((first_of_new_user ? st.Null() : st.Int(head.id)).Run());
    if (e.target.empty()) continue;
    const int64_t id = sqlite3_last_insert_rowid(db);
    if (new_user_head != new_user_heads.end()) {
      new_user_head->second = id;
    } else if (head.in_user_row) {
      IAM_RETURN_IF_ERROR(
          Sql("UPDATE users SET audit_head = ?1 WHERE id = ?2").Int(id).Text(e.target).Run());
    } else {
      IAM_RETURN_IF_ERROR(Sql("INSERT OR REPLACE INTO audit_heads (tenant, target, head) "
                              "VALUES (?1, ?2, ?3)")
                              .Text(e.tenant)
                              .Text(e.target)
                              .Int(id)
                              .Run());
    }
  }
  return new_user_heads;
}

absl::Status SqliteStore::Commit(const WriteSet& writes) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Rep::Transaction txn(rep_.get());
  IAM_RETURN_IF_ERROR(txn.Begin());
  IAM_RETURN_IF_ERROR(rep_->Apply(writes));
  return txn.Commit();
}

absl::StatusOr<UserRecord> SqliteStore::FindUser(absl::string_view tenant, UserKey key,
                                                 absl::string_view value) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  if (key == UserKey::kId) {
    Stmt st = rep_->Sql("SELECT " IAM_USER_COLUMNS " FROM users WHERE id = ?1 AND tenant = ?2");
    st.Text(value).Text(tenant);
    return OneUser(st);
  }
  Stmt st = rep_->Sql("SELECT " IAM_USER_COLUMNS
                      " FROM users WHERE tenant = ?1 AND id = (SELECT user_id FROM user_keys "
                      "WHERE tenant = ?1 AND kind = ?2 AND value = ?3)");
  st.Text(tenant).Int(static_cast<int>(key)).Text(value);
  return OneUser(st);
}

// The users ListUsers and CountUsers read: ?1 tenant, ?2 username prefix, ?3
// page token, ?4 group, ?5 organizational unit, ?6 enabled (-1 = either).
#define IAM_SQLITE_LISTED_USERS                                                     \
  " FROM users WHERE tenant = ?1"                                                   \
  " AND canonical_username >= ?2 AND instr(canonical_username, ?2) = 1"             \
  " AND (?3 = '' OR canonical_username > ?3)"                                       \
  " AND (?4 = '' OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id" \
  " AND m.kind = 0 AND m.ref = ?4))"                                                \
  " AND (?5 = '' OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id" \
  " AND m.kind = 1 AND m.ref = ?5))"                                                \
  " AND (?6 < 0 OR enabled = ?6)"

absl::StatusOr<int64_t> SqliteStore::CountUsers(const ListUsersQuery& q) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT COUNT(*)" IAM_SQLITE_LISTED_USERS);
  st.Text(q.tenant)
      .Text(q.username_prefix)
      .Text("")
      .Text(q.group_id)
      .Text(q.ou_id)
      .Int(q.enabled.has_value() ? (*q.enabled ? 1 : 0) : -1);
  absl::StatusOr<bool> row = st.Step();
  if (!row.ok()) return row.status();
  return st.ColInt(0);
}

absl::StatusOr<ListUsersPage> SqliteStore::ListUsers(const ListUsersQuery& q) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  const int64_t page_size = std::max(q.page_size, 1);
  Stmt st = rep_->Sql("SELECT " IAM_USER_COLUMNS IAM_SQLITE_LISTED_USERS
                      " ORDER BY canonical_username, id LIMIT ?7");
  st.Text(q.tenant)
      .Text(q.username_prefix)
      .Text(q.page_token)
      .Text(q.group_id)
      .Text(q.ou_id)
      .Int(q.enabled.has_value() ? (*q.enabled ? 1 : 0) : -1)
      .Int(page_size + 1);
  ListUsersPage page;
  while (true) {
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int64_t>(page.users.size()) == page_size) {
      page.next_page_token = page.users.back().canonical_username;
      break;
    }
    absl::StatusOr<UserRecord> r = internal::ReadUser(kStoreName, RowOf{st});
    if (!r.ok()) return r.status();
    page.users.push_back(*std::move(r));
  }
  return page;
}

absl::StatusOr<std::optional<IdempotencyRecord>> SqliteStore::FindIdempotency(
    absl::string_view tenant, absl::string_view client_token) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_IDEMPOTENCY_COLUMNS
                      " FROM idempotency WHERE tenant = ?1 AND client_token = ?2");
  absl::StatusOr<bool> row = st.Text(tenant).Text(client_token).Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<IdempotencyRecord>();
  return std::optional<IdempotencyRecord>(internal::ReadIdempotency(RowOf{st}));
}

// ---------------------------------------------------------------------------
// Directory entries.

absl::Status SqliteStore::CreateEntry(const DirectoryEntry& entry) {
  absl::StatusOr<std::string> allowed = EncodeJson(entry.allowed_values, "allowed_values");
  if (!allowed.ok()) return allowed.status();
  absl::StatusOr<std::string> policies = EncodeJson(entry.policies, "policies");
  if (!policies.ok()) return policies.status();
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st =
      rep_->Sql("INSERT INTO entries (" IAM_ENTRY_COLUMNS
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  st.Text(entry.tenant)
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
      .Time(entry.updated_at);
  absl::Status s = st.Run();
  if (st.unique_violation()) {
    const std::string kind = std::string(KindInfo(entry.kind).reason_name);
    return MakeError(absl::StatusCode::kAlreadyExists, "name", kind + ".duplicate",
                     "name: a " + kind + " with this name already exists");
  }
  return s;
}

absl::StatusOr<DirectoryEntry> SqliteStore::FindEntry(EntryKind kind, absl::string_view tenant,
                                                      absl::string_view id_or_name) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_ENTRY_COLUMNS
                      " FROM entries WHERE tenant = ?1 AND kind = ?2"
                      " AND (id = ?3 OR folded_name = ?4) ORDER BY id = ?3 DESC LIMIT 1");
  st.Text(tenant).Int(static_cast<int>(kind)).Text(id_or_name).Text(FoldName(id_or_name));
  absl::StatusOr<bool> row = st.Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound(std::string(KindInfo(kind).reason_name));
  return internal::ReadEntry(kStoreName, RowOf{st});
}

absl::StatusOr<std::vector<DirectoryEntry>> SqliteStore::ListEntries(EntryKind kind,
                                                                     absl::string_view tenant,
                                                                     absl::string_view keyword) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_ENTRY_COLUMNS
                      " FROM entries WHERE tenant = ?1 AND kind = ?2"
                      " AND instr(folded_name, ?3) > 0 ORDER BY folded_name");
  st.Text(tenant).Int(static_cast<int>(kind)).Text(FoldName(keyword));
  std::vector<DirectoryEntry> out;
  while (true) {
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    absl::StatusOr<DirectoryEntry> e = internal::ReadEntry(kStoreName, RowOf{st});
    if (!e.ok()) return e.status();
    out.push_back(*std::move(e));
  }
  return out;
}

absl::Status SqliteStore::UpdateEntry(const DirectoryEntry& entry, int64_t expected_version) {
  absl::StatusOr<std::string> policies = EncodeJson(entry.policies, "policies");
  if (!policies.ok()) return policies.status();
  std::lock_guard<std::mutex> lock(rep_->mu);
  Rep::Transaction txn(rep_.get());
  IAM_RETURN_IF_ERROR(txn.Begin());
  {
    Stmt st = rep_->Sql("SELECT version FROM entries WHERE tenant = ?1 AND kind = ?2 AND id = ?3");
    absl::StatusOr<bool> row =
        st.Text(entry.tenant).Int(static_cast<int>(entry.kind)).Text(entry.id).Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound(std::string(KindInfo(entry.kind).reason_name));
    if (st.ColInt(0) != expected_version) return internal::EntryVersionConflict(entry.kind);
  }
  IAM_RETURN_IF_ERROR(rep_->Sql("UPDATE entries SET description = ?4, document = ?5, policies = ?6,"
                                " version = ?7, updated_at = ?8"
                                " WHERE tenant = ?1 AND kind = ?2 AND id = ?3")
                          .Text(entry.tenant)
                          .Int(static_cast<int>(entry.kind))
                          .Text(entry.id)
                          .Text(entry.description)
                          .Text(entry.document)
                          .Text(*policies)
                          .Int(expected_version + 1)
                          .Time(entry.updated_at)
                          .Run());
  return txn.Commit();
}

absl::Status SqliteStore::DeleteEntry(EntryKind kind, absl::string_view tenant,
                                      absl::string_view id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  const std::string kind_name = std::string(KindInfo(kind).reason_name);
  // One transaction, so no user can start referencing the entry between the
  // check and the delete, from this process or another.
  Rep::Transaction txn(rep_.get());
  IAM_RETURN_IF_ERROR(txn.Begin());
  std::string ref;  // what a user references it by: the id, or a name
  {
    Stmt st = rep_->Sql("SELECT name FROM entries WHERE tenant = ?1 AND kind = ?2 AND id = ?3");
    absl::StatusOr<bool> row = st.Text(tenant).Int(static_cast<int>(kind)).Text(id).Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound(kind_name);
    ref = kind == EntryKind::kCustomField || kind == EntryKind::kPolicy ? st.ColStr(0)
                                                                        : std::string(id);
  }
  // Policies are attached by name (any ASCII case) in users' and groups'
  // JSON lists; the other kinds are in memberships.
  Stmt in_use =
      kind == EntryKind::kPolicy
          ? rep_->Sql(
                "SELECT 1 FROM users u, json_each(u.policies) j"
                " WHERE u.tenant = ?1 AND lower(j.value) = lower(?3)"
                " UNION ALL SELECT 1 FROM entries e, json_each(e.policies) j"
                " WHERE e.tenant = ?1 AND e.kind = ?2 AND lower(j.value) = lower(?3) LIMIT 1")
          : rep_->Sql(
                "SELECT 1 FROM memberships WHERE tenant = ?1 AND kind = ?2 AND ref = ?3"
                " LIMIT 1");
  const int kind_tested =
      kind == EntryKind::kPolicy ? static_cast<int>(EntryKind::kGroup) : static_cast<int>(kind);
  absl::StatusOr<bool> used = in_use.Text(tenant).Int(kind_tested).Text(ref).Step();
  if (!used.ok()) return used.status();
  if (*used) return internal::EntryInUse(kind);
  IAM_RETURN_IF_ERROR(rep_->Sql("DELETE FROM entries WHERE tenant = ?1 AND kind = ?2 AND id = ?3")
                          .Text(tenant)
                          .Int(static_cast<int>(kind))
                          .Text(id)
                          .Run());
  return txn.Commit();
}

// ---------------------------------------------------------------------------
// Access keys, tokens, tenants.

absl::StatusOr<AccessKeyRecord> SqliteStore::FindAccessKey(absl::string_view access_key_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_ACCESS_KEY_COLUMNS " FROM access_keys WHERE id = ?1");
  absl::StatusOr<bool> row = st.Text(access_key_id).Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("access_key");
  return internal::ReadAccessKey(RowOf{st});
}

absl::StatusOr<std::vector<AccessKeyRecord>> SqliteStore::ListAccessKeys(
    absl::string_view tenant, absl::string_view user_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_ACCESS_KEY_COLUMNS
                      " FROM access_keys WHERE user_id = ?1 AND tenant = ?2 ORDER BY id");
  st.Text(user_id).Text(tenant);
  std::vector<AccessKeyRecord> out;
  while (true) {
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(internal::ReadAccessKey(RowOf{st}));
  }
  return out;
}

absl::StatusOr<TokenRecord> SqliteStore::FindToken(absl::string_view hash) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_TOKEN_COLUMNS " FROM tokens WHERE hash = ?1");
  absl::StatusOr<bool> row = st.Text(hash).Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("token");
  return internal::ReadToken(RowOf{st});
}

absl::Status SqliteStore::RegisterTenant(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->Sql("INSERT OR IGNORE INTO tenants (name) VALUES (?1)").Text(tenant).Run();
}

absl::StatusOr<bool> SqliteStore::TenantExists(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->Sql("SELECT 1 FROM tenants WHERE name = ?1").Text(tenant).Step();
}

// ---------------------------------------------------------------------------
// The outbox.

namespace {

// Appends every row of `st` (IAM_OUTBOX_COLUMNS) to `out`.
absl::Status ReadOutbox(Stmt& st, std::vector<OutboxMessage>* out) {
  while (true) {
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    out->push_back(internal::ReadOutboxMessage(RowOf{st}));
  }
}

}  // namespace

absl::StatusOr<std::vector<OutboxMessage>> SqliteStore::DueOutbox(absl::Time now, int limit) {
  std::vector<OutboxMessage> out;
  if (limit <= 0) return out;  // SQLite reads a negative LIMIT as "no limit"
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_OUTBOX_COLUMNS
                      " FROM outbox WHERE next_attempt_at <= ?1 ORDER BY id LIMIT ?2");
  st.Time(now).Int(limit);
  IAM_RETURN_IF_ERROR(ReadOutbox(st, &out));
  return out;
}

absl::StatusOr<std::vector<OutboxMessage>> SqliteStore::ClaimOutbox(absl::Time now, int limit,
                                                                    absl::Time lease_until) {
  std::vector<OutboxMessage> out;
  if (limit <= 0) return out;
  std::lock_guard<std::mutex> lock(rep_->mu);
  // The write lock first, so two processes never read the same due rows.
  Rep::Transaction txn(rep_.get());
  IAM_RETURN_IF_ERROR(txn.Begin());
  {
    Stmt st = rep_->Sql("SELECT " IAM_OUTBOX_COLUMNS
                        " FROM outbox WHERE next_attempt_at <= ?1 ORDER BY id LIMIT ?2");
    st.Time(now).Int(limit);
    IAM_RETURN_IF_ERROR(ReadOutbox(st, &out));
  }
  for (const OutboxMessage& m : out) {
    IAM_RETURN_IF_ERROR(rep_->Sql("UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1")
                            .Int(m.id)
                            .Time(lease_until)
                            .Run());
  }
  IAM_RETURN_IF_ERROR(txn.Commit());
  return out;
}

absl::Status SqliteStore::CompleteOutbox(int64_t id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->Sql("DELETE FROM outbox WHERE id = ?1").Int(id).Run();
}

absl::Status SqliteStore::RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                           absl::string_view last_error) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql(
      "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1");
  IAM_RETURN_IF_ERROR(st.Int(id).Int(attempts).Time(next_attempt_at).Text(last_error).Run());
  if (st.changes() == 0) return NotFound("outbox");
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteStore::PendingOutbox() {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT count(*) FROM outbox");
  absl::StatusOr<bool> row = st.Step();
  if (!row.ok()) return row.status();
  return *row ? st.ColInt(0) : 0;
}

absl::StatusOr<std::vector<OutboxMessage>> SqliteStore::DeadOutbox(int limit) {
  std::vector<OutboxMessage> out;
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql("SELECT " IAM_OUTBOX_COLUMNS
                      " FROM outbox WHERE next_attempt_at = ?1 ORDER BY id LIMIT ?2");
  st.Time(absl::InfiniteFuture()).Int(limit);
  IAM_RETURN_IF_ERROR(ReadOutbox(st, &out));
  return out;
}

absl::Status SqliteStore::RedriveOutbox(int64_t id, absl::Time now) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  Stmt st = rep_->Sql(
      "UPDATE outbox SET attempts = 0, next_attempt_at = ?2 WHERE id = ?1 AND next_attempt_at = "
      "?3");
  IAM_RETURN_IF_ERROR(st.Int(id).Time(now).Time(absl::InfiniteFuture()).Run());
  return st.changes() == 0 ? NotFound("outbox") : absl::OkStatus();
}

// ---------------------------------------------------------------------------
// The audit log.

absl::StatusOr<AuditPage> SqliteStore::ListAuditEvents(const AuditQuery& q) {
  IAM_ASSIGN_OR_RETURN(const int64_t below, AuditPageStart(q.page_token));
  std::lock_guard<std::mutex> lock(rep_->mu);
  AuditPage page;
  if (q.target.empty()) {  // along the rowids, newest first
    Stmt st = rep_->Sql("SELECT " IAM_AUDIT_COLUMNS
                        " FROM audit WHERE tenant = ?1 AND id < ?2"
                        " AND (?3 = '' OR action = ?3) AND time >= ?4 AND time < ?5"
                        " ORDER BY id DESC LIMIT ?6");
    st.Text(q.tenant).Int(below).Text(q.action).Time(q.since).Time(q.until).Int(
        int64_t{std::max(q.page_size, 1)} + 1);
    while (true) {
      IAM_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row || !internal::AddToAuditPage(q, internal::ReadAuditEvent(RowOf{st}), &page)) break;
    }
    return page;
  }
  // Along the target's chain, from its newest event (or from the one before
  // the page token's event, when that is the target's); a pruned event ends it.
  IAM_ASSIGN_OR_RETURN(const Rep::AuditHead head, rep_->FindAuditHead(q.tenant, q.target));
  AuditEvent e;
  int64_t prev = 0;
  // Reads event `id` into e and prev; false when it is gone or not the target's.
  auto read = [&](int64_t id) -> absl::StatusOr<bool> {
    Stmt st = rep_->Sql("SELECT " IAM_AUDIT_COLUMNS ", prev FROM audit WHERE id = ?1");
    IAM_ASSIGN_OR_RETURN(const bool row, st.Int(id).Step());
    if (!row) return false;
    e = internal::ReadAuditEvent(RowOf{st});
    prev = st.ColInt(kAuditPrevColumn);
    return e.tenant == q.tenant && e.target == q.target;
  };
  int64_t next = head.id;
  if (below != std::numeric_limits<int64_t>::max()) {
    IAM_ASSIGN_OR_RETURN(const bool on_chain, read(below));
    if (on_chain) next = prev;
  }
  while (next > 0) {
    IAM_ASSIGN_OR_RETURN(const bool row, read(next));
    if (!row) break;
    next = prev;
    if (e.id < below && !internal::AddToAuditPage(q, e, &page)) break;
  }
  return page;
}

absl::StatusOr<int64_t> SqliteStore::PruneAuditEvents(absl::Time before) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  // The newest event stays, so that the next id is still above every id
  // ever handed out.
  Rep::Transaction txn(rep_.get());
  IAM_RETURN_IF_ERROR(txn.Begin());
  Stmt st = rep_->Sql("DELETE FROM audit WHERE time < ?1 AND id < (SELECT max(id) FROM audit)");
  IAM_RETURN_IF_ERROR(st.Time(before).Run());
  const int64_t pruned = st.changes();
  // Targets gone (deleted users, keys, groups) whose whole history went too.
  IAM_RETURN_IF_ERROR(
      rep_->Sql("DELETE FROM audit_heads WHERE NOT EXISTS (SELECT 1 FROM audit WHERE id = head)")
          .Run());
  IAM_RETURN_IF_ERROR(txn.Commit());
  return pruned;
}

}  // namespace iam
