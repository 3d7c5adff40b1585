// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Bulk import: users from a CSV or JSON Lines file (or text) created through
// the engine in atomic batches, resumable, with a per-row account of what
// happened.
//
//   iam::ImportOptions options;
//   options.tenant = "d78cbac186b744899480f25bd02";
//   options.on_error = [](const iam::ImportRowError& e) { ... };
//   options.on_secret = [](const iam::ImportedSecret& s) { ... };   // once each
//   absl::StatusOr<iam::ImportSummary> done = iam::ImportUsers(engine, "users.csv", options);
//
// Rows. JSON Lines: one object per line with create-user's keys (as
// `iamctl batch-create-users` reads them): username, display_name, email,
// phone_region, phone, groups (ids or names), ous, primary_ou, policies,
// custom_fields ({"name": "value"}), password_mode (none, manual, generated,
// login_link, imported_hash), password, password_hash, access_key, notify,
// require_password_reset... CSV (RFC 4180, UTF-8 with or without a BOM): a
// header row naming the same keys; a custom field is a column
// "custom_fields.NAME"; lists are separated by ';'; flags are true/false (or
// 1/0, yes/no); an empty cell is an absent key. An unknown column fails the
// import before any row is read. A row's password_hash implies password_mode
// imported_hash.
//
// Resuming. Each row's client token is derived from the file's content
// (BLAKE2b), the tenant and the row number, so running the same file again
// (after Ctrl-C, SIGKILL or a crash) replays the rows already created
// (already_present) and creates the rest: nothing twice, no gap. A resume must
// come within the engine's idempotency window (24 h by default).
//
// Thread-safety: ImportUsers may run while the engine serves other calls; the
// callbacks run on the calling thread.
#ifndef IAM_IMPORT_H_
#define IAM_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/authorizer.h"
#include "iam/engine.h"
#include "iam/export.h"
#include "iam/secret.h"
#include "nlohmann/json.hpp"

namespace iam {

enum class ImportFormat : uint8_t {
  kAuto,  // by the file's extension (.csv; .jsonl, .ndjson, .json), else its first byte
  kCsv,
  kJsonLines,
};

struct ImportProgress {
  int64_t rows_done = 0;
  int64_t rows_total = 0;  // counted before the first row is created
  int64_t created = 0;
  int64_t already_present = 0;  // created by an earlier run of the same file
  int64_t failed = 0;
  absl::Duration elapsed;
};

// A row that was not created, and why; `field` names the column (or key).
struct ImportRowError {
  int64_t row = 0;  // 1 = the first data row (CSV: after the header)
  std::string username;
  std::string field;
  std::string reason;
  std::string message;
};

// What a created row returns once: a generated password, an access key.
struct ImportedSecret {
  int64_t row = 0;
  std::string username;
  std::string user_id;
  Secret password;
  std::string access_key_id;
  Secret access_key_secret;
};

struct ImportSummary {
  int64_t rows = 0;
  int64_t created = 0;
  int64_t already_present = 0;
  int64_t failed = 0;
  absl::Duration elapsed;
  std::string source_id;  // hex BLAKE2b of the content: a resume has the same
};

struct ImportOptions {
  Principal caller;
  std::string tenant;
  ImportFormat format = ImportFormat::kAuto;
  int jobs = 0;        // Argon2id threads; 0 = the machine's cores
  int batch_size = 0;  // users per commit; 0 = the engine's max_batch
  // false: a row asking for a generated password or an access key is a row
  // error ("import.secret_unreturned") instead of a user whose secret nobody
  // receives (set it when on_secret has nowhere to put them); one an earlier
  // run created counts as already present.
  bool secrets_wanted = true;
  // Each runs on the calling thread: progress after every committed batch
  // (and once at the end), on_error per failed row, on_secret per row with a
  // secret (WARNING: write it where it belongs, then let it go).
  std::function<void(const ImportProgress&)> progress;
  std::function<void(const ImportRowError&)> on_error;
  std::function<void(ImportedSecret&&)> on_secret;
};

// Imports the file at `path`, streaming: memory does not grow with its size.
// Row problems are reported through on_error and counted; the status fails
// only for the import as a whole (unreadable file, unknown CSV column, a store
// that stopped answering: then rerun the same file to resume).
IAM_EXPORT absl::StatusOr<ImportSummary> ImportUsers(Engine& engine, const std::string& path,
                                                     const ImportOptions& options);
// The same from text in memory (format kAuto reads the first byte).
IAM_EXPORT absl::StatusOr<ImportSummary> ImportUsersFromText(Engine& engine, absl::string_view text,
                                                             const ImportOptions& options);

// One user object with create-user's keys, read key by key: a misspelt key or
// a value of the wrong JSON type is refused with its path ("PATH.KEY"). The
// password values are wiped from `user` as they are read.
IAM_EXPORT absl::StatusOr<CreateUserRequest> CreateRequestFromJson(nlohmann::json& user,
                                                                   const std::string& path,
                                                                   const std::string& tenant);
// A batch of users, as iamctl batch-create-users reads its file and
// POST /v3.0/OS-USER/users/batch its body: {"users": [user, ...]} or the
// bare array, each user read by CreateRequestFromJson ("users[I]"). Another
// key beside "users" is refused by name (batch.unknown_field), a document
// with no array of users as `field` (batch.invalid).
IAM_EXPORT absl::StatusOr<std::vector<CreateUserRequest>> BatchRequestsFromJson(
    nlohmann::json& batch, const std::string& field, const std::string& tenant);

}  // namespace iam

#endif  // IAM_IMPORT_H_
