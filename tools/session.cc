// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// The engine a command runs on: a SQLite file at --db. Secrets: the host key
// comes from IAM_HOST_KEY (64 hex digits) or from the file <db>.key (created
// 0600 on first use); notifications are delivered as IAM_NOTIFY configures
// (iam/delivery.h), else appended to IAM_NOTIFY_FILE (default
// <db>.notifications.jsonl).
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "iam/error.h"
#include "iam/random.h"

namespace iamctl {
namespace {

// Where the host key file of the store at `db` is: beside a SQLite file, and
// for PostgreSQL (whose replicas must all share one key) IAM_HOST_KEY_FILE.
absl::StatusOr<std::string> HostKeyPath(const std::string& db) {
  if (!iam::IsPostgresLocation(db)) return db + ".key";
  const char* path = std::getenv("IAM_HOST_KEY_FILE");
  if (path != nullptr && *path != '\0') return std::string(path);
  return iam::MakeError(
      absl::StatusCode::kFailedPrecondition, "host_key", "host_key.missing",
      "a PostgreSQL --db needs the host key every replica shares: set "
      "IAM_HOST_KEY (64 hex digits) or IAM_HOST_KEY_FILE (created 0600 if absent)");
}

// Reads or creates the 32-byte host key for `db`.
absl::StatusOr<std::string> HostKey(const std::string& db) {
  iam::InitCrypto();
  std::string key(32, '\0');
  if (const char* hex = std::getenv("IAM_HOST_KEY"); hex != nullptr && *hex != '\0') {
    size_t len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex,
                       std::strlen(hex), nullptr, &len, nullptr) != 0 ||
        len != key.size()) {
      return iam::InvalidField("IAM_HOST_KEY", "host_key.invalid",
                               "IAM_HOST_KEY: must be 64 hex digits");
    }
    return key;
  }
  absl::StatusOr<std::string> key_path = HostKeyPath(db);
  if (!key_path.ok()) return key_path.status();
  const std::string& path = *key_path;
  if (const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    struct stat st {};
    // WARNING: a key others can read opens every sealed secret: refuse it.
    if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
      ::close(fd);
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      return iam::MakeError(absl::StatusCode::kFailedPrecondition, "host_key",
                            "host_key.file_exposed",
                            "host key file " + path + " is open to group or others (mode " + mode +
                                "): chmod 600 it, and rotate the key if others read it");
    }
    const ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n == static_cast<ssize_t>(key.size())) return key;
    iam::WipeString(key);
    return absl::DataLossError("host key file " + path + " is truncated");
  }
  randombytes_buf(key.data(), key.size());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError("cannot write host key file " + path);
  }
  ::close(fd);
  return key;
}

// The integer environment variable `name` holds (0 to 86400000), or nullopt
// when it is unset or empty.
absl::StatusOr<std::optional<int64_t>> EnvInteger(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::optional<int64_t>();
  int64_t v = 0;
  if (!absl::SimpleAtoi(value, &v) || v < 0 || v > 86'400'000) {
    return iam::InvalidField(name, "environment.invalid",
                             absl::StrCat(name, ": must be an integer from 0 to 86400000"));
  }
  return std::optional<int64_t>(v);
}

}  // namespace

absl::StatusOr<Session> OpenSession(
    const Globals& globals, const std::function<void(iam::EngineOptions&, Session&)>& configure) {
  Session s;
  iam::StoreOptions store_options;
  store_options.sqlite.default_phone_region = std::string(globals.profile->default_phone_region);
  auto store = iam::OpenStore(globals.db, store_options);
  if (!store.ok()) return store.status();
  s.store = std::move(*store);
  absl::StatusOr<std::string> key = HostKey(globals.db);
  if (!key.ok()) return key.status();
  // IAM_NOTIFY: a delivery spec (iam/delivery.h: a JSON config, @file, an
  // smtp(s):// or http(s):// URL); else IAM_NOTIFY_FILE, else a file by the db.
  const char* spec = std::getenv("IAM_NOTIFY");
  const char* file = std::getenv("IAM_NOTIFY_FILE");
  bool webhook = false;
  if (spec != nullptr && *spec != '\0') {
    absl::StatusOr<iam::DeliveryConfig> config = iam::LoadDeliveryConfig(spec);
    if (!config.ok()) return config.status();
    webhook = config->webhook.has_value();
    s.notifier = iam::NewDeliveryNotifier(*std::move(config));
  } else {
    s.notifier = std::make_unique<iam::JsonLinesNotifier>(
        file != nullptr && *file != '\0'      ? std::string(file)
        : iam::IsPostgresLocation(globals.db) ? std::string("./iam.notifications.jsonl")
                                              : globals.db + ".notifications.jsonl");
  }
  iam::EngineOptions options;
  options.profile = globals.profile;
  options.host_key = *key;
  options.notifier = s.notifier.get();
  // A configured webhook receives every audit event.
  options.audit_to_outbox = webhook;
  // Operators tune delivery by environment: how often to retry before a
  // message is dead (IAM_OUTBOX_MAX_ATTEMPTS), the first retry's delay in
  // milliseconds (IAM_OUTBOX_BACKOFF_MS).
  absl::StatusOr<std::optional<int64_t>> attempts = EnvInteger("IAM_OUTBOX_MAX_ATTEMPTS");
  if (!attempts.ok()) return attempts.status();
  if (*attempts) options.outbox_max_attempts = static_cast<int>(**attempts);
  absl::StatusOr<std::optional<int64_t>> backoff = EnvInteger("IAM_OUTBOX_BACKOFF_MS");
  if (!backoff.ok()) return backoff.status();
  if (*backoff) options.outbox_backoff_initial = absl::Milliseconds(**backoff);
  // The local commands are the operator's own, with the database file: every
  // call is allowed, by name. `serve` configures the policy evaluator instead.
  options.authorizer = iam::AllowAllAuthorizer();
  iam::WipeString(*key);
  if (configure) configure(options, s);
  s.engine = std::make_unique<iam::Engine>(std::move(options), s.store.get());
  return s;
}

int WithEngine(const Globals& globals, const std::string& tenant,
               const std::function<int(iam::Engine&)>& body) {
  absl::StatusOr<Session> session = OpenSession(globals);
  if (!session.ok()) return PrintError(*globals.profile, session.status());
  if (absl::Status s = session->engine->RegisterTenant(tenant); !s.ok()) {
    return PrintError(*globals.profile, s);
  }
  return body(*session->engine);
}

}  // namespace iamctl
