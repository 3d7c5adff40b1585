// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// OpenStore opens the store a location names, for every surface that takes
// one (C++, the C ABI, Python, iamctl --db): a PostgreSQL connection string
// opens a PostgresStore, anything else is the path of a SQLite file.
//
//   auto store = iam::OpenStore("postgresql://iam@db/iam");   // or "/var/lib/iam/iam.db"
//
// A PostgreSQL connection string is a postgresql:// or postgres:// URL, or a
// libpq keyword string (it starts with `keyword=`, e.g. "host=db dbname=iam").
// A SQLite file whose name starts like one is opened as "./name".
#ifndef IAM_OPEN_STORE_H_
#define IAM_OPEN_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/export.h"
#include "iam/postgres_store.h"
#include "iam/sqlite_store.h"
#include "iam/store.h"

namespace iam {

struct StoreOptions {
  SqliteOptions sqlite;
  PostgresOptions postgres;
};

// True when `location` is a PostgreSQL connection string.
IAM_EXPORT bool IsPostgresLocation(absl::string_view location);

// The errors of SqliteStore::Open or PostgresStore::Open.
IAM_EXPORT absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                            const StoreOptions& options = {});

}  // namespace iam

#endif  // IAM_OPEN_STORE_H_
