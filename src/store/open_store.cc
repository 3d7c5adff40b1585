// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/open_store.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace iam {

bool IsPostgresLocation(absl::string_view location) {
  if (absl::StartsWith(location, "postgresql://") || absl::StartsWith(location, "postgres://")) {
    return true;
  }
  // A libpq keyword string: `keyword =` first, the keyword in [a-z_].
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(location);
  size_t n = 0;
  while (n < rest.size() && (absl::ascii_islower(rest[n]) || rest[n] == '_')) ++n;
  if (n == 0) return false;
  rest = absl::StripLeadingAsciiWhitespace(rest.substr(n));
  return !rest.empty() && rest.front() == '=';
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                 const StoreOptions& options) {
  if (IsPostgresLocation(location)) {
    absl::StatusOr<std::unique_ptr<PostgresStore>> pg =
        PostgresStore::Open(location, options.postgres);
    if (!pg.ok()) return pg.status();
    return std::unique_ptr<Store>(std::move(*pg));
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> sqlite = SqliteStore::Open(location, options.sqlite);
  if (!sqlite.ok()) return sqlite.status();
  return std::unique_ptr<Store>(std::move(*sqlite));
}

}  // namespace iam
