// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Runs a suite against every shipped store: a fresh MemoryStore, or a fresh
// SQLite file at a temporary path. Declare the TempDbPath member before the
// store so the file outlives the store and is removed after it.
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

// A unique database path under $TMPDIR; the file, WAL and shared memory are
// removed on destruction.
class TempDbPath {
 public:
  TempDbPath() {
    static std::atomic<int> counter{0};
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr ? dir : "/tmp") + "/iam_test_" + std::to_string(::getpid()) +
            "_" + std::to_string(counter++) + ".db";
  }
  ~TempDbPath() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  TempDbPath(const TempDbPath&) = delete;
  TempDbPath& operator=(const TempDbPath&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::unique_ptr<Store> MakeStore(StoreKind kind, const TempDbPath& db) {
  if (kind == StoreKind::kMemory) return std::make_unique<MemoryStore>();
  auto opened = SqliteStore::Open(db.path());
  EXPECT_TRUE(opened.ok()) << opened.status();
  if (!opened.ok()) return std::make_unique<MemoryStore>();
  return std::move(*opened);
}

}  // namespace iam

#endif  // IAM_TESTS_STORE_PARAM_H_
