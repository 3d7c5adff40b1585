// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Store is the storage port. Every change the engine makes is one WriteSet
// committed atomically: all of it or none of it. The store itself enforces
// uniqueness per tenant (canonical username, canonical email, phone, external
// id, client token, directory entry names), so the invariants hold across
// threads, processes and machines.
//
// Shipped: MemoryStore (tests, iam/memory_store.h), SqliteStore
// (iam/sqlite_store.h) and PostgresStore (iam/postgres_store.h); OpenStore
// (iam/open_store.h) picks SQLite or PostgreSQL from a path or a URL. A host
// may implement its own; the contract suite in tests/store/store_contract_test.cc
// states what a store must do.
//
//   auto store = iam::SqliteStore::Open("/var/lib/iam/iam.db");   // or iam::MemoryStore
//   iam::Engine engine(options, store->get());                    // borrowed
//
// Thread-safety: implementations must be safe to call from many threads.
#ifndef IAM_STORE_H_
#define IAM_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/audit.h"
#include "iam/export.h"
#include "iam/user.h"

namespace iam {

struct WriteSet {
  absl::Time now = absl::InfinitePast();  // for idempotency-record expiry
  // Checked first: a live record with the same (tenant, client token) fails the
  // commit with kAlreadyExists, reason "idempotency.conflict"; an expired one
  // is replaced. One per create; a batch of creates with client tokens has
  // several (distinct tokens).
  std::vector<IdempotencyRecord> idempotency;
  std::vector<UserRecord> new_users;
  // Replaces the stored user with the same id when its version equals
  // `expected_version`, else kAborted reason "user.version_conflict"; the stored
  // version becomes expected_version + 1.
  struct Update {
    UserRecord record;
    int64_t expected_version = 0;
    // Bookkeeping (failed-login counters, a rehash) is not an edit: with
    // keep_version the stored version stays expected_version.
    bool keep_version = false;
    // A new password: every one-time token the user holds (first-login links,
    // resets) is deleted with the update; tokens in new_tokens survive.
    bool revoke_tokens = false;
  };
  std::vector<Update> updated_users;
  // Deletes users with their keys, tokens and memberships.
  std::vector<std::string> deleted_user_ids;  // within `tenant`
  std::string tenant;                         // for deleted_user_ids
  std::vector<AccessKeyRecord> new_access_keys;
  std::vector<AccessKeyRecord> updated_access_keys;  // by id
  std::vector<std::string> deleted_access_key_ids;
  std::vector<TokenRecord> new_tokens;
  std::vector<std::string> deleted_token_hashes;
  std::vector<OutboxMessage> outbox;
  // Appended to the audit log; ids assigned by the store.
  std::vector<AuditEvent> audit;
};

// Which unique key FindUser looks up by. Values are canonical forms.
// kPhone values are E.164 ("+8613800000000"). kLogin is the one namespace of
// every identifier a user logs in with (canonical username, canonical email,
// E.164 phone): a username can be nobody else's email or mobile number.
enum class UserKey : uint8_t { kId, kUsername, kEmail, kPhone, kExternalId, kLogin };

struct ListUsersQuery {
  std::string tenant;
  int page_size = 100;
  std::string page_token;       // opaque; "" = first page
  std::string username_prefix;  // canonical form
  std::string group_id;         // "" = any
  std::string ou_id;            // "" = any (primary or further)
  std::optional<bool> enabled;
};

struct ListUsersPage {
  std::vector<UserRecord> users;
  std::string next_page_token;  // "" = last page
};

class IAM_EXPORT Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Applies `writes` atomically. A unique-key collision fails the whole commit
  // with kAlreadyExists and reason "<key>.duplicate" (username, email, phone,
  // external_id, access_key) and field naming the key.
  virtual absl::Status Commit(const WriteSet& writes) = 0;

  // kNotFound when absent. `value` is the canonical form for the key.
  virtual absl::StatusOr<UserRecord> FindUser(absl::string_view tenant, UserKey key,
                                              absl::string_view value) = 0;
  virtual absl::StatusOr<ListUsersPage> ListUsers(const ListUsersQuery& query) = 0;
  // How many users ListUsers would return over all its pages (page_size and
  // page_token ignored). The default answers kUnimplemented (stores written
  // before it; the engine then counts the pages).
  virtual absl::StatusOr<int64_t> CountUsers(const ListUsersQuery& query);

  // nullopt when there is no record (expired ones are returned; the caller
  // decides).
  virtual absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(
      absl::string_view tenant, absl::string_view client_token) = 0;

  // Directory entries. Names are unique per (tenant, kind), case-insensitively:
  // kAlreadyExists reason "<kind>.duplicate".
  virtual absl::Status CreateEntry(const DirectoryEntry& entry) = 0;
  // By id, else by name (case-insensitive). kNotFound when neither matches.
  virtual absl::StatusOr<DirectoryEntry> FindEntry(EntryKind kind, absl::string_view tenant,
                                                   absl::string_view id_or_name) = 0;
  // Entries whose name contains `keyword` (case-insensitive; "" = all), by name.
  virtual absl::StatusOr<std::vector<DirectoryEntry>> ListEntries(EntryKind kind,
                                                                  absl::string_view tenant,
                                                                  absl::string_view keyword) = 0;
  // Replaces the description, document, policies and updated_at of the entry
  // with entry.kind, entry.tenant and entry.id (its name and kind stay) when its
  // version equals `expected_version`, else kAborted reason
  // "<kind>.version_conflict"; the stored version becomes expected_version + 1.
  // kNotFound reason "<kind>.not_found" when there is no such entry. The
  // default answers kUnimplemented (stores written before entries changed).
  virtual absl::Status UpdateEntry(const DirectoryEntry& entry, int64_t expected_version);
  // kFailedPrecondition reason "<kind>.in_use" while a user references it (or,
  // for a policy, a user or a group has it attached).
  virtual absl::Status DeleteEntry(EntryKind kind, absl::string_view tenant,
                                   absl::string_view id) = 0;

  // Access keys and tokens.
  virtual absl::StatusOr<AccessKeyRecord> FindAccessKey(absl::string_view access_key_id) = 0;
  virtual absl::StatusOr<std::vector<AccessKeyRecord>> ListAccessKeys(
      absl::string_view tenant, absl::string_view user_id) = 0;
  virtual absl::StatusOr<TokenRecord> FindToken(absl::string_view hash) = 0;

  // The optional tenant registry.
  virtual absl::Status RegisterTenant(absl::string_view tenant) = 0;
  virtual absl::StatusOr<bool> TenantExists(absl::string_view tenant) = 0;

  // The outbox: messages due at `now`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(absl::Time now, int limit) = 0;
  // Like DueOutbox, and leases what it returns: each message's next_attempt_at
  // becomes `lease_until` in the same transaction, so another dispatcher (in
  // this process or another) neither gets it nor waits for it until the lease
  // ends. Complete or Reschedule ends the lease early; a dispatcher that dies
  // holding one leaves the message to be sent again when it expires (at least
  // once). The messages are returned as they were before the lease. The
  // default returns DueOutbox without leasing (host stores written
  // before leases: safe with one dispatcher only).
  virtual absl::StatusOr<std::vector<OutboxMessage>> ClaimOutbox(absl::Time now, int limit,
                                                                 absl::Time lease_until);
  virtual absl::Status CompleteOutbox(int64_t id) = 0;
  virtual absl::Status RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                        absl::string_view last_error) = 0;
  // Messages still waiting (sent or not yet due), for monitoring and tests.
  virtual absl::StatusOr<int64_t> PendingOutbox() = 0;
  // Dead letters: messages given up on (rescheduled to InfiniteFuture), oldest
  // first, at most `limit`, with their attempts and last error.
  virtual absl::StatusOr<std::vector<OutboxMessage>> DeadOutbox(int limit);
  // Makes dead message `id` due at `now` with its attempts reset;
  // kNotFound reason "outbox.not_found" when no dead message has that id.
  virtual absl::Status RedriveOutbox(int64_t id, absl::Time now);

  // The audit log (iam/audit.h), appended by WriteSet::audit. Newest first;
  // kInvalidArgument field "page_token" for a token this store did not issue.
  virtual absl::StatusOr<AuditPage> ListAuditEvents(const AuditQuery& query);
  // Deletes the events older than `before`; returns how many (retention). A
  // store may keep its newest event, so that ids never repeat.
  virtual absl::StatusOr<int64_t> PruneAuditEvents(absl::Time before);
  // The four defaults above answer kUnimplemented (stores written before them).
  // Whether this store keeps WriteSet::audit (and answers the two calls
  // above): the engine records no events into a store that would drop them.
  virtual bool SupportsAudit() const { return false; }
};

// The id a page token of ListAuditEvents stands for (events below it come
// next); INT64_MAX for "". Shared by the stores.
IAM_EXPORT absl::StatusOr<int64_t> AuditPageStart(absl::string_view page_token);

// Lower-case ASCII folding used for entry names.
IAM_EXPORT std::string FoldName(absl::string_view name);

}  // namespace iam

#endif  // IAM_STORE_H_
