// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Notifier is the delivery port: the engine writes notifications into the
// store's outbox in the same commit as the change, then dispatches them
// through a Notifier, at least once, retrying with backoff. A crash between
// commit and send loses nothing; a host's notifier must therefore tolerate a
// duplicate (Notification::id is stable across retries).
//
// Shipped: JsonLinesNotifier (appends one JSON object per line to a file) and
// CapturingNotifier (keeps them in memory, for tests).
//
//   iam::JsonLinesNotifier notifier("/var/lib/iam/outbox.jsonl");
//   options.notifier = &notifier;   // iam::EngineOptions; borrowed
//
// Thread-safety: Send may be called from many threads.
// WARNING: a notification body may carry a generated password or a one-time
// link token; a notifier delivers it and must not log it.
#ifndef IAM_NOTIFIER_H_
#define IAM_NOTIFIER_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "iam/export.h"

namespace iam {

struct Notification {
  int64_t id = 0;  // the outbox id: stable across retries
  std::string tenant;
  std::string user_id;
  std::string channel;    // "email" or "sms"
  std::string recipient;  // address or phone number (region:number)
  std::string kind;       // "login_link", "generated_password", "password_reset", ...
  std::string body;       // the engine's one-line text. WARNING: may hold a secret
  // For templates (iam/delivery.h); "" when the kind has none.
  std::string username;
  std::string display_name;
  std::string link;      // WARNING: a first-login or reset link holds a token
  std::string password;  // WARNING: a generated password
};

class IAM_EXPORT Notifier {
 public:
  Notifier() = default;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  virtual ~Notifier() = default;
  // OK when delivered (or handed to a system that will deliver it).
  virtual absl::Status Send(const Notification& notification) = 0;
};

// Appends {"id","tenant","user_id","channel","recipient","kind","body"} lines
// to `path` (created 0600), flushing each line.
class IAM_EXPORT JsonLinesNotifier final : public Notifier {
 public:
  explicit JsonLinesNotifier(std::string path);
  absl::Status Send(const Notification& notification) override;

 private:
  std::mutex mu_;
  std::string path_;
};

// Keeps every notification; fails the next `fail_next` sends (for tests).
class IAM_EXPORT CapturingNotifier final : public Notifier {
 public:
  absl::Status Send(const Notification& notification) override;
  std::vector<Notification> sent() const;
  void FailNext(int count);
  int attempts() const;

 private:
  mutable std::mutex mu_;
  std::vector<Notification> sent_;
  int fail_next_ = 0;
  int attempts_ = 0;
};

}  // namespace iam

#endif  // IAM_NOTIFIER_H_
