// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// What the signature checks remember between requests, each bounded in size
// and time:
//  - ReplayGuard: a key seen within its window, with the value it came with
//    (an Alibaba signature nonce).
//  - SigningKeyCache: TC3's derived kSigning per access key, date and
//    service, so that a verify costs one HMAC of the derivation's four.
//
// Thread-safety: every member may be called from many threads at once.
#ifndef IAM_SRC_WIRE_REPLAY_GUARD_H_
#define IAM_SRC_WIRE_REPLAY_GUARD_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/secret.h"

namespace iam::wire {

class ReplayGuard {
 public:
  enum class Repeat : uint8_t {
    kAllowSameValue,  // the same key with the same value passes again
    kRefuse,          // a key is accepted once
  };
  // At most `capacity` live keys; when full of unexpired keys, Admit refuses.
  explicit ReplayGuard(size_t capacity) : capacity_(capacity) {}

  // Records `key` with `value` until `expires`. False when the key is already
  // live with another value (or at all, under kRefuse), or the guard is full.
  bool Admit(absl::string_view key, absl::string_view value, absl::Time now, absl::Time expires,
             Repeat repeat);

 private:
  struct Entry {
    std::string value;
    absl::Time expires;
  };
  void PurgeExpiredLocked(absl::Time now);

  const size_t capacity_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
};

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity) : capacity_(capacity) {}
  // A copy of the key cached for `id` (access key, date, service), or an
  // empty Secret.
  Secret Find(absl::string_view id);
  // Keeps `key` for `id`; when full, everything cached is dropped (the dates
  // in the ids make old entries useless anyway).
  void Insert(absl::string_view id, const Secret& key);

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::map<std::string, Secret, std::less<>> keys_;  // guarded by mu_
};

}  // namespace iam::wire

#endif  // IAM_SRC_WIRE_REPLAY_GUARD_H_
