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

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/audit.h"
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
  // A hash made by another system (iam/imported_hash.h), carried over by an
  // import; the first login verifies it and replaces it with Argon2id.
  kImportedHash,
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
  Secret password;                             // kManual only
  Secret password_hash;                        // kImportedHash only
  int generated_password_length = 0;           // 0 = the profile's default
  bool access_key = false;                     // programmatic access: issue a key pair
  std::optional<bool> require_password_reset;  // default on with a password
  std::vector<Channel> notify;                 // deliver the generated password or link
  bool quick_create = false;                   // Tencent quick creation: attach the admin policy
  bool sms_login_verification = false;         // needs both email and mobile (seed 000)
  std::string client_token;                    // idempotency; printable ASCII, <= 64
};

struct IssuedAccessKey {
  std::string id;
  Secret secret;  // empty on an idempotent replay
  absl::Time created_at = absl::InfinitePast();
};

struct CreateUserResult {
  User user;
  std::string request_id;
  std::string self_link;      // Huawei links.self
  Secret generated_password;  // empty unless generated (and not a replay)
  std::optional<IssuedAccessKey> access_key;
  bool login_link_sent = false;
  // True when this answers a repeated client token: the first response's user,
  // with its one-time secrets withheld (they are never shown twice).
  bool replayed = false;
};

struct ListUsersRequest {
  Principal caller;
  std::string tenant;
  int page_size = 100;          // 1..1000
  std::string page_token;       // from the previous page; "" = first
  std::string name_prefix;      // username prefix, case-insensitive
  std::string group;            // id or name; "" = any
  std::string ou;               // id or name; "" = any
  std::optional<bool> enabled;  // nullopt = both
};

struct ListUsersResult {
  std::vector<User> users;
  std::string next_page_token;  // "" = last page
};

// A partial update: only the fields that are set change. Lists replace.
struct UpdateUserRequest {
  Principal caller;
  std::string tenant;
  std::string user;  // id or username
  // The version the caller read (User::version); 0 = whatever is current.
  // A stale version fails with kAborted, reason user.version_conflict.
  int64_t expected_version = 0;
  // A new username (a rename): the profile's rules, and unique among every
  // login identifier of the tenant as at create (kAlreadyExists
  // "username.duplicate"). Sessions and keys stay valid; the old name is free.
  std::optional<std::string> username;
  std::optional<bool> enabled;
  std::optional<std::string> display_name;
  std::optional<std::string> description;
  std::optional<std::string> email;  // "" removes
  std::optional<bool> email_verified;
  std::optional<std::string> phone_region;
  std::optional<std::string> phone;  // "" removes (with the region)
  std::optional<bool> phone_verified;
  std::optional<std::string> external_id;
  std::optional<std::string> default_project_id;
  std::optional<std::string> primary_ou;
  std::optional<std::vector<std::string>> ous;
  std::optional<std::vector<std::string>> groups;
  std::optional<std::vector<CustomFieldValue>> custom_fields;
  std::optional<std::vector<std::string>> policies;
  std::optional<bool> sms_login_verification;
  std::optional<bool> password_reset_required;
  // A new password set by the administrator ("" = unchanged): the tenant's
  // policy and history apply, the minimum age does not; every token of the
  // user is revoked, and the reset flag is cleared unless
  // password_reset_required says otherwise. One commit with the rest.
  Secret password;
};

enum class AuthOutcome : uint8_t {
  kSuccess,
  kBadCredentials,  // never says whether the user or the password was wrong
  // Not answered by Authenticate: during a lockout every password, the right
  // one too, is kBadCredentials, so that a lockout reveals neither that the
  // account exists nor which guess was right. Kept for the C ABI's values.
  kLocked,
  kDisabled,
  kResetRequired,  // the password is right but must be changed first
  kExpired,        // the password is right but past password_expires_at
};

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::kBadCredentials;
  std::string user_id;  // set for every outcome but kBadCredentials
  absl::Time locked_until = absl::InfinitePast();
};

// A login session: what a Keystone X-Auth-Token or a console cookie carries.
struct Session {
  std::string tenant;
  std::string user_id;
  absl::Time expires_at = absl::InfinitePast();
  absl::Time issued_at = absl::InfinitePast();
};

// Login's answer: the authentication outcome and, on kSuccess only, a new
// session token (43 URL-safe characters, returned once).
struct LoginResult {
  AuthResult auth;
  Secret token;
  Session session;
  User user;  // the user who logged in (kSuccess only)
};

struct AccessKeyInfo {
  std::string id;
  std::string user_id;
  bool enabled = true;
  absl::Time created_at = absl::InfinitePast();
  std::string description;
  // AWS's "last used" view (Engine::RecordAccessKeyUse): InfinitePast = never.
  absl::Time last_used_at = absl::InfinitePast();
  std::string last_used_from;
};

// A service user's bearer token (Engine::IssueApiToken), returned once.
struct IssuedApiToken {
  Secret token;                                    // 43 URL-safe characters
  absl::Time expires_at = absl::InfiniteFuture();  // InfiniteFuture = until revoked
};

struct AccessKeyVerification {
  bool valid = false;  // id known, enabled, secret matches, user enabled
  std::string tenant;
  std::string user_id;
};

// What a host verifying a request signature needs of an access key.
struct SigningKey {
  Secret secret;  // WARNING: wipe after use (the Secret does, when it goes)
  std::string tenant;
  std::string user_id;
  // The key's last use as stored (Engine::RecordAccessKeyUse).
  absl::Time last_used_at = absl::InfinitePast();
  std::string last_used_from;
};

// What Engine::UpdateEntry changes; unset fields stay as they are.
struct EntryUpdate {
  Principal caller;
  EntryKind kind = EntryKind::kPolicy;
  std::string tenant;
  std::string id_or_name;
  std::optional<std::string> description;
  std::optional<std::string> document;               // policies
  std::optional<std::vector<std::string>> policies;  // groups: the whole new list
  // The version the caller read: kAborted "<kind>.version_conflict" when the
  // entry has changed since. nullopt = whatever is stored now.
  std::optional<int64_t> expected_version;
};

struct BatchCreateOptions {
  // The batch's Argon2id hashes run on up to this many threads (the commit
  // stays one, in request order).
  int threads = 1;
};

// Each item is the user created, or the first response of its client token
// (replayed = true), or the item's error.
struct BatchCreateResult {
  bool committed = false;  // all were created, or none
  std::vector<absl::StatusOr<CreateUserResult>> items;
};

struct EngineOptions {
  const Profile* profile = nullptr;  // null = huawei
  Clock* clock = nullptr;            // null = SystemClock()
  RandomSource* random = nullptr;    // null = SystemRandom()
  // Who may do what. null = the shipped evaluator, PolicyAuthorizer over this
  // engine's store and profile (callers act by their attached policies; an
  // anonymous caller may do nothing administrative). Every call is allowed
  // only when the host asks for it by name: AllowAllAuthorizer().
  Authorizer* authorizer = nullptr;
  Notifier* notifier = nullptr;  // null = nothing sent; outbox kept
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
  // Retired host keys (id -> 32 bytes) that still open values sealed under them.
  std::map<std::string, std::string> previous_host_keys;
  // Lockout: after max_failed_logins consecutive failures, refuse logins for
  // lockout_duration.
  int max_failed_logins = 5;
  absl::Duration lockout_duration = absl::Minutes(15);
  absl::Duration reset_token_ttl = absl::Hours(1);
  absl::Duration session_ttl = absl::Hours(24);  // a login session's lifetime
  bool dispatch_after_commit = true;
  // With dispatch_interval: audit events older than this are pruned hourly
  // by the background thread (0 = kept until PruneAuditEvents).
  absl::Duration audit_retention = absl::ZeroDuration();
  // > 0: a background thread dispatches the outbox this often, and at once
  // after a commit (instead of the committing thread: a slow receiver then
  // never delays a create). Stopped and joined by ~Engine.
  absl::Duration dispatch_interval = absl::ZeroDuration();
  absl::Duration outbox_backoff_initial = absl::Seconds(1);
  absl::Duration outbox_backoff_max = absl::Hours(1);
  // Each delay is drawn from [(1 - jitter) * backoff, backoff] (0 = exact),
  // so that receivers that failed together are not retried together.
  double outbox_backoff_jitter = 0.5;
  // After this many failed attempts a message is dead: kept with its last
  // error (Store::DeadOutbox), no longer retried until redriven. 0 = never.
  int outbox_max_attempts = 12;
  // The audit log (iam/audit.h): every operation's event in its commit.
  bool audit = true;
  // How fresh an access key's "last used" is kept: a use within this of the
  // recorded one writes nothing (a signed request is not a write each time).
  absl::Duration access_key_use_interval = absl::Minutes(1);
  // Every audit event also becomes an outbox message on channel "webhook"
  // (kind "audit_event", body the event's JSON) for a webhook notifier.
  bool audit_to_outbox = false;
};

class IAM_EXPORT Engine {
 public:
  // `store` is borrowed and must outlive the Engine.
  Engine(EngineOptions options, Store* store);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Profile& profile() const;
  // The most users one BatchCreateUsers takes (EngineOptions::max_batch).
  int max_batch() const;

  // A tenant's password policy ("Account Settings"), replacing the profile's.
  absl::Status SetPasswordPolicy(absl::string_view tenant, PasswordPolicy policy);
  std::shared_ptr<const PasswordChecker> PasswordCheckerFor(absl::string_view tenant) const;
  // Account Settings, kept in the store: Huawei's editable settings
  // (iam/password_policy.h, ApplyPasswordPolicySettings; any subset) change
  // the tenant's stored ones, over the profile's policy. This engine applies
  // the result at once, every other engine on the store within a second.
  // iam:UpdatePasswordPolicy, audited. A SetPasswordPolicy of this engine
  // for the tenant is replaced.
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> UpdatePasswordPolicy(
      const Principal& caller, absl::string_view tenant, const nlohmann::json& settings);
  // The policy the tenant's passwords are checked against,
  // iam:GetPasswordPolicy.
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> GetPasswordPolicy(
      const Principal& caller, absl::string_view tenant);

  absl::StatusOr<CreateUserResult> CreateUser(const CreateUserRequest& request);
  // Up to options.max_batch requests, all or none. kInvalidArgument
  // (reason batch.too_large) above the limit. Requests may carry client
  // tokens (distinct ones): those already answered replay, the rest commit
  // together with their idempotency records.
  absl::StatusOr<BatchCreateResult> BatchCreateUsers(const std::vector<CreateUserRequest>& requests,
                                                     const BatchCreateOptions& batch = {});

  // The first response recorded for `request`'s client token while it is live
  // (replayed = true, secrets withheld), or nullopt: nothing is created.
  // kFailedPrecondition "idempotency.mismatch" when the token was used for
  // another request; kInvalidArgument when the request has no client token.
  absl::StatusOr<std::optional<CreateUserResult>> FindReplay(const CreateUserRequest& request);

  // By id, else by username (case-insensitive).
  absl::StatusOr<User> GetUser(const Principal& caller, absl::string_view tenant,
                               absl::string_view id_or_username);

  // The user whose unique `key` is `value` (iam:ListUsers: a search),
  // compared as the store does: usernames and emails canonically, a mobile
  // number as any login identifier reads ("+86 138..."), ids and external
  // ids exactly. kNotFound "user.not_found" when none.
  absl::StatusOr<User> FindUser(const Principal& caller, absl::string_view tenant, UserKey key,
                                absl::string_view value);
  absl::StatusOr<ListUsersResult> ListUsers(const ListUsersRequest& request);
  // How many users ListUsers lists over all its pages for `request` (its
  // page_size and page_token aside), iam:ListUsers: one count in the store.
  absl::StatusOr<int64_t> CountUsers(const ListUsersRequest& request);
  // The same validation as create; re-checks uniqueness of email and phone.
  absl::StatusOr<User> UpdateUser(const UpdateUserRequest& request);
  // Removes the user with its access keys, memberships and tokens; the
  // username can be used again afterwards.
  absl::Status DeleteUser(const Principal& caller, absl::string_view tenant,
                          absl::string_view id_or_username, int64_t expected_version = 0);

  // `identifier` is a username, an email address, a mobile number (digits,
  // optionally "+region number") or the user id. Takes about as long whether the user exists
  // or not. Rehashes on success when the Argon2 parameters changed.
  absl::StatusOr<AuthResult> Authenticate(absl::string_view tenant, absl::string_view identifier,
                                          absl::string_view password);
  // Authenticate, then on kSuccess a session token stored only as a keyed
  // hash. A user who must reset or renew the password gets that outcome and
  // no token.
  absl::StatusOr<LoginResult> Login(absl::string_view tenant, absl::string_view identifier,
                                    absl::string_view password);
  // The session a token opens. kUnauthenticated, reason "token.invalid", when
  // it is unknown, expired or revoked, or its user was deleted, disabled or
  // changed password since (a new password revokes every token).
  absl::StatusOr<Session> ValidateSession(absl::string_view token);
  // Ends a session or an API token; kUnauthenticated "token.invalid" as
  // ValidateSession.
  absl::Status RevokeSession(absl::string_view token);
  // A long-lived bearer token of user `id_or_username` (a service user: a
  // SCIM client's), iam:CreateApiToken. ValidateSession opens it as it does a
  // login's; its rights are the user's policies. It lasts `ttl` (zero = until
  // revoked), is stored only as a keyed hash, and stops with the user's
  // disable or delete, or RevokeApiTokens.
  absl::StatusOr<IssuedApiToken> IssueApiToken(const Principal& caller, absl::string_view tenant,
                                               absl::string_view id_or_username,
                                               absl::Duration ttl);
  // Revokes every token user `id_or_username` holds (API tokens, sessions,
  // links), iam:RevokeApiTokens.
  absl::Status RevokeApiTokens(const Principal& caller, absl::string_view tenant,
                               absl::string_view id_or_username);

  // Sets the password through a first-login link token; one use, expiring.
  absl::StatusOr<User> RedeemLoginLink(absl::string_view token, absl::string_view new_password);
  // Sends a one-time reset token by email or SMS through the outbox. Always OK
  // for a well-formed request: it reveals nothing about whether the account
  // exists.
  absl::Status StartPasswordReset(absl::string_view tenant, absl::string_view identifier,
                                  Channel channel);
  absl::StatusOr<User> CompleteReset(absl::string_view token, absl::string_view new_password);
  // Policy, history (not one of the last N) and minimum age apply. A wrong
  // old password, an unknown user and a locked account all answer
  // kInvalidArgument "password.incorrect"; wrong ones count towards lockout.
  // Revokes every token of the user.
  absl::Status ChangePassword(absl::string_view tenant, absl::string_view id_or_username,
                              absl::string_view old_password, absl::string_view new_password);

  // Access keys: at most max_access_keys_per_user; the secret is returned once.
  // `description`: a note kept with the key (the profile's description rules).
  absl::StatusOr<IssuedAccessKey> CreateAccessKey(const Principal& caller, absl::string_view tenant,
                                                  absl::string_view id_or_username,
                                                  absl::string_view description = "");
  absl::StatusOr<std::vector<AccessKeyInfo>> ListAccessKeys(const Principal& caller,
                                                            absl::string_view tenant,
                                                            absl::string_view id_or_username);
  absl::Status SetAccessKeyEnabled(const Principal& caller, absl::string_view tenant,
                                   absl::string_view access_key_id, bool enabled);
  absl::Status DeleteAccessKey(const Principal& caller, absl::string_view tenant,
                               absl::string_view access_key_id);
  // Constant-time check of a presented id and secret.
  absl::StatusOr<AccessKeyVerification> VerifyAccessKey(absl::string_view access_key_id,
                                                        absl::string_view secret);
  // The secret of an enabled key, for a host that verifies request signatures.
  // WARNING: wipe it after use.
  absl::StatusOr<Secret> AccessKeySecret(absl::string_view access_key_id);
  // One key of the tenant, by id (iam:ListAccessKeys); kNotFound
  // "access_key.not_found" for another tenant's.
  absl::StatusOr<AccessKeyInfo> GetAccessKey(const Principal& caller, absl::string_view tenant,
                                             absl::string_view access_key_id);
  // Records that a verified request used the key `key` (from SigningKeyFor)
  // stands for, from `source`: the key's last use (shown by ListAccessKeys)
  // and an iam:UseAccessKey event, at most once per
  // EngineOptions::access_key_use_interval per key and address. A use within
  // it touches no store: the signature check reads the key once.
  absl::Status RecordAccessKeyUse(absl::string_view access_key_id, const SigningKey& key,
                                  absl::string_view source);
  // The same with the key's tenant and user, in one lookup, only while both
  // the key and its user are enabled: kNotFound (access_key.not_found) alike
  // for an unknown key, a disabled one and one of a disabled user.
  absl::StatusOr<SigningKey> SigningKeyFor(absl::string_view access_key_id);

  // Groups, organizational units, custom-field definitions and permission
  // policies. For a custom field, `entry` carries field_type, max_length,
  // allowed_values, pattern; for a policy, its document (iam/policy.h, compiled
  // for the profile: a malformed one is refused naming the field, as
  // "document: Statement[0].Effect ..."); a group may carry policies. Every
  // policy name attached must be one of the profile's system policies or the
  // tenant's own (kNotFound "policy.not_found"). A tenant policy cannot take a
  // system policy's name (kAlreadyExists "policy.duplicate").
  absl::StatusOr<DirectoryEntry> CreateEntry(const Principal& caller, DirectoryEntry entry);
  // By id, else by name. For policies, the profile's system policies (system
  // = true, read-only) come first, then the tenant's own.
  absl::StatusOr<DirectoryEntry> GetEntry(const Principal& caller, EntryKind kind,
                                          absl::string_view tenant, absl::string_view id_or_name);
  absl::StatusOr<std::vector<DirectoryEntry>> ListEntries(const Principal& caller, EntryKind kind,
                                                          absl::string_view tenant,
                                                          absl::string_view keyword);
  // A new description and document of a tenant policy (its version goes up
  // by one: every later decision uses the new document), or a new description
  // and policy list of a group (iam:AttachGroupPolicy as well when the list
  // changes). Other kinds, and system policies, are read-only.
  absl::StatusOr<DirectoryEntry> UpdateEntry(const EntryUpdate& update);
  // A policy still attached to a user or a group is refused
  // (kFailedPrecondition "policy.in_use"), as an entry with members is.
  absl::Status DeleteEntry(const Principal& caller, EntryKind kind, absl::string_view tenant,
                           absl::string_view id_or_name);

  // Registers a tenant in the store's registry.
  absl::Status RegisterTenant(absl::string_view tenant);

  // Sends the outbox messages that are due; failures are rescheduled with
  // exponential backoff. Returns how many were delivered.
  absl::StatusOr<int> DispatchOutbox();
  // Messages given up on (EngineOptions::outbox_max_attempts), oldest first,
  // without their bodies; and one made due again.
  absl::StatusOr<std::vector<OutboxMessage>> DeadLetters(int limit = 100);
  absl::Status RedriveDeadLetter(int64_t id);

  // The audit log (iam/audit.h), newest first: iam:ListAuditEvents.
  absl::StatusOr<AuditPage> ListAuditEvents(const Principal& caller, AuditQuery query);
  // Deletes the events older than `retention`; returns how many.
  absl::StatusOr<int64_t> PruneAuditEvents(absl::Duration retention);

  // Huawei's links.self of a user: options.base_url + "/v3/users/" + id.
  // Structured results render to JSON through iam/json.h.
  std::string SelfLink(absl::string_view user_id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

IAM_EXPORT const char* PasswordModeName(PasswordMode mode);
IAM_EXPORT const char* AuthOutcomeName(AuthOutcome outcome);

}  // namespace iam

#endif  // IAM_ENGINE_H_
