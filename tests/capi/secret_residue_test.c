/* Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
 *
 * Secrets leave no copy in freed heap memory. This program replaces free():
 * while the quarantine is on, freed blocks are kept (not released) so their
 * last contents can be read. It creates users with a generated password and
 * an access key through the C ABI, single and in a batch, releases every
 * result with iam_free, and then scans each quarantined block for the
 * secrets it was handed. Any hit is a copy that was freed without being
 * wiped. Not built under ASan, which owns free() itself. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iam/iam.h"

#define MAX_HELD (1 << 20)

static void (*real_free)(void*);
static int quarantine_on;
static void* held[MAX_HELD];
static size_t held_count;
static size_t overflowed;

/* Exported despite the build's hidden visibility, so libiam and libstdc++ call it. */
__attribute__((visibility("default"))) void free(void* p) {
  if (p == NULL) return;
  if (quarantine_on) {
    if (held_count < MAX_HELD) {
      held[held_count++] = p;
      return;
    }
    ++overflowed;
  }
  if (real_free == NULL) real_free = (void (*)(void*))dlsym(RTLD_NEXT, "free");
  if (real_free != NULL) real_free(p); /* else: leaked during dlsym's own start */
}

static void release_held(void) {
  size_t i;
  quarantine_on = 0;
  for (i = 0; i < held_count; ++i) free(held[i]);
  held_count = 0;
}

/* How many quarantined blocks contain `secret`. */
static int blocks_holding(const char* secret) {
  const size_t n = strlen(secret);
  size_t i;
  int hits = 0;
  for (i = 0; i < held_count; ++i) {
    const size_t size = malloc_usable_size(held[i]);
    if (size >= n && memmem(held[i], size, secret, n) != NULL) ++hits;
  }
  return hits;
}

/* Copies the JSON string value after `key` (e.g. "\"secret\":\"") into `out`,
 * a stack buffer, from position `from`; returns where the value ends. */
static const char* copy_value(const char* from, const char* key, char* out, size_t cap) {
  const char* p = strstr(from, key);
  size_t n = 0;
  if (p == NULL) return NULL;
  p += strlen(key);
  while (p[n] != '"' && n + 1 < cap) {
    out[n] = p[n];
    ++n;
  }
  out[n] = '\0';
  return p + n;
}

static int failures;

static void expect_no_residue(const char* what, const char* secret) {
  const int hits = blocks_holding(secret);
  if (strlen(secret) < 8) {
    printf("FAIL %s: secret not found in the result\n", what);
    ++failures;
  } else if (hits != 0) {
    printf("FAIL %s: %d freed block(s) still hold it\n", what, hits);
    ++failures;
  } else {
    printf("ok   %s: no freed block holds it\n", what);
  }
}

static iam_request* new_request(const char* username, const char* email) {
  iam_request* req = NULL;
  if (iam_request_create(&req, NULL) != IAM_OK) return NULL;
  iam_request_set_tenant(req, "tenant1");
  iam_request_set_username(req, username);
  iam_request_set_email(req, email);
  iam_request_set_password_mode(req, IAM_PASSWORD_GENERATED);
  iam_request_set_access_key(req, 1);
  return req;
}

int main(void) {
  iam_options* options = NULL;
  iam_engine* engine = NULL;
  iam_request* reqs[2];
  char* json = NULL;
  char password[128], secret[128], password2[128], secret2[128];
  const char* at;

  real_free = (void (*)(void*))dlsym(RTLD_NEXT, "free");
  if (iam_options_create(&options, NULL) != IAM_OK ||
      iam_options_set_argon2_preset(options, IAM_ARGON2_TESTS) != IAM_OK ||
      iam_options_set_allow_all(options, 1) != IAM_OK ||
      iam_engine_create(options, NULL, &engine, NULL) != IAM_OK) {
    printf("FAIL engine\n");
    return 1;
  }
  iam_options_destroy(options);

  /* One user. */
  reqs[0] = new_request("alice.wong", "alice@example.com");
  quarantine_on = 1;
  if (iam_engine_create_user(engine, NULL, reqs[0], &json, NULL) != IAM_OK) {
    printf("FAIL create_user\n");
    return 1;
  }
  password[0] = secret[0] = '\0';
  copy_value(json, "\"generated_password\":\"", password, sizeof password);
  copy_value(json, "\"secret\":\"", secret, sizeof secret);
  iam_free(json);
  iam_request_destroy(reqs[0]);
  expect_no_residue("single create, generated password", password);
  expect_no_residue("single create, access-key secret", secret);
  release_held();

  /* A batch of two. */
  reqs[0] = new_request("bob.smith", "bob@example.com");
  reqs[1] = new_request("carol.jones", "carol@example.com");
  quarantine_on = 1;
  if (iam_engine_batch_create_users(engine, NULL, reqs, 2, &json, NULL) != IAM_OK ||
      strstr(json, "\"committed\":true") == NULL) {
    printf("FAIL batch_create_users: %s\n", json != NULL ? json : "(null)");
    return 1;
  }
  password[0] = secret[0] = password2[0] = secret2[0] = '\0';
  at = copy_value(json, "\"generated_password\":\"", password, sizeof password);
  copy_value(json, "\"secret\":\"", secret, sizeof secret);
  if (at != NULL) {
    at = strstr(at, "\"index\":1");
    if (at != NULL) {
      copy_value(at, "\"generated_password\":\"", password2, sizeof password2);
      copy_value(at, "\"secret\":\"", secret2, sizeof secret2);
    }
  }
  iam_free(json);
  iam_request_destroy(reqs[0]);
  iam_request_destroy(reqs[1]);
  expect_no_residue("batch create, first password", password);
  expect_no_residue("batch create, first access-key secret", secret);
  expect_no_residue("batch create, second password", password2);
  expect_no_residue("batch create, second access-key secret", secret2);
  release_held();

  iam_engine_destroy(engine);
  if (overflowed != 0) {
    printf("FAIL quarantine overflowed by %lu blocks\n", (unsigned long)overflowed);
    ++failures;
  } else {
    printf("ok   every freed block was scanned\n");
  }
  printf("%d passed, %d failed\n", 7 - failures, failures);
  return failures == 0 ? 0 : 1;
}
