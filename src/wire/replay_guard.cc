// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "wire/replay_guard.h"

namespace iam::wire {

void ReplayGuard::PurgeExpiredLocked(absl::Time now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
  }
}

bool ReplayGuard::Admit(absl::string_view key, absl::string_view value, absl::Time now,
                        absl::Time expires, Repeat repeat) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.expires > now) {
    return repeat == Repeat::kAllowSameValue && it->second.value == value;
  }
  if (it == entries_.end() && entries_.size() >= capacity_) {
    PurgeExpiredLocked(now);
    if (entries_.size() >= capacity_) return false;
  }
  entries_[std::string(key)] = Entry{std::string(value), expires};
  return true;
}

Secret SigningKeyCache::Find(absl::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(id);
  return it == keys_.end() ? Secret() : Secret(it->second.view());
}

void SigningKeyCache::Insert(absl::string_view id, const Secret& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (keys_.size() >= capacity_) keys_.clear();
  keys_[std::string(id)] = Secret(key.view());
}

}  // namespace iam::wire
