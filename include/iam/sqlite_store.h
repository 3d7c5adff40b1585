// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// SqliteStore keeps everything in one SQLite file: the embedded, durable
// default store. Uniqueness (per-tenant canonical username, canonical email,
// phone, external id, client token, directory-entry names) is enforced by
// UNIQUE constraints in the file, so it holds across threads and across
// processes that open the same file.
//
//   auto store = iam::SqliteStore::Open("/var/lib/iam/iam.db");
//   if (!store.ok()) return store.status();
//   iam::Engine engine(options, store->get());
//
// Durability: the file is in WAL journal mode. With `durable` (the default) a
// Commit that returned OK survives a power loss (synchronous=FULL); without it
// a Commit survives a crash of the process but the last ones may be lost on a
// power loss (synchronous=NORMAL). Any failed Commit leaves nothing written.
//
// Schema: the file records its schema version in `PRAGMA user_version`. Open
// applies the migrations the file lacks, in one transaction, and refuses a
// file written by a newer iamcore (kFailedPrecondition).
//
// Thread-safety: every method is safe to call from many threads; the store
// owns one connection and serializes calls on it. Several processes (or
// several SqliteStore objects) may open the same file: writes take the
// database write lock (BEGIN IMMEDIATE) and wait up to `busy_timeout` for it,
// then fail with kUnavailable (reason "store.busy"); the caller may retry.
#ifndef IAM_SQLITE_STORE_H_
#define IAM_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/store.h"

namespace iam {

struct SqliteOptions {
  // true: synchronous=FULL, a committed write survives a power loss.
  // false: synchronous=NORMAL, faster; survives a process crash only.
  bool durable = true;
  // How long a call waits for another connection's write lock before failing
  // with kUnavailable.
  absl::Duration busy_timeout = absl::Seconds(5);
  // For a file of schema version 1 only: the region of the mobile numbers it
  // stored without one, as the profile's default_phone_region (1-6 digits).
  std::string default_phone_region = "86";
};

class IAM_EXPORT SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path` and brings its schema up
  // to date. kFailedPrecondition when the file's schema is newer than this
  // code; kUnavailable when it cannot be opened or locked in time.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                           SqliteOptions options = {});

  // The schema version this code writes (the number of known migrations).
  static int SchemaVersion();

  ~SqliteStore() override;

  absl::Status Commit(const WriteSet& writes) override;
  absl::StatusOr<UserRecord> FindUser(absl::string_view tenant, UserKey key,
                                      absl::string_view value) override;
  absl::StatusOr<ListUsersPage> ListUsers(const ListUsersQuery& query) override;
  absl::StatusOr<int64_t> CountUsers(const ListUsersQuery& query) override;
  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(
      absl::string_view tenant, absl::string_view client_token) override;
  absl::Status CreateEntry(const DirectoryEntry& entry) override;
  absl::StatusOr<DirectoryEntry> FindEntry(EntryKind kind, absl::string_view tenant,
                                           absl::string_view id_or_name) override;
  absl::StatusOr<std::vector<DirectoryEntry>> ListEntries(EntryKind kind, absl::string_view tenant,
                                                          absl::string_view keyword) override;
  absl::Status UpdateEntry(const DirectoryEntry& entry, int64_t expected_version) override;
  absl::Status DeleteEntry(EntryKind kind, absl::string_view tenant, absl::string_view id) override;
  absl::StatusOr<AccessKeyRecord> FindAccessKey(absl::string_view access_key_id) override;
  absl::StatusOr<std::vector<AccessKeyRecord>> ListAccessKeys(absl::string_view tenant,
                                                              absl::string_view user_id) override;
  absl::StatusOr<TokenRecord> FindToken(absl::string_view hash) override;
  absl::Status RegisterTenant(absl::string_view tenant) override;
  absl::StatusOr<bool> TenantExists(absl::string_view tenant) override;
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(absl::Time now, int limit) override;
  absl::StatusOr<std::vector<OutboxMessage>> ClaimOutbox(absl::Time now, int limit,
                                                         absl::Time lease_until) override;
  absl::Status CompleteOutbox(int64_t id) override;
  absl::Status RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                absl::string_view last_error) override;
  absl::StatusOr<int64_t> PendingOutbox() override;
  absl::StatusOr<std::vector<OutboxMessage>> DeadOutbox(int limit) override;
  absl::Status RedriveOutbox(int64_t id, absl::Time now) override;
  absl::StatusOr<AuditPage> ListAuditEvents(const AuditQuery& query) override;
  absl::StatusOr<int64_t> PruneAuditEvents(absl::Time before) override;
  bool SupportsAudit() const override { return true; }

 private:
  struct Rep;
  IAM_HIDDEN explicit SqliteStore(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace iam

#endif  // IAM_SQLITE_STORE_H_
