/* Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
 *
 * The C ABI end to end, as a C99 host uses it (CTest c_api_test): versions
 * and limits, rule checks with every failing reason, password generation,
 * user creation with a generated password and an access key, a duplicate
 * and its error object, get/list/update/delete, authentication, password
 * change and reset, groups, a SQLite store by path, a host notifier and a
 * host store plugged in through callback tables, and the "destroy exactly
 * once" rule. Usage: c_api_test [SCRATCH_DIR]
 */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iam/iam.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* Stops the test when a call that everything after depends on fails. */
#define REQUIRE_OK(call, err)                                                       \
  do {                                                                              \
    int rc_ = (call);                                                               \
    if (rc_ != IAM_OK) {                                                            \
      fprintf(stderr, "%s:%d: %s = %s (%s: %s)\n", __FILE__, __LINE__, #call,       \
              iam_status_name(rc_), iam_error_reason(err), iam_error_message(err)); \
      exit(1);                                                                      \
    }                                                                               \
  } while (0)

#define TENANT "d78cbac186b744899480f25bd02"

/* ------------------------------------------------------------------------ */
/* A minimal JSON reader: enough to pick values out of the library's output. */

static const char* ws(const char* p) {
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') ++p;
  return p;
}

static const char* skip_string(const char* p) {
  ++p; /* the opening quote */
  while (*p != '\0' && *p != '"') {
    if (*p == '\\' && p[1] != '\0') ++p;
    ++p;
  }
  return *p == '"' ? p + 1 : p;
}

static const char* skip_value(const char* p) {
  p = ws(p);
  if (*p == '"') return skip_string(p);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    do {
      if (*p == '"') {
        p = skip_string(p);
        continue;
      }
      if (*p == '{' || *p == '[') ++depth;
      if (*p == '}' || *p == ']') --depth;
      ++p;
    } while (*p != '\0' && depth > 0);
    return p;
  }
  while (*p != '\0' && *p != ',' && *p != '}' && *p != ']') ++p;
  return p;
}

/* The value of member `key` of the object at `obj`, or NULL. */
static const char* member(const char* obj, const char* key) {
  const char* p;
  size_t klen = strlen(key);
  if (obj == NULL) return NULL;
  p = ws(obj);
  if (*p != '{') return NULL;
  p = ws(p + 1);
  while (*p == '"') {
    const char* k = p + 1;
    const char* kend = skip_string(p) - 1;
    p = ws(kend + 1);
    if (*p != ':') return NULL;
    p = ws(p + 1);
    if ((size_t)(kend - k) == klen && strncmp(k, key, klen) == 0) return p;
    p = ws(skip_value(p));
    if (*p == ',') p = ws(p + 1);
  }
  return NULL;
}

/* Copies the string at `p` (escapes \" and \\ only) into `out`. */
static const char* string_at(const char* p, char* out, size_t size) {
  size_t n = 0;
  out[0] = '\0';
  if (p == NULL || *p != '"') return out;
  for (++p; *p != '\0' && *p != '"' && n + 1 < size; ++p) {
    if (*p == '\\' && p[1] != '\0') ++p;
    out[n++] = *p;
  }
  out[n] = '\0';
  return out;
}

static long long int_at(const char* p) { return p == NULL ? -1 : strtoll(p, NULL, 10); }
static int true_at(const char* p) { return p != NULL && strncmp(p, "true", 4) == 0; }

static const char* array_first(const char* p) {
  if (p == NULL) return NULL;
  p = ws(p);
  if (*p != '[') return NULL;
  p = ws(p + 1);
  return *p == ']' ? NULL : p;
}

static const char* array_next(const char* p) {
  p = ws(skip_value(p));
  return *p == ',' ? ws(p + 1) : NULL;
}

static size_t array_length(const char* p) {
  size_t n = 0;
  for (p = array_first(p); p != NULL; p = array_next(p)) ++n;
  return n;
}

static char* dup_span(const char* begin, const char* end) {
  char* s = (char*)malloc((size_t)(end - begin) + 1);
  if (s == NULL) abort();
  memcpy(s, begin, (size_t)(end - begin));
  s[end - begin] = '\0';
  return s;
}

/* ------------------------------------------------------------------------ */
/* A host notifier that keeps what it is sent.                               */

#define MAX_SENT 16
typedef struct {
  int sent;
  int destroyed;
  char kind[MAX_SENT][32];
  char recipient[MAX_SENT][128];
  char body[MAX_SENT][256];
} capture;

static int capture_send(void* ctx, const iam_notification* n, iam_error* err) {
  capture* c = (capture*)ctx;
  char* json = NULL;
  (void)err;
  if (c->sent >= MAX_SENT) return iam_error_set(err, IAM_RESOURCE_EXHAUSTED, NULL, NULL, "full");
  snprintf(c->kind[c->sent], sizeof c->kind[0], "%s", iam_notification_kind(n));
  snprintf(c->recipient[c->sent], sizeof c->recipient[0], "%s", iam_notification_recipient(n));
  snprintf(c->body[c->sent], sizeof c->body[0], "%s", iam_notification_body(n));
  CHECK(iam_notification_id(n) > 0);
  CHECK(iam_notification_json(n, &json, NULL) == IAM_OK);
  CHECK(json != NULL && strstr(json, "\"channel\":\"email\"") != NULL);
  iam_free(json);
  ++c->sent;
  return IAM_OK;
}

static void capture_destroy(void* ctx) { ((capture*)ctx)->destroyed++; }

/* ------------------------------------------------------------------------ */
/* A host store: user records kept as the JSON text the library hands over.
 * Enough of the Store contract for users (unique keys, versions); no groups,
 * keys or tokens. Single-threaded, as this test is. */

#define MAX_USERS 32
#define MAX_KEYS 4
typedef struct {
  char tenant[80];
  char id[80];
  char canonical[160];
  char* record;
  int nkeys;
  char key[MAX_KEYS][16];
  char value[MAX_KEYS][200];
} slot;

typedef struct {
  slot users[MAX_USERS];
  int count;
  int commits;
  int destroyed;
  int fail_next;
} host_store;

/* Stores `record` with its user's version replaced by `version`. */
static void put_record(slot* s, const char* record, long long version) {
  const char* user = member(record, "user");
  const char* v = member(user, "version");
  const char* end = skip_value(v);
  char number[32];
  size_t head = (size_t)(v - record);
  size_t tail = strlen(end);
  const char* keys;
  int n = 0;
  snprintf(number, sizeof number, "%lld", version);
  free(s->record);
  s->record = (char*)malloc(head + strlen(number) + tail + 1);
  if (s->record == NULL) abort();
  memcpy(s->record, record, head);
  memcpy(s->record + head, number, strlen(number));
  memcpy(s->record + head + strlen(number), end, tail + 1);
  string_at(member(user, "tenant"), s->tenant, sizeof s->tenant);
  string_at(member(user, "id"), s->id, sizeof s->id);
  string_at(member(record, "canonical_username"), s->canonical, sizeof s->canonical);
  for (keys = array_first(member(record, "unique_keys")); keys != NULL && n < MAX_KEYS;
       keys = array_next(keys), ++n) {
    string_at(member(keys, "key"), s->key[n], sizeof s->key[0]);
    string_at(member(keys, "value"), s->value[n], sizeof s->value[0]);
  }
  s->nkeys = n;
}

static slot* find_slot(host_store* s, const char* tenant, const char* key, const char* value) {
  int i, k;
  for (i = 0; i < s->count; ++i) {
    slot* u = &s->users[i];
    if (strcmp(u->tenant, tenant) != 0) continue;
    if (strcmp(key, "id") == 0) {
      if (strcmp(u->id, value) == 0) return u;
      continue;
    }
    for (k = 0; k < u->nkeys; ++k) {
      if (strcmp(u->key[k], key) == 0 && strcmp(u->value[k], value) == 0) return u;
    }
  }
  return NULL;
}

static int hs_commit(void* ctx, const char* write_set, iam_error* err) {
  host_store* s = (host_store*)ctx;
  const char* p;
  ++s->commits;
  if (s->fail_next) {
    s->fail_next = 0;
    return iam_error_set(err, IAM_CALLBACK_FAILED, NULL, NULL, "injected failure");
  }
  /* Check: versions of updates, unique keys of new users. */
  for (p = array_first(member(write_set, "updated_users")); p != NULL; p = array_next(p)) {
    char tenant[80], id[80];
    const char* user = member(member(p, "record"), "user");
    slot* u;
    string_at(member(user, "tenant"), tenant, sizeof tenant);
    string_at(member(user, "id"), id, sizeof id);
    u = find_slot(s, tenant, "id", id);
    if (u == NULL) return iam_error_set(err, IAM_NOT_FOUND, "user", "user.not_found", "gone");
    if (int_at(member(member(u->record, "user"), "version")) !=
        int_at(member(p, "expected_version"))) {
      return iam_error_set(err, IAM_ABORTED, "version", "user.version_conflict", "stale");
    }
  }
  for (p = array_first(member(write_set, "new_users")); p != NULL; p = array_next(p)) {
    char tenant[80], key[16], value[200];
    const char* k;
    string_at(member(member(p, "user"), "tenant"), tenant, sizeof tenant);
    for (k = array_first(member(p, "unique_keys")); k != NULL; k = array_next(k)) {
      string_at(member(k, "key"), key, sizeof key);
      string_at(member(k, "value"), value, sizeof value);
      if (find_slot(s, tenant, key, value) != NULL) {
        char reason[40];
        snprintf(reason, sizeof reason, "%s.duplicate", key);
        return iam_error_set(err, IAM_ALREADY_EXISTS, key, reason, "already in use");
      }
    }
    if (s->count >= MAX_USERS) return iam_error_set(err, IAM_RESOURCE_EXHAUSTED, 0, 0, "full");
  }
  /* Apply. */
  for (p = array_first(member(write_set, "updated_users")); p != NULL; p = array_next(p)) {
    const char* record = member(p, "record");
    char* text = dup_span(record, skip_value(record));
    char tenant[80], id[80];
    long long version =
        int_at(member(p, "expected_version")) + (true_at(member(p, "keep_version")) ? 0 : 1);
    string_at(member(member(record, "user"), "tenant"), tenant, sizeof tenant);
    string_at(member(member(record, "user"), "id"), id, sizeof id);
    put_record(find_slot(s, tenant, "id", id), text, version);
    free(text);
  }
  for (p = array_first(member(write_set, "new_users")); p != NULL; p = array_next(p)) {
    char* text = dup_span(p, skip_value(p));
    slot* u = &s->users[s->count++];
    memset(u, 0, sizeof *u);
    put_record(u, text, int_at(member(member(p, "user"), "version")));
    free(text);
  }
  return IAM_OK;
}

static int hs_find_user(void* ctx, const char* tenant, const char* key, const char* value,
                        iam_buffer* out, iam_error* err) {
  host_store* s = (host_store*)ctx;
  slot* u = find_slot(s, tenant, key, value);
  if (s->fail_next) {
    s->fail_next = 0;
    return iam_error_set(err, IAM_CALLBACK_FAILED, NULL, NULL, "injected failure");
  }
  if (u == NULL) return iam_error_set(err, IAM_NOT_FOUND, "user", "user.not_found", "no such user");
  return iam_buffer_set(out, u->record, strlen(u->record));
}

static int by_canonical(const void* a, const void* b) {
  return strcmp((*(const slot* const*)a)->canonical, (*(const slot* const*)b)->canonical);
}

static int hs_list_users(void* ctx, const char* query, iam_buffer* out, iam_error* err) {
  host_store* s = (host_store*)ctx;
  const slot* match[MAX_USERS];
  char tenant[80], prefix[160];
  size_t n = 0, i, size = 64;
  char* page;
  int rc;
  (void)err;
  string_at(member(query, "tenant"), tenant, sizeof tenant);
  string_at(member(query, "username_prefix"), prefix, sizeof prefix);
  for (i = 0; i < (size_t)s->count; ++i) {
    const slot* u = &s->users[i];
    if (strcmp(u->tenant, tenant) == 0 && strncmp(u->canonical, prefix, strlen(prefix)) == 0) {
      match[n++] = u;
      size += strlen(u->record) + 1;
    }
  }
  qsort(match, n, sizeof match[0], by_canonical);
  page = (char*)malloc(size);
  if (page == NULL) abort();
  strcpy(page, "{\"users\":[");
  for (i = 0; i < n; ++i) {
    if (i > 0) strcat(page, ",");
    strcat(page, match[i]->record);
  }
  strcat(page, "],\"next_page_token\":\"\"}");
  rc = iam_buffer_set(out, page, strlen(page));
  free(page);
  return rc;
}

static int hs_not_found(iam_error* err) {
  return iam_error_set(err, IAM_NOT_FOUND, NULL, NULL, "not kept by this store");
}
static int hs_find_idempotency(void* ctx, const char* t, const char* c, iam_buffer* o,
                               iam_error* e) {
  (void)ctx, (void)t, (void)c, (void)o;
  return hs_not_found(e);
}
static int hs_create_entry(void* ctx, const char* entry, iam_error* e) {
  (void)ctx, (void)entry;
  return iam_error_set(e, IAM_UNIMPLEMENTED, NULL, NULL, "no directory in this store");
}
static int hs_find_entry(void* ctx, const char* k, const char* t, const char* i, iam_buffer* o,
                         iam_error* e) {
  (void)ctx, (void)k, (void)t, (void)i, (void)o;
  return hs_not_found(e);
}
static int hs_empty_array(iam_buffer* out) { return iam_buffer_set(out, "[]", 2); }
static int hs_list_entries(void* ctx, const char* k, const char* t, const char* w, iam_buffer* o,
                           iam_error* e) {
  (void)ctx, (void)k, (void)t, (void)w, (void)e;
  return hs_empty_array(o);
}
static int hs_delete_entry(void* ctx, const char* k, const char* t, const char* i, iam_error* e) {
  (void)ctx, (void)k, (void)t, (void)i;
  return hs_not_found(e);
}
static int hs_find_access_key(void* ctx, const char* i, iam_buffer* o, iam_error* e) {
  (void)ctx, (void)i, (void)o;
  return hs_not_found(e);
}
static int hs_list_access_keys(void* ctx, const char* t, const char* u, iam_buffer* o,
                               iam_error* e) {
  (void)ctx, (void)t, (void)u, (void)e;
  return hs_empty_array(o);
}
static int hs_find_token(void* ctx, const char* h, iam_buffer* o, iam_error* e) {
  (void)ctx, (void)h, (void)o;
  return hs_not_found(e);
}
static int hs_register_tenant(void* ctx, const char* t, iam_error* e) {
  (void)ctx, (void)t, (void)e;
  return IAM_OK;
}
static int hs_tenant_exists(void* ctx, const char* t, int* exists, iam_error* e) {
  (void)ctx, (void)t, (void)e;
  *exists = 1;
  return IAM_OK;
}
static int hs_due_outbox(void* ctx, int64_t now, int limit, iam_buffer* o, iam_error* e) {
  (void)ctx, (void)now, (void)limit, (void)e;
  return hs_empty_array(o);
}
static int hs_complete_outbox(void* ctx, int64_t id, iam_error* e) {
  (void)ctx, (void)id, (void)e;
  return IAM_OK;
}
static int hs_reschedule_outbox(void* ctx, int64_t id, int attempts, int64_t next,
                                const char* last_error, iam_error* e) {
  (void)ctx, (void)id, (void)attempts, (void)next, (void)last_error, (void)e;
  return IAM_OK;
}
static int hs_pending_outbox(void* ctx, int64_t* count, iam_error* e) {
  (void)ctx, (void)e;
  *count = 0;
  return IAM_OK;
}
static void hs_destroy(void* ctx) {
  host_store* s = (host_store*)ctx;
  int i;
  for (i = 0; i < s->count; ++i) free(s->users[i].record);
  s->count = 0;
  s->destroyed++;
}

static iam_store_methods host_store_methods(void) {
  iam_store_methods m = IAM_STORE_METHODS_INIT;
  m.destroy = hs_destroy;
  m.commit = hs_commit;
  m.find_user = hs_find_user;
  m.list_users = hs_list_users;
  m.find_idempotency = hs_find_idempotency;
  m.create_entry = hs_create_entry;
  m.find_entry = hs_find_entry;
  m.list_entries = hs_list_entries;
  m.delete_entry = hs_delete_entry;
  m.find_access_key = hs_find_access_key;
  m.list_access_keys = hs_list_access_keys;
  m.find_token = hs_find_token;
  m.register_tenant = hs_register_tenant;
  m.tenant_exists = hs_tenant_exists;
  m.due_outbox = hs_due_outbox;
  m.complete_outbox = hs_complete_outbox;
  m.reschedule_outbox = hs_reschedule_outbox;
  m.pending_outbox = hs_pending_outbox;
  return m;
}

/* ------------------------------------------------------------------------ */

/* An allow-all engine with the tests' Argon2 parameters over `store` (which
 * it holds: the caller may release its own handle). */
static iam_engine* allow_all_engine(iam_store* store, iam_error* err) {
  iam_options* options = NULL;
  iam_engine* engine = NULL;
  REQUIRE_OK(iam_options_create(&options, err), err);
  iam_options_set_argon2_preset(options, IAM_ARGON2_TESTS);
  iam_options_set_allow_all(options, 1);
  REQUIRE_OK(iam_engine_create(options, store, &engine, err), err);
  iam_options_destroy(options);
  return engine;
}

static void test_versions_and_limits(void) {
  CHECK(iam_abi_version() == IAM_ABI_VERSION);
  CHECK(strlen(iam_version()) >= 5);
  CHECK(iam_token_bytes() == 32);
  CHECK(iam_token_chars() == 43);
  CHECK(iam_host_key_bytes() == 32);
  CHECK(iam_client_token_max() == 64);
  CHECK(iam_page_size_max() == 1000);
  CHECK(iam_batch_max_default() == 10);
  CHECK(iam_store_methods_version() == IAM_STORE_METHODS_VERSION);
  CHECK(strcmp(iam_status_name(IAM_ALREADY_EXISTS), "ALREADY_EXISTS") == 0);
  CHECK(strcmp(iam_status_name(IAM_CALLBACK_FAILED), "CALLBACK_FAILED") == 0);
  iam_free(NULL);
}

static void test_checks(void) {
  iam_error* err = NULL;
  iam_policy* policy = NULL;
  char* json = NULL;
  char* password = NULL;
  size_t count = 0;
  int http = 0;
  REQUIRE_OK(iam_error_create(&err), err);

  /* Profiles. */
  REQUIRE_OK(iam_profile_names(&json, err), err);
  CHECK(array_length(json) == 4 && strstr(json, "\"alibaba\"") != NULL);
  iam_free(json);
  REQUIRE_OK(iam_profile_json("alibaba", &json, err), err);
  CHECK(int_at(member(member(json, "username"), "max_length")) == 256);
  CHECK(true_at(member(json, "requires_primary_ou")));
  iam_free(json);
  CHECK(iam_profile_json("nosuch", &json, err) == IAM_INVALID_ARGUMENT);
  CHECK(json == NULL && strcmp(iam_error_reason(err), "profile.unknown") == 0);
  REQUIRE_OK(iam_map_error("alibaba", IAM_ALREADY_EXISTS, "username.duplicate", &http, &json, err),
             err);
  CHECK(http == 403 && strcmp(json, "ResourceDuplicated.Username") == 0);
  iam_free(json);

  /* Usernames. */
  CHECK(iam_validate_username(NULL, "alice.wong", err) == IAM_OK);
  CHECK(iam_error_code(err) == IAM_OK);
  CHECK(iam_validate_username("huawei", "1alice", err) == IAM_INVALID_ARGUMENT);
  CHECK(iam_error_code(err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "username.leading_digit") == 0);
  CHECK(strcmp(iam_error_field(err), "username") == 0);
  CHECK(iam_error_http_status(err) == 400);
  CHECK(strcmp(iam_error_provider_code(err), "1101") == 0);
  REQUIRE_OK(iam_check_username("huawei", "1a!", &count, &json, err), err);
  CHECK(count >= 2 && array_length(json) == count);
  CHECK(strstr(json, "username.too_short") != NULL);
  CHECK(strstr(json, "username.invalid_character") != NULL);
  iam_free(json);
  REQUIRE_OK(iam_canonical_username("huawei", "Alice.Wong", &json, err), err);
  CHECK(strcmp(json, "alice.wong") == 0);
  iam_free(json);
  CHECK(iam_validate_field("alibaba", "email", "a+b@example.com", err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "email") == 0);
  CHECK(iam_validate_field("huawei", "phone", "13800000000", err) == IAM_OK);
  CHECK(iam_validate_field("huawei", "shoe_size", "42", err) == IAM_INVALID_ARGUMENT);
  /* The name rules the engine applies are reachable here too. */
  CHECK(iam_validate_field(NULL, "tenant", "bad tenant!", err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "tenant.invalid") == 0);
  CHECK(iam_validate_field(NULL, "policy", "Admin Access", err) == IAM_OK); /* Huawei names */
  CHECK(iam_validate_field(NULL, "policy", "Admin Access ", err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "policy") == 0);
  CHECK(iam_validate_field(NULL, "client_token", "ok-token", err) == IAM_OK);

  /* Passwords: every failing reason is listed. */
  REQUIRE_OK(iam_check_password(NULL, NULL, "54321a", "A12345", NULL, NULL, &count, &json, err),
             err);
  CHECK(count == 1 && strstr(json, "password.reversed_username") != NULL);
  iam_free(json);
  REQUIRE_OK(iam_check_password("tencent", NULL, "abc", NULL, NULL, NULL, &count, &json, err), err);
  CHECK(strstr(json, "password.too_short") != NULL);
  CHECK(strstr(json, "password.missing_uppercase") != NULL);
  CHECK(strstr(json, "password.missing_digit") != NULL);
  CHECK(strstr(json, "password.missing_special") != NULL);
  CHECK(count == array_length(json));
  iam_free(json);
  CHECK(iam_validate_password("huawei", NULL, "alice@example.com1", NULL, "alice@example.com", NULL,
                              err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "password.contains_email") == 0);

  /* A tenant policy: repeats, a blocklist, a pattern. */
  REQUIRE_OK(iam_policy_create("huawei", &policy, err), err);
  CHECK(iam_policy_set_max_repeat(policy, 2) == IAM_OK);
  {
    const char* blocked[] = {"Password1"};
    CHECK(iam_policy_set_blocklist_entries(policy, blocked, 1) == IAM_OK);
  }
  CHECK(iam_policy_set_custom_pattern(policy, ".*[0-9]$", "must end with a digit") == IAM_OK);
  REQUIRE_OK(iam_policy_validate(policy, err), err);
  REQUIRE_OK(iam_check_password(NULL, policy, "paaassword", NULL, NULL, NULL, &count, &json, err),
             err);
  CHECK(strstr(json, "password.too_many_repeats") != NULL);
  CHECK(strstr(json, "password.pattern_mismatch") != NULL);
  iam_free(json);
  CHECK(iam_validate_password(NULL, policy, "PASSWORD1", NULL, NULL, NULL, err) ==
        IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "password.blocklisted") == 0);
  REQUIRE_OK(iam_policy_json(policy, &json, err), err);
  CHECK(int_at(member(json, "max_repeat")) == 2 && int_at(member(json, "blocklist_size")) == 1);
  iam_free(json);
  CHECK(iam_policy_set_custom_pattern(policy, "([", NULL) == IAM_OK);
  CHECK(iam_policy_validate(policy, err) == IAM_INVALID_ARGUMENT);
  CHECK(iam_policy_set_custom_pattern(policy, NULL, NULL) == IAM_OK);

  /* Generation: the default length, valid under the policy. */
  REQUIRE_OK(iam_generate_password("huawei", NULL, 0, "alice.wong", NULL, NULL, &password, err),
             err);
  CHECK(strlen(password) == 10);
  CHECK(iam_validate_password("huawei", NULL, password, "alice.wong", NULL, NULL, err) == IAM_OK);
  iam_free(password);
  REQUIRE_OK(iam_generate_password("tencent", NULL, 20, NULL, NULL, NULL, &password, err), err);
  CHECK(strlen(password) == 20);
  iam_free(password);
  CHECK(iam_generate_password("huawei", policy, 3, NULL, NULL, NULL, &password, err) ==
        IAM_INVALID_ARGUMENT);
  CHECK(password == NULL && strcmp(iam_error_field(err), "length") == 0);

  /* NULL arguments are errors, not crashes. */
  CHECK(iam_validate_username(NULL, NULL, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "api.null_argument") == 0);
  CHECK(iam_request_set_tenant(NULL, "x") == IAM_INVALID_ARGUMENT);

  iam_policy_destroy(policy);
  iam_error_destroy(err);
}

static const char* token_in(const char* body) {
  const char* t = strstr(body, "token=");
  return t == NULL ? "" : t + 6;
}

static void test_engine(const char* scratch) {
  iam_error* err = NULL;
  iam_options* options = NULL;
  iam_notifier* notifier = NULL;
  iam_engine* engine = NULL;
  iam_request* req = NULL;
  iam_list_request* list = NULL;
  iam_entry* entry = NULL;
  iam_principal* admin = NULL;
  char* json = NULL;
  char id[80], password[80], key_id[80], key_secret[80], text[256];
  int outcome = -1, valid = -1, delivered = -1;
  capture sent;
  iam_notifier_methods nm = IAM_NOTIFIER_METHODS_INIT;
  memset(&sent, 0, sizeof sent);
  nm.destroy = capture_destroy;
  nm.send = capture_send;

  REQUIRE_OK(iam_error_create(&err), err);
  REQUIRE_OK(iam_notifier_create_host(&nm, &sent, &notifier, err), err);
  REQUIRE_OK(iam_options_create(&options, err), err);
  REQUIRE_OK(iam_options_set_profile(options, "huawei", err), err);
  CHECK(iam_options_set_argon2_preset(options, IAM_ARGON2_TESTS) == IAM_OK);
  CHECK(iam_options_set_notifier(options, notifier) == IAM_OK);
  CHECK(iam_options_set_allow_all(options, 1) == IAM_OK);
  REQUIRE_OK(iam_engine_create(options, NULL, &engine, err), err);
  /* The engine keeps the notifier alive. */
  iam_notifier_destroy(notifier);
  iam_options_destroy(options);
  CHECK(sent.destroyed == 0);
  REQUIRE_OK(iam_principal_create("admin", TENANT, &admin, err), err);

  /* Create with a generated password, an access key, and the password sent by email. */
  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "alice.wong");
  iam_request_set_email(req, "alice@example.com");
  iam_request_set_password_mode(req, IAM_PASSWORD_GENERATED);
  iam_request_set_access_key(req, 1);
  iam_request_add_notify(req, IAM_CHANNEL_EMAIL);
  REQUIRE_OK(iam_engine_create_user(engine, admin, req, &json, err), err);
  string_at(member(member(json, "user"), "id"), id, sizeof id);
  string_at(member(json, "generated_password"), password, sizeof password);
  string_at(member(member(json, "access_key"), "id"), key_id, sizeof key_id);
  string_at(member(member(json, "access_key"), "secret"), key_secret, sizeof key_secret);
  CHECK(strlen(id) == 32);
  CHECK(strlen(password) == 10);
  CHECK(strlen(key_id) == 20 && strlen(key_secret) == 40);
  CHECK(true_at(member(member(json, "user"), "password_reset_required")));
  iam_free(json);
  CHECK(sent.sent == 1 && strcmp(sent.kind[0], "generated_password") == 0);
  CHECK(strstr(sent.body[0], password) != NULL);
  CHECK(strcmp(sent.recipient[0], "alice@example.com") == 0);

  /* The same username in another case: the error object says what and where. */
  iam_request_set_username(req, "ALICE.WONG");
  iam_request_set_email(req, "other@example.com");
  CHECK(iam_engine_create_user(engine, admin, req, &json, err) == IAM_ALREADY_EXISTS);
  CHECK(json == NULL);
  CHECK(iam_error_code(err) == IAM_ALREADY_EXISTS);
  CHECK(strcmp(iam_error_field(err), "username") == 0);
  CHECK(strcmp(iam_error_reason(err), "username.duplicate") == 0);
  CHECK(iam_error_http_status(err) == 409);
  CHECK(strcmp(iam_error_provider_code(err), "1109") == 0);
  CHECK(strlen(iam_error_message(err)) > 0);
  /* A bad field names itself. */
  iam_request_set_username(req, "1bobby");
  CHECK(iam_engine_create_user(engine, admin, req, &json, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "username.leading_digit") == 0);
  iam_request_destroy(req);

  /* Get and list. */
  REQUIRE_OK(iam_engine_get_user(engine, admin, TENANT, "Alice.Wong", &json, err), err);
  string_at(member(json, "id"), text, sizeof text);
  CHECK(strcmp(text, id) == 0);
  iam_free(json);
  CHECK(iam_engine_get_user(engine, NULL, TENANT, "nobody", &json, err) == IAM_NOT_FOUND);
  CHECK(strcmp(iam_error_reason(err), "user.not_found") == 0 && iam_error_http_status(err) == 404);
  REQUIRE_OK(iam_list_request_create(&list, err), err);
  iam_list_request_set_tenant(list, TENANT);
  REQUIRE_OK(iam_engine_list_users(engine, admin, list, &json, err), err);
  CHECK(array_length(member(json, "users")) == 1);
  string_at(member(json, "next_page_token"), text, sizeof text);
  CHECK(text[0] == '\0');
  iam_free(json);

  /* Authenticate: right password, but a reset is required first; then change it. */
  REQUIRE_OK(iam_engine_authenticate(engine, TENANT, "alice.wong", password, &outcome, &json, err),
             err);
  CHECK(outcome == IAM_AUTH_RESET_REQUIRED);
  string_at(member(json, "outcome"), text, sizeof text);
  CHECK(strcmp(text, "reset_required") == 0);
  iam_free(json);
  REQUIRE_OK(iam_engine_authenticate(engine, TENANT, "alice.wong", "wrong-1", &outcome, NULL, err),
             err);
  CHECK(outcome == IAM_AUTH_BAD_CREDENTIALS);
  REQUIRE_OK(
      iam_engine_change_password(engine, TENANT, "alice.wong", password, "Summer-Breeze7", err),
      err);
  REQUIRE_OK(iam_engine_authenticate(engine, TENANT, "alice@example.com", "Summer-Breeze7",
                                     &outcome, NULL, err),
             err);
  CHECK(outcome == IAM_AUTH_SUCCESS);

  /* Access keys. */
  REQUIRE_OK(iam_engine_verify_access_key(engine, key_id, key_secret, &valid, &json, err), err);
  CHECK(valid == 1);
  string_at(member(json, "user_id"), text, sizeof text);
  CHECK(strcmp(text, id) == 0);
  iam_free(json);
  REQUIRE_OK(iam_engine_verify_access_key(engine, key_id, "nope", &valid, NULL, err), err);
  CHECK(valid == 0);
  REQUIRE_OK(iam_engine_access_key_secret(engine, key_id, &json, err), err);
  CHECK(strcmp(json, key_secret) == 0);
  iam_free(json);
  REQUIRE_OK(iam_engine_create_access_key(engine, admin, TENANT, id, &json, err), err);
  iam_free(json);
  REQUIRE_OK(iam_engine_list_access_keys(engine, admin, TENANT, id, &json, err), err);
  CHECK(array_length(json) == 2);
  iam_free(json);
  REQUIRE_OK(iam_engine_set_access_key_enabled(engine, admin, TENANT, key_id, 0, err), err);
  REQUIRE_OK(iam_engine_verify_access_key(engine, key_id, key_secret, &valid, NULL, err), err);
  CHECK(valid == 0);
  REQUIRE_OK(iam_engine_delete_access_key(engine, admin, TENANT, key_id, err), err);

  /* Password reset by email, through the notifier. */
  REQUIRE_OK(iam_engine_start_password_reset(engine, TENANT, "alice.wong", IAM_CHANNEL_EMAIL, err),
             err);
  CHECK(sent.sent == 2 && strcmp(sent.kind[1], "password_reset") == 0);
  REQUIRE_OK(
      iam_engine_complete_reset(engine, token_in(sent.body[1]), "Autumn-Leaves8", &json, err), err);
  iam_free(json);
  CHECK(iam_engine_complete_reset(engine, token_in(sent.body[1]), "Winter-Frost9", NULL, err) ==
        IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "token.invalid") == 0);
  REQUIRE_OK(
      iam_engine_authenticate(engine, TENANT, "alice.wong", "Autumn-Leaves8", &outcome, NULL, err),
      err);
  CHECK(outcome == IAM_AUTH_SUCCESS);

  /* Groups, a member, an update, a filtered list, a delete. */
  REQUIRE_OK(iam_entry_create(IAM_ENTRY_GROUP, &entry, err), err);
  iam_entry_set_tenant(entry, TENANT);
  iam_entry_set_name(entry, "admins");
  REQUIRE_OK(iam_engine_create_entry(engine, admin, entry, &json, err), err);
  CHECK(strncmp(member(json, "id"), "\"grp_", 5) == 0);
  iam_free(json);
  CHECK(iam_engine_create_entry(engine, admin, entry, NULL, err) == IAM_ALREADY_EXISTS);
  CHECK(strcmp(iam_error_reason(err), "group.duplicate") == 0);
  iam_entry_destroy(entry);
  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "bob.smith");
  iam_request_set_password(req, "Correct-Horse1");
  iam_request_set_require_password_reset(req, 0);
  iam_request_add_group(req, "ADMINS");
  REQUIRE_OK(iam_engine_create_user(engine, admin, req, NULL, err), err);
  iam_request_destroy(req);
  iam_list_request_set_group(list, "admins");
  REQUIRE_OK(iam_engine_list_users(engine, admin, list, &json, err), err);
  CHECK(array_length(member(json, "users")) == 1 && strstr(json, "bob.smith") != NULL);
  iam_free(json);
  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_user(req, "bob.smith");
  iam_request_set_display_name(req, "Bob Smith");
  iam_request_set_expected_version(req, 1);
  REQUIRE_OK(iam_engine_update_user(engine, admin, req, &json, err), err);
  string_at(member(json, "display_name"), text, sizeof text);
  CHECK(strcmp(text, "Bob Smith") == 0 && int_at(member(json, "version")) == 2);
  iam_free(json);
  CHECK(iam_engine_update_user(engine, admin, req, NULL, err) == IAM_ABORTED);
  CHECK(strcmp(iam_error_reason(err), "user.version_conflict") == 0);
  iam_request_set_access_key(req, 1);
  CHECK(iam_engine_update_user(engine, admin, req, NULL, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "request.create_only") == 0);
  iam_request_destroy(req);
  CHECK(iam_engine_delete_entry(engine, admin, IAM_ENTRY_GROUP, TENANT, "admins", err) ==
        IAM_FAILED_PRECONDITION);
  REQUIRE_OK(iam_engine_delete_user(engine, admin, TENANT, "bob.smith", 0, err), err);
  REQUIRE_OK(iam_engine_delete_entry(engine, admin, IAM_ENTRY_GROUP, TENANT, "admins", err), err);
  REQUIRE_OK(iam_engine_list_entries(engine, admin, IAM_ENTRY_GROUP, TENANT, NULL, &json, err),
             err);
  CHECK(array_length(json) == 0);
  iam_free(json);

  /* A tenant policy: created, refused when malformed (naming the field),
   * edited (its version goes up), attached to a group, in use, deleted. */
  REQUIRE_OK(iam_entry_create(IAM_ENTRY_POLICY, &entry, err), err);
  iam_entry_set_tenant(entry, TENANT);
  iam_entry_set_name(entry, "UserReaders");
  iam_entry_set_document(entry,
                         "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                         "\"Action\":\"iam:GetUser\",\"Resource\":\"*\"}]}");
  REQUIRE_OK(iam_engine_create_entry(engine, admin, entry, &json, err), err);
  CHECK(int_at(member(json, "version")) == 1);
  string_at(member(json, "type"), text, sizeof text);
  CHECK(strcmp(text, "custom") == 0);
  iam_free(json);
  iam_entry_set_name(entry, "Broken");
  iam_entry_set_document(entry,
                         "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Perhaps\","
                         "\"Action\":\"*\",\"Resource\":\"*\"}]}");
  CHECK(iam_engine_create_entry(engine, admin, entry, NULL, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "document.Statement[0].Effect") == 0);
  iam_entry_destroy(entry);
  REQUIRE_OK(iam_entry_create(IAM_ENTRY_POLICY, &entry, err), err);
  iam_entry_set_tenant(entry, TENANT);
  iam_entry_set_description(entry, "readers of users");
  REQUIRE_OK(iam_engine_update_entry(engine, admin, entry, "userreaders", 1, &json, err), err);
  CHECK(int_at(member(json, "version")) == 2);
  CHECK(strstr(json, "iam:GetUser") != NULL); /* the document is unchanged */
  iam_free(json);
  CHECK(iam_engine_update_entry(engine, admin, entry, "userreaders", 1, NULL, err) == IAM_ABORTED);
  CHECK(strcmp(iam_error_reason(err), "policy.version_conflict") == 0);
  iam_entry_destroy(entry);
  REQUIRE_OK(iam_engine_get_entry(engine, admin, IAM_ENTRY_POLICY, TENANT, "AdministratorAccess",
                                  &json, err),
             err);
  string_at(member(json, "type"), text, sizeof text);
  CHECK(strcmp(text, "system") == 0);
  iam_free(json);
  REQUIRE_OK(iam_entry_create(IAM_ENTRY_GROUP, &entry, err), err);
  iam_entry_set_tenant(entry, TENANT);
  iam_entry_set_name(entry, "readers");
  REQUIRE_OK(iam_engine_create_entry(engine, admin, entry, NULL, err), err);
  iam_entry_add_policy(entry, "UserReaders");
  REQUIRE_OK(iam_engine_update_entry(engine, admin, entry, "readers", 0, &json, err), err);
  CHECK(strstr(json, "\"policies\":[\"UserReaders\"]") != NULL);
  iam_free(json);
  CHECK(iam_engine_delete_entry(engine, admin, IAM_ENTRY_POLICY, TENANT, "UserReaders", err) ==
        IAM_FAILED_PRECONDITION);
  CHECK(strcmp(iam_error_reason(err), "policy.in_use") == 0);
  iam_entry_clear_policies(entry);
  REQUIRE_OK(iam_engine_update_entry(engine, admin, entry, "readers", 0, NULL, err), err);
  iam_entry_destroy(entry);
  REQUIRE_OK(iam_engine_delete_entry(engine, admin, IAM_ENTRY_POLICY, TENANT, "UserReaders", err),
             err);
  CHECK(iam_engine_get_entry(engine, admin, IAM_ENTRY_POLICY, TENANT, "UserReaders", NULL, err) ==
        IAM_INVALID_ARGUMENT); /* out_json is required */
  CHECK(iam_engine_get_entry(engine, admin, 9, TENANT, "x", &json, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_reason(err), "entry.invalid_kind") == 0);

  REQUIRE_OK(iam_engine_dispatch_outbox(engine, &delivered, err), err);
  CHECK(delivered == 0);
  iam_list_request_destroy(list);
  iam_principal_destroy(admin);
  iam_engine_destroy(engine);
  CHECK(sent.destroyed == 1);

  /* A SQLite store by path, and a batch. */
  {
    iam_store* store = NULL;
    iam_request* batch[2] = {NULL, NULL};
    char path[512];
    int i;
    snprintf(path, sizeof path, "%s/c_api_test.db", scratch);
    unlink(path);
    REQUIRE_OK(iam_store_open_sqlite(path, 0, 0, &store, err), err);
    engine = allow_all_engine(store, err);
    for (i = 0; i < 2; ++i) {
      REQUIRE_OK(iam_request_create(&batch[i], err), err);
      iam_request_set_tenant(batch[i], TENANT);
      iam_request_set_password_mode(batch[i], IAM_PASSWORD_GENERATED);
    }
    iam_request_set_username(batch[0], "carol.jones");
    iam_request_set_username(batch[1], "dave.brown");
    REQUIRE_OK(iam_engine_batch_create_users(engine, NULL, batch, 2, &json, err), err);
    CHECK(true_at(member(json, "committed")) && array_length(member(json, "items")) == 2);
    iam_free(json);
    iam_request_set_username(batch[1], "carol.jones"); /* collides inside the batch */
    iam_request_set_username(batch[0], "erin.white");
    REQUIRE_OK(iam_engine_batch_create_users(engine, NULL, batch, 2, &json, err), err);
    CHECK(!true_at(member(json, "committed")));
    CHECK(strstr(json, "batch.aborted") != NULL && strstr(json, "username.duplicate") != NULL);
    iam_free(json);
    for (i = 0; i < 2; ++i) iam_request_destroy(batch[i]);
    REQUIRE_OK(iam_engine_get_user(engine, NULL, TENANT, "dave.brown", &json, err), err);
    iam_free(json);
    CHECK(iam_engine_get_user(engine, NULL, TENANT, "erin.white", NULL, err) == IAM_NOT_FOUND);
    iam_engine_destroy(engine);
    iam_store_destroy(store);
    unlink(path);
  }
  iam_error_destroy(err);
}

static void test_host_store(void) {
  static host_store hs;
  iam_store_methods m = host_store_methods();
  iam_error* err = NULL;
  iam_store* store = NULL;
  iam_engine* engine = NULL;
  iam_request* req = NULL;
  iam_list_request* list = NULL;
  char* json = NULL;
  char password[80];
  int outcome = -1;
  memset(&hs, 0, sizeof hs);
  REQUIRE_OK(iam_error_create(&err), err);

  /* A malformed table is refused, and its context still released once. */
  {
    iam_store_methods bad = m;
    bad.version = 0;
    CHECK(iam_store_open_host(&bad, &hs, &store, err) == IAM_INVALID_ARGUMENT);
    CHECK(store == NULL && hs.destroyed == 1);
    bad = m;
    bad.find_token = NULL;
    CHECK(iam_store_open_host(&bad, &hs, &store, err) == IAM_INVALID_ARGUMENT);
    CHECK(strcmp(iam_error_field(err), "methods.find_token") == 0 && hs.destroyed == 2);
    hs.destroyed = 0;
  }
  /* A host built against table version 1 passes the shorter table: only its
   * fields are read (under ASan a read past it fails the test). */
  {
    const size_t v1_size = offsetof(iam_store_methods, update_entry);
    iam_store_methods prefix = m;
    unsigned char* v1 = (unsigned char*)malloc(v1_size);
    iam_store* old = NULL;
    if (v1 == NULL) exit(1);
    prefix.version = 1;
    memcpy(v1, &prefix, v1_size);
    REQUIRE_OK(iam_store_open_host((const iam_store_methods*)(void*)v1, &hs, &old, err), err);
    free(v1);
    iam_store_destroy(old);
    CHECK(hs.destroyed == 1);
    hs.destroyed = 0;
  }
  /* A version-2 host reads one idempotency record per commit: a batch of
   * creates with client tokens is refused before its commit, not half-recorded. */
  {
    iam_store_methods v2 = m;
    iam_store* old = NULL;
    iam_engine* old_engine = NULL;
    iam_request* batch[2] = {NULL, NULL};
    int i;
    v2.version = 2;
    REQUIRE_OK(iam_store_open_host(&v2, &hs, &old, err), err);
    old_engine = allow_all_engine(old, err);
    iam_store_destroy(old);
    for (i = 0; i < 2; ++i) {
      char name[32], token[32];
      snprintf(name, sizeof name, "tokened.user%d", i);
      snprintf(token, sizeof token, "ct-%d", i);
      REQUIRE_OK(iam_request_create(&batch[i], err), err);
      iam_request_set_tenant(batch[i], TENANT);
      iam_request_set_username(batch[i], name);
      iam_request_set_client_token(batch[i], token);
    }
    CHECK(iam_engine_batch_create_users(old_engine, NULL, batch, 2, &json, err) ==
          IAM_UNIMPLEMENTED);
    CHECK(strcmp(iam_error_reason(err), "store.unsupported") == 0);
    CHECK(json == NULL && hs.commits == 0 && hs.count == 0);
    for (i = 0; i < 2; ++i) iam_request_destroy(batch[i]);
    iam_engine_destroy(old_engine);
    CHECK(hs.destroyed == 1);
    hs.destroyed = 0;
  }

  REQUIRE_OK(iam_store_open_host(&m, &hs, &store, err), err);
  engine = allow_all_engine(store, err);
  iam_store_destroy(store); /* the engine holds it */
  CHECK(hs.destroyed == 0);

  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "frank.green");
  iam_request_set_email(req, "frank@example.com");
  iam_request_set_password_mode(req, IAM_PASSWORD_GENERATED);
  iam_request_set_require_password_reset(req, 0);
  REQUIRE_OK(iam_engine_create_user(engine, NULL, req, &json, err), err);
  string_at(member(json, "generated_password"), password, sizeof password);
  iam_free(json);
  CHECK(hs.count == 1 && hs.commits == 1);

  /* Uniqueness comes from the host's find_user and commit. */
  iam_request_set_username(req, "Frank.Green");
  CHECK(iam_engine_create_user(engine, NULL, req, &json, err) == IAM_ALREADY_EXISTS);
  CHECK(strcmp(iam_error_reason(err), "username.duplicate") == 0);
  iam_request_set_username(req, "frank.other");
  CHECK(iam_engine_create_user(engine, NULL, req, &json, err) == IAM_ALREADY_EXISTS);
  CHECK(strcmp(iam_error_reason(err), "email.duplicate") == 0);

  /* A generated password with nowhere to return it is refused, and nothing
   * is committed (it used to create a user whose password nobody saw). */
  iam_request_set_email(req, "other@example.com");
  CHECK(iam_engine_create_user(engine, NULL, req, NULL, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "out_json") == 0);
  CHECK(strcmp(iam_error_reason(err), "api.secret_unreturned") == 0);
  CHECK(hs.count == 1 && hs.commits == 1);

  /* A failing callback surfaces as IAM_CALLBACK_FAILED with its message. */
  hs.fail_next = 1;
  CHECK(iam_engine_create_user(engine, NULL, req, &json, err) == IAM_CALLBACK_FAILED);
  CHECK(iam_error_code(err) == IAM_CALLBACK_FAILED);
  CHECK(strstr(iam_error_message(err), "injected failure") != NULL);
  CHECK(iam_error_http_status(err) == 500);
  iam_request_destroy(req);

  REQUIRE_OK(iam_engine_get_user(engine, NULL, TENANT, "FRANK.GREEN", &json, err), err);
  CHECK(strstr(json, "frank@example.com") != NULL);
  iam_free(json);
  REQUIRE_OK(iam_list_request_create(&list, err), err);
  iam_list_request_set_tenant(list, TENANT);
  iam_list_request_set_name_prefix(list, "fr");
  REQUIRE_OK(iam_engine_list_users(engine, NULL, list, &json, err), err);
  CHECK(array_length(member(json, "users")) == 1);
  iam_free(json);
  iam_list_request_destroy(list);

  /* Authentication reads the record back and writes login bookkeeping. */
  REQUIRE_OK(
      iam_engine_authenticate(engine, TENANT, "frank.green", "bad-password1", &outcome, NULL, err),
      err);
  CHECK(outcome == IAM_AUTH_BAD_CREDENTIALS);
  REQUIRE_OK(iam_engine_authenticate(engine, TENANT, "frank.green", password, &outcome, NULL, err),
             err);
  CHECK(outcome == IAM_AUTH_SUCCESS);
  REQUIRE_OK(iam_engine_get_user(engine, NULL, TENANT, "frank.green", &json, err), err);
  CHECK(int_at(member(json, "version")) == 1); /* bookkeeping keeps the version */
  iam_free(json);

  iam_engine_destroy(engine);
  CHECK(hs.destroyed == 1);
  iam_error_destroy(err);
}

/* ------------------------------------------------------------------------ */
/* The wire layer: a Keystone token, then POST /v3/users, through the C ABI. */

/* The value of header `name` in a [[name, value], ...] array, into `out`. */
static int header_value(const char* headers, const char* name, char* out, size_t size) {
  const char* pair;
  char key[64];
  for (pair = array_first(headers); pair != NULL; pair = array_next(pair)) {
    const char* first = array_first(pair);
    string_at(first, key, sizeof key);
    if (strcmp(key, name) == 0) {
      string_at(array_next(first), out, size);
      return 1;
    }
  }
  out[0] = '\0';
  return 0;
}

static void test_wire(void) {
  char* json = NULL;
  iam_error* err = NULL;
  iam_options* options = NULL;
  iam_engine* engine = NULL;
  iam_request* req = NULL;
  iam_wire* wire = NULL;
  char *headers = NULL, *body = NULL;
  size_t body_size = 0;
  int status = 0;
  char token[128], auth[192], id[80], request_id[64];
  const char* login =
      "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": "
      "{\"name\": \"wire.admin\", \"password\": \"Summer-Breeze7\", \"domain\": {\"id\": \"" TENANT
      "\"}}}}, \"scope\": {\"domain\": {\"id\": \"" TENANT "\"}}}}";
  const char* create = "{\"user\": {\"name\": \"wire.user\", \"description\": \"from C\"}}";

  REQUIRE_OK(iam_error_create(&err), err);
  REQUIRE_OK(iam_options_create(&options, err), err);
  CHECK(iam_options_set_argon2_preset(options, IAM_ARGON2_TESTS) == IAM_OK);
  /* Without a host authorizer the policy evaluator decides: a NULL caller may
   * do nothing administrative. Allow-all is asked for by name. */
  REQUIRE_OK(iam_engine_create(options, NULL, &engine, err), err);
  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "nobody.asked");
  iam_request_set_password_mode(req, IAM_PASSWORD_GENERATED);
  CHECK(iam_engine_create_user(engine, NULL, req, &json, err) == IAM_PERMISSION_DENIED);
  CHECK(json == NULL && strcmp(iam_error_reason(err), "authorization.denied") == 0);
  iam_request_destroy(req);
  iam_engine_destroy(engine);
  CHECK(iam_options_set_allow_all(options, 1) == IAM_OK);
  REQUIRE_OK(iam_engine_create(options, NULL, &engine, err), err);
  iam_options_destroy(options);
  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "wire.admin");
  iam_request_set_password_mode(req, IAM_PASSWORD_MANUAL);
  iam_request_set_password(req, "Summer-Breeze7");
  iam_request_set_require_password_reset(req, 0);
  REQUIRE_OK(iam_engine_create_user(engine, NULL, req, NULL, err), err);
  iam_request_destroy(req);

  CHECK(iam_wire_create(NULL, NULL, 0, &wire, err) == IAM_INVALID_ARGUMENT);
  REQUIRE_OK(iam_wire_create(engine, "http://wire.test", 0, &wire, err), err);

  REQUIRE_OK(iam_wire_handle(wire, "POST", "/v3/auth/tokens", NULL,
                             "[[\"Content-Type\", \"application/json\"]]", login, strlen(login),
                             "127.0.0.1:1", &status, &headers, &body, &body_size, err),
             err);
  CHECK(status == 201);
  CHECK(header_value(headers, "X-Subject-Token", token, sizeof token) && strlen(token) == 43);
  CHECK(header_value(headers, "X-Request-Id", request_id, sizeof request_id) &&
        strlen(request_id) == 36);
  CHECK(body_size == strlen(body) && member(member(body, "token"), "expires_at") != NULL);
  iam_free(headers);
  iam_free(body);

  snprintf(auth, sizeof auth,
           "[[\"X-Auth-Token\", \"%s\"], [\"Content-Type\", \"application/json\"]]", token);
  REQUIRE_OK(iam_wire_handle(wire, "POST", "/v3/users", NULL, auth, create, strlen(create), NULL,
                             &status, &headers, &body, &body_size, err),
             err);
  CHECK(status == 201);
  string_at(member(member(body, "user"), "id"), id, sizeof id);
  CHECK(strlen(id) == 32);
  CHECK(strstr(body, "http://wire.test/v3/users/") != NULL);
  iam_free(headers);
  iam_free(body);

  /* An HTTP error is still IAM_OK: the request was answered. */
  REQUIRE_OK(iam_wire_handle(wire, "POST", "/v3/users", NULL, auth, create, strlen(create), NULL,
                             &status, NULL, &body, NULL, err),
             err);
  CHECK(status == 409);
  CHECK(int_at(member(member(body, "error"), "code")) == 409);
  iam_free(body);
  REQUIRE_OK(iam_wire_handle(wire, "GET", "/v3/users", "name=wire.user", NULL, NULL, 0, NULL,
                             &status, NULL, NULL, NULL, err),
             err);
  CHECK(status == 401);

  /* Malformed arguments are the ABI's errors. */
  CHECK(iam_wire_handle(wire, "GET", "/v3", NULL, "{\"not\": \"pairs\"}", NULL, 0, NULL, &status,
                        NULL, NULL, NULL, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "headers_json") == 0);
  CHECK(iam_wire_handle(wire, "GET", "/v3", NULL, NULL, NULL, 5, NULL, &status, NULL, NULL, NULL,
                        err) == IAM_INVALID_ARGUMENT);

  iam_wire_destroy(wire);
  iam_wire_destroy(NULL);
  iam_engine_destroy(engine);
  iam_error_destroy(err);
}

/* Bulk import from text: rows created, a bad row reported by field, secrets
 * returned once, an imported bcrypt hash logging in; the same text again
 * resumes (already_present) with no secret. */
static int import_progress_calls;
static long long import_last_done = -1;
static void count_progress(void* ctx, const iam_import_progress* p) {
  (void)ctx;
  ++import_progress_calls;
  import_last_done = p->rows_done;
}

static void test_import(void) {
  iam_error* err = NULL;
  iam_store* store = NULL;
  iam_engine* engine = NULL;
  char* json = NULL;
  char text[64];
  int outcome = -1;
  const char* rows =
      "{\"username\": \"ann.lee\", \"password_mode\": \"generated\"}\n"
      "{\"username\": \"ben.ng\", \"password_hash\": "
      "\"$2b$05$khOjXst2s/Z9Lk6TRqXfd.BAAkogu.8ehvhWssJ8Z/T5aO03I37MS\"}\n"
      "{\"username\": \"1bad.user\"}\n";
  REQUIRE_OK(iam_error_create(&err), err);
  REQUIRE_OK(iam_store_open_memory(&store, err), err);
  engine = allow_all_engine(store, err);
  REQUIRE_OK(iam_engine_import_users(engine, NULL, TENANT, NULL, rows, strlen(rows),
                                     IAM_IMPORT_JSON_LINES, 2, 0, count_progress, NULL, &json, err),
             err);
  CHECK(int_at(member(json, "rows")) == 3 && int_at(member(json, "created")) == 2);
  CHECK(int_at(member(json, "failed")) == 1);
  CHECK(array_length(member(json, "errors")) == 1);
  CHECK(strcmp(string_at(member(array_first(member(json, "errors")), "field"), text, sizeof text),
               "username") == 0);
  CHECK(int_at(member(array_first(member(json, "errors")), "row")) == 3);
  CHECK(array_length(member(json, "secrets")) == 1);
  string_at(member(array_first(member(json, "secrets")), "password"), text, sizeof text);
  CHECK(strlen(text) == 10);
  CHECK(import_progress_calls >= 1 && import_last_done == 3);
  iam_free(json);
  REQUIRE_OK(iam_engine_authenticate(engine, TENANT, "ben.ng", "Tr0ub4dor&3", &outcome, NULL, err),
             err);
  CHECK(outcome == IAM_AUTH_SUCCESS);
  /* Again: the two are already there, and no secret comes back. */
  REQUIRE_OK(iam_engine_import_users(engine, NULL, TENANT, NULL, rows, strlen(rows),
                                     IAM_IMPORT_AUTO, 0, 0, NULL, NULL, &json, err),
             err);
  CHECK(int_at(member(json, "already_present")) == 2 && int_at(member(json, "created")) == 0);
  CHECK(array_length(member(json, "secrets")) == 0);
  iam_free(json);
  /* Bad arguments name themselves. */
  CHECK(iam_engine_import_users(engine, NULL, TENANT, NULL, rows, strlen(rows), 7, 0, 0, NULL, NULL,
                                &json, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "format") == 0 && json == NULL);
  CHECK(iam_engine_import_users(engine, NULL, TENANT, NULL, rows, strlen(rows), 0, 0, 0, NULL, NULL,
                                NULL, err) == IAM_INVALID_ARGUMENT);
  CHECK(strcmp(iam_error_field(err), "out_json") == 0);
  CHECK(iam_engine_import_users(engine, NULL, TENANT, "/nonexistent/users.csv", NULL, 0, 0, 0, 0,
                                NULL, NULL, &json, err) == IAM_NOT_FOUND);
  iam_engine_destroy(engine);
  iam_store_destroy(store);
  iam_error_destroy(err);
}

/* PostgreSQL through the C ABI: a bad connection string names the field;
 * with the test server (IAM_TEST_PG_URL, set by scripts/test.sh; required)
 * iam_store_open picks PostgreSQL and users round-trip. */
static void test_postgres(void) {
  iam_error* err = NULL;
  iam_store* store = NULL;
  iam_engine* engine = NULL;
  iam_request* req = NULL;
  char* json = NULL;
  const char* url = getenv("IAM_TEST_PG_URL");
  REQUIRE_OK(iam_error_create(&err), err);
  CHECK(iam_store_open_postgres("postgresql://[::1/x", 0, &store, err) == IAM_INVALID_ARGUMENT);
  CHECK(store == NULL && strcmp(iam_error_field(err), "store") == 0);
  CHECK(url != NULL && url[0] != '\0'); /* the test command starts the server */
  if (url == NULL || url[0] == '\0') {
    iam_error_destroy(err);
    return;
  }
  REQUIRE_OK(iam_store_open(url, &store, err), err);
  engine = allow_all_engine(store, err);
  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "c.abi.postgres");
  if (iam_engine_get_user(engine, NULL, TENANT, "c.abi.postgres", NULL, err) == IAM_NOT_FOUND) {
    REQUIRE_OK(iam_engine_create_user(engine, NULL, req, &json, err), err);
    iam_free(json);
  }
  REQUIRE_OK(iam_engine_get_user(engine, NULL, TENANT, "c.abi.postgres", &json, err), err);
  CHECK(strstr(json, "\"c.abi.postgres\"") != NULL);
  iam_free(json);
  iam_request_destroy(req);
  iam_engine_destroy(engine);
  iam_store_destroy(store);
  iam_error_destroy(err);
}

/* The audit log, dead letters and a delivering notifier (nobody listens on
 * port 1, so every send fails at once). */
static void test_audit(void) {
  iam_error* err = NULL;
  iam_options* options = NULL;
  iam_notifier* notifier = NULL;
  iam_engine* engine = NULL;
  iam_request* req = NULL;
  char* json = NULL;
  const char* at = NULL;
  long long dead_id = 0;
  int64_t pruned = -1;
  REQUIRE_OK(iam_error_create(&err), err);
  CHECK(iam_notifier_open("{\"email\": {\"url\": \"smtp://127.0.0.1:1\", \"starttls\": \"x\"}}",
                          &notifier, err) == IAM_INVALID_ARGUMENT);
  CHECK(notifier == NULL && strcmp(iam_error_field(err), "email.starttls") == 0);
  REQUIRE_OK(iam_notifier_open("smtp://127.0.0.1:1", &notifier, err), err);
  REQUIRE_OK(iam_options_create(&options, err), err);
  CHECK(iam_options_set_argon2_preset(options, IAM_ARGON2_TESTS) == IAM_OK);
  CHECK(iam_options_set_notifier(options, notifier) == IAM_OK);
  CHECK(iam_options_set_allow_all(options, 1) == IAM_OK);
  CHECK(iam_options_set_outbox_max_attempts(options, 1) == IAM_OK);
  CHECK(iam_options_set_audit(options, IAM_AUDIT) == IAM_OK);
  REQUIRE_OK(iam_engine_create(options, NULL, &engine, err), err);
  iam_notifier_destroy(notifier);
  iam_options_destroy(options);

  REQUIRE_OK(iam_request_create(&req, err), err);
  iam_request_set_tenant(req, TENANT);
  iam_request_set_username(req, "link.user");
  iam_request_set_email(req, "link@example.com");
  iam_request_set_password_mode(req, IAM_PASSWORD_FIRST_LOGIN_LINK);
  REQUIRE_OK(iam_engine_create_user(engine, NULL, req, &json, err), err);
  iam_free(json);
  iam_request_destroy(req);

  /* One attempt allowed: the link is dead at once, kept with its error. */
  REQUIRE_OK(iam_engine_dead_letters(engine, 10, &json, err), err);
  CHECK(strstr(json, "\"kind\":\"login_link\"") != NULL && strstr(json, "\"attempts\":1") != NULL);
  CHECK(strstr(json, "token=") == NULL); /* never the body */
  at = strstr(json, "\"id\":");
  CHECK(at != NULL && sscanf(at, "\"id\":%lld", &dead_id) == 1 && dead_id > 0);
  iam_free(json);
  CHECK(iam_engine_redrive(engine, dead_id + 1000, err) == IAM_NOT_FOUND);
  REQUIRE_OK(iam_engine_redrive(engine, dead_id, err), err); /* fails again: dead again */
  REQUIRE_OK(iam_engine_dead_letters(engine, 10, &json, err), err);
  CHECK(strstr(json, "\"attempts\":1") != NULL);
  iam_free(json);

  REQUIRE_OK(iam_engine_list_audit_events(engine, NULL, "{\"tenant\": \"" TENANT "\"}", &json, err),
             err);
  CHECK(strstr(json, "\"action\":\"iam:CreateUser\"") != NULL);
  iam_free(json);
  CHECK(iam_engine_list_audit_events(engine, NULL, "{\"tenant\": \"" TENANT "\", \"since\": 1}",
                                     &json, err) == IAM_INVALID_ARGUMENT);
  CHECK(json == NULL && strcmp(iam_error_field(err), "since") == 0);
  REQUIRE_OK(iam_engine_prune_audit_events(engine, 0, &pruned, err), err);
  CHECK(pruned == 1);
  iam_engine_destroy(engine);
  iam_error_destroy(err);
}

int main(int argc, char** argv) {
  const char* scratch = argc > 1 ? argv[1] : ".";
  test_versions_and_limits();
  test_checks();
  test_engine(scratch);
  test_audit();
  test_host_store();
  test_import();
  test_wire();
  test_postgres();
  if (failures > 0) {
    fprintf(stderr, "c_api_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_test: all checks passed (iamcore %s, ABI %d)\n", iam_version(), iam_abi_version());
  return 0;
}
