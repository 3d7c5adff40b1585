// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Runs a suite against every shipped store: a fresh MemoryStore, or a fresh
// SQLite file in the test's temporary directory (removed when the store goes).
#ifndef IAM_TESTS_STORE_PARAM_H_
#define IAM_TESTS_STORE_PARAM_H_

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "iam/memory_store.h"
#include "iam/sqlite_store.h"

namespace iam {

enum class StoreKind { kMemory, kSqlite };

inline std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::kMemory ? "Memory" : "Sqlite";
}

// A SqliteStore that deletes its file (and WAL) when destroyed.
class TempSqliteStore final : public Store {
 public:
  static std::unique_ptr<Store> Make() {
    static std::atomic<int> counter{0};
    const char* dir = std::getenv("TMPDIR");
    const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/iam_test_" +
                             std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".db";
    auto opened = SqliteStore::Open(path);
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (!opened.ok()) return std::make_unique<MemoryStore>();
    return std::make_unique<TempSqliteStore>(std::move(*opened), path);
  }
  TempSqliteStore(std::unique_ptr<SqliteStore> s, std::string path)
      : s_(std::move(s)), path_(std::move(path)) {}
  ~TempSqliteStore() override {
    s_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  absl::Status Commit(const WriteSet& w) override { return s_->Commit(w); }
  absl::StatusOr<UserRecord> FindUser(absl::string_view t, UserKey k,
                                      absl::string_view v) override {
    return s_->FindUser(t, k, v);
  }
  absl::StatusOr<ListUsersPage> ListUsers(const ListUsersQuery& q) override {
    return s_->ListUsers(q);
  }
  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(absl::string_view t,
                                                                   absl::string_view c) override {
    return s_->FindIdempotency(t, c);
  }
  absl::Status CreateEntry(const DirectoryEntry& e) override { return s_->CreateEntry(e); }
  absl::StatusOr<DirectoryEntry> FindEntry(EntryKind k, absl::string_view t,
                                           absl::string_view i) override {
    return s_->FindEntry(k, t, i);
  }
  absl::StatusOr<std::vector<DirectoryEntry>> ListEntries(EntryKind k, absl::string_view t,
                                                          absl::string_view w) override {
    return s_->ListEntries(k, t, w);
  }
  absl::Status DeleteEntry(EntryKind k, absl::string_view t, absl::string_view i) override {
    return s_->DeleteEntry(k, t, i);
  }
  absl::StatusOr<AccessKeyRecord> FindAccessKey(absl::string_view id) override {
    return s_->FindAccessKey(id);
  }
  absl::StatusOr<std::vector<AccessKeyRecord>> ListAccessKeys(absl::string_view t,
                                                              absl::string_view u) override {
    return s_->ListAccessKeys(t, u);
  }
  absl::StatusOr<TokenRecord> FindToken(absl::string_view h) override { return s_->FindToken(h); }
  absl::Status RegisterTenant(absl::string_view t) override { return s_->RegisterTenant(t); }
  absl::StatusOr<bool> TenantExists(absl::string_view t) override { return s_->TenantExists(t); }
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(absl::Time now, int limit) override {
    return s_->DueOutbox(now, limit);
  }
  absl::Status CompleteOutbox(int64_t id) override { return s_->CompleteOutbox(id); }
  absl::Status RescheduleOutbox(int64_t id, int a, absl::Time n, absl::string_view e) override {
    return s_->RescheduleOutbox(id, a, n, e);
  }
  absl::StatusOr<int64_t> PendingOutbox() override { return s_->PendingOutbox(); }

 private:
  std::unique_ptr<SqliteStore> s_;
  std::string path_;
};

inline std::unique_ptr<Store> MakeStore(StoreKind kind) {
  if (kind == StoreKind::kMemory) return std::make_unique<MemoryStore>();
  return TempSqliteStore::Make();
}

}  // namespace iam

#endif  // IAM_TESTS_STORE_PARAM_H_
