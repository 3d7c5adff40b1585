// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The import loop: count and fingerprint the input (first pass), then read
// rows into batches of create requests with derived client tokens, commit
// each batch through the engine, and account for every row.
#include <sodium.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/import.h"
#include "import/csv_reader.h"
#include "import/user_row.h"

namespace iam {
namespace {

using internal::CsvReader;
using internal::KeyType;

// What is no row: a blank JSON Lines line, a CSV record of one empty cell.
// The census and the sources count alike by these.
bool BlankLine(absl::string_view line) { return absl::StripAsciiWhitespace(line).empty(); }
bool BlankRecord(const std::vector<std::string>& cells) {
  return cells.size() == 1 && cells[0].empty();
}

struct Row {
  int64_t number = 0;
  nlohmann::json object;
  absl::Status error;  // the row could not be read
};

// Rows of one input, as create-user objects.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The next row; false at the end. A failed status ends the import.
  virtual absl::StatusOr<bool> Next(Row* row) = 0;
};

class JsonLinesSource : public RowSource {
 public:
  explicit JsonLinesSource(std::istream& in) : in_(in) {}
  absl::StatusOr<bool> Next(Row* row) override {
    std::string line;
    while (std::getline(in_, line)) {
      ++line_;
      if (BlankLine(line)) continue;
      row->number = line_;
      row->error = absl::OkStatus();
      row->object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      WipeString(line);  // it may hold a password
      if (row->object.is_discarded() || !row->object.is_object()) {
        row->error = InvalidField("", "import.malformed_row", "not a JSON object");
      }
      return true;
    }
    return false;
  }

 private:
  std::istream& in_;
  int64_t line_ = 0;
};

absl::StatusOr<bool> ParseFlag(const std::string& text, const std::string& column) {
  const std::string v = absl::AsciiStrToLower(text);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return InvalidField(column, "batch.invalid_type", absl::StrCat(column, ": true or false"));
}

class CsvSource : public RowSource {
 public:
  explicit CsvSource(std::istream& in) : reader_(in) {}

  // Reads and checks the header row.
  absl::Status Start() {
    absl::StatusOr<bool> any = reader_.Next(&header_);
    if (!any.ok()) return any.status();
    if (!*any) return InvalidField("file", "import.empty", "file: no header row");
    types_.clear();
    for (size_t i = 0; i < header_.size(); ++i) {
      std::string& name = header_[i];
      name = std::string(absl::StripAsciiWhitespace(name));
      const KeyType type = internal::CreateKeyType(name);
      if (type == KeyType::kUnknown) {
        return InvalidField(
            "header", "import.unknown_column",
            absl::StrCat("header: column ", i + 1, " \"", name, "\" is not a create-user key"));
      }
      types_.push_back(type);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Next(Row* row) override {
    std::vector<std::string> cells;
    while (true) {
      absl::StatusOr<bool> any = reader_.Next(&cells);
      if (!any.ok() || !*any) return any;
      if (!BlankRecord(cells)) break;
    }
    row->number = ++record_;
    row->error = absl::OkStatus();
    row->object = nlohmann::json::object();
    if (cells.size() != header_.size()) {
      row->error =
          InvalidField("", "import.malformed_row",
                       absl::StrCat(cells.size(), " cells where the header has ", header_.size()));
    }
    for (size_t i = 0; i < cells.size() && i < header_.size() && row->error.ok(); ++i) {
      if (cells[i].empty()) continue;
      const std::string& column = header_[i];
      switch (types_[i]) {
        case KeyType::kText:
          row->object[column] = cells[i];
          break;
        case KeyType::kFlag: {
          absl::StatusOr<bool> flag = ParseFlag(cells[i], column);
          if (flag.ok()) {
            row->object[column] = *flag;
          } else {
            row->error = flag.status();
          }
          break;
        }
        case KeyType::kList: {
          nlohmann::json list = nlohmann::json::array();
          for (absl::string_view item : absl::StrSplit(cells[i], ';', absl::SkipWhitespace())) {
            list.push_back(std::string(absl::StripAsciiWhitespace(item)));
          }
          row->object[column] = std::move(list);
          break;
        }
        case KeyType::kCustomField:
          row->object["custom_fields"][column.substr(column.find('.') + 1)] = cells[i];
          break;
        case KeyType::kUnknown:
          break;
      }
    }
    for (std::string& cell : cells) WipeString(cell);  // passwords among them
    return true;
  }

 private:
  CsvReader reader_;
  std::vector<std::string> header_;
  std::vector<KeyType> types_;
  int64_t record_ = 0;
};

ImportFormat Detect(ImportFormat format, const std::string& path, std::istream& in) {
  if (format != ImportFormat::kAuto) return format;
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".csv")) return ImportFormat::kCsv;
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson") ||
      absl::EndsWith(lower, ".json")) {
    return ImportFormat::kJsonLines;
  }
  // Skips a byte order mark and blank space, then looks: '{' is JSON.
  std::streambuf* buf = in.rdbuf();
  std::string skipped;
  int c;
  while ((c = buf->sgetc()) != EOF && (c == 0xEF || c == 0xBB || c == 0xBF ||
                                       absl::ascii_isspace(static_cast<unsigned char>(c)))) {
    skipped.push_back(static_cast<char>(buf->sbumpc()));
  }
  for (auto it = skipped.rbegin(); it != skipped.rend(); ++it) buf->sputbackc(*it);
  return c == '{' ? ImportFormat::kJsonLines : ImportFormat::kCsv;
}

// The input's identity (hex BLAKE2b-128 of its bytes) and its row count, in a
// first pass; the stream is rewound after.
struct Census {
  std::string source_id;
  int64_t rows = 0;
};

absl::StatusOr<Census> TakeCensus(std::istream& in, ImportFormat format) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 16);
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(chunk),
                              static_cast<size_t>(in.gcount()));
  }
  sodium_memzero(chunk, sizeof chunk);
  unsigned char digest[16];
  crypto_generichash_final(&state, digest, sizeof digest);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  Census census{hex, 0};
  in.clear();
  in.seekg(0);
  if (format == ImportFormat::kCsv) {
    CsvReader reader(in);
    std::vector<std::string> cells;
    bool header = true;
    while (true) {
      absl::StatusOr<bool> any = reader.Next(&cells);
      if (!any.ok()) return any.status();
      if (!*any) break;
      if (BlankRecord(cells)) continue;
      if (!header) ++census.rows;
      header = false;
      for (std::string& cell : cells) WipeString(cell);
    }
  } else {
    std::string line;
    while (std::getline(in, line)) {
      if (!BlankLine(line)) ++census.rows;
      WipeString(line);
    }
  }
  in.clear();
  in.seekg(0);
  return census;
}

// "imp-" and 40 hex digits: BLAKE2b-160 of the source, tenant and row.
std::string RowToken(const std::string& source_id, const std::string& tenant, int64_t row) {
  const std::string text = absl::StrCat(source_id, "\x1f", tenant, "\x1f", row);
  unsigned char digest[20];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return absl::StrCat("imp-", hex);
}

class Importer {
 public:
  Importer(Engine& engine, const ImportOptions& options, std::string source_id, int64_t total)
      : engine_(engine), options_(options), start_(absl::Now()) {
    summary_.source_id = std::move(source_id);
    progress_.rows_total = total;
    jobs_ = options.jobs > 0 ? options.jobs
                             : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    batch_size_ = options.batch_size > 0 ? std::min(options.batch_size, engine.max_batch())
                                         : engine.max_batch();
  }

  absl::StatusOr<ImportSummary> Run(RowSource& source) {
    Row row;
    while (true) {
      absl::StatusOr<bool> more = source.Next(&row);
      if (!more.ok()) return more.status();
      if (!*more) break;
      ++summary_.rows;
      Add(row);
      if (static_cast<int>(requests_.size()) >= batch_size_) IAM_RETURN_IF_ERROR(Flush());
    }
    IAM_RETURN_IF_ERROR(Flush());  // reports the last progress
    summary_.elapsed = absl::Now() - start_;
    return summary_;
  }

 private:
  void Add(Row& row) {
    std::string username;
    if (row.object.is_object() && row.object.contains("username") &&
        row.object["username"].is_string()) {
      username = row.object["username"].get<std::string>();
    }
    if (!row.error.ok()) return Fail(row.number, username, row.error);
    absl::StatusOr<CreateUserRequest> r = CreateRequestFromJson(row.object, "", options_.tenant);
    if (!r.ok()) return Fail(row.number, username, r.status());
    if (r->tenant != options_.tenant) {
      return Fail(row.number, username,
                  InvalidField("tenant", "import.other_tenant",
                               "tenant: a row may only name the tenant imported into"));
    }
    r->caller = options_.caller;
    r->client_token = RowToken(summary_.source_id, options_.tenant, row.number);
    if (!options_.secrets_wanted &&
        (r->access_key || r->password_mode == PasswordMode::kGenerated)) {
      // Created by an earlier run (its secret went where that run put it)?
      absl::StatusOr<std::optional<CreateUserResult>> earlier = engine_.FindReplay(*r);
      if (earlier.ok() && earlier->has_value()) {
        ++summary_.already_present;
        return;
      }
      const char* field = r->access_key ? "access_key" : "password_mode";
      return Fail(row.number, username,
                  InvalidField(field, "import.secret_unreturned",
                               absl::StrCat(field,
                                            ": its secret would reach nobody; import it with a "
                                            "secrets file")));
    }
    requests_.push_back(std::move(*r));
    rows_.push_back(row.number);
  }

  void Fail(int64_t row, const std::string& username, const absl::Status& s) {
    ++summary_.failed;
    if (options_.on_error) {
      options_.on_error({row, username, ErrorField(s), ErrorReason(s), std::string(s.message())});
    }
  }

  void Created(size_t i, CreateUserResult& result) {
    if (result.replayed) {
      ++summary_.already_present;
      return;
    }
    ++summary_.created;
    const bool key = result.access_key.has_value() && !result.access_key->secret.empty();
    if (!options_.on_secret || (result.generated_password.empty() && !key)) return;
    ImportedSecret secret;
    secret.row = rows_[i];
    secret.username = result.user.username;
    secret.user_id = result.user.id;
    secret.password = std::move(result.generated_password);
    if (key) {
      secret.access_key_id = result.access_key->id;
      secret.access_key_secret = std::move(result.access_key->secret);
    }
    options_.on_secret(std::move(secret));
  }

  // Whether a failed commit is about these rows (then each is tried alone)
  // rather than the store (then the import stops, to be resumed).
  static bool RowLevel(const absl::Status& s) {
    return absl::IsAlreadyExists(s) || absl::IsAborted(s) || absl::IsUnimplemented(s) ||
           absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s) || absl::IsNotFound(s) ||
           absl::IsPermissionDenied(s);
  }

  absl::Status Flush() {
    while (!requests_.empty()) {
      absl::StatusOr<BatchCreateResult> result =
          engine_.BatchCreateUsers(requests_, BatchCreateOptions{jobs_});
      if (!result.ok()) {
        if (!RowLevel(result.status())) return result.status();
        IAM_RETURN_IF_ERROR(OneByOne());
        break;
      }
      if (result->committed) {
        for (size_t i = 0; i < result->items.size(); ++i) Created(i, *result->items[i]);
        Clear();
        break;
      }
      // Drop the rows that failed themselves; the rest go again.
      size_t kept = 0;
      for (size_t i = 0; i < result->items.size(); ++i) {
        const auto& item = result->items[i];
        if (!item.ok() && ErrorReason(item.status()) != "batch.aborted") {
          Fail(rows_[i], requests_[i].username, item.status());
          continue;
        }
        if (kept != i) {  // a self-move would empty the request
          requests_[kept] = std::move(requests_[i]);
          rows_[kept] = rows_[i];
        }
        ++kept;
      }
      if (kept == requests_.size()) return OneByOne();  // nothing to drop
      requests_.resize(kept);
      rows_.resize(kept);
    }
    Report();
    return absl::OkStatus();
  }

  absl::Status OneByOne() {
    for (size_t i = 0; i < requests_.size(); ++i) {
      absl::StatusOr<CreateUserResult> one = engine_.CreateUser(requests_[i]);
      if (one.ok()) {
        Created(i, *one);
      } else if (RowLevel(one.status())) {
        Fail(rows_[i], requests_[i].username, one.status());
      } else {
        return one.status();
      }
    }
    Clear();
    return absl::OkStatus();
  }

  void Clear() {
    requests_.clear();
    rows_.clear();
  }

  void Report() {
    if (!options_.progress) return;
    progress_.rows_done = summary_.created + summary_.already_present + summary_.failed;
    progress_.created = summary_.created;
    progress_.already_present = summary_.already_present;
    progress_.failed = summary_.failed;
    progress_.elapsed = absl::Now() - start_;
    options_.progress(progress_);
  }

  Engine& engine_;
  const ImportOptions& options_;
  const absl::Time start_;
  int jobs_ = 1;
  int batch_size_ = 1;
  ImportSummary summary_;
  ImportProgress progress_;
  std::vector<CreateUserRequest> requests_;
  std::vector<int64_t> rows_;
};

absl::StatusOr<ImportSummary> ImportStream(Engine& engine, std::istream& in,
                                           const std::string& path, const ImportOptions& options) {
  if (options.tenant.empty()) return InvalidField("tenant", "tenant.required", "tenant: required");
  const ImportFormat format = Detect(options.format, path, in);
  absl::StatusOr<Census> census = TakeCensus(in, format);
  if (!census.ok()) return census.status();
  Importer importer(engine, options, census->source_id, census->rows);
  if (format == ImportFormat::kCsv) {
    CsvSource source(in);
    IAM_RETURN_IF_ERROR(source.Start());
    return importer.Run(source);
  }
  JsonLinesSource source(in);
  return importer.Run(source);
}

}  // namespace

absl::StatusOr<ImportSummary> ImportUsers(Engine& engine, const std::string& path,
                                          const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(absl::StatusCode::kNotFound, "file", "file.not_found",
                     absl::StrCat("file: cannot open ", path));
  }
  return ImportStream(engine, in, path, options);
}

absl::StatusOr<ImportSummary> ImportUsersFromText(Engine& engine, absl::string_view text,
                                                  const ImportOptions& options) {
  std::istringstream in{std::string(text)};
  return ImportStream(engine, in, "", options);
}

}  // namespace iam
