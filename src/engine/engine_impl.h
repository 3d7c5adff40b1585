// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Engine::Impl: the state every operation family shares and the steps they
// are built from. The public methods live in one file per family:
//   engine.cc       construction, the preamble, loading users, tenants
//   fields.cc       field checks and references shared by create and update
//   create.cc       CreateUser and BatchCreateUsers, idempotency
//   users.cc        GetUser, ListUsers, UpdateUser, DeleteUser
//   passwords.cc    login, lockout, first-login links, resets, changes
//   access_keys.cc  access keys
//   directory.cc    groups, organizational units, custom-field definitions
//   outbox.cc       notification records and their dispatch
//   sessions.cc     login sessions (tokens for Keystone's X-Auth-Token)
//   audit.cc        the audit events of every operation
// Thread-safety: every member is immutable after construction except the
// policy map (guarded by mu) and the dispatcher state (dispatch_mu).
#ifndef IAM_SRC_ENGINE_ENGINE_IMPL_H_
#define IAM_SRC_ENGINE_ENGINE_IMPL_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "credentials/sealer.h"
#include "iam/access_key.h"
#include "iam/audit.h"
#include "iam/engine.h"
#include "iam/error.h"

namespace iam {

struct Engine::Impl {
  Impl(EngineOptions opts, Store* s);

  EngineOptions options;
  const Profile* profile;
  Store* store;
  Clock* clock;
  RandomSource* random;
  // The default authorizer (options.authorizer null); declared before
  // `authorizer`, which may point at it.
  std::unique_ptr<Authorizer> own_authorizer;
  Authorizer* authorizer;
  Notifier* notifier;
  bool auditing;  // options.audit, and the store keeps events
  PasswordHasher hasher;
  absl::Status init;  // OK once every member below is set
  std::optional<internal::Sealer> sealer;
  std::optional<internal::KeyedHash> token_hasher;
  std::optional<internal::KeyedHash> fingerprint_hasher;
  std::shared_ptr<const PasswordChecker> default_checker;

  mutable std::mutex mu;  // guards `policies` and `stored_policies`; never held while hashing
  std::map<std::string, std::shared_ptr<const PasswordChecker>, std::less<>> policies;
  // The tenants' stored Account Settings (UpdatePasswordPolicy), each read
  // again from the store once `fresh_until` passes.
  struct StoredPolicy {
    std::shared_ptr<const PasswordChecker> checker;
    absl::Time fresh_until = absl::InfinitePast();
  };
  mutable std::map<std::string, StoredPolicy, std::less<>> stored_policies;

  std::mutex dispatch_mu;  // held by the one thread dispatching the outbox
  // Striped by (tenant, user id): one login-bookkeeping update at a time per
  // user in this engine. Held for a store read and commit, never a hash.
  std::array<std::mutex, 64> login_locks;
  // Guesses being verified now, per user (tenant \x1f id): see VerifyPassword.
  std::mutex login_flight_mu;
  absl::flat_hash_map<std::string, int> login_flight;
  std::atomic<bool> dispatch_requested{false};

  // --- engine.cc: the preamble and shared steps ---

  // The preamble of every administrative call, in this order: the engine is
  // initialised, the tenant id is well formed, `caller` may perform `action`
  // there, and (with require_registered_tenant) the tenant is registered. A
  // refused caller so learns nothing about the tenant. `target` is what the
  // action is on (a user's id or name, an access key, an entry), "" for the
  // tenant itself (create, list).
  absl::Status Admit(const Principal& caller, absl::string_view action, absl::string_view tenant,
                     absl::string_view target = "");
  // The preamble of the end user's own calls (login, reset, change): the
  // engine is initialised and the tenant id well formed. An unregistered
  // tenant has no users, so these answer as for an unknown user.
  absl::Status AdmitSelfService(absl::string_view tenant);
  // Attaching policies is its own right (iam:AttachUserPolicy): a user who
  // may create or update users may not thereby grant more than it has.
  absl::Status AdmitPolicies(const CreateUserRequest& request);

  // The tenant's policy: SetPasswordPolicy's in this engine, else its stored
  // settings (read at most once a second), else the profile's.
  std::shared_ptr<const PasswordChecker> CheckerFor(absl::string_view tenant) const;
  // The tenant's stored Account Settings (a kSetting entry holding their
  // JSON); nullopt when it has none.
  absl::StatusOr<std::optional<DirectoryEntry>> FindPolicySettings(absl::string_view tenant) const;
  // The policy Account Settings make over the profile's.
  absl::StatusOr<std::shared_ptr<const PasswordChecker>> CheckerFromSettings(
      const nlohmann::json& settings) const;
  // Keeps `checker` as the tenant's stored policy until `now` +
  // kStoredPolicyFreshness. Takes `mu`.
  void KeepStoredPolicy(absl::string_view tenant, std::shared_ptr<const PasswordChecker> checker,
                        absl::Time now) const;
  // How long a stored policy is used before it is read again.
  static constexpr absl::Duration kStoredPolicyFreshness = absl::Seconds(1);
  static constexpr char kPasswordPolicySetting[] = "password_policy";
  std::string SelfLink(absl::string_view user_id) const;
  // A user by id, else by username (canonical). kNotFound "user.not_found".
  absl::StatusOr<UserRecord> Load(absl::string_view tenant, absl::string_view id_or_username);
  // A user by username, email, or mobile ("+86 138...", "86:138...", or the
  // bare number when the user has no region).
  absl::StatusOr<UserRecord> LoadByIdentifier(absl::string_view tenant,
                                              absl::string_view identifier);
  // How an update is committed: bookkeeping keeps the version; a new
  // password or a disable revokes every token of the user (links, resets,
  // sessions).
  enum class UpdateKind { kEdit, kBookkeeping, kRevokeTokens };
  // Commits `*rec` as an update of the stored version `expected`; an edit
  // (not bookkeeping) sets rec->user.updated_at to the commit's time.
  absl::Status CommitUpdate(UserRecord* rec, int64_t expected, WriteSet w = {},
                            UpdateKind kind = UpdateKind::kEdit);

  // The store query of a user listing, after the preamble (iam:ListUsers);
  // names of groups and units resolved to ids.
  absl::StatusOr<ListUsersQuery> ListQuery(const ListUsersRequest& request);
  // The canonical key of a username a create or rename gives: the profile's
  // rules, and not one that login would read as a mobile number.
  absl::StatusOr<std::string> NewUsernameKey(absl::string_view username) const;

  // --- fields.cc ---

  // The descriptive and contact fields of `u`, as create and update share
  // them. `email_verified_given`/`phone_verified_given`: whether the request
  // carried the flags (alibaba requires them with the value).
  absl::Status ValidateFields(const User& u, bool email_verified_given,
                              bool phone_verified_given) const;
  // Stores a mobile number in its canonical form (iam::CanonicalPhone): what
  // uniqueness and login compare.
  void CanonicalizePhone(User* u) const;
  absl::Status ResolvePrimaryOu(const std::string& tenant, const std::string& ref, User* u);
  absl::Status ResolveOus(const std::string& tenant, const std::vector<std::string>& refs, User* u);
  absl::Status ResolveGroups(const std::string& tenant, const std::vector<std::string>& refs,
                             User* u);
  absl::Status ResolveCustomFields(const std::string& tenant,
                                   const std::vector<CustomFieldValue>& fields, User* u);
  // The user's policies: each one of the profile's system policies or the
  // tenant's own (kNotFound "policy.not_found" naming policies[i]), stored
  // under its own spelling, once; quick creation adds the admin policy.
  absl::Status ResolvePolicies(const std::vector<std::string>& names, bool quick_create,
                               User* u) const;

  // --- directory.cc ---

  // `document` compiles for the profile; else kInvalidArgument with the field
  // "document.<where>" ("document.Statement[0].Effect").
  absl::Status CheckPolicyDocument(absl::string_view document) const;
  // The spelling of the system or tenant policy `name` (field `field` when
  // there is none).
  absl::StatusOr<std::string> ResolvePolicy(absl::string_view tenant, absl::string_view name,
                                            absl::string_view field) const;
  // ResolvePolicy over `names` (fields "policies[i]"), without repeats.
  absl::Status ResolvePolicyList(absl::string_view tenant, const std::vector<std::string>& names,
                                 std::vector<std::string>* out) const;

  // --- create.cc ---

  // A validated create request, ready for credentials.
  struct Prepared {
    UserRecord record;
    std::shared_ptr<const PasswordChecker> checker;
    std::string fingerprint;  // "" without a client token
    Secret password;          // kManual: the normalized password, checked
    Secret imported_hash;     // kImportedHash: its canonical form, well-formed
    // Made ahead by HashAhead (a batch); empty = Issue makes them.
    Secret generated_password;  // kGenerated
    std::string password_hash;  // kManual, kGenerated
  };
  // Validation of every field and reference; reads the store, writes nothing.
  // The preamble has run.
  absl::StatusOr<Prepared> Prepare(const CreateUserRequest& r, absl::Time now);
  // What a client token's request is recognised by: every field, the
  // password included; hashed (KeyedHash) before it is stored.
  // `legacy`: the text 1.1 hashed, for records written before 1.2.
  Secret FingerprintText(const CreateUserRequest& r, bool legacy = false) const;
  // The first response for a live client token of `r`, a mismatch error, or
  // nullopt.
  absl::StatusOr<std::optional<CreateUserResult>> Replay(const CreateUserRequest& r,
                                                         absl::Time now);
  // Answers a duplicate before any hashing. The store still enforces it.
  absl::Status PrecheckUnique(const UserRecord& rec);
  // Generates and hashes the credentials of `p` into `w` and `result`. Holds
  // no lock: this is where Argon2id runs.
  absl::Status Issue(const CreateUserRequest& r, Prepared& p, WriteSet* w,
                     CreateUserResult* result);
  // Generates the passwords of `items` (in order: the random source is used
  // on this thread only), then runs their Argon2id on up to `threads` threads.
  absl::Status HashAhead(const std::vector<std::pair<const CreateUserRequest*, Prepared*>>& items,
                         int threads);

  // --- passwords.cc ---

  // A one-time token for `u`, its record (keyed hash only) added to `w`.
  Secret NewUserToken(WriteSet* w, const User& u, TokenPurpose purpose, absl::Duration ttl);
  // The record of a presented one-time or session token, looked up under its
  // keyed hash for every known host key. kNotFound when there is none.
  absl::StatusOr<TokenRecord> FindTokenRecord(absl::string_view token);
  // Sets a new password on `rec` under the tenant's policy: normalization,
  // every rule, history (and minimum age when `enforce_min_age`), Argon2id.
  absl::Status SetPassword(UserRecord* rec, absl::string_view password, absl::Time now,
                           bool enforce_min_age, absl::string_view field);
  // Redeems a one-time token of `purpose` to set a new password.
  absl::StatusOr<User> RedeemToken(absl::string_view token, TokenPurpose purpose,
                                   absl::string_view new_password);
  // Records a login's outcome (and the lockout it may trigger), retrying on a
  // concurrent update. `rehash` replaces the hash only while it is still
  // `verified_hash`: a password set meanwhile is never undone.
  void RecordLogin(const std::string& tenant, const std::string& id, bool success,
                   const std::string& rehash, const std::string& verified_hash = "");
  // The same with LoginLock(tenant, id) already held by the caller.
  void RecordLoginLocked(const std::string& tenant, const std::string& id, bool success,
                         const std::string& rehash, const std::string& verified_hash = "");
  // The lock that serialises one user's login attempts and their bookkeeping.
  std::mutex& LoginLock(const std::string& tenant, const std::string& id);
  // Adds `delta` to the user's guesses in flight; returns the new count.
  int LoginsInFlight(const std::string& tenant, const std::string& id, int delta);
  // Verifies `password` for a login or a password change, spending one
  // Argon2id whether or not `rec` exists, is locked or has a password: an
  // unknown user, a wrong password and a locked account given a wrong
  // password all answer false alike, in about the same time, and a wrong
  // password counts towards lockout. `*rehash` (may be null) receives a new
  // hash when the parameters changed (always, for an imported hash).
  // `raw` is the password as typed, verified against an imported hash;
  // `password` its normalized form, verified against this library's own.
  bool VerifyPassword(const absl::StatusOr<UserRecord>& rec, absl::string_view raw,
                      absl::string_view password, std::string* rehash);

  // --- access_keys.cc ---

  // A new key pair for the user; its record (secret sealed) added to `w`.
  IssuedAccessKey NewAccessKey(WriteSet* w, const std::string& tenant, const std::string& user_id);

  // --- outbox.cc ---

  // Adds a message for `u` on `channel` to `w`, its body sealed.
  // `link` or `password` (secrets) fill the kind's template.
  void Enqueue(WriteSet* w, const User& u, Channel channel, absl::string_view kind,
               const Secret& body, absl::string_view link = "", absl::string_view password = "");
  // Dispatches after a commit when options.dispatch_after_commit (or wakes
  // the background dispatcher).
  void DispatchAfterCommit();
  // Adds each audit event of `w` as a "webhook" message (options.audit_to_outbox).
  void EnqueueEvents(WriteSet* w);
  // The background dispatcher (options.dispatch_interval > 0).
  void DispatchLoop();
  std::mutex wake_mu;
  std::condition_variable wake;
  bool stopping = false;  // guarded by wake_mu
  bool woken = false;     // guarded by wake_mu
  std::thread dispatcher;
  // Sends every due message; one dispatcher per engine at a time.
  absl::StatusOr<int> Dispatch();
  // One delivery attempt: completed, or rescheduled with exponential backoff
  // and jitter; after options.outbox_max_attempts, dead (kept, not retried).
  absl::StatusOr<bool> Deliver(const OutboxMessage& m);

  // --- audit.cc ---

  // The operation the calling thread is performing (one per public call that
  // changes something): Commit adds its events to the commit carrying the
  // change; Audited records a failure in a commit of its own.
  class AuditScope {
   public:
    // `caller` (may be null: a self-service call) must outlive the scope.
    AuditScope(Impl& impl, const Principal* caller, absl::string_view tenant,
               absl::string_view action);
    ~AuditScope();
    AuditScope(const AuditScope&) = delete;
    AuditScope& operator=(const AuditScope&) = delete;
    static AuditScope* Current();  // the calling thread's, or null

    // What the operation is on (an id the store assigned, never input text):
    // by default the first user the commit creates, updates or deletes.
    void set_target(absl::string_view target) { target_ = std::string(target); }
    // A call that learns its tenant late (a redeemed token).
    void set_tenant(absl::string_view tenant) { tenant_ = std::string(tenant); }
    // A self-service call acts as the user it is on, once known.
    void set_actor(absl::string_view actor) { actor_ = std::string(actor); }
    // One event per user the commit creates (a batch).
    void set_per_new_user() { per_new_user_ = true; }
    // An operation that answers OK yet failed (a login refused).
    void set_outcome(absl::string_view outcome, absl::string_view reason) {
      outcome_ = std::string(outcome);
      reason_ = std::string(reason);
    }
    // Recorded even when nothing else is committed (every login).
    void set_must_record() { must_record_ = true; }
    // A further event in the same commit (a lockout, a policy attached).
    void Also(absl::string_view action, absl::string_view target,
              absl::string_view outcome = "success", absl::string_view reason = "");
    // The operation's events (and their webhook copies) into `w`.
    void AddTo(WriteSet* w) const;
    void MarkRecorded() { recorded_ = true; }
    // Records the operation's failure (unless its events are in already).
    void Failed(const absl::Status& error);
    // After an OK answer: records a refused or must-record operation that no
    // commit carried.
    void Finish();

   private:
    AuditEvent Event(absl::string_view action, absl::string_view target,
                     absl::string_view outcome = "success", absl::string_view reason = "") const;
    // The further events and, with audit_to_outbox, every event's copy.
    void AddFurther(WriteSet* w) const;
    // Commits `events` alone (best effort).
    void CommitAlone(std::vector<AuditEvent> events);

    Impl& impl_;
    const Principal* caller_;
    std::string tenant_, action_, target_, actor_;
    std::string outcome_ = "success", reason_;
    bool per_new_user_ = false;
    bool must_record_ = false;
    bool recorded_ = false;
    std::vector<std::array<std::string, 4>> also_;  // action, target, outcome, reason
    AuditScope* previous_;
    static thread_local AuditScope* current_;
  };
  // The request id a create answers with: the caller's (the wire's, so that
  // the answer, the access log and the audit event agree), else a new one.
  std::string RequestIdFor(const Principal& caller) const;
  // Commits `w` with the current operation's events.
  absl::Status Commit(WriteSet w);
  // Runs `body` as an audited operation.
  template <typename F>
  auto Audited(const Principal* caller, absl::string_view tenant, absl::string_view action,
               F&& body) -> decltype(body(std::declval<AuditScope&>())) {
    AuditScope scope(*this, caller, tenant, action);
    auto result = body(scope);
    if (StatusOf(result).ok()) {
      scope.Finish();
    } else {
      scope.Failed(StatusOf(result));
    }
    return result;
  }
  static const absl::Status& StatusOf(const absl::Status& s) { return s; }
  template <typename T>
  static absl::Status StatusOf(const absl::StatusOr<T>& s) {
    return s.status();
  }
};

namespace internal {

// "<field>: <message>" as an invalid-argument error with a reason.
absl::Status Invalid(absl::string_view field, absl::string_view reason, absl::string_view message);
// The same for kNotFound.
absl::Status NotFound(absl::string_view field, absl::string_view reason, absl::string_view message);

}  // namespace internal
}  // namespace iam

#endif  // IAM_SRC_ENGINE_ENGINE_IMPL_H_
