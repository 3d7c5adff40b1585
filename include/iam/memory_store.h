// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// MemoryStore keeps everything in process memory behind one mutex. For tests
// and for hosts that persist elsewhere; nothing survives the process.
//
//   iam::MemoryStore store;
//   iam::Engine engine(options, &store);
//
// Thread-safety: every method is safe to call from many threads.
#ifndef IAM_MEMORY_STORE_H_
#define IAM_MEMORY_STORE_H_

#include <memory>

#include "iam/export.h"
#include "iam/store.h"

namespace iam {

class IAM_EXPORT MemoryStore final : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;

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
  std::unique_ptr<Rep> rep_;
};

}  // namespace iam

#endif  // IAM_MEMORY_STORE_H_
