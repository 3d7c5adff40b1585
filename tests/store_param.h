// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Runs a suite against every shipped store: a fresh MemoryStore, a fresh
// SQLite file at a temporary path, or a fresh schema on the test PostgreSQL
// server (pg_test_util.h). Declare the TempDbPath member before the store so
// the file or schema outlives the store and is removed after it.
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
#include "iam/postgres_store.h"
#include "iam/sqlite_store.h"
#include "pg_test_util.h"

namespace iam {

enum class StoreKind { kMemory, kSqlite, kPostgres };

inline std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  switch (info.param) {
    case StoreKind::kMemory:
      return "Memory";
    case StoreKind::kSqlite:
      return "Sqlite";
    case StoreKind::kPostgres:
      return "Postgres";
  }
  return "Unknown";
}

// Every shipped store, for INSTANTIATE_TEST_SUITE_P.
inline auto AllStoreKinds() {
  return ::testing::Values(StoreKind::kMemory, StoreKind::kSqlite, StoreKind::kPostgres);
}

// A unique database path under $TMPDIR; the file, WAL and shared memory are
// removed on destruction.
class TempDbPath {
 public:
  TempDbPath() {
    static std::atomic<int> counter{0};
    const char* dir = std::getenv("TMPDIR");
    name_ = "iam_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    path_ = std::string(dir != nullptr ? dir : "/tmp") + "/" + name_ + ".db";
  }
  ~TempDbPath() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  TempDbPath(const TempDbPath&) = delete;
  TempDbPath& operator=(const TempDbPath&) = delete;
  const std::string& path() const { return path_; }
  // A connection string to a fresh schema of the same name on the test
  // PostgreSQL server, made on first use; "" (and a test failure) without one.
  const std::string& postgres_url() const {
    if (schema_ == nullptr) schema_ = std::make_unique<testing::TempPgSchema>(name_);
    return schema_->url();
  }

 private:
  std::string name_;
  std::string path_;
  mutable std::unique_ptr<testing::TempPgSchema> schema_;
};

inline std::unique_ptr<Store> MakeStore(StoreKind kind, const TempDbPath& db) {
  if (kind == StoreKind::kMemory) return std::make_unique<MemoryStore>();
  if (kind == StoreKind::kPostgres) {
    if (db.postgres_url().empty()) return std::make_unique<MemoryStore>();  // failure recorded
    auto pg = PostgresStore::Open(db.postgres_url());
    EXPECT_TRUE(pg.ok()) << pg.status();
    if (!pg.ok()) return std::make_unique<MemoryStore>();
    return std::move(*pg);
  }
  auto opened = SqliteStore::Open(db.path());
  EXPECT_TRUE(opened.ok()) << opened.status();
  if (!opened.ok()) return std::make_unique<MemoryStore>();
  return std::move(*opened);
}

}  // namespace iam

#endif  // IAM_TESTS_STORE_PARAM_H_
