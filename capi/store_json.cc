// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "store_json.h"

#include <limits>
#include <stdexcept>

#include "iam/names.h"
#include "json/user_json.h"
#include "store/store_keys.h"

namespace iam::capi {
namespace {

using nlohmann::json;

using internal::ValueOr;

std::string Str(const json& j, const char* key) { return ValueOr<std::string>(j, key, ""); }

std::vector<std::string> Strings(const json& j, const char* key) {
  return ValueOr<std::vector<std::string>>(j, key, {});
}

}  // namespace

const char* EntryKindText(EntryKind kind) { return KindInfo(kind).json_name.data(); }

std::optional<EntryKind> EntryKindFromText(absl::string_view text) {
  const EntryKindInfo* info = FindKind(text);
  if (info == nullptr) return std::nullopt;
  return info->kind;
}

const char* UserKeyText(UserKey key) { return internal::KeyName(key); }

namespace {

constexpr std::pair<TokenPurpose, const char*> kTokenPurposes[] = {
    {TokenPurpose::kFirstLogin, "first_login"},
    {TokenPurpose::kPasswordReset, "password_reset"},
    {TokenPurpose::kSession, "session"},
};

}  // namespace

const char* TokenPurposeText(TokenPurpose purpose) {
  for (const auto& [p, text] : kTokenPurposes) {
    if (p == purpose) return text;
  }
  return "first_login";
}

TokenPurpose TokenPurposeFromText(absl::string_view text) {
  for (const auto& [p, name] : kTokenPurposes) {
    if (text == name) return p;
  }
  return TokenPurpose::kFirstLogin;
}

std::optional<UserKey> UserKeyFromText(absl::string_view text) {
  for (UserKey k : {UserKey::kId, UserKey::kUsername, UserKey::kEmail, UserKey::kPhone,
                    UserKey::kExternalId, UserKey::kLogin}) {
    if (text == internal::KeyName(k)) return k;
  }
  return std::nullopt;
}

json ToJson(const UserRecord& r) {
  json keys = json::array();
  for (const internal::UniqueKey& k : internal::UniqueKeysOf(r)) {
    keys.push_back({{"key", internal::KeyName(k.key)},
                    {"value", k.value},
                    {"field", internal::KeyName(k.field)}});
  }
  return {{"user", internal::ToJson(r.user, internal::UserJsonStyle::kRecord)},
          {"canonical_username", r.canonical_username},
          {"canonical_email", r.canonical_email},
          {"password_hash", r.password_hash},
          {"password_history", r.password_history},
          {"failed_logins", r.failed_logins},
          {"locked_until", TimeToNanos(r.locked_until)},
          {"unique_keys", keys}};
}

UserRecord UserRecordFromJson(const json& j) {
  UserRecord r;
  r.user = internal::UserFromJsonOrThrow(j.at("user"), internal::UserJsonStyle::kRecord);
  r.canonical_username = Str(j, "canonical_username");
  r.canonical_email = Str(j, "canonical_email");
  r.password_hash = Str(j, "password_hash");
  r.password_history = Strings(j, "password_history");
  r.failed_logins = ValueOr<int>(j, "failed_logins", 0);
  r.locked_until = TimeFromNanos(j.value("locked_until", json()), absl::InfinitePast());
  return r;
}

json ToJson(const DirectoryEntry& e) {
  return {{"kind", EntryKindText(e.kind)},
          {"tenant", e.tenant},
          {"id", e.id},
          {"name", e.name},
          {"description", e.description},
          {"field_type", e.field_type},
          {"max_length", e.max_length},
          {"allowed_values", e.allowed_values},
          {"pattern", e.pattern},
          {"document", e.document},
          {"policies", e.policies},
          {"version", e.version},
          {"created_at", TimeToNanos(e.created_at)},
          {"updated_at", TimeToNanos(e.updated_at)}};
}

DirectoryEntry EntryFromJson(const json& j) {
  DirectoryEntry e;
  const std::string kind = Str(j, "kind");
  auto parsed = EntryKindFromText(kind);
  if (!parsed) throw std::invalid_argument("unknown entry kind '" + kind + "'");
  e.kind = *parsed;
  e.tenant = Str(j, "tenant");
  e.id = j.at("id").get<std::string>();
  e.name = Str(j, "name");
  e.description = Str(j, "description");
  e.field_type = Str(j, "field_type");
  e.max_length = ValueOr<int>(j, "max_length", 0);
  e.allowed_values = Strings(j, "allowed_values");
  e.pattern = Str(j, "pattern");
  e.document = Str(j, "document");
  e.policies = Strings(j, "policies");
  e.version = ValueOr<int64_t>(j, "version", 1);
  e.created_at = TimeFromNanos(j.value("created_at", json()), absl::InfinitePast());
  e.updated_at = TimeFromNanos(j.value("updated_at", json()), absl::InfinitePast());
  return e;
}

json ToJson(const AccessKeyRecord& k) {
  return {{"id", k.id},
          {"tenant", k.tenant},
          {"user_id", k.user_id},
          {"sealed_secret", k.sealed_secret},
          {"key_id", k.key_id},
          {"enabled", k.enabled},
          {"created_at", TimeToNanos(k.created_at)},
          {"last_used_at", TimeToNanos(k.last_used_at)},
          {"description", k.description},
          {"last_used_from", k.last_used_from}};
}

AccessKeyRecord AccessKeyFromJson(const json& j) {
  AccessKeyRecord k;
  k.id = j.at("id").get<std::string>();
  k.tenant = Str(j, "tenant");
  k.user_id = Str(j, "user_id");
  k.sealed_secret = Str(j, "sealed_secret");
  k.key_id = Str(j, "key_id");
  k.enabled = ValueOr<bool>(j, "enabled", true);
  k.created_at = TimeFromNanos(j.value("created_at", json()), absl::InfinitePast());
  k.last_used_at = TimeFromNanos(j.value("last_used_at", json()), absl::InfinitePast());
  k.description = Str(j, "description");        // absent from hosts written before 1.3
  k.last_used_from = Str(j, "last_used_from");  // absent from hosts written before 1.4
  return k;
}

json ToJson(const TokenRecord& t) {
  return {{"hash", t.hash},
          {"tenant", t.tenant},
          {"user_id", t.user_id},
          {"purpose", TokenPurposeText(t.purpose)},
          {"expires_at", TimeToNanos(t.expires_at)}};
}

TokenRecord TokenFromJson(const json& j) {
  TokenRecord t;
  t.hash = j.at("hash").get<std::string>();
  t.tenant = Str(j, "tenant");
  t.user_id = Str(j, "user_id");
  t.purpose = TokenPurposeFromText(Str(j, "purpose"));
  t.expires_at = TimeFromNanos(j.value("expires_at", json()), absl::InfinitePast());
  return t;
}

json ToJson(const IdempotencyRecord& r) {
  return {{"tenant", r.tenant},
          {"client_token", r.client_token},
          {"fingerprint", r.fingerprint},
          {"response", r.response},
          {"expires_at", TimeToNanos(r.expires_at)}};
}

IdempotencyRecord IdempotencyFromJson(const json& j) {
  IdempotencyRecord r;
  r.tenant = Str(j, "tenant");
  r.client_token = Str(j, "client_token");
  r.fingerprint = Str(j, "fingerprint");
  r.response = Str(j, "response");
  r.expires_at = TimeFromNanos(j.value("expires_at", json()), absl::InfinitePast());
  return r;
}

json ToJson(const OutboxMessage& m) {
  return {{"id", m.id},
          {"tenant", m.tenant},
          {"user_id", m.user_id},
          {"channel", m.channel},
          {"recipient", m.recipient},
          {"kind", m.kind},
          {"sealed_body", m.sealed_body},
          {"attempts", m.attempts},
          {"next_attempt_at", TimeToNanos(m.next_attempt_at)},
          {"last_error", m.last_error}};
}

OutboxMessage OutboxFromJson(const json& j) {
  OutboxMessage m;
  m.id = j.at("id").get<int64_t>();
  m.tenant = Str(j, "tenant");
  m.user_id = Str(j, "user_id");
  m.channel = Str(j, "channel");
  m.recipient = Str(j, "recipient");
  m.kind = Str(j, "kind");
  m.sealed_body = Str(j, "sealed_body");
  m.attempts = ValueOr<int>(j, "attempts", 0);
  m.next_attempt_at = TimeFromNanos(j.value("next_attempt_at", json()), absl::InfinitePast());
  m.last_error = Str(j, "last_error");
  return m;
}

json ToJson(const WriteSet& w) {
  json new_users = json::array();
  for (const UserRecord& r : w.new_users) new_users.push_back(ToJson(r));
  json updated = json::array();
  for (const WriteSet::Update& u : w.updated_users) {
    updated.push_back({{"record", ToJson(u.record)},
                       {"expected_version", u.expected_version},
                       {"keep_version", u.keep_version},
                       {"revoke_tokens", u.revoke_tokens}});
  }
  json new_keys = json::array();
  for (const AccessKeyRecord& k : w.new_access_keys) new_keys.push_back(ToJson(k));
  json updated_keys = json::array();
  for (const AccessKeyRecord& k : w.updated_access_keys) updated_keys.push_back(ToJson(k));
  json tokens = json::array();
  for (const TokenRecord& t : w.new_tokens) tokens.push_back(ToJson(t));
  json outbox = json::array();
  for (const OutboxMessage& m : w.outbox) outbox.push_back(ToJson(m));
  json idempotency = json::array();
  for (const IdempotencyRecord& r : w.idempotency) idempotency.push_back(ToJson(r));
  return {{"now", TimeToNanos(w.now)},
          {"tenant", w.tenant},
          // The first record, as version 1 and 2 hosts read it; version 3
          // hosts read every one from "idempotency_records".
          {"idempotency", w.idempotency.empty() ? json() : ToJson(w.idempotency.front())},
          {"idempotency_records", idempotency},
          {"new_users", new_users},
          {"updated_users", updated},
          {"deleted_user_ids", w.deleted_user_ids},
          {"new_access_keys", new_keys},
          {"updated_access_keys", updated_keys},
          {"deleted_access_key_ids", w.deleted_access_key_ids},
          {"new_tokens", tokens},
          {"deleted_token_hashes", w.deleted_token_hashes},
          {"outbox", outbox}};
}

json ToJson(const ListUsersQuery& q) {
  return {{"tenant", q.tenant},
          {"page_size", q.page_size},
          {"page_token", q.page_token},
          {"username_prefix", q.username_prefix},
          {"group_id", q.group_id},
          {"ou_id", q.ou_id},
          {"enabled", q.enabled.has_value() ? json(*q.enabled) : json()}};
}

ListUsersPage PageFromJson(const json& j) {
  ListUsersPage page;
  if (auto it = j.find("users"); it != j.end() && !it->is_null()) {
    for (const json& r : *it) page.users.push_back(UserRecordFromJson(r));
  }
  page.next_page_token = Str(j, "next_page_token");
  return page;
}

}  // namespace iam::capi
