// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// Argon2id password hashing (libsodium crypto_pwhash_str). The stored string
// carries its parameters; NeedsRehash() tells when they differ from the
// hasher's, so a successful login can upgrade the hash.
//
//   iam::PasswordHasher hasher;                 // OWASP: m=19 MiB, t=2, p=1
//   auto hash = hasher.Hash("correct horse");   // "$argon2id$v=19$m=19456,t=2,p=1$..."
//   hasher.Verify(*hash, "correct horse");      // true
//
// Thread-safety: a PasswordHasher is immutable; Hash and Verify may run on many
// threads at once (each uses memlimit bytes while it runs).
#ifndef IAM_PASSWORD_HASH_H_
#define IAM_PASSWORD_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "iam/export.h"
#include "iam/password_policy.h"

namespace iam {

struct IAM_EXPORT Argon2Params {
  uint64_t ops_limit = 2;                 // t, passes
  size_t mem_limit = 19u * 1024u * 1024;  // m, bytes (19 MiB)

  static Argon2Params Owasp() { return {}; }
  // libsodium's crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE.
  static Argon2Params SodiumInteractive();
  // The cheapest parameters libsodium accepts. WARNING: tests only.
  static Argon2Params ForTests();
};

// At most two Argon2 computations per core run at once in the process (the
// rest wait), so concurrent logins cannot take more than that many times
// mem_limit of memory.
class IAM_EXPORT PasswordHasher {
 public:
  explicit PasswordHasher(Argon2Params params = Argon2Params::Owasp());

  // InvalidArgument when params are outside libsodium's bounds,
  // ResourceExhausted when memory cannot be had.
  absl::StatusOr<std::string> Hash(absl::string_view password) const;
  // Constant-time verification of `password` against a stored string.
  bool Verify(absl::string_view stored, absl::string_view password) const;
  // True when `stored` was made with other parameters (or is not Argon2id).
  bool NeedsRehash(absl::string_view stored) const;
  // A hash of a random password, to verify against when a user does not exist,
  // so that the answer takes as long either way.
  const std::string& DummyHash() const;

  const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
  std::string dummy_;
};

// A password change's reuse rules: InvalidArgument "password.reused" when the
// password matches one of the `previous_hashes` (newest first; only the first
// history_count are considered), "password.too_recent" when the current
// password was set less than min_age before `now`.
IAM_EXPORT absl::Status CheckPasswordReuse(const PasswordChecker& checker,
                                           const PasswordHasher& hasher, absl::string_view password,
                                           const std::vector<std::string>& previous_hashes,
                                           absl::Time last_changed, absl::Time now);

}  // namespace iam

#endif  // IAM_PASSWORD_HASH_H_
