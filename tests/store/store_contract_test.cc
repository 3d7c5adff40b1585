// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The Store contract (iam/store.h), run against every shipped store: a store
// a host writes should pass the parameterized suite too. The plain TESTs at
// the end cover what only a file-backed store has: reopening, sharing a file,
// schema versions and lock timeouts.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/memory_store.h"
#include "iam/postgres_store.h"
#include "iam/sqlite_store.h"
#include "iam/store.h"
#include "iam/user.h"
#include "pg_test_util.h"

namespace iam {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// ---------------------------------------------------------------------------
// Helpers.

std::string TempDbPath() {
  static std::atomic<int> counter{0};
  return absl::StrCat(::testing::TempDir(), "iam_store_contract_", getpid(), "_", counter++, ".db");
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

// A user with a username (already canonical) and an external id; no email or
// phone unless the test adds them.
UserRecord MakeUser(const std::string& id, const std::string& username,
                    const std::string& tenant = "t1") {
  UserRecord r;
  r.user.id = id;
  r.user.tenant = tenant;
  r.user.username = username;
  r.canonical_username = username;
  r.user.external_id = "ext-" + id;
  r.user.created_at = kNow;
  return r;
}

WriteSet NewUsers(std::vector<UserRecord> users) {
  WriteSet w;
  w.now = kNow;
  w.new_users = std::move(users);
  return w;
}

WriteSet UpdateUser(const UserRecord& r, int64_t expected_version) {
  WriteSet w;
  w.now = kNow;
  w.updated_users.push_back({r, expected_version});
  return w;
}

WriteSet DeleteUser(const std::string& tenant, const std::string& id) {
  WriteSet w;
  w.now = kNow;
  w.tenant = tenant;
  w.deleted_user_ids.push_back(id);
  return w;
}

AccessKeyRecord MakeKey(const std::string& id, const std::string& user_id,
                        const std::string& tenant = "t1") {
  AccessKeyRecord k;
  k.id = id;
  k.tenant = tenant;
  k.user_id = user_id;
  k.sealed_secret = std::string("sealed\0\xff", 8) + id;  // binary
  k.key_id = "host-key-1";
  k.created_at = kNow;
  return k;
}

TokenRecord MakeToken(const std::string& hash, const std::string& user_id) {
  TokenRecord t;
  t.hash = hash;
  t.tenant = "t1";
  t.user_id = user_id;
  t.purpose = TokenPurpose::kPasswordReset;
  t.expires_at = kNow + absl::Hours(24);
  return t;
}

OutboxMessage MakeMessage(const std::string& user_id, absl::Time next_attempt_at) {
  OutboxMessage m;
  m.tenant = "t1";
  m.user_id = user_id;
  m.channel = "email";
  m.recipient = user_id + "@example.com";
  m.kind = "login_link";
  m.sealed_body = std::string("\x01\x00body", 6);
  m.next_attempt_at = next_attempt_at;
  return m;
}

IdempotencyRecord MakeIdempotency(const std::string& token, const std::string& fingerprint,
                                  absl::Time expires_at) {
  IdempotencyRecord r;
  r.tenant = "t1";
  r.client_token = token;
  r.fingerprint = fingerprint;
  r.response = R"({"user":{"id":"u1"}})";
  r.expires_at = expires_at;
  return r;
}

DirectoryEntry MakeEntry(EntryKind kind, const std::string& id, const std::string& name,
                         const std::string& tenant = "t1") {
  DirectoryEntry e;
  e.kind = kind;
  e.tenant = tenant;
  e.id = id;
  e.name = name;
  e.description = "about " + name;
  e.created_at = kNow;
  return e;
}

::testing::AssertionResult IsError(const absl::Status& s, absl::StatusCode code,
                                   const std::string& reason, const std::string& field = "") {
  if (s.code() != code) {
    return ::testing::AssertionFailure()
           << "code: want " << absl::StatusCodeToString(code) << ", got " << s;
  }
  if (ErrorReason(s) != reason) {
    return ::testing::AssertionFailure()
           << "reason: want " << reason << ", got \"" << ErrorReason(s) << "\" (" << s << ")";
  }
  if (!field.empty() && ErrorField(s) != field) {
    return ::testing::AssertionFailure()
           << "field: want " << field << ", got \"" << ErrorField(s) << "\" (" << s << ")";
  }
  return ::testing::AssertionSuccess();
}

void ExpectSameUser(const UserRecord& want, const UserRecord& got) {
  const User& a = want.user;
  const User& b = got.user;
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.username, b.username);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.email_verified, b.email_verified);
  EXPECT_EQ(a.phone_region, b.phone_region);
  EXPECT_EQ(a.phone, b.phone);
  EXPECT_EQ(a.phone_verified, b.phone_verified);
  EXPECT_EQ(a.external_id, b.external_id);
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.default_project_id, b.default_project_id);
  EXPECT_EQ(a.primary_ou, b.primary_ou);
  EXPECT_EQ(a.ous, b.ous);
  EXPECT_EQ(a.groups, b.groups);
  EXPECT_EQ(a.custom_fields, b.custom_fields);
  EXPECT_EQ(a.policies, b.policies);
  EXPECT_EQ(a.console_access, b.console_access);
  EXPECT_EQ(a.password_reset_required, b.password_reset_required);
  EXPECT_EQ(a.sms_login_verification, b.sms_login_verification);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.password_changed_at, b.password_changed_at);
  EXPECT_EQ(a.password_expires_at, b.password_expires_at);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(want.canonical_username, got.canonical_username);
  EXPECT_EQ(want.canonical_email, got.canonical_email);
  EXPECT_EQ(want.password_hash, got.password_hash);
  EXPECT_EQ(want.password_history, got.password_history);
  EXPECT_EQ(want.failed_logins, got.failed_logins);
  EXPECT_EQ(want.locked_until, got.locked_until);
}

std::vector<std::string> Usernames(const ListUsersPage& page) {
  std::vector<std::string> out;
  for (const UserRecord& r : page.users) out.push_back(r.canonical_username);
  return out;
}

std::vector<std::string> Names(const std::vector<DirectoryEntry>& entries) {
  std::vector<std::string> out;
  for (const DirectoryEntry& e : entries) out.push_back(e.name);
  return out;
}

// ---------------------------------------------------------------------------
// The stores under test.

// A store kind, given a unique temporary name per test (a path for SQLite, a
// schema for PostgreSQL), and how to remove what it left.
struct StoreFactory {
  const char* name;
  std::unique_ptr<Store> (*make)(const std::string& path);
  void (*remove)(const std::string& path);
};

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

std::unique_ptr<Store> MakeMemoryStore(const std::string&) {
  return std::make_unique<MemoryStore>();
}

std::unique_ptr<Store> MakeSqliteStore(const std::string& path) {
  SqliteOptions options;
  options.durable = false;  // temp files: crash safety is not under test here
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  return *std::move(store);
}

// The schema a PostgreSQL store of this test gets: the path's file name.
std::string SchemaFor(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  name = name.substr(0, name.find('.'));
  return name;
}

// The schemas of the PostgreSQL stores alive, by path.
std::map<std::string, std::unique_ptr<testing::TempPgSchema>>& PgSchemas() {
  static auto* schemas = new std::map<std::string, std::unique_ptr<testing::TempPgSchema>>;
  return *schemas;
}

std::unique_ptr<Store> MakePostgresStore(const std::string& path) {
  auto& schema = PgSchemas()[path];
  schema = std::make_unique<testing::TempPgSchema>(SchemaFor(path));
  if (schema->url().empty()) return nullptr;  // the failure is recorded
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(schema->url());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  return *std::move(store);
}

void RemoveSchema(const std::string& path) { PgSchemas().erase(path); }
void RemoveNothing(const std::string&) {}

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    path_ = TempDbPath();
    store_ = GetParam().make(path_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    GetParam().remove(path_);
  }

  Store& store() { return *store_; }

  // Commits one new user; the test fails if that does not work.
  void Add(const UserRecord& r) { ASSERT_TRUE(store().Commit(NewUsers({r})).ok()); }

  bool Exists(const std::string& tenant, const std::string& id) {
    return store().FindUser(tenant, UserKey::kId, id).ok();
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

// ---------------------------------------------------------------------------
// Users: commit and find.

TEST_P(StoreContractTest, CommitThenFindByEveryKey) {
  UserRecord r = MakeUser("u1", "alice");
  r.user.username = "Alice";
  r.user.display_name = "Alice Liddell";
  r.user.description = "test user";
  r.user.email = "Alice@Example.com";
  r.canonical_email = "alice@example.com";
  r.user.email_verified = true;
  r.user.phone_region = "86";
  r.user.phone = "13800000000";
  r.user.external_id = "emp-001";
  r.user.enabled = false;
  r.user.default_project_id = "proj-1";
  r.user.primary_ou = "ou-1";
  r.user.ous = {"ou-3", "ou-2"};
  r.user.groups = {"g-2", "g-1"};
  r.user.custom_fields = {
      {"dept", "R&D"}, {"level", "7"}, {"nick", "\xe7\x88\xb1\xe4\xb8\xbd\xe4\xb8\x9d"}};
  r.user.policies = {"ReadOnlyAccess", "AdministratorAccess"};
  r.user.console_access = true;
  r.user.password_reset_required = true;
  r.user.sms_login_verification = true;
  r.user.created_at = kNow + absl::Nanoseconds(123);
  r.user.password_changed_at = kNow;
  r.user.password_expires_at = absl::InfiniteFuture();
  r.user.version = 1;
  r.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  r.password_history = {"$argon2id$old2", "$argon2id$old1"};
  r.failed_logins = 2;
  r.locked_until = absl::InfinitePast();
  ASSERT_TRUE(store().Commit(NewUsers({r})).ok());

  const std::pair<UserKey, std::string> lookups[] = {
      {UserKey::kId, "u1"},
      {UserKey::kUsername, "alice"},
      {UserKey::kEmail, "alice@example.com"},
      {UserKey::kPhone, "+8613800000000"},
      {UserKey::kExternalId, "emp-001"},
  };
  for (const auto& [key, value] : lookups) {
    SCOPED_TRACE(value);
    absl::StatusOr<UserRecord> got = store().FindUser("t1", key, value);
    ASSERT_TRUE(got.ok()) << got.status();
    ExpectSameUser(r, *got);
  }
}

TEST_P(StoreContractTest, FindUserNotFound) {
  Add(MakeUser("u1", "alice"));
  EXPECT_TRUE(IsError(store().FindUser("t1", UserKey::kId, "nobody").status(),
                      absl::StatusCode::kNotFound, "user.not_found"));
  EXPECT_TRUE(IsError(store().FindUser("t1", UserKey::kUsername, "bob").status(),
                      absl::StatusCode::kNotFound, "user.not_found"));
  // Keys are looked up as given: canonical forms only.
  EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "ALICE").status().code(),
            absl::StatusCode::kNotFound);
  // Another tenant sees nothing, by id or by key.
  EXPECT_EQ(store().FindUser("t2", UserKey::kId, "u1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindUser("t2", UserKey::kUsername, "alice").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindUser("t1", UserKey::kEmail, "").status().code(),
            absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Uniqueness.

TEST_P(StoreContractTest, EachUniqueKeyCollisionIsAlreadyExistsAndWritesNothing) {
  UserRecord base = MakeUser("u1", "alice");
  base.canonical_email = "alice@example.com";
  base.user.email = "alice@example.com";
  base.user.phone_region = "86";
  base.user.phone = "13800000000";
  base.user.external_id = "emp-001";
  Add(base);

  struct Case {
    const char* key;
    UserRecord record;
  };
  std::vector<Case> cases;
  {
    UserRecord r = MakeUser("u2", "alice");
    cases.push_back({"username", r});
  }
  {
    UserRecord r = MakeUser("u2", "bob");
    r.canonical_email = "alice@example.com";
    r.user.email = "ALICE@example.com";
    cases.push_back({"email", r});
  }
  {
    UserRecord r = MakeUser("u2", "bob");
    r.user.phone_region = "86";
    r.user.phone = "13800000000";
    cases.push_back({"phone", r});
  }
  {
    UserRecord r = MakeUser("u2", "bob");
    r.user.external_id = "emp-001";
    cases.push_back({"external_id", r});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    WriteSet w = NewUsers({c.record});
    w.outbox.push_back(MakeMessage("u2", kNow));
    w.new_tokens.push_back(MakeToken("tok-u2", "u2"));
    EXPECT_TRUE(IsError(store().Commit(w), absl::StatusCode::kAlreadyExists,
                        absl::StrCat(c.key, ".duplicate"), c.key));
    EXPECT_FALSE(Exists("t1", "u2"));
    EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "bob").status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(store().FindToken("tok-u2").status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(*store().PendingOutbox(), 0);
  }
  // The first user is untouched.
  absl::StatusOr<UserRecord> got = store().FindUser("t1", UserKey::kId, "u1");
  ASSERT_TRUE(got.ok());
  ExpectSameUser(base, *got);
}

TEST_P(StoreContractTest, DuplicateIdIsAlreadyExists) {
  Add(MakeUser("u1", "alice"));
  UserRecord r = MakeUser("u1", "bob");
  r.user.external_id = "";
  EXPECT_TRUE(IsError(store().Commit(NewUsers({r})), absl::StatusCode::kAlreadyExists,
                      "id.duplicate", "id"));
  EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "bob").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, CollisionInsideOneWriteSetWritesNeither) {
  UserRecord a = MakeUser("u1", "alice");
  UserRecord b = MakeUser("u2", "bob");
  a.canonical_email = b.canonical_email = "shared@example.com";
  EXPECT_TRUE(IsError(store().Commit(NewUsers({a, b})), absl::StatusCode::kAlreadyExists,
                      "email.duplicate", "email"));
  EXPECT_FALSE(Exists("t1", "u1"));
  EXPECT_FALSE(Exists("t1", "u2"));
  EXPECT_EQ(store().FindUser("t1", UserKey::kEmail, "shared@example.com").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, GoodAndCollidingUserInOneSetWritesNothingAtAll) {
  Add(MakeUser("u1", "alice"));
  WriteSet w = NewUsers({MakeUser("u2", "bob"), MakeUser("u3", "alice")});
  w.idempotency = {MakeIdempotency("ct-1", "fp-1", kNow + absl::Hours(1))};
  w.new_access_keys.push_back(MakeKey("AK-bob", "u2"));
  w.new_tokens.push_back(MakeToken("tok-bob", "u2"));
  w.outbox.push_back(MakeMessage("u2", kNow));
  w.outbox.push_back(MakeMessage("u3", kNow));
  EXPECT_TRUE(IsError(store().Commit(w), absl::StatusCode::kAlreadyExists, "username.duplicate",
                      "username"));

  EXPECT_FALSE(Exists("t1", "u2"));
  EXPECT_FALSE(Exists("t1", "u3"));
  EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "bob").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindUser("t1", UserKey::kExternalId, "ext-u2").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindAccessKey("AK-bob").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindToken("tok-bob").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*store().PendingOutbox(), 0);
  EXPECT_EQ(*store().FindIdempotency("t1", "ct-1"), std::nullopt);

  // Without the colliding user the same set goes through, all of it.
  w.new_users.pop_back();
  w.outbox.pop_back();
  ASSERT_TRUE(store().Commit(w).ok());
  EXPECT_TRUE(Exists("t1", "u2"));
  EXPECT_TRUE(store().FindAccessKey("AK-bob").ok());
  EXPECT_TRUE(store().FindToken("tok-bob").ok());
  EXPECT_EQ(*store().PendingOutbox(), 1);
  EXPECT_NE(*store().FindIdempotency("t1", "ct-1"), std::nullopt);
}

TEST_P(StoreContractTest, UniquenessIsPerTenant) {
  for (const char* tenant : {"t1", "t2"}) {
    UserRecord r = MakeUser(absl::StrCat("id-", tenant), "alice", tenant);
    r.canonical_email = "alice@example.com";
    r.user.phone_region = "86";
    r.user.phone = "13800000000";
    r.user.external_id = "emp-001";
    ASSERT_TRUE(store().Commit(NewUsers({r})).ok()) << tenant;
  }
  for (const char* tenant : {"t1", "t2"}) {
    SCOPED_TRACE(tenant);
    for (const auto& [key, value] :
         std::vector<std::pair<UserKey, std::string>>{{UserKey::kUsername, "alice"},
                                                      {UserKey::kEmail, "alice@example.com"},
                                                      {UserKey::kPhone, "+8613800000000"},
                                                      {UserKey::kExternalId, "emp-001"}}) {
      absl::StatusOr<UserRecord> got = store().FindUser(tenant, key, value);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->user.id, absl::StrCat("id-", tenant));
    }
  }
}

TEST_P(StoreContractTest, PhoneKeyIsRegionAndNumber) {
  UserRecord a = MakeUser("u1", "alice");
  a.user.phone_region = "86";
  a.user.phone = "5550100";
  Add(a);
  UserRecord b = MakeUser("u2", "bob");
  b.user.phone_region = "1";
  b.user.phone = "5550100";
  ASSERT_TRUE(store().Commit(NewUsers({b})).ok());
  EXPECT_EQ(store().FindUser("t1", UserKey::kPhone, "+15550100")->user.id, "u2");
  EXPECT_EQ(store().FindUser("t1", UserKey::kPhone, "+865550100")->user.id, "u1");
  UserRecord c = MakeUser("u3", "carol");
  c.user.phone_region = "86";
  c.user.phone = "5550100";
  EXPECT_TRUE(IsError(store().Commit(NewUsers({c})), absl::StatusCode::kAlreadyExists,
                      "phone.duplicate", "phone"));
}

// One login namespace: a username cannot be another user's email or mobile
// number, and a collision is reported under the field that made it.
TEST_P(StoreContractTest, LoginIdentifiersNameOneUser) {
  UserRecord a = MakeUser("u1", "alice");
  a.canonical_email = "boss@example.com";
  a.user.email = "boss@example.com";
  a.user.phone_region = "86";
  a.user.phone = "13800000000";
  Add(a);
  EXPECT_EQ(store().FindUser("t1", UserKey::kLogin, "boss@example.com")->user.id, "u1");
  EXPECT_EQ(store().FindUser("t1", UserKey::kLogin, "+8613800000000")->user.id, "u1");
  EXPECT_EQ(store().FindUser("t1", UserKey::kLogin, "alice")->user.id, "u1");
  UserRecord b = MakeUser("u2", "boss@example.com");  // alice's email as a username
  EXPECT_TRUE(IsError(store().Commit(NewUsers({b})), absl::StatusCode::kAlreadyExists,
                      "username.duplicate", "username"));
  UserRecord c = MakeUser("u3", "carol");
  c.canonical_email = "alice";  // alice's username as an email
  c.user.email = "alice";
  EXPECT_TRUE(IsError(store().Commit(NewUsers({c})), absl::StatusCode::kAlreadyExists,
                      "email.duplicate", "email"));
  UserRecord d = MakeUser("u4", "+8613800000000");  // alice's number as a username
  EXPECT_TRUE(IsError(store().Commit(NewUsers({d})), absl::StatusCode::kAlreadyExists,
                      "username.duplicate", "username"));
  // A user's own username and email may be the same text.
  UserRecord e = MakeUser("u5", "erin@example.com");
  e.canonical_email = "erin@example.com";
  e.user.email = "erin@example.com";
  ASSERT_TRUE(store().Commit(NewUsers({e})).ok());
  // Nothing of the refused users was written.
  EXPECT_EQ(store().FindUser("t1", UserKey::kId, "u2").status().code(),
            absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Idempotency.

TEST_P(StoreContractTest, SeveralIdempotencyRecordsCommitTogetherOrNotAtAll) {
  WriteSet batch = NewUsers({MakeUser("u1", "alice"), MakeUser("u2", "bob")});
  batch.idempotency = {MakeIdempotency("ct-1", "fp-1", kNow + absl::Hours(1)),
                       MakeIdempotency("ct-2", "fp-2", kNow + absl::Hours(1))};
  ASSERT_TRUE(store().Commit(batch).ok());
  EXPECT_EQ((*store().FindIdempotency("t1", "ct-1"))->fingerprint, "fp-1");
  EXPECT_EQ((*store().FindIdempotency("t1", "ct-2"))->fingerprint, "fp-2");

  // One live token among new ones: nothing of the set is written.
  WriteSet again = NewUsers({MakeUser("u3", "carol")});
  again.idempotency = {MakeIdempotency("ct-3", "fp-3", kNow + absl::Hours(1)),
                       MakeIdempotency("ct-2", "fp-x", kNow + absl::Hours(1))};
  EXPECT_TRUE(IsError(store().Commit(again), absl::StatusCode::kAlreadyExists,
                      "idempotency.conflict", "client_token"));
  EXPECT_FALSE(Exists("t1", "u3"));
  EXPECT_EQ(*store().FindIdempotency("t1", "ct-3"), std::nullopt);

  // The same token twice in one set conflicts with itself.
  WriteSet twice = NewUsers({MakeUser("u4", "dave")});
  twice.idempotency = {MakeIdempotency("ct-4", "fp-4", kNow + absl::Hours(1)),
                       MakeIdempotency("ct-4", "fp-5", kNow + absl::Hours(1))};
  EXPECT_TRUE(IsError(store().Commit(twice), absl::StatusCode::kAlreadyExists,
                      "idempotency.conflict", "client_token"));
  EXPECT_FALSE(Exists("t1", "u4"));
  EXPECT_EQ(*store().FindIdempotency("t1", "ct-4"), std::nullopt);
}

TEST_P(StoreContractTest, IdempotencyLiveConflictsExpiredIsReplaced) {
  EXPECT_EQ(*store().FindIdempotency("t1", "ct-1"), std::nullopt);

  WriteSet first = NewUsers({MakeUser("u1", "alice")});
  first.idempotency = {MakeIdempotency("ct-1", "fp-1", kNow + absl::Hours(1))};
  ASSERT_TRUE(store().Commit(first).ok());
  std::optional<IdempotencyRecord> rec = *store().FindIdempotency("t1", "ct-1");
  ASSERT_NE(rec, std::nullopt);
  EXPECT_EQ(rec->tenant, "t1");
  EXPECT_EQ(rec->client_token, "ct-1");
  EXPECT_EQ(rec->fingerprint, "fp-1");
  EXPECT_EQ(rec->response, R"({"user":{"id":"u1"}})");
  EXPECT_EQ(rec->expires_at, kNow + absl::Hours(1));

  // Still live: the whole second commit fails.
  WriteSet second = NewUsers({MakeUser("u2", "bob")});
  second.now = kNow + absl::Minutes(59);
  second.idempotency = {MakeIdempotency("ct-1", "fp-2", kNow + absl::Hours(2))};
  second.outbox.push_back(MakeMessage("u2", kNow));
  EXPECT_TRUE(IsError(store().Commit(second), absl::StatusCode::kAlreadyExists,
                      "idempotency.conflict", "client_token"));
  EXPECT_FALSE(Exists("t1", "u2"));
  EXPECT_EQ(*store().PendingOutbox(), 0);
  EXPECT_EQ((*store().FindIdempotency("t1", "ct-1"))->fingerprint, "fp-1");

  // The same token in another tenant is another record.
  WriteSet other;
  other.now = kNow;
  other.idempotency = {MakeIdempotency("ct-1", "fp-other", kNow + absl::Hours(1))};
  other.idempotency[0].tenant = "t2";
  ASSERT_TRUE(store().Commit(other).ok());
  EXPECT_EQ((*store().FindIdempotency("t2", "ct-1"))->fingerprint, "fp-other");

  // Expired (expires_at <= now): still returned by FindIdempotency, and a new
  // commit replaces it.
  EXPECT_NE(*store().FindIdempotency("t1", "ct-1"), std::nullopt);
  second.now = kNow + absl::Hours(1);
  ASSERT_TRUE(store().Commit(second).ok());
  EXPECT_TRUE(Exists("t1", "u2"));
  rec = *store().FindIdempotency("t1", "ct-1");
  ASSERT_NE(rec, std::nullopt);
  EXPECT_EQ(rec->fingerprint, "fp-2");
  EXPECT_EQ(rec->expires_at, kNow + absl::Hours(2));
  EXPECT_EQ((*store().FindIdempotency("t2", "ct-1"))->fingerprint, "fp-other");
}

// ---------------------------------------------------------------------------
// Updates and optimistic versioning.

TEST_P(StoreContractTest, UpdateChecksAndBumpsVersion) {
  UserRecord r = MakeUser("u1", "alice");
  Add(r);
  r.user.display_name = "Alice";
  r.failed_logins = 3;
  ASSERT_TRUE(store().Commit(UpdateUser(r, 1)).ok());
  absl::StatusOr<UserRecord> got = store().FindUser("t1", UserKey::kId, "u1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->user.version, 2);
  EXPECT_EQ(got->user.display_name, "Alice");
  EXPECT_EQ(got->failed_logins, 3);

  // A writer that read version 1 lost the race.
  UserRecord stale = r;
  stale.user.display_name = "Stale";
  WriteSet w = UpdateUser(stale, 1);
  w.outbox.push_back(MakeMessage("u1", kNow));
  EXPECT_TRUE(
      IsError(store().Commit(w), absl::StatusCode::kAborted, "user.version_conflict", "version"));
  got = store().FindUser("t1", UserKey::kId, "u1");
  EXPECT_EQ(got->user.version, 2);
  EXPECT_EQ(got->user.display_name, "Alice");
  EXPECT_EQ(*store().PendingOutbox(), 0);

  ASSERT_TRUE(store().Commit(UpdateUser(*got, 2)).ok());
  EXPECT_EQ(store().FindUser("t1", UserKey::kId, "u1")->user.version, 3);

  EXPECT_TRUE(IsError(store().Commit(UpdateUser(MakeUser("nobody", "nobody"), 1)),
                      absl::StatusCode::kNotFound, "user.not_found"));
}

TEST_P(StoreContractTest, BookkeepingUpdateKeepsVersion) {
  UserRecord r = MakeUser("u1", "alice");
  Add(r);
  r.failed_logins = 2;
  WriteSet w = UpdateUser(r, 1);
  w.updated_users[0].keep_version = true;
  ASSERT_TRUE(store().Commit(w).ok());
  absl::StatusOr<UserRecord> got = store().FindUser("t1", UserKey::kId, "u1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->failed_logins, 2);
  EXPECT_EQ(got->user.version, 1);
  // The version an editor read is still current, and still checked.
  ASSERT_TRUE(store().Commit(UpdateUser(*got, 1)).ok());
  EXPECT_EQ(store().FindUser("t1", UserKey::kId, "u1")->user.version, 2);
  EXPECT_TRUE(
      IsError(store().Commit(w), absl::StatusCode::kAborted, "user.version_conflict", "version"));
}

TEST_P(StoreContractTest, UpdateMovesUniqueKeys) {
  UserRecord a = MakeUser("u1", "alice");
  a.canonical_email = "alice@example.com";
  UserRecord b = MakeUser("u2", "bob");
  b.canonical_email = "bob@example.com";
  ASSERT_TRUE(store().Commit(NewUsers({a, b})).ok());

  // Rename: the old username is free, the new one taken.
  a.canonical_username = "alicia";
  a.user.username = "alicia";
  ASSERT_TRUE(store().Commit(UpdateUser(a, 1)).ok());
  EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "alicia")->user.id, "u1");
  EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "alice").status().code(),
            absl::StatusCode::kNotFound);
  Add(MakeUser("u3", "alice"));

  // Taking another user's email fails and changes nothing.
  UserRecord clash = a;
  clash.canonical_email = "bob@example.com";
  EXPECT_TRUE(IsError(store().Commit(UpdateUser(clash, 2)), absl::StatusCode::kAlreadyExists,
                      "email.duplicate", "email"));
  absl::StatusOr<UserRecord> got = store().FindUser("t1", UserKey::kEmail, "alice@example.com");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->user.id, "u1");
  EXPECT_EQ(got->user.version, 2);

  // Two updates in one set may trade keys.
  a.canonical_email = "bob@example.com";
  b.canonical_email = "alice@example.com";
  WriteSet swap = UpdateUser(a, 2);
  swap.updated_users.push_back({b, 1});
  ASSERT_TRUE(store().Commit(swap).ok());
  EXPECT_EQ(store().FindUser("t1", UserKey::kEmail, "bob@example.com")->user.id, "u1");
  EXPECT_EQ(store().FindUser("t1", UserKey::kEmail, "alice@example.com")->user.id, "u2");
}

// ---------------------------------------------------------------------------
// Deletes.

TEST_P(StoreContractTest, DeleteUserFreesKeysAndRemovesCredentials) {
  UserRecord a = MakeUser("u1", "alice");
  a.canonical_email = "alice@example.com";
  a.user.phone_region = "86";
  a.user.phone = "13800000000";
  a.user.groups = {"g1"};
  UserRecord b = MakeUser("u2", "bob");
  WriteSet w = NewUsers({a, b});
  w.new_access_keys = {MakeKey("AK1", "u1"), MakeKey("AK2", "u1"), MakeKey("AK3", "u2")};
  w.new_tokens = {MakeToken("tok-a", "u1"), MakeToken("tok-b", "u2")};
  ASSERT_TRUE(store().Commit(w).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins")).ok());

  // Only within its tenant, and only when it exists.
  EXPECT_TRUE(IsError(store().Commit(DeleteUser("t2", "u1")), absl::StatusCode::kNotFound,
                      "user.not_found"));
  EXPECT_TRUE(IsError(store().Commit(DeleteUser("t1", "nobody")), absl::StatusCode::kNotFound,
                      "user.not_found"));
  EXPECT_TRUE(Exists("t1", "u1"));

  ASSERT_TRUE(store().Commit(DeleteUser("t1", "u1")).ok());
  EXPECT_FALSE(Exists("t1", "u1"));
  EXPECT_EQ(store().FindUser("t1", UserKey::kUsername, "alice").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindAccessKey("AK1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindAccessKey("AK2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store().ListAccessKeys("t1", "u1")->empty());
  EXPECT_EQ(store().FindToken("tok-a").status().code(), absl::StatusCode::kNotFound);
  // Another user's credentials stay.
  EXPECT_TRUE(store().FindAccessKey("AK3").ok());
  EXPECT_TRUE(store().FindToken("tok-b").ok());
  // Its memberships went with it.
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kGroup, "t1", "g1").ok());

  // Username, email, phone and external id are free again.
  UserRecord again = MakeUser("u9", "alice");
  again.canonical_email = "alice@example.com";
  again.user.phone_region = "86";
  again.user.phone = "13800000000";
  again.user.external_id = "ext-u1";
  ASSERT_TRUE(store().Commit(NewUsers({again})).ok());
  EXPECT_EQ(store().FindUser("t1", UserKey::kEmail, "alice@example.com")->user.id, "u9");
}

// ---------------------------------------------------------------------------
// Directory entries.

TEST_P(StoreContractTest, EntriesCreateFindList) {
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins")).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g2", "Developers")).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g3", "devops")).ok());

  absl::StatusOr<DirectoryEntry> e = store().FindEntry(EntryKind::kGroup, "t1", "g2");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->name, "Developers");
  EXPECT_EQ(e->description, "about Developers");
  EXPECT_EQ(e->created_at, kNow);
  e = store().FindEntry(EntryKind::kGroup, "t1", "aDmInS");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->id, "g1");
  EXPECT_TRUE(IsError(store().FindEntry(EntryKind::kGroup, "t1", "nope").status(),
                      absl::StatusCode::kNotFound, "group.not_found"));
  EXPECT_EQ(store().FindEntry(EntryKind::kOrganizationalUnit, "t1", "g1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindEntry(EntryKind::kGroup, "t2", "g1").status().code(),
            absl::StatusCode::kNotFound);

  // Names are unique per (tenant, kind), ignoring case; ids per (tenant, kind).
  EXPECT_TRUE(IsError(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g4", "ADMINS")),
                      absl::StatusCode::kAlreadyExists, "group.duplicate", "name"));
  EXPECT_TRUE(IsError(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Other")),
                      absl::StatusCode::kAlreadyExists, "group.duplicate", "name"));
  EXPECT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kOrganizationalUnit, "o1", "Sales")).ok());
  EXPECT_TRUE(IsError(store().CreateEntry(MakeEntry(EntryKind::kOrganizationalUnit, "o2", "sales")),
                      absl::StatusCode::kAlreadyExists, "ou.duplicate", "name"));
  EXPECT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kOrganizationalUnit, "o3", "Admins")).ok());
  EXPECT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins", "t2")).ok());

  absl::StatusOr<std::vector<DirectoryEntry>> list =
      store().ListEntries(EntryKind::kGroup, "t1", "DEV");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"Developers", "devops"}));
  list = store().ListEntries(EntryKind::kGroup, "t1", "");
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"Admins", "Developers", "devops"}));
  list = store().ListEntries(EntryKind::kGroup, "t1", "zzz");
  EXPECT_TRUE(list->empty());
  list = store().ListEntries(EntryKind::kGroup, "t2", "");
  EXPECT_EQ(Names(*list), (std::vector<std::string>{"Admins"}));

  // A custom-field definition keeps all its fields.
  DirectoryEntry field = MakeEntry(EntryKind::kCustomField, "cf1", "Department");
  field.field_type = "enum";
  field.max_length = 32;
  field.allowed_values = {"R&D", "Sales", "\xe8\xb4\xa2\xe5\x8a\xa1"};
  field.pattern = "[A-Za-z&]+";
  ASSERT_TRUE(store().CreateEntry(field).ok());
  e = store().FindEntry(EntryKind::kCustomField, "t1", "department");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, EntryKind::kCustomField);
  EXPECT_EQ(e->tenant, "t1");
  EXPECT_EQ(e->id, "cf1");
  EXPECT_EQ(e->field_type, "enum");
  EXPECT_EQ(e->max_length, 32);
  EXPECT_EQ(e->allowed_values, field.allowed_values);
  EXPECT_EQ(e->pattern, field.pattern);
}

TEST_P(StoreContractTest, DeleteEntryRefusedWhileReferenced) {
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins")).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kOrganizationalUnit, "o1", "HQ")).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kOrganizationalUnit, "o2", "Lab")).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kCustomField, "cf1", "dept")).ok());
  ASSERT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g2", "Unused")).ok());
  UserRecord r = MakeUser("u1", "alice");
  r.user.groups = {"g1"};
  r.user.primary_ou = "o1";
  r.user.ous = {"o2"};
  r.user.custom_fields = {{"dept", "R&D"}};
  Add(r);
  // A user of another tenant referencing the same ids does not count.
  UserRecord other = MakeUser("x1", "alice", "t2");
  other.user.groups = {"g2"};
  Add(other);

  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kGroup, "t1", "g1"),
                      absl::StatusCode::kFailedPrecondition, "group.in_use", "id"));
  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kOrganizationalUnit, "t1", "o1"),
                      absl::StatusCode::kFailedPrecondition, "ou.in_use", "id"));
  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kOrganizationalUnit, "t1", "o2"),
                      absl::StatusCode::kFailedPrecondition, "ou.in_use", "id"));
  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kCustomField, "t1", "cf1"),
                      absl::StatusCode::kFailedPrecondition, "custom_field.in_use", "id"));
  EXPECT_TRUE(store().FindEntry(EntryKind::kGroup, "t1", "g1").ok());
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kGroup, "t1", "g2").ok());
  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kGroup, "t1", "g2"),
                      absl::StatusCode::kNotFound, "group.not_found"));

  // Once no user references them they can go.
  r.user.groups.clear();
  r.user.primary_ou.clear();
  r.user.ous.clear();
  r.user.custom_fields.clear();
  ASSERT_TRUE(store().Commit(UpdateUser(r, 1)).ok());
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kGroup, "t1", "g1").ok());
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kOrganizationalUnit, "t1", "o1").ok());
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kOrganizationalUnit, "t1", "o2").ok());
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kCustomField, "t1", "cf1").ok());
  EXPECT_EQ(store().FindEntry(EntryKind::kGroup, "t1", "Admins").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store().ListEntries(EntryKind::kOrganizationalUnit, "t1", "")->empty());
  // The name is free again.
  EXPECT_TRUE(store().CreateEntry(MakeEntry(EntryKind::kGroup, "g9", "admins")).ok());
}

// ---------------------------------------------------------------------------
// Access keys, tokens, tenants.

TEST_P(StoreContractTest, AccessKeysFindListUpdateDelete) {
  WriteSet w = NewUsers({MakeUser("u1", "alice"), MakeUser("u2", "bob")});
  w.new_access_keys = {MakeKey("AK2", "u1"), MakeKey("AK1", "u1"), MakeKey("AK3", "u2")};
  ASSERT_TRUE(store().Commit(w).ok());

  absl::StatusOr<AccessKeyRecord> k = store().FindAccessKey("AK1");
  ASSERT_TRUE(k.ok()) << k.status();
  const AccessKeyRecord want = MakeKey("AK1", "u1");
  EXPECT_EQ(k->id, "AK1");
  EXPECT_EQ(k->tenant, "t1");
  EXPECT_EQ(k->user_id, "u1");
  EXPECT_EQ(k->sealed_secret, want.sealed_secret);
  EXPECT_EQ(k->key_id, "host-key-1");
  EXPECT_TRUE(k->enabled);
  EXPECT_EQ(k->created_at, kNow);
  EXPECT_EQ(k->last_used_at, absl::InfinitePast());
  EXPECT_TRUE(IsError(store().FindAccessKey("AK9").status(), absl::StatusCode::kNotFound,
                      "access_key.not_found"));

  absl::StatusOr<std::vector<AccessKeyRecord>> list = store().ListAccessKeys("t1", "u1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "AK1");
  EXPECT_EQ((*list)[1].id, "AK2");
  EXPECT_TRUE(store().ListAccessKeys("t2", "u1")->empty());

  WriteSet update;
  update.now = kNow;
  AccessKeyRecord changed = *k;
  changed.enabled = false;
  changed.last_used_at = kNow + absl::Seconds(5);
  update.updated_access_keys.push_back(changed);
  update.deleted_access_key_ids.push_back("AK2");
  ASSERT_TRUE(store().Commit(update).ok());
  EXPECT_FALSE(store().FindAccessKey("AK1")->enabled);
  EXPECT_EQ(store().FindAccessKey("AK1")->last_used_at, kNow + absl::Seconds(5));
  EXPECT_EQ(store().FindAccessKey("AK2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().ListAccessKeys("t1", "u1")->size(), 1u);

  WriteSet dup;
  dup.now = kNow;
  dup.new_access_keys.push_back(MakeKey("AK3", "u1"));
  EXPECT_TRUE(IsError(store().Commit(dup), absl::StatusCode::kAlreadyExists, "access_key.duplicate",
                      "access_key"));
  EXPECT_EQ(store().FindAccessKey("AK3")->user_id, "u2");

  WriteSet missing;
  missing.now = kNow;
  missing.updated_access_keys.push_back(MakeKey("AK9", "u1"));
  EXPECT_TRUE(
      IsError(store().Commit(missing), absl::StatusCode::kNotFound, "access_key.not_found"));
  EXPECT_EQ(store().FindAccessKey("AK9").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, TokensFindAndDelete) {
  WriteSet w = NewUsers({MakeUser("u1", "alice")});
  w.new_tokens = {MakeToken("hash-1", "u1"), MakeToken("hash-2", "u1")};
  w.new_tokens[1].purpose = TokenPurpose::kFirstLogin;
  ASSERT_TRUE(store().Commit(w).ok());

  absl::StatusOr<TokenRecord> t = store().FindToken("hash-1");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->hash, "hash-1");
  EXPECT_EQ(t->tenant, "t1");
  EXPECT_EQ(t->user_id, "u1");
  EXPECT_EQ(t->purpose, TokenPurpose::kPasswordReset);
  EXPECT_EQ(t->expires_at, kNow + absl::Hours(24));
  EXPECT_EQ(store().FindToken("hash-2")->purpose, TokenPurpose::kFirstLogin);
  EXPECT_TRUE(IsError(store().FindToken("hash-9").status(), absl::StatusCode::kNotFound,
                      "token.not_found"));

  WriteSet del;
  del.now = kNow;
  del.deleted_token_hashes.push_back("hash-1");
  ASSERT_TRUE(store().Commit(del).ok());
  EXPECT_EQ(store().FindToken("hash-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store().FindToken("hash-2").ok());
}

TEST_P(StoreContractTest, PasswordUpdateRevokesTheUsersTokensOnly) {
  WriteSet w = NewUsers({MakeUser("u1", "alice"), MakeUser("u2", "bob")});
  w.new_tokens = {MakeToken("old-1", "u1"), MakeToken("old-2", "u1"), MakeToken("bobs", "u2")};
  ASSERT_TRUE(store().Commit(w).ok());
  absl::StatusOr<UserRecord> alice = store().FindUser("t1", UserKey::kId, "u1");
  ASSERT_TRUE(alice.ok());
  WriteSet update = UpdateUser(*alice, 1);
  update.updated_users[0].revoke_tokens = true;
  update.new_tokens = {MakeToken("fresh", "u1")};  // issued with the change: kept
  ASSERT_TRUE(store().Commit(update).ok());
  EXPECT_EQ(store().FindToken("old-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().FindToken("old-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store().FindToken("fresh").ok());
  EXPECT_TRUE(store().FindToken("bobs").ok());
  // Without revoke_tokens an update leaves tokens alone.
  ASSERT_TRUE(store().Commit(UpdateUser(*store().FindUser("t1", UserKey::kId, "u1"), 2)).ok());
  EXPECT_TRUE(store().FindToken("fresh").ok());
}

TEST_P(StoreContractTest, TenantRegistry) {
  EXPECT_FALSE(*store().TenantExists("t1"));
  ASSERT_TRUE(store().RegisterTenant("t1").ok());
  ASSERT_TRUE(store().RegisterTenant("t1").ok());  // again: fine
  EXPECT_TRUE(*store().TenantExists("t1"));
  EXPECT_FALSE(*store().TenantExists("t2"));
  EXPECT_FALSE(*store().TenantExists("T1"));
}

// ---------------------------------------------------------------------------
// The outbox.

TEST_P(StoreContractTest, OutboxDueCompleteReschedule) {
  EXPECT_EQ(*store().PendingOutbox(), 0);
  EXPECT_TRUE(store().DueOutbox(kNow, 10)->empty());
  WriteSet w;
  w.now = kNow;
  w.outbox = {MakeMessage("a", kNow - absl::Seconds(1)),  // due
              MakeMessage("b", kNow + absl::Hours(1)),    // later
              MakeMessage("c", kNow)};                    // due exactly now
  w.outbox[0].attempts = 2;
  w.outbox[0].last_error = "smtp: 451";
  ASSERT_TRUE(store().Commit(w).ok());
  WriteSet w2;
  w2.now = kNow;
  w2.outbox = {MakeMessage("d", absl::InfinitePast())};
  ASSERT_TRUE(store().Commit(w2).ok());
  EXPECT_EQ(*store().PendingOutbox(), 4);

  absl::StatusOr<std::vector<OutboxMessage>> due = store().DueOutbox(kNow, 10);
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].user_id, "a");
  EXPECT_EQ((*due)[1].user_id, "c");
  EXPECT_EQ((*due)[2].user_id, "d");
  EXPECT_LT((*due)[0].id, (*due)[1].id);
  EXPECT_LT((*due)[1].id, (*due)[2].id);
  const OutboxMessage a = (*due)[0];
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.tenant, "t1");
  EXPECT_EQ(a.channel, "email");
  EXPECT_EQ(a.recipient, "a@example.com");
  EXPECT_EQ(a.kind, "login_link");
  EXPECT_EQ(a.sealed_body, std::string("\x01\x00body", 6));
  EXPECT_EQ(a.attempts, 2);
  EXPECT_EQ(a.next_attempt_at, kNow - absl::Seconds(1));
  EXPECT_EQ(a.last_error, "smtp: 451");

  // At most `limit`, oldest first.
  due = store().DueOutbox(kNow, 1);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].user_id, "a");
  EXPECT_TRUE(store().DueOutbox(kNow, 0)->empty());

  // A failed send is retried later.
  const int64_t a_id = a.id;
  ASSERT_TRUE(store().RescheduleOutbox(a_id, 3, kNow + absl::Minutes(5), "smtp: timeout").ok());
  due = store().DueOutbox(kNow, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].user_id, "c");
  due = store().DueOutbox(kNow + absl::Minutes(5), 10);
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].user_id, "a");
  EXPECT_EQ((*due)[0].attempts, 3);
  EXPECT_EQ((*due)[0].next_attempt_at, kNow + absl::Minutes(5));
  EXPECT_EQ((*due)[0].last_error, "smtp: timeout");
  EXPECT_EQ(*store().PendingOutbox(), 4);

  // Sent: gone.
  ASSERT_TRUE(store().CompleteOutbox(a_id).ok());
  EXPECT_EQ(*store().PendingOutbox(), 3);
  due = store().DueOutbox(kNow + absl::Hours(2), 10);
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].user_id, "b");
  EXPECT_TRUE(IsError(store().RescheduleOutbox(a_id, 4, kNow, "x"), absl::StatusCode::kNotFound,
                      "outbox.not_found"));
  EXPECT_TRUE(store().CompleteOutbox(a_id).ok());  // completing twice is harmless
  for (const OutboxMessage& m : *due) ASSERT_TRUE(store().CompleteOutbox(m.id).ok());
  EXPECT_EQ(*store().PendingOutbox(), 0);

  // Ids keep growing.
  ASSERT_TRUE(store().Commit(w2).ok());
  EXPECT_GT(store().DueOutbox(kNow, 10)->at(0).id, (*due)[2].id);
}

// ---------------------------------------------------------------------------
// Listing users.

TEST_P(StoreContractTest, ListUsersPages) {
  // Inserted out of order; listed by canonical username.
  for (const char* name : {"u4", "u1", "u6", "u0", "u3", "u5", "u2"}) {
    Add(MakeUser(absl::StrCat("id-", name), name));
  }
  Add(MakeUser("other", "u00", "t2"));

  ListUsersQuery q;
  q.tenant = "t1";
  q.page_size = 3;
  absl::StatusOr<ListUsersPage> page = store().ListUsers(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Usernames(*page), (std::vector<std::string>{"u0", "u1", "u2"}));
  EXPECT_EQ(page->users[0].user.id, "id-u0");
  ASSERT_FALSE(page->next_page_token.empty());
  q.page_token = page->next_page_token;
  page = store().ListUsers(q);
  EXPECT_EQ(Usernames(*page), (std::vector<std::string>{"u3", "u4", "u5"}));
  ASSERT_FALSE(page->next_page_token.empty());
  q.page_token = page->next_page_token;
  page = store().ListUsers(q);
  EXPECT_EQ(Usernames(*page), (std::vector<std::string>{"u6"}));
  EXPECT_EQ(page->next_page_token, "");

  // A page that exactly fits is the last one.
  q.page_token.clear();
  q.page_size = 7;
  page = store().ListUsers(q);
  EXPECT_EQ(page->users.size(), 7u);
  EXPECT_EQ(page->next_page_token, "");
  // A page size below 1 means 1.
  q.page_size = 0;
  page = store().ListUsers(q);
  EXPECT_EQ(Usernames(*page), (std::vector<std::string>{"u0"}));
  EXPECT_FALSE(page->next_page_token.empty());

  q.tenant = "t3";
  q.page_size = 100;
  page = store().ListUsers(q);
  EXPECT_TRUE(page->users.empty());
  EXPECT_EQ(page->next_page_token, "");
}

TEST_P(StoreContractTest, ListUsersFilters) {
  UserRecord admin = MakeUser("1", "admin");
  admin.user.groups = {"g-admins", "g-all"};
  admin.user.primary_ou = "ou-hq";
  UserRecord adrian = MakeUser("2", "adrian");
  adrian.user.groups = {"g-all"};
  adrian.user.ous = {"ou-hq"};
  adrian.user.primary_ou = "ou-lab";
  UserRecord bob = MakeUser("3", "bob");
  bob.user.groups = {"g-admins"};
  bob.user.enabled = false;
  UserRecord adam = MakeUser("4", "adam");
  adam.user.enabled = false;
  adam.user.primary_ou = "ou-lab";
  ASSERT_TRUE(store().Commit(NewUsers({admin, adrian, bob, adam})).ok());

  // Each listing of a first page also checks CountUsers: the same users,
  // counted.
  auto list = [&](ListUsersQuery q) {
    q.tenant = "t1";
    absl::StatusOr<ListUsersPage> page = store().ListUsers(q);
    EXPECT_TRUE(page.ok()) << page.status();
    absl::StatusOr<int64_t> count = store().CountUsers(q);
    EXPECT_TRUE(count.ok()) << count.status();
    if (page.ok() && count.ok() && q.page_token.empty()) {
      EXPECT_EQ(*count, static_cast<int64_t>(page->users.size()));
    }
    return page.ok() ? Usernames(*page) : std::vector<std::string>{};
  };
  using Want = std::vector<std::string>;
  ListUsersQuery q;
  EXPECT_EQ(list(q), (Want{"adam", "admin", "adrian", "bob"}));
  q.username_prefix = "ad";
  EXPECT_EQ(list(q), (Want{"adam", "admin", "adrian"}));
  q.username_prefix = "adm";
  EXPECT_EQ(list(q), (Want{"admin"}));
  q.username_prefix = "zz";
  EXPECT_EQ(list(q), Want{});

  q = {};
  q.group_id = "g-admins";
  EXPECT_EQ(list(q), (Want{"admin", "bob"}));
  q.group_id = "g-none";
  EXPECT_EQ(list(q), Want{});

  q = {};
  q.ou_id = "ou-hq";  // primary or further
  EXPECT_EQ(list(q), (Want{"admin", "adrian"}));
  q.ou_id = "ou-lab";
  EXPECT_EQ(list(q), (Want{"adam", "adrian"}));

  q = {};
  q.enabled = true;
  EXPECT_EQ(list(q), (Want{"admin", "adrian"}));
  q.enabled = false;
  EXPECT_EQ(list(q), (Want{"adam", "bob"}));

  // Combined, and paged.
  q = {};
  q.username_prefix = "ad";
  q.group_id = "g-all";
  q.enabled = true;
  q.page_size = 1;
  absl::StatusOr<ListUsersPage> page = store().ListUsers([&] {
    ListUsersQuery c = q;
    c.tenant = "t1";
    return c;
  }());
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Usernames(*page), (Want{"admin"}));
  q.page_token = page->next_page_token;
  EXPECT_EQ(list(q), (Want{"adrian"}));
  // A count is of every page: the page size and token do not change it.
  q.tenant = "t1";
  EXPECT_EQ(*store().CountUsers(q), 2);
}

// ---------------------------------------------------------------------------
// Concurrency.

// Eight threads race to create the same username: exactly one wins.
void RaceForOneUsername(const std::vector<Store*>& stores) {
  constexpr int kThreads = 8;
  std::atomic<bool> go{false};
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      UserRecord r = MakeUser(absl::StrCat("racer-", i), "race");
      WriteSet w = NewUsers({r});
      w.outbox.push_back(MakeMessage(r.user.id, kNow));
      results[i] = stores[i % stores.size()]->Commit(w);
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();

  int wins = 0;
  std::string winner;
  for (int i = 0; i < kThreads; ++i) {
    if (results[i].ok()) {
      ++wins;
      winner = absl::StrCat("racer-", i);
    } else {
      EXPECT_TRUE(
          IsError(results[i], absl::StatusCode::kAlreadyExists, "username.duplicate", "username"));
    }
  }
  EXPECT_EQ(wins, 1);
  for (Store* store : stores) {
    absl::StatusOr<UserRecord> got = store->FindUser("t1", UserKey::kUsername, "race");
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->user.id, winner);
    EXPECT_EQ(*store->PendingOutbox(), 1);
  }
}

// Entries change only through UpdateEntry, at the version read.
TEST_P(StoreContractTest, UpdateEntryChecksTheVersionAndKeepsTheName) {
  DirectoryEntry p = MakeEntry(EntryKind::kPolicy, "p1", "Readers");
  p.document = R"({"Version":"1","Statement":[]})";
  ASSERT_TRUE(store().CreateEntry(p).ok());
  EXPECT_EQ(store().FindEntry(EntryKind::kPolicy, "t1", "readers")->version, 1);
  p.name = "Renamed";  // ignored: names stay
  p.document = R"({"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})";
  p.description = "edited";
  p.updated_at = kNow + absl::Seconds(1);
  ASSERT_TRUE(store().UpdateEntry(p, 1).ok());
  absl::StatusOr<DirectoryEntry> got = store().FindEntry(EntryKind::kPolicy, "t1", "p1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->name, "Readers");
  EXPECT_EQ(got->document, p.document);
  EXPECT_EQ(got->description, "edited");
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->updated_at, kNow + absl::Seconds(1));
  EXPECT_EQ(got->created_at, kNow);
  p.description = "lost";
  EXPECT_TRUE(IsError(store().UpdateEntry(p, 1), absl::StatusCode::kAborted,
                      "policy.version_conflict", "version"));
  EXPECT_EQ(store().FindEntry(EntryKind::kPolicy, "t1", "p1")->description, "edited");
  EXPECT_TRUE(IsError(store().UpdateEntry(MakeEntry(EntryKind::kGroup, "nope", "x"), 1),
                      absl::StatusCode::kNotFound, "group.not_found"));
  // Another tenant's entry with the same id is not this one.
  p.tenant = "t2";
  EXPECT_EQ(store().UpdateEntry(p, 2).code(), absl::StatusCode::kNotFound);
}

// A policy is in use while a user or a group of its tenant names it, in any
// ASCII case.
TEST_P(StoreContractTest, AnAttachedPolicyIsInUse) {
  DirectoryEntry p = MakeEntry(EntryKind::kPolicy, "p1", "Readers");
  p.document = "{}";
  ASSERT_TRUE(store().CreateEntry(p).ok());
  UserRecord r = MakeUser("u1", "alice");
  r.user.policies = {"READERS"};
  Add(r);
  UserRecord other = MakeUser("x1", "bob", "t2");  // another tenant's name does not count
  other.user.policies = {"Writers"};
  Add(other);
  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kPolicy, "t1", "p1"),
                      absl::StatusCode::kFailedPrecondition, "policy.in_use", "id"));
  r.user.policies.clear();
  ASSERT_TRUE(store().Commit(UpdateUser(r, 1)).ok());
  DirectoryEntry g = MakeEntry(EntryKind::kGroup, "g1", "Ops");
  g.policies = {"readers"};
  ASSERT_TRUE(store().CreateEntry(g).ok());
  EXPECT_EQ(store().FindEntry(EntryKind::kGroup, "t1", "g1")->policies,
            std::vector<std::string>{"readers"});
  EXPECT_TRUE(IsError(store().DeleteEntry(EntryKind::kPolicy, "t1", "p1"),
                      absl::StatusCode::kFailedPrecondition, "policy.in_use", "id"));
  g.policies.clear();
  ASSERT_TRUE(store().UpdateEntry(g, 1).ok());
  EXPECT_TRUE(store().DeleteEntry(EntryKind::kPolicy, "t1", "p1").ok());
}

TEST_P(StoreContractTest, ThreadsRacingForOneUsername) { RaceForOneUsername({&store()}); }

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest,
                         ::testing::Values(StoreFactory{"Memory", &MakeMemoryStore, &RemoveNothing},
                                           StoreFactory{"Sqlite", &MakeSqliteStore, &RemoveDb},
                                           StoreFactory{"Postgres", &MakePostgresStore,
                                                        &RemoveSchema}),
                         [](const ::testing::TestParamInfo<StoreFactory>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------
// SQLite only: what a file adds.

// Runs one statement on a raw connection to `path` and returns the first
// column of its first row as an integer (or 0).
int64_t RawQuery(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t value = 0;
  const int rc = sqlite3_step(stmt);
  EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
  if (rc == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

class SqliteFile : public ::testing::Test {
 protected:
  void TearDown() override { RemoveDb(path_); }
  std::unique_ptr<SqliteStore> Open(SqliteOptions options = {}) {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  std::string path_ = TempDbPath();
};

TEST_F(SqliteFile, DataSurvivesCloseAndReopen) {
  int64_t last_id = 0;
  {
    std::unique_ptr<SqliteStore> store = Open();
    ASSERT_NE(store, nullptr);
    UserRecord r = MakeUser("u1", "alice");
    r.canonical_email = "alice@example.com";
    r.user.groups = {"g1"};
    WriteSet w = NewUsers({r});
    w.idempotency = {MakeIdempotency("ct-1", "fp-1", kNow + absl::Hours(1))};
    w.new_access_keys.push_back(MakeKey("AK1", "u1"));
    w.new_tokens.push_back(MakeToken("tok-1", "u1"));
    w.outbox = {MakeMessage("u1", kNow), MakeMessage("u1", kNow)};
    ASSERT_TRUE(store->Commit(w).ok());
    ASSERT_TRUE(store->CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins")).ok());
    ASSERT_TRUE(store->RegisterTenant("t1").ok());
    std::vector<OutboxMessage> due = *store->DueOutbox(kNow, 10);
    ASSERT_EQ(due.size(), 2u);
    last_id = due[1].id;
    ASSERT_TRUE(store->CompleteOutbox(last_id).ok());
  }
  std::unique_ptr<SqliteStore> store = Open();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<UserRecord> got = store->FindUser("t1", UserKey::kEmail, "alice@example.com");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->user.id, "u1");
  EXPECT_EQ(got->user.groups, std::vector<std::string>{"g1"});
  EXPECT_NE(*store->FindIdempotency("t1", "ct-1"), std::nullopt);
  EXPECT_TRUE(store->FindAccessKey("AK1").ok());
  EXPECT_TRUE(store->FindToken("tok-1").ok());
  EXPECT_EQ(store->FindEntry(EntryKind::kGroup, "t1", "admins")->id, "g1");
  EXPECT_TRUE(*store->TenantExists("t1"));
  EXPECT_EQ(*store->PendingOutbox(), 1);
  // Uniqueness and memberships survive too.
  EXPECT_TRUE(IsError(store->Commit(NewUsers({MakeUser("u2", "alice")})),
                      absl::StatusCode::kAlreadyExists, "username.duplicate"));
  EXPECT_EQ(store->DeleteEntry(EntryKind::kGroup, "t1", "g1").code(),
            absl::StatusCode::kFailedPrecondition);
  // AUTOINCREMENT: an id is never handed out twice, even after a restart.
  WriteSet more;
  more.now = kNow;
  more.outbox.push_back(MakeMessage("u1", kNow));
  ASSERT_TRUE(store->Commit(more).ok());
  EXPECT_GT(store->DueOutbox(kNow, 10)->back().id, last_id);
}

TEST_F(SqliteFile, TwoStoresOnOneFileShareCommitsAndUniqueness) {
  SqliteOptions fast;
  fast.durable = false;
  std::unique_ptr<SqliteStore> a = Open(fast);
  std::unique_ptr<SqliteStore> b = Open(fast);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);

  ASSERT_TRUE(a->Commit(NewUsers({MakeUser("u1", "alice")})).ok());
  EXPECT_EQ(b->FindUser("t1", UserKey::kUsername, "alice")->user.id, "u1");
  EXPECT_TRUE(IsError(b->Commit(NewUsers({MakeUser("u2", "alice")})),
                      absl::StatusCode::kAlreadyExists, "username.duplicate", "username"));
  ASSERT_TRUE(b->CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins")).ok());
  EXPECT_TRUE(IsError(a->CreateEntry(MakeEntry(EntryKind::kGroup, "g2", "admins")),
                      absl::StatusCode::kAlreadyExists, "group.duplicate"));

  // Threads on separate connections (as separate processes would be).
  std::unique_ptr<SqliteStore> c = Open(fast);
  std::unique_ptr<SqliteStore> d = Open(fast);
  RaceForOneUsername({a.get(), b.get(), c.get(), d.get()});
}

// Real processes this time: each child opens the file itself and tries to
// claim the same 25 usernames; every name goes to exactly one of them.
TEST_F(SqliteFile, ProcessesSharingOneFileKeepUniqueness) {
  ASSERT_NE(Open(), nullptr);  // create the schema before the race
  constexpr int kProcesses = 4;
  constexpr int kNames = 25;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: no gtest here; the exit code is the number of names won, or
      // 100 on any error other than a duplicate username.
      SqliteOptions options;
      options.durable = false;
      absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_, options);
      if (!store.ok()) _exit(100);
      int wins = 0;
      for (int i = 0; i < kNames; ++i) {
        absl::Status s = (*store)->Commit(
            NewUsers({MakeUser(absl::StrCat("p", p, "-", i), absl::StrCat("shared-", i))}));
        if (s.ok()) {
          ++wins;
        } else if (ErrorReason(s) != "username.duplicate") {
          _exit(100);
        }
      }
      store->reset();
      _exit(wins);
    }
    children.push_back(pid);
  }
  int total = 0;
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_LE(WEXITSTATUS(status), kNames) << "a child failed";
    total += WEXITSTATUS(status);
  }
  EXPECT_EQ(total, kNames);
  std::unique_ptr<SqliteStore> store = Open();
  ASSERT_NE(store, nullptr);
  ListUsersQuery q;
  q.tenant = "t1";
  q.page_size = 1000;
  EXPECT_EQ(store->ListUsers(q)->users.size(), static_cast<size_t>(kNames));
}

TEST_F(SqliteFile, RecordsSchemaVersionAndUsesWal) {
  ASSERT_GE(SqliteStore::SchemaVersion(), 1);
  ASSERT_NE(Open(), nullptr);
  EXPECT_EQ(RawQuery(path_, "PRAGMA user_version"), SqliteStore::SchemaVersion());
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"),
            1);
  // Opening an up-to-date file again migrates nothing and works.
  std::unique_ptr<SqliteStore> again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(RawQuery(path_, "PRAGMA user_version"), SqliteStore::SchemaVersion());
}

TEST_F(SqliteFile, RefusesNewerSchema) {
  ASSERT_NE(Open(), nullptr);
  const std::string bump = absl::StrCat("PRAGMA user_version = ", SqliteStore::SchemaVersion() + 1);
  RawQuery(path_, bump.c_str());
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_EQ(ErrorReason(store.status()), "store.schema_too_new");
}

TEST_F(SqliteFile, LockHeldPastBusyTimeoutIsUnavailable) {
  SqliteOptions options;
  options.busy_timeout = absl::Milliseconds(50);
  std::unique_ptr<SqliteStore> store = Open(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit(NewUsers({MakeUser("u1", "alice")})).ok());

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  absl::Status s = store->Commit(NewUsers({MakeUser("u2", "bob")}));
  EXPECT_TRUE(IsError(s, absl::StatusCode::kUnavailable, "store.busy"));
  EXPECT_EQ(store->CreateEntry(MakeEntry(EntryKind::kGroup, "g1", "Admins")).code(),
            absl::StatusCode::kUnavailable);
  // Readers are not blocked by a writer in WAL mode.
  EXPECT_TRUE(store->FindUser("t1", UserKey::kId, "u1").ok());
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  // Nothing of the failed commit was written; retrying works.
  EXPECT_FALSE(store->FindUser("t1", UserKey::kId, "u2").ok());
  EXPECT_TRUE(store->Commit(NewUsers({MakeUser("u2", "bob")})).ok());
}

TEST_F(SqliteFile, OpenFailsCleanly) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> missing_dir =
      SqliteStore::Open(absl::StrCat(::testing::TempDir(), "no-such-dir-", getpid(), "/x.db"));
  EXPECT_EQ(missing_dir.status().code(), absl::StatusCode::kUnavailable) << missing_dir.status();

  FILE* f = std::fopen(path_.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string garbage(4096, 'x');
  std::fwrite(garbage.data(), 1, garbage.size(), f);
  std::fclose(f);
  absl::StatusOr<std::unique_ptr<SqliteStore>> not_a_db = SqliteStore::Open(path_);
  EXPECT_EQ(not_a_db.status().code(), absl::StatusCode::kDataLoss) << not_a_db.status();
}

}  // namespace
}  // namespace iam
