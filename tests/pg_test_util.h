// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The PostgreSQL server the suites run against: the one the test command
// starts (scripts/pg_cluster.sh) and names in IAM_TEST_PG_URL. Without it a
// PostgreSQL test fails, loudly: it never passes by skipping. Each store under
// test gets a schema of its own (search_path in the connection string), so
// suites and tests running side by side share the server, not the tables.
#ifndef IAM_TESTS_PG_TEST_UTIL_H_
#define IAM_TESTS_PG_TEST_UTIL_H_

#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace iam::testing {

// IAM_TEST_PG_URL, or "" after recording a test failure that says how to get
// a server.
inline std::string PgServerUrl() {
  const char* url = std::getenv("IAM_TEST_PG_URL");
  if (url != nullptr && *url != '\0') return url;
  ADD_FAILURE() << "IAM_TEST_PG_URL is not set: the PostgreSQL tests need a server. Run them "
                   "through scripts/test.sh, or start one with scripts/pg_cluster.sh start and "
                   "export IAM_TEST_PG_URL=$PG_URL";
  return "";
}

// Runs `sql` (no parameters) on `url`; a failure is recorded and returned.
inline bool PgExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  if (!ok) {
    ADD_FAILURE() << "cannot connect to " << url << ": " << PQerrorMessage(conn);
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // DROP ... CASCADE lists every table
    PGresult* res = PQexec(conn, sql.c_str());
    ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(res);
    PQclear(res);
  }
  PQfinish(conn);
  return ok;
}

// `url` with `schema` first on the search path (a URL or a keyword string).
inline std::string WithSearchPath(absl::string_view url, absl::string_view schema) {
  if (absl::StartsWith(url, "postgres")) {
    return absl::StrCat(url, url.find('?') == absl::string_view::npos ? "?" : "&",
                        "options=-csearch_path%3D", schema);
  }
  return absl::StrCat(url, " options='-csearch_path=", schema, "'");
}

// A fresh, empty schema, dropped with everything in it on destruction.
class TempPgSchema {
 public:
  explicit TempPgSchema(std::string name) : name_(std::move(name)), server_(PgServerUrl()) {
    if (server_.empty()) return;
    if (PgExec(server_,
               absl::StrCat("DROP SCHEMA IF EXISTS ", name_, " CASCADE; CREATE SCHEMA ", name_))) {
      url_ = WithSearchPath(server_, name_);
    }
  }
  ~TempPgSchema() {
    if (!url_.empty()) PgExec(server_, absl::StrCat("DROP SCHEMA IF EXISTS ", name_, " CASCADE"));
  }
  TempPgSchema(const TempPgSchema&) = delete;
  TempPgSchema& operator=(const TempPgSchema&) = delete;

  // "" when the schema could not be made (a failure is recorded).
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string server_;
  std::string url_;
};

}  // namespace iam::testing

#endif  // IAM_TESTS_PG_TEST_UTIL_H_
