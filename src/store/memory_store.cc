// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/memory_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/names.h"
#include "store/store_keys.h"

namespace iam {

using internal::UniqueKey;

std::string FoldName(absl::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

absl::Status Store::UpdateEntry(const DirectoryEntry& entry, int64_t expected_version) {
  (void)entry;
  (void)expected_version;
  return MakeError(absl::StatusCode::kUnimplemented, "", "store.unsupported",
                   "this store cannot update directory entries");
}

absl::StatusOr<std::vector<OutboxMessage>> Store::ClaimOutbox(absl::Time now, int limit,
                                                              absl::Time lease_until) {
  (void)lease_until;
  return DueOutbox(now, limit);
}

namespace {

absl::Status Unsupported(absl::string_view what) {
  return MakeError(absl::StatusCode::kUnimplemented, "", "store.unsupported",
                   absl::StrCat("this store has no ", what));
}

}  // namespace

absl::StatusOr<std::vector<OutboxMessage>> Store::DeadOutbox(int) {
  return Unsupported("dead letters");
}
absl::StatusOr<int64_t> Store::CountUsers(const ListUsersQuery&) {
  return Unsupported("user count");
}
absl::Status Store::RedriveOutbox(int64_t, absl::Time) { return Unsupported("dead letters"); }
absl::StatusOr<AuditPage> Store::ListAuditEvents(const AuditQuery&) {
  return Unsupported("audit log");
}
absl::StatusOr<int64_t> Store::PruneAuditEvents(absl::Time) { return Unsupported("audit log"); }

absl::StatusOr<int64_t> AuditPageStart(absl::string_view page_token) {
  if (page_token.empty()) return std::numeric_limits<int64_t>::max();
  int64_t id = 0;
  if (!absl::SimpleAtoi(page_token, &id) || id <= 0) {
    return InvalidField("page_token", "page_token.invalid",
                        "page_token: not a token this audit log issued");
  }
  return id;
}

namespace {

std::string Key(absl::string_view tenant, UserKey key, absl::string_view value) {
  return absl::StrCat(tenant, "\x1f", static_cast<int>(key), "\x1f", value);
}

std::string EntryKey(EntryKind kind, absl::string_view tenant, absl::string_view value) {
  return absl::StrCat(static_cast<int>(kind), "\x1f", tenant, "\x1f", value);
}

}  // namespace

struct MemoryStore::Rep {
  std::mutex mu;
  std::map<std::string, UserRecord> users;                    // id -> record
  absl::flat_hash_map<std::string, std::string> unique;       // Key() -> user id
  std::map<std::string, IdempotencyRecord> idempotency;       // tenant\x1ftoken
  std::map<std::string, DirectoryEntry> entries;              // EntryKey(id)
  absl::flat_hash_map<std::string, std::string> entry_names;  // EntryKey(folded name) -> id
  std::map<std::string, AccessKeyRecord> access_keys;
  std::map<std::string, TokenRecord> tokens;
  std::set<std::string> tenants;
  std::map<int64_t, OutboxMessage> outbox;
  int64_t next_outbox_id = 1;
  std::vector<AuditEvent> audit;  // by id, increasing
  int64_t next_audit_id = 1;

  void Unindex(const UserRecord& r) {
    for (const UniqueKey& k : internal::UniqueKeysOf(r))
      unique.erase(Key(r.user.tenant, k.key, k.value));
  }
  void Index(const UserRecord& r) {
    for (const UniqueKey& k : internal::UniqueKeysOf(r)) {
      unique[Key(r.user.tenant, k.key, k.value)] = r.user.id;
    }
  }
  // Checks that a write set can apply; applies nothing.
  absl::Status Check(const WriteSet& w) {
    std::set<std::string> tokens;
    for (const IdempotencyRecord& rec : w.idempotency) {
      const std::string key = absl::StrCat(rec.tenant, "\x1f", rec.client_token);
      auto it = idempotency.find(key);
      if ((it != idempotency.end() && it->second.expires_at > w.now) ||
          !tokens.insert(key).second) {
        return internal::IdempotencyConflict();
      }
    }
    // Keys freed by updates and deletes in this set, and keys claimed by it.
    std::set<std::string> freed;
    std::set<std::string> claimed;
    for (const std::string& id : w.deleted_user_ids) {
      auto it = users.find(id);
      if (it == users.end() || it->second.user.tenant != w.tenant)
        return internal::NotFound("user");
      for (const UniqueKey& k : internal::UniqueKeysOf(it->second)) {
        freed.insert(Key(w.tenant, k.key, k.value));
      }
    }
    for (const WriteSet::Update& u : w.updated_users) {
      auto it = users.find(u.record.user.id);
      if (it == users.end()) return internal::NotFound("user");
      if (it->second.user.version != u.expected_version) return internal::VersionConflict();
      for (const UniqueKey& k : internal::UniqueKeysOf(it->second)) {
        freed.insert(Key(it->second.user.tenant, k.key, k.value));
      }
    }
    auto claim = [&](const UserRecord& r) -> absl::Status {
      for (const UniqueKey& k : internal::UniqueKeysOf(r)) {
        const std::string key = Key(r.user.tenant, k.key, k.value);
        auto it = unique.find(key);
        const bool taken = it != unique.end() && !freed.count(key);
        if (taken || !claimed.insert(key).second) return internal::DuplicateError(k);
      }
      return absl::OkStatus();
    };
    for (const WriteSet::Update& u : w.updated_users) {
      if (absl::Status s = claim(u.record); !s.ok()) return s;
    }
    for (const UserRecord& r : w.new_users) {
      if (users.count(r.user.id)) return internal::DuplicateError(UserKey::kId);
      if (absl::Status s = claim(r); !s.ok()) return s;
    }
    std::set<std::string> new_keys;
    for (const AccessKeyRecord& k : w.new_access_keys) {
      if (access_keys.count(k.id) || !new_keys.insert(k.id).second) {
        return internal::AccessKeyDuplicate();
      }
    }
    for (const AccessKeyRecord& k : w.updated_access_keys) {
      if (!access_keys.count(k.id)) return internal::NotFound("access_key");
    }
    return absl::OkStatus();
  }

  void Apply(const WriteSet& w) {
    for (const IdempotencyRecord& rec : w.idempotency) {
      idempotency[absl::StrCat(rec.tenant, "\x1f", rec.client_token)] = rec;
    }
    for (const std::string& id : w.deleted_user_ids) {
      auto it = users.find(id);
      Unindex(it->second);
      users.erase(it);
      for (auto k = access_keys.begin(); k != access_keys.end();) {
        k = k->second.user_id == id ? access_keys.erase(k) : std::next(k);
      }
      for (auto t = tokens.begin(); t != tokens.end();) {
        t = t->second.user_id == id ? tokens.erase(t) : std::next(t);
      }
    }
    for (const WriteSet::Update& u : w.updated_users) {
      auto it = users.find(u.record.user.id);
      Unindex(it->second);
      if (u.revoke_tokens) {
        for (auto t = tokens.begin(); t != tokens.end();) {
          t = t->second.user_id == u.record.user.id ? tokens.erase(t) : std::next(t);
        }
      }
      it->second = u.record;
      it->second.user.version = u.expected_version + (u.keep_version ? 0 : 1);
    }
    for (const WriteSet::Update& u : w.updated_users) Index(users[u.record.user.id]);
    for (const UserRecord& r : w.new_users) {
      users[r.user.id] = r;
      Index(r);
    }
    for (const AccessKeyRecord& k : w.new_access_keys) access_keys[k.id] = k;
    for (const AccessKeyRecord& k : w.updated_access_keys) access_keys[k.id] = k;
    for (const std::string& id : w.deleted_access_key_ids) access_keys.erase(id);
    for (const TokenRecord& t : w.new_tokens) tokens[t.hash] = t;
    for (const std::string& h : w.deleted_token_hashes) tokens.erase(h);
    for (OutboxMessage m : w.outbox) {
      m.id = next_outbox_id++;
      outbox[m.id] = std::move(m);
    }
    for (AuditEvent e : w.audit) {
      e.id = next_audit_id++;
      audit.push_back(std::move(e));
    }
  }
};

MemoryStore::MemoryStore() : rep_(std::make_unique<Rep>()) {}
MemoryStore::~MemoryStore() = default;

absl::Status MemoryStore::Commit(const WriteSet& writes) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  if (absl::Status s = rep_->Check(writes); !s.ok()) return s;
  rep_->Apply(writes);
  return absl::OkStatus();
}

absl::StatusOr<UserRecord> MemoryStore::FindUser(absl::string_view tenant, UserKey key,
                                                 absl::string_view value) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::string id(value);
  if (key != UserKey::kId) {
    auto it = rep_->unique.find(Key(tenant, key, value));
    if (it == rep_->unique.end()) return internal::NotFound("user");
    id = it->second;
  }
  auto it = rep_->users.find(id);
  if (it == rep_->users.end() || it->second.user.tenant != tenant)
    return internal::NotFound("user");
  return it->second;
}

namespace {

// Whether ListUsers lists `r` for `q` (its page token aside).
bool Listed(const UserRecord& r, const ListUsersQuery& q) {
  if (r.user.tenant != q.tenant) return false;
  if (!absl::StartsWith(r.canonical_username, q.username_prefix)) return false;
  if (!q.group_id.empty() &&
      std::find(r.user.groups.begin(), r.user.groups.end(), q.group_id) == r.user.groups.end()) {
    return false;
  }
  if (!q.ou_id.empty() && r.user.primary_ou != q.ou_id &&
      std::find(r.user.ous.begin(), r.user.ous.end(), q.ou_id) == r.user.ous.end()) {
    return false;
  }
  return !q.enabled.has_value() || r.user.enabled == *q.enabled;
}

}  // namespace

absl::StatusOr<ListUsersPage> MemoryStore::ListUsers(const ListUsersQuery& q) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<const UserRecord*> matches;
  for (const auto& [id, r] : rep_->users) {
    if (!q.page_token.empty() && r.canonical_username <= q.page_token) continue;
    if (Listed(r, q)) matches.push_back(&r);
  }
  // Only the page is sorted into place.
  const size_t n = std::min(matches.size(), static_cast<size_t>(std::max(q.page_size, 1)));
  const auto by_name = [](const UserRecord* a, const UserRecord* b) {
    return a->canonical_username < b->canonical_username;
  };
  std::partial_sort(matches.begin(), matches.begin() + n, matches.end(), by_name);
  ListUsersPage page;
  for (size_t i = 0; i < n; ++i) page.users.push_back(*matches[i]);
  if (matches.size() > n) page.next_page_token = page.users.back().canonical_username;
  return page;
}

absl::StatusOr<int64_t> MemoryStore::CountUsers(const ListUsersQuery& q) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  int64_t n = 0;
  for (const auto& [id, r] : rep_->users) n += Listed(r, q) ? 1 : 0;
  return n;
}

absl::StatusOr<std::optional<IdempotencyRecord>> MemoryStore::FindIdempotency(
    absl::string_view tenant, absl::string_view client_token) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->idempotency.find(absl::StrCat(tenant, "\x1f", client_token));
  if (it == rep_->idempotency.end()) return std::optional<IdempotencyRecord>();
  return std::optional<IdempotencyRecord>(it->second);
}

absl::Status MemoryStore::CreateEntry(const DirectoryEntry& entry) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  const std::string name_key = EntryKey(entry.kind, entry.tenant, FoldName(entry.name));
  const std::string kind = std::string(KindInfo(entry.kind).reason_name);
  if (rep_->entry_names.count(name_key) ||
      rep_->entries.count(EntryKey(entry.kind, entry.tenant, entry.id))) {
    return MakeError(absl::StatusCode::kAlreadyExists, "name", kind + ".duplicate",
                     "name: a " + kind + " with this name already exists");
  }
  rep_->entries[EntryKey(entry.kind, entry.tenant, entry.id)] = entry;
  rep_->entry_names[name_key] = entry.id;
  return absl::OkStatus();
}

absl::StatusOr<DirectoryEntry> MemoryStore::FindEntry(EntryKind kind, absl::string_view tenant,
                                                      absl::string_view id_or_name) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->entries.find(EntryKey(kind, tenant, id_or_name));
  if (it != rep_->entries.end()) return it->second;
  auto name = rep_->entry_names.find(EntryKey(kind, tenant, FoldName(id_or_name)));
  if (name != rep_->entry_names.end()) return rep_->entries[EntryKey(kind, tenant, name->second)];
  return internal::NotFound(std::string(KindInfo(kind).reason_name));
}

absl::StatusOr<std::vector<DirectoryEntry>> MemoryStore::ListEntries(EntryKind kind,
                                                                     absl::string_view tenant,
                                                                     absl::string_view keyword) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<DirectoryEntry> out;
  const std::string folded = FoldName(keyword);
  for (const auto& [key, e] : rep_->entries) {
    if (e.kind == kind && e.tenant == tenant && absl::StrContains(FoldName(e.name), folded)) {
      out.push_back(e);
    }
  }
  std::sort(out.begin(), out.end(), [](const DirectoryEntry& a, const DirectoryEntry& b) {
    return FoldName(a.name) < FoldName(b.name);
  });
  return out;
}

absl::Status MemoryStore::UpdateEntry(const DirectoryEntry& entry, int64_t expected_version) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->entries.find(EntryKey(entry.kind, entry.tenant, entry.id));
  if (it == rep_->entries.end()) return internal::NotFound(KindInfo(entry.kind).reason_name);
  DirectoryEntry& stored = it->second;
  if (stored.version != expected_version) return internal::EntryVersionConflict(entry.kind);
  stored.description = entry.description;
  stored.document = entry.document;
  stored.policies = entry.policies;
  stored.updated_at = entry.updated_at;
  stored.version = expected_version + 1;
  return absl::OkStatus();
}

absl::Status MemoryStore::DeleteEntry(EntryKind kind, absl::string_view tenant,
                                      absl::string_view id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  const std::string kind_name = std::string(KindInfo(kind).reason_name);
  auto it = rep_->entries.find(EntryKey(kind, tenant, id));
  if (it == rep_->entries.end()) return internal::NotFound(kind_name);
  for (const auto& [uid, r] : rep_->users) {
    if (r.user.tenant == tenant && internal::References(r.user, it->second)) {
      return internal::EntryInUse(kind);
    }
  }
  if (kind == EntryKind::kPolicy) {
    for (const auto& [key, group] : rep_->entries) {
      if (group.kind == EntryKind::kGroup && group.tenant == tenant &&
          internal::NamesPolicy(group.policies, it->second.name)) {
        return internal::EntryInUse(kind);
      }
    }
  }
  rep_->entry_names.erase(EntryKey(kind, tenant, FoldName(it->second.name)));
  rep_->entries.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<AccessKeyRecord> MemoryStore::FindAccessKey(absl::string_view access_key_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->access_keys.find(std::string(access_key_id));
  if (it == rep_->access_keys.end()) return internal::NotFound("access_key");
  return it->second;
}

absl::StatusOr<std::vector<AccessKeyRecord>> MemoryStore::ListAccessKeys(
    absl::string_view tenant, absl::string_view user_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<AccessKeyRecord> out;
  for (const auto& [id, k] : rep_->access_keys) {
    if (k.tenant == tenant && k.user_id == user_id) out.push_back(k);
  }
  return out;
}

absl::StatusOr<TokenRecord> MemoryStore::FindToken(absl::string_view hash) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->tokens.find(std::string(hash));
  if (it == rep_->tokens.end()) return internal::NotFound("token");
  return it->second;
}

absl::Status MemoryStore::RegisterTenant(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  rep_->tenants.insert(std::string(tenant));
  return absl::OkStatus();
}

absl::StatusOr<bool> MemoryStore::TenantExists(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return rep_->tenants.count(std::string(tenant)) > 0;
}

absl::StatusOr<std::vector<OutboxMessage>> MemoryStore::DueOutbox(absl::Time now, int limit) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<OutboxMessage> out;
  for (const auto& [id, m] : rep_->outbox) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (m.next_attempt_at <= now) out.push_back(m);
  }
  return out;
}

absl::StatusOr<std::vector<OutboxMessage>> MemoryStore::ClaimOutbox(absl::Time now, int limit,
                                                                    absl::Time lease_until) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<OutboxMessage> out;
  for (auto& [id, m] : rep_->outbox) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (m.next_attempt_at > now) continue;
    out.push_back(m);
    m.next_attempt_at = lease_until;
  }
  return out;
}

absl::Status MemoryStore::CompleteOutbox(int64_t id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  rep_->outbox.erase(id);
  return absl::OkStatus();
}

absl::Status MemoryStore::RescheduleOutbox(int64_t id, int attempts, absl::Time next_attempt_at,
                                           absl::string_view last_error) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->outbox.find(id);
  if (it == rep_->outbox.end()) return internal::NotFound("outbox");
  it->second.attempts = attempts;
  it->second.next_attempt_at = next_attempt_at;
  it->second.last_error = std::string(last_error);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MemoryStore::PendingOutbox() {
  std::lock_guard<std::mutex> lock(rep_->mu);
  return static_cast<int64_t>(rep_->outbox.size());
}

absl::StatusOr<std::vector<OutboxMessage>> MemoryStore::DeadOutbox(int limit) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  std::vector<OutboxMessage> out;
  for (const auto& [id, m] : rep_->outbox) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (m.next_attempt_at == absl::InfiniteFuture()) out.push_back(m);
  }
  return out;
}

absl::Status MemoryStore::RedriveOutbox(int64_t id, absl::Time now) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  auto it = rep_->outbox.find(id);
  if (it == rep_->outbox.end() || it->second.next_attempt_at != absl::InfiniteFuture()) {
    return internal::NotFound("outbox");
  }
  it->second.attempts = 0;
  it->second.next_attempt_at = now;
  return absl::OkStatus();
}

absl::StatusOr<AuditPage> MemoryStore::ListAuditEvents(const AuditQuery& q) {
  IAM_ASSIGN_OR_RETURN(const int64_t below, AuditPageStart(q.page_token));
  std::lock_guard<std::mutex> lock(rep_->mu);
  AuditPage page;
  for (auto it = rep_->audit.rbegin(); it != rep_->audit.rend(); ++it) {
    if (it->id < below && !internal::AddToAuditPage(q, *it, &page)) break;
  }
  return page;
}

absl::StatusOr<int64_t> MemoryStore::PruneAuditEvents(absl::Time before) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  const size_t size = rep_->audit.size();
  rep_->audit.erase(std::remove_if(rep_->audit.begin(), rep_->audit.end(),
                                   [&](const AuditEvent& e) { return e.time < before; }),
                    rep_->audit.end());
  return static_cast<int64_t>(size - rep_->audit.size());
}

}  // namespace iam
