// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Engine is what a host service calls to create and manage users. It owns the
// transaction, never the transport. Each operation runs as: authorize (port)
// -> validate -> idempotency lookup -> uniqueness pre-check -> generate
// credentials -> hash (outside every lock) -> one atomic store commit (user,
// keys, tokens, idempotency record, outbox) -> dispatch notifications.
//
//   iam::MemoryStore store;
//   iam::EngineOptions options;
//   options.profile = iam::FindProfile("huawei");
//   iam::Engine engine(options, &store);
//   iam::CreateUserRequest req;
//   req.tenant = "d78cbac186b744899480f25bd02";
//   req.username = "alice.wong";
//   req.password_mode = iam::PasswordMode::kGenerated;
//   auto result = engine.CreateUser(req);
//   // result->user.id (32 hex), result->generated_password (returned once)
//
// Thread-safety: an Engine is safe to use from many threads at once; it holds
// no lock while hashing. The store, notifier, clock, random source and
// authorizer it borrows must outlive it.
#ifndef IAM_ENGINE_H_
#define IAM_ENGINE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/authorizer.h"
#include "iam/clock.h"
#include "iam/export.h"
#include "iam/notifier.h"
#include "iam/password_hash.h"
#include "iam/password_policy.h"
#include "iam/profile.h"
#include "iam/random.h"
#include "iam/secret.h"
#include "iam/store.h"
#include "iam/user.h"

namespace iam {

enum class PasswordMode : uint8_t {
  kNone,            // no console password (access key only, or message recipient)
  kManual,          // set by the administrator, checked against the policy
  kGenerated,       // generated, returned once (and optionally sent)
  kFirstLoginLink,  // a one-time link sent by email; the user sets it
};

enum class Channel : uint8_t { kEmail, kSms };

struct CustomFieldValue {
  std::string name;
  std::string value;
};

// The union of the seeds' create-user fields.
struct CreateUserRequest {
  Principal caller;
  std::string tenant;  // Huawei domain_id, Alibaba InstanceId
  std::string username;
  std::string display_name;
  std::string description;
  std::string email;
  std::optional<bool> email_verified;  // required with email under alibaba
  std::string phone_region;
  std::string phone;
  std::optional<bool> phone_verified;  // required with phone under alibaba
  std::string external_id;             // "" = the user id
  bool enabled = true;
  std::string default_project_id;
  std::string primary_ou;           // id or name; required under alibaba
  std::vector<std::string> ous;     // ids or names
  std::vector<std::string> groups;  // ids or names
  std::vector<CustomFieldValue> custom_fields;
  std::vector<std::string> policies;
  PasswordMode password_mode = PasswordMode::kNone;
  Secret password;                     // kManual only
  int generated_password_length = 0;  // 0 = the profile's default
  bool access_key = false;            // programmatic access: issue a key pair
  std::optional<bool> require_password_reset;  // default on with a password
  std::vector<Channel> notify;  // deliver the generated password or link
  bool quick_create = false;    // Tencent quick creation: attach the admin policy
  bool sms_login_verification = false;  // needs both email and mobile (seed 000)
  std::string client_token;             // idempotency; printable ASCII, <= 64
};

struct IssuedAccessKey {
  std::string id;
  Secret secret;  // empty on an idempotent replay
  absl::Time created_at = absl::InfinitePast();
};

struct CreateUserResult {
  User user;
  std::string request_id;
  std::string self_link;             // Huawei links.self
  Secret generated_password;         // empty unless generated (and not a replay)
  std::optional<IssuedAccessKey> access_key;
  bool login_link_sent = false;
  // True when this answers a repeated client token: the first response's user,
  // with its one-time secrets withheld (they are never shown twice).
  bool replayed = false;
};

struct BatchCreateResult {
  bool committed = false;  // all were created, or none
  std::vector<absl::StatusOr<CreateUserResult>> items;
};

struct EngineOptions {
  const Profile* profile = nullptr;       // null = huawei
  Clock* clock = nullptr;                 // null = SystemClock()
  RandomSource* random = nullptr;         // null = SystemRandom()
  Authorizer* authorizer = nullptr;       // null = AllowAllAuthorizer()
  Notifier* notifier = nullptr;           // null = nothing sent; outbox kept
  Argon2Params argon2 = Argon2Params::Owasp();
  // 32 bytes from the host: seals stored secrets and keys token hashes. Empty =
  // a random key for this Engine's lifetime (WARNING: then sealed values and
  // tokens do not survive a restart).
  std::string host_key;
  std::string host_key_id = "k1";
  absl::Duration idempotency_window = absl::Hours(24);
  absl::Duration login_link_ttl = absl::Hours(24);
  int max_batch = 10;  // Tencent: up to 10 users at a time
  bool require_registered_tenant = false;
  std::string admin_policy = "AdministratorAccess";
  std::string base_url = "https://iam.example.com";
  int max_access_keys_per_user = 2;
  bool dispatch_after_commit = true;
  absl::Duration outbox_backoff_initial = absl::Seconds(1);
  absl::Duration outbox_backoff_max = absl::Hours(1);
};

class IAM_EXPORT Engine {
 public:
  // `store` is borrowed and must outlive the Engine.
  Engine(EngineOptions options, Store* store);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Profile& profile() const;

  // A tenant's password policy ("Account Settings"), replacing the profile's.
  absl::Status SetPasswordPolicy(absl::string_view tenant, PasswordPolicy policy);
  std::shared_ptr<const PasswordChecker> PasswordCheckerFor(absl::string_view tenant) const;

  absl::StatusOr<CreateUserResult> CreateUser(const CreateUserRequest& request);
  // Up to options.max_batch requests, all or none. kInvalidArgument
  // (reason batch.too_large) above the limit.
  absl::StatusOr<BatchCreateResult> BatchCreateUsers(const std::vector<CreateUserRequest>& requests);

  // By id, else by username (case-insensitive).
  absl::StatusOr<User> GetUser(const Principal& caller, absl::string_view tenant,
                               absl::string_view id_or_username);

  // Groups, organizational units and custom-field definitions. For a custom
  // field, `entry` carries field_type, max_length, allowed_values, pattern.
  absl::StatusOr<DirectoryEntry> CreateEntry(const Principal& caller, DirectoryEntry entry);
  absl::StatusOr<std::vector<DirectoryEntry>> ListEntries(const Principal& caller,
                                                          EntryKind kind,
                                                          absl::string_view tenant,
                                                          absl::string_view keyword);
  absl::Status DeleteEntry(const Principal& caller, EntryKind kind, absl::string_view tenant,
                           absl::string_view id_or_name);

  // Registers a tenant in the store's registry.
  absl::Status RegisterTenant(absl::string_view tenant);

  // Sends the outbox messages that are due; failures are rescheduled with
  // exponential backoff. Returns how many were delivered.
  absl::StatusOr<int> DispatchOutbox();

  // The user as JSON (the API's view: no hashes, no secrets).
  std::string UserJson(const User& user) const;
  // The create response as iamctl prints it: {"user", "request_id",
  // "generated_password"?, "access_key"?, "login_link_sent", "replayed"}.
  std::string ResultJson(const CreateUserResult& result) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

IAM_EXPORT const char* PasswordModeName(PasswordMode mode);

}  // namespace iam

#endif  // IAM_ENGINE_H_
