// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// A file written by schema version 1 opens under the current schema with its
// data rewritten as the engine now writes it: mobile numbers canonical and
// keyed in E.164, every login identifier in the login namespace.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "iam/error.h"
#include "iam/sqlite_store.h"
#include "store_param.h"

namespace iam {
namespace {

UserRecord User(const std::string& id, const std::string& username, const std::string& email) {
  UserRecord r;
  r.user.id = id;
  r.user.tenant = "t1";
  r.user.username = username;
  r.canonical_username = username;
  r.user.email = email;
  r.canonical_email = email;
  r.user.created_at = absl::FromUnixSeconds(1'800'000'000);
  return r;
}

void Exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_free(error);
  sqlite3_close(db);
}

// What migration 7 added (the audit log's chains), taken away again: the
// index by target is back.
#define IAM_DROP_VERSION_7                      \
  "DROP TABLE audit_heads;\n"                   \
  "ALTER TABLE users DROP COLUMN audit_head;\n" \
  "ALTER TABLE audit DROP COLUMN prev;\n"       \
  "CREATE INDEX audit_by_target ON audit (tenant, target, id);\n"

// What migrations 4 to 7 added, taken away again.
constexpr const char* kDropSinceVersion4 = IAM_DROP_VERSION_7 R"sql(
ALTER TABLE users DROP COLUMN updated_at;
DROP TABLE audit;
ALTER TABLE access_keys DROP COLUMN last_used_from;
ALTER TABLE entries DROP COLUMN document;
ALTER TABLE entries DROP COLUMN policies;
ALTER TABLE entries DROP COLUMN version;
ALTER TABLE entries DROP COLUMN updated_at;
)sql";

// A file as schema version 1 left it: `users` committed by today's store,
// then `downgrade` turning their rows back into version 1's form.
void MakeVersion1File(const std::string& path, std::vector<UserRecord> users,
                      const std::string& downgrade) {
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  WriteSet w;
  w.now = absl::FromUnixSeconds(1'800'000'000);
  w.new_users = std::move(users);
  ASSERT_TRUE((*store)->Commit(w).ok());
  store->reset();
  Exec(path,
       (std::string(kDropSinceVersion4) + "ALTER TABLE access_keys DROP COLUMN description;\n" +
        downgrade + "\nPRAGMA user_version = 1;")
           .c_str());
}

// Version 6 adds users' updated_at: a version-5 user reads back with none
// (InfinitePast) and keeps one written afterwards.
TEST(SqliteMigrationTest, Version5UsersGainAnUnknownUpdateTime) {
  TempDbPath db;
  {
    auto store = SqliteStore::Open(db.path());
    ASSERT_TRUE(store.ok());
    WriteSet w;
    w.now = absl::FromUnixSeconds(1'800'000'000);
    UserRecord u = User("u1", "alice", "");
    u.user.updated_at = w.now;
    w.new_users = {u};
    ASSERT_TRUE((*store)->Commit(w).ok());
  }
  Exec(db.path(),
       IAM_DROP_VERSION_7 "ALTER TABLE users DROP COLUMN updated_at; PRAGMA user_version = 5;");
  auto store = SqliteStore::Open(db.path());
  ASSERT_TRUE(store.ok()) << store.status();
  auto user = (*store)->FindUser("t1", UserKey::kId, "u1");
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->user.updated_at, absl::InfinitePast());
  WriteSet w;
  w.now = absl::FromUnixSeconds(1'800'000'100);
  user->user.updated_at = w.now;
  w.updated_users.push_back({*user, 1});
  ASSERT_TRUE((*store)->Commit(w).ok());
  EXPECT_EQ((*store)->FindUser("t1", UserKey::kId, "u1")->user.updated_at, w.now);
}

// Version 7 chains each target's events: a version-6 log (events of a user,
// of a deleted user and of a group, interleaved) reads back the same by
// target, newest first and in pages, and new events join the chains.
TEST(SqliteMigrationTest, Version6AuditEventsAreChainedByTarget) {
  TempDbPath db;
  auto event = [](const std::string& target, const std::string& action, int minute) {
    AuditEvent e;
    e.tenant = "t1";
    e.time = absl::FromUnixSeconds(1'800'000'000) + absl::Minutes(minute);
    e.action = action;
    e.target = target;
    e.outcome = "success";
    return e;
  };
  auto actions = [](SqliteStore& store, const std::string& target, int page_size) {
    AuditQuery q;
    q.tenant = "t1";
    q.target = target;
    q.page_size = page_size;
    std::vector<std::string> seen;
    while (true) {
      auto page = store.ListAuditEvents(q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const AuditEvent& e : page->events) seen.push_back(e.action);
      if (page->next_page_token.empty()) break;
      q.page_token = page->next_page_token;
    }
    return absl::StrJoin(seen, ",");
  };
  {
    auto store = SqliteStore::Open(db.path());
    ASSERT_TRUE(store.ok());
    WriteSet w;
    w.now = absl::FromUnixSeconds(1'800'000'000);
    w.new_users = {User("u1", "alice", ""), User("u2", "bob", "")};
    ASSERT_TRUE((*store)->Commit(w).ok());
  }
  // The version-6 log, written as version 6 wrote it.
  Exec(db.path(), IAM_DROP_VERSION_7 R"sql(
INSERT INTO audit (tenant, time, actor, action, target, outcome, reason, request_id, source,
                   user_agent)
VALUES ('t1', 1, '', 'iam:CreateUser', 'u1', 'success', '', '', '', ''),
       ('t1', 2, '', 'iam:CreateUser', 'u2', 'success', '', '', '', ''),
       ('t1', 3, '', 'iam:CreateGroup', 'grp_1', 'success', '', '', '', ''),
       ('t1', 4, '', 'iam:UpdateUser', 'u1', 'success', '', '', '', ''),
       ('t1', 5, '', 'iam:DeleteUser', 'gone', 'success', '', '', '', ''),
       ('t1', 6, '', 'iam:Login', 'u1', 'failure', '', '', '', ''),
       ('t1', 7, '', 'iam:CreateUser', '', 'failure', '', '', '', ''),
       ('t2', 8, '', 'iam:Login', 'u1', 'success', '', '', '', '');
PRAGMA user_version = 6;
)sql");
  auto store = SqliteStore::Open(db.path());
  ASSERT_TRUE(store.ok()) << store.status();
  for (int page_size : {1, 2, 100}) {
    EXPECT_EQ(actions(**store, "u1", page_size), "iam:Login,iam:UpdateUser,iam:CreateUser");
  }
  EXPECT_EQ(actions(**store, "u2", 1), "iam:CreateUser");
  EXPECT_EQ(actions(**store, "grp_1", 1), "iam:CreateGroup");
  EXPECT_EQ(actions(**store, "gone", 1), "iam:DeleteUser");
  AuditQuery other_tenant;
  other_tenant.tenant = "t2";
  other_tenant.target = "u1";
  auto t2 = (*store)->ListAuditEvents(other_tenant);
  ASSERT_TRUE(t2.ok()) << t2.status();
  ASSERT_EQ(t2->events.size(), 1u);
  EXPECT_EQ(t2->events[0].action, "iam:Login");
  // New events join the chains: of a user (kept in its row), of a group,
  // and of a user deleted in the same commit.
  WriteSet w;
  w.now = absl::FromUnixSeconds(1'800'000'100);
  w.deleted_user_ids = {"u2"};
  w.tenant = "t1";
  w.audit = {event("u1", "iam:Login", 9), event("grp_1", "iam:DeleteGroup", 9),
             event("u2", "iam:DeleteUser", 9)};
  ASSERT_TRUE((*store)->Commit(w).ok());
  EXPECT_EQ(actions(**store, "u1", 2), "iam:Login,iam:Login,iam:UpdateUser,iam:CreateUser");
  EXPECT_EQ(actions(**store, "grp_1", 2), "iam:DeleteGroup,iam:CreateGroup");
  EXPECT_EQ(actions(**store, "u2", 2), "iam:DeleteUser,iam:CreateUser");
  // Pruning cuts the chains at the first pruned event; a target with nothing
  // left has nothing.
  ASSERT_TRUE((*store)->PruneAuditEvents(absl::FromUnixNanos(5)).ok());
  EXPECT_EQ(actions(**store, "u1", 2), "iam:Login,iam:Login");
  EXPECT_EQ(actions(**store, "gone", 2), "iam:DeleteUser");
  ASSERT_TRUE((*store)->PruneAuditEvents(absl::FromUnixNanos(6)).ok());
  EXPECT_EQ(actions(**store, "gone", 2), "");
}

// Version 4 adds policies: a version-3 group reads back at version 1 with no
// policies, takes some through an update, and the file holds tenant policies.
TEST(SqliteMigrationTest, Version3EntriesGainVersionsAndPolicies) {
  TempDbPath db;
  {
    auto store = SqliteStore::Open(db.path());
    ASSERT_TRUE(store.ok());
    DirectoryEntry g;
    g.tenant = "t1";
    g.id = "grp_1";
    g.name = "Admins";
    ASSERT_TRUE((*store)->CreateEntry(g).ok());
  }
  Exec(db.path(), (std::string(kDropSinceVersion4) + "PRAGMA user_version = 3;").c_str());
  auto store = SqliteStore::Open(db.path());
  ASSERT_TRUE(store.ok()) << store.status();
  auto group = (*store)->FindEntry(EntryKind::kGroup, "t1", "admins");
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->version, 1);
  EXPECT_TRUE(group->policies.empty());
  EXPECT_EQ(group->updated_at, absl::InfinitePast());
  group->policies = {"ReadOnly"};
  ASSERT_TRUE((*store)->UpdateEntry(*group, 1).ok());
  EXPECT_EQ((*store)->FindEntry(EntryKind::kGroup, "t1", "grp_1")->policies,
            std::vector<std::string>{"ReadOnly"});
  DirectoryEntry p;
  p.kind = EntryKind::kPolicy;
  p.tenant = "t1";
  p.id = "pol_1";
  p.name = "ReadOnly";
  p.document = R"({"Version":"1","Statement":[]})";
  ASSERT_TRUE((*store)->CreateEntry(p).ok());
  EXPECT_EQ((*store)->FindEntry(EntryKind::kPolicy, "t1", "readonly")->document, p.document);
}

// Version 3 adds access keys' descriptions: a version-2 key reads back with
// none, and takes one afterwards.
TEST(SqliteMigrationTest, Version2AccessKeysGainAnEmptyDescription) {
  TempDbPath db;
  {
    auto store = SqliteStore::Open(db.path());
    ASSERT_TRUE(store.ok());
    WriteSet w;
    w.now = absl::FromUnixSeconds(1'800'000'000);
    w.new_users = {User("u1", "alice", "")};
    AccessKeyRecord k;
    k.id = "AK1";
    k.tenant = "t1";
    k.user_id = "u1";
    k.sealed_secret = "sealed";
    k.key_id = "k1";
    w.new_access_keys = {k};
    ASSERT_TRUE((*store)->Commit(w).ok());
  }
  Exec(db.path(), (std::string(kDropSinceVersion4) +
                   "ALTER TABLE access_keys DROP COLUMN description; PRAGMA user_version = 2;")
                      .c_str());
  auto store = SqliteStore::Open(db.path());
  ASSERT_TRUE(store.ok()) << store.status();
  auto key = (*store)->FindAccessKey("AK1");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->description, "");
  key->description = "ci key";
  WriteSet w;
  w.now = absl::FromUnixSeconds(1'800'000'001);
  w.updated_access_keys = {*key};
  ASSERT_TRUE((*store)->Commit(w).ok());
  EXPECT_EQ((*store)->FindAccessKey("AK1")->description, "ci key");
}

TEST(SqliteMigrationTest, Version1PhonesAndLoginKeysAreRewritten) {
  TempDbPath db;
  // Back to what version 1 wrote: numbers as given, keys "region:number", no
  // login namespace.
  MakeVersion1File(db.path(), {User("u1", "alice", "alice@example.com"), User("u2", "bob", "")},
                   R"sql(
    UPDATE users SET phone_region = '086', phone = '013800000000' WHERE id = 'u1';
    UPDATE users SET phone_region = '', phone = '13900000000' WHERE id = 'u2';
    DELETE FROM user_keys WHERE kind IN (3, 5);
    INSERT INTO user_keys VALUES ('t1', 3, '086:013800000000', 'u1');
    INSERT INTO user_keys VALUES ('t1', 3, ':13900000000', 'u2');
  )sql");
  auto store = SqliteStore::Open(db.path());
  ASSERT_TRUE(store.ok()) << store.status();
  auto alice = (*store)->FindUser("t1", UserKey::kPhone, "+8613800000000");
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_EQ(alice->user.id, "u1");
  EXPECT_EQ(alice->user.phone_region, "86");
  EXPECT_EQ(alice->user.phone, "13800000000");
  auto bob = (*store)->FindUser("t1", UserKey::kPhone, "+8613900000000");
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->user.phone_region, "86");
  for (const char* login : {"alice", "alice@example.com", "+8613800000000"}) {
    auto found = (*store)->FindUser("t1", UserKey::kLogin, login);
    ASSERT_TRUE(found.ok()) << login << ": " << found.status();
    EXPECT_EQ(found->user.id, "u1") << login;
  }
  // The rewritten keys are enforced: bob cannot take alice's email as a name.
  UserRecord update = *bob;
  update.canonical_username = "alice@example.com";
  WriteSet w;
  w.now = absl::FromUnixSeconds(1'800'000'001);
  w.updated_users.push_back({update, bob->user.version});
  EXPECT_EQ(ErrorReason((*store)->Commit(w)), "username.duplicate");
}

// A version-1 file whose users would share a login identifier once canonical
// is refused, untouched, with the conflicts named; fixed, it opens.
TEST(SqliteMigrationTest, ConflictsAreRefusedNotDropped) {
  TempDbPath db;
  MakeVersion1File(db.path(), {User("u1", "alice", ""), User("u2", "bob", "")}, R"sql(
    UPDATE users SET phone_region = '86', phone = '13800000000' WHERE id = 'u1';
    UPDATE users SET phone_region = '086', phone = '013800000000' WHERE id = 'u2';
    DELETE FROM user_keys WHERE kind IN (3, 5);
    INSERT INTO user_keys VALUES ('t1', 3, '86:13800000000', 'u1');
    INSERT INTO user_keys VALUES ('t1', 3, '086:013800000000', 'u2');
  )sql");
  auto refused = SqliteStore::Open(db.path());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(ErrorReason(refused.status()), "store.migration_conflict");
  EXPECT_NE(refused.status().message().find("+8613800000000"), absl::string_view::npos);
  EXPECT_NE(refused.status().message().find("u1, u2"), absl::string_view::npos);
  // Nothing was rewritten; with the duplicate resolved the file opens.
  Exec(db.path(), R"sql(
    UPDATE users SET phone_region = '', phone = '' WHERE id = 'u2';
    DELETE FROM user_keys WHERE kind = 3 AND user_id = 'u2';
  )sql");
  auto opened = SqliteStore::Open(db.path());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ((*opened)->FindUser("t1", UserKey::kPhone, "+8613800000000")->user.id, "u1");
}

// Numbers stored without a region take the profile's default region.
TEST(SqliteMigrationTest, MissingRegionIsTheProfilesDefault) {
  TempDbPath db;
  MakeVersion1File(db.path(), {User("u1", "alice", "")}, R"sql(
    UPDATE users SET phone_region = '', phone = '2025550123' WHERE id = 'u1';
    DELETE FROM user_keys WHERE kind IN (3, 5);
    INSERT INTO user_keys VALUES ('t1', 3, ':2025550123', 'u1');
  )sql");
  SqliteOptions nist;
  nist.default_phone_region = "1";
  auto store = SqliteStore::Open(db.path(), nist);
  ASSERT_TRUE(store.ok()) << store.status();
  auto found = (*store)->FindUser("t1", UserKey::kPhone, "+12025550123");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->user.phone_region, "1");
}

}  // namespace
}  // namespace iam
