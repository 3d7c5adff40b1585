// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Adapters that implement the C++ ports (iam::Store, iam::Notifier,
// iam::Authorizer) over a host's C callback tables. Each owns its context: the
// table's destroy slot runs once, in the adapter's destructor. Records cross
// as JSON (store_json.h). No exception leaves an adapter method: a failure
// becomes a status, and a failed callback a status with reason
// "callback.failed".
//
// Thread-safety: as safe as the host's callbacks, which iam.h requires to be
// thread-safe.
#ifndef IAM_CAPI_HOST_PORTS_H_
#define IAM_CAPI_HOST_PORTS_H_

#include "capi_internal.h"

namespace iam::capi {

class HostStore final : public Store {
 public:
  // `methods` is copied; its required slots are non-null (checked by the caller).
  HostStore(const iam_store_methods& methods, void* ctx);
  ~HostStore() override;

  absl::Status Commit(const WriteSet& writes) override;
  absl::StatusOr<UserRecord> FindUser(absl::string_view tenant, UserKey key,
                                      absl::string_view value) override;
  absl::StatusOr<ListUsersPage> ListUsers(const ListUsersQuery& query) override;
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
  absl::Status CompleteOutbox(int64_t id) override;
  absl::Status RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                absl::string_view last_error) override;
  absl::StatusOr<int64_t> PendingOutbox() override;

 private:
  iam_store_methods m_;
  void* ctx_;
};

class HostNotifier final : public Notifier {
 public:
  HostNotifier(const iam_notifier_methods& methods, void* ctx);
  ~HostNotifier() override;
  absl::Status Send(const Notification& notification) override;

 private:
  iam_notifier_methods m_;
  void* ctx_;
};

class HostAuthorizer final : public Authorizer {
 public:
  HostAuthorizer(const iam_authorizer_methods& methods, void* ctx);
  ~HostAuthorizer() override;
  absl::Status Authorize(const Principal& caller, absl::string_view action,
                         absl::string_view tenant) override;

 private:
  iam_authorizer_methods m_;
  void* ctx_;
};

}  // namespace iam::capi

#endif  // IAM_CAPI_HOST_PORTS_H_
