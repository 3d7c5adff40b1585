/* Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
 *
 * iam.h is the stable C ABI of iamcore: every rule check and every engine
 * operation of the C++ API, behind opaque handles, for C hosts and for
 * bindings (the Python package `iam` reaches the library only through this
 * header). It is C99, compiles as C and as C++, and holds no Abseil, RE2 or
 * libsodium type: those promise no ABI stability.
 *
 *   iam_engine* engine = NULL;
 *   iam_request* req = NULL;
 *   char* json = NULL;
 *   if (iam_engine_create(NULL, NULL, &engine, NULL) != IAM_OK) return;  // huawei, memory
 *   if (iam_request_create(&req, NULL) != IAM_OK) return;
 *   iam_request_set_tenant(req, "d78cbac186b744899480f25bd02");
 *   iam_request_set_username(req, "alice.wong");
 *   iam_request_set_password_mode(req, IAM_PASSWORD_GENERATED);
 *   if (iam_engine_create_user(engine, NULL, req, &json, NULL) == IAM_OK) puts(json);
 *   iam_free(json);
 *   iam_request_destroy(req);
 *   iam_engine_destroy(engine);
 *
 * Conventions.
 *
 * - Status. Every fallible call returns an int: IAM_OK (0) or an iam_status
 *   code, and fills the optional `iam_error* err` (its last parameter) with the
 *   code, the request field at fault, a stable machine reason (for example
 *   "password.too_few_classes"), a message, and the HTTP status and provider
 *   error code the active profile's API documents. Pass NULL when the details
 *   do not matter. On success a passed error object is cleared. Setters of plain
 *   values take no error object: they fail only with IAM_INVALID_ARGUMENT for a
 *   NULL handle or an out-of-range value. Destructors accept NULL. Creates,
 *   checks and engine calls are IAM_NODISCARD: ignoring their status is a
 *   compiler warning.
 * - Handles. Every type is opaque and made by its own create function and
 *   released by its destroy function; there is no public struct except the
 *   versioned callback tables below. Fields are set and read through functions,
 *   so new ones can be added without breaking the ABI.
 * - Strings. Inputs are NUL-terminated UTF-8, borrowed for the duration of the
 *   call. A string the library returns through a `char** out` parameter is
 *   allocated by the library and owned by the caller, who releases it with
 *   iam_free() (which wipes it first: some carry a secret). On failure `*out`
 *   is set to NULL. Strings returned directly (const char*) by getters are
 *   borrowed: they stay valid until the object is next changed or destroyed.
 * - JSON. Results with structure (a created user, a page of users, violations,
 *   access keys, directory entries) come back as one JSON object or array in
 *   UTF-8; the field names are part of this ABI and only ever added to. Times
 *   in result JSON are RFC 3339 UTC strings, or null for "never"/"none". The
 *   store callback table exchanges records as JSON too, with times as integer
 *   nanoseconds since the Unix epoch (see "Host stores").
 * - Exceptions. No C++ exception crosses this boundary; an unexpected one
 *   becomes IAM_INTERNAL (IAM_RESOURCE_EXHAUSTED for memory).
 *
 * Thread-safety. An iam_engine, iam_store, iam_notifier, iam_authorizer and
 * iam_clock may be used from many threads at once. An iam_request,
 * iam_list_request, iam_entry, iam_options, iam_policy, iam_principal and
 * iam_error may be read by many threads at once (for example the same request
 * passed to two engine calls) but must not be changed while another thread
 * uses it; give each thread its own iam_error.
 *
 * Lifetimes. An engine keeps the store, notifier, authorizer and clock it was
 * given alive: their handles may be destroyed right after iam_engine_create,
 * and the objects go away with the last engine using them. A host callback
 * table's `destroy` runs exactly once, when the last user lets go.
 *
 * Versions. IAM_ABI_VERSION changes only when this ABI breaks; it is the
 * shared library's SONAME (libiam.so.IAM_ABI_VERSION). Bindings check
 * iam_abi_version() at load time.
 */
#ifndef IAM_IAM_H_
#define IAM_IAM_H_

#include <stddef.h>
#include <stdint.h>

#include "iam/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version: the SONAME's number. Bumped only on an incompatible change. */
#define IAM_ABI_VERSION 1

/* ------------------------------------------------------------------------ */
/* Status codes and the error object                                        */
/* ------------------------------------------------------------------------ */

/* The canonical codes (the same numbers as absl::StatusCode and gRPC), plus
 * one code reserved for a failed host callback. */
typedef enum iam_status {
  IAM_OK = 0,
  IAM_CANCELLED = 1,
  IAM_UNKNOWN = 2,
  IAM_INVALID_ARGUMENT = 3, /* bad input; the error names the field */
  IAM_DEADLINE_EXCEEDED = 4,
  IAM_NOT_FOUND = 5,      /* a missing user, group, OU, key or token */
  IAM_ALREADY_EXISTS = 6, /* a duplicate username, email, phone, name */
  IAM_PERMISSION_DENIED = 7,
  IAM_RESOURCE_EXHAUSTED = 8,
  IAM_FAILED_PRECONDITION = 9, /* e.g. a client token reused with another request */
  IAM_ABORTED = 10,            /* e.g. a stale expected version */
  IAM_OUT_OF_RANGE = 11,
  IAM_UNIMPLEMENTED = 12,
  IAM_INTERNAL = 13,
  IAM_UNAVAILABLE = 14, /* the store is down or busy; the call may be retried */
  IAM_DATA_LOSS = 15,
  IAM_UNAUTHENTICATED = 16,
  /* A host callback (store, notifier, authorizer) failed rather than
   * reporting an answer: it returned this code, a code outside this enum, or
   * (from a binding) raised. Also the code a binding's callback returns when
   * the host language threw. */
  IAM_CALLBACK_FAILED = 100
} iam_status;

typedef struct iam_error iam_error;

/* A cleared error object (code IAM_OK). */
IAM_EXPORT IAM_NODISCARD int iam_error_create(iam_error** out);
IAM_EXPORT void iam_error_destroy(iam_error* err);
IAM_EXPORT void iam_error_clear(iam_error* err);
/* Getters. Strings are borrowed: valid until the error is next filled,
 * cleared or destroyed; "" when absent. A NULL error reads as IAM_OK. */
IAM_EXPORT int iam_error_code(const iam_error* err);
IAM_EXPORT const char* iam_error_field(const iam_error* err);
IAM_EXPORT const char* iam_error_reason(const iam_error* err);
IAM_EXPORT const char* iam_error_message(const iam_error* err);
/* What the profile's API answers (e.g. 409 and "1109" for a duplicate
 * username under huawei); 0 and "" when cleared. */
IAM_EXPORT int iam_error_http_status(const iam_error* err);
IAM_EXPORT const char* iam_error_provider_code(const iam_error* err);
/* For host callbacks: describes the failure the callback reports. `code` must
 * not be IAM_OK; field, reason and message may be NULL. Returns `code` so a
 * callback can `return iam_error_set(err, ...)`. */
IAM_EXPORT int iam_error_set(iam_error* err, int code, const char* field, const char* reason,
                             const char* message);
/* The name of a code ("INVALID_ARGUMENT", "CALLBACK_FAILED"); static. */
IAM_EXPORT const char* iam_status_name(int code);
/* The HTTP status and provider code a profile (NULL = "huawei") maps an error
 * to. `*provider_code` is released with iam_free. */
IAM_EXPORT int iam_map_error(const char* profile, int code, const char* reason, int* http_status,
                             char** provider_code, iam_error* err);

/* ------------------------------------------------------------------------ */
/* Memory, versions and limits                                              */
/* ------------------------------------------------------------------------ */

/* Wipes and releases a string returned through a `char**` parameter. NULL is
 * ignored. Never pass memory the library did not allocate. */
IAM_EXPORT void iam_free(void* p);

/* "MAJOR.MINOR.PATCH" of the library; static. */
IAM_EXPORT const char* iam_version(void);
/* IAM_ABI_VERSION of the library actually loaded. */
IAM_EXPORT int iam_abi_version(void);

/* Limits a binding needs, as functions (they may change between versions). */
IAM_EXPORT size_t iam_token_bytes(void);        /* random bytes in a link/reset token: 32 */
IAM_EXPORT size_t iam_token_chars(void);        /* its URL-safe base64 length: 43 */
IAM_EXPORT size_t iam_host_key_bytes(void);     /* a host key's length: 32 */
IAM_EXPORT size_t iam_client_token_max(void);   /* longest client token: 64 */
IAM_EXPORT int iam_page_size_max(void);         /* list page size bound: 1000 */
IAM_EXPORT int iam_batch_max_default(void);     /* default users per batch: 10 */
IAM_EXPORT int iam_store_methods_version(void); /* IAM_STORE_METHODS_VERSION built in */
IAM_EXPORT int iam_notifier_methods_version(void);
IAM_EXPORT int iam_authorizer_methods_version(void);

/* ------------------------------------------------------------------------ */
/* Profiles and rule checks (pure: no engine, no I/O)                       */
/* ------------------------------------------------------------------------ */

/* A profile name is "huawei", "alibaba", "tencent" or "nist"; NULL means
 * "huawei". An unknown name fails with IAM_INVALID_ARGUMENT, reason
 * "profile.unknown". */

/* JSON array of the profile names, in a stable order. */
IAM_EXPORT int iam_profile_names(char** out_json, iam_error* err);
/* JSON object with every limit of a profile: {"name", "description",
 * "username": {...}, "contact": {...}, "user_id": {...}, "access_key": {...},
 * "password": <policy JSON>, "generated_password_length",
 * "generator_specials", "requires_primary_ou", "requires_verified_flags",
 * "errors": [{"code", "reason", "http_status", "provider_code"}]}. */
IAM_EXPORT int iam_profile_json(const char* profile, char** out_json, iam_error* err);

/* A password policy: a profile's defaults, changed by setters. Used for
 * checks and generation, and as a tenant's policy (iam_engine_set_password_policy). */
typedef struct iam_policy iam_policy;

/* Character classes, as a bit mask (iam_policy_set_required_classes). */
#define IAM_CLASS_UPPER 1
#define IAM_CLASS_LOWER 2
#define IAM_CLASS_DIGIT 4
#define IAM_CLASS_SPECIAL 8

/* Password normalization. */
#define IAM_NORMALIZE_NONE 0
#define IAM_NORMALIZE_NFKC 1

IAM_EXPORT IAM_NODISCARD int iam_policy_create(const char* profile, iam_policy** out,
                                               iam_error* err);
IAM_EXPORT int iam_policy_clone(const iam_policy* policy, iam_policy** out, iam_error* err);
IAM_EXPORT void iam_policy_destroy(iam_policy* policy);
IAM_EXPORT int iam_policy_set_min_length(iam_policy* policy, int value);
IAM_EXPORT int iam_policy_set_max_length(iam_policy* policy, int value);
IAM_EXPORT int iam_policy_set_mfa_min_length(iam_policy* policy, int value);
IAM_EXPORT int iam_policy_set_second_factor(iam_policy* policy, int enabled);
IAM_EXPORT int iam_policy_set_min_classes(iam_policy* policy, int value);
IAM_EXPORT int iam_policy_set_required_classes(iam_policy* policy, int mask);
IAM_EXPORT int iam_policy_set_special_chars(iam_policy* policy, const char* chars);
IAM_EXPORT int iam_policy_set_allow_unicode(iam_policy* policy, int enabled);
IAM_EXPORT int iam_policy_set_normalization(iam_policy* policy, int normalization);
IAM_EXPORT int iam_policy_set_forbid_username(iam_policy* policy, int enabled);
IAM_EXPORT int iam_policy_set_forbid_contact(iam_policy* policy, int enabled);
IAM_EXPORT int iam_policy_set_max_repeat(iam_policy* policy, int value);
/* A blocklist from a file, one entry per line (john's "#!comment:" lines
 * skipped); IAM_NOT_FOUND when it cannot be opened. */
IAM_EXPORT int iam_policy_set_blocklist_file(iam_policy* policy, const char* path, iam_error* err);
/* A blocklist from `count` entries; count 0 removes the blocklist. */
IAM_EXPORT int iam_policy_set_blocklist_entries(iam_policy* policy, const char* const* entries,
                                                size_t count);
/* An RE2 pattern the whole password must match ("" or NULL = none), and the
 * sentence shown when it does not. */
IAM_EXPORT int iam_policy_set_custom_pattern(iam_policy* policy, const char* pattern,
                                             const char* description);
IAM_EXPORT int iam_policy_set_history_count(iam_policy* policy, int value);
IAM_EXPORT int iam_policy_set_min_age_seconds(iam_policy* policy, int64_t seconds);
IAM_EXPORT int iam_policy_set_validity_days(iam_policy* policy, int days);
/* Checks the policy itself (bounds, regex syntax): IAM_INVALID_ARGUMENT naming
 * the field at fault. */
IAM_EXPORT IAM_NODISCARD int iam_policy_validate(const iam_policy* policy, iam_error* err);
/* The policy as JSON: {"min_length", "max_length", "mfa_min_length",
 * "second_factor", "min_classes", "required_classes" (mask),
 * "special_chars", "allow_unicode", "normalization" ("none"|"nfkc"),
 * "forbid_username", "forbid_contact", "max_repeat", "blocklist_size",
 * "custom_pattern", "custom_pattern_description", "history_count",
 * "min_age_seconds", "validity_days"}. */
IAM_EXPORT int iam_policy_json(const iam_policy* policy, char** out_json, iam_error* err);

/* Username rules. IAM_OK, or IAM_INVALID_ARGUMENT with the first violation
 * (reasons: username.empty, username.invalid_utf8, username.too_short,
 * username.too_long, username.leading_digit, username.invalid_character,
 * username.invisible_character, which covers default-ignorable code points,
 * and under nist username.mixed_script). A create also refuses a name that
 * reads as a mobile number (username.reads_as_phone). */
IAM_EXPORT IAM_NODISCARD int iam_validate_username(const char* profile, const char* name,
                                                   iam_error* err);
/* Every violation: `*out_json` is a JSON array of {"field", "reason",
 * "message"} ([] when valid) and `*count` (optional) its length. Returns
 * IAM_OK whenever the check ran, valid or not. */
IAM_EXPORT IAM_NODISCARD int iam_check_username(const char* profile, const char* name,
                                                size_t* count, char** out_json, iam_error* err);
/* The form two usernames share when they name the same user. */
IAM_EXPORT IAM_NODISCARD int iam_canonical_username(const char* profile, const char* name,
                                                    char** out, iam_error* err);
/* One field: `field` is "username", "email", "phone_region", "phone",
 * "display_name", "description", "external_id", "tenant", "policy",
 * "client_token" or "default_project_id" (the rules of iam/names.h).
 * IAM_OK or IAM_INVALID_ARGUMENT naming the field and reason. */
IAM_EXPORT IAM_NODISCARD int iam_validate_field(const char* profile, const char* field,
                                                const char* value, iam_error* err);
/* Lower-case email, as uniqueness compares it. */
IAM_EXPORT IAM_NODISCARD int iam_canonical_email(const char* email, char** out, iam_error* err);

/* Password checks against `policy` (NULL = the profile's default policy),
 * with the user's username, email and national phone number (each may be
 * NULL) for the "not the username / not containing the contact" rules.
 * iam_check_password lists every unmet rule, in this order: encoding,
 * too_short, too_long, invalid_character, too_few_classes,
 * missing_{uppercase,lowercase,digit,special}, equals_username,
 * reversed_username, contains_email, contains_phone, too_many_repeats,
 * blocklisted, pattern_mismatch (each reason prefixed "password."). */
IAM_EXPORT IAM_NODISCARD int iam_validate_password(const char* profile, const iam_policy* policy,
                                                   const char* password, const char* username,
                                                   const char* email, const char* phone,
                                                   iam_error* err);
IAM_EXPORT IAM_NODISCARD int iam_check_password(const char* profile, const iam_policy* policy,
                                                const char* password, const char* username,
                                                const char* email, const char* phone, size_t* count,
                                                char** out_json, iam_error* err);
/* A random password the policy accepts, uniform over such passwords of
 * `length` characters (0 = the profile's default length). `*out` holds a
 * secret: release it with iam_free, which wipes it. */
IAM_EXPORT IAM_NODISCARD int iam_generate_password(const char* profile, const iam_policy* policy,
                                                   int length, const char* username,
                                                   const char* email, const char* phone, char** out,
                                                   iam_error* err);

/* ------------------------------------------------------------------------ */
/* Stores                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct iam_store iam_store;

/* Everything in process memory; nothing survives the process. */
IAM_EXPORT IAM_NODISCARD int iam_store_open_memory(iam_store** out, iam_error* err);
/* One SQLite file, created if needed, schema migrated. `durable` nonzero:
 * a committed write survives a power loss (synchronous=FULL). Writers wait up
 * to `busy_timeout_ms` (0 = 5000) for another process's lock, then fail with
 * IAM_UNAVAILABLE. */
IAM_EXPORT IAM_NODISCARD int iam_store_open_sqlite(const char* path, int durable,
                                                   int busy_timeout_ms, iam_store** out,
                                                   iam_error* err);
/* A PostgreSQL database, shared by every engine that opens it: `conninfo` is
 * a postgresql:// URL (multi-host with target_session_attrs=read-write to
 * follow a failover) or a libpq keyword string. Schema migrated once under an
 * advisory lock. At most `pool_size` connections (0 = 8). Lost connections,
 * serialization failures and deadlocks are retried with backoff, then
 * IAM_UNAVAILABLE; a bad conninfo is IAM_INVALID_ARGUMENT (field "store"). */
IAM_EXPORT IAM_NODISCARD int iam_store_open_postgres(const char* conninfo, int pool_size,
                                                     iam_store** out, iam_error* err);
/* The store `location` names, with default options: a PostgreSQL connection
 * string (postgresql://, postgres:// or "keyword=value ...") opens
 * PostgreSQL, anything else is a SQLite file path (durable). */
IAM_EXPORT IAM_NODISCARD int iam_store_open(const char* location, iam_store** out, iam_error* err);
/* Releases this handle; an engine using the store keeps it alive. */
IAM_EXPORT void iam_store_destroy(iam_store* store);
/* Outbox messages not yet delivered, for monitoring. */
IAM_EXPORT int iam_store_pending_outbox(iam_store* store, int64_t* count, iam_error* err);

/* Host stores.
 *
 * A host plugs in its own storage with a table of function pointers and a
 * context pointer, as SQLite's sqlite3_vfs does. The library calls the slots
 * from whatever threads call the engine, possibly at once: they must be
 * thread-safe, and must not call back into the engine that invoked them.
 * Each slot returns IAM_OK, an iam_status code describing the answer (with
 * iam_error_set for field and reason), or IAM_CALLBACK_FAILED when the
 * callback itself failed. A "find" slot returns IAM_NOT_FOUND when there is
 * no such record. Results are handed back by copying JSON text into the
 * `iam_buffer` with iam_buffer_set; the library copies it before the slot
 * returns.
 *
 * Records are JSON objects whose field names are the C++ struct members
 * (iam/user.h, iam/store.h); times are integers, nanoseconds since the Unix
 * epoch, with INT64_MIN for the infinite past and INT64_MAX for the infinite
 * future. A user record is {"user": {id, tenant, username, display_name,
 * description, email, email_verified, phone_region, phone, phone_verified,
 * external_id, enabled, default_project_id, primary_ou, ous, groups,
 * custom_fields (object), policies, console_access, password_reset_required,
 * sms_login_verification, created_at, password_changed_at,
 * password_expires_at, version}, canonical_username, canonical_email,
 * password_hash, password_history, failed_logins, locked_until,
 * "unique_keys": [{"key": "username"|"email"|"phone"|"external_id"|"login",
 * "value": ..., "field": the field a collision is reported under}]}
 * (phone values are E.164; "login" is the one namespace of username, email
 * and phone, so that no login identifier names two users). The unique keys are computed by the
 * library: a store keeps them unique per tenant, and find_user looks them up by the same values. A
 * write set is {now, tenant, idempotency (the first record or null),
 * idempotency_records (every record: a batch of creates with client tokens has
 * several; read by hosts of methods version 3 and later), new_users,
 * updated_users: [{record, expected_version, keep_version, revoke_tokens}],
 * deleted_user_ids, new_access_keys, updated_access_keys,
 * deleted_access_key_ids, new_tokens, deleted_token_hashes, outbox}; commit
 * applies all of it or none, with the semantics of iam::Store::Commit
 * (duplicates: IAM_ALREADY_EXISTS, reason "<key>.duplicate"; a live
 * idempotency record: IAM_ALREADY_EXISTS, reason "idempotency.conflict"; a
 * stale version: IAM_ABORTED, reason "user.version_conflict"; the stored
 * version becomes expected_version + 1 unless keep_version; revoke_tokens:
 * delete every token of that user before new_tokens are added). Entry kinds are
 * "group", "organizational_unit", "custom_field" and "policy"; entries also
 * carry document (policies), policies (groups), version and updated_at, and a
 * policy is in use (IAM_FAILED_PRECONDITION "policy.in_use") while a user's or
 * a group's `policies` names it, ignoring ASCII case. */

typedef struct iam_buffer iam_buffer;
/* Copies `size` bytes of `data` into the buffer (replacing what it held). */
IAM_EXPORT int iam_buffer_set(iam_buffer* buffer, const char* data, size_t size);

#define IAM_STORE_METHODS_VERSION 3

typedef struct iam_store_methods {
  /* Required: IAM_STORE_METHODS_VERSION of the header the host compiled with.
   * Fields are only ever appended; a later version's table works with an
   * earlier library, which reads the fields it knows. */
  int version;
  /* Optional: releases `ctx`. Called exactly once: when the last engine and
   * handle using the store are gone, or before iam_store_open_host returns
   * if it fails. */
  void (*destroy)(void* ctx);
  /* Required: applies a write set (JSON) atomically. */
  int (*commit)(void* ctx, const char* write_set_json, iam_error* err);
  /* Required: the user record whose `key` ("id", "username", "email",
   * "phone", "external_id") equals `value` (canonical) in `tenant`. */
  int (*find_user)(void* ctx, const char* tenant, const char* key, const char* value,
                   iam_buffer* out_record, iam_error* err);
  /* Required: a page of user records. Query: {tenant, page_size, page_token,
   * username_prefix, group_id, ou_id, enabled (true|false|null)}; order by
   * canonical username; page: {"users": [records], "next_page_token": ""}. */
  int (*list_users)(void* ctx, const char* query_json, iam_buffer* out_page, iam_error* err);
  /* Required: the idempotency record {tenant, client_token, fingerprint,
   * response, expires_at}, expired ones included; IAM_NOT_FOUND when none. */
  int (*find_idempotency)(void* ctx, const char* tenant, const char* client_token,
                          iam_buffer* out_record, iam_error* err);
  /* Required: stores a directory entry {kind, tenant, id, name, description,
   * field_type, max_length, allowed_values, pattern, created_at}; names are
   * unique per (tenant, kind) ignoring ASCII case: IAM_ALREADY_EXISTS reason
   * "<group|ou|custom_field>.duplicate". */
  int (*create_entry)(void* ctx, const char* entry_json, iam_error* err);
  /* Required: by id, else by name (ignoring ASCII case). */
  int (*find_entry)(void* ctx, const char* kind, const char* tenant, const char* id_or_name,
                    iam_buffer* out_entry, iam_error* err);
  /* Required: entries whose name contains `keyword` (ignoring ASCII case;
   * "" = all), ordered by name, as a JSON array. */
  int (*list_entries)(void* ctx, const char* kind, const char* tenant, const char* keyword,
                      iam_buffer* out_entries, iam_error* err);
  /* Required: IAM_FAILED_PRECONDITION reason "<kind>.in_use" while a user
   * references the entry. */
  int (*delete_entry)(void* ctx, const char* kind, const char* tenant, const char* id,
                      iam_error* err);
  /* Required: access key records {id, tenant, user_id, sealed_secret, key_id,
   * enabled, created_at, last_used_at}. */
  int (*find_access_key)(void* ctx, const char* access_key_id, iam_buffer* out_record,
                         iam_error* err);
  int (*list_access_keys)(void* ctx, const char* tenant, const char* user_id,
                          iam_buffer* out_records, iam_error* err);
  /* Required: token records {hash, tenant, user_id, purpose ("first_login" | "session" |
   * "password_reset"), expires_at}. */
  int (*find_token)(void* ctx, const char* hash, iam_buffer* out_record, iam_error* err);
  /* Required: the tenant registry. */
  int (*register_tenant)(void* ctx, const char* tenant, iam_error* err);
  int (*tenant_exists)(void* ctx, const char* tenant, int* exists, iam_error* err);
  /* Required: the outbox. Messages {id, tenant, user_id, channel, recipient,
   * kind, sealed_body, attempts, next_attempt_at, last_error}; the store
   * assigns ids (from 1) on commit. due_outbox returns a JSON array of the
   * messages with next_attempt_at <= now, oldest first, at most `limit`. */
  int (*due_outbox)(void* ctx, int64_t now, int limit, iam_buffer* out_messages, iam_error* err);
  int (*complete_outbox)(void* ctx, int64_t id, iam_error* err);
  int (*reschedule_outbox)(void* ctx, int64_t id, int attempts, int64_t next_attempt_at,
                           const char* last_error, iam_error* err);
  int (*pending_outbox)(void* ctx, int64_t* count, iam_error* err);
  /* Version 2. Optional (without it, updating a group's policies or a policy
   * answers IAM_UNIMPLEMENTED): replaces the description, document, policies
   * and updated_at of the entry {kind, tenant, id, ...} when its stored
   * version equals `expected_version`, else IAM_ABORTED reason
   * "<kind>.version_conflict"; the stored version becomes expected_version + 1.
   * IAM_NOT_FOUND when there is no such entry. */
  int (*update_entry)(void* ctx, const char* entry_json, int64_t expected_version, iam_error* err);
} iam_store_methods;

#define IAM_STORE_METHODS_INIT                                                                   \
  {                                                                                              \
    IAM_STORE_METHODS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL                                           \
  }

/* A store over the host's table. The table is copied; `ctx` is passed to
 * every slot. Fails with IAM_INVALID_ARGUMENT when the version is below 1 or
 * a required slot is NULL (and then calls destroy(ctx)). */
IAM_EXPORT IAM_NODISCARD int iam_store_open_host(const iam_store_methods* methods, void* ctx,
                                                 iam_store** out, iam_error* err);

/* ------------------------------------------------------------------------ */
/* Notifiers                                                                */
/* ------------------------------------------------------------------------ */

/* The engine writes notifications (a generated password, a first-login link,
 * a reset token) into the store's outbox in the same commit as the change,
 * then delivers them through a notifier, at least once, retrying with
 * backoff: a notifier must tolerate a duplicate (the id is stable).
 * WARNING: a notification body may hold a secret; deliver it, never log it. */
typedef struct iam_notifier iam_notifier;
typedef struct iam_notification iam_notification;

/* Getters, valid only during the send callback. */
IAM_EXPORT int64_t iam_notification_id(const iam_notification* n);
IAM_EXPORT const char* iam_notification_tenant(const iam_notification* n);
IAM_EXPORT const char* iam_notification_user_id(const iam_notification* n);
IAM_EXPORT const char* iam_notification_channel(const iam_notification* n); /* email|sms */
IAM_EXPORT const char* iam_notification_recipient(const iam_notification* n);
IAM_EXPORT const char* iam_notification_kind(const iam_notification* n);
IAM_EXPORT const char* iam_notification_body(const iam_notification* n); /* secret */
/* {"id", "tenant", "user_id", "channel", "recipient", "kind", "body"}. */
IAM_EXPORT int iam_notification_json(const iam_notification* n, char** out_json, iam_error* err);

#define IAM_NOTIFIER_METHODS_VERSION 1

typedef struct iam_notifier_methods {
  int version;                /* required: IAM_NOTIFIER_METHODS_VERSION */
  void (*destroy)(void* ctx); /* optional: called exactly once */
  /* Required: IAM_OK when delivered (or handed to a system that will);
   * anything else reschedules the message with backoff. Thread-safe. */
  int (*send)(void* ctx, const iam_notification* notification, iam_error* err);
} iam_notifier_methods;

#define IAM_NOTIFIER_METHODS_INIT \
  { IAM_NOTIFIER_METHODS_VERSION, NULL, NULL }

IAM_EXPORT IAM_NODISCARD int iam_notifier_create_host(const iam_notifier_methods* methods,
                                                      void* ctx, iam_notifier** out,
                                                      iam_error* err);
/* Appends one JSON object per line to `path` (created 0600). */
/* A delivering notifier (include/iam/delivery.h): `spec` is a JSON config
 * ({"email": {"url": "smtp://..."}, "webhook": {...}, "sms": {...}}),
 * "@/path/config.json", an smtp(s):// or http(s):// URL, or a file path (JSON
 * Lines). IAM_INVALID_ARGUMENT naming the setting at fault. */
IAM_EXPORT IAM_NODISCARD int iam_notifier_open(const char* spec, iam_notifier** out,
                                               iam_error* err);
IAM_EXPORT IAM_NODISCARD int iam_notifier_create_json_lines(const char* path, iam_notifier** out,
                                                            iam_error* err);
IAM_EXPORT void iam_notifier_destroy(iam_notifier* notifier);

/* ------------------------------------------------------------------------ */
/* Authorizers, principals and clocks                                       */
/* ------------------------------------------------------------------------ */

/* Who is calling: the host's authenticated principal. Engine calls that take
 * a `const iam_principal* caller` accept NULL for an anonymous caller. */
typedef struct iam_principal iam_principal;
IAM_EXPORT IAM_NODISCARD int iam_principal_create(const char* id, const char* tenant,
                                                  iam_principal** out, iam_error* err);
IAM_EXPORT void iam_principal_destroy(iam_principal* principal);

/* Decides whether a caller may perform an action ("iam:CreateUser",
 * "iam:ListUsers", "iam:CreateGroup", ...) in a tenant, before the engine does
 * anything else. The default allows everything. */
typedef struct iam_authorizer iam_authorizer;

#define IAM_AUTHORIZER_METHODS_VERSION 1

typedef struct iam_authorizer_methods {
  int version;                /* required: IAM_AUTHORIZER_METHODS_VERSION */
  void (*destroy)(void* ctx); /* optional: called exactly once */
  /* Required: IAM_OK to proceed, else IAM_PERMISSION_DENIED (or another code).
   * Thread-safe. */
  int (*authorize)(void* ctx, const char* caller_id, const char* caller_tenant, const char* action,
                   const char* tenant, iam_error* err);
} iam_authorizer_methods;

#define IAM_AUTHORIZER_METHODS_INIT \
  { IAM_AUTHORIZER_METHODS_VERSION, NULL, NULL }

IAM_EXPORT IAM_NODISCARD int iam_authorizer_create_host(const iam_authorizer_methods* methods,
                                                        void* ctx, iam_authorizer** out,
                                                        iam_error* err);
IAM_EXPORT void iam_authorizer_destroy(iam_authorizer* authorizer);

/* A clock that moves only when told, for tests of expiry and lockout. */
typedef struct iam_clock iam_clock;
IAM_EXPORT IAM_NODISCARD int iam_clock_create_fake(int64_t unix_seconds, iam_clock** out,
                                                   iam_error* err);
IAM_EXPORT int iam_clock_advance(iam_clock* clock, int64_t seconds);
IAM_EXPORT void iam_clock_destroy(iam_clock* clock);

/* ------------------------------------------------------------------------ */
/* Engine options                                                           */
/* ------------------------------------------------------------------------ */

typedef struct iam_options iam_options;

/* Argon2id presets (iam_options_set_argon2_preset). */
#define IAM_ARGON2_OWASP 0 /* m=19 MiB, t=2 (the default) */
#define IAM_ARGON2_SODIUM_INTERACTIVE 1
#define IAM_ARGON2_TESTS 2 /* the cheapest libsodium accepts. WARNING: tests only */

IAM_EXPORT IAM_NODISCARD int iam_options_create(iam_options** out, iam_error* err);
IAM_EXPORT void iam_options_destroy(iam_options* options);
/* The dialect; IAM_INVALID_ARGUMENT reason "profile.unknown". */
IAM_EXPORT int iam_options_set_profile(iam_options* options, const char* profile, iam_error* err);
IAM_EXPORT int iam_options_set_argon2_preset(iam_options* options, int preset);
IAM_EXPORT int iam_options_set_argon2(iam_options* options, uint64_t ops_limit,
                                      size_t mem_limit_bytes);
/* iam_host_key_bytes() bytes from the host: seals stored secrets and keys
 * token hashes. Without one the engine draws a random key for its lifetime
 * (WARNING: then sealed values and tokens do not survive a restart). */
IAM_EXPORT int iam_options_set_host_key(iam_options* options, const unsigned char* key, size_t size,
                                        const char* key_id);
/* A retired host key that still opens values sealed under it. */
IAM_EXPORT IAM_NODISCARD int iam_options_add_previous_host_key(iam_options* options,
                                                               const char* key_id,
                                                               const unsigned char* key,
                                                               size_t size);
/* Borrowed handles: the engine made from these options keeps them alive.
 * NULL restores the default (no notifier: outbox kept; the policy evaluator;
 * real time). Without a host authorizer, callers act by their attached
 * permission policies and a NULL caller may do nothing administrative. */
IAM_EXPORT int iam_options_set_notifier(iam_options* options, iam_notifier* notifier);
IAM_EXPORT int iam_options_set_authorizer(iam_options* options, iam_authorizer* authorizer);
/* 1: allow every call (the behaviour before policies), asked for by name;
 * it replaces a host authorizer set earlier. 0: back to the default. */
IAM_EXPORT int iam_options_set_allow_all(iam_options* options, int allow_all);
IAM_EXPORT int iam_options_set_clock(iam_options* options, iam_clock* clock);
IAM_EXPORT int iam_options_set_idempotency_window_seconds(iam_options* options, int64_t seconds);
IAM_EXPORT int iam_options_set_login_link_ttl_seconds(iam_options* options, int64_t seconds);
IAM_EXPORT int iam_options_set_reset_token_ttl_seconds(iam_options* options, int64_t seconds);
IAM_EXPORT int iam_options_set_max_batch(iam_options* options, int value);
IAM_EXPORT int iam_options_set_require_registered_tenant(iam_options* options, int enabled);
IAM_EXPORT int iam_options_set_admin_policy(iam_options* options, const char* name);
IAM_EXPORT int iam_options_set_base_url(iam_options* options, const char* url);
IAM_EXPORT int iam_options_set_max_access_keys_per_user(iam_options* options, int value);
IAM_EXPORT int iam_options_set_max_failed_logins(iam_options* options, int value);
IAM_EXPORT int iam_options_set_lockout_seconds(iam_options* options, int64_t seconds);
IAM_EXPORT int iam_options_set_dispatch_after_commit(iam_options* options, int enabled);
IAM_EXPORT int iam_options_set_outbox_backoff_seconds(iam_options* options, int64_t initial,
                                                      int64_t max);
/* After `value` failed attempts a notification is dead (0 = retried forever). */
IAM_EXPORT int iam_options_set_outbox_max_attempts(iam_options* options, int value);
/* > 0: a background thread dispatches the outbox every `value` ms. */
IAM_EXPORT int iam_options_set_dispatch_interval_ms(iam_options* options, int64_t value);
/* The audit log: IAM_AUDIT (1) records events (the default), with
 * IAM_AUDIT_TO_OUTBOX (2) they also go to the notifier's "webhook" channel. */
#define IAM_AUDIT 1
#define IAM_AUDIT_TO_OUTBOX 2
IAM_EXPORT int iam_options_set_audit(iam_options* options, int flags);

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

/* The user fields of a create or an update. For a create an unset field takes
 * its default; for an update only the fields that were set change (lists
 * replace: iam_request_clear_groups then no add = "no groups"). Fields that
 * only a create understands (password mode, access key, notify, quick
 * create, client token) make an update fail with IAM_INVALID_ARGUMENT reason
 * "request.create_only". */
typedef struct iam_request iam_request;

#define IAM_PASSWORD_NONE 0             /* no console password (access key only) */
#define IAM_PASSWORD_MANUAL 1           /* set by the administrator, checked */
#define IAM_PASSWORD_GENERATED 2        /* generated, returned once */
#define IAM_PASSWORD_FIRST_LOGIN_LINK 3 /* a one-time link by email */
#define IAM_PASSWORD_IMPORTED_HASH 4    /* another system's hash (iam/imported_hash.h) */

#define IAM_CHANNEL_EMAIL 0
#define IAM_CHANNEL_SMS 1

IAM_EXPORT IAM_NODISCARD int iam_request_create(iam_request** out, iam_error* err);
/* Wipes the password it may hold. */
IAM_EXPORT void iam_request_destroy(iam_request* request);
/* Unsets every field. */
IAM_EXPORT int iam_request_reset(iam_request* request);
IAM_EXPORT int iam_request_set_tenant(iam_request* request, const char* tenant);
IAM_EXPORT int iam_request_set_username(iam_request* request, const char* username);
/* Update only: the user to change, by id or username (default: the username). */
IAM_EXPORT int iam_request_set_user(iam_request* request, const char* id_or_username);
/* Update only: the version read (0 = whatever is current); a stale one fails
 * with IAM_ABORTED reason "user.version_conflict". */
IAM_EXPORT int iam_request_set_expected_version(iam_request* request, int64_t version);
IAM_EXPORT int iam_request_set_display_name(iam_request* request, const char* value);
IAM_EXPORT int iam_request_set_description(iam_request* request, const char* value);
IAM_EXPORT int iam_request_set_email(iam_request* request, const char* value);
IAM_EXPORT int iam_request_set_email_verified(iam_request* request, int verified);
IAM_EXPORT int iam_request_set_phone_region(iam_request* request, const char* value);
IAM_EXPORT int iam_request_set_phone(iam_request* request, const char* value);
IAM_EXPORT int iam_request_set_phone_verified(iam_request* request, int verified);
IAM_EXPORT int iam_request_set_external_id(iam_request* request, const char* value);
IAM_EXPORT int iam_request_set_enabled(iam_request* request, int enabled);
IAM_EXPORT int iam_request_set_default_project_id(iam_request* request, const char* value);
/* Organizational units and groups by id or name. */
IAM_EXPORT int iam_request_set_primary_ou(iam_request* request, const char* ou);
IAM_EXPORT int iam_request_add_ou(iam_request* request, const char* ou);
IAM_EXPORT int iam_request_clear_ous(iam_request* request);
IAM_EXPORT int iam_request_add_group(iam_request* request, const char* group);
IAM_EXPORT int iam_request_clear_groups(iam_request* request);
IAM_EXPORT int iam_request_add_custom_field(iam_request* request, const char* name,
                                            const char* value);
IAM_EXPORT int iam_request_clear_custom_fields(iam_request* request);
IAM_EXPORT int iam_request_add_policy(iam_request* request, const char* name);
IAM_EXPORT int iam_request_clear_policies(iam_request* request);
IAM_EXPORT int iam_request_set_sms_login_verification(iam_request* request, int enabled);
/* Create: default on with a password. Update: sets password_reset_required. */
IAM_EXPORT int iam_request_set_require_password_reset(iam_request* request, int required);
/* Create only. */
IAM_EXPORT int iam_request_set_password_mode(iam_request* request, int mode);
/* Sets the password and the mode IAM_PASSWORD_MANUAL. */
IAM_EXPORT int iam_request_set_password(iam_request* request, const char* password);
/* Sets another system's password hash and the mode IAM_PASSWORD_IMPORTED_HASH:
 * bcrypt, sha512-crypt, yescrypt, scrypt, PBKDF2 or Argon2 (iam/imported_hash.h).
 * No reset is required unless asked for; the first login replaces it. */
IAM_EXPORT int iam_request_set_password_hash(iam_request* request, const char* password_hash);
IAM_EXPORT int iam_request_set_generated_password_length(iam_request* request, int length);
IAM_EXPORT int iam_request_set_access_key(iam_request* request, int issue);
IAM_EXPORT int iam_request_add_notify(iam_request* request, int channel);
IAM_EXPORT IAM_NODISCARD int iam_request_set_quick_create(iam_request* request, int enabled);
IAM_EXPORT int iam_request_set_client_token(iam_request* request, const char* token);

/* A list query. */
typedef struct iam_list_request iam_list_request;
IAM_EXPORT IAM_NODISCARD int iam_list_request_create(iam_list_request** out, iam_error* err);
IAM_EXPORT void iam_list_request_destroy(iam_list_request* request);
IAM_EXPORT int iam_list_request_set_tenant(iam_list_request* request, const char* tenant);
IAM_EXPORT int iam_list_request_set_page_size(iam_list_request* request, int size); /* 100 */
IAM_EXPORT int iam_list_request_set_page_token(iam_list_request* request, const char* token);
IAM_EXPORT int iam_list_request_set_name_prefix(iam_list_request* request, const char* prefix);
IAM_EXPORT int iam_list_request_set_group(iam_list_request* request, const char* group);
IAM_EXPORT int iam_list_request_set_ou(iam_list_request* request, const char* ou);
/* 1 enabled only, 0 disabled only, -1 both (the default). */
IAM_EXPORT int iam_list_request_set_enabled(iam_list_request* request, int enabled);

/* A group, an organizational unit, a custom-field definition or a permission
 * policy to create, or the changes to one (iam_engine_update_entry). */
typedef struct iam_entry iam_entry;

#define IAM_ENTRY_GROUP 0
#define IAM_ENTRY_ORGANIZATIONAL_UNIT 1
#define IAM_ENTRY_CUSTOM_FIELD 2
#define IAM_ENTRY_POLICY 3

IAM_EXPORT IAM_NODISCARD int iam_entry_create(int kind, iam_entry** out, iam_error* err);
IAM_EXPORT void iam_entry_destroy(iam_entry* entry);
IAM_EXPORT int iam_entry_set_tenant(iam_entry* entry, const char* tenant);
IAM_EXPORT int iam_entry_set_name(iam_entry* entry, const char* name);
IAM_EXPORT int iam_entry_set_description(iam_entry* entry, const char* description);
/* Custom fields only: "string", "number", "boolean" or "enum". */
IAM_EXPORT int iam_entry_set_field_type(iam_entry* entry, const char* type);
IAM_EXPORT int iam_entry_set_max_length(iam_entry* entry, int max_length);
IAM_EXPORT int iam_entry_add_allowed_value(iam_entry* entry, const char* value);
IAM_EXPORT int iam_entry_set_pattern(iam_entry* entry, const char* re2_pattern);
/* Policies only: the JSON document ({"Version", "Statement": [...]}). */
IAM_EXPORT int iam_entry_set_document(iam_entry* entry, const char* document);
/* Groups only: a policy (system or the tenant's, by name) to attach; in an
 * update, the whole new list. iam_entry_clear_policies: an update to none. */
IAM_EXPORT int iam_entry_add_policy(iam_entry* entry, const char* policy);
IAM_EXPORT int iam_entry_clear_policies(iam_entry* entry);

/* ------------------------------------------------------------------------ */
/* The engine                                                               */
/* ------------------------------------------------------------------------ */

/* Each operation runs as: authorize -> validate -> idempotency lookup ->
 * uniqueness pre-check -> generate credentials -> hash (outside every lock)
 * -> one atomic store commit -> dispatch notifications. Errors carry the
 * engine profile's HTTP status and provider code. */
typedef struct iam_engine iam_engine;

/* `options` NULL = defaults (huawei, OWASP Argon2, random host key);
 * `store` NULL = a new in-memory store owned by the engine. Neither is kept:
 * the options are copied and the store is shared. */
IAM_EXPORT IAM_NODISCARD int iam_engine_create(const iam_options* options, iam_store* store,
                                               iam_engine** out, iam_error* err);
IAM_EXPORT void iam_engine_destroy(iam_engine* engine);
/* The engine's profile name. */
IAM_EXPORT IAM_NODISCARD int iam_engine_profile(const iam_engine* engine, char** out,
                                                iam_error* err);

/* A tenant's password policy ("Account Settings"), replacing the profile's;
 * the policy is copied. */
IAM_EXPORT IAM_NODISCARD int iam_engine_set_password_policy(iam_engine* engine, const char* tenant,
                                                            const iam_policy* policy,
                                                            iam_error* err);
/* A copy of the policy in force for a tenant. */
IAM_EXPORT IAM_NODISCARD int iam_engine_password_policy(iam_engine* engine, const char* tenant,
                                                        iam_policy** out, iam_error* err);
/* iam_check_password under the tenant's policy. */
IAM_EXPORT IAM_NODISCARD int iam_engine_check_password(iam_engine* engine, const char* tenant,
                                                       const char* password, const char* username,
                                                       const char* email, const char* phone,
                                                       size_t* count, char** out_json,
                                                       iam_error* err);
/* Registers a tenant (see iam_options_set_require_registered_tenant). */
IAM_EXPORT IAM_NODISCARD int iam_engine_register_tenant(iam_engine* engine, const char* tenant,
                                                        iam_error* err);

/* Creates a user. `*out_json`: {"user": <user>, "request_id",
 * "generated_password"? (returned once), "access_key"? {"id", "secret"
 * (once), "created_at"}, "login_link_sent", "replayed", "secrets_withheld"?}.
 * A user is {"id", "domain_id" (the tenant), "name", "display_name",
 * "description", "email", "email_verified", "phone_region", "phone",
 * "phone_verified", "external_id", "enabled", "default_project_id",
 * "primary_ou", "ous", "groups", "custom_fields" (object), "policies",
 * "console_access", "password_reset_required", "sms_login_verification",
 * "created_at", "password_expires_at", "version", "links": {"self"}}.
 * `out_json` may be NULL only when the request makes no one-time secret: a
 * generated password or an access key asked for with out_json NULL is
 * IAM_INVALID_ARGUMENT (field "out_json", reason "api.secret_unreturned")
 * and nothing is created, since the secret could never be shown.
 * Mobile numbers come back canonical: the region without leading zeros (the
 * profile's default region when none was given), the number without its
 * trunk prefix ("086", "013800000000" -> "86", "13800000000"). Under tencent
 * only, a user with neither password nor access key needs an email or phone
 * (recipient.contact_required).
 * WARNING: the JSON may hold secrets; release it with iam_free. */
IAM_EXPORT IAM_NODISCARD int iam_engine_create_user(iam_engine* engine, const iam_principal* caller,
                                                    const iam_request* request, char** out_json,
                                                    iam_error* err);
/* Up to the engine's max batch, all or none. IAM_OK when the batch was
 * considered; `*out_json` is {"committed": bool, "items": [{"index", "result":
 * <as create>} | {"index", "error": {"code" (the status name, e.g.
 * "ALREADY_EXISTS"), "reason", "field" (null when absent), "http_status",
 * "provider_code", "message"}}]}, the error shape of every surface (iamctl
 * too): when not committed, the items that did not fail themselves carry
 * reason "batch.aborted". More than the limit:
 * IAM_INVALID_ARGUMENT reason "batch.too_large". */
IAM_EXPORT IAM_NODISCARD int iam_engine_batch_create_users(iam_engine* engine,
                                                           const iam_principal* caller,
                                                           iam_request* const* requests,
                                                           size_t count, char** out_json,
                                                           iam_error* err);
/* Bulk import (iam/import.h): users from the CSV or JSON Lines file at `path`,
 * or, when `path` is NULL, from `text` (`text_size` bytes), into `tenant`, in
 * atomic batches of `batch_size` (0 = the engine's max batch) with Argon2id on
 * `jobs` threads (0 = every core). Each row's client token comes from the
 * content, the tenant and the row number: importing the same content again
 * resumes (already_present) and creates nothing twice. `progress` (may be
 * NULL) runs on this thread after every batch. IAM_OK when the import ran,
 * whatever its rows did; `*out_json` (required) is {"rows", "created",
 * "already_present", "failed", "elapsed_seconds", "rows_per_second",
 * "source_id", "errors": [{"row", "username", "field", "reason",
 * "message"}], "secrets": [{"row", "username", "user_id", "password",
 * "access_key_id", "access_key_secret"}]}: the one-time secrets, returned
 * once (iam_free wipes it). Memory grows with errors and secrets, not with
 * the file. */
#define IAM_IMPORT_AUTO 0 /* by the file's extension, else its first byte */
#define IAM_IMPORT_CSV 1
#define IAM_IMPORT_JSON_LINES 2
typedef struct iam_import_progress {
  int64_t rows_done;
  int64_t rows_total;
  int64_t created;
  int64_t already_present;
  int64_t failed;
  double elapsed_seconds;
} iam_import_progress;
typedef void (*iam_import_progress_fn)(void* ctx, const iam_import_progress* progress);
IAM_EXPORT IAM_NODISCARD int iam_engine_import_users(
    iam_engine* engine, const iam_principal* caller, const char* tenant, const char* path,
    const char* text, size_t text_size, int format, int jobs, int batch_size,
    iam_import_progress_fn progress, void* progress_ctx, char** out_json, iam_error* err);
/* A user by id, else by username (case-insensitive); `*out_json` a user. */
IAM_EXPORT IAM_NODISCARD int iam_engine_get_user(iam_engine* engine, const iam_principal* caller,
                                                 const char* tenant, const char* id_or_username,
                                                 char** out_json, iam_error* err);
/* {"users": [<user>...], "next_page_token": "..."} (null on the last page). */
IAM_EXPORT IAM_NODISCARD int iam_engine_list_users(iam_engine* engine, const iam_principal* caller,
                                                   const iam_list_request* request, char** out_json,
                                                   iam_error* err);
/* A partial update (see iam_request); `*out_json` the updated user. */
IAM_EXPORT IAM_NODISCARD int iam_engine_update_user(iam_engine* engine, const iam_principal* caller,
                                                    const iam_request* request, char** out_json,
                                                    iam_error* err);
/* Removes the user with its keys, memberships and tokens. expected_version 0
 * = whatever is current. */
IAM_EXPORT IAM_NODISCARD int iam_engine_delete_user(iam_engine* engine, const iam_principal* caller,
                                                    const char* tenant, const char* id_or_username,
                                                    int64_t expected_version, iam_error* err);

/* Authentication outcomes. */
#define IAM_AUTH_SUCCESS 0
#define IAM_AUTH_BAD_CREDENTIALS 1 /* never says which of user and password was wrong */
#define IAM_AUTH_LOCKED 2 /* not answered: a locked account answers IAM_AUTH_BAD_CREDENTIALS */
#define IAM_AUTH_DISABLED 3
#define IAM_AUTH_RESET_REQUIRED 4
#define IAM_AUTH_EXPIRED 5

/* `identifier`: a username, an email, a mobile number or the user id. IAM_OK whenever the
 * attempt was judged (including a wrong password); `*outcome` (optional) and
 * `*out_json` (optional) {"outcome": "success"|"bad_credentials"|"locked"|
 * "disabled"|"reset_required"|"expired", "user_id" (null for bad_credentials),
 * "locked_until" (null unless locked)}. */
IAM_EXPORT IAM_NODISCARD int iam_engine_authenticate(iam_engine* engine, const char* tenant,
                                                     const char* identifier, const char* password,
                                                     int* outcome, char** out_json, iam_error* err);
/* Sets the password through a first-login link token; `*out_json` the user
 * (optional). */
IAM_EXPORT IAM_NODISCARD int iam_engine_redeem_login_link(iam_engine* engine, const char* token,
                                                          const char* new_password, char** out_json,
                                                          iam_error* err);
/* Sends a one-time reset token (IAM_CHANNEL_EMAIL or IAM_CHANNEL_SMS) through
 * the outbox. IAM_OK for any well-formed request: it reveals nothing about
 * whether the account exists. */
IAM_EXPORT IAM_NODISCARD int iam_engine_start_password_reset(iam_engine* engine, const char* tenant,
                                                             const char* identifier, int channel,
                                                             iam_error* err);
IAM_EXPORT IAM_NODISCARD int iam_engine_complete_reset(iam_engine* engine, const char* token,
                                                       const char* new_password, char** out_json,
                                                       iam_error* err);
/* Policy, history and minimum age apply. A wrong old password, an unknown
 * user and a locked account all answer IAM_INVALID_ARGUMENT
 * "password.incorrect" (wrong ones count towards lockout); a change revokes
 * every token of the user (links, resets, sessions). */
IAM_EXPORT IAM_NODISCARD int iam_engine_change_password(iam_engine* engine, const char* tenant,
                                                        const char* id_or_username,
                                                        const char* old_password,
                                                        const char* new_password, iam_error* err);

/* Access keys. Create: {"id", "secret" (returned once), "created_at"}. */
IAM_EXPORT IAM_NODISCARD int iam_engine_create_access_key(iam_engine* engine,
                                                          const iam_principal* caller,
                                                          const char* tenant,
                                                          const char* id_or_username,
                                                          char** out_json, iam_error* err);
/* [{"id", "user_id", "enabled", "created_at", "description"}]. */
IAM_EXPORT IAM_NODISCARD int iam_engine_list_access_keys(iam_engine* engine,
                                                         const iam_principal* caller,
                                                         const char* tenant,
                                                         const char* id_or_username,
                                                         char** out_json, iam_error* err);
IAM_EXPORT IAM_NODISCARD int iam_engine_set_access_key_enabled(iam_engine* engine,
                                                               const iam_principal* caller,
                                                               const char* tenant,
                                                               const char* access_key_id,
                                                               int enabled, iam_error* err);
IAM_EXPORT IAM_NODISCARD int iam_engine_delete_access_key(iam_engine* engine,
                                                          const iam_principal* caller,
                                                          const char* tenant,
                                                          const char* access_key_id,
                                                          iam_error* err);
/* Constant-time check of a presented pair. IAM_OK whenever judged; `*valid`
 * (optional) and `*out_json` (optional) {"valid", "tenant", "user_id"}, the
 * last two null unless valid. */
IAM_EXPORT IAM_NODISCARD int iam_engine_verify_access_key(iam_engine* engine,
                                                          const char* access_key_id,
                                                          const char* secret, int* valid,
                                                          char** out_json, iam_error* err);
/* The secret of an enabled key, for a host verifying request signatures.
 * WARNING: a secret; release it with iam_free. */
IAM_EXPORT IAM_NODISCARD int iam_engine_access_key_secret(iam_engine* engine,
                                                          const char* access_key_id,
                                                          char** out_secret, iam_error* err);

/* Groups, organizational units, custom-field definitions and permission
 * policies. An entry is {"kind": "group"|"organizational_unit"|"custom_field"|
 * "policy", "tenant", "id", "name", "description", "version", "created_at",
 * "updated_at"} plus, for a custom field, "type", "max_length",
 * "allowed_values", "pattern"; for a group, "policies"; for a policy, "type"
 * ("system" | "custom") and "document". A policy's document is compiled for the
 * engine's profile: a malformed one is IAM_INVALID_ARGUMENT with the field
 * ("document.Statement[0].Effect"). The profile's system policies are listed
 * first and are read-only. */
IAM_EXPORT IAM_NODISCARD int iam_engine_create_entry(iam_engine* engine,
                                                     const iam_principal* caller,
                                                     const iam_entry* entry, char** out_json,
                                                     iam_error* err);
/* Entries whose name contains `keyword` (NULL or "" = all), as an array. */
IAM_EXPORT IAM_NODISCARD int iam_engine_list_entries(iam_engine* engine,
                                                     const iam_principal* caller, int kind,
                                                     const char* tenant, const char* keyword,
                                                     char** out_json, iam_error* err);
/* By id, else by name (case-insensitive); `*out_json` an entry. */
IAM_EXPORT IAM_NODISCARD int iam_engine_get_entry(iam_engine* engine, const iam_principal* caller,
                                                  int kind, const char* tenant,
                                                  const char* id_or_name, char** out_json,
                                                  iam_error* err);
/* Changes the group or policy `id_or_name` of changes' kind and tenant: the
 * fields set on `changes` (description; document for a policy; policies for a
 * group). Its version goes up by one; expected_version (0 = whatever is
 * current) other than the stored one is IAM_ABORTED "<kind>.version_conflict".
 * `*out_json` the updated entry. */
IAM_EXPORT IAM_NODISCARD int iam_engine_update_entry(
    iam_engine* engine, const iam_principal* caller, const iam_entry* changes,
    const char* id_or_name, int64_t expected_version, char** out_json, iam_error* err);
/* By id or name; IAM_FAILED_PRECONDITION reason "<kind>.in_use" while a user
 * references it (a policy: while a user or a group has it attached). */
IAM_EXPORT IAM_NODISCARD int iam_engine_delete_entry(iam_engine* engine,
                                                     const iam_principal* caller, int kind,
                                                     const char* tenant, const char* id_or_name,
                                                     iam_error* err);

/* The audit log, newest first. `query_json`: {"tenant" (required),
 * "target", "action", "since", "until" (RFC 3339), "page_size" (1-1000),
 * "page_token"}; `*out_json` {"events": [...], "next_page_token": "..."}. */
IAM_EXPORT IAM_NODISCARD int iam_engine_list_audit_events(iam_engine* engine,
                                                          const iam_principal* caller,
                                                          const char* query_json, char** out_json,
                                                          iam_error* err);
/* Deletes the events older than `retention_seconds`; `*pruned` (optional). */
IAM_EXPORT IAM_NODISCARD int iam_engine_prune_audit_events(iam_engine* engine,
                                                           int64_t retention_seconds,
                                                           int64_t* pruned, iam_error* err);
/* The notifications given up on: {"dead_letters": [{"id", "channel", "kind",
 * "attempts", "last_error", ...}]}, without their bodies. */
IAM_EXPORT IAM_NODISCARD int iam_engine_dead_letters(iam_engine* engine, int limit, char** out_json,
                                                     iam_error* err);
/* Makes dead letter `id` due again and dispatches; IAM_NOT_FOUND when none. */
IAM_EXPORT IAM_NODISCARD int iam_engine_redrive(iam_engine* engine, int64_t id, iam_error* err);

/* Sends the outbox messages that are due; failures are rescheduled with
 * backoff. `*delivered` (optional) counts the messages sent. */
IAM_EXPORT IAM_NODISCARD int iam_engine_dispatch_outbox(iam_engine* engine, int* delivered,
                                                        iam_error* err);

/* ---- The wire layer: the seeds' HTTP APIs as a function -------------------
 *
 * A host with its own HTTP stack hands over each request and sends back the
 * answer: Keystone v3 (/v3/...) and Huawei IAM v3.0 (/v3.0/...), callers
 * authenticated by X-Auth-Token or an SDK-HMAC-SHA256 signature (see
 * include/iam/wire.h for the routes). Thread-safe; the engine is borrowed
 * and must outlive the wire handle. */
typedef struct iam_wire iam_wire;

/* `public_url`: this server's URL, no trailing '/' (links and the token
 * catalog; NULL = "http://127.0.0.1:8080"); `max_body`: the largest request
 * body in bytes (0 = 1 MiB). */
IAM_EXPORT IAM_NODISCARD int iam_wire_create(iam_engine* engine, const char* public_url,
                                             size_t max_body, iam_wire** out, iam_error* err);
IAM_EXPORT void iam_wire_destroy(iam_wire* wire);

/* Answers one request. `path` as received (percent-encoded, no query);
 * `query` without '?' (NULL = none); `headers_json` a JSON array of
 * [name, value] pairs (NULL = none); `body` of `body_size` bytes (NULL with
 * 0). IAM_OK whenever the request was answered, whatever the HTTP status:
 * `*status`, `*out_headers_json` ([[name, value], ...], X-Request-Id always
 * among them) and `*out_body` with `*out_body_size` (may be empty). A
 * malformed `headers_json` is IAM_INVALID_ARGUMENT (field "headers_json").
 * WARNING: the body may hold a one-time secret (a new access key's); release
 * both strings with iam_free, which wipes them. */
IAM_EXPORT IAM_NODISCARD int iam_wire_handle(iam_wire* wire, const char* method, const char* path,
                                             const char* query, const char* headers_json,
                                             const char* body, size_t body_size, const char* peer,
                                             int* status, char** out_headers_json, char** out_body,
                                             size_t* out_body_size, iam_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IAM_IAM_H_ */
