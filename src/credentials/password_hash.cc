// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
#include "iam/password_hash.h"

#include <sodium.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "iam/error.h"
#include "iam/imported_hash.h"
#include "iam/random.h"
#include "iam/secret.h"

namespace iam {
namespace {

// Argon2 takes mem_limit bytes per run (19 MiB by default): a burst of logins
// (a server's every worker at once) could take gigabytes. At most two runs per
// core proceed in the process; the others wait their turn, which costs them
// nothing they would not have spent competing for the cores anyway.
class HashSlots {
 public:
  HashSlots() : free_(std::max(2u, 2 * std::thread::hardware_concurrency())) {}
  void Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return free_ > 0; });
    --free_;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned free_;
};

// Holds one slot for its lifetime.
class HashSlot {
 public:
  HashSlot() { Slots().Acquire(); }
  ~HashSlot() { Slots().Release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;

 private:
  static HashSlots& Slots() {
    static HashSlots* const slots = new HashSlots();
    return *slots;
  }
};

}  // namespace

Argon2Params Argon2Params::SodiumInteractive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Argon2Params Argon2Params::ForTests() { return {crypto_pwhash_argon2id_OPSLIMIT_MIN, 8192}; }

PasswordHasher::PasswordHasher(Argon2Params params) : params_(params) {
  InitCrypto();
  // A hash of random bytes nobody knows, verified against for unknown users.
  uint8_t random[32];
  randombytes_buf(random, sizeof random);
  absl::StatusOr<std::string> dummy =
      Hash(absl::string_view(reinterpret_cast<const char*>(random), sizeof random));
  sodium_memzero(random, sizeof random);
  if (dummy.ok()) dummy_ = std::move(*dummy);
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) const {
  if (params_.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params_.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      params_.mem_limit < crypto_pwhash_argon2id_MEMLIMIT_MIN) {
    return InvalidField("argon2", "argon2.invalid_params",
                        "argon2: parameters outside libsodium's bounds");
  }
  char out[crypto_pwhash_STRBYTES];
  const HashSlot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.ops_limit,
                            params_.mem_limit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("argon2: out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(absl::string_view stored, absl::string_view password) const {
  if (stored.substr(0, 7) != "$argon2") {  // carried over from another system
    const HashSlot slot;
    return VerifyImportedHash(stored, password);
  }
  // crypto_pwhash_str_verify needs a NUL-terminated string of bounded size.
  if (stored.size() >= crypto_pwhash_STRBYTES) return false;
  char buffer[crypto_pwhash_STRBYTES] = {};
  std::copy(stored.begin(), stored.end(), buffer);
  const HashSlot slot;
  return crypto_pwhash_str_verify(buffer, password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(absl::string_view stored) const {
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return true;
  char buffer[crypto_pwhash_STRBYTES] = {};
  std::copy(stored.begin(), stored.end(), buffer);
  return crypto_pwhash_argon2id_str_needs_rehash(buffer, params_.ops_limit, params_.mem_limit) != 0;
}

const std::string& PasswordHasher::DummyHash() const { return dummy_; }

absl::Status CheckPasswordReuse(const PasswordChecker& checker, const PasswordHasher& hasher,
                                absl::string_view password,
                                const std::vector<std::string>& previous_hashes,
                                absl::Time last_changed, absl::Time now) {
  const PasswordPolicy& policy = checker.policy();
  if (policy.min_age > absl::ZeroDuration() && now - last_changed < policy.min_age) {
    return InvalidField("password", "password.too_recent",
                        absl::StrCat("password: may be changed again after ",
                                     absl::FormatDuration(policy.min_age)));
  }
  const size_t n = std::min(previous_hashes.size(), static_cast<size_t>(policy.history_count));
  for (size_t i = 0; i < n; ++i) {
    if (hasher.Verify(previous_hashes[i], password)) {
      return InvalidField("password", "password.reused",
                          absl::StrCat("password: must not be one of the last ",
                                       policy.history_count, " passwords"));
    }
  }
  return absl::OkStatus();
}

}  // namespace iam
