// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The records iamcore keeps: users, directory entries (groups, organizational
// units, custom-field definitions), access keys, one-time tokens, idempotency
// records and outbox messages. Plain values; a Store persists them.
//
//   absl::StatusOr<iam::User> user = engine.GetUser({}, tenant, "alice.wong");
//   user->groups;    // group ids; names resolve through Engine::ListEntries
// WARNING: only hashes or sealed values of secrets ever appear here.
#ifndef IAM_USER_H_
#define IAM_USER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace iam {

// A user as the API shows it: never a hash or a secret.
struct User {
  std::string id;
  std::string tenant;
  std::string username;  // as given
  std::string display_name;
  std::string description;
  std::string email;
  bool email_verified = false;
  std::string phone_region;
  std::string phone;
  bool phone_verified = false;
  std::string external_id;  // defaults to the id
  bool enabled = true;
  std::string default_project_id;
  std::string primary_ou;           // an OU id
  std::vector<std::string> ous;     // OU ids, primary excluded
  std::vector<std::string> groups;  // group ids
  std::map<std::string, std::string> custom_fields;
  std::vector<std::string> policies;  // attached policy names
  bool console_access = false;        // has (or will set) a password
  bool password_reset_required = false;
  bool sms_login_verification = false;
  absl::Time created_at = absl::InfinitePast();
  absl::Time password_changed_at = absl::InfinitePast();    // InfinitePast: no password
  absl::Time password_expires_at = absl::InfiniteFuture();  // InfiniteFuture: never
  int64_t version = 1;  // bumped by every update (optimistic concurrency)
  // The last change that bumped `version` (the create's time at first);
  // InfinitePast for users stored before it was kept.
  absl::Time updated_at = absl::InfinitePast();
};

// A user with what only the engine sees.
struct UserRecord {
  User user;
  std::string canonical_username;
  std::string canonical_email;                // "" when no email
  std::string password_hash;                  // Argon2id string; "" when none
  std::vector<std::string> password_history;  // previous hashes, newest first
  int failed_logins = 0;
  absl::Time locked_until = absl::InfinitePast();
};

enum class EntryKind : uint8_t {
  kGroup = 0,
  kOrganizationalUnit = 1,
  kCustomField = 2,
  kPolicy = 3,  // a tenant's own permission policy (iam/policy.h)
  // A tenant's setting, by name: "password_policy" holds the Account
  // Settings of Engine::UpdatePasswordPolicy as its JSON document.
  kSetting = 4,
};

// A group, an organizational unit, a custom-field definition or a tenant's
// permission policy.
struct DirectoryEntry {
  EntryKind kind = EntryKind::kGroup;
  std::string tenant;
  std::string id;
  std::string name;
  std::string description;
  // Custom fields only: "string", "number", "boolean" or "enum".
  std::string field_type;
  int max_length = 0;  // 0 = unlimited
  std::vector<std::string> allowed_values;
  std::string pattern;  // RE2, whole-value match
  // Policies only: the JSON document (iam/policy.h's grammar).
  std::string document;
  // Groups only: the names of the policies attached to the group; every
  // member's effective policies include them.
  std::vector<std::string> policies;
  // 1 when created, one more on each update (Store::UpdateEntry's check).
  int64_t version = 1;
  // Policies only: one of the profile's read-only system policies, present in
  // every tenant and never stored.
  bool system = false;
  absl::Time created_at = absl::InfinitePast();
  absl::Time updated_at = absl::InfinitePast();  // InfinitePast = never updated
};

struct AccessKeyRecord {
  std::string id;  // the public access key id
  std::string tenant;
  std::string user_id;
  std::string sealed_secret;  // XChaCha20-Poly1305 under the host key `key_id`
  std::string key_id;
  bool enabled = true;
  absl::Time created_at = absl::InfinitePast();
  absl::Time last_used_at = absl::InfinitePast();
  std::string description;     // the administrator's note (Huawei's credential description)
  std::string last_used_from;  // the address of the last use ("" = unknown)
};

// kSession: a login session (Keystone's X-Auth-Token), see Engine::Login.
// kApiToken: a long-lived bearer token of a service user (a SCIM client's),
// see Engine::IssueApiToken.
enum class TokenPurpose : uint8_t {
  kFirstLogin = 0,
  kPasswordReset = 1,
  kSession = 2,
  kApiToken = 3
};

struct TokenRecord {
  std::string hash;  // keyed BLAKE2b of the token
  std::string tenant;
  std::string user_id;
  TokenPurpose purpose = TokenPurpose::kFirstLogin;
  absl::Time expires_at = absl::InfinitePast();
};

struct IdempotencyRecord {
  std::string tenant;
  std::string client_token;
  std::string fingerprint;  // keyed hash of the request
  std::string response;     // the first response, secrets removed (JSON)
  absl::Time expires_at = absl::InfinitePast();
};

// A notification waiting to be sent. The body may hold a secret (a generated
// password, a link token), so it is sealed under the host key.
struct OutboxMessage {
  int64_t id = 0;  // assigned by the store
  std::string tenant;
  std::string user_id;
  std::string channel;    // "email" or "sms"
  std::string recipient;  // an address or a phone number
  std::string kind;       // "login_link", "generated_password", "password_reset", ...
  std::string sealed_body;
  int attempts = 0;
  absl::Time next_attempt_at = absl::InfinitePast();
  std::string last_error;
};

}  // namespace iam

#endif  // IAM_USER_H_
