// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// PostgresStore keeps everything in a PostgreSQL database (or a server that
// speaks its protocol), shared by every engine in every process and on every
// machine that opens it: the store for a service that runs iamcore in several
// replicas. Uniqueness, idempotency and the outbox are enforced by the
// database (unique indexes, one transaction per Commit).
//
//   auto store = iam::PostgresStore::Open(
//       "postgresql://iam@db1:5432,db2:5432/iam?target_session_attrs=read-write");
//   if (!store.ok()) return store.status();
//   iam::Engine engine(options, store->get());
//
// Connections: `conninfo` is anything libpq accepts (a postgresql:// URL or a
// keyword string). A multi-host URL with target_session_attrs=read-write makes
// the store follow a promoted standby. Statements are unnamed and every
// transaction is explicit, so the store works through PgBouncer in
// transaction pooling mode (no session state outlives a transaction).
//
// Failures: serialization failures, deadlocks and lost connections are retried
// with exponential backoff, up to `max_attempts` and `retry_budget`, then
// returned as kUnavailable (reason "store.unavailable"). A Commit whose
// connection broke while it committed is never applied twice: each Commit
// records its own random id in the same transaction, and a retry first looks
// that id up.
//
// Schema: numbered migrations recorded in the table iam_schema, applied by
// Open under a transaction-scoped advisory lock, so processes starting
// together migrate once; a database written by a newer iamcore is refused
// (kFailedPrecondition). Tables go to the connection's current schema
// (search_path).
//
// Thread-safety: every method is safe to call from many threads; calls share
// a pool of at most `pool_size` connections.
#ifndef IAM_POSTGRES_STORE_H_
#define IAM_POSTGRES_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/store.h"

namespace iam {

struct PostgresOptions {
  // Connections opened at most; a call waits up to `acquire_timeout` for one.
  int pool_size = 8;
  absl::Duration acquire_timeout = absl::Seconds(10);
  // Retries of a call that failed for a transient reason (40001 serialization
  // failure, 40P01 deadlock, a lost or refused connection, a server shutting
  // down or read-only after a failover).
  int max_attempts = 10;
  absl::Duration retry_budget = absl::Seconds(20);
  absl::Duration initial_backoff = absl::Milliseconds(25);
  absl::Duration max_backoff = absl::Seconds(2);
};

class IAM_EXPORT PostgresStore final : public Store {
 public:
  // Connects and brings the schema up to date. kInvalidArgument for a
  // conninfo libpq cannot parse, kUnavailable when no server answers,
  // kFailedPrecondition for a schema newer than this code.
  static absl::StatusOr<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo,
                                                             PostgresOptions options = {});

  // The schema version this code writes.
  static int SchemaVersion();

  ~PostgresStore() override;

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
  IAM_HIDDEN explicit PostgresStore(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace iam

#endif  // IAM_POSTGRES_STORE_H_
