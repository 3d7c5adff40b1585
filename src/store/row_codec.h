// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// How the SQL stores (SQLite, PostgreSQL) put values into columns and read
// them back, shared so both write the same forms in the same column order: times as unix
// nanoseconds with InfinitePast and InfiniteFuture as INT64_MIN and INT64_MAX, lists and maps of
// strings as JSON text (strict UTF-8: other bytes are an error, never replaced).
#ifndef IAM_SRC_STORE_ROW_CODEC_H_
#define IAM_SRC_STORE_ROW_CODEC_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "iam/error.h"
#include "iam/user.h"
#include "nlohmann/json.hpp"

namespace iam::internal {

inline int64_t ToNanos(absl::Time t) {
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  return absl::ToUnixNanos(t);  // saturates outside the int64 range
}

inline absl::Time FromNanos(int64_t n) {
  if (n == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  if (n == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  return absl::FromUnixNanos(n);
}

// A stored value that cannot be decoded; `store` names the backend.
inline absl::Status Corrupt(absl::string_view store, absl::string_view what) {
  return MakeError(absl::StatusCode::kDataLoss, "", "store.corrupt",
                   absl::StrCat(store, ": stored ", what, " cannot be decoded"));
}

// JSON text of a list or map of strings; kInvalidArgument naming `field` when
// a string is not UTF-8.
template <typename T>
absl::StatusOr<std::string> EncodeJson(const T& value, absl::string_view field) {
  using Json = nlohmann::json;
  try {
    return Json(value).dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return InvalidField(field, "store.not_utf8",
                        absl::StrCat(field, ": must be valid UTF-8 to be stored"));
  }
}

template <typename T>
absl::Status DecodeJson(absl::string_view store, absl::string_view text, absl::string_view what,
                        T* out) {
  using Json = nlohmann::json;
  try {
    Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Corrupt(store, what);
    *out = j.get<T>();
    return absl::OkStatus();
  } catch (const Json::exception&) {
    return Corrupt(store, what);
  }
}

// The JSON columns of a user row.
struct UserJsonColumns {
  std::string ous, groups, custom_fields, policies, password_history;
};

inline absl::StatusOr<UserJsonColumns> EncodeUserJson(const UserRecord& r) {
  UserJsonColumns c;
  const User& u = r.user;
  IAM_ASSIGN_OR_RETURN(c.ous, EncodeJson(u.ous, "ous"));
  IAM_ASSIGN_OR_RETURN(c.groups, EncodeJson(u.groups, "groups"));
  IAM_ASSIGN_OR_RETURN(c.custom_fields, EncodeJson(u.custom_fields, "custom_fields"));
  IAM_ASSIGN_OR_RETURN(c.policies, EncodeJson(u.policies, "policies"));
  IAM_ASSIGN_OR_RETURN(c.password_history, EncodeJson(r.password_history, "password_history"));
  return c;
}

inline absl::Status DecodeUserJson(absl::string_view store, const UserJsonColumns& c,
                                   UserRecord* r) {
  User& u = r->user;
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.ous, "user.ous", &u.ous));
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.groups, "user.groups", &u.groups));
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.custom_fields, "user.custom_fields", &u.custom_fields));
  IAM_RETURN_IF_ERROR(DecodeJson(store, c.policies, "user.policies", &u.policies));
  return DecodeJson(store, c.password_history, "user.password_history", &r->password_history);
}

// The columns of each table, in the one order every read and write of both
// SQL stores uses (the binders and readers below follow it).
#define IAM_USER_COLUMNS                                                                    \
  "id, tenant, username, display_name, description, email, email_verified, phone_region, "  \
  "phone, phone_verified, external_id, enabled, default_project_id, primary_ou, ou_ids, "   \
  "group_ids, custom_fields, policies, console_access, password_reset_required, "           \
  "sms_login_verification, created_at, password_changed_at, password_expires_at, version, " \
  "canonical_username, canonical_email, password_hash, password_history, failed_logins, "   \
  "locked_until, updated_at"

#define IAM_ENTRY_COLUMNS                                                                      \
  "tenant, kind, id, name, folded_name, description, field_type, max_length, allowed_values, " \
  "pattern, created_at, document, policies, version, updated_at"

#define IAM_ACCESS_KEY_COLUMNS                                                                   \
  "id, tenant, user_id, sealed_secret, key_id, enabled, created_at, last_used_at, description, " \
  "last_used_from"

#define IAM_OUTBOX_COLUMNS                                                                  \
  "id, tenant, user_id, channel, recipient, kind, sealed_body, attempts, next_attempt_at, " \
  "last_error"

#define IAM_AUDIT_COLUMNS \
  "id, tenant, time, actor, action, target, outcome, reason, request_id, source, user_agent"

#define IAM_TOKEN_COLUMNS "hash, tenant, user_id, purpose, expires_at"

#define IAM_IDEMPOTENCY_COLUMNS "tenant, client_token, fingerprint, response, expires_at"

// Binders (a statement's parameters: Text, Blob, Int, Bool, Time, each the
// next parameter) and rows (Str, Int, Bool, Time of a column index) are the
// stores' own; these fill and read them in column order.

// The 32 values of a user row, `version` as its version.
template <typename Binder>
void BindUser(Binder& b, const UserRecord& r, const UserJsonColumns& json, int64_t version) {
  const User& u = r.user;
  b.Text(u.id)
      .Text(u.tenant)
      .Text(u.username)
      .Text(u.display_name)
      .Text(u.description)
      .Text(u.email)
      .Bool(u.email_verified)
      .Text(u.phone_region)
      .Text(u.phone)
      .Bool(u.phone_verified)
      .Text(u.external_id)
      .Bool(u.enabled)
      .Text(u.default_project_id)
      .Text(u.primary_ou)
      .Text(json.ous)
      .Text(json.groups)
      .Text(json.custom_fields)
      .Text(json.policies)
      .Bool(u.console_access)
      .Bool(u.password_reset_required)
      .Bool(u.sms_login_verification)
      .Time(u.created_at)
      .Time(u.password_changed_at)
      .Time(u.password_expires_at)
      .Int(version)
      .Text(r.canonical_username)
      .Text(r.canonical_email)
      .Text(r.password_hash)
      .Text(json.password_history)
      .Int(r.failed_logins)
      .Time(r.locked_until)
      .Time(u.updated_at);
}

template <typename Row>
absl::StatusOr<UserRecord> ReadUser(absl::string_view store, const Row& row) {
  UserRecord r;
  User& u = r.user;
  u.id = row.Str(0);
  u.tenant = row.Str(1);
  u.username = row.Str(2);
  u.display_name = row.Str(3);
  u.description = row.Str(4);
  u.email = row.Str(5);
  u.email_verified = row.Bool(6);
  u.phone_region = row.Str(7);
  u.phone = row.Str(8);
  u.phone_verified = row.Bool(9);
  u.external_id = row.Str(10);
  u.enabled = row.Bool(11);
  u.default_project_id = row.Str(12);
  u.primary_ou = row.Str(13);
  u.console_access = row.Bool(18);
  u.password_reset_required = row.Bool(19);
  u.sms_login_verification = row.Bool(20);
  u.created_at = row.Time(21);
  u.password_changed_at = row.Time(22);
  u.password_expires_at = row.Time(23);
  u.version = row.Int(24);
  r.canonical_username = row.Str(25);
  r.canonical_email = row.Str(26);
  r.password_hash = row.Str(27);
  r.failed_logins = static_cast<int>(row.Int(29));
  r.locked_until = row.Time(30);
  u.updated_at = row.Time(31);
  IAM_RETURN_IF_ERROR(
      DecodeUserJson(store, {row.Str(14), row.Str(15), row.Str(16), row.Str(17), row.Str(28)}, &r));
  return r;
}

template <typename Binder>
void BindAccessKey(Binder& b, const AccessKeyRecord& k) {
  b.Text(k.id)
      .Text(k.tenant)
      .Text(k.user_id)
      .Blob(k.sealed_secret)
      .Text(k.key_id)
      .Bool(k.enabled)
      .Time(k.created_at)
      .Time(k.last_used_at)
      .Text(k.description)
      .Text(k.last_used_from);
}

template <typename Row>
AccessKeyRecord ReadAccessKey(const Row& row) {
  AccessKeyRecord k;
  k.id = row.Str(0);
  k.tenant = row.Str(1);
  k.user_id = row.Str(2);
  k.sealed_secret = row.Str(3);
  k.key_id = row.Str(4);
  k.enabled = row.Bool(5);
  k.created_at = row.Time(6);
  k.last_used_at = row.Time(7);
  k.description = row.Str(8);
  k.last_used_from = row.Str(9);
  return k;
}

template <typename Row>
absl::StatusOr<DirectoryEntry> ReadEntry(absl::string_view store, const Row& row) {
  DirectoryEntry e;
  e.tenant = row.Str(0);
  e.kind = static_cast<EntryKind>(row.Int(1));
  e.id = row.Str(2);
  e.name = row.Str(3);
  // 4 is folded_name.
  e.description = row.Str(5);
  e.field_type = row.Str(6);
  e.max_length = static_cast<int>(row.Int(7));
  IAM_RETURN_IF_ERROR(DecodeJson(store, row.Str(8), "entry.allowed_values", &e.allowed_values));
  e.pattern = row.Str(9);
  e.created_at = row.Time(10);
  e.document = row.Str(11);
  IAM_RETURN_IF_ERROR(DecodeJson(store, row.Str(12), "entry.policies", &e.policies));
  e.version = row.Int(13);
  e.updated_at = row.Time(14);
  return e;
}

template <typename Row>
OutboxMessage ReadOutboxMessage(const Row& row) {
  OutboxMessage m;
  m.id = row.Int(0);
  m.tenant = row.Str(1);
  m.user_id = row.Str(2);
  m.channel = row.Str(3);
  m.recipient = row.Str(4);
  m.kind = row.Str(5);
  m.sealed_body = row.Str(6);
  m.attempts = static_cast<int>(row.Int(7));
  m.next_attempt_at = row.Time(8);
  m.last_error = row.Str(9);
  return m;
}

template <typename Binder>
void BindToken(Binder& b, const TokenRecord& t) {
  b.Text(t.hash).Text(t.tenant).Text(t.user_id).Int(static_cast<int>(t.purpose)).Time(t.expires_at);
}

template <typename Row>
TokenRecord ReadToken(const Row& row) {
  TokenRecord t;
  t.hash = row.Str(0);
  t.tenant = row.Str(1);
  t.user_id = row.Str(2);
  t.purpose = static_cast<TokenPurpose>(row.Int(3));
  t.expires_at = row.Time(4);
  return t;
}

template <typename Binder>
void BindIdempotency(Binder& b, const IdempotencyRecord& r) {
  b.Text(r.tenant).Text(r.client_token).Text(r.fingerprint).Text(r.response).Time(r.expires_at);
}

template <typename Row>
IdempotencyRecord ReadIdempotency(const Row& row) {
  IdempotencyRecord r;
  r.tenant = row.Str(0);
  r.client_token = row.Str(1);
  r.fingerprint = row.Str(2);
  r.response = row.Str(3);
  r.expires_at = row.Time(4);
  return r;
}

// A new outbox message: IAM_OUTBOX_COLUMNS without the id (the store's).
template <typename Binder>
void BindNewOutboxMessage(Binder& b, const OutboxMessage& m) {
  b.Text(m.tenant)
      .Text(m.user_id)
      .Text(m.channel)
      .Text(m.recipient)
      .Text(m.kind)
      .Blob(m.sealed_body)
      .Int(m.attempts)
      .Time(m.next_attempt_at)
      .Text(m.last_error);
}

// A new audit event: IAM_AUDIT_COLUMNS without the id (the store's).
template <typename Binder>
void BindNewAuditEvent(Binder& b, const AuditEvent& e) {
  b.Text(e.tenant)
      .Time(e.time)
      .Text(e.actor)
      .Text(e.action)
      .Text(e.target)
      .Text(e.outcome)
      .Text(e.reason)
      .Text(e.request_id)
      .Text(e.source)
      .Text(e.user_agent);
}

template <typename Row>
AuditEvent ReadAuditEvent(const Row& row) {
  AuditEvent e;
  e.id = row.Int(0);
  e.tenant = row.Str(1);
  e.time = row.Time(2);
  e.actor = row.Str(3);
  e.action = row.Str(4);
  e.target = row.Str(5);
  e.outcome = row.Str(6);
  e.reason = row.Str(7);
  e.request_id = row.Str(8);
  e.source = row.Str(9);
  e.user_agent = row.Str(10);
  return e;
}

}  // namespace iam::internal

#endif  // IAM_SRC_STORE_ROW_CODEC_H_
