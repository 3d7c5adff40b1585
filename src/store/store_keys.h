// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The unique keys of a user record, shared by every store so they agree on
// what collides and how the error reads.
#ifndef IAM_SRC_STORE_STORE_KEYS_H_
#define IAM_SRC_STORE_STORE_KEYS_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/error.h"
#include "iam/names.h"
#include "iam/profile.h"
#include "iam/store.h"
#include "iam/username.h"

namespace iam::internal {

struct UniqueKey {
  UserKey key;
  std::string value;
  UserKey field;  // the field a collision is reported under (for kLogin, its source)
};

// The keys a record claims: username always; email, phone (E.164 of the
// stored, canonical region and number) and external id when set; then the
// login namespace: username, email and phone again, once each.
inline std::vector<UniqueKey> UniqueKeysOf(const UserRecord& r) {
  std::vector<UniqueKey> keys;
  keys.push_back({UserKey::kUsername, r.canonical_username, UserKey::kUsername});
  if (!r.canonical_email.empty()) {
    keys.push_back({UserKey::kEmail, r.canonical_email, UserKey::kEmail});
  }
  if (!r.user.phone.empty()) {
    keys.push_back({UserKey::kPhone, "+" + r.user.phone_region + r.user.phone, UserKey::kPhone});
  }
  if (!r.user.external_id.empty()) {
    keys.push_back({UserKey::kExternalId, r.user.external_id, UserKey::kExternalId});
  }
  const size_t identity_keys = keys.size();
  for (size_t i = 0; i < identity_keys; ++i) {
    const UniqueKey& k = keys[i];
    if (k.key == UserKey::kExternalId) continue;
    bool seen = false;
    for (size_t j = identity_keys; j < keys.size(); ++j) seen |= keys[j].value == k.value;
    if (!seen) keys.push_back({UserKey::kLogin, k.value, k.key});
  }
  return keys;
}

inline const char* KeyName(UserKey key) {
  switch (key) {
    case UserKey::kId:
      return "id";
    case UserKey::kUsername:
      return "username";
    case UserKey::kEmail:
      return "email";
    case UserKey::kPhone:
      return "phone";
    case UserKey::kExternalId:
      return "external_id";
    case UserKey::kLogin:
      return "login";
  }
  return "key";
}

// The user `id_or_username` names: by id, else by username in `profile`'s
// canonical form. The store's kNotFound when neither matches.
inline absl::StatusOr<UserRecord> FindUserByIdOrName(Store& store, const Profile& profile,
                                                     absl::string_view tenant,
                                                     absl::string_view id_or_username) {
  absl::StatusOr<UserRecord> r = store.FindUser(tenant, UserKey::kId, id_or_username);
  if (absl::IsNotFound(r.status())) {
    absl::StatusOr<std::string> canonical = UsernameLookupKey(profile, id_or_username);
    if (canonical.ok()) r = store.FindUser(tenant, UserKey::kUsername, *canonical);
  }
  return r;
}

inline absl::Status DuplicateError(UserKey key) {
  const std::string name = KeyName(key);
  return MakeError(absl::StatusCode::kAlreadyExists, name, name + ".duplicate",
                   name + ": already in use in this tenant");
}

// A collision on `k`, reported under the field it came from: a login-key
// collision is another user's username, email or mobile number.
inline absl::Status DuplicateError(const UniqueKey& k) {
  if (k.key != UserKey::kLogin) return DuplicateError(k.key);
  const std::string name = KeyName(k.field);
  return MakeError(absl::StatusCode::kAlreadyExists, name, name + ".duplicate",
                   name +
                       ": already used by another user of this tenant to log in (as a "
                       "username, email or mobile number)");
}

// No record `what` ("user", "access_key", "token", "outbox", an entry kind).
inline absl::Status NotFound(absl::string_view what) {
  return MakeError(absl::StatusCode::kNotFound, what, absl::StrCat(what, ".not_found"),
                   absl::StrCat(what, ": not found"));
}

inline absl::Status AccessKeyDuplicate() {
  return MakeError(absl::StatusCode::kAlreadyExists, "access_key", "access_key.duplicate",
                   "access_key: id already exists");
}

inline absl::Status IdempotencyConflict() {
  return MakeError(absl::StatusCode::kAlreadyExists, "client_token", "idempotency.conflict",
                   "client_token: a request with this token is already recorded");
}

inline absl::Status EntryVersionConflict(EntryKind kind) {
  const absl::string_view kind_name = KindInfo(kind).reason_name;
  return MakeError(
      absl::StatusCode::kAborted, "version", absl::StrCat(kind_name, ".version_conflict"),
      absl::StrCat("version: the ", kind_name, " was changed by another request; read it again"));
}

// A policy still attached to a user or a group, or another entry a user
// references.
inline absl::Status EntryInUse(EntryKind kind) {
  const absl::string_view kind_name = KindInfo(kind).reason_name;
  return MakeError(absl::StatusCode::kFailedPrecondition, "id", absl::StrCat(kind_name, ".in_use"),
                   kind == EntryKind::kPolicy
                       ? "id: the policy is still attached to a user or a group"
                       : absl::StrCat("id: the ", kind_name, " still has members"));
}

inline absl::Status VersionConflict() {
  return MakeError(absl::StatusCode::kAborted, "version", "user.version_conflict",
                   "version: the user was changed by another request; read it again");
}

// A batch member that was valid but not created because a sibling failed.
inline absl::Status BatchSiblingError() {
  return MakeError(absl::StatusCode::kAborted, "", "batch.aborted",
                   "not created: another user in the batch failed");
}

// True when `names` holds the policy `name`, ignoring ASCII case.
inline bool NamesPolicy(const std::vector<std::string>& names, absl::string_view name) {
  for (const std::string& n : names) {
    if (absl::EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

// True when `user` references `entry` (groups and OUs by id, custom fields and
// policies by name).
inline bool References(const User& user, const DirectoryEntry& entry) {
  const std::string& id = entry.id;
  switch (entry.kind) {
    case EntryKind::kGroup:
      for (const auto& g : user.groups) {
        if (g == id) return true;
      }
      return false;
    case EntryKind::kOrganizationalUnit:
      if (user.primary_ou == id) return true;
      for (const auto& o : user.ous) {
        if (o == id) return true;
      }
      return false;
    case EntryKind::kCustomField:
      return user.custom_fields.count(entry.name) > 0;
    case EntryKind::kPolicy:
      return NamesPolicy(user.policies, entry.name);
    case EntryKind::kSetting:
      return false;
  }
  return false;
}

// Fills a page of ListAuditEvents, newest first: adds `e` when it matches
// the query (tenant, target, action, time) and the page has room. Once the
// page is full it names the page before `e` as the next one and answers
// false: stop reading. Shared by the stores, so they page alike.
inline bool AddToAuditPage(const AuditQuery& q, const AuditEvent& e, AuditPage* page) {
  if (e.tenant != q.tenant || (!q.target.empty() && e.target != q.target) ||
      (!q.action.empty() && e.action != q.action) || e.time < q.since || e.time >= q.until) {
    return true;
  }
  if (page->events.size() >= static_cast<size_t>(std::max(q.page_size, 1))) {
    page->next_page_token = absl::StrCat(page->events.back().id);
    return false;
  }
  page->events.push_back(e);
  return true;
}

}  // namespace iam::internal

#endif  // IAM_SRC_STORE_STORE_KEYS_H_
