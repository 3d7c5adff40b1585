// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Bulk import: the CSV reader, rows of every kind good and bad, foreign
// hashes logging in, secrets returned once, and resuming after the store
// stopped mid-way (nothing twice, no gap).
#include "iam/import.h"

#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "faulty_store.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/memory_store.h"
#include "import/csv_reader.h"
#include "imported_hash_vectors.h"
#include "store_param.h"

namespace iam {
namespace {

std::vector<std::vector<std::string>> ReadCsv(const std::string& text) {
  std::istringstream in(text);
  internal::CsvReader reader(in);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&fields);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    records.push_back(fields);
  }
  return records;
}

// The batch document iamctl batch-create-users reads and the console's
// POST /v3.0/OS-USER/users/batch takes.
TEST(BatchRequestsFromJson, ReadsTheObjectOrTheArrayAndNamesWhatIsWrong) {
  nlohmann::json object = {{"users", {{{"username", "u.one"}}, {{"username", "u.two"}}}}};
  auto read = BatchRequestsFromJson(object, "file", "t1");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[1].username, "u.two");
  EXPECT_EQ((*read)[1].tenant, "t1");

  nlohmann::json array = {{{"username", "u.one"}}};
  read = BatchRequestsFromJson(array, "file", "t1");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->size(), 1u);

  const auto error_of = [](nlohmann::json doc, const std::string& field) {
    auto r = BatchRequestsFromJson(doc, field, "t1");
    EXPECT_FALSE(r.ok());
    return ErrorField(r.status()) + " " + ErrorReason(r.status());
  };
  EXPECT_EQ(error_of({{"users", nlohmann::json::array()}, {"extra", 1}}, "file"),
            "extra batch.unknown_field");
  EXPECT_EQ(error_of({{"user", nlohmann::json::array()}}, "body"), "body batch.invalid");
  EXPECT_EQ(error_of("users", "file"), "file batch.invalid");
  EXPECT_EQ(error_of({{"users", {{{"username", "u.one"}}, {{"usernme", "u.two"}}}}}, "file"),
            "users[1].usernme batch.unknown_field");
}

TEST(CsvReader, ReadsRfc4180) {
  using Records = std::vector<std::vector<std::string>>;
  EXPECT_EQ(ReadCsv("a,b\r\n1,2\r\n"), (Records{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadCsv("\xEF\xBB\xBF"
                    "a,b\n1,2"),
            (Records{{"a", "b"}, {"1", "2"}}));  // BOM, no final line break
  EXPECT_EQ(ReadCsv("\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"),
            (Records{{"x, y", "say \"hi\"", "two\nlines"}}));
  EXPECT_EQ(ReadCsv(",\n\"\",\n"), (Records{{"", ""}, {"", ""}}));
  EXPECT_EQ(ReadCsv("\xE5\xBC\xA0\xE4\xB8\x89,b\n"), (Records{{"\xE5\xBC\xA0\xE4\xB8\x89", "b"}}));
  for (const char* bad : {"\"open,1\n", "\"closed\"tail,1\n"}) {
    std::istringstream in(bad);
    internal::CsvReader reader(in);
    std::vector<std::string> fields;
    absl::StatusOr<bool> got = reader.Next(&fields);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(ErrorReason(got.status()), "import.malformed_csv");
  }
}

class ImportTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  static EngineOptions Options() {
    EngineOptions o;
    o.authorizer = AllowAllAuthorizer();
    o.profile = FindProfile("huawei");
    o.argon2 = Argon2Params::ForTests();
    o.host_key = std::string(32, 'k');
    return o;
  }
  void SetUp() override {
    engine_ = std::make_unique<Engine>(Options(), store_.get());
    DirectoryEntry group;
    group.kind = EntryKind::kGroup;
    group.tenant = "t1";
    group.name = "developers";
    ASSERT_TRUE(engine_->CreateEntry({}, group).ok());
    DirectoryEntry field;
    field.kind = EntryKind::kCustomField;
    field.tenant = "t1";
    field.name = "department";
    field.field_type = "string";
    field.max_length = 32;
    ASSERT_TRUE(engine_->CreateEntry({}, field).ok());
  }
  // Runs an import collecting errors and secrets.
  absl::StatusOr<ImportSummary> Import(Engine& engine, const std::string& text, int batch = 0) {
    ImportOptions o;
    o.tenant = "t1";
    o.jobs = 2;
    o.batch_size = batch;
    o.on_error = [this](const ImportRowError& e) { errors_[e.row] = e; };
    o.on_secret = [this](ImportedSecret&& s) {
      secrets_.push_back({s.row, s.username, std::string(s.password.view()), s.access_key_id,
                          std::string(s.access_key_secret.view())});
    };
    o.progress = [this](const ImportProgress& p) { progress_.push_back(p); };
    return ImportUsersFromText(engine, text, o);
  }
  int64_t UserCount() {
    ListUsersQuery q;
    q.tenant = "t1";
    q.page_size = 1000;
    auto page = store_->ListUsers(q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? static_cast<int64_t>(page->users.size()) : -1;
  }

  struct Secrets {
    int64_t row;
    std::string username, password, key_id, key_secret;
  };
  TempDbPath db_;
  std::unique_ptr<Store> store_ = MakeStore(GetParam(), db_);
  std::unique_ptr<Engine> engine_;
  std::map<int64_t, ImportRowError> errors_;
  std::vector<Secrets> secrets_;
  std::vector<ImportProgress> progress_;
};

// Every kind of row: good ones of each password mode and option, and bad ones
// failing for the row's own reason, named by column.
const char kCsv[] =
    "\xEF\xBB\xBF"
    "username,email,phone_region,phone,groups,custom_fields.department,password_mode,password,"
    "password_hash,access_key,require_password_reset,display_name\r\n"
    "ann.lee,ann@example.com,,,developers,R&D,generated,,,,,\"Lee, Ann\"\r\n"            // 1
    "ben.ng,,86,13800000001,,,manual,Summer-Breeze7,,false,false,Ben\r\n"                // 2
    "cat.wu,cat@example.com,,,Developers;developers,,login_link,,,,,\r\n"                // 3
    "dan.ho,,,,,,,,$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS,,,\r\n"  // 4
    "eve.li,,,,,,none,,,true,,\r\n"                                                      // 5
    "1bad.user,,,,,,generated,,,,,\r\n"           // 6 username
    "fay.po,not-an-email,,,,,generated,,,,,\r\n"  // 7 email
    "gus.ma,,,,nosuchgroup,,generated,,,,,\r\n"   // 8 groups
    "hal.xu,,,,,,manual,short,,,,\r\n"            // 9 password
    "ivy.qi,,,,,,,,$1$md5$nothing,,,\r\n"         // 10 hash
    "ANN.LEE,,,,,,generated,,,,,\r\n"             // 11 duplicate
    "jon.yu,,,,,,generated,,,maybe,,\r\n"         // 12 flag
    "kim.oh,,,,,,generated,,,,\r\n"               // 13 cells
    "\r\n"                                        // blank
    "lou.ke,,,,,x,generated,,,,,\r\n";            // 14 ok

TEST_P(ImportTest, GoodAndBadRowsOfEveryKind) {
  absl::StatusOr<ImportSummary> done = Import(*engine_, kCsv, 4);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->rows, 14);
  EXPECT_EQ(done->created, 6);
  EXPECT_EQ(done->already_present, 0);
  EXPECT_EQ(done->failed, 8);
  EXPECT_EQ(UserCount(), 6);
  const std::map<int64_t, std::pair<std::string, std::string>> expected = {
      {6, {"username", "username.leading_digit"}},
      {7, {"email", "email.invalid_format"}},
      {8, {"groups[0]", "group.not_found"}},
      {9, {"password", "password.too_short"}},
      {10, {"password_hash", "password_hash.unknown_scheme"}},
      {11, {"username", "username.duplicate"}},
      {12, {"access_key", "batch.invalid_type"}},
      {13, {"", "import.malformed_row"}},
  };
  for (const auto& [row, e] : errors_) {
    EXPECT_TRUE(expected.count(row))
        << row << " " << e.field << " " << e.reason << " " << e.message;
  }
  ASSERT_EQ(errors_.size(), expected.size());
  for (const auto& [row, want] : expected) {
    SCOPED_TRACE(row);
    ASSERT_TRUE(errors_.count(row));
    EXPECT_EQ(errors_[row].field, want.first) << errors_[row].message;
    EXPECT_EQ(errors_[row].reason, want.second) << errors_[row].message;
  }
  EXPECT_EQ(errors_[9].username, "hal.xu");
  // No message echoes a password or a hash.
  for (const auto& [row, e] : errors_) {
    EXPECT_EQ(e.message.find("short"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("md5$nothing"), std::string::npos) << e.message;
  }

  // What the rows asked for.
  auto ann = engine_->GetUser({}, "t1", "ann.lee");
  ASSERT_TRUE(ann.ok());
  EXPECT_EQ(ann->display_name, "Lee, Ann");
  EXPECT_EQ(ann->groups.size(), 1u);
  ASSERT_EQ(ann->custom_fields.size(), 1u);
  EXPECT_EQ(ann->custom_fields.at("department"), "R&D");
  EXPECT_TRUE(ann->password_reset_required);
  auto ben = engine_->GetUser({}, "t1", "ben.ng");
  ASSERT_TRUE(ben.ok());
  EXPECT_FALSE(ben->password_reset_required);
  EXPECT_EQ(engine_->Authenticate("t1", "13800000001", "Summer-Breeze7")->outcome,
            AuthOutcome::kSuccess);
  EXPECT_EQ(engine_->Authenticate("t1", "dan.ho", "Tr0ub4dor&3")->outcome, AuthOutcome::kSuccess);
  EXPECT_TRUE(absl::StartsWith(store_->FindUser("t1", UserKey::kUsername, "dan.ho")->password_hash,
                               "$argon2id$"));

  // Secrets: the generated passwords (rows 1 and 14) and the access key (row
  // 5), each once; each password opens its account.
  ASSERT_EQ(secrets_.size(), 3u);
  for (const Secrets& s : secrets_) {
    if (s.row == 5) {
      EXPECT_EQ(s.username, "eve.li");
      EXPECT_FALSE(s.key_id.empty());
      EXPECT_FALSE(s.key_secret.empty());
      EXPECT_TRUE(s.password.empty());
      EXPECT_TRUE(engine_->VerifyAccessKey(s.key_id, s.key_secret)->valid);
    } else {
      EXPECT_TRUE(s.row == 1 || s.row == 14) << s.row;
      EXPECT_EQ(engine_->Authenticate("t1", s.username, s.password)->outcome,
                AuthOutcome::kResetRequired);
    }
  }
  // Progress came per batch and ends at the total.
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back().rows_total, 14);
  EXPECT_EQ(progress_.back().rows_done, 14);
  for (size_t i = 1; i < progress_.size(); ++i) {
    EXPECT_GE(progress_[i].rows_done, progress_[i - 1].rows_done);
  }

  // The same file again: every good row is already there, no secret comes
  // back, nothing is created.
  errors_.clear();
  secrets_.clear();
  absl::StatusOr<ImportSummary> again = Import(*engine_, kCsv, 4);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->already_present, 6);
  EXPECT_EQ(again->failed, 8);
  EXPECT_TRUE(secrets_.empty());
  EXPECT_EQ(again->source_id, done->source_id);
  EXPECT_EQ(UserCount(), 6);
}

TEST_P(ImportTest, AStoreThatStopsMidwayIsResumedWithNoDuplicateAndNoGap) {
  std::string jsonl;
  for (int i = 0; i < 95; ++i) {
    jsonl += absl::StrCat(R"({"username": "user.)", i, R"(", "password_mode": "generated"})", "\n");
  }
  testing::FaultyStore failing(store_.get());
  failing.FailAfter(3, testing::kStoreFaults[3]);  // three batches of 10 commit
  Engine flaky(Options(), &failing);
  absl::StatusOr<ImportSummary> cut = Import(flaky, jsonl, 10);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(UserCount(), 30);
  EXPECT_EQ(secrets_.size(), 30u);

  absl::StatusOr<ImportSummary> resumed = Import(*engine_, jsonl, 10);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->rows, 95);
  EXPECT_EQ(resumed->already_present, 30);
  EXPECT_EQ(resumed->created, 65);
  EXPECT_EQ(resumed->failed, 0);
  EXPECT_EQ(UserCount(), 95);
  EXPECT_EQ(secrets_.size(), 95u);  // each generated password delivered once
  for (int i = 0; i < 95; ++i) {
    EXPECT_TRUE(engine_->GetUser({}, "t1", absl::StrCat("user.", i)).ok()) << i;
  }
}

TEST_P(ImportTest, EveryForeignHashFormatLogsInAndIsRehashed) {
  std::string jsonl;
  for (size_t i = 0; i < std::size(testing::kVectors); ++i) {
    nlohmann::json row = {{"username", absl::StrCat("user.", i)},
                          {"password_hash", testing::kVectors[i].hash}};
    jsonl += row.dump() + "\n";
  }
  absl::StatusOr<ImportSummary> done = Import(*engine_, jsonl);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->created, static_cast<int64_t>(std::size(testing::kVectors)))
      << (errors_.empty() ? "" : errors_.begin()->second.message);
  for (size_t i = 0; i < std::size(testing::kVectors); ++i) {
    const testing::HashVector& v = testing::kVectors[i];
    const std::string username = absl::StrCat("user.", i);
    SCOPED_TRACE(v.hash);
    EXPECT_EQ(store_->FindUser("t1", UserKey::kUsername, username)->password_hash, v.hash);
    EXPECT_EQ(engine_->Authenticate("t1", username, absl::StrCat(v.password, "!"))->outcome,
              AuthOutcome::kBadCredentials);
    EXPECT_EQ(engine_->Authenticate("t1", username, v.password)->outcome, AuthOutcome::kSuccess);
    EXPECT_TRUE(absl::StartsWith(
        store_->FindUser("t1", UserKey::kUsername, username)->password_hash, "$argon2id$"));
  }
}

TEST_P(ImportTest, AnUnknownColumnStopsTheImportBeforeAnyRow) {
  absl::StatusOr<ImportSummary> done =
      Import(*engine_, "username,emial\nann.lee,ann@example.com\n");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(ErrorReason(done.status()), "import.unknown_column");
  EXPECT_TRUE(absl::StrContains(done.status().message(), "emial"));
  EXPECT_EQ(UserCount(), 0);
  // A row naming another tenant, and a line that is no JSON object.
  absl::StatusOr<ImportSummary> other =
      Import(*engine_, "{\"username\": \"x.y\", \"tenant\": \"t2\"}\n[1]\n");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->failed, 2);
  EXPECT_EQ(errors_[1].reason, "import.other_tenant");
  EXPECT_EQ(errors_[2].reason, "import.malformed_row");
}

INSTANTIATE_TEST_SUITE_P(Stores, ImportTest, AllStoreKinds(), StoreKindName);

}  // namespace
}  // namespace iam
